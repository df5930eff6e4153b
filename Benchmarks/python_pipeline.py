"""The end-to-end pipeline research scripts write today, from data downloads to a Gephi file:

1. read every archive with zipfile / tarfile (and every extracted download folder), json.load every
   JSON file and split every TXT file into "Key: value" records;
2. one row per donor (the archive), one column per item: each video the donor watched, liked,
   favourited, shared or commented on (the id in the record's link), the video's author (from
   `@user/video/` links) and each followed account; the value is how often;
3. TF-IDF (log(1 + count) · log(N / df)), rows scaled to unit length, cosine similarity as a sparse
   product X·Xᵀ with scipy, the 10 most similar donors of each;
4. Leiden communities with python-igraph (modularity);
5. networkx graph with the community as a node attribute, written with `write_gexf`.

Prints one JSON line: nodes, edges, communities and the seconds of each step.
Usage: python_pipeline.py ARCHIVE_FOLDER OUT.gexf
"""
import collections
import json
import math
import os
import re
import sys
import tarfile
import time
import zipfile

import igraph
import networkx
import numpy
import scipy.sparse

VIDEO = re.compile(r"/video/(\d+)")
AUTHOR = re.compile(r"tiktok\.com/@([^/?#]+)/video/")


def records(value, section=""):
    """Every record (dict of scalars) in a parsed JSON document, with the key of the list it is in."""
    stack = [(value, section)]
    while stack:
        item, key = stack.pop()
        if isinstance(item, dict):
            scalar = False
            for k, v in item.items():
                if isinstance(v, (dict, list)):
                    stack.append((v, k))
                elif isinstance(v, str):
                    scalar = True
            if scalar:
                yield key, item
        elif isinstance(item, list):
            stack.extend((v, key) for v in item)


def text_records(text):
    """Records of the TXT exports: "Key: value" lines, blank lines between records."""
    section = ""
    for block in text.replace("\r\n", "\n").split("\n\n"):
        record = {}
        for line in block.split("\n"):
            key, sep, value = line.partition(": ")
            if sep:
                record[key.strip()] = value.strip()
            elif line.strip():
                section = line.strip()
        if record:
            yield section, record


def items_of(section, record, counts):
    """Adds the items one record speaks of to the donor's counts."""
    for value in record.values():
        if not isinstance(value, str):
            continue
        video = VIDEO.search(value)
        if video:
            counts["v:" + video.group(1)] += 1
            author = AUTHOR.search(value)
            if author:
                counts["u:" + author.group(1).lower()] += 1
    if "follow" in section.lower() and "fans" not in section.lower() and "follower" not in section.lower():
        name = record.get("UserName") or record.get("Username")
        if name:
            counts["u:" + name.lower()] += 1


def read_archive(path):
    counts = collections.Counter()

    def handle(name, data):
        if name.endswith(".json"):
            for section, record in records(json.loads(data.decode("utf-8-sig"))):
                items_of(section, record, counts)
        elif name.endswith(".txt"):
            section = os.path.basename(name)
            for inner, record in text_records(data.decode("utf-8-sig", "replace")):
                items_of(section + " " + inner, record, counts)

    if os.path.isdir(path):
        for root, dirs, names in os.walk(path):
            dirs.sort()
            for name in sorted(names):
                with open(os.path.join(root, name), "rb") as f:
                    handle(name, f.read())
    elif zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                if not info.is_dir():
                    handle(info.filename, archive.read(info))
    elif path.endswith((".tar.gz", ".tgz", ".tar")):
        with tarfile.open(path) as archive:
            for member in archive.getmembers():
                if member.isfile():
                    handle(member.name, archive.extractfile(member).read())
    return counts


def main(folder, out):
    times = {}
    start = time.perf_counter()
    # One donor per entry of the folder: an archive, or a folder of an extracted download.
    paths = [os.path.join(folder, n) for n in sorted(os.listdir(folder))
             if n.endswith((".zip", ".tar.gz", ".tgz", ".tar")) or os.path.isdir(os.path.join(folder, n))]
    donors = [os.path.basename(p) for p in paths]
    rows = [read_archive(p) for p in paths]
    times["read"] = time.perf_counter() - start

    step = time.perf_counter()
    columns = {}
    indptr, indices, data = [0], [], []
    for counts in rows:
        for item, count in counts.items():
            indices.append(columns.setdefault(item, len(columns)))
            data.append(count)
        indptr.append(len(indices))
    matrix = scipy.sparse.csr_matrix((numpy.array(data, dtype=numpy.float64), indices, indptr),
                                     shape=(len(rows), len(columns)))
    matrix.data = numpy.log1p(matrix.data)
    df = numpy.bincount(matrix.indices, minlength=len(columns))
    idf = numpy.log(len(rows) / numpy.maximum(df, 1))
    matrix = matrix.multiply(idf).tocsr()
    norms = numpy.sqrt(matrix.multiply(matrix).sum(axis=1)).A1
    norms[norms == 0] = 1
    matrix = scipy.sparse.diags(1 / norms) @ matrix
    similarity = (matrix @ matrix.T).tocsr()
    similarity.setdiag(0)
    similarity.eliminate_zeros()
    edges = {}
    for row in range(similarity.shape[0]):
        begin, end = similarity.indptr[row], similarity.indptr[row + 1]
        if begin == end:
            continue
        values = similarity.data[begin:end]
        keep = numpy.argsort(-values, kind="stable")[:10]
        for position in keep:
            other = int(similarity.indices[begin + position])
            key = (min(row, other), max(row, other))
            edges[key] = max(edges.get(key, 0.0), float(values[position]))
    times["similarity"] = time.perf_counter() - step

    step = time.perf_counter()
    pairs = sorted(edges)
    graph = igraph.Graph(n=len(rows), edges=pairs)
    graph.es["weight"] = [edges[p] for p in pairs]
    partition = graph.community_leiden(objective_function="modularity", weights="weight", n_iterations=-1)
    times["leiden"] = time.perf_counter() - step

    step = time.perf_counter()
    nx = networkx.Graph()
    for node, community in enumerate(partition.membership):
        nx.add_node(node, label=donors[node], community=community)
    nx.add_weighted_edges_from((a, b, edges[(a, b)]) for a, b in pairs)
    networkx.write_gexf(nx, out)
    times["gexf"] = time.perf_counter() - step
    times["total"] = time.perf_counter() - start
    print(json.dumps({"nodes": len(rows), "edges": len(pairs), "items": len(columns),
                      "communities": len(set(partition.membership)), "seconds": times}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
