#!/usr/bin/python3
"""The step of `hdkd bench train` (or, with --predict, of `hdkd bench predict`) in PyTorch eager, for comparison.

torchvision's retinanet_resnet50_fpn (no pretrained weights: every layer trainable, BatchNorm in train mode, 91
classes), its transform pinned to the input size so nothing is resized, random images with two boxes each, the
model's own losses (focal + L1), backward, SGD (momentum 0.9, weight decay 1e-4). Prints the same closing lines as
hdkd's benchmarks.

    /usr/bin/python3 scripts/bench/torch_retinanet_step.py --size 512 --batch 2 --steps 5 --warmup 2 --threads 2

With --predict: inference in eval mode under no_grad (forward, decoding with the given score threshold, top-1000 per
level, NMS 0.5, 100 detections per image) on random images; --score-threshold 0 is the worst case, as in hdkd.
"""
import argparse
import random
import statistics
import time

import torch
import torchvision

from steptimer import report, start_profile, stop_profile, time_training_steps


def two_boxes_per_image(batch, size, classes, rng):
    """Two boxes per image, a sixth to a half of the side, as `hdkd bench train` draws them."""
    targets = []
    for _ in range(batch):
        boxes, labels = [], []
        for _ in range(2):
            w = size * (1 / 6 + rng.random() / 3)
            h = size * (1 / 6 + rng.random() / 3)
            x = rng.random() * (size - w)
            y = rng.random() * (size - h)
            boxes.append([x, y, x + w, y + h])
            # torchvision reserves no background class in RetinaNet: labels are 0..classes-1 as in hdkd.
            labels.append(rng.randrange(classes))
        targets.append({"boxes": torch.tensor(boxes), "labels": torch.tensor(labels, dtype=torch.int64)})
    return targets


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--backbone", default="resnet50", choices=["resnet50", "resnet18"])
    p.add_argument("--classes", type=int, default=91)
    p.add_argument("--size", type=int, default=512)
    p.add_argument("--batch", type=int, default=2)
    p.add_argument("--steps", type=int, default=10)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--profile", metavar="FILE",
                   help="write libtorch's operator profile of the timed steps (Chrome trace)")
    p.add_argument("--lr", type=float, default=0.01)
    p.add_argument("--predict", action="store_true", help="time inference instead of the training step")
    p.add_argument("--score-threshold", type=float, default=0.0)
    a = p.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    if a.backbone == "resnet50":
        net = torchvision.models.detection.retinanet_resnet50_fpn(
            weights=None, weights_backbone=None, num_classes=a.classes, min_size=a.size, max_size=a.size,
            score_thresh=a.score_threshold, detections_per_img=100)
    else:
        from torchvision.models.detection.backbone_utils import _resnet_fpn_extractor
        from torchvision.ops.feature_pyramid_network import LastLevelP6P7
        body = torchvision.models.resnet18()
        backbone = _resnet_fpn_extractor(body, 5, returned_layers=[2, 3, 4], extra_blocks=LastLevelP6P7(256, 256))
        net = torchvision.models.detection.RetinaNet(backbone, a.classes, min_size=a.size, max_size=a.size,
                                                     score_thresh=a.score_threshold, detections_per_img=100)
    if a.predict:
        predict(net, a)
        return
    net.train()
    params = [q for q in net.parameters() if q.requires_grad]
    opt = torch.optim.SGD(params, lr=a.lr, momentum=0.9, weight_decay=1e-4)
    images = list(torch.randn(a.batch, 3, a.size, a.size))
    targets = two_boxes_per_image(a.batch, a.size, a.classes, random.Random(1))
    print(f"{a.backbone} + retinanet: {sum(q.numel() for q in params):,} parameters")
    print(f"input {a.batch} x 3 x {a.size} x {a.size}, 2 boxes per image, threads {torch.get_num_threads()}, "
          f"warmup {a.warmup}, steps {a.steps}")

    time_training_steps(lambda: sum(net(images, targets).values()), opt, a.warmup, a.steps, a.batch, profile=a.profile)


def predict(net, a):
    net.eval()
    images = list(torch.randn(a.batch, 3, a.size, a.size))
    print(f"{a.backbone} + retinanet inference, input {a.batch} x 3 x {a.size} x {a.size}, "
          f"threads {torch.get_num_threads()}, score threshold {a.score_threshold}")
    times, detections, profiler = [], 0, None
    with torch.no_grad():
        for i in range(-a.warmup, a.steps):
            if i == 0:
                profiler = start_profile(a.profile)
            t0 = time.perf_counter()
            out = net(images)
            t1 = time.perf_counter()
            if i >= 0:
                times.append((t1 - t0) * 1e3)
                detections += sum(len(o["boxes"]) for o in out)
    stop_profile(profiler, a.profile)
    print(f"detections {detections}")
    report(statistics.median(times), a.batch)


if __name__ == "__main__":
    main()
