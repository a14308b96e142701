#!/usr/bin/python3
"""The training step of `hdkd bench train --config conf/quick.properties` in PyTorch eager, for comparison.

The quick configuration's model is not a torchvision model: a ResNet18 whose stem and stage widths are a quarter of
the standard ones (16, 16, 32, 64, 128), an FPN of 48 channels on c3..c5 giving p3..p5 only, and a RetinaNet head
of 2 convolutions per tower (torchvision's has 4), 9 anchors per cell, 3 classes. It is written here from
torchvision's parts (BasicBlock, FeaturePyramidNetwork, RetinaNet and its heads with the towers cut to 2) so that the
parameter count equals hdkd's (885,759), which the script prints. Random images with two boxes each, the model's own
losses, backward, SGD (momentum 0.9, weight decay 1e-4); the same closing lines as hdkd's benchmarks.

    /usr/bin/python3 scripts/bench/torch_quick_step.py --size 160 --batch 4 --steps 10 --warmup 2 --threads 2
"""
import argparse
import random
from collections import OrderedDict

import torch
from torch import nn
import torchvision
from torchvision.models.detection.anchor_utils import AnchorGenerator
from torchvision.models.resnet import BasicBlock
from torchvision.ops.feature_pyramid_network import FeaturePyramidNetwork

from steptimer import time_training_steps
from torch_retinanet_step import two_boxes_per_image


class NarrowResNet18(nn.Module):
    """ResNet18 at a width multiplier, returning c3..c5 (torchvision's ResNet has no width multiplier)."""

    def __init__(self, width):
        super().__init__()
        stem = int(64 * width)
        self.conv1 = nn.Conv2d(3, stem, 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(stem)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        stages, channels = [], stem
        for i, planes in enumerate(int(p * width) for p in (64, 128, 256, 512)):
            stride = 1 if i == 0 else 2
            down = None
            if stride != 1 or channels != planes:
                down = nn.Sequential(nn.Conv2d(channels, planes, 1, stride, bias=False), nn.BatchNorm2d(planes))
            stages.append(nn.Sequential(BasicBlock(channels, planes, stride, down), BasicBlock(planes, planes)))
            channels = planes
        self.layer1, self.layer2, self.layer3, self.layer4 = stages
        self.out_channels_list = [int(p * width) for p in (128, 256, 512)]

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        c2 = self.layer1(x)
        c3 = self.layer2(c2)
        c4 = self.layer3(c3)
        c5 = self.layer4(c4)
        return c3, c4, c5


class BackboneWithFpn(nn.Module):
    """Backbone + FPN on c3..c5 giving p3..p5 (no P6/P7), as torchvision's detection models expect."""

    def __init__(self, width, channels):
        super().__init__()
        self.body = NarrowResNet18(width)
        self.fpn = FeaturePyramidNetwork(self.body.out_channels_list, channels)
        self.out_channels = channels

    def forward(self, x):
        c3, c4, c5 = self.body(x)
        return self.fpn(OrderedDict([("p3", c3), ("p4", c4), ("p5", c5)]))


def cut_towers(head, num_convs):
    """torchvision's RetinaNet towers have 4 convolutions; hdkd's quick configuration has num_convs."""
    head.classification_head.conv = nn.Sequential(*list(head.classification_head.conv)[:num_convs])
    head.regression_head.conv = nn.Sequential(*list(head.regression_head.conv)[:num_convs])


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--width", type=float, default=0.25)
    p.add_argument("--channels", type=int, default=48)
    p.add_argument("--num-convs", type=int, default=2)
    p.add_argument("--classes", type=int, default=3)
    p.add_argument("--size", type=int, default=160)
    p.add_argument("--batch", type=int, default=4)
    p.add_argument("--steps", type=int, default=10)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--profile", metavar="FILE",
                   help="write libtorch's operator profile of the timed steps (Chrome trace)")
    p.add_argument("--lr", type=float, default=0.02)
    a = p.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    backbone = BackboneWithFpn(a.width, a.channels)
    # 3 scales x 3 ratios per level, sizes 4x the strides 8, 16, 32 (hdkd's default anchors).
    sizes = tuple(tuple(s * 2 ** (i / 3) for i in range(3)) for s in (32, 64, 128))
    anchors = AnchorGenerator(sizes, ((0.5, 1.0, 2.0),) * 3)
    net = torchvision.models.detection.RetinaNet(backbone, a.classes, anchor_generator=anchors, min_size=a.size,
                                                 max_size=a.size)
    cut_towers(net.head, a.num_convs)
    net.train()
    params = [q for q in net.parameters() if q.requires_grad]
    opt = torch.optim.SGD(params, lr=a.lr, momentum=0.9, weight_decay=1e-4)
    images = list(torch.randn(a.batch, 3, a.size, a.size))
    targets = two_boxes_per_image(a.batch, a.size, a.classes, random.Random(1))
    print(f"resnet18 x{a.width} + fpn {a.channels} + retinanet ({a.num_convs} convs): "
          f"{sum(q.numel() for q in params):,} parameters")
    print(f"input {a.batch} x 3 x {a.size} x {a.size}, 2 boxes per image, threads {torch.get_num_threads()}, "
          f"warmup {a.warmup}, steps {a.steps}")
    time_training_steps(lambda: sum(net(images, targets).values()), opt, a.warmup, a.steps, a.batch, profile=a.profile)


if __name__ == "__main__":
    main()
