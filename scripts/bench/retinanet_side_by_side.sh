#!/bin/sh
# hdkd against PyTorch eager, interleaved: for each round, every case runs once on hdkd and once on PyTorch, one
# after the other, so that both sides see the same machine (docs/BENCHMARKS.md, "hdkd vs PyTorch eager, interleaved").
# Cases: RetinaNet R50-FPN and R18-FPN at 512 px, batch 2 (training step and inference with worst-case decoding), and
# the quick configuration's model (ResNet18 x0.25 + FPN 48 + 2-conv RetinaNet, 160 px, batch 4; training step, 30
# warm-up steps on both sides: a JVM reaches its steady step only after its JIT has compiled the step's Java code,
# about 20 steps of this small model, and training runs thousands).
# Every run prints median_step_ms and peak_rss_mb (whole process); at the end, per case and side, the median over the
# rounds and hdkd's ratio to PyTorch.
#
#   scripts/bench/retinanet_side_by_side.sh [HDKD_HOME] [ROUNDS] [CASES]
#
# CASES: a space-separated subset of "r50-train r18-train r50-predict r18-predict quick-train" (default: all).
set -eu
home=${1:-distribution/target/hdkd-0.1.0-SNAPSHOT}
rounds=${2:-3}
cases=${3:-r50-train r18-train r50-predict r18-predict quick-train}
here=$(cd "$(dirname "$0")" && pwd)
h="$home/bin/hdkd"
py=/usr/bin/python3
out=$(mktemp)
log=$(mktemp)
trap 'rm -f "$out" "$log"' EXIT

hdkd_case() {
    case $1 in
        r50-train) "$h" bench train --size 512 --batch 2 --steps 3 --warmup 1 --threads 2 ;;
        r18-train) "$h" bench train --size 512 --batch 2 --steps 3 --warmup 1 --threads 2 --set model.backbone.type=resnet18 ;;
        r50-predict) "$h" bench predict --size 512 --batch 2 --images 10 --set model.head.score-threshold=0 ;;
        r18-predict) "$h" bench predict --size 512 --batch 2 --images 10 --set model.head.score-threshold=0 --set model.backbone.type=resnet18 ;;
        quick-train) "$h" bench train --config "$home/conf/quick.properties" --classes 3 --size 160 --batch 4 --steps 100 --warmup 30 --threads 2 ;;
    esac
}

torch_case() {
    case $1 in
        r50-train) $py "$here/torch_retinanet_step.py" --size 512 --batch 2 --steps 3 --warmup 1 --threads 2 ;;
        r18-train) $py "$here/torch_retinanet_step.py" --size 512 --batch 2 --steps 3 --warmup 1 --threads 2 --backbone resnet18 ;;
        r50-predict) $py "$here/torch_retinanet_step.py" --predict --size 512 --batch 2 --steps 4 --warmup 1 --threads 2 --score-threshold 0 ;;
        r18-predict) $py "$here/torch_retinanet_step.py" --predict --size 512 --batch 2 --steps 4 --warmup 1 --threads 2 --score-threshold 0 --backbone resnet18 ;;
        quick-train) $py "$here/torch_quick_step.py" --size 160 --batch 4 --steps 100 --warmup 30 --threads 2 ;;
    esac
}

field() { sed -n "s/^$1[ :=]*\([0-9.]*\).*/\1/p" "$log" | tail -1; }

r=1
while [ "$r" -le "$rounds" ]; do
    for c in $cases; do
        for side in hdkd torch; do
            "${side}_case" "$c" > "$log" 2>&1 || { echo "$side $c failed:"; tail -5 "$log"; exit 1; }
            ms=$(field median_step_ms); rss=$(field peak_rss_mb)
            echo "round $r $c $side: median_step_ms $ms peak_rss_mb $rss (load $(cut -d' ' -f1 /proc/loadavg))"
            echo "$c $side $ms $rss" >> "$out"
        done
    done
    r=$((r + 1))
done

echo
echo "case          hdkd ms  torch ms  ratio   hdkd MB  torch MB  ratio   (medians over $rounds rounds)"
for c in $cases; do
    awk -v c="$c" '
        function median(a, n,   i, j, t) {
            for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
            return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
        }
        $1 == c && $2 == "hdkd" { hm[++nh] = $3; hr[nh] = $4 }
        $1 == c && $2 == "torch" { tm[++nt] = $3; tr[nt] = $4 }
        END {
            a = median(hm, nh); b = median(tm, nt); x = median(hr, nh); y = median(tr, nt)
            printf "%-12s %8.0f %9.0f %6.2fx %8.0f %9.0f %6.2fx\n", c, a, b, a / b, x, y, x / y
        }' "$out"
done
