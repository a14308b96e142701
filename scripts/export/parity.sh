#!/usr/bin/env bash
# ONNX export parity on trained runs (docs/EXPORT.md, "Parity"): for each RUN, exports it raw and with --decode, then
#   raw      ONNX Runtime's raw outputs vs the run's model on the PyTorch engine, image by image on the split, as
#            eval --model prepares them: worst max|diff| / max|output| per output (RawParity.java), bound 1e-4;
#   decoded  hdkd predict --model (decoded export) vs hdkd predict --run, --score 0, on every image of the split:
#            same count and labels, boxes to 1e-3 px, scores to 1e-4 (compare_detections.py);
#   eval     hdkd eval --model (raw export, then decoded export) vs hdkd eval --run on the split: the 12 COCO numbers,
#            largest difference, bound 1e-4;
#   checker  scripts/onnx/check_model.py (Debian's python3-onnx) on both files, where /usr/bin/python3 has onnx.
# Prints one markdown table row per run, and writes everything under OUT.
#
#   scripts/export/parity.sh HDKD_HOME OUT ANNOTATIONS IMAGES RUN...
#
# A run whose head comes from a plugin outside the distribution (the FCOS example) needs that plugin in
# HDKD_HOME/plugins (scripts/export/fcos_example.sh builds its jar).
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
[ $# -ge 5 ] || { echo "usage: $0 HDKD_HOME OUT ANNOTATIONS IMAGES RUN..." >&2; exit 2; }
home="$(cd "$1" && pwd)"; out="$(mkdir -p "$2" && cd "$2" && pwd)"; ann="$3"; img="$4"; shift 4
hdkd="$home/bin/hdkd"
export ONEDNN_MAX_CPU_ISA="${ONEDNN_MAX_CPU_ISA:-AVX}" # one instruction set for every process of the comparison
mapfile -t images < <(/usr/bin/python3 -c 'import json,sys,os; d=json.load(open(sys.argv[1]));
print("\n".join(os.path.join(sys.argv[2], i["file_name"]) for i in d["images"]))' "$ann" "$img")
status=0

# the 12 COCO numbers of an eval output (first 12 lines, "name value")
stats() { head -n 12 "$1" | awk '{print $2}'; }
maxdiff() { paste <(stats "$1") <(stats "$2") | awk '{d=$1-$2; if (d<0) d=-d; if (d>m) m=d} END {printf "%.1e", m}'; }

echo "| run | head | raw outputs: worst max abs diff / max abs | decoded vs predict --run | eval --model vs --run (12 numbers, max diff): raw, decoded |"
echo "|---|---|---|---|---|"
for run in "$@"; do
    abs="$(cd "$run" && pwd)"
    name="$(basename "$(dirname "$abs")")-$(basename "$abs")" # parent too: runs of several sweeps share names
    d="$out/$name"; mkdir -p "$d"
    log="$d/log.txt"; : > "$log"
    head_type="$(sed -n 's/^model\.head\.type *= *//p' "$run/config.properties" | head -n 1)"
    if ! "$hdkd" export --run "$run" --out "$d/raw.onnx" --force >>"$log" 2>&1 \
        || ! "$hdkd" export --run "$run" --out "$d/decoded.onnx" --decode --force >>"$log" 2>&1; then
        echo "| $name | $head_type | export failed (see $log) | | |"; status=1; continue
    fi
    raw="$(java -Dai.djl.offline=true -cp "$home/lib/*" "$here/RawParity.java" "$run" "$d/raw.onnx" "$ann" "$img" \
        "$home/plugins" 2>>"$log")" || status=1
    echo "$raw" >>"$log"
    rm -rf "$d/pred-run" "$d/pred-onnx"
    "$hdkd" predict --run "$run" --score 0 --out "$d/pred-run" "${images[@]}" >>"$log" 2>&1 || status=1
    "$hdkd" predict --model "$d/decoded.onnx" --score 0 --out "$d/pred-onnx" "${images[@]}" >>"$log" 2>&1 || status=1
    dets="$("$here/compare_detections.py" "$d/pred-run/detections.json" "$d/pred-onnx/detections.json")" || status=1
    echo "$dets" >>"$log"
    "$hdkd" eval --run "$run" --annotations "$ann" --images "$img" --out "$d/eval-run.json" --force \
        >"$d/eval-run.txt" 2>>"$log" || status=1
    "$hdkd" eval --model "$d/raw.onnx" --annotations "$ann" --images "$img" --out "$d/eval-raw.json" --force \
        >"$d/eval-raw.txt" 2>>"$log" || status=1
    "$hdkd" eval --model "$d/decoded.onnx" --annotations "$ann" --images "$img" --out "$d/eval-decoded.json" \
        --force >"$d/eval-decoded.txt" 2>>"$log" || status=1
    e1="$(maxdiff "$d/eval-run.txt" "$d/eval-raw.txt")"; e2="$(maxdiff "$d/eval-run.txt" "$d/eval-decoded.txt")"
    ap="$(sed -n '1p' "$d/eval-run.txt" | awk '{print $2}')"
    awk -v a="$e1" -v b="$e2" 'BEGIN {exit !(a <= 1e-4 && b <= 1e-4)}' || status=1
    if /usr/bin/python3 -c 'import onnx' 2>/dev/null; then
        for f in raw decoded; do
            /usr/bin/python3 "$here/../onnx/check_model.py" "$d/$f.onnx" >"$d/check-$f.txt" 2>&1 || status=1
        done
    fi
    rawcell="$(sed -E 's/^raw [^ ]+ images ([0-9]+) worst ([^ ]+) ([a-zA-Z]+);.*/\2 over \1 images (\3)/' <<<"$raw")"
    detcell="$(sed -E 's/^detections images ([0-9]+) detections ([0-9]+) count_mismatch ([0-9]+) order_differs ([0-9]+) .* unmatched ([0-9]+) max_box_diff_px ([^ ]+) max_score_diff ([^ ]+) ([a-zA-Z]+)$/\2 detections on \1 images; count mismatches \3, unmatched \5, order differs on \4; box \6 px, score \7 (\8)/' <<<"$dets")"
    echo "| $name | $head_type | $rawcell | $detcell | AP $ap; $e1, $e2 |"
done
exit $status
