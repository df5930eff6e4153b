"""Export benchmark: `whichtok export` against networkx `write_gexf` / `write_graphml` on the same
graph, in one run on this machine. Never run by the tests (`make bench-export`).

1. Writes a planted-partition edge list (default 100,000 nodes, 1,000,000 weighted edges, 50
   communities, 20 % mixing; the generator of graph_bench.py, fixed seed) to Benchmarks/data/.
2. Times the release binary: `whichtok export --edgelist FILE` as GEXF and GraphML, with
   `--no-layout` and with the default ForceAtlas2 layout. Reports the whole command's wall time (read,
   Leiden, PageRank, measures, layout, write), the write phase alone, the layout phase, ForceAtlas2
   iterations per second, the file size and the peak memory.
3. Times networkx (from the .venv-test virtual environment that `make test-deps` creates) on the same
   graph: the edge list is loaded and every node gets attributes of the same names and types as
   whichtok writes (label, node_type, community, pagerank, degree, strength, participation,
   within_module_z, role, core, clustering; viz colour and size, plus positions for the "with layout"
   rows; values are placeholders, since only writing is timed). Only `write_gexf(version="1.3")` and
   `write_graphml` are timed: networkx's loading and analysis are free in this comparison.
4. For reference, networkx's own `forceatlas2_layout` (exact O(n²) forces in NumPy, which the script
   installs into .venv-test when missing) against whichtok's ForceAtlas2 on a small graph (2,000
   nodes, 20,000 edges), 50 iterations each, as iterations per second.

With `--results PATH` the run is also recorded there (see results.py).

Usage: python3 Benchmarks/export_bench.py [--nodes N] [--edges M] [--communities C] [--mixing MU]
       [--skip-networkx-layout] [--results PATH]
"""
import argparse
import json
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, ".build", "release", "whichtok")
DATA = os.path.join(ROOT, "Benchmarks", "data")
VENV_PYTHON = os.path.join(ROOT, ".venv-test", "bin", "python")
sys.path.insert(0, os.path.join(ROOT, "Benchmarks"))

from results import Report, add_argument, timed_child  # noqa: E402 (after the path is set)


def planted_partition(path, nodes, edges, communities, mixing):
    from graph_bench import planted_partition as generate
    generate(path, nodes, edges, communities, mixing)



def whichtok(path, fmt, layout, out, extra=()):
    command = [BIN, "export", "--edgelist", path, f"--{fmt}",
               "-o", out, "--timings", "--quiet"] + ([] if layout else ["--no-layout"]) + list(extra)
    wall, rss, _, stderr = timed_child(command)
    phases, iterations = {}, 0
    for line in stderr.splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[0] == "timing" and parts[3] == "s":
            phases[parts[1]] = float(parts[2])
        elif len(parts) > 2 and parts[0] == "timing" and parts[1] == "nodes":
            iterations = int(parts[parts.index("layout_iterations") + 1])
    return {"wall": wall, "write": phases.get("write"), "layout": phases.get("layout"),
            "iterations": iterations, "rss_mb": rss, "bytes": os.path.getsize(out)}


# --- networkx side (runs inside .venv-test) -------------------------------------------------------

def peer_write(path, layout, out_dir):
    import random
    import networkx as nx
    graph = nx.Graph()
    with open(path) as f:
        for line in f:
            if line.startswith("#"):
                continue
            u, v, w = line.split()
            graph.add_edge(u, v, weight=float(w))
    rng = random.Random(1)
    roles = ["ultra-peripheral", "peripheral", "connector", "kinless"]
    for node in graph.nodes:
        data = graph.nodes[node]
        data.update(label=node, node_type="external", community=rng.randrange(50), pagerank=rng.random() / 1e5,
                    degree=graph.degree(node), strength=rng.random() * 20, participation=rng.random(),
                    within_module_z=rng.gauss(0, 1), role=rng.choice(roles), core=rng.randrange(1, 12),
                    clustering=rng.random())
    results = {}
    # GEXF: viz as networkx expects it.
    for node in graph.nodes:
        viz = {"color": {"r": rng.randrange(256), "g": rng.randrange(256), "b": rng.randrange(256), "a": 1.0},
               "size": 4 + 36 * rng.random()}
        if layout:
            viz["position"] = {"x": rng.uniform(-3000, 3000), "y": rng.uniform(-3000, 3000), "z": 0.0}
        graph.nodes[node]["viz"] = viz
    target = os.path.join(out_dir, "networkx.gexf")
    start = time.perf_counter()
    nx.write_gexf(graph, target, version="1.3")
    results["gexf"] = {"write": time.perf_counter() - start, "bytes": os.path.getsize(target)}
    # GraphML: the same visual values as flat keys (networkx cannot write dicts to GraphML).
    for node in graph.nodes:
        viz = graph.nodes[node].pop("viz")
        graph.nodes[node].update(r=viz["color"]["r"], g=viz["color"]["g"], b=viz["color"]["b"], size=viz["size"])
        if layout:
            graph.nodes[node].update(x=viz["position"]["x"], y=viz["position"]["y"])
    target = os.path.join(out_dir, "networkx.graphml")
    start = time.perf_counter()
    nx.write_graphml(graph, target)
    results["graphml"] = {"write": time.perf_counter() - start, "bytes": os.path.getsize(target)}
    print(json.dumps(results))


def peer_layout(path, iterations):
    import networkx as nx
    graph = nx.Graph()
    with open(path) as f:
        for line in f:
            if line.startswith("#"):
                continue
            u, v, w = line.split()
            graph.add_edge(u, v, weight=float(w))
    start = time.perf_counter()
    nx.forceatlas2_layout(graph, max_iter=iterations, seed=1, weight="weight")
    print(json.dumps({"seconds": time.perf_counter() - start, "nodes": graph.number_of_nodes()}))


# --- driver -------------------------------------------------------------------------------------

def edge_list(nodes, edges, communities, mixing):
    os.makedirs(DATA, exist_ok=True)
    path = os.path.join(DATA, f"planted-{nodes}-{edges}-{communities}.txt")
    if not os.path.exists(path):
        print(f"writing {path}", file=sys.stderr)
        planted_partition(path, nodes, edges, communities, mixing)
    return path


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--peer-write":
        peer_write(sys.argv[2], sys.argv[3] == "layout", sys.argv[4])
        return
    if len(sys.argv) > 1 and sys.argv[1] == "--peer-layout":
        peer_layout(sys.argv[2], int(sys.argv[3]))
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--nodes", type=int, default=100_000)
    parser.add_argument("--edges", type=int, default=1_000_000)
    parser.add_argument("--communities", type=int, default=50)
    parser.add_argument("--mixing", type=float, default=0.2)
    parser.add_argument("--skip-networkx-layout", action="store_true")
    add_argument(parser)
    args = parser.parse_args()
    report = Report("make bench-export", "GEXF and GraphML export against networkx's writers")
    if not os.path.exists(BIN):
        sys.exit("build first: swift build -c release --product whichtok")
    if not os.path.exists(VENV_PYTHON):
        sys.exit("no .venv-test: run make test-deps")
    path = edge_list(args.nodes, args.edges, args.communities, args.mixing)
    out_dir = os.path.join(DATA, "export-out")
    os.makedirs(out_dir, exist_ok=True)

    rows = []
    for layout in (False, True):
        peer = subprocess.run([VENV_PYTHON, os.path.abspath(__file__), "--peer-write", path,
                               "layout" if layout else "static", out_dir],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if peer.returncode != 0:
            sys.exit(f"networkx failed: {peer.stderr}")
        nx_result = json.loads(peer.stdout.strip().splitlines()[-1])
        for fmt in ("gexf", "graphml"):
            ours = whichtok(path, fmt, layout, os.path.join(out_dir, f"whichtok.{fmt}"))
            rows.append((fmt, layout, ours, nx_result[fmt]))

    report.line(f"graph: {args.nodes:,} nodes, {args.edges:,} edges, {args.communities} communities "
                f"(planted, mixing {args.mixing}); {os.cpu_count()} cores")
    header = (f"{'format':8} {'layout':7} {'whichtok s':>10} {'write s':>8} {'layout s':>9} {'RSS MB':>7} "
              f"{'MB out':>7} {'networkx write s':>17} {'MB out':>7} {'nx/whichtok':>12} {'nx/write':>9}")
    report.line(header)
    for fmt, layout, ours, theirs in rows:
        ratio_total = theirs["write"] / ours["wall"]
        ratio_write = theirs["write"] / ours["write"] if ours["write"] else float("nan")
        report.line(f"{fmt:8} {'FA2' if layout else 'none':7} {ours['wall']:10.2f} {(ours['write'] or 0):8.2f} "
                    f"{(ours['layout'] or 0):9.2f} {ours['rss_mb'] or 0:7.0f} {ours['bytes'] / 1e6:7.1f} "
                    f"{theirs['write']:17.2f} {theirs['bytes'] / 1e6:7.1f} {ratio_total:11.1f}x {ratio_write:8.1f}x")
        shape = f"{fmt.upper() if fmt == 'gexf' else 'GraphML'} {'with ForceAtlas2' if layout else 'without layout'}"
        report.ratio(f"{shape}: networkx's write takes {ratio_total:.1f}x the time of the whole whichtok command, "
                     f"{ratio_write:.1f}x its write phase")
    laid_out = [r for r in rows if r[1]]
    if laid_out and laid_out[0][2]["layout"]:
        ours = laid_out[0][2]
        report.line(f"ForceAtlas2 (Barnes–Hut, θ 1.2) at {args.nodes:,} nodes / {args.edges:,} edges: "
                    f"{ours['iterations']} iterations in {ours['layout']:.2f} s = "
                    f"{ours['iterations'] / ours['layout']:.1f} iterations/s")
    report.line("whichtok s: the whole command (read, Leiden, PageRank, measures, layout, write); "
                "nx/whichtok: networkx write time / whichtok whole command; nx/write: / whichtok write phase")

    if not args.skip_networkx_layout:
        check = subprocess.run([VENV_PYTHON, "-c", "import numpy"], capture_output=True)
        if check.returncode != 0:
            subprocess.run([VENV_PYTHON, "-m", "pip", "install", "-q", "numpy"], capture_output=True)
        small = edge_list(2_000, 20_000, 20, args.mixing)
        iterations = 50
        peer = subprocess.run([VENV_PYTHON, os.path.abspath(__file__), "--peer-layout", small, str(iterations)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        ours = whichtok(small, "gexf", True, os.path.join(out_dir, "small.gexf"),
                        ["--layout-iterations", str(iterations)])
        if peer.returncode == 0:
            theirs = json.loads(peer.stdout.strip().splitlines()[-1])
            report.line(f"ForceAtlas2 at 2,000 nodes / 20,000 edges: networkx forceatlas2_layout "
                        f"{iterations / theirs['seconds']:.1f} iterations/s, whichtok {iterations / ours['layout']:.0f} "
                        f"iterations/s ({theirs['seconds'] / ours['layout']:.0f}x)")
            report.ratio(f"ForceAtlas2 at 2,000 nodes: networkx forceatlas2_layout takes "
                         f"{theirs['seconds'] / ours['layout']:.0f}x the time of whichtok's")
        else:
            report.line(f"networkx forceatlas2_layout failed: {peer.stderr.strip().splitlines()[-1:]}")
    report.record(args.results, {"nodes": args.nodes, "edges": args.edges, "communities": args.communities,
                                 "mixing": args.mixing, "networkx layout": not args.skip_networkx_layout})
    # The exports are large (about 150 MB each at the default size); keep only the edge lists.
    for name in os.listdir(out_dir):
        os.remove(os.path.join(out_dir, name))
    os.rmdir(out_dir)

if __name__ == "__main__":
    main()
