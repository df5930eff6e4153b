"""Store benchmark: the store as a function of its inputs (import memory, merge, forget, size).

1. `whichtok synth` writes a 1,000-archive and a 2,000-archive study (seed 13, no captures, about 650
   events per archive); each is imported into a fresh store: wall time, peak resident memory (the
   process's own, wait4) and the store's bytes per event, split into the tables and the input
   records that make merge and forget possible. The ratio of the two peaks says whether import
   memory grows with the number of inputs.
2. A store of about 10M events (`synth --donors 1000 --events 10000000 --seed 2`, as `make bench`
   makes it) is imported as two shards, which `whichtok merge` joins (checked byte-identical to one
   import of all of it); then `whichtok forget --sha` removes one input: time and peak memory.

Usage: python3 Benchmarks/store_bench.py [--big-events N] [--keep] [--results PATH]
"""
import argparse
import filecmp
import json
import os
import shutil
import struct
import subprocess

from bench import run
from results import Report, add_argument

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, ".build", "release", "whichtok")
DATA = os.path.join(ROOT, "Benchmarks", "data")


def sections(path):
    """Bytes of each section of a store file (name -> bytes), from its section table."""
    with open(path, "rb") as f:
        header = f.read(64)
        count = struct.unpack_from("<I", header, 12)[0]
        offset = struct.unpack_from("<Q", header, 16)[0]
        f.seek(offset)
        table = f.read(64 * count)
    found = {}
    for i in range(count):
        entry = table[64 * i:64 * i + 64]
        name = entry[:32].rstrip(b"\0").decode()
        size = struct.unpack_from("<I", entry, 32)[0]
        elements = struct.unpack_from("<Q", entry, 40)[0]
        found[name] = size * elements
    return found


def synth(name, donors, events, seed, communities=8, captures=0):
    folder = os.path.join(DATA, name)
    if not os.path.isdir(folder):
        print(f"synthesising {donors:,} archives, about {events:,} events ...", flush=True)
        subprocess.run([BIN, "synth", "--out", folder, "--donors", str(donors), "--events", str(events),
                        "--communities", str(communities), "--seed", str(seed), "--captures", str(captures)],
                       check=True, stdout=subprocess.DEVNULL)
    return folder


def fresh(store):
    for suffix in ("", ".imported", ".lock"):
        if os.path.exists(store + suffix):
            os.remove(store + suffix)


def events_of(store):
    stats = json.loads(run([BIN, "stats", "--json", "--store", store])[2])
    return sum(stats["events"].values())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--big-events", type=int, default=10_000_000)
    parser.add_argument("--keep", action="store_true", help="keep generated data")
    add_argument(parser)
    args = parser.parse_args()
    report = Report("make bench-store", "the store as a function of its inputs: import memory, merge, forget")
    os.makedirs(DATA, exist_ok=True)

    report.line(f"{'import':34} {'seconds':>8} {'peak MB':>8} {'events':>11} {'B/event':>8} "
                f"{'tables':>7} {'records':>8}")
    peaks = {}
    for donors in (1000, 2000):
        folder = synth(f"store-{donors}", donors, donors * 650, 13)
        store = os.path.join(DATA, f"store-{donors}.store")
        fresh(store)
        sec, rss, _ = run([BIN, "import", "--quiet", "--store", store, folder])
        events = events_of(store)
        parts = sections(store)
        records = sum(v for k, v in parts.items() if k.startswith("records."))
        size = os.path.getsize(store)
        peaks[donors] = rss
        report.line(f"{donors:,} archives{'':21} {sec:8.2f} {rss:8.0f} {events:11,} {size / events:8.1f} "
                    f"{(size - records) / events:7.1f} {records / events:8.1f}")
    report.ratio(f"peak memory of importing 2,000 archives is {peaks[2000] / peaks[1000]:.2f}x that of 1,000 "
                 f"({peaks[2000]:.0f} MB against {peaks[1000]:.0f} MB)")

    big = synth(f"synth-big-{args.big_events}", 1000, args.big_events, 2, communities=20, captures=2)
    inputs = [os.path.join(big, name) for name in sorted(os.listdir(big)) if name != "ground-truth.tsv"]
    whole = os.path.join(DATA, "store-whole.store")
    shard_a = os.path.join(DATA, "store-shard-a.store")
    shard_b = os.path.join(DATA, "store-shard-b.store")
    merged = os.path.join(DATA, "store-merged.store")
    for path in (whole, shard_a, shard_b, merged):
        fresh(path)
    half = len(inputs) // 2
    report.line()
    sec, rss, _ = run([BIN, "import", "--quiet", "--store", whole] + inputs)
    events = events_of(whole)
    report.line(f"{'import of the large set':34} {sec:8.2f} {rss:8.0f} {events:11,} "
                f"{os.path.getsize(whole) / events:8.1f}")
    run([BIN, "import", "--quiet", "--store", shard_a] + inputs[:half])
    run([BIN, "import", "--quiet", "--store", shard_b] + inputs[half:])
    sec, rss, _ = run([BIN, "merge", "-o", merged, shard_a, shard_b])
    same = filecmp.cmp(merged, whole, shallow=False)
    report.line(f"{'merge of two shards':34} {sec:8.2f} {rss:8.0f} {events:11,}   "
                f"byte-identical to one import: {'yes' if same else 'NO'}")
    merge_seconds = sec
    listed = json.loads(run([BIN, "inputs", "--json", "--store", whole])[2])
    victim = listed[len(listed) // 2]["sha256"]
    sec, rss, _ = run([BIN, "forget", "--store", whole, "--sha", victim[:16]])
    left = events_of(whole)
    report.line(f"{'forget of one input':34} {sec:8.2f} {rss:8.0f} {left:11,}")
    report.ratio(f"merge of two shards into a {events / 1e6:.1f}M-event store: {merge_seconds:.1f} s; "
                 f"forget of one input: {sec:.1f} s, peak {rss:.0f} MB")
    report.record(args.results, {"big-events": args.big_events})
    if not args.keep:
        shutil.rmtree(DATA, ignore_errors=True)


if __name__ == "__main__":
    main()
