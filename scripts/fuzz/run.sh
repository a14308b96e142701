#!/usr/bin/env bash
# The long fuzz run with coverage (docs/RELIABILITY.md, "Fuzzing"):
#
#   scripts/fuzz/run.sh [SECONDS] [TARGET...]
#
# SECONDS: wall time per target (default 600). TARGET: coco, detections, config, sets, checkpoint, onnx-shapes
# (default all six), run one after another in one Maven call and JVM under the JaCoCo agent (profile -Pfuzz of
# core/pom.xml), the coverage reset between targets. Everything runs at nice 19. Environment: HDKD_FUZZ_SEED (the
# input sequence; default from the clock, printed), HDKD_FUZZ_ONLINE=1 (let Maven download JaCoCo 0.8.15 the first
# time; otherwise offline).
#
# Per target it prints executions, valid/refused, distinct failures (their smallest inputs are saved into
# core/src/test/resources/fuzz/<target>/regression-new-*) and line/branch coverage of the classes that target reads
# with; the table is also written to core/target/fuzz/summary.md, the log to core/target/fuzz/fuzz.log, the HTML
# coverage reports to core/target/fuzz/coverage-<target>/. Exit status 1 when any target found a failure.
set -euo pipefail
cd "$(dirname "$0")/../.."

seconds=${1:-600}
shift || true
if [[ ! $seconds =~ ^[0-9]+$ ]]; then
    echo "usage: $0 [SECONDS] [TARGET...]" >&2
    exit 2
fi
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(coco detections config sets checkpoint onnx-shapes)
fi
for t in "${targets[@]}"; do
    case $t in
        coco|detections|config|sets|checkpoint|onnx-shapes) ;;
        *) echo "unknown fuzz target '$t' (coco, detections, config, sets, checkpoint, onnx-shapes)" >&2; exit 2 ;;
    esac
done
offline=-o
if [ "${HDKD_FUZZ_ONLINE:-0}" = 1 ]; then
    offline=
fi
seed=()
if [ -n "${HDKD_FUZZ_SEED:-}" ]; then
    seed=("-Dhdkd.fuzz.seed=$HDKD_FUZZ_SEED")
fi

out=core/target/fuzz
mkdir -p "$out"
summary=$out/summary.md
{
    echo "Fuzz run of $(date -u +%Y-%m-%d), $seconds s per target, $(nproc) cores, load average at start $(cut -d' ' -f1-3 /proc/loadavg)"
    echo
    echo "| target | seconds | executions | valid / refused | failures (distinct) | line coverage | branch coverage |"
    echo "|---|---|---|---|---|---|---|"
} > "$summary"

# Coverage of a target's classes from its JaCoCo CSV: "covered/total (percent)" for lines, then for branches.
coverage() {
    awk -F, 'NR > 1 { bm += $6; bc += $7; lm += $8; lc += $9 }
        END { printf "%d/%d (%.1f %%)|%d/%d (%.1f %%)\n", lc, lc + lm, (lc + lm) ? 100 * lc / (lc + lm) : 0,
                     bc, bc + bm, (bc + bm) ? 100 * bc / (bc + bm) : 0 }' "$1"
}

list=$(IFS=,; echo "${targets[*]}")
for t in "${targets[@]}"; do
    rm -f "$out/$t.exec" "$out/$t.txt"
    rm -rf "$out/coverage-$t"
done
echo "fuzz: $list, $seconds s each, from $(date -u +%H:%M:%S); log in $out/fuzz.log"
nice -n 19 mvn -B $offline -Pfuzz -pl core -am verify -DskipITs -Dtest=LongFuzzRun \
    -Dsurefire.failIfNoSpecifiedTests=false -Dmaven.test.failure.ignore=true \
    -Dhdkd.fuzz.seconds="$seconds" -Dhdkd.fuzz.targets="$list" "${seed[@]}" > "$out/fuzz.log" 2>&1 || {
    echo "fuzz: the Maven run failed, see $out/fuzz.log" >&2
    tail -20 "$out/fuzz.log" >&2
    exit 1
}
failed=0
for t in "${targets[@]}"; do
    if [ ! -f "$out/$t.txt" ]; then
        echo "fuzz: $t left no result (a crash of the JVM? the input in flight is named in $out/fuzz.log)" >&2
        tail -40 "$out/fuzz.log" >&2
        exit 1
    fi
    cat "$out/$t.txt"
    line=$(head -1 "$out/$t.txt")
    get() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<< "$line"; }
    cov="-|-"
    if [ -f "$out/coverage-$t/jacoco.csv" ]; then
        cov=$(coverage "$out/coverage-$t/jacoco.csv")
    fi
    echo "| $t | $(get seconds) | $(get executions) | $(get valid) / $(get refused) | $(get failures) ($(get distinct)) | ${cov%%|*} | ${cov##*|} |" >> "$summary"
    if [ "$(get distinct)" != 0 ]; then
        failed=1
    fi
done
echo
cat "$summary"
exit $failed
