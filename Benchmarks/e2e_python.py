"""End to end, data downloads to a Gephi file: whichtok against the Python pipeline researchers write.

1. `whichtok synth` writes 2,000 donors' archives (about 1.3M events, 8 planted communities, seed 13,
   no captures) into Benchmarks/data/ (kept between runs with --keep).
2. whichtok: `import` into a fresh store, then `export --graph co-engagement --top-k 10 --gexf
   --no-layout` (co-engagement TF-IDF cosine top-10 → Leiden, PageRank and the other measures →
   GEXF). Each command is a child process; its wall time and own peak memory are measured.
3. Python (Benchmarks/python_pipeline.py in the .venv-test environment that `make test-deps` makes):
   zipfile/tarfile + json, scipy sparse TF-IDF cosine top-10, python-igraph Leiden, networkx
   `write_gexf`.
4. The store's tables: `whichtok export --parquet` against pyarrow writing the same tables (read into
   memory first, so only the writing is timed) with zstd.

Best of --runs runs each, whichtok and Python alternating on the same machine. whichtok does more work than the
script (every account with two items gets a vector, not only donors; PageRank, roles and exposure
are computed and written), so the ratio understates the difference in like-for-like work.

Usage: python3 Benchmarks/e2e_python.py [--donors N] [--events E] [--runs R] [--keep] [--results PATH]
"""
import argparse
import json
import os
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, ".build", "release", "whichtok")
DATA = os.path.join(ROOT, "Benchmarks", "data")
VENV_PYTHON = os.path.join(ROOT, ".venv-test", "bin", "python")
sys.path.insert(0, os.path.join(ROOT, "Benchmarks"))

from results import Report, add_argument, timed_child  # noqa: E402 (after the path is set)


# Reads whichtok's tables, then times pyarrow writing them again (zstd, its defaults): best of N.
ARROW_WRITE = """
import glob, json, os, sys, tempfile, time
import pyarrow.parquet as pq
tables = {os.path.basename(p): pq.read_table(p) for p in sorted(glob.glob(os.path.join(sys.argv[1], "*.parquet")))}
best, size = None, 0
with tempfile.TemporaryDirectory() as out:
    for _ in range(int(sys.argv[2])):
        start = time.perf_counter()
        for name, table in tables.items():
            pq.write_table(table, os.path.join(out, name), compression="zstd")
        seconds = time.perf_counter() - start
        best = seconds if best is None else min(best, seconds)
    size = sum(os.path.getsize(os.path.join(out, n)) for n in os.listdir(out))
print(json.dumps({"seconds": best, "bytes": size}))
"""



def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--donors", type=int, default=2000)
    parser.add_argument("--events", type=int, default=1_300_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the generated archives")
    add_argument(parser)
    args = parser.parse_args()
    if not os.path.exists(VENV_PYTHON):
        sys.exit(f"missing {VENV_PYTHON}: run `make test-deps` (networkx, python-igraph, scipy)")
    report = Report("make bench-e2e", "end to end: archives → co-engagement → communities → GEXF")

    os.makedirs(DATA, exist_ok=True)
    folder = os.path.join(DATA, f"e2e-{args.donors}-{args.events}")
    if not os.path.isdir(folder):
        print(f"synthesising {args.donors:,} donors, about {args.events:,} events ...", flush=True)
        subprocess.run([BIN, "synth", "--out", folder, "--donors", str(args.donors), "--events", str(args.events),
                        "--communities", "8", "--seed", "13", "--captures", "0"], check=True,
                       stdout=subprocess.DEVNULL)
    inputs = os.listdir(folder)
    archives = [n for n in inputs if n.endswith((".zip", ".tar.gz", ".tgz", ".tar"))]
    folders = [n for n in inputs if os.path.isdir(os.path.join(folder, n))]
    store = os.path.join(DATA, "e2e.store")
    gexf = os.path.join(DATA, "e2e-whichtok.gexf")
    python_gexf = os.path.join(DATA, "e2e-python.gexf")

    # Runs alternate (whichtok, Python, whichtok, …) so that both meet the same load on a shared machine.
    whichtok_runs = []
    python_runs = []
    for _ in range(args.runs):
        if os.path.exists(store):
            os.remove(store)
        imported = timed_child([BIN, "import", "--quiet", "--store", store, folder])
        exported = timed_child([BIN, "export", "--store", store, "--graph", "co-engagement", "--top-k", "10",
                                "--gexf", "--no-layout", "--quiet", "-o", gexf])
        whichtok_runs.append((imported[0] + exported[0], imported, exported))
        wall, peak, out, _ = timed_child([VENV_PYTHON, os.path.join(ROOT, "Benchmarks", "python_pipeline.py"),
                                       folder, python_gexf])
        python_runs.append((wall, peak, json.loads(out)))
    whichtok_total, imported, exported = min(whichtok_runs, key=lambda r: r[0])
    python_total, python_peak, python_out = min(python_runs, key=lambda r: r[0])
    stats = json.loads(timed_child([BIN, "stats", "--json", "--store", store])[2])
    events = sum(stats["events"].values())

    # The store's tables as Parquet, against pyarrow writing the same tables (already in memory) with zstd.
    parquet = os.path.join(DATA, "e2e-parquet")
    parquet_runs = [timed_child([BIN, "export", "--store", store, "--parquet", parquet, "--quiet"])
                    for _ in range(args.runs)]
    parquet_seconds, parquet_peak, _, _ = min(parquet_runs, key=lambda r: r[0])
    parquet_bytes = sum(os.path.getsize(os.path.join(parquet, n)) for n in os.listdir(parquet) if n.endswith(".parquet"))
    arrow = json.loads(timed_child([VENV_PYTHON, "-c", ARROW_WRITE, parquet, str(args.runs)])[2])

    report.line(f"input: {len(archives):,} archives and {len(folders):,} extracted folders, {events:,} events in the store "
                f"({stats['accounts']:,} accounts, {stats['videos']:,} videos)")
    report.line()
    report.line(f"{'step':52} {'seconds':>9} {'peak MB':>9}")
    report.line(f"{'whichtok import':52} {imported[0]:9.3f} {imported[1]:9.0f}")
    report.line(f"{'whichtok export --graph co-engagement --gexf':52} {exported[0]:9.3f} {exported[1]:9.0f}")
    report.line(f"{'whichtok, both':52} {whichtok_total:9.3f} {max(imported[1], exported[1]):9.0f}")
    seconds = python_out["seconds"]
    for step in ("read", "similarity", "leiden", "gexf"):
        report.line(f"{'  python ' + step:52} {seconds[step]:9.3f}")
    report.line(f"{'python pipeline (zipfile+json, scipy, igraph, networkx)':52} {python_total:9.3f} "
                f"{python_peak:9.0f}")
    report.line(f"{'whichtok export --parquet (13 tables)':52} {parquet_seconds:9.3f} {parquet_peak:9.0f}")
    report.line(f"{'pyarrow write_table, zstd (the same tables in memory)':52} {arrow['seconds']:9.3f}")
    report.line()
    report.line(f"Parquet: whichtok {parquet_bytes / 1e6:.1f} MB, pyarrow {arrow['bytes'] / 1e6:.1f} MB; "
                f"store {os.path.getsize(store) / 1e6:.1f} MB")
    report.line(f"python graph: {python_out['nodes']:,} donors, {python_out['edges']:,} edges, "
                f"{python_out['communities']} communities")
    report.ratio(f"the Python pipeline takes {python_total / whichtok_total:.1f}x the time of whichtok import + export")
    report.ratio(f"Python reading the archives takes {seconds['read'] / imported[0]:.1f}x the time of whichtok import")
    report.ratio(f"peak memory: Python {python_peak:.0f} MB, whichtok import {imported[1]:.0f} MB, "
                 f"export {exported[1]:.0f} MB")
    report.ratio(f"whichtok export --parquet takes {parquet_seconds / arrow['seconds']:.1f}x the time of pyarrow "
                 f"writing the same tables from memory; files {parquet_bytes / arrow['bytes']:.2f}x the size")
    report.record(args.results, {"donors": args.donors, "events": args.events, "runs": args.runs})
    if not args.keep:
        shutil.rmtree(DATA, ignore_errors=True)


if __name__ == "__main__":
    main()
