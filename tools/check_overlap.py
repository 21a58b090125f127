#!/usr/bin/env python3
"""Report rule examples and golden test lines that share a run of characters with the evaluation
data in ../shared/data (the data must never be copied into the repository: examples are written
in sentences of our own).

    tools/check_overlap.py [--window N] [--shared DIR]

Exit status 1 when some example or line shares N (default 10) consecutive characters with the data.
"""
import argparse
import glob
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def data_text(shared):
    """The data as plain text: JSON lines as they are, BIO files (one character per line) joined."""
    raw, stream = [], []
    for path in glob.glob(os.path.join(shared, "data", "**", "*"), recursive=True):
        if not os.path.isfile(path):
            continue
        with open(path, encoding="utf-8", errors="ignore") as f:
            text = f.read()
        raw.append(text)
        for line in text.split("\n"):
            parts = line.split()
            if parts and len(parts[0]) == 1:
                stream.append(parts[0])
    return "\n".join(raw), "".join(stream)


def ours():
    """(where, text) of every rule example and golden input line."""
    for path in sorted(glob.glob(os.path.join(ROOT, "rules", "*.rules"))):
        with open(path, encoding="utf-8") as f:
            for no, line in enumerate(f, 1):
                for m in re.finditer(r'example "([^"]*)"', line):
                    yield f"{os.path.relpath(path, ROOT)}:{no}", m.group(1)
    for path in sorted(glob.glob(os.path.join(ROOT, "tests", "cases", "*.txt"))):
        with open(path, encoding="utf-8") as f:
            for no, line in enumerate(f, 1):
                if line.strip():
                    yield f"{os.path.relpath(path, ROOT)}:{no}", line.strip()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--window", type=int, default=10)
    ap.add_argument("--shared", default=os.path.join(ROOT, "..", "shared"))
    args = ap.parse_args()
    raw, stream = data_text(args.shared)
    if not raw:
        sys.exit(f"no data under {args.shared}/data")
    found = 0
    n = args.window
    for where, text in ours():
        for i in range(len(text) - n + 1):
            piece = text[i:i + n]
            if piece in raw or piece in stream:
                print(f"{where}: shares '{piece}'")
                found += 1
                break
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
