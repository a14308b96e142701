#!/usr/bin/env python3
"""The comparison table of compare.sh: per method, COCO AP, AP50, APs/APm/APl (mean +- sample std over the seeds that
finished), the gain over the student alone (paired by seed) and the share of the teacher-student gap recovered; then
each run's AP by seed.

    python3 scripts/experiments/compare/results_table.py OUT TEACHER_RUN [--seeds 4,5,6] [--methods alone,pkd,...]
        [--eval val|test]

--seeds keeps only those seeds (e.g. the held-out confirmation seeds); --methods only those methods, in that order;
--eval test reads each run's evaluation on the independent test set (RUN/test/eval.json, written by test_eval.sh)
instead of the last evaluation on the validation split during training (the default, val).
"""
import json
import os
import re
import statistics
import sys


def final_eval(run, source="val"):
    if source == "test":
        path = os.path.join(run, "test", "eval.json")
        return json.load(open(path)) if os.path.exists(path) else None
    path = os.path.join(run, "eval.jsonl")
    if not os.path.isdir(os.path.join(run, "model")) or not os.path.exists(path):
        return None
    rows = [json.loads(line) for line in open(path) if line.strip()]
    return rows[-1] if rows else None


def fmt(values):
    values = [v for v in values if v >= -0.5 or v < -1.5]  # COCO's -1 means "no objects of that size"
    if not values:
        return "n/a"
    if len(values) == 1:
        return f"{values[0]:.3f}"
    return f"{statistics.mean(values):.3f} ± {statistics.stdev(values):.3f}"


def fmt_signed(values):
    if not values:
        return "n/a"
    if len(values) == 1:
        return f"{values[0]:+.3f}"
    return f"{statistics.mean(values):+.3f} ± {statistics.stdev(values):.3f}"


def option(name):
    if name in sys.argv:
        return sys.argv[sys.argv.index(name) + 1].split(",")
    return None


def main():
    out, teacher_run = sys.argv[1], sys.argv[2]
    keep_seeds = option("--seeds")
    keep_methods = option("--methods")
    source = (option("--eval") or ["val"])[0]
    if source not in ("val", "test"):
        sys.exit(f"results_table.py: --eval must be val or test, got {source}")
    teacher = final_eval(teacher_run, source)
    if teacher is None:
        sys.exit(f"results_table.py: {teacher_run} has no {source} evaluation")
    runs = {}
    for name in sorted(os.listdir(out)):
        m = re.fullmatch(r"(.+)-s(\d+)", name)
        if keep_seeds is not None and m and m.group(2) not in keep_seeds:
            continue
        if keep_methods is not None and m and m.group(1) not in keep_methods:
            continue
        if m and os.path.isdir(os.path.join(out, name)):
            e = final_eval(os.path.join(out, name), source)
            if e is not None:
                runs.setdefault(m.group(1), {})[int(m.group(2))] = e
    alone = runs.get("alone", {})
    print("Teacher: " + ", ".join(f"{k} {fmt([teacher[k]])}" for k in ("AP", "AP50", "APs", "APm", "APl")) + "\n")
    print("| method | seeds | AP | AP50 | APs | APm | APl | gain in AP over alone | gap recovered | wins |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    known = ["alone", "fitnet", "pkd", "cwd", "kl", "pkd-kl", "hdkd-partition", "hdkd-split", "hdkd-combination",
             "hdkd-full"]
    order = [k for k in known if k in runs] + sorted(k for k in runs if k not in known)
    if keep_methods is not None:
        order = [k for k in keep_methods if k in runs]
    for method in order:
        by_seed = runs.get(method, {})
        seeds = sorted(by_seed)
        cols = [fmt([by_seed[s][k] for s in seeds]) for k in ("AP", "AP50", "APs", "APm", "APl")]
        paired = [s for s in seeds if s in alone]
        gains = [by_seed[s]["AP"] - alone[s]["AP"] for s in paired]
        # The share of the gap means nothing where the teacher is not clearly better than the student alone.
        gaps = [g / (teacher["AP"] - alone[s]["AP"]) for g, s in zip(gains, paired)
                if teacher["AP"] - alone[s]["AP"] > 0.01]
        wins = f"{sum(g > 0 for g in gains)}/{len(gains)}" if method != "alone" else ""
        gain = fmt_signed(gains) if method != "alone" else ""
        gap = (" ± ".join(f"{x:.0f}" for x in ([statistics.mean(gaps) * 100] + ([statistics.stdev(gaps) * 100]
                if len(gaps) > 1 else []))) + " %") if method != "alone" and gaps else ""
        print(f"| {method} | {','.join(map(str, seeds))} | {' | '.join(cols)} | {gain} | {gap} | {wins} |")
    all_seeds = sorted({s for by_seed in runs.values() for s in by_seed})
    print("\nAP per seed:\n")
    print("| method | " + " | ".join(f"seed {s}" for s in all_seeds) + " |")
    print("|---|" + "---|" * len(all_seeds))
    for method in order:
        by_seed = runs[method]
        print(f"| {method} | " + " | ".join(f"{by_seed[s]['AP']:.3f}" if s in by_seed else "" for s in all_seeds)
              + " |")


if __name__ == "__main__":
    main()
