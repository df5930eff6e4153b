"""Graph benchmark: whichtok analyze --edgelist against igraph, NetworKit, leidenalg and networkx on
the same planted-partition graph, in one run on this machine. Never run by the tests.

1. Writes a planted-partition graph (default 100,000 nodes, 1,000,000 weighted edges, 50 equal
   communities, 20 % of each node's edges leaving its community, weights uniform in [0.5, 1.5)) to
   Benchmarks/data/planted-<n>-<m>.txt, with a fixed seed.
2. Installs the peers with pip into Benchmarks/.venv (a peer that fails to install is skipped).
3. Times `whichtok analyze --edgelist FILE --timings` (release build): Leiden and PageRank phases as
   reported on stderr, plus the whole command's wall time; times each peer's algorithm call only.
4. Prints a table of seconds, modularity and ratios (peer seconds / whichtok seconds); with
   `--results PATH` also records the run there (see results.py).

Usage: python3 Benchmarks/graph_bench.py [--nodes N] [--edges M] [--communities C] [--mixing MU]
       [--no-install] [--peers a,b,...] [--results PATH]
"""
import argparse
import json
import os
import random
import subprocess
import sys
import time

from results import Report, add_argument

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, ".build", "release", "whichtok")
DATA = os.path.join(ROOT, "Benchmarks", "data")
VENV = os.path.join(ROOT, "Benchmarks", ".venv")
PEERS = ["networkit-plm", "networkit-leiden", "igraph-leiden", "igraph-louvain", "leidenalg",
         "networkit-pagerank", "igraph-pagerank", "networkx-pagerank"]
PACKAGES = ["networkit", "igraph", "leidenalg", "networkx"]


def planted_partition(path, nodes, edges, communities, mixing, seed=20240601):
    """Each edge: pick a random node u; with probability 1 − mixing its partner is in u's community."""
    rng = random.Random(seed)
    size = nodes // communities
    seen = set()
    with open(path, "w") as f:
        f.write(f"# planted partition: {nodes} nodes, {edges} edges, {communities} communities, mixing {mixing}\n")
        while len(seen) < edges:
            u = rng.randrange(nodes)
            if rng.random() < mixing:
                v = rng.randrange(nodes)
            else:
                c = min(u // size, communities - 1)
                v = c * size + rng.randrange(size)
            if u == v:
                continue
            key = (u, v) if u < v else (v, u)
            if key in seen:
                continue
            seen.add(key)
            f.write(f"{key[0]} {key[1]} {rng.uniform(0.5, 1.5):.4f}\n")


def ensure_venv(install):
    python = os.path.join(VENV, "bin", "python")
    if not os.path.exists(python):
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
    if install:
        for package in PACKAGES:
            result = subprocess.run([python, "-m", "pip", "install", "-q", package],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            if result.returncode != 0:
                print(f"pip install {package} failed: {result.stderr.strip().splitlines()[-1:]}", file=sys.stderr)
    return python


def run_whichtok(path):
    start = time.perf_counter()
    result = subprocess.run([BIN, "analyze", "--edgelist", path, "--timings"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=True)
    wall = time.perf_counter() - start
    phases, modularity = {}, None
    for line in result.stderr.splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[0] == "timing" and parts[3] == "s":
            phases[parts[1]] = float(parts[2])
        elif len(parts) > 2 and parts[0] == "timing" and parts[1] == "nodes":
            modularity = float(parts[parts.index("modularity") + 1])
    return wall, phases, modularity


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--nodes", type=int, default=100_000)
    parser.add_argument("--edges", type=int, default=1_000_000)
    parser.add_argument("--communities", type=int, default=50)
    parser.add_argument("--mixing", type=float, default=0.2)
    parser.add_argument("--no-install", action="store_true")
    parser.add_argument("--peers", default=",".join(PEERS))
    add_argument(parser)
    args = parser.parse_args()
    report = Report("make bench-graph", "Leiden and PageRank against igraph, NetworKit, leidenalg and networkx")
    if not os.path.exists(BIN):
        sys.exit("build first: swift build -c release --product whichtok")
    os.makedirs(DATA, exist_ok=True)
    path = os.path.join(DATA, f"planted-{args.nodes}-{args.edges}-{args.communities}.txt")
    if not os.path.exists(path):
        print(f"writing {path}", file=sys.stderr)
        planted_partition(path, args.nodes, args.edges, args.communities, args.mixing)
    python = ensure_venv(not args.no_install)

    wall, phases, modularity = run_whichtok(path)
    rows = [("whichtok leiden", phases.get("leiden"), modularity),
            ("whichtok pagerank", phases.get("pagerank"), None),
            ("whichtok analyze (whole command)", wall, modularity)]
    results = {}
    for peer in args.peers.split(","):
        out = subprocess.run([python, os.path.join(ROOT, "Benchmarks", "graph_peers.py"), path, peer],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            results[peer] = json.loads(out.stdout.strip().splitlines()[-1])
        except (IndexError, ValueError):
            results[peer] = {"peer": peer, "skipped": f"no result (exit {out.returncode})"}

    ours = {"leiden": phases.get("leiden"), "pagerank": phases.get("pagerank")}
    report.line(f"graph: {args.nodes:,} nodes, {args.edges:,} edges, {args.communities} communities "
                f"(planted, mixing {args.mixing})")
    report.line(f"{'method':34} {'seconds':>9} {'modularity':>11} {'peer / whichtok':>16}")
    for name, seconds, q in rows:
        shown = f"{seconds:9.3f}" if seconds is not None else f"{'?':>9}"
        report.line(f"{name:34} {shown} {q if q is not None else '':>11} {'':>16}")
    for peer in args.peers.split(","):
        r = results[peer]
        if "skipped" in r:
            report.line(f"{peer:34} {'skipped':>9}  {r['skipped'][:60]}")
            continue
        base = ours["pagerank"] if peer.endswith("pagerank") else ours["leiden"]
        ratio = r["seconds"] / base if base else float("nan")
        q = f"{r['modularity']:.4f}" if "modularity" in r else ""
        report.line(f"{peer:34} {r['seconds']:9.3f} {q:>11} {ratio:15.2f}x")
        what = "PageRank" if peer.endswith("pagerank") else "Leiden"
        report.ratio(f"{peer} takes {ratio:.2f}x the time of whichtok's {what}")
    best = max((r["modularity"] for r in results.values() if "modularity" in r), default=None)
    if best is not None and modularity is not None:
        report.line(f"modularity: whichtok {modularity:.4f}, best peer {best:.4f}, difference {modularity - best:+.4f}")
        report.ratio(f"modularity, whichtok minus the best peer: {modularity - best:+.4f}")
    report.record(args.results, {"nodes": args.nodes, "edges": args.edges, "communities": args.communities,
                                 "mixing": args.mixing, "peers": args.peers})


if __name__ == "__main__":
    main()
