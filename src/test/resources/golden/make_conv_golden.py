#!/usr/bin/python3
"""Golden values from PyTorch for conv2d and batch norm (run with /usr/bin/python3: Debian's torch 1.13).

Writes conv2d.json and batchnorm.json next to this script. Inputs are float32 values (so the float32 engine
starts from exactly these numbers); PyTorch computes in float64, and the tests compare float64 results at the
float64 tolerance and float32 results at the float32 tolerance.
    /usr/bin/python3 src/test/resources/golden/make_conv_golden.py
"""
import json
import os

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))


def rand(rng, *shape):
    return torch.from_numpy(rng.standard_normal(shape).astype(np.float32).astype(np.float64))


def f32(t):
    """Rounds to float32 values (kept in float64), so the float32 engine starts from exactly these inputs."""
    return t.float().double()


def tensor(t):
    return {"shape": list(t.shape), "data": [float(v) for v in t.detach().reshape(-1).tolist()]}


def conv_case(rng, name, x_shape, w_shape, bias, stride, padding, dilation, groups):
    x = rand(rng, *x_shape).requires_grad_(True)
    w = rand(rng, *w_shape).requires_grad_(True)
    b = rand(rng, w_shape[0]).requires_grad_(True) if bias else None
    y = torch.nn.functional.conv2d(x, w, b, stride=stride, padding=padding, dilation=dilation, groups=groups)
    dy = rand(rng, *y.shape)
    y.backward(dy)
    case = {"name": name, "stride": list(stride), "padding": list(padding), "dilation": list(dilation),
            "groups": groups, "x": tensor(x), "w": tensor(w), "dy": tensor(dy), "y": tensor(y),
            "dx": tensor(x.grad), "dw": tensor(w.grad)}
    if bias:
        case["b"] = tensor(b)
        case["db"] = tensor(b.grad)
    return case


def batchnorm_case(rng, name, x_shape, momentum, eps):
    c = x_shape[1]
    x = f32(rand(rng, *x_shape) * 2 + 0.5).requires_grad_(True)
    gamma = f32(rand(rng, c) * 0.3 + 1).requires_grad_(True)
    beta = rand(rng, c).requires_grad_(True)
    rm0 = f32(rand(rng, c) * 0.1)
    rv0 = f32(torch.from_numpy(rng.uniform(0.5, 1.5, c)))
    rm, rv = rm0.clone(), rv0.clone()
    y = torch.nn.functional.batch_norm(x, rm, rv, gamma, beta, training=True, momentum=momentum, eps=eps)
    dy = rand(rng, *x_shape)
    y.backward(dy)
    with torch.no_grad():
        y_eval = torch.nn.functional.batch_norm(x, rm, rv, gamma, beta, training=False, eps=eps)
    return {"name": name, "momentum": momentum, "eps": eps, "x": tensor(x), "gamma": tensor(gamma),
            "beta": tensor(beta), "running_mean": tensor(rm0), "running_var": tensor(rv0), "dy": tensor(dy),
            "y": tensor(y), "dx": tensor(x.grad), "dgamma": tensor(gamma.grad), "dbeta": tensor(beta.grad),
            "running_mean_after": tensor(rm), "running_var_after": tensor(rv), "y_eval_after": tensor(y_eval)}


def main():
    rng = np.random.default_rng(20240601)
    conv = [
        conv_case(rng, "3x3 pad 1 bias", (2, 3, 6, 5), (4, 3, 3, 3), True, (1, 1), (1, 1), (1, 1), 1),
        conv_case(rng, "stride 2 pad 2x1 no bias", (1, 2, 9, 8), (3, 2, 3, 2), False, (2, 2), (2, 1), (1, 1), 1),
        conv_case(rng, "dilation 2 pad 1", (1, 2, 8, 9), (2, 2, 3, 3), True, (1, 1), (1, 1), (2, 2), 1),
        conv_case(rng, "groups 2 stride 2x1", (1, 4, 7, 6), (4, 2, 3, 3), True, (2, 1), (1, 1), (1, 1), 2),
        conv_case(rng, "depthwise 5x3", (1, 3, 6, 5), (3, 1, 5, 3), False, (1, 1), (2, 1), (1, 1), 3),
    ]
    bn = [
        batchnorm_case(rng, "training step (3, 4, 5, 3)", (3, 4, 5, 3), 0.1, 1e-5),
        batchnorm_case(rng, "training step (2, 3, 4, 5), momentum 0.3", (2, 3, 4, 5), 0.3, 1e-3),
    ]
    meta = {"generator": "make_conv_golden.py", "torch": torch.__version__}
    with open(os.path.join(HERE, "conv2d.json"), "w") as f:
        json.dump({"meta": meta, "cases": conv}, f)
    with open(os.path.join(HERE, "batchnorm.json"), "w") as f:
        json.dump({"meta": meta, "cases": bn}, f)


if __name__ == "__main__":
    main()
