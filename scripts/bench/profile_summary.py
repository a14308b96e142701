#!/usr/bin/python3
"""Sums a libtorch operator profile (`hdkd bench train --profile FILE`, a Chrome trace) per operator.

Self time is an operator's duration less that of the operators nested in it on the same thread. The last lines
compare the time inside operators with the profiled span: what is left is spent outside libtorch's operators (Java,
JNI, DJL's bookkeeping, the allocator), which is what a small model's per-operation cost is made of.

    /usr/bin/python3 scripts/bench/profile_summary.py FILE [--steps N] [--top K]
"""
import argparse
import collections
import json


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("trace")
    p.add_argument("--steps", type=int, default=1, help="timed steps in the profile, to print per-step figures")
    p.add_argument("--top", type=int, default=30)
    a = p.parse_args()
    with open(a.trace) as f:
        data = json.load(f)
    events = data["traceEvents"] if isinstance(data, dict) else data
    events = [e for e in events if e.get("ph") == "X" and "dur" in e]
    by_thread = collections.defaultdict(list)
    for e in events:
        by_thread[e.get("tid")].append(e)
    self_us = collections.Counter()
    calls = collections.Counter()
    top_level_us, top_level_calls = 0.0, 0
    first, last = float("inf"), 0.0
    for evs in by_thread.values():
        evs.sort(key=lambda e: (e["ts"], -e["dur"]))
        stack = []  # (end, name) of the operators enclosing the current one
        for e in evs:
            start, dur, name = e["ts"], e["dur"], e["name"]
            first, last = min(first, start), max(last, start + dur)
            while stack and stack[-1][0] <= start:
                stack.pop()
            if stack:
                self_us[stack[-1][1]] -= dur  # the parent's self time excludes this child
            else:
                top_level_us += dur
                top_level_calls += 1
            stack.append((start + dur, name))
            calls[name] += 1
            self_us[name] += dur
    n = a.steps
    total_self = sum(self_us.values())
    print(f"{'operator':48s} {'calls/step':>10s} {'self ms/step':>12s} {'share':>6s}")
    for name, us in self_us.most_common(a.top):
        print(f"{name[:48]:48s} {calls[name] / n:10.1f} {us / 1e3 / n:12.2f} {us / total_self:6.1%}")
    span = last - first
    print(f"operators per step: {sum(calls.values()) / n:.0f} ({top_level_calls / n:.0f} top-level)")
    print(f"profiled span per step: {span / 1e3 / n:.2f} ms; top-level operator time per step (all threads): "
          f"{top_level_us / 1e3 / n:.2f} ms")


if __name__ == "__main__":
    main()
