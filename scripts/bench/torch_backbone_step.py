#!/usr/bin/python3
"""The step of `hdkd bench backbone` in PyTorch eager, for comparison.

torchvision resnet50 without its classifier (layer1..layer4 outputs = c2..c5), train mode, loss = sum over levels of
the mean of squares, backward, SGD (momentum 0.9, no weight decay). Prints the same closing lines as hdkd's benchmarks.

    /usr/bin/python3 scripts/bench/torch_backbone_step.py --size 256 --batch 2 --steps 5 --warmup 2 --threads 2
"""
import argparse

import torch
import torchvision

from steptimer import time_training_steps


def levels(net, x):
    x = net.maxpool(net.relu(net.bn1(net.conv1(x))))
    c2 = net.layer1(x)
    c3 = net.layer2(c2)
    c4 = net.layer3(c3)
    c5 = net.layer4(c4)
    return [c2, c3, c4, c5]


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--arch", default="resnet50")
    p.add_argument("--size", type=int, default=512)
    p.add_argument("--batch", type=int, default=2)
    p.add_argument("--steps", type=int, default=10)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--lr", type=float, default=0.01)
    a = p.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    net = getattr(torchvision.models, a.arch)()
    net.fc = torch.nn.Identity()  # not part of the step, like hdkd's backbone
    net.train()
    params = [q for q in net.parameters() if q.requires_grad]
    opt = torch.optim.SGD(params, lr=a.lr, momentum=0.9)
    images = torch.randn(a.batch, 3, a.size, a.size)
    print(f"backbone {a.arch}: {sum(q.numel() for q in params):,} parameters")
    print(f"input {a.batch} x 3 x {a.size} x {a.size}, threads {torch.get_num_threads()}, warmup {a.warmup}, "
          f"steps {a.steps}")

    time_training_steps(lambda: sum(c.square().mean() for c in levels(net, images)), opt, a.warmup, a.steps, a.batch)


if __name__ == "__main__":
    main()
