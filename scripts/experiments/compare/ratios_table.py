#!/usr/bin/env python3
"""The ratio-robustness table of docs/RESULTS.md from all.sh's OUT/ratios/<method>-s<seed>/ratios.csv: AP per
task:distillation ratio (mean over the seeds that finished), then each method's mean and spread over the ratios.

    python3 scripts/experiments/compare/ratios_table.py OUT/ratios
"""
import csv
import os
import re
import statistics
import sys


def read(path):
    rows = {}
    with open(path) as f:
        for row in csv.reader(f):
            if row and row[0] not in ("ratio", "mean", "std"):
                rows[row[0]] = float(row[1])
    return rows


def main():
    root = sys.argv[1]
    by_method = {}
    for name in sorted(os.listdir(root)):
        m = re.fullmatch(r"(.+)-s(\d+)", name)
        path = os.path.join(root, name, "ratios.csv")
        if m and os.path.exists(path):
            by_method.setdefault(m.group(1), {})[int(m.group(2))] = read(path)
    ratios = []
    for seeds in by_method.values():
        for r in seeds.values():
            ratios += [k for k in r if k not in ratios]
    print("| method | seeds | " + " | ".join(ratios) + " | mean over ratios | spread (std) over ratios |")
    print("|---|---|" + "---|" * len(ratios) + "---|---|")
    for method, seeds in sorted(by_method.items()):
        per_ratio = []
        for r in ratios:
            values = [s[r] for s in seeds.values() if r in s]
            per_ratio.append(statistics.mean(values) if values else float("nan"))
        cells = " | ".join(f"{v:.3f}" for v in per_ratio)
        spread = statistics.stdev(per_ratio) if len(per_ratio) > 1 else 0.0
        print(f"| {method} | {','.join(map(str, sorted(seeds)))} | {cells} | {statistics.mean(per_ratio):.3f} | "
              f"{spread:.3f} |")


if __name__ == "__main__":
    main()
