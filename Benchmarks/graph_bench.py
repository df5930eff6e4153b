"""Graph benchmark: whichtok analyze --edgelist against igraph, NetworKit, leidenalg and networkx on
the same planted-partition graph, in one run on this machine. Never run by the tests.

1. Writes a planted-partition graph (default 100,000 nodes, 1,000,000 weighted edges, 50 equal
   communities, 20 % of each node's edges leaving its community, weights uniform in [0.5, 1.5)) to
   Benchmarks/data/planted-<n>-<m>.txt, with a fixed seed.
2. Installs the peers with pip into Benchmarks/.venv (a peer that fails to install is skipped).
3. Times `whichtok analyze --edgelist FILE --timings` (release build): Leiden and PageRank phases as
   reported on stderr (the library call: for Leiden, `Leiden(graph)` including the quality of its
   partition), plus the whole command's wall time; times each peer's algorithm call only (graph
   loading excluded, modularity computed after the clock stops).
   Fairness: each timing runs in a fresh process (whichtok's and each peer's), so none reuses memory
   or thread pools warmed by an earlier call; the runs are interleaved (round 1: whichtok, then each
   peer; round 2: the same …) so a burst of load on the machine hits every method alike; each method's
   figure is the least of its `--runs` timings (default 5). A peer whose first run takes longer than
   `--slow` seconds (leidenalg, networkx) is not repeated. Threads: whichtok's Leiden and PageRank use
   every core (as many threads as `Parallel.width`); NetworKit gets every core too
   (`networkit.getMaxNumberOfThreads()`, printed); igraph, leidenalg and networkx use one thread.
   whichtok's Leiden is also timed with `--iterations 1`: PLM makes one multilevel pass, while
   whichtok's default (as igraph's) makes a second Leiden iteration starting from the first's partition.
4. Prints a table of seconds (least of the runs), the spread (most / least), modularity and ratios
   (peer seconds / whichtok seconds); with `--results PATH` also records the run there (results.py).

Usage: python3 Benchmarks/graph_bench.py [--nodes N] [--edges M] [--communities C] [--mixing MU]
       [--no-install] [--peers a,b,...] [--runs R] [--slow S] [--results PATH]
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


def run_whichtok(path, extra=()):
    start = time.perf_counter()
    result = subprocess.run([BIN, "analyze", "--edgelist", path, "--timings", *extra],
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


def run_peer(python, path, peer):
    """One timing of `peer` in a fresh process (graph_peers.py)."""
    out = subprocess.run([python, os.path.join(ROOT, "Benchmarks", "graph_peers.py"), path, peer],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        return json.loads(out.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        return {"peer": peer, "skipped": f"no result (exit {out.returncode})"}


# whichtok's parallel phases use one thread per online processor, at most 8 (`Parallel.width`).
WHICHTOK_THREADS = max(1, min(8, os.cpu_count() or 1))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--nodes", type=int, default=100_000)
    parser.add_argument("--edges", type=int, default=1_000_000)
    parser.add_argument("--communities", type=int, default=50)
    parser.add_argument("--mixing", type=float, default=0.2)
    parser.add_argument("--no-install", action="store_true")
    parser.add_argument("--peers", default=",".join(PEERS))
    parser.add_argument("--runs", type=int, default=5, help="interleaved runs per method (least counts)")
    parser.add_argument("--slow", type=float, default=5.0, help="peers slower than this run once")
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

    peers = args.peers.split(",")
    ours_runs = []  # (wall, phases, modularity) per run
    peer_runs = {peer: [] for peer in peers}
    one_pass_runs = []  # whichtok with --iterations 1: one multilevel pass, as PLM makes
    for round_index in range(max(1, args.runs)):
        ours_runs.append(run_whichtok(path))
        one_pass_runs.append(run_whichtok(path, ("--iterations", "1")))
        for peer in peers:
            done = peer_runs[peer]
            if done and ("skipped" in done[0] or done[0]["seconds"] > args.slow):
                continue
            done.append(run_peer(python, path, peer))
    leiden_times = [p.get("leiden") for _, p, _ in ours_runs if p.get("leiden") is not None]
    pagerank_times = [p.get("pagerank") for _, p, _ in ours_runs if p.get("pagerank") is not None]
    walls = [w for w, _, _ in ours_runs]
    modularity = ours_runs[0][2]
    if any(q != modularity for _, _, q in ours_runs):
        report.line("warning: whichtok's modularity differs between runs (not deterministic?)")
    one_pass_times = [p.get("leiden") for _, p, _ in one_pass_runs if p.get("leiden") is not None]
    one_pass_modularity = one_pass_runs[0][2]
    rows = [("whichtok leiden", leiden_times, modularity),
            ("whichtok leiden --iterations 1", one_pass_times, one_pass_modularity),
            ("whichtok pagerank", pagerank_times, None),
            ("whichtok analyze (whole command)", walls, modularity)]
    results = {}
    for peer in peers:
        runs = peer_runs[peer]
        if "skipped" in runs[0]:
            results[peer] = runs[0]
            continue
        best = min(runs, key=lambda r: r["seconds"])
        results[peer] = dict(best, times=[r["seconds"] for r in runs])

    ours = {"leiden": min(leiden_times, default=None), "pagerank": min(pagerank_times, default=None)}
    report.line(f"graph: {args.nodes:,} nodes, {args.edges:,} edges, {args.communities} communities "
                f"(planted, mixing {args.mixing})")
    report.line(f"timing: least of {args.runs} interleaved runs, each in a fresh process (peers slower than "
                f"{args.slow:g} s: one run); spread = most / least")
    report.line(f"{'method':34} {'seconds':>9} {'spread':>7} {'runs':>5} {'threads':>8} {'modularity':>11} "
                f"{'peer / whichtok':>16}")
    for name, times, q in rows:
        shown = f"{min(times):9.3f} {max(times) / min(times):6.2f}x" if times else f"{'?':>9} {'':>7}"
        report.line(f"{name:34} {shown} {len(times):5} {WHICHTOK_THREADS:>8} {q if q is not None else '':>11} {'':>16}")
    for peer in peers:
        r = results[peer]
        if "skipped" in r:
            report.line(f"{peer:34} {'skipped':>9}  {r['skipped'][:60]}")
            continue
        base = ours["pagerank"] if peer.endswith("pagerank") else ours["leiden"]
        ratio = r["seconds"] / base if base else float("nan")
        q = f"{r['modularity']:.4f}" if "modularity" in r else ""
        times = r["times"]
        report.line(f"{peer:34} {r['seconds']:9.3f} {max(times) / min(times):6.2f}x {len(times):5} "
                    f"{r.get('threads', 1):>8} {q:>11} {ratio:15.2f}x")
        what = "PageRank" if peer.endswith("pagerank") else "Leiden"
        report.ratio(f"{peer} takes {ratio:.2f}x the time of whichtok's {what}")
        if peer == "networkit-plm" and one_pass_times:
            report.ratio(f"{peer} takes {r['seconds'] / min(one_pass_times):.2f}x the time of whichtok's Leiden "
                         f"with --iterations 1 (one multilevel pass, as PLM makes; the default makes a second "
                         f"Leiden iteration from the first's partition, as igraph does)")
    best = max((r["modularity"] for r in results.values() if "modularity" in r), default=None)
    if best is not None and modularity is not None:
        report.line(f"modularity: whichtok {modularity:.4f}, best peer {best:.4f}, difference {modularity - best:+.4f}")
        report.ratio(f"modularity, whichtok minus the best peer: {modularity - best:+.4f}")
    report.record(args.results, {"nodes": args.nodes, "edges": args.edges, "communities": args.communities,
                                 "mixing": args.mixing, "peers": args.peers, "runs": args.runs})


if __name__ == "__main__":
    main()
