#!/usr/bin/env bash
# Replays every saved crash of the given targets and prints each distinct failure once:
# the runtime's message and the first frame in whichtok's own code, with the inputs that hit it.
# Usage: Fuzz/triage.sh [TARGET...]   (default: every folder under Fuzz/crashes/)
set -uo pipefail
cd "$(dirname "$0")/.."
bin=${FUZZ_BIN:-.build/fuzz/release}
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=($(ls Fuzz/crashes 2>/dev/null))
for target in "${targets[@]}"; do
    declare -A seen=()
    declare -A count=()
    for input in Fuzz/crashes/"$target"/*; do
        [ -f "$input" ] || continue
        out=$("$bin/fuzz-$target" -runs=1 "$input" 2>&1)
        message=$(printf '%s\n' "$out" | grep -m1 -E 'Swift runtime failure:|Fatal error:|ERROR: AddressSanitizer:|ERROR: libFuzzer:' |
            sed -E 's/^\*\*\* //; s/ \*\*\*$//; s/==[0-9]+==//; s/ on address 0x[0-9a-f]+.*//')
        frame=$(printf '%s\n' "$out" | grep -m1 -E '(Sources|Fuzz)/[^ ]+\.(swift|cpp|h):[0-9]+' -o)
        key="${message:-no failure when replayed} at ${frame:-?}"
        count[$key]=$(( ${count[$key]:-0} + 1 ))
        [ -n "${seen[$key]:-}" ] || seen[$key]=$input
    done
    echo "== fuzz-$target"
    for key in "${!seen[@]}"; do echo "${count[$key]}x $key  (e.g. ${seen[$key]})"; done
    unset seen count
done
