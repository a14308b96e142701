#!/usr/bin/python3
"""Regenerates the torchvision parity fixtures for hdkd's ResNet backbones.

Run with Debian's torch 1.13 / torchvision 0.14:  /usr/bin/python3 scripts/parity/make_resnet_fixture.py [OUT_DIR]

For each layout it builds a NARROW network from torchvision's own ResNet and Bottleneck classes (only the widths are
scaled, exactly as hdkd's `width` option scales them: stem and stage planes round(64w, 128w, 256w, 512w), bottleneck
width int(planes * width_per_group / 64) * groups), gives it a realistic state (kaiming init, perturbed BatchNorm
affine parameters, running statistics accumulated by a few train-mode forward passes), and writes:

  <name>.weights.npz   the full state dict (fc.* and num_batches_tracked included, as a real checkpoint has them);
                       float16, values rounded to 6 significant bits so the compressed archive stays small
  <name>.input.npy     a 1x3x64x64 float32 input
  <name>.features.npz  c2..c5 of the eval-mode network, float32, computed with exactly the stored weights
  resnet50.train.npz   one TRAIN-mode forward pass of the resnet50 layout from the stored state: its input `x`
                       (2x3x64x64), outputs c2..c5 (batch statistics) and every BatchNorm running statistic
                       afterwards as `after.<name>` (momentum 0.1, unbiased batch variance)

Deterministic: seeded, 2 threads.
"""
import os
import sys

import numpy as np
import torch
from torch import nn
from torchvision.models.resnet import Bottleneck, ResNet

LAYOUTS = {
    # name: (units per stage, groups, width_per_group, width multiplier)
    "resnet50": ([3, 4, 6, 3], 1, 64, 0.125),
    # ResNeXt needs planes >= 16 to keep one channel per group: width 0.25 is the narrowest.
    "resnext50_32x4d": ([3, 4, 6, 3], 32, 4, 0.25),
}


class NarrowResNet(ResNet):
    """torchvision's ResNet with every width multiplied by `width`; the rest is torchvision's own code."""

    def __init__(self, layers, groups, width_per_group, width):
        nn.Module.__init__(self)
        self._norm_layer = nn.BatchNorm2d
        self.dilation = 1
        self.groups = groups
        self.base_width = width_per_group
        self.inplanes = int(round(64 * width))
        self.conv1 = nn.Conv2d(3, self.inplanes, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(self.inplanes)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        planes = [int(round(p * width)) for p in (64, 128, 256, 512)]
        self.layer1 = self._make_layer(Bottleneck, planes[0], layers[0])
        self.layer2 = self._make_layer(Bottleneck, planes[1], layers[1], stride=2)
        self.layer3 = self._make_layer(Bottleneck, planes[2], layers[2], stride=2)
        self.layer4 = self._make_layer(Bottleneck, planes[3], layers[3], stride=2)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(planes[3] * Bottleneck.expansion, 10)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")

    def features(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        c2 = self.layer1(x)
        c3 = self.layer2(c2)
        c4 = self.layer3(c3)
        c5 = self.layer4(c4)
        return {"c2": c2, "c3": c3, "c4": c4, "c5": c5}


def quantize(t):
    """Rounds to float16 with 6 significant bits: exact in float32, and it compresses well."""
    m, e = np.frexp(t.detach().numpy().astype(np.float64))
    q = np.ldexp(np.round(m * 64) / 64, e).astype(np.float16)
    return q


def build(name, seed):
    layers, groups, wpg, width = LAYOUTS[name]
    torch.manual_seed(seed)
    net = NarrowResNet(layers, groups, wpg, width)
    with torch.no_grad():
        for m in net.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.3, 0.3)
        # Running statistics from a few train-mode passes over shifted, scaled noise.
        net.train()
        for _ in range(4):
            net.features(torch.randn(4, 3, 64, 64) * 1.5 + 0.2)
    state = {}
    for key, value in net.state_dict().items():
        state[key] = value.numpy().copy() if key.endswith("num_batches_tracked") else quantize(value)
    # Load the rounded values back so the reference features use exactly the stored weights.
    net.load_state_dict({k: torch.from_numpy(v.astype(np.int64 if k.endswith("num_batches_tracked") else np.float32))
                         for k, v in state.items()})
    net.eval()
    x = torch.randn(1, 3, 64, 64)
    with torch.no_grad():
        feats = net.features(x)
    train = {}
    if name == "resnet50":
        net.train()
        xt = torch.randn(2, 3, 64, 64) * 1.5 + 0.2
        with torch.no_grad():
            tf = net.features(xt)
        train["x"] = xt.numpy()
        train.update({k: v.numpy() for k, v in tf.items()})
        for key, value in net.state_dict().items():
            if key.endswith("running_mean") or key.endswith("running_var"):
                train["after." + key] = value.numpy().copy()
    return state, x.numpy(), {k: v.numpy() for k, v in feats.items()}, train


def main():
    torch.set_num_threads(2)
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(__file__), "..", "..", "core", "src", "test", "resources", "parity")
    os.makedirs(out, exist_ok=True)
    for seed, name in enumerate(LAYOUTS):
        state, x, feats, train = build(name, 1000 + seed)
        if train:
            np.savez_compressed(os.path.join(out, name + ".train.npz"), **train)
        np.savez_compressed(os.path.join(out, name + ".weights.npz"), **state)
        np.save(os.path.join(out, name + ".input.npy"), x)
        np.savez_compressed(os.path.join(out, name + ".features.npz"), **feats)
        n = sum(v.size for k, v in state.items() if not k.endswith("num_batches_tracked") and not k.startswith("fc."))
        print(name, "tensors", len(state), "state elements incl. buffers (no fc/nbt)", n,
              {k: tuple(v.shape) for k, v in feats.items()})


if __name__ == "__main__":
    main()
