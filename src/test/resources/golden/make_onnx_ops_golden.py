#!/usr/bin/python3
"""Golden values from PyTorch for the ONNX semantics of the ops (run with /usr/bin/python3: Debian's torch 1.13).

Writes onnx_ops.json next to this script: pooling with asymmetric pads, SAME_UPPER / SAME_LOWER, ceil mode,
dilation, pads up to the kernel size and max-pool indices; softmax / log-softmax over any axis; gather with
negative and 2-D indices; transposed convolution. Each case holds the inputs, an upstream gradient dy, the
outputs and the gradient of every input. Inputs are float32 values kept in float64; PyTorch computes in float64.

Where PyTorch has no direct form (asymmetric or large pads: it asks for symmetric pads of at most half the
kernel), the case is built from what it has, exactly:
  max pooling     = F.pad with -inf, then pooling without padding (padding never wins a max);
  avg, pad counted   = F.pad with 0, then pooling (the divisor is the kernel size in floor mode);
  avg, pad ignored   = pool(pad(x)) / pool(pad(ones)): the window sum over the cells inside the input;
  ConvTranspose pads = the uncropped transposed convolution (padding 0), then cropped, output padding as zeros.
Max-pool indices are ONNX's: flat into the whole input, ((n C + c) H + ih) W + iw (PyTorch's are per plane).
    /usr/bin/python3 src/test/resources/golden/make_onnx_ops_golden.py
"""
import json
import os

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))


def rand(rng, *shape):
    return torch.from_numpy(rng.standard_normal(shape).astype(np.float32).astype(np.float64))


def distinct(rng, *shape):
    """A shuffled ramp: every value distinct, so each window has one maximum."""
    n = int(np.prod(shape))
    return torch.from_numpy((rng.permutation(n).astype(np.float64) - n / 2) * 0.01).reshape(shape)


def tensor(t, digits=None):
    """Inputs exactly (float32 values); results to 13 significant digits, well inside the float64 tolerance."""
    data = [float(v) for v in t.detach().reshape(-1).tolist()]
    if digits is not None:
        data = [float("%.*g" % (digits, v)) for v in data]
    return {"shape": list(t.shape), "data": data}


def finish(rng, case, y, inputs, extra=None):
    """Adds y, a random dy and the gradient of every named input (y.backward(dy))."""
    dy = rand(rng, *y.shape)
    y.backward(dy)
    case["y"] = tensor(y, 13)
    case["dy"] = tensor(dy)
    for name, t in inputs.items():
        case[name] = tensor(t)
        case["d" + name] = tensor(t.grad, 13)
    if extra:
        case.update(extra)
    return case


def onnx_indices(idx_plane, x_shape, pads_tl=(0, 0), padded_w=None):
    """PyTorch's per-plane indices (of the input padded by pads_tl at top-left, width padded_w) as ONNX's."""
    n, c, h, w = x_shape
    pw = padded_w if padded_w is not None else w
    hp, wp = idx_plane // pw, idx_plane % pw
    ih, iw = hp - pads_tl[0], wp - pads_tl[1]
    assert bool(((ih >= 0) & (ih < h) & (iw >= 0) & (iw < w)).all()), "an index points into the padding"
    plane = torch.arange(n * c).reshape(n, c, 1, 1)
    return [int(v) for v in ((plane * h + ih) * w + iw).reshape(-1).tolist()]


def window(kernel, stride, pads, dilation=(1, 1), ceil=False, auto_pad="NOTSET"):
    return {"kernel": list(kernel), "stride": list(stride), "pads": list(pads), "dilation": list(dilation),
            "ceil": ceil, "autoPad": auto_pad}


def maxpool_padded(rng, name, shape, kernel, stride, pads, dilation=(1, 1), auto_pad="NOTSET", resolved=None):
    """Max pooling with any pads (top, left, bottom, right) as -inf padding plus unpadded pooling (floor mode)."""
    x = distinct(rng, *shape).requires_grad_(True)
    t, l, b, r = resolved if resolved is not None else pads
    xp = F.pad(x, (l, r, t, b), value=float("-inf"))
    y, idx = F.max_pool2d(xp, kernel, stride, 0, dilation, ceil_mode=False, return_indices=True)
    case = {"op": "maxPool2d", "name": name, "window": window(kernel, stride, pads, dilation, False, auto_pad),
            "indices": onnx_indices(idx, shape, (t, l), shape[3] + l + r)}
    return finish(rng, case, y, {"x": x})


def maxpool_native(rng, name, shape, kernel, stride, padding, dilation=(1, 1), ceil=False):
    x = distinct(rng, *shape).requires_grad_(True)
    y, idx = F.max_pool2d(x, kernel, stride, padding, dilation, ceil_mode=ceil, return_indices=True)
    pads = (padding[0], padding[1], padding[0], padding[1])
    case = {"op": "maxPool2d", "name": name, "window": window(kernel, stride, pads, dilation, ceil),
            "indices": onnx_indices(idx, shape)}
    return finish(rng, case, y, {"x": x})


def avgpool_padded(rng, name, shape, kernel, stride, pads, count_pad, auto_pad="NOTSET", resolved=None):
    x = rand(rng, *shape).requires_grad_(True)
    t, l, b, r = resolved if resolved is not None else pads
    xp = F.pad(x, (l, r, t, b))
    if count_pad:
        y = F.avg_pool2d(xp, kernel, stride, 0)
    else:
        ones = F.pad(torch.ones(shape, dtype=torch.float64), (l, r, t, b))
        y = F.avg_pool2d(xp, kernel, stride, 0) / F.avg_pool2d(ones, kernel, stride, 0)
    case = {"op": "avgPool2d", "name": name, "window": window(kernel, stride, pads, (1, 1), False, auto_pad),
            "countIncludePad": count_pad}
    return finish(rng, case, y, {"x": x})


def avgpool_native(rng, name, shape, kernel, stride, padding, ceil, count_pad):
    x = rand(rng, *shape).requires_grad_(True)
    y = F.avg_pool2d(x, kernel, stride, padding, ceil_mode=ceil, count_include_pad=count_pad)
    pads = (padding[0], padding[1], padding[0], padding[1])
    case = {"op": "avgPool2d", "name": name, "window": window(kernel, stride, pads, (1, 1), ceil),
            "countIncludePad": count_pad}
    return finish(rng, case, y, {"x": x})


def softmax_case(rng, name, shape, axis, log, scale=1.0):
    x = (rand(rng, *shape) * scale).requires_grad_(True)
    y = F.log_softmax(x, dim=axis) if log else F.softmax(x, dim=axis)
    return finish(rng, {"op": "logSoftmax" if log else "softmax", "name": name, "axis": axis}, y, {"x": x})


def gather_case(rng, name, shape, axis, indices, indices_shape):
    x = rand(rng, *shape).requires_grad_(True)
    n = shape[axis]
    flat = torch.tensor([i % n for i in indices], dtype=torch.int64)
    picked = torch.index_select(x, axis, flat)
    out_shape = list(shape[:axis]) + list(indices_shape) + list(shape[axis + 1:])
    y = picked.reshape(out_shape)
    case = {"op": "gather", "name": name, "axis": axis, "indices": list(indices), "indicesShape": list(indices_shape)}
    return finish(rng, case, y, {"x": x})


def conv_transpose_case(rng, name, x_shape, w_shape, bias, stride, pads, output_padding, dilation, groups):
    """pads (top, left, bottom, right); symmetric ones go to PyTorch as they are, others through the crop."""
    x = rand(rng, *x_shape).requires_grad_(True)
    w = rand(rng, *w_shape).requires_grad_(True)
    b = rand(rng, w_shape[1] * groups).requires_grad_(True) if bias else None
    t, l, bt, r = pads
    if t == bt and l == r:
        y = F.conv_transpose2d(x, w, b, stride, (t, l), output_padding, groups, dilation)
    else:
        full = F.conv_transpose2d(x, w, b, stride, 0, 0, groups, dilation)
        full = F.pad(full, (0, output_padding[1], 0, output_padding[0]))
        if b is not None:  # the zero rows of the output padding still get the bias
            extra = torch.zeros_like(full)
            extra[:, :, full.shape[2] - output_padding[0]:, :] = 1
            extra[:, :, :, full.shape[3] - output_padding[1]:] = 1
            full = full + extra * b.reshape(1, -1, 1, 1)
        y = full[:, :, t:full.shape[2] - bt, l:full.shape[3] - r]
    case = {"op": "convTranspose2d", "name": name, "stride": list(stride), "pads": list(pads),
            "outputPadding": list(output_padding), "dilation": list(dilation), "groups": groups}
    inputs = {"x": x, "w": w}
    if bias:
        inputs["b"] = b
    return finish(rng, case, y, inputs)


def main():
    rng = np.random.default_rng(20261201)
    cases = [
        maxpool_padded(rng, "asymmetric pads (0,1,2,0) k3x2 s2", (2, 2, 7, 8), (3, 2), (2, 2), (0, 1, 2, 0)),
        maxpool_padded(rng, "pads 2 = kernel - 1 (ONNX only) k3 s1x2", (1, 2, 5, 6), (3, 3), (1, 2), (2, 2, 2, 2)),
        maxpool_padded(rng, "dilation 2x3 pads (2,1,0,3) k3x2 s1x2", (2, 2, 9, 8), (3, 2), (1, 2), (2, 1, 0, 3),
                       dilation=(2, 3)),
        maxpool_padded(rng, "SAME_UPPER even kernel k2 s1", (1, 2, 7, 6), (2, 2), (1, 1), (0, 0, 0, 0),
                       auto_pad="SAME_UPPER", resolved=(0, 0, 1, 1)),
        maxpool_padded(rng, "SAME_LOWER k4x3 s2", (1, 2, 7, 6), (4, 3), (2, 2), (0, 0, 0, 0),
                       auto_pad="SAME_LOWER", resolved=(2, 1, 1, 0)),
        maxpool_native(rng, "ceil mode k3 s2 pad 1", (2, 3, 6, 7), (3, 3), (2, 2), (1, 1), ceil=True),
        maxpool_native(rng, "ceil mode k2 s2, last window dropped", (1, 2, 5, 5), (2, 2), (2, 2), (0, 0), ceil=True),
        maxpool_native(rng, "ceil mode k3 s3 pad 1, window starting in the bottom padding dropped", (1, 1, 8, 8),
                       (3, 3), (3, 3), (1, 1), ceil=True),
        maxpool_native(rng, "dilation 2 ceil k2 s2 pad 1", (1, 2, 8, 9), (2, 2), (2, 2), (1, 1), dilation=(2, 2),
                       ceil=True),
        avgpool_padded(rng, "asymmetric pads (0,1,2,0) k3x2 s2, pad counted", (2, 2, 7, 8), (3, 2), (2, 2),
                       (0, 1, 2, 0), True),
        avgpool_padded(rng, "asymmetric pads (0,1,2,0) k3x2 s2, pad not counted", (2, 2, 7, 8), (3, 2), (2, 2),
                       (0, 1, 2, 0), False),
        avgpool_padded(rng, "pads 2 = kernel - 1 k3 s2x1, pad not counted", (2, 2, 5, 6), (3, 3), (2, 1),
                       (2, 2, 2, 2), False),
        avgpool_padded(rng, "SAME_LOWER k2 s1, pad not counted", (1, 2, 7, 6), (2, 2), (1, 1), (0, 0, 0, 0), False,
                       auto_pad="SAME_LOWER", resolved=(1, 1, 0, 0)),
        avgpool_padded(rng, "SAME_UPPER k3 s2, pad counted", (1, 2, 8, 5), (3, 3), (2, 2), (0, 0, 0, 0), True,
                       auto_pad="SAME_UPPER", resolved=(0, 1, 1, 1)),
        avgpool_native(rng, "ceil mode k3 s2 pad 1, pad counted (partial windows)", (1, 3, 6, 7), (3, 3), (2, 2),
                       (1, 1), True, True),
        avgpool_native(rng, "ceil mode k3 s2 pad 1, pad not counted", (1, 3, 6, 7), (3, 3), (2, 2), (1, 1), True,
                       False),
        softmax_case(rng, "axis 0 of [3,4,5]", (3, 4, 5), 0, False),
        softmax_case(rng, "axis 1 of [2,6,3,2], large logits", (2, 6, 3, 2), 1, False, 30.0),
        softmax_case(rng, "axis -2 of [3,4,5]", (3, 4, 5), -2, False),
        softmax_case(rng, "log, axis 0 of [3,4,5]", (3, 4, 5), 0, True),
        softmax_case(rng, "log, axis 2 of [2,3,7,4], large logits", (2, 3, 7, 4), 2, True, 40.0),
        gather_case(rng, "axis 1, negative and repeated", (3, 5, 2), 1, [-1, 0, 4, -5, 2, -1], [6]),
        gather_case(rng, "axis 0, negative", (4, 3), 0, [-4, 3, -1], [3]),
        gather_case(rng, "axis 2, 2-D indices", (2, 3, 4), 2, [3, -1, 0, 1, -4, 2], [2, 3]),
        gather_case(rng, "last axis, scalar index", (4, 5), 1, [-2], []),
        conv_transpose_case(rng, "stride 1, bias", (2, 3, 4, 5), (3, 2, 3, 3), True, (1, 1), (0, 0, 0, 0), (0, 0),
                            (1, 1), 1),
        conv_transpose_case(rng, "stride 2x3, pads 1, output padding 1x2, bias", (1, 2, 4, 3), (2, 3, 3, 2), True,
                            (2, 3), (1, 1, 1, 1), (1, 2), (1, 1), 1),
        conv_transpose_case(rng, "groups 2, dilation 2, stride 2, pads 2x1", (2, 4, 3, 4), (4, 1, 3, 3), False,
                            (2, 2), (2, 1, 2, 1), (0, 0), (2, 2), 2),
        conv_transpose_case(rng, "stride 2, asymmetric pads (0,1,1,2), bias", (1, 2, 3, 4), (2, 2, 3, 3), True,
                            (2, 2), (0, 1, 1, 2), (0, 0), (1, 1), 1),
        conv_transpose_case(rng, "asymmetric pads (2,0,1,1) with output padding 1, bias", (1, 2, 3, 3),
                            (2, 3, 3, 2), True, (2, 2), (2, 0, 1, 1), (1, 1), (1, 1), 1),
        conv_transpose_case(rng, "dilation 3, pads 1, output padding 2 >= stride", (1, 1, 3, 3), (1, 2, 2, 2), False,
                            (1, 1), (1, 1, 1, 1), (2, 2), (3, 3), 1),
        conv_transpose_case(rng, "depthwise 4 groups, stride 3, pads 1, output padding 2", (1, 4, 3, 2),
                            (4, 1, 4, 3), True, (3, 3), (1, 1, 1, 1), (2, 2), (1, 1), 4),
    ]
    meta = {"generator": "make_onnx_ops_golden.py", "torch": torch.__version__}
    with open(os.path.join(HERE, "onnx_ops.json"), "w") as f:
        json.dump({"meta": meta, "cases": cases}, f)
        f.write("\n")


if __name__ == "__main__":
    main()
