#!/usr/bin/python3
"""Regenerates the torchvision parity fixture for hdkd's FPN neck.

Run with Debian's torch 1.13 / torchvision 0.14:  /usr/bin/python3 scripts/parity/make_fpn_fixture.py [OUT_DIR]

torchvision's own FeaturePyramidNetwork with LastLevelP6P7(8, 8) (P6 from P5, as retinanet_resnet50_fpn builds it),
8 channels, inputs c3/c4/c5 with 8/16/32 channels at the odd sizes a 100x100 image gives (13, 7, 4), so the
nearest-neighbour upsampling to a non-doubled size is exercised. Writes fpn.npz holding the state dict under its
torchvision names (`inner_blocks.0.0.weight`, ..., `extra_blocks.p6.weight`), inputs `in.c3..in.c5` and outputs
`out.p3..out.p7`, all float32. Deterministic: seeded, 2 threads.
"""
import os
import sys
from collections import OrderedDict

import numpy as np
import torch
from torchvision.ops.feature_pyramid_network import FeaturePyramidNetwork, LastLevelP6P7


def main():
    torch.set_num_threads(2)
    torch.manual_seed(2024)
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(__file__), "..", "..", "plugins", "fpn", "src", "test", "resources", "parity")
    os.makedirs(out, exist_ok=True)
    fpn = FeaturePyramidNetwork([8, 16, 32], 8, extra_blocks=LastLevelP6P7(8, 8)).eval()
    with torch.no_grad():
        for name, p in fpn.named_parameters():
            if name.endswith("bias"):
                p.uniform_(-0.5, 0.5)  # torchvision initialises biases to 0; make them count
    x = OrderedDict([("c3", torch.randn(1, 8, 13, 13)), ("c4", torch.randn(1, 16, 7, 7)),
                     ("c5", torch.randn(1, 32, 4, 4))])
    with torch.no_grad():
        y = fpn(x)
    arrays = {k: v.numpy() for k, v in fpn.state_dict().items()}
    arrays.update({"in." + k: v.numpy() for k, v in x.items()})
    for key, name in zip(y.keys(), ["p3", "p4", "p5", "p6", "p7"]):
        arrays["out." + name] = y[key].numpy()
    np.savez(os.path.join(out, "fpn.npz"), **arrays)
    print({k: tuple(v.shape) for k, v in arrays.items()})


if __name__ == "__main__":
    main()
