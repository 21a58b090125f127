#!/bin/sh
# Golden diagnostics: loading bad_rules/NAME.rules must fail with exit status 4 and print exactly
# bad_rules/NAME.stderr (file:line:col: message, the source line and a caret). UPDATE=1 rewrites.
set -u
govner=$1
dir=$2
cd "$dir" || exit 1
fail=0
n=0
for rules in *.rules; do
    [ -e "$rules" ] || continue
    case "$rules" in inc_*) continue ;; esac
    n=$((n + 1))
    expected=${rules%.rules}.stderr
    actual=$(mktemp)
    "$govner" check --rules "$rules" > /dev/null 2> "$actual"
    rc=$?
    if [ "$rc" -ne 4 ]; then
        echo "FAIL $rules: exit status $rc, expected 4"
        cat "$actual"
        fail=1
    elif [ "${UPDATE:-0}" = 1 ]; then
        cp "$actual" "$expected"
    elif ! diff -u "$expected" "$actual"; then
        echo "FAIL $rules: diagnostics differ from $expected"
        fail=1
    fi
    rm -f "$actual"
done
[ "$n" -gt 0 ] || { echo "no bad rule files in $dir"; exit 1; }
echo "$n bad rule files"
exit $fail
