#!/usr/bin/env python3
"""Seed corpora for the fuzz targets, made from SampleArchives/ (see Fuzz/README.md).

Writes OUT/<target>/ for json, txt, har, html and zip: the archives' JSON and TXT entries with every
list cut to a few elements (small seeds mutate faster, and the fuzzer's inputs stay under -max_len),
one small HAR per entry of each web capture, the decoded bodies of the captures (JSON bodies for
json, HTML pages for html), and each archive again as a small zip of its cut entries, under their own
names (zip). Usage: seeds.py SAMPLE_DIR OUT_DIR
"""
import base64
import gzip
import hashlib
import io
import json
import os
import re
import sys
import tarfile
import zipfile

KEEP = 3          # list elements kept in a cut-down JSON seed
TXT_LINES = 40    # lines kept of a TXT seed
MAX_SEED = 60000  # bytes; larger seeds are left out (make fuzz runs with -max_len=65536)


def cut(value):
    if isinstance(value, list):
        return [cut(v) for v in value[:KEEP]]
    if isinstance(value, dict):
        return {k: cut(v) for k, v in value.items()}
    return value


def save(out, target, data):
    if not data or len(data) > MAX_SEED:
        return
    folder = os.path.join(out, target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, hashlib.sha1(data).hexdigest()), "wb") as f:
        f.write(data)


def txt_names():
    """The file names fuzz-txt picks from with its first byte, read from its source."""
    here = os.path.dirname(os.path.abspath(__file__))
    source = open(os.path.join(here, "Sources", "fuzz-txt", "FuzzTXT.swift"), encoding="utf-8").read()
    block = re.search(r"let names = \[(.*?)\]", source, re.S).group(1)
    return re.findall(r'"([^"]*)"', block)


def entries(path):
    """(name, bytes) of every file in a folder (archives in it opened) or an archive."""
    if os.path.isdir(path):
        for folder, _, files in sorted(os.walk(path)):
            for name in sorted(files):
                yield from entries(os.path.join(folder, name))
    elif zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                if not info.is_dir():
                    yield info.filename, archive.read(info)
    elif tarfile.is_tarfile(path):
        with tarfile.open(path) as archive:
            for member in archive.getmembers():
                if member.isfile():
                    yield member.name, archive.extractfile(member).read()
    else:
        yield os.path.basename(path), open(path, "rb").read()


def har_seeds(out, data):
    start = data.find(b"{")
    try:
        har = json.loads(data[start:])
    except ValueError:
        return
    log = har.get("log", {})
    for entry in log.get("entries", []):
        one = {"log": {"version": log.get("version", "1.2"), "creator": log.get("creator"), "entries": [entry]}}
        save(out, "har", json.dumps(one).encode())
        content = entry.get("response", {}).get("content", {})
        text = content.get("text")
        if not isinstance(text, str):
            continue
        body = base64.b64decode(text) if content.get("encoding") == "base64" else text.encode()
        mime = content.get("mimeType", "")
        if "html" in mime:
            save(out, "html", body)
        elif "json" in mime:
            try:
                save(out, "json", json.dumps(cut(json.loads(body))).encode())
            except ValueError:
                pass


def small(entry, data):
    """An entry's JSON cut to a few elements per list, or its TXT's first lines; None for others."""
    lower = entry.lower()
    if lower.endswith(".json"):
        try:
            return json.dumps(cut(json.loads(data)), indent=1).encode()
        except ValueError:
            return None
    if lower.endswith(".txt"):
        return b"\n".join(data.split(b"\n")[:TXT_LINES])
    return None


def zip_seeds(out, sample):
    """Each archive of the sample as a zip of its cut-down entries (deflated, names kept), and as a
    tar.gz of them (the gzip read whole by libdeflate, InputReader.readTarGzipWhole)."""
    for folder, _, files in sorted(os.walk(sample)):
        for name in sorted(files):
            path = os.path.join(folder, name)
            if not (zipfile.is_zipfile(path) or tarfile.is_tarfile(path)):
                continue
            kept = [(entry, small(entry, data)) for entry, data in entries(path)]
            kept = [(entry, data) for entry, data in kept if data is not None]
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
                for entry, data in kept:
                    archive.writestr(entry, data)
            save(out, "zip", buffer.getvalue())
            tar = io.BytesIO()
            with tarfile.open(fileobj=tar, mode="w", format=tarfile.USTAR_FORMAT) as archive:
                for entry, data in kept:
                    info = tarfile.TarInfo(entry)
                    info.size = len(data)
                    archive.addfile(info, io.BytesIO(data))
            save(out, "zip", gzip.compress(tar.getvalue(), mtime=0))


def main():
    sample, out = sys.argv[1], sys.argv[2]
    names = {name.lower(): index for index, name in enumerate(txt_names())}
    zip_seeds(out, sample)
    for entry, data in entries(sample):
        lower = os.path.basename(entry).lower()
        if lower.endswith(".json"):
            try:
                document = json.loads(data)
            except ValueError:
                continue
            save(out, "json", json.dumps(cut(document), indent=1).encode())
        elif lower.endswith(".txt"):
            index = names.get(lower[:-4])
            if index is not None:
                save(out, "txt", bytes([index]) + b"\n".join(data.split(b"\n")[:TXT_LINES]))
        elif lower.endswith(".har"):
            har_seeds(out, data)
        elif lower.endswith((".html", ".htm")):
            save(out, "html", data)


if __name__ == "__main__":
    main()
