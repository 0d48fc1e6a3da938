#!/usr/bin/python3
"""ONNX files as PyTorch's torch.onnx.export writes them, for the import tests (run with Debian's /usr/bin/python3,
which has python3-torch 1.13 and python3-torchvision 0.14; nothing is downloaded, every weight is random).

    make_onnx_fixtures.py ARCH --out DIR [--seed S] [--opset N]     (opset 17 unless told; the tests also use 9)

ARCH is resnet18, resnet50 or vgg16. The trunk is the one the landmark networks use (ResNet: every child but avgpool
and fc; VGG16: features less its last max pool), followed by GeM (p = 3, a learnable parameter: clamp(x, 1e-6)^p,
mean over H and W, ^(1/p)) and F.normalize, as a user of a retrieval network would write them. Every batch norm gets
statistics and affine parameters of its own (a freshly built one is the identity, under which a wrong mapping would
go unnoticed). torch.onnx.export in eval mode folds each batch norm into its convolution. Writes to DIR:

    ARCH-gem.onnx            batch N, height H and width W symbolic (dynamic_axes)
    ARCH-classifier.onnx     with ARCH resnet18 only: the whole torchvision classifier (global average pool,
                             flatten, fully connected layer), fixed input 2 x 3 x 64 x 64
"""
import argparse
import os

import torch
import torch.nn.functional as F
import torchvision


class Gem(torch.nn.Module):
    def __init__(self, p=3.0, eps=1e-6):
        super().__init__()
        self.p = torch.nn.Parameter(torch.ones(1) * p)
        self.eps = eps

    def forward(self, x):
        return x.clamp(min=self.eps).pow(self.p).mean(dim=(-2, -1)).pow(1.0 / self.p)


class Retrieval(torch.nn.Module):
    def __init__(self, trunk):
        super().__init__()
        self.features = trunk
        self.pool = Gem()

    def forward(self, x):
        return F.normalize(self.pool(self.features(x)), dim=-1)


def trunk_of(model, arch):
    if arch.startswith("resnet"):
        return torch.nn.Sequential(*list(model.children())[:-2])
    return torch.nn.Sequential(*list(model.features.children())[:-1])


def realistic_batch_norms(model, seed):
    g = torch.Generator().manual_seed(seed + 1)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                c = m.num_features
                m.running_mean.copy_((torch.rand(c, generator=g) - 0.5) * 0.2)
                m.running_var.copy_(torch.rand(c, generator=g) + 0.5)
                m.weight.copy_(torch.rand(c, generator=g) + 0.5)
                m.bias.copy_((torch.rand(c, generator=g) - 0.5) * 0.2)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("arch", choices=["resnet18", "resnet50", "vgg16"])
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--opset", type=int, default=17)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    torch.manual_seed(a.seed)
    model = getattr(torchvision.models, a.arch)()
    realistic_batch_norms(model, a.seed)
    model.eval()
    net = Retrieval(trunk_of(model, a.arch)).eval()
    x = torch.randn(2, 3, 64, 64)
    torch.onnx.export(net, x, os.path.join(a.out, a.arch + "-gem.onnx"), input_names=["images"],
                      output_names=["descriptors"], dynamic_axes={"images": {0: "N", 2: "H", 3: "W"}},
                      opset_version=a.opset)
    if a.arch == "resnet18":
        torch.onnx.export(model, x, os.path.join(a.out, a.arch + "-classifier.onnx"), input_names=["images"],
                          output_names=["logits"], opset_version=a.opset)
    print("wrote", a.out)


if __name__ == "__main__":
    main()
