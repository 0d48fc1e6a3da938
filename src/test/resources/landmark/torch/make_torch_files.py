#!/usr/bin/python3
"""Small torch.save files for the engine's PyTorch reader (run with Debian's /usr/bin/python3: python3-torch 1.13,
numpy); the outputs are committed.

    small_zip.pth      torch.save(obj, f) in the zip format (the default since PyTorch 1.6)
    small_legacy.pth   the same object with _use_new_zipfile_serialization=False (the legacy format)
    expected_<key>.npy the row-major values of each tensor of obj, as numpy arrays (half widened to float32)

obj is a dict of: a float32 matrix; an int64 scalar (as batch norm's num_batches_tracked); a float64 vector; a
transposed (non-contiguous) view; a float16 vector; two views that share one storage, one with an offset; a
parameter; nested containers with strings, numbers and a tuple.
"""
import os

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    torch.manual_seed(5)
    base = torch.arange(12, dtype=torch.float32) * 0.5 - 2
    obj = {
        "a": torch.randn(2, 3),
        "count": torch.tensor(7, dtype=torch.int64),
        "c": torch.randn(4, dtype=torch.float64),
        "transposed": torch.randn(3, 2).t(),
        "half": torch.randn(5).half(),
        "base": base,
        "window": base[2:8].view(2, 3),
        "param": torch.nn.Parameter(torch.randn(2, 2)),
        "meta": {"architecture": "resnet101", "mean": [0.485, 0.456, 0.406], "outputdim": 2048, "flag": True,
                 "pair": (1, "two")},
    }
    torch.save(obj, os.path.join(HERE, "small_zip.pth"))
    torch.save(obj, os.path.join(HERE, "small_legacy.pth"), _use_new_zipfile_serialization=False)
    for k, v in obj.items():
        if isinstance(v, torch.Tensor):
            a = v.detach().numpy()
            if a.dtype == np.float16:
                a = a.astype(np.float32)
            np.save(os.path.join(HERE, "expected_%s.npy" % k), np.array(a, order="C"))  # keeps 0-d arrays 0-d
    print("wrote", HERE)


if __name__ == "__main__":
    main()
