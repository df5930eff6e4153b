"""Plot benchmark: `whichtok plot` of the 100k-node / 1M-edge planted-partition graph of export_bench.py.
Never run by the tests (`make bench-plot`).

1. Writes (or reuses) the planted-partition edge list of export_bench.py (default 100,000 nodes,
   1,000,000 weighted edges, 50 communities, 20 % mixing, fixed seed) in Benchmarks/data/.
2. Times the release binary, `whichtok plot --edgelist FILE -o map.EXT --timings`, as PNG and SVG
   (default 2400 x 1800), with the default ForceAtlas2 layout (100 iterations) and with the layout
   excluded (`--layout-iterations 0`: every node at the centre; the drawing still has all its nodes,
   the 100,000-edge backbone and the labels). Reports the whole command's wall time (read, Leiden,
   PageRank, measures, layout, scene, drawing, encoding), the layout, scene and draw phases, the peak
   memory (getrusage of the child), the file size, and ForceAtlas2 iterations per second.
3. Gephi: no published figure for Gephi's ForceAtlas2 on a graph of this size was found (see the
   note the report prints); the printed line says so rather than inventing one.

With `--results PATH` the run is also recorded there (see results.py).

Usage: python3 Benchmarks/plot_bench.py [--nodes N] [--edges M] [--communities C] [--mixing MU]
       [--results PATH]
"""
import argparse
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, ".build", "release", "whichtok")
DATA = os.path.join(ROOT, "Benchmarks", "data")
sys.path.insert(0, os.path.join(ROOT, "Benchmarks"))

from results import Report, add_argument, timed_child  # noqa: E402 (after the path is set)
from export_bench import edge_list  # noqa: E402 (the same graph as bench-export)

GEPHI_NOTE = ("Gephi: no published timing of Gephi's ForceAtlas2 at 100k nodes / 1M edges was found. The nearest "
              "published figures: Brinkmann, Rietveld & Takes (ICPP 2017, doi:10.1109/ICPP.2017.47) report their "
              "CUDA ForceAtlas2 40-123x faster than a CPU implementation based on Gephi's code on 38 large networks "
              "(no per-iteration CPU time at this size in the text we found); a 2011 Gephi forum post "
              "(forum-gephi.org viewtopic.php?t=1231) times a parallel Force Atlas (version 1, exact O(n^2) "
              "repulsion) at about 3 s per iteration for 50,000 nodes on a quad-core i7.")



def whichtok_plot(path, out, layout):
    command = [BIN, "plot", "--edgelist", path, "-o", out, "--timings", "--quiet"]
    if not layout:
        command += ["--layout-iterations", "0"]
    wall, rss, _, stderr = timed_child(command)
    phases, iterations, drawn = {}, 0, 0
    for line in stderr.splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[0] == "timing" and parts[3] == "s":
            phases[parts[1]] = float(parts[2])
        elif len(parts) > 2 and parts[0] == "timing" and parts[1] == "nodes":
            iterations = int(parts[parts.index("layout_iterations") + 1])
            drawn = int(parts[parts.index("edges_drawn") + 1])
    return {"wall": wall, "layout": phases.get("layout", 0), "scene": phases.get("scene", 0),
            "draw": phases.get("draw", 0), "iterations": iterations, "drawn": drawn, "rss_mb": rss,
            "bytes": os.path.getsize(out)}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--nodes", type=int, default=100_000)
    parser.add_argument("--edges", type=int, default=1_000_000)
    parser.add_argument("--communities", type=int, default=50)
    parser.add_argument("--mixing", type=float, default=0.2)
    add_argument(parser)
    args = parser.parse_args()
    report = Report("make bench-plot", "whichtok plot of the 100k-node / 1M-edge graph")
    if not os.path.exists(BIN):
        sys.exit("build first: swift build -c release --product whichtok")
    path = edge_list(args.nodes, args.edges, args.communities, args.mixing)
    out_dir = os.path.join(DATA, "plot-out")
    os.makedirs(out_dir, exist_ok=True)

    rows = []
    for fmt in ("png", "svg"):
        for layout in (True, False):
            rows.append((fmt, layout, whichtok_plot(path, os.path.join(out_dir, f"map.{fmt}"), layout)))

    report.line(f"graph: {args.nodes:,} nodes, {args.edges:,} edges, {args.communities} communities "
                f"(planted, mixing {args.mixing}); {os.cpu_count()} cores; canvas 2400 x 1800")
    report.line(f"{'format':7} {'layout':7} {'whole s':>8} {'layout s':>9} {'scene s':>8} {'draw s':>7} "
                f"{'RSS MB':>7} {'MB out':>7} {'edges drawn':>12}")
    for fmt, layout, r in rows:
        report.line(f"{fmt:7} {'FA2' if layout else 'none':7} {r['wall']:8.2f} {r['layout']:9.2f} {r['scene']:8.2f} "
                    f"{r['draw']:7.2f} {r['rss_mb']:7.0f} {r['bytes'] / 1e6:7.1f} {r['drawn']:12,}")
    with_layout = [r for fmt, layout, r in rows if layout and fmt == "png"][0]
    without = [r for fmt, layout, r in rows if not layout and fmt == "png"][0]
    if with_layout["layout"] > 0:
        rate = with_layout["iterations"] / with_layout["layout"]
        report.line(f"ForceAtlas2 (Barnes-Hut, theta 1.2): {with_layout['iterations']} iterations in "
                    f"{with_layout['layout']:.2f} s = {rate:.1f} iterations/s")
        report.ratio(f"plot PNG: the ForceAtlas2 layout is {with_layout['layout'] / with_layout['wall'] * 100:.0f} % "
                     f"of the whole command; drawing (scene + cairo) "
                     f"{(with_layout['scene'] + with_layout['draw']) / with_layout['wall'] * 100:.0f} %")
        report.ratio(f"plot PNG with layout takes {with_layout['wall'] / without['wall']:.1f}x the time "
                     f"of the plot without it")
    report.line(GEPHI_NOTE)
    report.record(args.results, {"nodes": args.nodes, "edges": args.edges, "communities": args.communities,
                                 "mixing": args.mixing})
    for name in os.listdir(out_dir):
        os.remove(os.path.join(out_dir, name))
    os.rmdir(out_dir)


if __name__ == "__main__":
    main()
