#!/usr/bin/python3
"""Reference outputs of torchvision's trunks for the landmark tests (run with Debian's /usr/bin/python3, which has
python3-torch 1.13, python3-torchvision 0.14, numpy and PIL; nothing is downloaded, every weight is random).

    make_fixtures.py trunk ARCH --out DIR [--size HxW] [--batch N] [--seed S] [--cirtorch] [--multiscale]
    make_fixtures.py structure --out FILE.json

structure writes, for the committed structure.json: every torchvision trunk's state-dict keys with their shapes
(resnet18/34/50/101/152 and vgg16, classifier included), and the R-MAC regions of a range of map sizes.

ARCH is resnet18/34/50/101/152 or vgg16. The script builds torchvision's model with a fixed seed, gives every
batch norm realistic statistics (running mean and variance from a few training-mode passes over random images,
affine parameters perturbed), and writes to DIR:

    ARCH.pth                 torch.save(model.state_dict()) in the zip format, classifier included (a bare
                             torchvision state dict, as a user would save one)
    ARCH-cirtorch.pth        with --cirtorch: cirtorch's layout {'state_dict': features.N.* + pool.p (2.7) +
                             whiten.weight/bias, 'meta': {..., 'Lw': {'retrieval-SfM-120k': {'ss'|'ms':
                             {'m': D x 1, 'P': D x D}}}}} (random numpy whitenings, as cirtorch stores learned ones)
    lw_ms_m.npy, lw_ms_P.npy the 'ms' whitening of that meta
    image0.png ...           the N input images (uint8 RGB, H x W)
    x.npy                    (N, 3, H, W) float32: the images / 255 normalised with ImageNet's mean and std
    stage0.npy ...           the trunk's feature maps: ResNet: after the stem's max pool, layer1..layer4;
                             VGG16: after each of the four max pools, then features.29 (cirtorch's last layer)
    gem.npy mac.npy spoc.npy rmac.npy
                             (N, C) pooled descriptors, each L2-normalised (GeM with p = 3)
    cirtorch.npy             with --cirtorch: GeM with p = 2.7, L2, whitening, L2 (the cirtorch checkpoint's net)
    ms.npy                   multi-scale GeM descriptors of each image at scales 1, 1/sqrt(2), 1/2 (bilinear,
                             align_corners=False, scale_factor as cirtorch passes it): mean of v^3, ^(1/3), L2
    meta.json                what was written

The poolings here are written from their published formulas (GeM: mean of clamp(x, 1e-6)^p, ^(1/p); MAC: max;
SPoC: mean; R-MAC: the whole-map MAC plus every region's MAC, each divided by its norm + 1e-6, regions as in
Tolias et al. with cirtorch's float32 grid arithmetic), not imported from cirtorch.
"""
import argparse
import json
import math
import os

import numpy as np
import torch
import torch.nn.functional as F
import torchvision
from PIL import Image

MEAN = [0.485, 0.456, 0.406]
STD = [0.229, 0.224, 0.225]
EPS = 1e-6


def build(arch, seed):
    torch.manual_seed(seed)
    model = getattr(torchvision.models, arch)()
    model.eval()
    return model


def trunk_of(model, arch):
    """The trunk as cirtorch uses it: ResNet children but avgpool and fc; VGG16 features less its last max pool."""
    if arch.startswith("resnet"):
        return torch.nn.Sequential(*list(model.children())[:-2])
    return torch.nn.Sequential(*list(model.features.children())[:-1])


def realistic_batch_norm(model, trunk, seed, size):
    """Running statistics from training-mode passes (cumulative average), then perturbed affine parameters, so that
    inference-mode batch norm is neither the identity nor explosive."""
    g = torch.Generator().manual_seed(seed + 1)
    bns = [m for m in model.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    for m in bns:
        m.reset_running_stats()
        m.momentum = None
    trunk.train()
    with torch.no_grad():
        for _ in range(3):
            trunk(torch.randn(4, 3, size[0], size[1], generator=g))
        for m in bns:
            m.weight.copy_(0.75 + 0.5 * torch.rand(m.weight.shape, generator=g))
            m.bias.copy_(0.1 * torch.randn(m.bias.shape, generator=g))
            m.momentum = 0.1
    model.eval()
    trunk.eval()


def images(n, size, seed):
    """Smooth random RGB images (uint8), n x H x W x 3."""
    rng = np.random.default_rng(seed)
    h, w = size
    out = []
    for _ in range(n):
        coarse = rng.uniform(0, 255, (3, max(2, h // 8), max(2, w // 8))).astype(np.float32)
        up = F.interpolate(torch.from_numpy(coarse)[None], size=(h, w), mode="bilinear", align_corners=False)[0]
        noise = rng.normal(0, 12, (3, h, w)).astype(np.float32)
        out.append(np.clip(up.numpy() + noise, 0, 255).round().astype(np.uint8).transpose(1, 2, 0))
    return out


def normalise(img_uint8):
    x = torch.from_numpy(img_uint8.astype(np.float32) / 255.0).permute(2, 0, 1)
    return (x - torch.tensor(MEAN)[:, None, None]) / torch.tensor(STD)[:, None, None]


def l2n(v):
    return v / (v.norm(dim=1, keepdim=True) + EPS)


def gem(x, p=3.0):
    return x.clamp(min=EPS).pow(p).mean(dim=(2, 3)).pow(1.0 / p)


def mac(x):
    return x.amax(dim=(2, 3))


def spoc(x):
    return x.mean(dim=(2, 3))


def rmac_regions(h, w, levels=3):
    """Square regions (top, left, side) of R-MAC, float32 arithmetic for the grid as the reference implementation."""
    side = min(h, w)
    extra_w = extra_h = 0
    if h != w:
        k = np.arange(1, 7, dtype=np.float32)
        b = np.float32(max(h, w) - side) / k
        sq = np.float32(side * side)
        gap = np.abs((sq - np.float32(side) * b) / sq - np.float32(0.4))
        extra = int(np.argmin(gap)) + 1
        if w > h:
            extra_w = extra
        else:
            extra_h = extra
    out = []
    for level in range(1, levels + 1):
        wl = math.floor(2 * side / (level + 1))
        if wl == 0:
            continue
        half = math.floor(wl / 2 - 1)

        def starts(length, n):
            step = np.float32(0.0 if n == 1 else (length - wl) / (n - 1))
            return [min(length - wl, max(0, int(np.floor(np.float32(half) + np.float32(i) * step)) - half))
                    for i in range(n)]

        for top in starts(h, level + extra_h):
            for left in starts(w, level + extra_w):
                out.append((top, left, wl))
    return out


def rmac(x, levels=3):
    v = l2n(mac(x))
    for top, left, s in rmac_regions(x.shape[2], x.shape[3], levels):
        v = v + l2n(mac(x[:, :, top:top + s, left:left + s]))
    return v


def save(folder, name, t):
    np.save(os.path.join(folder, name + ".npy"), np.ascontiguousarray(t.detach().numpy().astype(np.float32)))


def stages(trunk, arch, x):
    """The feature maps after the stages the Java side reports."""
    outs = []
    h = x
    layers = list(trunk.children())
    if arch.startswith("resnet"):
        marks = {3, 4, 5, 6, 7}
    else:
        marks = {i for i, m in enumerate(layers) if isinstance(m, torch.nn.MaxPool2d)} | {len(layers) - 1}
    for i, m in enumerate(layers):
        h = m(h)
        if i in marks:
            outs.append(h)
    return outs


def cirtorch_state(trunk, arch, dim, seed):
    """cirtorch's checkpoint layout: the trunk as features.N, GeM's p and a whitening layer."""
    g = torch.Generator().manual_seed(seed + 2)
    sd = {"features." + k: v for k, v in trunk.state_dict().items()}
    sd["pool.p"] = torch.ones(1) * 2.7
    whiten = torch.nn.Linear(dim, dim, bias=True)
    with torch.no_grad():
        whiten.weight.copy_(torch.randn(dim, dim, generator=g) / math.sqrt(dim))
        whiten.bias.copy_(0.01 * torch.randn(dim, generator=g))
    sd["whiten.weight"] = whiten.weight.detach().clone()
    sd["whiten.bias"] = whiten.bias.detach().clone()
    rng = np.random.default_rng(seed + 4)
    lw = {mode: {"m": rng.standard_normal((dim, 1)), "P": rng.standard_normal((dim, dim))} for mode in ("ss", "ms")}
    meta = {"architecture": arch, "local_whitening": False, "pooling": "gem", "regional": False,
            "whitening": True, "mean": MEAN, "std": STD, "outputdim": dim, "Lw": {"retrieval-SfM-120k": lw}}
    return {"state_dict": sd, "meta": meta}, whiten


def multiscale(trunk, x, scales, p=3.0):
    """cirtorch's multi-scale descriptor of one image (1, 3, H, W)."""
    v = None
    for s in scales:
        xs = x if s == 1 else F.interpolate(x, scale_factor=s, mode="bilinear", align_corners=False)
        d = l2n(gem(trunk(xs), p)).pow(p)
        v = d if v is None else v + d
    v = (v / len(scales)).pow(1.0 / p)
    return l2n(v)


def trunk_command(args):
    os.makedirs(args.out, exist_ok=True)
    torch.set_num_threads(max(1, min(4, os.cpu_count() or 1)))
    h, w = (int(v) for v in args.size.split("x"))
    model = build(args.arch, args.seed)
    trunk = trunk_of(model, args.arch)
    realistic_batch_norm(model, trunk, args.seed, (h, w))
    torch.save(model.state_dict(), os.path.join(args.out, args.arch + ".pth"))
    imgs = images(args.batch, (h, w), args.seed + 3)
    for i, img in enumerate(imgs):
        Image.fromarray(img, "RGB").save(os.path.join(args.out, "image%d.png" % i))
    x = torch.stack([normalise(img) for img in imgs])
    save(args.out, "x", x)
    with torch.no_grad():
        maps = stages(trunk, args.arch, x)
        for i, m in enumerate(maps):
            save(args.out, "stage%d" % i, m)
        last = maps[-1]
        save(args.out, "gem", l2n(gem(last)))
        save(args.out, "mac", l2n(mac(last)))
        save(args.out, "spoc", l2n(spoc(last)))
        save(args.out, "rmac", l2n(rmac(last)))
        written = {"arch": args.arch, "size": [h, w], "batch": args.batch, "seed": args.seed,
                   "stages": len(maps), "channels": int(last.shape[1]),
                   "rmac_regions": rmac_regions(last.shape[2], last.shape[3])}
        if args.cirtorch:
            ckpt, whiten = cirtorch_state(trunk, args.arch, int(last.shape[1]), args.seed)
            torch.save(ckpt, os.path.join(args.out, args.arch + "-cirtorch.pth"))
            lw = ckpt["meta"]["Lw"]["retrieval-SfM-120k"]["ms"]
            np.save(os.path.join(args.out, "lw_ms_m.npy"), lw["m"])
            np.save(os.path.join(args.out, "lw_ms_P.npy"), lw["P"])
            save(args.out, "cirtorch", l2n(whiten(l2n(gem(last, 2.7)))))
        if args.multiscale:
            scales = [1.0, 1.0 / math.sqrt(2.0), 0.5]
            save(args.out, "ms", torch.cat([multiscale(trunk, x[i:i + 1], scales) for i in range(len(imgs))]))
            written["scales"] = scales
    with open(os.path.join(args.out, "meta.json"), "w") as f:
        json.dump(written, f, indent=1)
    print("wrote", args.out)


def structure_command(args):
    out = {"state_dicts": {}, "rmac_regions": {}}
    for arch in ("resnet18", "resnet34", "resnet50", "resnet101", "resnet152", "vgg16"):
        model = getattr(torchvision.models, arch)()
        out["state_dicts"][arch] = [[k, list(v.shape)] for k, v in model.state_dict().items()]
    for h, w in ((1, 1), (2, 3), (7, 7), (7, 10), (10, 7), (24, 32), (32, 24), (30, 41), (48, 64), (13, 97),
                 (64, 5)):
        out["rmac_regions"]["%dx%d" % (h, w)] = rmac_regions(h, w)
    with open(args.out, "w") as f:
        json.dump(out, f, separators=(",", ":"))
    print("wrote", args.out)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)
    st = sub.add_parser("structure")
    st.add_argument("--out", required=True)
    t = sub.add_parser("trunk")
    t.add_argument("arch", choices=["resnet18", "resnet34", "resnet50", "resnet101", "resnet152", "vgg16"])
    t.add_argument("--out", required=True)
    t.add_argument("--size", default="64x80")
    t.add_argument("--batch", type=int, default=2)
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--cirtorch", action="store_true")
    t.add_argument("--multiscale", action="store_true")
    args = ap.parse_args()
    if args.command == "trunk":
        trunk_command(args)
    elif args.command == "structure":
        structure_command(args)


if __name__ == "__main__":
    main()
