#!/usr/bin/env python3
"""Exports a torchvision RetinaNet-style backbone + FPN to ONNX, as a teacher for hdkd's ONNX teacher path.

Run with Debian's torch (torch 1.13, torchvision 0.14):

    /usr/bin/python3 scripts/onnx/export_retinanet_fpn.py --out core/src/test/resources/onnx

Default: a NARROW network (ResNet stages of width 8..64, FPN 16 channels) built from torchvision's own classes
(ResNet's _make_layer + BasicBlock, BackboneWithFPN, LastLevelP6P7 exactly as retinanet_resnet50_fpn wires them),
so the committed file stays a few hundred KB. --full exports the real retinanet_resnet50_fpn backbone (~100 MB) for
benchmarks; nothing is downloaded (random init, seeded).

Writes:
  retinanet_fpn_teacher.onnx   input "images" (N x 3 x H x W, dynamic), outputs p3, p4, p5, p6, p7
  retinanet_fpn_expected.npz   "input" (1 x 3 x 64 x 64) and torchvision's outputs p3..p7 for it
"""
import argparse
import os

import numpy as np
import torch
from torch import nn
from torchvision.models.detection.backbone_utils import BackboneWithFPN
from torchvision.models.resnet import BasicBlock, ResNet
from torchvision.ops.feature_pyramid_network import LastLevelP6P7


class NarrowResNet(ResNet):
    """torchvision's ResNet with scaled-down stage widths; stem, blocks and layer wiring are torchvision's."""

    def __init__(self, widths=(8, 16, 32, 64), layers=(1, 1, 1, 1)):
        nn.Module.__init__(self)
        self._norm_layer = nn.BatchNorm2d
        self.inplanes = widths[0]
        self.dilation = 1
        self.groups = 1
        self.base_width = 64
        self.conv1 = nn.Conv2d(3, widths[0], kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(widths[0])
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.layer1 = self._make_layer(BasicBlock, widths[0], layers[0])
        self.layer2 = self._make_layer(BasicBlock, widths[1], layers[1], stride=2)
        self.layer3 = self._make_layer(BasicBlock, widths[2], layers[2], stride=2)
        self.layer4 = self._make_layer(BasicBlock, widths[3], layers[3], stride=2)


class Pyramid(nn.Module):
    """Returns the FPN's outputs as a tuple (p3, p4, p5, p6, p7), as ONNX needs a flat output list."""

    def __init__(self, fpn):
        super().__init__()
        self.fpn = fpn

    def forward(self, images):
        out = self.fpn(images)
        return tuple(out.values())


def build(full):
    if full:
        from torchvision.models.detection import retinanet_resnet50_fpn
        return retinanet_resnet50_fpn(weights=None, weights_backbone=None).backbone
    body = NarrowResNet()
    # RetinaNet v1 wiring: C3..C5 into the FPN, P6/P7 from P5 (in_channels == out_channels -> use_P5).
    return BackboneWithFPN(body, {"layer2": "0", "layer3": "1", "layer4": "2"}, [16, 32, 64], 16,
                           extra_blocks=LastLevelP6P7(16, 16))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--full", action="store_true")
    args = ap.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(2)
    fpn = build(args.full)
    # Non-trivial BatchNorm statistics: a few training-mode passes on random data, then eval.
    fpn.train()
    with torch.no_grad():
        for _ in range(3):
            fpn(torch.randn(2, 3, 64, 64) * 2 + 0.5)
    model = Pyramid(fpn).eval()
    os.makedirs(args.out, exist_ok=True)
    name = "retinanet_fpn_teacher_full" if args.full else "retinanet_fpn_teacher"
    x = torch.randn(1, 3, 64, 64, generator=torch.Generator().manual_seed(1))
    names = ["p3", "p4", "p5", "p6", "p7"]
    torch.onnx.export(model, x, os.path.join(args.out, name + ".onnx"), input_names=["images"], output_names=names,
                      dynamic_axes={"images": {0: "n", 2: "h", 3: "w"}, **{k: {0: "n", 2: "h" + k, 3: "w" + k} for k in names}},
                      opset_version=13, do_constant_folding=True)
    with torch.no_grad():
        outs = model(x)
    np.savez(os.path.join(args.out, name.replace("teacher", "expected") + ".npz"), input=x.numpy(),
             **{k: v.numpy() for k, v in zip(names, outs)})
    for k, v in zip(names, outs):
        print(k, tuple(v.shape))


if __name__ == "__main__":
    main()
