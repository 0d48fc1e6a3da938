package org.lrml.data;

/**
 * A box in pixel coordinates of an image, x1 y1 (top left, inclusive) to x2 y2 (bottom right, exclusive),
 * as the Oxford/Paris query files and the revisited {@code bbx} entries give it. Coordinates may be
 * fractional; {@link Images#crop} rounds them to the nearest pixel edge.
 */
public record BoundingBox(double x1, double y1, double x2, double y2) {

    public BoundingBox {
        if (!(Double.isFinite(x1) && Double.isFinite(y1) && Double.isFinite(x2) && Double.isFinite(y2))) {
            throw new IllegalArgumentException("bounding box with a non-finite coordinate: " + x1 + " " + y1 + " " + x2
                    + " " + y2);
        }
        if (!(x2 > x1 && y2 > y1)) {
            throw new IllegalArgumentException("empty bounding box (" + x1 + ", " + y1 + ") - (" + x2 + ", " + y2
                    + "): x2 must exceed x1 and y2 must exceed y1");
        }
    }

    @Override
    public String toString() {
        return "[" + x1 + ", " + y1 + ", " + x2 + ", " + y2 + "]";
    }
}
