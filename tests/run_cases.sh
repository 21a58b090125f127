#!/bin/sh
# Golden end-to-end cases: cases/NAME.txt is one document, cases/NAME.lines.txt is read with --lines;
# the output must equal cases/NAME.json byte for byte. UPDATE=1 rewrites the expected files.
set -u
govner=$1
rules=$2
dir=$3
fail=0
n=0
for input in "$dir"/*.txt; do
    [ -e "$input" ] || continue
    n=$((n + 1))
    case "$input" in
    *.lines.txt) expected=${input%.lines.txt}.json; mode=--lines ;;
    *) expected=${input%.txt}.json; mode= ;;
    esac
    actual=$(mktemp)
    "$govner" --rules "$rules" $mode < "$input" > "$actual"
    rc=$?
    if [ "$rc" -ne 0 ]; then
        echo "FAIL $input: exit status $rc"
        fail=1
    elif [ "${UPDATE:-0}" = 1 ]; then
        cp "$actual" "$expected"
        echo "updated $expected"
    elif ! diff -u "$expected" "$actual"; then
        echo "FAIL $input: output differs from $expected"
        fail=1
    fi
    rm -f "$actual"
done
[ "$n" -gt 0 ] || { echo "no cases in $dir"; exit 1; }
echo "$n cases"
exit $fail
