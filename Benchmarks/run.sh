#!/usr/bin/env bash
# Runs the import benchmark side by side with the tools researchers use today and prints ratios
# measured in this one run. Called by `make bench` (which builds the release binary first and passes
# --results Benchmarks/RESULTS.md, so that the run is recorded there).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 Benchmarks/bench.py "$@"
