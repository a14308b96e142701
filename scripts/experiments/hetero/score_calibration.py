#!/usr/bin/env python3
"""How well a teacher's detection scores predict correctness: precision of its detections per score band.

    score_calibration.py RUN ANNOTATIONS.json

RUN is an hdkd run folder (its eval/detections_val.json, COCO results format); ANNOTATIONS the validation split's
COCO file. A detection is correct when it overlaps a ground-truth box of its class at IoU >= 0.5 (duplicates of one
object all count as correct here: this measures what the detections loss would be fed, not AP).
"""
import json
import sys
from collections import defaultdict


def iou(a, b):
    iw = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    ih = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    if iw <= 0 or ih <= 0:
        return 0.0
    inter = iw * ih
    return inter / (a[2] * a[3] + b[2] * b[3] - inter)


def main(run, annotations):
    dets = json.load(open(f"{run}/eval/detections_val.json"))
    gt = defaultdict(list)
    for a in json.load(open(annotations))["annotations"]:
        gt[a["image_id"]].append(a)
    scored = []
    for d in dets:
        best = max([iou(d["bbox"], a["bbox"]) for a in gt[d["image_id"]] if a["category_id"] == d["category_id"]]
                   + [0.0])
        scored.append((d["score"], best >= 0.5))
    print(f"{len(dets)} detections of {run}")
    print("| score band | detections | correct | precision |")
    print("|---|---|---|---|")
    edges = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.01]
    for lo, hi in zip(edges, edges[1:]):
        band = [ok for s, ok in scored if lo <= s < hi]
        if band:
            print(f"| {lo:.1f}-{min(hi, 1.0):.1f} | {len(band)} | {sum(band)} | {sum(band) / len(band):.2f} |")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
