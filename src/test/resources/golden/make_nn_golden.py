#!/usr/bin/python3
"""Golden values from PyTorch for the nn-ops tests (optimisers and nn forward/backward).

Run with the Python that has PyTorch 1.13:  /usr/bin/python3 make_nn_golden.py
Writes optim_golden.json and nn_golden.json next to this script. Inputs are drawn from numpy with
fixed seeds and stored in the files, so the Java tests replay exactly the same problems; floats are
written with repr(), which round-trips every float64 (and so every float32) exactly.
"""
import json
import os

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
STEPS = 4


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def make_optimizer(spec, groups):
    kind = spec["kind"]
    if kind == "sgd":
        return torch.optim.SGD(groups, lr=groups[0]["lr"], momentum=spec["momentum"], dampening=spec["dampening"],
                               nesterov=spec["nesterov"], foreach=False)
    cls = torch.optim.AdamW if kind == "adamw" else torch.optim.Adam
    return cls(groups, lr=groups[0]["lr"], betas=(spec["beta1"], spec["beta2"]), eps=spec["eps"], foreach=False)


def optim_case(name, spec, dtype, groups_spec, lr_schedule=None, seed=0):
    """groups_spec: list of (shapes, lr, weight_decay); lr_schedule: {step_index: factor} applied before that step."""
    rng = np.random.default_rng(seed)
    groups = []
    params = []
    for shapes, lr, wd in groups_spec:
        ps = [torch.tensor(rng.standard_normal(s), dtype=dtype, requires_grad=True) for s in shapes]
        params.extend(ps)
        groups.append({"params": ps, "lr": lr, "weight_decay": wd})
    initial = [flat(p) for p in params]
    opt = make_optimizer(spec, groups)
    grads, after = [], []
    for step in range(STEPS):
        if lr_schedule and step in lr_schedule:
            for g in opt.param_groups:
                g["lr"] *= lr_schedule[step]
        gs = [torch.tensor(rng.standard_normal(tuple(p.shape)), dtype=dtype) for p in params]
        for p, g in zip(params, gs):
            p.grad = g.clone()
        opt.step()
        grads.append([flat(g) for g in gs])
        after.append([flat(p) for p in params])
    return {
        "name": name,
        "optimizer": spec,
        "dtype": "float32" if dtype == torch.float32 else "float64",
        "groups": [{"shapes": [list(s) for s in shapes], "lr": lr, "weight_decay": wd}
                   for shapes, lr, wd in groups_spec],
        "lr_schedule": {str(k): v for k, v in (lr_schedule or {}).items()},
        "initial": initial,
        "grads": grads,
        "after": after,
    }


def sgd(momentum=0.0, dampening=0.0, nesterov=False):
    return {"kind": "sgd", "momentum": momentum, "dampening": dampening, "nesterov": nesterov}


def adam(kind="adam", beta1=0.9, beta2=0.999, eps=1e-8):
    return {"kind": kind, "beta1": beta1, "beta2": beta2, "eps": eps}


def optim_cases():
    shapes = [(3, 5), (7,)]
    out = []
    for dtype in (torch.float32, torch.float64):
        out += [
            optim_case("sgd plain", sgd(), dtype, [(shapes, 0.1, 0.0)], seed=1),
            optim_case("sgd momentum dampening weight decay", sgd(0.9, 0.25), dtype, [(shapes, 0.05, 0.01)], seed=2),
            optim_case("sgd nesterov weight decay", sgd(0.8, nesterov=True), dtype, [(shapes, 0.05, 1e-3)], seed=3),
            optim_case("adam weight decay", adam(), dtype, [(shapes, 1e-2, 0.05)], seed=4),
            optim_case("adamw", adam("adamw", 0.85, 0.99, 1e-6), dtype, [(shapes, 1e-2, 0.1)], seed=5),
            optim_case("adam two groups with schedule", adam(), dtype,
                       [([(4, 3)], 1e-3, 1e-4), ([(1,)], 1e-2, 0.0)], lr_schedule={2: 0.5}, seed=6),
            optim_case("sgd two groups with schedule", sgd(0.9), dtype,
                       [([(4, 3)], 0.1, 1e-4), ([(1,)], 1.0, 0.0)], lr_schedule={1: 0.1, 3: 0.5}, seed=7),
        ]
    return out


def nn_cases():
    rng = np.random.default_rng(42)
    out = {}
    # softmax / log-softmax over the last axis, one row with large logits
    x = rng.standard_normal((4, 7))
    x[2] *= 40.0
    w = rng.standard_normal((4, 7))
    for name, fn in (("softmax", lambda t: F.softmax(t, dim=-1)), ("log_softmax", lambda t: F.log_softmax(t, dim=-1))):
        xt = torch.tensor(x, requires_grad=True)
        y = fn(xt)
        (y * torch.tensor(w)).sum().backward()
        out[name] = {"shape": [4, 7], "x": flat(xt), "upstream": flat(torch.tensor(w)), "y": flat(y),
                     "dx": flat(xt.grad)}
    # cross-entropy, mean over rows
    logits = rng.standard_normal((5, 6)) * 2.0
    targets = [3, 0, 5, 3, 1]
    lt = torch.tensor(logits, requires_grad=True)
    loss = F.cross_entropy(lt, torch.tensor(targets))
    loss.backward()
    out["cross_entropy"] = {"shape": [5, 6], "x": flat(lt), "targets": targets, "loss": float(loss),
                            "dx": flat(lt.grad)}
    # GeM with a learnable p
    gx = rng.uniform(0.0, 2.0, (2, 3, 4, 5))
    gx[0, 0, 0, 0] = 0.0  # below eps: clamped
    gw = rng.standard_normal((2, 3))
    for p0 in (3.0, 2.5):
        xt = torch.tensor(gx, requires_grad=True)
        pt = torch.tensor([p0], dtype=torch.float64, requires_grad=True)
        y = F.avg_pool2d(xt.clamp(min=1e-6).pow(pt), (4, 5)).pow(1.0 / pt).reshape(2, 3)
        (y * torch.tensor(gw)).sum().backward()
        out["gem_p%s" % p0] = {"shape": [2, 3, 4, 5], "x": flat(xt), "p": p0, "upstream": flat(torch.tensor(gw)),
                               "y": flat(y), "dx": flat(xt.grad), "dp": flat(pt.grad)}
    # L2 normalisation (F.normalize), with a zero row and a tiny row
    lx = rng.standard_normal((4, 8))
    lx[1] = 0.0
    lx[3] *= 1e-14
    lw = rng.standard_normal((4, 8))
    xt = torch.tensor(lx, requires_grad=True)
    y = F.normalize(xt, dim=-1)
    (y * torch.tensor(lw)).sum().backward()
    out["l2_normalize"] = {"shape": [4, 8], "x": flat(xt), "upstream": flat(torch.tensor(lw)), "y": flat(y),
                           "dx": flat(xt.grad)}
    return out


def write(name, obj):
    path = os.path.join(HERE, name)
    with open(path, "w") as f:
        json.dump(obj, f, separators=(",", ":"))
        f.write("\n")
    print("wrote", path)


if __name__ == "__main__":
    torch.set_num_threads(1)
    write("optim_golden.json", {"torch": torch.__version__, "steps": STEPS, "cases": optim_cases()})
    write("nn_golden.json", {"torch": torch.__version__, "cases": nn_cases()})
