#!/bin/sh
# Score govner against the development data beside the repository (not shipped, not needed by the
# tests): People's Daily 1998 dev, CLUENER train, and the hand-checked 湖南日报 report.
#   tools/evaluate.sh [BUILD_DIR] [SHARED_DIR]
set -eu
build=${1:-build}
shared=${2:-../shared}
govner="$build/src/cli/govner"
score="$shared/tools/nerscore"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "== People's Daily 1998 dev"
"$score" text "$shared/data/pd98/example.dev" > "$tmp/pd.txt"
"$govner" --lines < "$tmp/pd.txt" > "$tmp/pd.jsonl"
"$score" score "$shared/data/pd98/example.dev" "$tmp/pd.jsonl"

echo "== CLUENER train (person=name, title=position)"
"$score" text "$shared/data/cluener/train.json" > "$tmp/cl.txt"
"$govner" --lines < "$tmp/cl.txt" > "$tmp/cl.jsonl"
"$score" score "$shared/data/cluener/train.json" "$tmp/cl.jsonl"

echo "== 湖南日报 2021-08-09 (nested: titles contain organizations)"
"$govner" --lines < "$shared/examples/hunan-2021-08-09.txt" > /dev/null
tr '\n' ' ' < "$shared/examples/hunan-2021-08-09.txt" | sed 's/ $//' > "$tmp/hn.txt"
"$govner" < "$shared/examples/hunan-2021-08-09.txt" > "$tmp/hn.json"
"$score" score "$shared/examples/hunan-2021-08-09.gold.json" "$tmp/hn.json" --nested
