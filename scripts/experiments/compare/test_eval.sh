#!/usr/bin/env bash
# Evaluates every finished run of a comparison folder (and the teacher) on an independent test set, so that a table's
# AP is not the 60-image validation split's (98 objects: one object more or less found moves AP by about 0.01).
#
#   scripts/experiments/compare/test_eval.sh HDKD_HOME TEST_DATA OUT [TEACHER_RUN]
#
# TEST_DATA  a dataset folder whose val split is the test set, drawn from the same generator with another seed, e.g.
#            hdkd data synth --preset coarse --images 1112 --size 160 --seed 4242 --val-fraction 0.9 --out TEST_DATA
#            (1001 images, 1818 objects; no run trains or chooses anything on it)
# OUT        a folder of compare.sh (run folders METHOD-sSEED)
#
# Each run gets RUN/test/eval.json (the 12 COCO numbers and the found share) and RUN/test/detections.json; a run that
# has them is skipped. JOBS at a time (default 2), one PyTorch thread each. PLUGINS_DIR (environment) is passed as
# --plugins-dir, for runs of an out-of-tree plugin. results_table.py --eval test reads these files.
set -euo pipefail
home="$1"; test_data="$(realpath "$2")"; out="$3"; teacher="${4:-}"
jobs="${JOBS:-2}"
plugins=()
[ -n "${PLUGINS_DIR:-}" ] && plugins=(--plugins-dir "$PLUGINS_DIR")

evaluate() {
    local run="$1"
    [ -f "$run/test/eval.json" ] && return 0
    mkdir -p "$run/test"
    if JAVA_OPTS="${JAVA_OPTS:-} -Dai.djl.pytorch.num_threads=1" "$home/bin/hdkd" eval "${plugins[@]}" --run "$run" \
            --annotations "$test_data/annotations/instances_val.json" --images "$test_data/images/val" \
            --out "$run/test/detections.json" --force > "$run/test/eval.log" 2>&1; then
        # "AP 0.229535" lines -> one JSON object, written whole or not at all
        awk 'NF == 2 && $2 ~ /^-?[0-9.]+$/ { printf "%s\"%s\":%s", (n++ ? "," : "{"), $1, $2 } END { print "}" }' \
            "$run/test/eval.log" > "$run/test/eval.json.tmp"
        mv "$run/test/eval.json.tmp" "$run/test/eval.json"
        echo "$(date +%T) $run: $(grep '^AP ' "$run/test/eval.log")"
    else
        echo "$(date +%T) FAILED $run (see $run/test/eval.log)"
    fi
}

runs=()
[ -n "$teacher" ] && runs+=("$teacher")
for run in "$out"/*-s[0-9]*; do
    [ -d "$run/model" ] && runs+=("$run")
done
for run in "${runs[@]}"; do
    while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
    evaluate "$run" &
done
wait
