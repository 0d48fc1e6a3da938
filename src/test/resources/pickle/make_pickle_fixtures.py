#!/usr/bin/python3
"""Regenerates the pickle reader's fixtures (run from this folder with /usr/bin/python3, numpy installed).

  values_p{0,2,3,4,5}.pkl  one dict of every supported kind, in each protocol (PickleTest expects the
                           values listed in VALUES below)
  unsupported_class.pkl    a collections.OrderedDict (a global the reader must refuse)
  object_array.pkl         a numpy array of dtype object (refused)
  truncated.pkl            values_p4.pkl cut in the middle
"""
import collections
import os
import pickle

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))

shared = [7, 8]
VALUES = {
    "str": "h\u00e9llo \u2603",
    "int_small": 5,
    "int_neg": -5,
    "int_2byte": 1000,
    "int_4byte": 70000,
    "int_neg_big": -(2 ** 40),
    "int_huge": 2 ** 70,
    "float": 1.5,
    "none": None,
    "true": True,
    "false": False,
    "tuple": (1, "a", 2.5),
    "empty_tuple": (),
    "nested": [[1, 2], [3], []],
    "bytes": b"\x00\x01\xff",
    "shared_a": shared,
    "shared_b": shared,
    "i32_2x2": np.array([[1, -2], [3, 4]], dtype=np.int32),
    "u8": np.arange(5, dtype=np.uint8),
    "f32": np.array([0.5, -1.25], dtype=np.float32),
    "f64": np.array([1e-300, 3.0], dtype=np.float64),
    "i64_big_endian": np.array([1, -2], dtype=">i8"),
    "i64_empty": np.array([], dtype=np.int64),
    "np_int_scalar": np.int64(7),
    "np_float_scalar": np.float64(2.5),
}


def main():
    for proto in (0, 2, 3, 4, 5):
        with open(os.path.join(HERE, "values_p%d.pkl" % proto), "wb") as f:
            pickle.dump(VALUES, f, protocol=proto)
    with open(os.path.join(HERE, "unsupported_class.pkl"), "wb") as f:
        pickle.dump({"x": collections.OrderedDict(a=1)}, f, protocol=4)
    with open(os.path.join(HERE, "object_array.pkl"), "wb") as f:
        pickle.dump({"x": np.array([1, "a"], dtype=object)}, f, protocol=4)
    with open(os.path.join(HERE, "values_p4.pkl"), "rb") as f:
        data = f.read()
    with open(os.path.join(HERE, "truncated.pkl"), "wb") as f:
        f.write(data[: len(data) // 2])


if __name__ == "__main__":
    main()
