#!/usr/bin/python3
"""The image-decoding and resizing fixtures of the landmark pipeline (run from anywhere with Debian's
/usr/bin/python3: PIL 9.4 (python3-pil), numpy, torch 1.13). Everything it writes is committed, so the tests need
neither PIL nor torch.

Decoding (each file next to <name>.npy, the uint8 H x W x 3 array that Pillow gives for
ImageOps.exif_transpose(Image.open(file)).convert('RGB'), which is how an upright RGB image is read):
    baseline.jpg      RGB JPEG, 4:2:0 chroma subsampling
    progressive.jpg   the same picture, progressive
    q444.jpg          RGB JPEG without chroma subsampling
    gray.jpg          one-component (grayscale) JPEG
    cmyk.jpg          four-component CMYK JPEG (Adobe marker, transform 0; Pillow writes inverted values)
    ycck.jpg          four-component YCCK JPEG (Pillow cannot write YCCK: the Y, Cb, Cr, K planes are written
                      as a CMYK JPEG and its Adobe transform byte is set to 2)
    exif1.jpg .. exif8.jpg  a 24 x 32 picture with each EXIF orientation (width and height swap for 5..8)
    rgba.png, palette.png, luma.png   PNG flavours (RGBA, 16-colour palette, 8-bit gray)
Pixel arrays are saved as int32 (the engine reads float32/64 and int32/64 .npy files).
Resizing (torch.nn.functional.interpolate, bilinear, align_corners=False), on src.npy (3 x 37 x 53 float32):
    resize_<h>x<w>.npy                size given
    scale_<f>.npy                     scale_factor f (0.7071, 0.5, 1.3), as cirtorch's multi-scale passes it
"""
import io
import os

import numpy as np
from PIL import Image, ImageOps

HERE = os.path.dirname(os.path.abspath(__file__))


def picture(h, w, seed):
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w]
    base = np.stack([(x * 255 / w), (y * 255 / h), (128 + 100 * np.sin((x + 2 * y) / 6.0))], -1)
    return np.clip(base + rng.normal(0, 10, base.shape), 0, 255).round().astype(np.uint8)


def reference(name):
    with Image.open(os.path.join(HERE, name)) as im:
        a = np.asarray(ImageOps.exif_transpose(im).convert("RGB"))
    np.save(os.path.join(HERE, os.path.splitext(name)[0] + ".npy"), np.ascontiguousarray(a, dtype=np.int32))


def exif_bytes(orientation):
    ex = Image.Exif()
    ex[0x0112] = orientation
    return ex.tobytes()


def main():
    rgb = Image.fromarray(picture(24, 32, 0), "RGB")
    rgb.save(os.path.join(HERE, "baseline.jpg"), quality=90)
    rgb.save(os.path.join(HERE, "progressive.jpg"), quality=90, progressive=True)
    rgb.save(os.path.join(HERE, "q444.jpg"), quality=90, subsampling=0)
    rgb.convert("L").save(os.path.join(HERE, "gray.jpg"), quality=90)
    rng = np.random.default_rng(1)
    cmyk = np.concatenate([picture(24, 32, 2), rng.integers(0, 160, (24, 32, 1), dtype=np.uint8)], -1)
    Image.frombytes("CMYK", (32, 24), cmyk.tobytes()).save(os.path.join(HERE, "cmyk.jpg"), quality=95)
    # YCCK: planes as they sit in the file (Y, Cb, Cr, K); Pillow stores CMYK inverted, so hand it 255 - planes.
    planes = np.concatenate([picture(24, 32, 3), rng.integers(60, 255, (24, 32, 1), dtype=np.uint8)], -1)
    buf = io.BytesIO()
    Image.frombytes("CMYK", (32, 24), (255 - planes).tobytes()).save(buf, "JPEG", quality=95)
    data = bytearray(buf.getvalue())
    at = data.find(b"Adobe")
    assert at > 0 and data[at + 11] == 0, "no Adobe marker with transform 0"
    data[at + 11] = 2
    with open(os.path.join(HERE, "ycck.jpg"), "wb") as f:
        f.write(bytes(data))
    for o in range(1, 9):
        rgb.save(os.path.join(HERE, "exif%d.jpg" % o), quality=90, exif=exif_bytes(o))
    rgba = np.concatenate([picture(13, 17, 4), rng.integers(0, 256, (13, 17, 1), dtype=np.uint8)], -1)
    Image.fromarray(rgba, "RGBA").save(os.path.join(HERE, "rgba.png"))
    Image.fromarray(picture(13, 17, 5), "RGB").quantize(16).save(os.path.join(HERE, "palette.png"))
    Image.fromarray(picture(13, 17, 6)[:, :, 0], "L").save(os.path.join(HERE, "luma.png"))
    names = ["baseline.jpg", "progressive.jpg", "q444.jpg", "gray.jpg", "cmyk.jpg", "ycck.jpg", "rgba.png",
             "palette.png", "luma.png"] + ["exif%d.jpg" % o for o in range(1, 9)]
    for n in names:
        reference(n)
    with Image.open(os.path.join(HERE, "ycck.jpg")) as im:
        assert im.mode == "CMYK" and im.info.get("adobe_transform") == 2, "ycck.jpg is not read as YCCK"

    import torch
    import torch.nn.functional as F
    src = np.random.default_rng(7).uniform(-2, 2, (3, 37, 53)).astype(np.float32)
    np.save(os.path.join(HERE, "src.npy"), src)
    x = torch.from_numpy(src)[None]
    for h, w in ((64, 92), (20, 29), (37, 64), (8, 5), (37, 53)):
        y = F.interpolate(x, size=(h, w), mode="bilinear", align_corners=False)[0]
        np.save(os.path.join(HERE, "resize_%dx%d.npy" % (h, w)), y.numpy())
    for f in (0.7071, 0.5, 1.3):
        y = F.interpolate(x, scale_factor=f, mode="bilinear", align_corners=False)[0]
        np.save(os.path.join(HERE, "scale_%s.npy" % f), y.numpy())
    print("wrote", HERE)


if __name__ == "__main__":
    main()
