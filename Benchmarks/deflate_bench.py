"""libdeflate against zlib for inflating the zip entries of the import benchmark set (issue 16).

The archive set is the one `make bench` imports (`whichtok synth`, same parameters and seed). The
raw deflate stream of every zip entry is cut out of its archive (zipfile gives the local header's
offset and the compressed size) into one blob with an index; Benchmarks/deflate_bench.c, compiled
here with gcc -O2 -lz -ldeflate, inflates all of them (best of 5) with zlib whole (one inflate call
into a buffer of the known size), with libdeflate_deflate_decompress, and with zlib in 64 KiB and 256 KiB
output chunks (libarchive's zip reader inflates into 256 KiB), after checking every output's CRC-32 against the archive's.
The same is done per entry-size class. Then `perf record` of `whichtok import --jobs 1` of the zip
archives alone says what share of import time inflation takes today.

Usage: python3 Benchmarks/deflate_bench.py [--events N] [--donors N] [--bin PATH] [--keep] [--results PATH]
"""
import argparse
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zipfile

from results import Report, add_argument

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HERE = os.path.join(ROOT, "Benchmarks")
DATA = os.path.join(HERE, "data")
KIB = 1024
MIB = 1024 * 1024
# Entry-size classes (uncompressed bytes, upper bounds inclusive).
CLASSES = [("<= 64 KiB", 64 * KIB), ("64 KiB - 1 MiB", MIB), ("> 1 MiB", None)]


def zips(folder):
    found = []
    for root, dirs, names in os.walk(folder):
        dirs.sort()
        found += [os.path.join(root, n) for n in sorted(names) if n.endswith(".zip")]
    return found


def extract(files, blob_path):
    """Writes every deflated entry's raw stream into blob_path; returns [(offset, csize, usize, crc)]
    and the number of entries not deflated (stored), which are skipped."""
    index, skipped = [], 0
    with open(blob_path, "wb") as blob:
        for path in files:
            with open(path, "rb") as raw, zipfile.ZipFile(path) as archive:
                for info in archive.infolist():
                    if info.compress_type != zipfile.ZIP_DEFLATED:
                        skipped += 1
                        continue
                    raw.seek(info.header_offset)
                    header = raw.read(30)
                    if len(header) != 30 or header[:4] != b"PK\x03\x04":
                        raise SystemExit(f"{path}: no local header at {info.header_offset} for {info.filename}")
                    name_length, extra_length = struct.unpack("<HH", header[26:30])
                    raw.seek(info.header_offset + 30 + name_length + extra_length)
                    data = raw.read(info.compress_size)
                    if len(data) != info.compress_size:
                        raise SystemExit(f"{path}: {info.filename} is truncated")
                    index.append((blob.tell(), info.compress_size, info.file_size, info.CRC))
                    blob.write(data)
    return index, skipped


def write_index(path, entries):
    with open(path, "w") as f:
        for entry in entries:
            f.write("%d %d %d %d\n" % entry)


def measure(program, blob, index_path, repeat):
    out = subprocess.run([program, blob, index_path, str(repeat)], stdout=subprocess.PIPE, text=True).stdout
    results, version = {}, ""
    for line in out.splitlines():
        parts = line.split()
        if parts[0] == "versions":
            version = " ".join(parts[1:])
        elif parts[1] == "FAILED":
            raise SystemExit(f"{parts[0]}: entry {parts[2]} did not inflate to its size and CRC-32")
        else:
            results[parts[0]] = (float(parts[1]), int(parts[2]))
    return results, version


def percentile(values, p):
    return values[min(len(values) - 1, int(len(values) * p))]


def inflate_share(binary, files, work):
    """perf record of whichtok import --jobs 1 of the zip archives alone: the shares of all samples
    (user and kernel, one thread) in zlib's inflate code — every libz sample but crc32, adler32 and
    the compressor — and in zlib's crc32 (libarchive checks each entry's CRC). None if perf fails."""
    folder = os.path.join(work, "zips")
    os.makedirs(folder)
    for i, path in enumerate(files):
        os.symlink(path, os.path.join(folder, f"{i:05d}-{os.path.basename(path)}"))
    data = os.path.join(work, "perf.data")
    store = os.path.join(work, "perf.store")
    try:
        subprocess.run(["perf", "record", "-q", "-F", "2000", "-o", data, "--", binary, "import", "--quiet",
                        "--jobs", "1", "--store", store, folder], check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        report = subprocess.run(["perf", "report", "-i", data, "--stdio", "--no-children", "--sort", "dso,sym",
                                 "--percent-limit", "0"], check=True, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, text=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    inflate = crc = 0.0
    libz = 0.0
    for line in report.splitlines():
        parts = line.split()
        if len(parts) < 4 or not parts[0].endswith("%"):
            continue
        share = float(parts[0].rstrip("%"))
        dso, symbol = parts[1], parts[-1]
        if dso.startswith("libz.so"):
            libz += share
            # libz's inflate_fast and the table builders are static: perf shows them as addresses.
            if "crc32" in symbol:
                crc += share
            elif "adler32" not in symbol and "deflate" not in symbol.replace("inflate", ""):
                inflate += share
    return inflate, crc, libz


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=3_000_000)
    parser.add_argument("--donors", type=int, default=400)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--bin", default=os.path.join(ROOT, ".build", "release", "whichtok"),
                        help="the whichtok binary (synth and the perf profile of import)")
    parser.add_argument("--keep", action="store_true", help="keep generated data")
    add_argument(parser)
    args = parser.parse_args()
    report = Report("make bench-deflate", "libdeflate against zlib for zip entries")

    os.makedirs(DATA, exist_ok=True)
    synth = os.path.join(DATA, f"synth-{args.donors}-{args.events}")
    if not os.path.isdir(synth):
        print(f"generating {args.events:,} events for {args.donors} donors ...", flush=True)
        subprocess.run([args.bin, "synth", "--out", synth, "--donors", str(args.donors), "--events",
                        str(args.events), "--communities", "8", "--seed", "1"], check=True,
                       stdout=subprocess.DEVNULL)
    files = zips(synth)
    if os.path.abspath(args.bin) != os.path.join(ROOT, ".build", "release", "whichtok"):
        report.line(f"whichtok binary: {args.bin} (given with --bin, not this checkout's release build)")
    work = tempfile.mkdtemp(prefix="deflate-bench-")
    try:
        program = os.path.join(work, "deflate_bench")
        subprocess.run(["gcc", "-O2", "-o", program, os.path.join(HERE, "deflate_bench.c"), "-lz", "-ldeflate"],
                       check=True)
        blob = os.path.join(work, "streams.bin")
        index, skipped = extract(files, blob)
        if not index:
            raise SystemExit(f"{synth}: no deflated zip entries")
        sizes = sorted(e[2] for e in index)
        compressed = sum(e[1] for e in index)
        total = sum(sizes)
        report.line(f"input: {len(files)} zip archives of the make bench set, {len(index):,} deflated entries "
                    f"({skipped} stored entries skipped), {compressed / 1e6:.1f} MB compressed, "
                    f"{total / 1e6:.1f} MB uncompressed")
        report.line(f"entry sizes (uncompressed): min {sizes[0]:,} B, median {percentile(sizes, 0.5):,} B, "
                    f"p90 {percentile(sizes, 0.9):,} B, p99 {percentile(sizes, 0.99):,} B, max {sizes[-1]:,} B")

        all_index = os.path.join(work, "all.idx")
        write_index(all_index, index)
        results, version = measure(program, blob, all_index, args.repeat)
        report.line(f"{version}, libdeflate from libdeflate-dev; least thread CPU time of {args.repeat} "
                    f"interleaved rounds; CRC-32 of every output checked")
        report.line()
        report.line(f"{'entries':16} {'count':>6} {'MB':>7} {'bytes':>6}  {'zlib whole':>10} {'libdeflate':>10} "
                    f"{'zlib 64K':>9} {'zlib 256K':>9}  {'ld/whole':>8} {'ld/64K':>7} {'ld/256K':>7}")
        report.line(f"{'':16} {'':>6} {'':>7} {'share':>6}  {'MB/s':>10} {'MB/s':>10} {'MB/s':>9} {'MB/s':>9}  "
                    f"{'x':>8} {'x':>7} {'x':>7}")

        def row(name, entries, got):
            size = sum(e[2] for e in entries)
            speed = {k: v[1] / 1e6 / v[0] for k, v in got.items()}
            report.line(f"{name:16} {len(entries):6,} {size / 1e6:7.1f} {size / total:6.1%}  "
                        f"{speed['zlib-whole']:10.0f} {speed['libdeflate']:10.0f} {speed['zlib-64k']:9.0f} "
                        f"{speed['zlib-256k']:9.0f}  {got['zlib-whole'][0] / got['libdeflate'][0]:8.2f} "
                        f"{got['zlib-64k'][0] / got['libdeflate'][0]:7.2f} {got['zlib-256k'][0] / got['libdeflate'][0]:7.2f}")

        row("all", index, results)
        lower = -1
        for name, upper in CLASSES:
            chosen = [e for e in index if e[2] > lower and (upper is None or e[2] <= upper)]
            lower = upper if upper is not None else lower
            if not chosen:
                continue
            path = os.path.join(work, "class.idx")
            write_index(path, chosen)
            row(name, chosen, measure(program, blob, path, args.repeat)[0])

        whole = results["zlib-whole"][0] / results["libdeflate"][0]
        chunked = results["zlib-64k"][0] / results["libdeflate"][0]
        libarchive = results["zlib-256k"][0] / results["libdeflate"][0]
        report.line()
        report.line(f"ratios (one run): libdeflate inflates {whole:.2f}x as fast as zlib whole-entry, "
                    f"{chunked:.2f}x as fast as zlib in 64 KiB chunks, {libarchive:.2f}x in 256 KiB chunks")
        crc_ratio = results["zlib-crc32"][0] / results["libdeflate-crc32"][0]
        report.line(f"CRC-32 of the same bytes: zlib crc32 {total / 1e6 / results['zlib-crc32'][0]:.0f} MB/s, "
                    f"libdeflate_crc32 {total / 1e6 / results['libdeflate-crc32'][0]:.0f} MB/s ({crc_ratio:.2f}x)")
        report.ratio(f"libdeflate_crc32 is {crc_ratio:.2f}x as fast as zlib's crc32")
        report.ratio(f"libdeflate inflates the zip entries {whole:.2f}x as fast as zlib (one inflate call per entry)")
        report.ratio(f"libdeflate inflates the zip entries {chunked:.2f}x as fast as zlib in 64 KiB chunks")
        report.ratio(f"libdeflate inflates the zip entries {libarchive:.2f}x as fast as zlib in 256 KiB chunks "
                     f"(libarchive's zip reader)")

        share = inflate_share(args.bin, files, work) if shutil.which("perf") else None
        if share is None:
            report.line("share of import time: could not be measured (perf record of whichtok import failed)")
        else:
            inflate, crc, libz = share
            gain = inflate / 100 * (1 - 1 / libarchive)
            crc_gain = crc / 100 * (1 - 1 / crc_ratio)
            report.line(f"perf record of whichtok import --jobs 1 of these {len(files)} zip archives (share of "
                        f"all samples): zlib inflate {inflate:.1f}%, zlib crc32 {crc:.1f}%, all of libz {libz:.1f}%")
            report.line(f"expected import gain if every entry were inflated whole by libdeflate: about "
                        f"{gain:.1%} of import time (inflate share x (1 - 1/{libarchive:.2f}), the 256 KiB ratio)")
            report.line(f"and about {crc_gain:.1%} more if libdeflate_crc32 replaced zlib's crc32 "
                        f"(crc32 share x (1 - 1/{crc_ratio:.2f}))")
            report.ratio(f"zlib inflation is {inflate:.1f}% of whichtok import's samples on the zip archives; "
                         f"libdeflate would save about {gain:.1%} of import time")
        report.record(args.results, {"events": args.events, "donors": args.donors, "repeat": args.repeat})
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if not args.keep:
            shutil.rmtree(DATA, ignore_errors=True)


if __name__ == "__main__":
    main()
