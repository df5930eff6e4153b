#!/usr/bin/env bash
# Runs fuzz targets one after the other, each for SECONDS (make fuzz; see Fuzz/README.md).
# Usage: Fuzz/run.sh SECONDS TARGET...   (targets: json txt har html store zip)
set -uo pipefail
cd "$(dirname "$0")/.."
seconds=$1
shift
bin=${FUZZ_BIN:-.build/fuzz/release}
# libFuzzer handles the crash itself (Fuzz/triage.sh replays crashes with the Swift backtracer).
export SWIFT_BACKTRACE=${SWIFT_BACKTRACE:-enable=no}
# Seeds from SampleArchives/, made anew each run (small: every list cut to a few elements).
rm -rf Fuzz/work/seeds
python3 Fuzz/seeds.py SampleArchives Fuzz/work/seeds
# Scratch files of the targets (fuzz-store writes each input to a file there).
export FUZZ_TMPDIR=$PWD/Fuzz/work/tmp
mkdir -p "$FUZZ_TMPDIR"
summary=()
for target in "$@"; do
    corpus=Fuzz/work/corpus/$target
    crashes=Fuzz/crashes/$target
    mkdir -p "$corpus" "$crashes" Fuzz/work/seeds/"$target" Fuzz/work/logs
    log=Fuzz/work/logs/$target.log
    before=$(find "$crashes" -type f | wc -l)
    echo "== fuzz-$target for ${seconds}s (log: $log)"
    # One worker process (-fork=1) that goes on after a crash, timeout or out-of-memory (each saved
    # under Fuzz/crashes/TARGET/), so a run always takes the time it was given. The first corpus
    # folder collects what the fuzzer finds and is kept between runs.
    "$bin/fuzz-$target" "$corpus" Fuzz/corpus/"$target" Fuzz/work/seeds/"$target" \
        -dict=Fuzz/dict/"$target".dict -max_total_time="$seconds" -max_len=65536 -timeout=20 \
        -rss_limit_mb=2048 -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
        -artifact_prefix="$crashes"/ ${FUZZ_FLAGS:-} >"$log" 2>&1
    # The last status line: `#RUNS: cov: … ft: … corp: … exec/s: … oom/timeout/crash: …`.
    status=$(grep -E '^#[0-9]+:? ' "$log" | tail -1)
    after=$(find "$crashes" -type f | wc -l)
    line="fuzz-$target: ${status:-no status line, see $log}; new files in $crashes: $((after - before))"
    echo "$line"
    summary+=("$line")
done
rm -rf "$FUZZ_TMPDIR"
echo "== summary"
printf '%s\n' "${summary[@]}"
