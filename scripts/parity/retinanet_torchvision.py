#!/usr/bin/python3
"""Regenerates the RetinaNet parity fixture from torchvision (never run by tests or CI).

Runs torchvision's RetinaNet loss and post-processing on seeded random raw outputs for a 64 x 64 input with
three levels (strides 8, 16, 32; anchor sizes 32, 64, 128), and saves inputs and results to
plugins/retinanet/src/test/resources/parity/retinanet_torchvision.npz for RetinaNetParityTest.

Usage: /usr/bin/python3 scripts/parity/retinanet_torchvision.py   (torch 1.13 / torchvision 0.14, Debian)
"""
import os

import numpy as np
import torch
from torch import nn
from torchvision.models.detection.anchor_utils import AnchorGenerator
from torchvision.models.detection.image_list import ImageList
from torchvision.models.detection.retinanet import RetinaNet

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "plugins", "retinanet", "src", "test", "resources",
                   "parity", "retinanet_torchvision.npz")
CLASSES = 3
SIZE = 64
GRIDS = [8, 4, 2]


class NoBackbone(nn.Module):
    out_channels = 8


def main():
    torch.manual_seed(0)
    torch.set_num_threads(2)
    sizes = tuple((x, int(x * 2 ** (1.0 / 3)), int(x * 2 ** (2.0 / 3))) for x in [32, 64, 128])
    anchor_generator = AnchorGenerator(sizes, ((0.5, 1.0, 2.0),) * len(sizes))
    model = RetinaNet(NoBackbone(), num_classes=CLASSES, anchor_generator=anchor_generator,
                      min_size=SIZE, max_size=SIZE)
    model.eval()

    images = ImageList(torch.zeros(2, 3, SIZE, SIZE), [(SIZE, SIZE)] * 2)
    features = [torch.zeros(2, 8, g, g) for g in GRIDS]
    anchors = model.anchor_generator(images, features)
    k = anchors[0].shape[0]

    logits = torch.randn(2, k, CLASSES) * 3 - 2
    deltas = torch.randn(2, k, 4) * 0.3
    boxes = torch.tensor([[4.0, 6.0, 30.0, 40.0], [20.0, 18.0, 62.0, 50.0], [40.0, 2.0, 52.0, 12.0]])
    labels = torch.tensor([2, 0, 1])
    targets = [{"boxes": boxes, "labels": labels},
               {"boxes": torch.zeros(0, 4), "labels": torch.zeros(0, dtype=torch.int64)}]
    head_outputs = {"cls_logits": logits, "bbox_regression": deltas}

    losses = {}
    for kind in ["l1", "smooth_l1", "giou"]:
        model.head.regression_head._loss_type = kind
        out = model.compute_loss(targets, head_outputs, anchors)
        losses[kind] = (out["classification"].item(), out["bbox_regression"].item())
        print(kind, losses[kind])

    per_level = [g * g * 9 for g in GRIDS]
    split_outputs = {key: list(v.split(per_level, dim=1)) for key, v in head_outputs.items()}
    split_anchors = [list(a.split(per_level)) for a in anchors]
    detections = model.postprocess_detections(split_outputs, split_anchors, images.image_sizes)
    print("detections per image", [len(d["boxes"]) for d in detections])

    arrays = {
        "anchors": anchors[0].numpy().astype(np.float32),
        "logits": logits.numpy().astype(np.float32),
        "deltas": deltas.numpy().astype(np.float32),
        "gt_boxes": boxes.numpy().astype(np.float32),
        "gt_labels": labels.numpy().astype(np.int32),
        "losses": np.array([losses["l1"], losses["smooth_l1"], losses["giou"]], dtype=np.float32),
    }
    for i, d in enumerate(detections):
        arrays[f"det{i}_boxes"] = d["boxes"].detach().numpy().astype(np.float32).reshape(-1, 4)
        arrays[f"det{i}_scores"] = d["scores"].detach().numpy().astype(np.float32)
        arrays[f"det{i}_labels"] = d["labels"].numpy().astype(np.int32)
    np.savez(OUT, **arrays)
    print("wrote", os.path.normpath(OUT), os.path.getsize(OUT), "bytes")


if __name__ == "__main__":
    main()
