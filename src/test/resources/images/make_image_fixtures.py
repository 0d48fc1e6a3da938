#!/usr/bin/python3
"""Regenerates the image-loading fixtures (run from this folder with /usr/bin/python3, Pillow, numpy).

  rgb_37x23.png          random RGB image (seeded)
  gray_9x7.png           random 8-bit grayscale image
  rgb_37x23.jpg          the RGB image as a JPEG (quality 95, 4:4:4)
  pil_down_16.npy        Pillow resize(BILINEAR) of the RGB image to 16 x 10, CHW float32 in [0, 1]
  pil_up_50.npy          the same to 50 x 31 (enlarging)
  pil_luma.npy           Pillow convert("L") of the RGB image, 1 x H x W float32 in [0, 1]
  gray_values.npy        the grayscale image's pixel values, H x W float32 in [0, 1]
Pillow works in 8 bits per pass, so the Java results agree within about 1/255.
"""
import os

import numpy as np
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))


def chw(img):
    a = np.asarray(img, dtype=np.float32) / 255.0
    if a.ndim == 2:
        a = a[None]
    else:
        a = a.transpose(2, 0, 1)
    return np.ascontiguousarray(a)


def main():
    rng = np.random.default_rng(3)
    rgb = Image.fromarray(rng.integers(0, 256, size=(23, 37, 3), dtype=np.uint8), "RGB")
    rgb.save(os.path.join(HERE, "rgb_37x23.png"))
    rgb.save(os.path.join(HERE, "rgb_37x23.jpg"), quality=95, subsampling=0)
    gray = Image.fromarray(rng.integers(0, 256, size=(7, 9), dtype=np.uint8), "L")
    gray.save(os.path.join(HERE, "gray_9x7.png"))
    np.save(os.path.join(HERE, "pil_down_16.npy"), chw(rgb.resize((16, 10), Image.BILINEAR)))
    np.save(os.path.join(HERE, "pil_up_50.npy"), chw(rgb.resize((50, 31), Image.BILINEAR)))
    np.save(os.path.join(HERE, "pil_luma.npy"), chw(rgb.convert("L")))
    np.save(os.path.join(HERE, "gray_values.npy"), chw(gray)[0])


if __name__ == "__main__":
    main()
