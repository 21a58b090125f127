#!/bin/sh
# `meson install` into a fresh prefix: the installed govner finds the installed rules from any
# directory, and the examples build against the installed library with pkg-config and run.
#   test_install.sh SOURCE_ROOT
set -eu
root=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
meson setup "$tmp/build" "$root" --prefix="$tmp/prefix" -Dtests=false > "$tmp/log" 2>&1 || { cat "$tmp/log"; exit 1; }
meson install -C "$tmp/build" > "$tmp/log" 2>&1 || { cat "$tmp/log"; exit 1; }
p=$tmp/prefix
test -x "$p/bin/govner"
test -f "$p/include/govner.h"
test -f "$p/share/man/man1/govner.1"
test -f "$p/share/bash-completion/completions/govner"
test -f "$p/share/govner/rules/main.rules"
lib=$(find "$p" -name 'libgovner.so.0*' | head -n 1)
test -n "$lib"
find "$p" -name 'libgovner.a' | grep -q .
pc=$(dirname "$(find "$p" -name govner.pc | head -n 1)")
# The installed command, run from elsewhere, finds its installed rules.
cd /
echo "省委书记许达哲出席会议" | "$p/bin/govner" | grep -q '"text":"许达哲"'
"$p/bin/govner" check > /dev/null
# The examples build against the installed library and run.
export PKG_CONFIG_PATH=$pc
libdir=$(dirname "$lib")
for ex in entities officials; do
    cc -Wall -Werror "$root/examples/$ex.c" $(pkg-config --cflags --libs govner) -o "$tmp/$ex"
    LD_LIBRARY_PATH=$libdir "$tmp/$ex" "$p/share/govner/rules" < "$root/examples/hunan-2021-08-09.txt" > "$tmp/$ex.out"
done
grep -q "^person	许达哲	" "$tmp/entities.out"
grep -q "^organization	国家卫健委	188	193	full=国家卫生健康委员会$" "$tmp/entities.out"
grep -q "^许达哲	省委书记、省人大常委会主任、省委新冠肺炎疫情防控工作领导小组第一组长$" "$tmp/officials.out"
echo "installed and used from $p"
