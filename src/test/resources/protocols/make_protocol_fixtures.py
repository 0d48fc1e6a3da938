#!/usr/bin/python3
"""Regenerates the tiny benchmark fixtures in the official formats (run from this folder):

  oxford5k/   gt/<landmark>_<n>_{query,good,ok,junk}.txt (query line 'oxc1_<image> x1 y1 x2 y2') and
              jpg/<image>.jpg -- solid-colour JPEGs whose mean colour is their descriptor in the tests
  paris6k/    gt/ files in Paris's form (query line without the oxc1_ prefix); images are given to the
              test as descriptors by name
  roxford5k/  {lists,numpy}-p{2,4}/gnd_roxford5k.pkl: the same ground truth pickled with plain lists or
              numpy arrays, protocols 2 and 4
  rparis6k/   gnd_rparis6k.pkl (numpy arrays, protocol 5)
  holidays/   jpg/NNNNMM.jpg solid-colour JPEGs (three groups, one without a second image)

Colours lie on a quarter circle in the red-green plane: angle t gives RGB (200 cos t, 200 sin t, 0), so
the cosine between mean colours is cos(t1 - t2) and rankings follow angle differences. Expected metrics
are derived by hand in the Java tests (ProtocolFixturesTest).
"""
import math
import os
import pickle

import numpy as np
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))


def colour(deg):
    t = math.radians(deg)
    return (round(200 * math.cos(t)), round(200 * math.sin(t)), 0)


def solid(path, deg, size=(16, 12)):
    Image.new("RGB", size, colour(deg)).save(path, quality=95, subsampling=0)


def split(path, left_deg, right_deg, left_px, size=(16, 12)):
    img = Image.new("RGB", size, colour(right_deg))
    img.paste(Image.new("RGB", (left_px, size[1]), colour(left_deg)), (0, 0))
    img.save(path, quality=95, subsampling=0)


def write_lines(path, lines):
    with open(path, "w") as f:
        for line in lines:
            f.write(line + "\n")


def oxford_like(root, prefix, paris):
    gt = os.path.join(root, "gt")
    os.makedirs(gt, exist_ok=True)
    q1 = prefix + "all_souls_000001"
    q2 = prefix + "ashmolean_000001"
    tag = (lambda n: n) if paris else (lambda n: "oxc1_" + n)
    write_lines(os.path.join(gt, "all_souls_1_query.txt"), [tag(q1) + " 0.0 0.0 8.0 12.0"])
    write_lines(os.path.join(gt, "all_souls_1_good.txt"), [q1, prefix + "all_souls_000002"])
    write_lines(os.path.join(gt, "all_souls_1_ok.txt"), [prefix + "all_souls_000004"])
    write_lines(os.path.join(gt, "all_souls_1_junk.txt"), [prefix + "all_souls_000003"])
    write_lines(os.path.join(gt, "ashmolean_1_query.txt"), [tag(q2) + " 0.4 0.0 11.6 12.0"])
    write_lines(os.path.join(gt, "ashmolean_1_good.txt"), [q2, prefix + "ashmolean_000002"])
    write_lines(os.path.join(gt, "ashmolean_1_ok.txt"), [])
    write_lines(os.path.join(gt, "ashmolean_1_junk.txt"), [prefix + "ashmolean_000003"])


def oxford():
    root = os.path.join(HERE, "oxford5k")
    oxford_like(root, "", paris=False)
    jpg = os.path.join(root, "jpg")
    os.makedirs(jpg, exist_ok=True)
    # Query images: the box keeps the left part (pure red resp. pure green); the whole image mixes.
    split(os.path.join(jpg, "all_souls_000001.jpg"), 0, 90, 8)
    split(os.path.join(jpg, "ashmolean_000001.jpg"), 90, 0, 12)
    for name, deg in [("all_souls_000002", 10), ("all_souls_000003", 25), ("all_souls_000004", 50),
                      ("ashmolean_000002", 80), ("ashmolean_000003", 65), ("magdalen_000001", 35)]:
        solid(os.path.join(jpg, name + ".jpg"), deg)


def paris():
    oxford_like(os.path.join(HERE, "paris6k"), "paris_", paris=True)


GND_IMLIST = ["all_souls_000013", "all_souls_000026", "oxford_002985", "all_souls_000051",
              "ashmolean_000058", "ashmolean_000000", "oxford_003410", "christ_church_000179"]
GND_QIMLIST = ["all_souls_000013", "ashmolean_000269", "christ_church_000999"]
GND = [
    dict(bbx=[10.5, 20.0, 110.25, 200.0], easy=[0, 1], hard=[2], junk=[3]),
    dict(bbx=[0.0, 0.0, 50.0, 60.0], easy=[], hard=[4, 5], junk=[6]),
    dict(bbx=[5.0, 6.0, 7.0, 8.0], easy=[], hard=[], junk=[7]),
]


def gnd(numpy_arrays):
    out = []
    for g in GND:
        if numpy_arrays:
            out.append(dict(bbx=np.array(g["bbx"], dtype=np.float64),
                            easy=np.array(g["easy"], dtype=np.int64),
                            hard=np.array(g["hard"], dtype=np.int64),
                            junk=np.array(g["junk"], dtype=np.int64)))
        else:
            out.append(dict(g))
    return dict(imlist=list(GND_IMLIST), qimlist=list(GND_QIMLIST), gnd=out)


def revisited():
    for kind in ("lists", "numpy"):
        for proto in (2, 4):
            folder = os.path.join(HERE, "roxford5k", "%s-p%d" % (kind, proto))
            os.makedirs(folder, exist_ok=True)
            with open(os.path.join(folder, "gnd_roxford5k.pkl"), "wb") as f:
                pickle.dump(gnd(kind == "numpy"), f, protocol=proto)
    os.makedirs(os.path.join(HERE, "rparis6k"), exist_ok=True)
    with open(os.path.join(HERE, "rparis6k", "gnd_rparis6k.pkl"), "wb") as f:
        pickle.dump(gnd(True), f, protocol=5)


def holidays():
    jpg = os.path.join(HERE, "holidays", "jpg")
    os.makedirs(jpg, exist_ok=True)
    for name, deg in [("100000", 0), ("100001", 30), ("100002", 60), ("100100", 90), ("100101", 50),
                      ("100200", 20)]:
        solid(os.path.join(jpg, name + ".jpg"), deg, size=(10, 8))


if __name__ == "__main__":
    oxford()
    paris()
    revisited()
    holidays()
