"""HAR import throughput, side by side with Python, in one run on this machine.

A large Chrome-style HAR (`whichtok synth --captures 1 --capture-videos N`: a long scroll of the
feed with comment lists and profiles, bodies as escaped JSON strings inside the HAR) is
(1) loaded by Python's `json.load` plus a loop over its entries reading URL, status, MIME type and
body length -- the baseline the issue names --, (2) the same plus `json.loads` of every JSON body
(what a script that wants the items must add), and (3) imported by `whichtok import` into a fresh
store (HAR parse, every body parsed and mapped, identity resolution, store saved). Prints seconds,
MB/s of HAR and peak memory, and the ratios of this run.

Usage: python3 Benchmarks/har_bench.py [--videos N] [--keep] [--results PATH]
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import time

from results import Report, add_argument

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, ".build", "release", "whichtok")
DATA = os.path.join(ROOT, "Benchmarks", "data")

BASELINE = r"""
import json, sys
with open(sys.argv[1], encoding="utf-8-sig") as f:
    har = json.load(f)
entries = 0
body_bytes = 0
for entry in har["log"]["entries"]:
    url = entry["request"]["url"]
    status = entry["response"]["status"]
    content = entry["response"]["content"]
    mime = content.get("mimeType", "")
    text = content.get("text")
    if text:
        body_bytes += len(text)
    entries += 1
print(entries, body_bytes)
"""

WITH_BODIES = r"""
import base64, json, sys
with open(sys.argv[1], encoding="utf-8-sig") as f:
    har = json.load(f)
records = 0
for entry in har["log"]["entries"]:
    content = entry["response"]["content"]
    text = content.get("text")
    if not text or "json" not in content.get("mimeType", ""):
        continue
    if content.get("encoding") == "base64":
        text = base64.b64decode(text).decode("utf-8")
    try:
        body = json.loads(text)
    except ValueError:
        continue
    records += len(body.get("itemList") or body.get("comments") or body.get("userList") or [])
print(records)
"""


def run(cmd):
    """Runs a command; returns (seconds, peak RSS in MB of that child, stdout)."""
    start = time.perf_counter()
    child = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    out = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"{cmd[0]} failed with exit code {child.returncode}")
    return seconds, usage.ru_maxrss / 1024.0, out.decode()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--videos", type=int, default=20_000, help="items in the capture's feed (about 12 KB of HAR each)")
    parser.add_argument("--keep", action="store_true", help="keep generated data")
    add_argument(parser)
    args = parser.parse_args()
    report = Report("make bench-har", "HAR import against Python's json.load")

    os.makedirs(DATA, exist_ok=True)
    folder = os.path.join(DATA, f"har-{args.videos}")
    har = os.path.join(folder, "web-capture-000-chrome.har")
    if not os.path.exists(har):
        print(f"generating a capture with {args.videos:,} feed items ...", flush=True)
        # A world of about 4,500 videos per community, so that the feed is mostly varied.
        subprocess.run([BIN, "synth", "--out", folder, "--donors", "8", "--events", "300000", "--communities", "2",
                        "--seed", "3", "--captures", "1", "--capture-videos", str(args.videos)],
                       check=True, stdout=subprocess.DEVNULL)
    size = os.path.getsize(har)
    # Counted in a child: a parent that had loaded the HAR would pass its peak memory on to every
    # child it forks (Linux keeps ru_maxrss across fork and exec).
    entries = int(run([sys.executable, "-c", BASELINE, har])[2].split()[0])
    report.line(f"input: {os.path.relpath(har, ROOT)} ({size / 1e6:.1f} MB, {entries:,} entries)")

    store = os.path.join(DATA, "har-bench.store")

    def fresh_import():
        if os.path.exists(store):
            os.remove(store)
        return run([BIN, "import", "--quiet", "--store", store, har])

    # Alternate the runs so that neither side gets a warmer page cache.
    python, bodies, imports = [], [], []
    for _ in range(3):
        python.append(run([sys.executable, "-c", BASELINE, har]))
        bodies.append(run([sys.executable, "-c", WITH_BODIES, har]))
        imports.append(fresh_import())

    def summarise(runs):
        return min(r[0] for r in runs), max(r[1] for r in runs)

    rows = [
        ("python json.load + loop over entries", summarise(python)),
        ("python, also json.loads of every body", summarise(bodies)),
        ("whichtok import (fresh store)", summarise(imports)),
    ]
    report.line()
    report.line(f"{'command':42} {'seconds':>9} {'MB/s':>8} {'peak MB':>9} {'peak/HAR':>9}")
    for name, (sec, rss) in rows:
        report.line(f"{name:42} {sec:9.3f} {size / 1e6 / sec:8.1f} {rss:9.0f} {rss * 1048576 / size:9.2f}")
    stats = json.loads(run([BIN, "stats", "--json", "--store", store])[2])
    report.line()
    report.line(f"store: {sum(stats['events'].values()):,} events, {stats['accounts']:,} accounts, "
                f"{stats['videos']:,} videos, {stats['comments']:,} comments")
    t = rows[2][1][0]
    report.line(f"ratios (one run): whichtok import is {rows[0][1][0] / t:.1f}x the baseline's throughput "
                f"(target >= 10x), {rows[1][1][0] / t:.1f}x the baseline that also parses bodies; "
                f"peak memory {rows[2][1][1] * 1048576 / size:.2f}x the HAR (target <= ~3x)")
    report.ratio(f"whichtok import: {rows[0][1][0] / t:.1f}x the throughput of json.load + a loop over entries")
    report.ratio(f"whichtok import: {rows[1][1][0] / t:.1f}x the throughput of the baseline that also parses bodies")
    report.ratio(f"whichtok import peak memory: {rows[2][1][1] * 1048576 / size:.2f}x the HAR's size")
    report.record(args.results, {"videos": args.videos})

    if not args.keep:
        shutil.rmtree(DATA, ignore_errors=True)


if __name__ == "__main__":
    main()
