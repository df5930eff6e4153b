"""Report benchmark: `whichtok report` of a synthetic study of 2,000 donors, beside `whichtok analyze`
and `whichtok exposure --json` of the same store, in one run on this machine. Never run by the tests
(`make bench-report`).

1. `whichtok synth` writes 2,000 donors' archives (about 1.3M events, 8 planted communities, no
   captures) into Benchmarks/data/, and `whichtok import --jobs 1` imports them into a store (the
   study of `make bench-exposure`, with the same seed).
2. Times the release binary, three runs each, best kept, with the peak memory of each command:
   `whichtok analyze --store S` (load, graph, Leiden, every measure), `whichtok exposure --store S
   --json` (the same, then each donor's exposure) and `whichtok report --store S -o FILE` (the same
   again, then the ForceAtlas2 layout, the map's scene, the HTML and the store's checksum). With
   `--timings` the report command prints its phases; the report gives what the report adds.
3. The report's size, and whether a second run wrote the same bytes.

With `--results PATH` the run is also recorded there (see results.py).

Usage: python3 Benchmarks/report_bench.py [--donors N] [--events E] [--communities K] [--keep]
       [--results PATH]
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
sys.path.insert(0, os.path.join(ROOT, "Benchmarks"))

from exposure_bench import best, make_store  # noqa: E402 (after the path is set)
from results import Report, add_argument  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--donors", type=int, default=2000)
    parser.add_argument("--events", type=int, default=1_300_000)
    parser.add_argument("--communities", type=int, default=8)
    parser.add_argument("--keep", action="store_true", help="keep generated data")
    add_argument(parser)
    args = parser.parse_args()
    report = Report("make bench-report", "whichtok report of a 2,000-donor synthetic study")
    os.makedirs(DATA, exist_ok=True)

    folder, store = make_store(args.donors, args.events, args.communities)
    stats = json.loads(subprocess.run([BIN, "stats", "--json", "--store", store], check=True,
                                      stdout=subprocess.PIPE).stdout)
    total = sum(stats["events"].values())
    html = os.path.join(DATA, "report-bench.html")
    again = os.path.join(DATA, "report-bench-again.html")
    analyze = best([BIN, "analyze", "--store", store, "--timings"])
    exposure = best([BIN, "exposure", "--store", store, "--json", "--timings"])
    made = best([BIN, "report", "--store", store, "-o", html, "--timings", "--quiet"])
    subprocess.run([BIN, "report", "--store", store, "-o", again, "--quiet"], check=True)
    size = os.path.getsize(html)
    # The page names its own file in "How this was made": compare with the name swapped.
    with open(html, "rb") as f:
        first = f.read()
    with open(again, "rb") as f:
        second = f.read().replace(b"report-bench-again.html", b"report-bench.html")
    same = first == second

    p = made[3]
    graph = sum(p.get(name, 0) for name in ("load", "build", "filter", "analysis"))
    report.line(f"study: {args.donors:,} donors, {total:,} events, {args.communities} planted communities, "
                f"synth seed 13, no captures; store {os.path.getsize(store) / 1e6:.1f} MB")
    report.line()
    report.line(f"{'command':<28} {'best of 3 s':>12} {'peak MB':>9}")
    for name, result in (("analyze", analyze), ("exposure --json", exposure), ("report", made)):
        report.line(f"{name:<28} {result[0]:>12.3f} {result[1]:>9.0f}")
    report.line()
    report.line("report phases: " + ", ".join(
        f"{name} {p[name]:.3f} s" for name in ("load", "build", "filter", "analysis", "exposure", "layout",
                                               "scene", "map", "checksum", "render", "write") if name in p))
    beyond = made[0] - analyze[0]
    report.line(f"report file: {size / 1e6:.2f} MB; a second run wrote the same bytes: {'yes' if same else 'NO'}")
    report.ratio(f"report {made[0]:.2f} s against analyze {analyze[0]:.2f} s "
                 f"({made[0] / max(1e-9, analyze[0]):.2f}x) and exposure --json {exposure[0]:.2f} s "
                 f"({made[0] / max(1e-9, exposure[0]):.2f}x), {args.donors:,} donors, {total:,} events")
    report.ratio(f"the report adds {beyond:.2f} s to analyze: layout {p.get('layout', 0):.2f} s, scene "
                 f"{p.get('scene', 0):.2f} s, map (SVG model, PNG of the edges) {p.get('map', 0):.2f} s, exposure "
                 f"{p.get('exposure', 0):.2f} s, HTML {p.get('render', 0):.2f} s, checksum "
                 f"{p.get('checksum', 0):.2f} s (graph and analysis {graph:.2f} s)")
    report.ratio(f"peak memory: report {made[1]:.0f} MB against analyze {analyze[1]:.0f} MB "
                 f"({made[1] / max(1e-9, analyze[1]):.2f}x); page {size / 1e6:.2f} MB")
    report.record(args.results, {"donors": args.donors, "events": args.events, "communities": args.communities})
    for path in (html, again):
        if os.path.exists(path):
            os.remove(path)
    if not args.keep:
        shutil.rmtree(folder, ignore_errors=True)
        if os.path.exists(store):
            os.remove(store)
    if not same:
        sys.exit("the second report differs from the first")


if __name__ == "__main__":
    main()
