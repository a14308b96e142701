#!/usr/bin/env python3
"""Compares two `hdkd predict` detections.json files (the run's model and an exported model) image by image: the
same count and labels, boxes (x1, y1, x2, y2) within BOX px and scores within SCORE. Detections are compared in the
order written (best first); where an image's order differs (near-ties), they are matched as sets (each detection of
A must find an unused twin in B). Prints one line; exits 1 on a mismatch.

    compare_detections.py A.json B.json [BOX=1e-3] [SCORE=1e-4]
"""
import json
import sys
from collections import defaultdict


def boxes(d):
    x, y, w, h = d["bbox"]
    return (x, y, x + w, y + h)


def close(a, b, box_tol, score_tol):
    return (a["category_id"] == b["category_id"] and abs(a["score"] - b["score"]) <= score_tol
            and all(abs(p - q) <= box_tol for p, q in zip(boxes(a), boxes(b))))


def main(argv):
    if len(argv) not in (3, 5):
        print(__doc__, file=sys.stderr)
        return 2
    box_tol = float(argv[3]) if len(argv) == 5 else 1e-3
    score_tol = float(argv[4]) if len(argv) == 5 else 1e-4
    per = []
    for path in argv[1:3]:
        by_image = defaultdict(list)
        for d in json.load(open(path)):
            by_image[d["image_id"]].append(d)
        per.append(by_image)
    a, b = per
    images = sorted(set(a) | set(b))
    total = sum(len(v) for v in a.values())
    count_bad = label_bad = reordered = unmatched = 0
    box_diff = score_diff = 0.0
    for i in images:
        da, db = a.get(i, []), b.get(i, [])
        if len(da) != len(db):
            count_bad += 1
            continue
        if [d["category_id"] for d in da] != [d["category_id"] for d in db]:
            label_bad += 1
        if all(close(p, q, box_tol, score_tol) for p, q in zip(da, db)):
            pairs = list(zip(da, db))
        else:
            reordered += 1
            used = [False] * len(db)
            pairs = []
            for p in da:
                j = next((j for j, q in enumerate(db) if not used[j] and close(p, q, box_tol, score_tol)), None)
                if j is None:
                    unmatched += 1
                    continue
                used[j] = True
                pairs.append((p, db[j]))
        for p, q in pairs:
            box_diff = max(box_diff, max(abs(u - v) for u, v in zip(boxes(p), boxes(q))))
            score_diff = max(score_diff, abs(p["score"] - q["score"]))
    ok = count_bad == 0 and unmatched == 0
    print(f"detections images {len(images)} detections {total} count_mismatch {count_bad} "
          f"order_differs {reordered} (labels in order differ {label_bad}) unmatched {unmatched} "
          f"max_box_diff_px {box_diff:.2e} max_score_diff {score_diff:.2e} {'pass' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
