#!/usr/bin/env bash
# End-to-end check of a device: a tiny teacher trained, a tiny student distilled from it, the student evaluated, each
# on the device asked for, then the median step times from the runs' metrics.jsonl. See docs/GPU.md.
#
#   scripts/gpu/check.sh --device cuda|cpu [--hdkd PATH/TO/bin/hdkd] [--out DIR] [--epochs N]
#
# --device cuda needs a CUDA libtorch (PYTORCH_FLAVOR=cu124 or PYTORCH_LIBRARY_PATH, docs/GPU.md): hdkd refuses
# train.device=gpu when DJL's PyTorch engine sees no GPU, so this script cannot pass on a CPU-only install by accident.
# Exit codes: 0 all three phases ran; 2 bad usage; otherwise the failing hdkd command's exit code.
set -euo pipefail

usage() { echo "usage: $0 --device cuda|cpu [--hdkd PATH] [--out DIR] [--epochs N]" >&2; exit 2; }

here="$(cd -P "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
device=""
hdkd="$here/../../distribution/target/hdkd-0.1.0-SNAPSHOT/bin/hdkd"
out=""
epochs=1
while [ $# -gt 0 ]; do
    case "$1" in
        --device) [ $# -ge 2 ] || usage; device="$2"; shift 2 ;;
        --hdkd) [ $# -ge 2 ] || usage; hdkd="$2"; shift 2 ;;
        --out) [ $# -ge 2 ] || usage; out="$2"; shift 2 ;;
        --epochs) [ $# -ge 2 ] || usage; epochs="$2"; shift 2 ;;
        *) usage ;;
    esac
done
case "$device" in
    cuda|gpu) train_device=gpu ;;
    cpu) train_device=cpu ;;
    *) echo "check.sh: error: --device must be cuda or cpu, not '$device'" >&2; exit 2 ;;
esac
[[ "$epochs" =~ ^[1-9][0-9]*$ ]] || { echo "check.sh: error: --epochs must be a positive integer, not '$epochs'" >&2; exit 2; }
[ -x "$hdkd" ] || { echo "check.sh: error: no executable hdkd at $hdkd (build with 'mvn -B -DskipTests package' or pass --hdkd)" >&2; exit 2; }
if [ -z "$out" ]; then
    out="$(mktemp -d "${TMPDIR:-/tmp}/hdkd-gpu-check.XXXXXX")"
fi
mkdir -p "$out"
conf="$(cd "$(dirname "$hdkd")/.." && pwd)/conf/tiny.properties"

# the tiny configuration, smaller still: 24 images of 128 px, $epochs epoch(s), one evaluation at the end
common=(--set "train.device=$train_device" --set dataset.synthetic-images=24 --set "train.epochs=$epochs"
        --set train.eval-every=0 --set train.warmup-steps=5)

median_step_ms() {
    # median of the "step_ms" values in a metrics.jsonl (one JSON object per line)
    sed -n 's/.*"step_ms":[[:space:]]*\([0-9.eE+-]*\).*/\1/p' "$1" | sort -g |
        awk '{ v[NR] = $1 } END { if (NR == 0) print "n/a"; else if (NR % 2) printf "%.1f", v[(NR + 1) / 2]; else printf "%.1f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

phase() {
    local name="$1"; shift
    local start end
    start=$(date +%s.%N)
    echo "== $name: $*" >&2
    "$hdkd" "$@"
    end=$(date +%s.%N)
    awk -v n="$name" -v s="$start" -v e="$end" 'BEGIN { printf "%s wall %.1f s\n", n, e - s }'
}

echo "device: $device (train.device=$train_device), hdkd: $hdkd, out: $out"
phase teacher train --config "$conf" "${common[@]}" --out "$out/teacher" --force
echo "teacher median step_ms $(median_step_ms "$out/teacher/metrics.jsonl")"
phase student distill --config "$conf" "${common[@]}" --set model.backbone.width=0.125 --set model.neck.channels=16 \
    --set "teacher.run=$out/teacher" --set distill.losses=pkd --set distill.loss.pkd.type=pkd \
    --set "distill.loss.pkd.levels=p3, p4, p5" --out "$out/student" --force
echo "student median step_ms $(median_step_ms "$out/student/metrics.jsonl")"
phase eval eval --run "$out/student" --force
echo "check.sh: $device OK"
