#!/usr/bin/python3
"""The step of `hdkd bench backbone` in PyTorch eager, for comparison.

torchvision resnet50 without its classifier (layer1..layer4 outputs = c2..c5), train mode, loss = sum over levels of
the mean of squares, backward, SGD (momentum 0.9, no weight decay). Prints the same closing lines as hdkd's benchmarks.

    /usr/bin/python3 scripts/bench/torch_backbone_step.py --size 256 --batch 2 --steps 5 --warmup 2 --threads 2
"""
import argparse
import resource
import statistics
import time

import torch
import torchvision


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

    fwd, bwd, upd, tot = [], [], [], []
    loss = None
    for i in range(-a.warmup, a.steps):
        t0 = time.perf_counter()
        loss = sum(c.square().mean() for c in levels(net, images))
        t1 = time.perf_counter()
        loss.backward()
        t2 = time.perf_counter()
        opt.step()
        opt.zero_grad(set_to_none=False)
        t3 = time.perf_counter()
        if i >= 0:
            fwd.append((t1 - t0) * 1e3)
            bwd.append((t2 - t1) * 1e3)
            upd.append((t3 - t2) * 1e3)
            tot.append((t3 - t0) * 1e3)

    median = statistics.median(tot)
    print(f"last_loss {loss.item():.6f}")
    print(f"median_forward_ms {statistics.median(fwd):.2f}")
    print(f"median_backward_ms {statistics.median(bwd):.2f}")
    print(f"median_update_ms {statistics.median(upd):.2f}")
    print(f"median_step_ms {median:.2f}")
    print(f"images_per_s {a.batch / (median / 1000):.3f}")
    print(f"peak_rss_mb {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.1f}")


if __name__ == "__main__":
    main()
