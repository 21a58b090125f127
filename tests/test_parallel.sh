#!/bin/sh
# Scaling out with GNU parallel: JSON Lines in blocks through several govner processes gives the same
# records as one process. `--sshlogin :` is the local host; list real hosts the same way.
#   test_parallel.sh GOVNER RULES SOURCE_ROOT
set -u
govner=$1
rules=$2
root=$3
if ! command -v parallel > /dev/null; then
    echo "GNU parallel is not installed (apt-get install parallel)"
    exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# 300 documents as JSON Lines with ids.
python3 - "$root/examples/hunan-2021-08-09.txt" > "$tmp/in.jsonl" << 'PY'
import json, sys
lines = [l for l in open(sys.argv[1], encoding="utf-8").read().split("。") if l.strip()]
for i in range(300):
    print(json.dumps({"id": i, "text": lines[i % len(lines)]}, ensure_ascii=False))
PY
"$govner" --rules "$rules" -j 1 --jsonl < "$tmp/in.jsonl" | sed 's/"line":[0-9]*,//' > "$tmp/one.jsonl"
parallel --will-cite --pipe -N 40 --keep-order -j 2 "$govner" -j 1 --rules "$rules" --jsonl < "$tmp/in.jsonl" |
    sed 's/"line":[0-9]*,//' > "$tmp/par.jsonl"
cmp "$tmp/one.jsonl" "$tmp/par.jsonl" || { echo "parallel --pipe output differs"; exit 1; }
parallel --will-cite --pipe -N 40 --keep-order --sshlogin 2/: "$govner" -j 1 --rules "$rules" --jsonl < "$tmp/in.jsonl" |
    sed 's/"line":[0-9]*,//' > "$tmp/ssh.jsonl"
cmp "$tmp/one.jsonl" "$tmp/ssh.jsonl" || { echo "parallel --sshlogin output differs"; exit 1; }
[ "$(wc -l < "$tmp/par.jsonl")" -eq 300 ] || exit 1
echo "300 records, identical through GNU parallel"
