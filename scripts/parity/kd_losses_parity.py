#!/usr/bin/python3
"""Regenerates plugins/kd-losses/src/test/resources/parity/kd-losses.npz.

Computes the kd-losses plugin's formulas with PyTorch (torch 1.13 from Debian's python3-torch) on small fixed inputs,
independently of the Java code: binary KL as BCE-with-logits minus the teacher's entropy, softmax KL with F.kl_div,
bilinear resizing with F.interpolate(align_corners=False). KdLossesParityTest compares the plugin against it to 1e-5.
Run from the repository root: /usr/bin/python3 scripts/parity/kd_losses_parity.py
Not part of the build or the tests: the fixture it writes is committed.
"""
import os

import numpy as np
import torch
import torch.nn.functional as F

OUT = "plugins/kd-losses/src/test/resources/parity/kd-losses.npz"


def pkd(s, t, eps=1e-6):
    def norm(x):
        c = x.shape[1]
        x = x.permute(1, 0, 2, 3).reshape(c, -1)
        mean = x.mean(dim=1, keepdim=True)
        var = x.var(dim=1, unbiased=False, keepdim=True)
        return (x - mean) / torch.sqrt(var + eps)
    return F.mse_loss(norm(s), norm(t)) / 2


def cwd(s, t, tau):
    n, c, h, w = t.shape
    ps = F.log_softmax(s.reshape(n * c, h * w) / tau, dim=1)
    pt = F.softmax(t.reshape(n * c, h * w) / tau, dim=1)
    return F.kl_div(ps, pt, reduction="sum") * tau ** 2 / (n * c)


def binary_kl(s, t, temp):
    pt = torch.sigmoid(t / temp)
    cross = F.binary_cross_entropy_with_logits(s / temp, pt, reduction="mean")
    entropy = F.binary_cross_entropy_with_logits(t / temp, pt, reduction="mean")
    return (cross - entropy) * temp ** 2


def softmax_kl(s, t, temp):
    k = t.shape[-1]
    ls = F.log_softmax(s.reshape(-1, k) / temp, dim=-1)
    pt = F.softmax(t.reshape(-1, k) / temp, dim=-1)
    return F.kl_div(ls, pt, reduction="batchmean") * temp ** 2


def main():
    rng = np.random.default_rng(20261128)
    f32 = lambda *shape, scale=1.0: (rng.standard_normal(shape) * scale).astype(np.float32)
    arrays = {
        "feat_s": f32(2, 3, 4, 5),
        "feat_t": f32(2, 3, 4, 5, scale=2.0),
        "small_s": f32(2, 3, 2, 3),
        "cls_s": f32(2, 6, 3, scale=4.0),
        "cls_t": f32(2, 6, 3, scale=4.0),
        "mc_s": f32(2, 5, 4, scale=2.0),
        "mc_t": f32(2, 5, 4, scale=2.0),
        "adapter_w": f32(3, 3, 1, 1, scale=0.5),
        "adapter_b": f32(3, scale=0.1),
    }
    arrays["feat_t"] += arrays["feat_s"]  # some correlation, so PKD is not close to 1
    t = {k: torch.from_numpy(v).double() for k, v in arrays.items()}
    resized = F.interpolate(t["small_s"], size=(4, 5), mode="bilinear", align_corners=False)
    adapted = F.conv2d(t["feat_s"], t["adapter_w"], t["adapter_b"])
    expected = {
        "pkd": pkd(t["feat_s"], t["feat_t"]),
        "pkd_resized": pkd(resized, t["feat_t"]),
        "cwd_tau1": cwd(t["feat_s"], t["feat_t"], 1.0),
        "cwd_tau4": cwd(t["feat_s"], t["feat_t"], 4.0),
        "fitnet_adapted": F.mse_loss(adapted, t["feat_t"]),
        "kl_sigmoid_t1": binary_kl(t["cls_s"], t["cls_t"], 1.0),
        "kl_sigmoid_t2": binary_kl(t["cls_s"], t["cls_t"], 2.0),
        "kl_softmax_t1": softmax_kl(t["mc_s"], t["mc_t"], 1.0),
        "kl_softmax_t3": softmax_kl(t["mc_s"], t["mc_t"], 3.0),
        "resized": resized,
    }
    for k, v in expected.items():
        arrays["expected_" + k] = v.numpy().astype(np.float64)
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    np.savez(OUT, **arrays)
    for k, v in expected.items():
        if v.dim() == 0:
            print(f"{k} = {v.item():.8f}")
    print("wrote", OUT, os.path.getsize(OUT), "bytes, torch", torch.__version__)


if __name__ == "__main__":
    main()
