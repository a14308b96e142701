#!/usr/bin/env bash
# Every table of docs/RESULTS.md in one command: the data of each preset, the teachers, then compare.sh for each
# pair and preset, and the ratio sweeps.
#
#   scripts/experiments/compare/all.sh HDKD_HOME OUT [SEEDS]
#
# OUT/data-{coarse,dense,sparse}   300 images at 160 px, seed 42 (the quickstart's data is data-coarse)
# OUT/teacher-{coarse,dense,sparse,x50}
# OUT/{coarse,dense,sparse,cornernet,x50}/   the runs and each one's results.md
# OUT/ratios/<method>-s<seed>/ratios.csv    hdkd distill --ratios 1:1,1:2,2:1,3:1
#
# Finished runs are skipped, so it resumes where it was stopped. On 2 cores it takes most of a day; docs/RESULTS.md
# says which parts were measured.
#
# LAUNCHER=slurm (environment; SWEEP_ARGS for the --slurm-* options) sends the students and the ratio studies to
# Slurm through hdkd sweep / hdkd distill --ratios (see compare.sh; SEEDS must then be 1..N); the data and the four
# teachers are made here first. OUT must be on a file system every node sees.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
home="$(realpath "$1")"; out="$2"; seeds="${3:-1 2 3}"
hdkd="$home/bin/hdkd"
mkdir -p "$out"; out="$(realpath "$out")"
JAVA_OPTS="${JAVA_OPTS:-}"

for preset in coarse dense sparse; do
    [ -d "$out/data-$preset" ] || "$hdkd" data synth --preset "$preset" --images 300 --size 160 --seed 42 \
        --out "$out/data-$preset"
done

teacher() {  # name config data threads
    [ -d "$out/teacher-$1/model" ] || JAVA_OPTS="$JAVA_OPTS -Dai.djl.pytorch.num_threads=$4" "$hdkd" train \
        --config "$2" --set "dataset.root=$out/data-$3" --set run.seed=42 --out "$out/teacher-$1" --force \
        > "$out/teacher-$1.log" 2>&1
}
# The coarse teacher is the quickstart's (trained alone, two threads); the others were trained two at a time with one
# thread each, as here. Runs are bit-identical only at the same thread count.
teacher coarse "$repo/core/src/main/resources/io/hdkd/core/pipeline/quickstart/teacher.properties" coarse 2
teacher x50 "$here/teacher-x50.properties" coarse 1 &
teacher dense "$here/teacher-small-objects.properties" dense 1 &
wait
teacher sparse "$here/teacher-small-objects.properties" sparse 1

feature=(alone fitnet pkd cwd hdkd-full)
logit=(kl pkd-kl)
ablation=(hdkd-partition hdkd-split hdkd-combination)
c="$here/compare.sh"
"$c" "$home" "$out/teacher-coarse" "$out/data-coarse" "$out/coarse" "$seeds" "${feature[@]}" "${logit[@]}" "${ablation[@]}"
# X50 -> R18 has the same student, data and seeds as the coarse table: its student alone is that one.
mkdir -p "$out/x50"
for s in $seeds; do ln -sfn "$out/coarse/alone-s$s" "$out/x50/alone-s$s"; done
"$c" "$home" "$out/teacher-x50" "$out/data-coarse" "$out/x50" "$seeds" "${feature[@]:1}" "${logit[@]}"
STUDENT=student-cornernet.properties "$c" "$home" "$out/teacher-coarse" "$out/data-coarse" "$out/cornernet" "$seeds" \
    "${feature[@]}" pkd-low hdkd-low
for preset in dense sparse; do
    STUDENT=student-small-objects.properties "$c" "$home" "$out/teacher-$preset" "$out/data-$preset" \
        "$out/$preset" "$seeds" "${feature[@]}" "${logit[@]}"
done

ratio() {  # method seed
    local dir="$out/ratios/$1-s$2"
    [ -f "$dir/ratios.csv" ] && return 0
    mkdir -p "$out/ratios/configs"
    cat "$here/student.properties" "$here/$1.properties" > "$out/ratios/configs/$1.properties"
    local how=(--force)
    # shellcheck disable=SC2206 # SWEEP_ARGS is a list of options on purpose
    [ "${LAUNCHER:-local}" = local ] || how=(--launcher "$LAUNCHER" --threads 1 --wait ${SWEEP_ARGS:-})
    JAVA_OPTS="$JAVA_OPTS -Dai.djl.pytorch.num_threads=1" "$hdkd" distill --config "$out/ratios/configs/$1.properties" --set "dataset.root=$out/data-coarse" \
        --set "run.seed=$2" --set "teacher.run=$out/teacher-coarse" --ratios 1:1,1:2,2:1,3:1 \
        --out "$dir" "${how[@]}" > "$dir.log" 2>&1 || echo "ratio study $1 seed $2 FAILED (see $dir.log)"
}
if [ "${LAUNCHER:-local}" = local ]; then
    for s in $seeds; do
        ratio hdkd-full "$s" &
        ratio pkd-kl "$s" &
        wait
    done
else
    # every ratio study at once, each one Slurm job array (one task per ratio) that its hdkd waits for
    for s in $seeds; do
        ratio hdkd-full "$s" &
        ratio pkd-kl "$s" &
    done
    wait
fi
python3 "$here/ratios_table.py" "$out/ratios" > "$out/ratios/results.md"
echo "tables: $out/*/results.md"
