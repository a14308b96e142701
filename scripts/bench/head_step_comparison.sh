#!/bin/sh
# One training step of the quick configuration's model with its RetinaNet head and with a CornerNet head, measured
# side by side: `hdkd bench train` on conf/quick.properties and conf/quick-cornernet.properties in turn, ROUNDS times,
# so that both see the same machine load (docs/BENCHMARKS.md, CornerNet). Batch 4 at 160 px, 3 classes; each run
# prints median_step_ms (forward, loss, backward and the SGD update). Prints every run's median and, per head, the
# median over the rounds.
#
#   scripts/bench/head_step_comparison.sh [HDKD_HOME] [ROUNDS] [STEPS]
set -eu
home=${1:-distribution/target/hdkd-0.1.0-SNAPSHOT}
rounds=${2:-3}
steps=${3:-5}
out=$(mktemp)
trap 'rm -f "$out"' EXIT
i=0
while [ "$i" -lt "$rounds" ]; do
    for head in retinanet cornernet; do
        case $head in
            retinanet) config=$home/conf/quick.properties ;;
            cornernet) config=$home/conf/quick-cornernet.properties ;;
        esac
        ms=$("$home/bin/hdkd" bench train --config "$config" --size 160 --batch 4 --classes 3 --steps "$steps" \
            | sed -n 's/^median_step_ms[ :=]*\([0-9.]*\).*/\1/p')
        echo "STEPTIME $head round $i median $ms ms over $steps steps"
        echo "$head $ms" >> "$out"
    done
    i=$((i + 1))
done
for head in retinanet cornernet; do
    grep "^$head " "$out" | cut -d' ' -f2 | sort -n | awk -v h="$head" \
        '{v[NR] = $1} END {printf "STEPTIME %s median of %d rounds: %s ms\n", h, NR, v[int((NR + 1) / 2)]}'
done
