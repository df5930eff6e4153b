"""Times the graph peers on one edge list. Runs inside Benchmarks/.venv (see graph_bench.py).

Usage: graph_peers.py EDGELIST PEER
PEER is one of: igraph-leiden, igraph-louvain, igraph-pagerank, networkit-plm, networkit-leiden,
networkit-pagerank, leidenalg, networkx-pagerank. Prints one JSON object: {"peer", "seconds",
"modularity", "threads"} (modularity for community methods, computed by the peer's own library at
γ = 1; threads for NetworKit), or {"peer", "skipped": reason}. Loading the graph is not timed: only the algorithm call.
"""
import json
import os
import sys
import time


def read_edges(path):
    edges, weights = [], []
    with open(path) as f:
        for line in f:
            if not line.strip() or line.startswith("#"):
                continue
            a, b, w = line.split()
            edges.append((int(a), int(b)))
            weights.append(float(w))
    return edges, weights


def timed(call):
    start = time.perf_counter()
    result = call()
    return time.perf_counter() - start, result


def main():
    path, peer = sys.argv[1], sys.argv[2]
    try:
        edges, weights = read_edges(path)
        n = 1 + max(max(a, b) for a, b in edges)
        if peer.startswith("igraph") or peer == "leidenalg":
            import igraph as ig
            g = ig.Graph(n=n, edges=edges, directed=False)
            g.es["weight"] = weights
            if peer == "igraph-leiden":
                seconds, part = timed(lambda: g.community_leiden(objective_function="modularity", weights="weight", n_iterations=2))
                out = {"seconds": seconds, "modularity": g.modularity(part.membership, weights="weight")}
            elif peer == "igraph-louvain":
                seconds, part = timed(lambda: g.community_multilevel(weights="weight"))
                out = {"seconds": seconds, "modularity": g.modularity(part.membership, weights="weight")}
            elif peer == "igraph-pagerank":
                seconds, _ = timed(lambda: g.pagerank(weights="weight", damping=0.85))
                out = {"seconds": seconds}
            else:
                import leidenalg
                seconds, part = timed(lambda: leidenalg.find_partition(g, leidenalg.ModularityVertexPartition, weights="weight", seed=1))
                out = {"seconds": seconds, "modularity": g.modularity(part.membership, weights="weight")}
        elif peer.startswith("networkit"):
            import networkit as nk
            # Every core, as whichtok's parallel phases (NetworKit's default is OpenMP's, the same).
            nk.setNumberOfThreads(max(1, os.cpu_count() or 1))
            g = nk.Graph(n, weighted=True, directed=False)
            for (a, b), w in zip(edges, weights):
                g.addEdge(a, b, w)
            if peer == "networkit-plm":
                algo = nk.community.PLM(g, refine=False, gamma=1.0)
            elif peer == "networkit-leiden":
                algo = nk.community.ParallelLeiden(g)
            else:
                algo = nk.centrality.PageRank(g, damp=0.85)
            seconds, _ = timed(algo.run)
            out = {"seconds": seconds, "threads": nk.getMaxNumberOfThreads()}
            if peer != "networkit-pagerank":
                out["modularity"] = nk.community.Modularity().getQuality(algo.getPartition(), g)
        elif peer == "networkx-pagerank":
            import networkx as nx
            g = nx.Graph()
            g.add_weighted_edges_from((a, b, w) for (a, b), w in zip(edges, weights))
            seconds, _ = timed(lambda: nx.pagerank(g, alpha=0.85, weight="weight"))
            out = {"seconds": seconds}
        else:
            raise ValueError("unknown peer " + peer)
        out["peer"] = peer
    except Exception as error:  # a peer that is missing or fails is reported, not fatal
        out = {"peer": peer, "skipped": f"{type(error).__name__}: {error}"}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
