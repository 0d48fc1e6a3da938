package org.lrml.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The JPEG and PNG images under a folder (searched recursively, since Paris6k keeps one sub-folder per
 * landmark), indexed by file name without extension: the names the benchmarks' ground truth uses.
 */
public final class ImageFolder {
    private final Path root;
    private final Map<String, Path> byName;

    private ImageFolder(Path root, Map<String, Path> byName) {
        this.root = root;
        this.byName = byName;
    }

    public static ImageFolder scan(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            throw new IOException(root + ": no such folder of images");
        }
        Map<String, Path> byName = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                String file = p.getFileName().toString();
                String stem = stemOfImage(file);
                if (stem == null || !Files.isRegularFile(p)) {
                    continue;
                }
                Path previous = byName.put(stem, p);
                if (previous != null) {
                    throw new IOException(root + ": two images are named '" + stem + "' (" + previous + " and " + p
                            + "); benchmark names must be unique");
                }
            }
        } catch (NoSuchFileException | NotDirectoryException e) {
            throw new IOException(root + ": cannot list images (" + e.getMessage() + ")", e);
        }
        return new ImageFolder(root, byName);
    }

    /** The name without extension when the file is a .jpg, .jpeg or .png (any case), else null. */
    static String stemOfImage(String file) {
        String lower = file.toLowerCase(Locale.ROOT);
        for (String ext : new String[]{".jpg", ".jpeg", ".png"}) {
            if (lower.endsWith(ext) && file.length() > ext.length()) {
                return file.substring(0, file.length() - ext.length());
            }
        }
        return null;
    }

    public Path root() {
        return root;
    }

    /** Image names in sorted order. */
    public List<String> names() {
        return Collections.unmodifiableList(new ArrayList<>(byName.keySet()));
    }

    public boolean contains(String name) {
        return byName.containsKey(name);
    }

    public Path path(String name) throws IOException {
        Path p = byName.get(name);
        if (p == null) {
            throw new IOException("image '" + name + "' not found under " + root + " (" + byName.size()
                    + " images indexed; names are file names without .jpg/.png)");
        }
        return p;
    }

    /** Loads an image by name, optionally cropped to box first (query cropping), then prepared. */
    public ChwImage load(String name, BoundingBox box, ImagePrep prep) throws IOException {
        return Images.load(path(name), box, prep);
    }

    public int size() {
        return byName.size();
    }
}
