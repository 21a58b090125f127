#!/bin/bash
# govner's benchmark: throughput against reference commands run beside it on the same corpus,
# startup time, peak memory, and batch scaling.
#
#   bench/run.sh [-n RUNS] [-s MB] [-b BUILD_DIR] [-g NAMES] [FILE]
#
# The corpus is FILE (default: the bundled example report) repeated to at least MB megabytes
# (default 32). Every timing is the median of RUNS runs (default 3); ratios compare medians
# measured in this same run. References: GNU grep -c -F -f over the shipped place lexicon (one pass
# of a classic multi-string matcher over the same words), wc -m, and jieba's posseg tagger when
# python3-jieba is installed (run on a 1 MB sample: it is slow). govner runs as it does by default
# (one worker per core) and with -j 1 (one core, as grep): each line shows both ratios. -g NAMES
# adds grep over another list of names (the first column of a TSV file): by default THUOCL's 44,804
# place names (THUOCL_diming) where ../shared/gazetteers has them, the list the performance target
# (issue #5) is stated against.
set -euo pipefail
runs=3
size_mb=32
build=build
names=
while getopts "n:s:b:g:" o; do
    case $o in
    n) runs=$OPTARG ;;
    s) size_mb=$OPTARG ;;
    b) build=$OPTARG ;;
    g) names=$OPTARG ;;
    *) echo "usage: $0 [-n RUNS] [-s MB] [-b BUILD_DIR] [-g NAMES] [FILE]" >&2; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
here=$(cd "$(dirname "$0")/.." && pwd)
src=${1:-$here/examples/hunan-2021-08-09.txt}
govner=$here/$build/src/cli/govner
rules=$here/rules
thuocl=$here/../shared/gazetteers/thuocl/THUOCL_diming.lf.tsv
[ -n "$names" ] || [ ! -r "$thuocl" ] || names=$thuocl
[ -z "$names" ] || [ -r "$names" ] || { echo "bench: cannot read $names" >&2; exit 1; }
[ -x "$govner" ] || { echo "bench: build govner first (meson compile -C $build)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench: needs GNU time (apt-get install time)" >&2; exit 1; }

tmp=$(mktemp -d)
# The compiled-lexicon cache (README: Performance) lives in the run's own directory.
export GOVNER_CACHE_DIR=$tmp/cache
trap '[ -s "$tmp/stderr" ] && [ -n "${BENCH_DEBUG:-}" ] && cat "$tmp/stderr" >&2; rm -rf "$tmp"' EXIT
corpus=$tmp/corpus.txt
while [ "$(stat -c %s "$corpus" 2>/dev/null || echo 0)" -lt $((size_mb * 1000000)) ]; do
    cat "$src" >> "$corpus"
done
bytes=$(stat -c %s "$corpus")
mb=$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1e6 }')
cut -f1 "$rules/lexicons/divisions.txt" "$rules/lexicons/countries.txt" | grep -v '^#' | grep . > "$tmp/places.txt"
n_places=$(wc -l < "$tmp/places.txt")
if [ -n "$names" ]; then
    cut -f1 "$names" | grep . > "$tmp/names.txt"
    n_names=$(wc -l < "$tmp/names.txt")
    names_label="$n_names names of $(basename "$names" | sed 's/\..*//')"
fi

# median_seconds CMD...: run CMD $runs times, print the median wall time. Output goes to a file, not
# /dev/null: GNU grep notices /dev/null and stops at the first match.
median_seconds() {
    for _ in $(seq "$runs"); do
        /usr/bin/time -f "%e" -o "$tmp/t" "$@" > "$tmp/out" 2>> "$tmp/stderr" || true
        cat "$tmp/t"
    done | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'
}
rate() { awk -v b="$1" -v s="$2" 'BEGIN { if (s <= 0) s = 0.001; r = b / 1e6 / s; printf (r < 10 ? "%.2f" : "%.1f"), r }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b <= 0) { print "-"; exit } printf "%.2f", a / b }'; }

echo "corpus: $mb MB ($src repeated), $runs runs each, medians"
echo

# govner as it runs by default (one worker per core), and on one core (-j 1): grep has one thread.
cores=$(nproc)
[ "$cores" -le 8 ] || cores=8   # govner's default: one worker per core, at most 8
t_gov=$(median_seconds "$govner" --rules "$rules" --lines "$corpus")
t_gov1=$(median_seconds "$govner" --rules "$rules" --lines -j 1 "$corpus")
# The same text as one document (matched in 1 MiB segments, one thread): no cost may grow faster
# than the text.
t_doc=$(median_seconds "$govner" --rules "$rules" "$corpus")
t_grep=$(median_seconds grep -c -F -f "$tmp/places.txt" "$corpus")
# grep -c stops reading a line at its first match; -o finds every occurrence, as govner does.
t_grepo=$(median_seconds grep -o -F -f "$tmp/places.txt" "$corpus")
r_names=
if [ -n "$names" ]; then
    r_names=$(rate "$bytes" "$(median_seconds grep -c -F -f "$tmp/names.txt" "$corpus")")
fi
t_wc=$(median_seconds wc -m "$corpus")
r_gov=$(rate "$bytes" "$t_gov")
r_gov1=$(rate "$bytes" "$t_gov1")
r_doc=$(rate "$bytes" "$t_doc")
r_grep=$(rate "$bytes" "$t_grep")
r_grepo=$(rate "$bytes" "$t_grepo")
r_wc=$(rate "$bytes" "$t_wc")

r_jieba=
py=python3
[ -x /usr/bin/python3 ] && py=/usr/bin/python3   # Debian's python3, where python3-jieba lives
if $py -c 'import jieba.posseg' 2> /dev/null; then
    head -c 1000000 "$corpus" | sed '$d' > "$tmp/sample.txt"
    sample=$(stat -c %s "$tmp/sample.txt")
    cat > "$tmp/tag_jieba.py" << 'EOF'
import sys, jieba, jieba.posseg
jieba.setLogLevel(60)
jieba.initialize()
text = open(sys.argv[1], encoding="utf-8", errors="replace").read()
for line in text.splitlines():
    for w in jieba.posseg.cut(line):
        pass
EOF
    t_jieba=$(median_seconds $py "$tmp/tag_jieba.py" "$tmp/sample.txt")
    r_jieba=$(rate "$sample" "$t_jieba")
fi

# Two ratios per line: govner as it runs by default, and govner -j 1, to the command.
row() { printf '%-44s %8s %16s %12s\n' "$1" "$2" "$(ratio "$r_gov" "$2")" "$(ratio "$r_gov1" "$2")"; }
printf '%-44s %8s %16s %12s\n' "command" "MB/s" "govner (j$cores) / it" "-j 1 / it"
row "govner --lines (default: $cores workers)" "$r_gov"
row "govner --lines -j 1 (one core)" "$r_gov1"
row "govner, the corpus as one document" "$r_doc"
row "grep -c -F -f ($n_places place names)" "$r_grep"
row "grep -o -F -f (same names, every match)" "$r_grepo"
[ -z "$r_names" ] || row "grep -c -F -f ($names_label)" "$r_names"
row "wc -m" "$r_wc"
if [ -n "$r_jieba" ]; then
    row "jieba posseg (1 MB sample)" "$r_jieba"
else
    printf '%-44s %8s %16s\n' "jieba posseg" "n/a" "(apt-get install python3-jieba)"
fi
echo

# Startup: rules loaded, one tiny input; median of 11 runs timed in microseconds (GNU time's
# resolution, 10 ms, is too coarse here): as govner runs by default (the compiled lexicons mapped
# from the cache), with --no-cache (built from the rule files), and the first run with an empty
# cache (built, then written).
echo "许达哲出席" > "$tmp/tiny.txt"
startup() { # label, runs, extra options
    local label=$1 n=$2
    shift 2
    for _ in $(seq "$n"); do
        t0=$EPOCHREALTIME
        "$govner" --rules "$rules" "$@" "$tmp/tiny.txt" > /dev/null
        t1=$EPOCHREALTIME
        echo "$t0 $t1"
    done | awk '{ print ($2 - $1) * 1000 }' | sort -n |
        awk -v l="$label" '{ a[NR] = $1 } END { printf "startup (load rules, one tiny input), %s: %.0f ms\n", l, a[int((NR + 1) / 2)] }'
}
rm -rf "$GOVNER_CACHE_DIR"
startup "first run, cache written" 1
startup "cached lexicons (default)" 11
startup "--no-cache" 11 --no-cache

# Peak memory, whole corpus and a tenth of it: --lines must not grow with the input.
/usr/bin/time -f "%M" -o "$tmp/rss" "$govner" --rules "$rules" --lines "$corpus" > /dev/null
rss_full=$(cat "$tmp/rss")
head -c $((bytes / 10)) "$corpus" | sed '$d' > "$tmp/tenth.txt"
/usr/bin/time -f "%M" -o "$tmp/rss" "$govner" --rules "$rules" --lines "$tmp/tenth.txt" > /dev/null
rss_tenth=$(cat "$tmp/rss")
echo "peak RSS --lines: $((rss_full / 1024)) MB on $mb MB, $((rss_tenth / 1024)) MB on a tenth"

# Batch: 400 files, -j 1 against -j 2, identical output required.
mkdir -p "$tmp/batch"
split -n l/400 -d -a 3 "$corpus" "$tmp/batch/doc"
t_j1=$(median_seconds "$govner" --rules "$rules" -j 1 "$tmp/batch")
t_j2=$(median_seconds "$govner" --rules "$rules" -j 2 "$tmp/batch")
"$govner" --rules "$rules" -j 1 "$tmp/batch" > "$tmp/j1.jsonl"
"$govner" --rules "$rules" -j 2 "$tmp/batch" > "$tmp/j2.jsonl"
same=$(cmp -s "$tmp/j1.jsonl" "$tmp/j2.jsonl" && echo identical || echo DIFFERENT)
echo "batch of 400 files: -j 1 ${t_j1}s, -j 2 ${t_j2}s, ratio $(ratio "$t_j2" "$t_j1"), output $same"
