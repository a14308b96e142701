#!/usr/bin/env bash
# The loss comparison and the method's ablation on the quickstart's data and pair (docs/RESULTS.md):
# the student alone and distilled with each configuration of this folder, over seeds, then the table.
#
#   scripts/experiments/compare/compare.sh HDKD_HOME TEACHER_RUN DATA_ROOT OUT [SEEDS] [METHODS...]
#
# HDKD_HOME    an unpacked distribution (distribution/target/hdkd-0.1.0-SNAPSHOT)
# TEACHER_RUN  the teacher's run folder (the quickstart's teacher: hdkd quickstart writes it to OUT/teacher)
# DATA_ROOT    the dataset folder it was trained on (the quickstart's OUT/data)
# SEEDS        e.g. "1 2 3" (default)
# METHODS      default: alone and every method file here (every *.properties but student*.properties and teacher*);
#              METHOD@A:B (or METHOD@A_B) is METHOD at the task:distillation ratio A:B (distill.ratio), run as
#              METHOD-rA_B
#
# STUDENT (environment) lists the student's files of this folder, concatenated in order; default student.properties.
# SET (environment) is a space-separated list of KEY=VALUE given to every run as --set, after the config: a change to
# the alone and the distilled runs alike, e.g. SET="train.epochs=24 train.eval-every=6" for a doubled schedule.
# The pairs and presets of docs/RESULTS.md use student-cornernet.properties (RetinaNet -> CornerNet) and
# "student.properties student-small-objects.properties" (dense and sparse presets); all.sh runs them all.
#
# Runs go seed by seed (every method's seed 1 first), JOBS at a time (default 2, one PyTorch thread each); a finished
# run (RUN/model exists) is skipped, so the script resumes where it was stopped. The table goes to OUT/results.md.
#
# LAUNCHER (environment) = local (default: the above) or slurm: each method is then one 'hdkd sweep --launcher slurm'
# into OUT/sweeps/<method> (seeds 1..N, so SEEDS must be "1 2 ... N"; one thread per run, as locally), all methods
# submitted first, then waited for; OUT/<method>-s<seed> link to the runs, so the table is the same. SWEEP_ARGS
# (environment) goes to every hdkd sweep, e.g. "--slurm-partition cpu --slurm-time 2:00:00". Run it again to resubmit
# failed or killed runs (they resume from their checkpoints). OUT must be on a file system every node sees.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
home="$1"; teacher="$(realpath "$2")"; data="$(realpath "$3")"; out="$4"
seeds="${5:-1 2 3}"
shift $(( $# < 5 ? $# : 5 ))
methods=("$@")
if [ ${#methods[@]} -eq 0 ]; then
    methods=(alone)
    for f in "$here"/*.properties; do
        m="$(basename "$f" .properties)"
        case "$m" in student*|teacher*) ;; *) methods+=("$m") ;; esac
    done
fi
jobs="${JOBS:-2}"
student=()
for f in ${STUDENT:-student.properties}; do student+=("$here/$f"); done
mkdir -p "$out/configs"
named=()
for m in "${methods[@]}"; do
    if [ "$m" = alone ]; then
        cat "${student[@]}" > "$out/configs/alone.properties"
    elif [[ "$m" == *@* ]]; then  # METHOD@A:B: the method at another ratio, under its own name
        base="${m%@*}"; ratio="${m#*@}"; ratio="${ratio/_/:}"; m="$base-r${ratio/:/_}"
        { cat "${student[@]}" "$here/$base.properties"; echo "distill.ratio = $ratio"; } > "$out/configs/$m.properties"
    else
        cat "${student[@]}" "$here/$m.properties" > "$out/configs/$m.properties"
    fi
    named+=("$m")
done
methods=("${named[@]}")

run() {
    local m="$1" s="$2" dir="$out/$1-s$2"
    [ -d "$dir/model" ] && return 0
    local cmd=distill extra=(--set "teacher.run=$teacher")
    if [ "$m" = alone ]; then cmd=train; extra=(); fi
    for kv in ${SET:-}; do extra+=(--set "$kv"); done
    echo "$(date +%T) start $m seed $s"
    if JAVA_OPTS="${JAVA_OPTS:-} -Dai.djl.pytorch.num_threads=1" "$home/bin/hdkd" "$cmd" \
            --config "$out/configs/$m.properties" --set "dataset.root=$data" --set "run.seed=$s" "${extra[@]}" \
            --out "$dir" --force > "$out/$m-s$s.log" 2>&1; then
        echo "$(date +%T) done  $m seed $s: $(tail -1 "$dir/eval.jsonl")"
    else
        echo "$(date +%T) FAILED $m seed $s (see $out/$m-s$s.log)"
    fi
}

sweep() {  # method [more hdkd sweep args]: the method's runs through hdkd sweep and $LAUNCHER
    local m="$1" cmd=distill extra=(--set "teacher.run=$teacher")
    shift
    if [ "$m" = alone ]; then cmd=train; extra=(); fi
    for kv in ${SET:-}; do extra+=(--set "$kv"); done
    # shellcheck disable=SC2086 # SWEEP_ARGS is a list of options on purpose
    "$home/bin/hdkd" sweep --launcher "$launcher" --command "$cmd" --config "$out/configs/$m.properties" \
        --set "dataset.root=$data" "${extra[@]}" --seeds "$nseeds" --threads 1 --out "$out/sweeps/$m" \
        ${SWEEP_ARGS:-} "$@"
}

launcher="${LAUNCHER:-local}"
if [ "$launcher" = local ]; then
    for s in $seeds; do
        for m in "${methods[@]}"; do
            while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
            run "$m" "$s" &
        done
    done
    wait
else
    nseeds=$(echo $seeds | wc -w)
    if [ "$(echo $seeds)" != "$(seq -s ' ' 1 "$nseeds")" ]; then
        echo "compare.sh: LAUNCHER=$launcher runs seeds 1..N (hdkd sweep --seeds N); SEEDS '$seeds' is not that" >&2
        exit 2
    fi
    for m in "${methods[@]}"; do  # submit everything first; a refused submission stops the script
        sweep "$m" > "$out/sweep-$m.log" 2>&1 || { tail -1 "$out/sweep-$m.log" >&2; exit 2; }
    done
    for m in "${methods[@]}"; do
        if sweep "$m" --wait >> "$out/sweep-$m.log" 2>&1; then echo "$(date +%T) done  $m"
        else echo "$(date +%T) FAILED $m (see $out/sweep-$m.log; run again to resubmit)"; fi
        for s in $seeds; do
            [ -e "$out/$m-s$s" ] || ln -sfn "sweeps/$m/seed=$s" "$out/$m-s$s"
        done
    done
fi
python3 "$here/results_table.py" "$out" "$teacher" > "$out/results.md"
echo "table: $out/results.md"
