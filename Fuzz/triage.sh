#!/usr/bin/env bash
# Replays every saved crash of the given targets and prints each distinct failure once:
# the runtime's message and the first frame in whichtok's own code, with the inputs that hit it.
# Usage: Fuzz/triage.sh [TARGET...]   (default: every folder under Fuzz/crashes/)
set -uo pipefail
cd "$(dirname "$0")/.."
bin=${FUZZ_BIN:-.build/fuzz/release}
targets=("$@")
report=$(mktemp)
export FUZZ_TMPDIR=$(mktemp -d)
trap 'rm -rf "$report" "$FUZZ_TMPDIR"' EXIT
[ ${#targets[@]} -gt 0 ] || targets=($(ls Fuzz/crashes 2>/dev/null))
for target in "${targets[@]}"; do
    declare -A seen=()
    declare -A count=()
    for input in Fuzz/crashes/"$target"/*; do
        [ -f "$input" ] || continue
        # libFuzzer's report (its stack names a Swift trap as a frame `Swift runtime failure: …`);
        # the Swift backtracer is off: under the address sanitizer it can hang.
        SWIFT_BACKTRACE=enable=no timeout 120 "$bin/fuzz-$target" -runs=1 "$input" >"$report" 2>&1
        message=""
        for pattern in 'Swift runtime failure: [^/]*' 'Fatal error: .*' 'ERROR: AddressSanitizer: [a-z-]+' \
            'ERROR: libFuzzer: [a-z -]+'; do
            [ -n "$message" ] || message=$(grep -m1 -o -E "$pattern" "$report" | sed -E 's/ +$//')
        done
        frame=$(grep -m1 -o -E '(Sources|Fuzz)/[^ ]+\.(swift|cpp|h):[0-9]+' "$report")
        key="${message:-no failure when replayed} at ${frame:-?}"
        count[$key]=$(( ${count[$key]:-0} + 1 ))
        [ -n "${seen[$key]:-}" ] || seen[$key]=$input
    done
    echo "== fuzz-$target"
    for key in "${!seen[@]}"; do echo "${count[$key]}x $key  (e.g. ${seen[$key]})"; done
    unset seen count
done
