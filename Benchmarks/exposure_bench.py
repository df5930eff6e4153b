"""Exposure benchmark: `whichtok exposure` on a synthetic study of 2,000 donors and about 1.3M events,
beside `whichtok analyze` on the same store, in one run on this machine. Never run by the tests
(`make bench-exposure`).

1. `whichtok synth` writes 2,000 donors' archives (about 1.3M events, 8 planted communities, steady,
   diverse and drifting feeds; no captures) into Benchmarks/data/, and `whichtok import --jobs 1`
   imports them into a store. The same is done at half the events, to see how the exposure phase
   grows with events.
2. Times the release binary, three runs each, best kept: `whichtok analyze --store S` (load, build the
   shared-space graph, Leiden and every measure) and `whichtok exposure --store S --json` (the same graph
   and analysis, then the exposure). With `--timings` each command prints its phases; the report gives
   the exposure phases alone (placing videos, every donor's measures and periods, closure and flows,
   the JSON text): the time exposure adds beyond building and analysing the graph.
3. Prints the planted recovery the run saw (the same measures as the tests): steady donors whose
   dominant niche is their community's, drifts found within a month, coverage.

With `--results PATH` the run is also recorded there (see results.py).

Usage: python3 Benchmarks/exposure_bench.py [--donors N] [--events E] [--communities K] [--keep]
       [--results PATH]
"""
import argparse
import collections
import datetime
import json
import os
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, ".build", "release", "whichtok")
DATA = os.path.join(ROOT, "Benchmarks", "data")
sys.path.insert(0, os.path.join(ROOT, "Benchmarks"))

from results import Report, add_argument, timed_child  # noqa: E402 (after the path is set)



def phases(stderr):
    """`timing NAME SECONDS s` lines of --timings, as {name: seconds} (sub-phases keep their indent off)."""
    found = {}
    for line in stderr.splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[0] == "timing" and parts[3] == "s":
            found[parts[1]] = float(parts[2])
    return found


def make_store(donors, events, communities):
    folder = os.path.join(DATA, f"exposure-{donors}-{events}-{communities}")
    store = folder + ".store"
    if not os.path.exists(store):
        print(f"synthesising {donors:,} donors, about {events:,} events ...", flush=True)
        if os.path.exists(folder):
            shutil.rmtree(folder)
        subprocess.run([BIN, "synth", "--out", folder, "--donors", str(donors), "--events", str(events),
                        "--communities", str(communities), "--seed", "13", "--captures", "0"],
                       check=True, stdout=subprocess.DEVNULL)
        subprocess.run([BIN, "import", "--quiet", "--jobs", "1", "--store", store, folder],
                       check=True, stdout=subprocess.DEVNULL)
    return folder, store


def best(command, runs=3):
    """The fastest of `runs` runs: (wall, peak MB, stdout, phases)."""
    results = []
    for _ in range(runs):
        wall, peak, stdout, stderr = timed_child(command)
        results.append((wall, peak, stdout, phases(stderr)))
    return min(results, key=lambda r: r[0])


def recovery(folder, exposure):
    truth = {}
    with open(os.path.join(folder, "ground-truth.tsv"), encoding="utf-8") as f:
        next(f)
        for line in f:
            fields = line.rstrip("\n").split("\t")
            if len(fields) == 6:
                truth[fields[0]] = fields
    analysis = json.loads(subprocess.run([BIN, "analyze", "--store", folder + ".store", "--json"], check=True,
                                         stdout=subprocess.PIPE).stdout)
    votes = collections.defaultdict(collections.Counter)
    for node in analysis["nodes"]:
        if node["label"] in truth:
            votes[node["community"]][int(truth[node["label"]][1])] += 1
    planted = {niche: tally.most_common(1)[0][0] for niche, tally in votes.items()}
    steady = right = shifted = drifting = found = 0
    for donor in exposure["donors"]:
        fields = truth.get(donor["label"])
        if not fields:
            continue
        if fields[3] == "steady":
            steady += 1
            right += planted.get(donor["dominant"]) == int(fields[1])
            shifted += bool(donor["shifts"])
        elif fields[3] == "drifting":
            drifting += 1
            day = datetime.date.fromisoformat(fields[5])
            month = day.year * 12 + day.month - 1
            found += any(abs(int(s["start"][:4]) * 12 + int(s["start"][5:7]) - 1 - month) <= 1
                         and planted.get(s["to"]) == int(fields[4]) for s in donor["shifts"])
    return steady, right, shifted, drifting, found


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--donors", type=int, default=2000)
    parser.add_argument("--events", type=int, default=1_300_000)
    parser.add_argument("--communities", type=int, default=8)
    parser.add_argument("--keep", action="store_true", help="keep generated data")
    add_argument(parser)
    args = parser.parse_args()
    report = Report("make bench-exposure", "whichtok exposure on a 2,000-donor synthetic study")
    os.makedirs(DATA, exist_ok=True)

    rows = []
    full_json = None
    full_folder = None
    for events in (args.events // 2, args.events):
        folder, store = make_store(args.donors, events, args.communities)
        stats = json.loads(subprocess.run([BIN, "stats", "--json", "--store", store], check=True,
                                          stdout=subprocess.PIPE).stdout)
        total = sum(stats["events"].values())
        analyze = best([BIN, "analyze", "--store", store, "--timings"])
        exposure = best([BIN, "exposure", "--store", store, "--json", "--timings"])
        rows.append((events, total, analyze, exposure))
        if events == args.events:
            full_json = json.loads(exposure[2])
            full_folder = folder

    report.line(f"study: {args.donors:,} donors, {args.communities} communities, synth seed 13, no captures")
    report.line()
    report.line(f"{'events':>10} {'analyze s':>10} {'exposure s':>11} {'graph+analysis s':>17} "
                f"{'exposure phases s':>18} {'of which JSON s':>16} {'peak MB':>8}")
    for _, total, analyze, exposure in rows:
        p = exposure[3]
        graph = sum(p.get(name, 0) for name in ("load", "build", "filter", "analysis"))
        beyond = p.get("exposure", 0) + p.get("render", 0)
        report.line(f"{total:>10,} {analyze[0]:>10.3f} {exposure[0]:>11.3f} {graph:>17.3f} {beyond:>18.3f} "
                    f"{p.get('render', 0):>16.3f} {exposure[1]:>8.0f}")
    report.line()
    p = rows[-1][3][3]
    report.line("exposure sub-phases at full size: " + ", ".join(
        f"{name} {p[name]:.3f} s" for name in ("evidence", "group", "donors", "closure") if name in p))
    half, full = rows[0], rows[-1]
    grow_events = full[1] / half[1]
    grow_time = full[3][3].get("exposure", 0) / max(1e-9, half[3][3].get("exposure", 0))
    beyond_full = full[3][3].get("exposure", 0) + full[3][3].get("render", 0)
    report.line(f"exposure phase: {grow_time:.2f}x the time for {grow_events:.2f}x the events")
    report.ratio(f"exposure beyond the graph and its analysis: {beyond_full:.3f} s for {full[1]:,} events "
                 f"({args.donors:,} donors), JSON included")
    report.ratio(f"exposure phase grows {grow_time:.2f}x for {grow_events:.2f}x the events")
    report.ratio(f"whole exposure command {full[3][0]:.2f} s against analyze {full[2][0]:.2f} s")

    coverage = full_json["coverage"]
    steady, right, shifted, drifting, found = recovery(full_folder, full_json)
    report.line(f"coverage: {coverage['assigned']:,} of {coverage['events']:,} events assigned "
                f"({100 * coverage['assigned'] / max(1, coverage['events']):.1f} %), by rule {coverage['by_rule']}")
    report.line(f"recovery: steady dominant right {right}/{steady}, steady with a shift {shifted}/{steady}, "
                f"drifts found within a month {found}/{drifting}")
    report.record(args.results, {"donors": args.donors, "events": args.events, "communities": args.communities})
    if not args.keep:
        for events in (args.events // 2, args.events):
            folder = os.path.join(DATA, f"exposure-{args.donors}-{events}-{args.communities}")
            shutil.rmtree(folder, ignore_errors=True)
            if os.path.exists(folder + ".store"):
                os.remove(folder + ".store")


if __name__ == "__main__":
    main()
