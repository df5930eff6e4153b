"""What research scripts do today with TikTok data downloads: open each archive with zipfile /
tarfile, json.load every JSON file, read every TXT file, and walk the lists of records.
Prints the number of records seen so the work cannot be skipped."""
import json
import os
import sys
import tarfile
import zipfile


def walk(value):
    """Counts list items anywhere in a parsed document (the loop every script writes)."""
    count = 0
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            count += len(item)
            stack.extend(item)
    return count


def handle(name, data):
    if name.endswith(".json"):
        return walk(json.loads(data.decode("utf-8-sig")))
    if name.endswith(".txt"):
        # Records are "Key: value" blocks separated by blank lines (d3i, petiesmo parsers).
        text = data.decode("utf-8-sig", "replace").replace("\r\n", "\n")
        records = []
        for block in text.split("\n\n"):
            record = {}
            for line in block.split("\n"):
                key, sep, value = line.partition(": ")
                if sep:
                    record[key.strip()] = value.strip()
            if record:
                records.append(record)
        return len(records)
    return 0


def main(paths):
    records = 0
    files = []
    for path in paths:
        if os.path.isdir(path):
            for root, _, names in os.walk(path):
                files.extend(os.path.join(root, n) for n in names)
        else:
            files.append(path)
    for path in sorted(files):
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                for info in archive.infolist():
                    if not info.is_dir():
                        records += handle(info.filename, archive.read(info))
        elif path.endswith((".tar.gz", ".tgz", ".tar")):
            with tarfile.open(path) as archive:
                for member in archive.getmembers():
                    if member.isfile():
                        handle_file = archive.extractfile(member)
                        if handle_file is not None:
                            records += handle(member.name, handle_file.read())
        elif path.endswith((".json", ".txt")):
            with open(path, "rb") as f:
                records += handle(path, f.read())
    print(records)


if __name__ == "__main__":
    main(sys.argv[1:])
