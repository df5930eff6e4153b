# whichtok — build, demo, tests and benchmarks on Debian.
# `make demo` and `make test` install what they need (apt-get as root, else via sudo).

SWIFT      ?= swift
STORE      ?= out/demo.store
BIN        := .build/release/whichtok
SUDO       := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# System libraries the build links against; cairo and Pango draw `whichtok plot`, whose text uses
# DejaVu (Latin, Cyrillic, Arabic) and falls back on Noto Color Emoji (the demo's map needs both).
BUILD_PKGS := pkg-config libarchive-dev libxml2-dev libsimdjson-dev libssl-dev libzstd-dev libdeflate-dev \
  libcurl4-openssl-dev \
  libcairo2-dev libpango1.0-dev fonts-dejavu-core fonts-noto-color-emoji
# What the tests and benchmarks call: jing and xmllint validate exports, bsdtar is the benchmark's floor;
# the plot tests draw a CJK label (Noto Sans CJK); chromium renders the HTML report headless.
TEST_PKGS  := jing libxml2-utils libarchive-tools python3-venv fonts-noto-cjk chromium
# bench-deflate compiles its C timer against zlib and libdeflate and profiles an import with perf
# (installed by that target only, not by `make test`).
DEFLATE_BENCH_PKGS := gcc zlib1g-dev libdeflate-dev linux-perf
# The export tests read exports back with networkx (≥ 3.6, for GEXF 1.3; scipy for its PageRank) and python-igraph, installed
# with pip into this virtual environment when missing; pyarrow and duckdb read the Parquet exports back.
VENV_TEST  := .venv-test
PY_TEST_PKGS := "networkx>=3.6" igraph scipy duckdb pyarrow

# Style: swift format with .swift-format at the top. 4 spaces (the tree already used them, and deep
# closures in graph code stay readable) and 120 columns (long argument lists of the C shims fit on one line).
.PHONY: all build lint demo test help-texts bench bench-graph bench-export bench-har bench-exposure bench-e2e bench-plot bench-report bench-store bench-deflate deps test-deps fuzz sample clean

all: build

# Installs only what is missing; runs `apt-get update` first, and only then.
deps:
	@missing=""; for p in $(BUILD_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; fi

test-deps: deps
	@missing=""; for p in $(TEST_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; fi
	@$(VENV_TEST)/bin/python -c 'import sys, igraph, networkx, scipy, duckdb, pyarrow; sys.exit(tuple(map(int, networkx.__version__.split(".")[:2])) < (3, 6))' \
	  >/dev/null 2>&1 || { echo "installing networkx, python-igraph, scipy, duckdb and pyarrow into $(VENV_TEST)"; \
	  python3 -m venv $(VENV_TEST) && $(VENV_TEST)/bin/python -m pip install -q --upgrade $(PY_TEST_PKGS); }

lint:
	$(SWIFT) format lint --strict --recursive --parallel Sources Tests

# The Swift runtime and Foundation linked into the binary (--static-swift-stdlib): one file that runs
# on a machine without Swift, which starts faster and spends less CPU in the runtime's calls. Small
# functions of one module (the store's batch and maps, say) are inlined into the others
# (-cross-module-optimization). Both are measured in Benchmarks/RESULTS.md ("static Swift runtime");
# neither changes an output byte. The tests use the debug build, built as usual.
RELEASE_FLAGS := -c release --static-swift-stdlib -Xswiftc -cross-module-optimization
build: deps
	$(SWIFT) build $(RELEASE_FLAGS) --product whichtok

# Imports the committed samples into a fresh store, analyses the shared-space graph, measures each
# donor's exposure over its niches, writes GEXF, GraphML, CSV and Parquet exports, the map and the
# HTML report into out/.
demo: build
	@mkdir -p out && rm -f $(STORE) $(STORE).imported
	$(BIN) import --store $(STORE) SampleArchives
	$(BIN) stats --store $(STORE)
	$(BIN) analyze --store $(STORE) --graph shared-space
	$(BIN) exposure --store $(STORE) --graph shared-space
	$(BIN) export --store $(STORE) --graph shared-space --gexf -o out/whichtok.gexf
	$(BIN) export --store $(STORE) --graph shared-space --graphml -o out/whichtok.graphml
	$(BIN) export --store $(STORE) --graph shared-space --csv -o out/whichtok-csv
	$(BIN) export --store $(STORE) --parquet -o out/whichtok-parquet
	$(BIN) plot --store $(STORE) --graph shared-space -o out/whichtok-map.png
	$(BIN) report --store $(STORE) --graph shared-space -o out/whichtok-report.html
	@echo "exports written to out/ (open out/whichtok.gexf in Gephi; the map is out/whichtok-map.png, the report out/whichtok-report.html)"

test: test-deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

# Rewrites the recorded --help texts (Tests/WhichtokCLITests/HelpTexts/) from the built binary, after
# a command or option changed on purpose; review the diff before committing.
help-texts:
	$(SWIFT) build --build-tests
	rm -f Tests/WhichtokCLITests/HelpTexts/*.txt
	WHICHTOK_UPDATE_HELP=1 $(SWIFT) test --skip-build --filter HelpTextTests

# Fuzzing (Fuzz/README.md): builds the libFuzzer targets (only when WHICHTOK_FUZZ=1, into their own
# build folder, with the fuzzer and address sanitizers of the Swift toolchain) and runs each for
# FUZZ_SECONDS, one after the other. Crashes go to Fuzz/crashes/TARGET/. python3 makes the seeds.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= json txt har html store zip
FUZZ_PKGS    := python3
# swiftc keeps only the last -sanitize= it is given, so SwiftPM's `--sanitize=fuzzer --sanitize=address`
# would leave the Swift code without the fuzzer's coverage: SwiftPM gets --sanitize=fuzzer (it then
# links libFuzzer's main), swiftc both at once after it, and clang address besides.
FUZZ_SANITIZE := --sanitize=fuzzer -Xswiftc -sanitize=fuzzer,address -Xcc -fsanitize=address -Xcxx -fsanitize=address
fuzz: deps
	@dpkg -s $(FUZZ_PKGS) >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(FUZZ_PKGS); }
	for t in $(FUZZ_TARGETS); do WHICHTOK_FUZZ=1 $(SWIFT) build --scratch-path .build/fuzz -c release \
	  $(FUZZ_SANITIZE) --product fuzz-$$t || exit 1; done
	bash Fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# Regenerates SampleArchives/ (see SampleArchives/README.md).
sample: build
	rm -rf SampleArchives/archives SampleArchives/ground-truth.tsv
	$(BIN) synth --out SampleArchives/archives --donors 16 --events 6000 --communities 4 --seed 7 \
	  --captures 2 --capture-videos 16
	mv SampleArchives/archives/ground-truth.tsv SampleArchives/ground-truth.tsv

# Every bench target records its run (date, machine, command, figures, ratios) in $(RESULTS), newest
# first in the benchmark's section (Benchmarks/results.py). Commit the file to keep the figures.
RESULTS    ?= Benchmarks/RESULTS.md

# Data-download import (bsdtar floor, Python zipfile/tarfile + json.load, whichtok import with 1 and 2
# jobs) and loading a store of about 10M events.
bench: build test-deps
	bash Benchmarks/run.sh --results $(RESULTS)

# Graph benchmark: whichtok analyze --edgelist against igraph, NetworKit, leidenalg and networkx
# (installed with pip into Benchmarks/.venv) on a 100k-node / 1M-edge planted-partition graph.
bench-graph: build test-deps
	python3 Benchmarks/graph_bench.py --results $(RESULTS)

# Export benchmark: whichtok export (GEXF and GraphML, with and without ForceAtlas2) against networkx
# write_gexf/write_graphml (from $(VENV_TEST)) on a 100k-node / 1M-edge planted-partition edge list.
bench-export: build test-deps
	python3 Benchmarks/export_bench.py --results $(RESULTS)

# whichtok plot (PNG and SVG, with the default ForceAtlas2 layout and with none) of the 100k-node / 1M-edge
# edge list of bench-export: time, peak memory and ForceAtlas2 iterations per second.
bench-plot: build
	python3 Benchmarks/plot_bench.py --results $(RESULTS)

# The store as a function of its inputs: import memory for 1,000 and 2,000 archives, store bytes per
# event, merge and forget on a ~10M-event store (Benchmarks/store_bench.py).
bench-store: build
	python3 Benchmarks/store_bench.py --results $(RESULTS)

# HAR import throughput against Python's json.load of the same HAR (Benchmarks/har_bench.py).
bench-har: build
	python3 Benchmarks/har_bench.py --results $(RESULTS)

# whichtok exposure (and analyze) on a synthetic study of 2,000 donors and about 1.3M events, and at half
# the events (Benchmarks/exposure_bench.py).
bench-exposure: build
	python3 Benchmarks/exposure_bench.py --results $(RESULTS)

# End to end on 2,000 synthetic archives: whichtok import + export --graph co-engagement --gexf against
# the Python pipeline (zipfile + json, scipy TF-IDF cosine, python-igraph Leiden, networkx write_gexf;
# Benchmarks/python_pipeline.py in $(VENV_TEST)), see Benchmarks/e2e_python.py.
bench-e2e: build test-deps
	python3 Benchmarks/e2e_python.py --results $(RESULTS)

# whichtok report of the 2,000-donor study of bench-exposure (time and peak memory beside analyze and
# exposure; Benchmarks/report_bench.py).
bench-report: build
	python3 Benchmarks/report_bench.py --results $(RESULTS)

# libdeflate against zlib for inflating the zip entries of the make bench set (whole entry, 64 KiB and
# 256 KiB chunks, CRC-32), and the share of import time zlib takes (perf); Benchmarks/deflate_bench.py.
bench-deflate: build test-deps
	@missing=""; for p in $(DEFLATE_BENCH_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; fi
	python3 Benchmarks/deflate_bench.py --results $(RESULTS)

clean:
	rm -rf .build out
