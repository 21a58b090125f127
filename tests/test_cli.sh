#!/bin/sh
# The govner command's contract: modes, output fields, batches, exit codes, bad input.
#   test_cli.sh GOVNER RULES TESTS_DIR
set -u
govner=$1
rules=$2
tests=$3
tmp=$(mktemp -d)
trap 'chmod -R u+rwx "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
failures=0
check() { # check DESCRIPTION COMMAND...: the command must succeed
    desc=$1
    shift
    if "$@"; then echo "ok   $desc"; else echo "FAIL $desc"; failures=$((failures + 1)); fi
}
g() { "$govner" --rules "$rules" "$@"; }
report="$tests/cases/hunan-2021-08-09.txt"

# --help and usage errors
check "--help goes to stdout, exit 0" sh -c "'$govner' --help | grep -q '^Usage: govner'"
"$govner" --frobnicate > "$tmp/usage.out" 2> "$tmp/err"
check "unknown option: exit 2, message on stderr" sh -c "[ $? -eq 2 ] && grep -q 'govner: error: unknown option' '$tmp/err' && [ ! -s '$tmp/usage.out' ]"
"$govner" -j zero x > /dev/null 2>&1
check "bad -j value: exit 2" [ $? -eq 2 ]

# stdin: one JSON object, text equals the input slice at both offset pairs
g < "$report" > "$tmp/one.json"
check "stdin gives one JSON object" python3 - "$tmp/one.json" "$report" <<'PY'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
text = open(sys.argv[2], encoding="utf-8").read()
raw = text.encode("utf-8")
assert d["encoding"] == "utf-8" and len(d["entities"]) > 40
for e in d["entities"]:
    assert e["text"] == text[e["start"]:e["end"]], e
    assert raw[e["byte_start"]:e["byte_end"]].decode("utf-8") == e["text"], e
    assert e["type"] in ("person", "title", "place", "organization", "reference") and e["rule"]
    if e["type"] == "person":
        assert isinstance(e["titles"], list)
persons = {e["text"]: e["titles"] for e in d["entities"] if e["type"] == "person"}
assert persons["许达哲"] == ["省委书记", "省人大常委会主任", "省委新冠肺炎疫情防控工作领导小组第一组长"], persons["许达哲"]
hunan = [e for e in d["entities"] if e["text"] == "湖南省" and e["type"] == "place"]
assert hunan and hunan[0]["code"] == "430000" and hunan[0]["level"] == "province"
ours = [e for e in d["entities"] if e["text"] == "我省"]
assert ours and all(e["type"] == "reference" and e["resolved"] == "湖南省" for e in ours), ours
PY
echo "许达哲出席" | g - > "$tmp/dash.json"
check "'-' reads stdin" grep -q '"entities"' "$tmp/dash.json"

# --lines: one object per line, empty lines give empty entity lists, offsets per line
printf '省委书记许达哲出席会议。\n\n长沙\r\n' | g --lines > "$tmp/lines.jsonl"
check "--lines gives one record per line" [ "$(wc -l < "$tmp/lines.jsonl")" -eq 3 ]
check "--lines records" python3 - "$tmp/lines.jsonl" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
assert [r["line"] for r in rows] == [1, 2, 3]
assert rows[1]["entities"] == []
assert any(e["text"] == "许达哲" and e["start"] == 4 for e in rows[0]["entities"])
assert rows[2]["entities"][0]["text"] == "长沙" and rows[2]["entities"][0]["start"] == 0
PY

# --jsonl: a line that fails (here a rule hits its match limit) still gives a record, with the
# input's id, so scripts can join results to inputs
mkdir -p "$tmp/slow"
printf 'layer names place\nclass han /\\p{sc=Han}/\nphase one\nrule p\n  match o=((%%han | %%han %%han)+ "x")\n  emit place o\n' > "$tmp/slow/main.rules"
long=$(python3 -c 'print("中" * 300)')
printf '{"id":"a1","text":"%s"}\n{"id":"a2","text":"中x"}\nbroken\n' "$long" |
    "$govner" --rules "$tmp/slow" --jsonl > "$tmp/fail.jsonl" 2> "$tmp/fail.err"
check "--jsonl failures: exit 1" [ $? -eq 1 ]
check "--jsonl failed records carry the id" python3 - "$tmp/fail.jsonl" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
assert [r.get("id") for r in rows] == ["a1", "a2", None], rows
assert rows[0]["error"] is True and rows[0]["entities"] == []
assert rows[1]["entities"][0]["text"] == "中x" and "error" not in rows[1]
assert rows[2]["error"] is True and rows[2]["line"] == 3
PY
check "--jsonl failures: reasons on stderr" sh -c "grep -q 'limit' '$tmp/fail.err' && grep -q 'line 3' '$tmp/fail.err'"

# --lines with -j: blocks of lines matched by several workers give exactly the output and the
# messages (in order) of one, across blocks, with failed lines and repaired ones among them
python3 - "$report" > "$tmp/many.jsonl" <<'PY'
import json, sys
lines = [l for l in open(sys.argv[1], encoding="utf-8").read().split("。") if l.strip()]
for i in range(3000):
    if i % 701 == 5:
        print("not json")
    else:
        print(json.dumps({"id": i, "text": lines[i % len(lines)]}, ensure_ascii=False))
PY
printf '{"id":"bad","text":"长沙\\u0000湖南"}\n' >> "$tmp/many.jsonl"
g -j 1 --jsonl < "$tmp/many.jsonl" > "$tmp/many1.jsonl" 2> "$tmp/many1.err"
rc1=$?
g --jsonl < "$tmp/many.jsonl" > "$tmp/many_default.jsonl" 2> /dev/null
check "--jsonl with the default workers: output identical to -j 1" cmp -s "$tmp/many1.jsonl" "$tmp/many_default.jsonl"
g -j 3 --jsonl < "$tmp/many.jsonl" > "$tmp/many3.jsonl" 2> "$tmp/many3.err"
rc3=$?
check "--lines -j 3: same exit status" [ "$rc1" -eq 1 ] && [ "$rc3" -eq 1 ]
check "--lines -j 3: one record per line" [ "$(wc -l < "$tmp/many3.jsonl")" -eq 3001 ]
check "--lines -j 3: output identical to -j 1" cmp -s "$tmp/many1.jsonl" "$tmp/many3.jsonl"
check "--lines -j 3: messages identical to -j 1" cmp -s "$tmp/many1.err" "$tmp/many3.err"
check "--lines -j 3: five failed lines reported" [ "$(grep -c 'error:' "$tmp/many3.err")" -eq 5 ]

# Batches: files and directories, JSON Lines with source, -o mirrors the tree, -j does not change output
mkdir -p "$tmp/in/a/b" "$tmp/outdir"
cp "$report" "$tmp/in/a/report.txt"
printf '国务院总理李鹏会见了他们。' > "$tmp/in/a/b/li.txt"
printf '' > "$tmp/in/empty.txt"
for i in 1 2 3 4 5 6 7 8; do printf '湖南省长沙市%s' "$i" > "$tmp/in/a/b/n$i.txt"; done
g -j 1 "$tmp/in" > "$tmp/batch1.jsonl"
check "batch exit 0" [ $? -eq 0 ]
check "batch: one record per file" [ "$(wc -l < "$tmp/batch1.jsonl")" -eq 11 ]
check "batch records carry source" grep -q "\"source\":\"$tmp/in/a/b/li.txt\"" "$tmp/batch1.jsonl"
g -j 3 "$tmp/in" > "$tmp/batch3.jsonl"
check "-j 3 output identical to -j 1" cmp -s "$tmp/batch1.jsonl" "$tmp/batch3.jsonl"
g -j 2 -o "$tmp/outdir" "$tmp/in" > "$tmp/o.stdout"
check "-o writes nothing to stdout" [ ! -s "$tmp/o.stdout" ]
check "-o mirrors the input tree" [ -f "$tmp/outdir/a/b/li.txt.json" ] && [ -f "$tmp/outdir/a/report.txt.json" ] && [ -f "$tmp/outdir/empty.txt.json" ]
check "-o leaves no temporary files" [ -z "$(find "$tmp/outdir" -name '*.tmp.*')" ]
check "-o file is the same record" sh -c "grep -F \"\$(cat '$tmp/outdir/a/b/li.txt.json')\" '$tmp/batch1.jsonl' >/dev/null"

# A failing file in a batch: named on stderr, exit 1, the others still written
chmod 000 "$tmp/in/a/b/n3.txt"
if [ "$(id -u)" -eq 0 ]; then rm -f "$tmp/in/a/b/n3.txt"; ln -s "$tmp/nowhere" "$tmp/in/a/b/n3.txt"; fi
g "$tmp/in" "$tmp/missing.txt" > "$tmp/partial.jsonl" 2> "$tmp/partial.err"
check "partial batch: exit 1" [ $? -eq 1 ]
check "partial batch: missing file named" grep -q "govner: error: $tmp/missing.txt" "$tmp/partial.err"
check "partial batch: bad entry named" grep -q "n3.txt" "$tmp/partial.err"
check "partial batch: good files written" [ "$(wc -l < "$tmp/partial.jsonl")" -eq 10 ]

# Bad input: invalid UTF-8 is replaced with a warning and entities are still found
printf '湖南\377长沙' | g > "$tmp/bad.json" 2> "$tmp/bad.err"
check "invalid UTF-8: exit 0" [ $? -eq 0 ]
check "invalid UTF-8: warning names the position" grep -q "warning: stdin: 1 invalid UTF-8 sequence(s) or NUL byte(s) replaced by U+FFFD, first at byte 6" "$tmp/bad.err"
printf '湖南\000长沙' | g > "$tmp/nul.json" 2> "$tmp/nul.err"
check "NUL byte: replaced with a warning, entities found" sh -c "grep -q '长沙' '$tmp/nul.json' && grep -q 'first at byte 6' '$tmp/nul.err'"
printf '\357\273\277长沙\r\n' | g --lines > "$tmp/bom.jsonl"
check "BOM and CRLF: offsets after the BOM" grep -q '"text":"长沙","start":0' "$tmp/bom.jsonl"
: | g > "$tmp/empty.json"
check "empty input: empty entity list" grep -q '"entities":\[\]' "$tmp/empty.json"
check "invalid UTF-8: entities around it found" sh -c "grep -q '长沙' '$tmp/bad.json' && grep -q '湖南' '$tmp/bad.json'"
# GB18030 / GBK: detected and decoded
printf '省委书记许达哲出席会议' | iconv -f UTF-8 -t GBK > "$tmp/gbk.txt"
g "$tmp/gbk.txt" > "$tmp/gbk.jsonl"
check "GBK file detected" grep -q '"encoding":"gb18030"' "$tmp/gbk.jsonl"
check "GBK file: entities found" grep -q '许达哲' "$tmp/gbk.jsonl"
g --encoding GBK < "$tmp/gbk.txt" > "$tmp/gbk2.json"
check "--encoding forces a decoder" grep -q '许达哲' "$tmp/gbk2.json"
# UTF-16 and UTF-32 with a byte order mark (Windows "Unicode" files): detected, whole files, stdin
# and --lines (the stream converted whole; lines numbered as in the text; -j 2 gives the same)
printf '省委书记许达哲出席会议。\n省长毛伟明讲话。\n' > "$tmp/u8.txt"
for enc in UTF-16LE UTF-16BE UTF-32LE UTF-32BE; do
    case $enc in
        UTF-16LE) bom='\377\376' ;; UTF-16BE) bom='\376\377' ;;
        UTF-32LE) bom='\377\376\000\000' ;; UTF-32BE) bom='\000\000\376\377' ;;
    esac
    lower=$(echo "$enc" | tr 'A-Z' 'a-z')
    { printf "$bom"; iconv -f UTF-8 -t "$enc" "$tmp/u8.txt"; } > "$tmp/$enc.txt"
    g "$tmp/$enc.txt" > "$tmp/$enc.json"
    check "$enc with a BOM, a file: detected, entities found" sh -c "grep -q '\"encoding\":\"$lower\"' '$tmp/$enc.json' && grep -q '\"text\":\"毛伟明\"' '$tmp/$enc.json'"
    g --lines < "$tmp/$enc.txt" > "$tmp/$enc.lines"
    check "$enc with a BOM, --lines: two lines, numbered" sh -c "[ \$(wc -l < '$tmp/$enc.lines') -eq 2 ] && grep -q '^{\"line\":2,\"encoding\":\"$lower\".*毛伟明' '$tmp/$enc.lines'"
    g --lines -j 2 "$tmp/$enc.txt" | sed 's/^{"source":"[^"]*",/{/' > "$tmp/$enc.lines2"
    check "$enc with a BOM, --lines FILE -j 2: the same lines" cmp -s "$tmp/$enc.lines" "$tmp/$enc.lines2"
done
g < "$tmp/UTF-16LE.txt" > "$tmp/u16.json"
check "UTF-16 with a BOM on stdin: offsets into the decoded text" python3 - "$tmp/u16.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
text = "省委书记许达哲出席会议。\n省长毛伟明讲话。\n"
assert d["encoding"] == "utf-16le"
for e in d["entities"]:
    assert text[e["start"]:e["end"]] == e["text"], e
    assert text.encode("utf-8")[e["byte_start"]:e["byte_end"]].decode("utf-8") == e["text"], e
PY
iconv -f UTF-8 -t UTF-16LE "$tmp/u8.txt" > "$tmp/in/nobom16.txt"
g "$tmp/in/nobom16.txt" > /dev/null 2> "$tmp/nobom.err"
check "UTF-16 without a BOM: the message asks for --encoding" grep -q -e '--encoding' "$tmp/nobom.err"
printf '省委书记许达哲出席会议' | iconv -f UTF-8 -t UTF-16LE > "$tmp/nonl16.txt"
g "$tmp/nonl16.txt" > /dev/null 2> "$tmp/nonl16.err"
check "UTF-16 without a BOM or NUL bytes: the warning asks for --encoding" grep -q 'name it with --encoding' "$tmp/nonl16.err"
check "UTF-16 without a BOM, --encoding UTF-16LE: read" sh -c "g() { '$govner' --rules '$rules' \"\$@\"; }; g --encoding UTF-16LE '$tmp/in/nobom16.txt' | grep -q '许达哲'"
{ printf '\377\376'; printf 'x'; } > "$tmp/odd16.txt"
g --lines "$tmp/odd16.txt" > "$tmp/odd16.out" 2> "$tmp/odd16.err"
check "--lines: a BOM before bytes that are not UTF-16: an error, exit 1" sh -c "[ $? -eq 1 ] && grep -q 'byte order mark' '$tmp/odd16.err'"
head -c 4096 /dev/zero > "$tmp/in/binary.bin"
g "$tmp/in/binary.bin" > /dev/null 2> "$tmp/bin.err"
check "binary file: skipped with a message, exit 1" sh -c "[ $? -eq 1 ] && grep -q 'binary file' '$tmp/bin.err'"

# Directory symlink loops and FIFOs are named and skipped; the rest is written
mkdir -p "$tmp/loop/d"
printf '长沙' > "$tmp/loop/d/a.txt"
ln -s .. "$tmp/loop/d/up"
mkfifo "$tmp/loop/fifo"
g "$tmp/loop" > "$tmp/loop.jsonl" 2> "$tmp/loop.err"
check "symlink loop: exit 1" [ $? -eq 1 ]
check "symlink loop: named" grep -q "symlink loop" "$tmp/loop.err"
check "FIFO in a directory: named" grep -q "fifo: not a regular file" "$tmp/loop.err"
check "symlink loop: files still read once" [ "$(grep -c '长沙' "$tmp/loop.jsonl")" -eq 1 ]
g "$tmp/loop/fifo" > /dev/null 2> "$tmp/fifo.err"
check "FIFO argument: refused without blocking" sh -c "[ $? -eq 1 ] && grep -q 'not a regular file' '$tmp/fifo.err'"

# Rules: errors name file:line:col and exit 4
printf 'layer names person\nphase a\nrule r\n  match n=@nope\n  emit person n\n' > "$tmp/bad.rules"
"$govner" --rules "$tmp/bad.rules" < /dev/null > /dev/null 2> "$tmp/rules.err"
check "rule error: exit 4" [ $? -eq 4 ]
check "rule error: file:line:col" grep -q "bad.rules:4:11: unknown lexicon '@nope'" "$tmp/rules.err"
"$govner" --rules "$tmp/nonexistent" < /dev/null > /dev/null 2>&1
check "missing rules: exit 4" [ $? -eq 4 ]

# Output errors: a full disk is reported, exit 3
if [ -w /dev/full ]; then
    g < "$report" > /dev/full 2> "$tmp/full.err"
    check "write error: exit 3" [ $? -eq 3 ]
    check "write error: message" grep -q "govner: error: writing output" "$tmp/full.err"
fi

# Long lines are matched in segments. seg_check DESCRIPTION FILE KEY COUNTS: FILE as one document
# exits 0, every entity's text is the slice at both offset pairs, and the entities counted by KEY
# ("type"; or a type, counting the texts of its entities) are COUNTS (JSON).
cat > "$tmp/segments.py" <<'PY'
import collections, json, sys
out, src, key, want = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
d = json.load(open(out, encoding="utf-8"))
text = open(src, encoding="utf-8").read()
raw = text.encode("utf-8")
for e in d["entities"]:
    assert text[e["start"]:e["end"]] == e["text"] and raw[e["byte_start"]:e["byte_end"]].decode() == e["text"]
if key == "type":
    count = collections.Counter(e["type"] for e in d["entities"])
else:
    count = collections.Counter(e["text"] for e in d["entities"] if e["type"] == key)
assert count == want, count.most_common(5)
PY
seg_check() {
    g < "$2" > "$tmp/seg.json"
    check "$1: exit 0" [ $? -eq 0 ]
    check "$1: every entity found, offsets exact" python3 "$tmp/segments.py" "$tmp/seg.json" "$2" "$3" "$4"
}
# No newline: entities all along
python3 -c "import sys; sys.stdout.write('省委书记许达哲出席会议，湖南省长沙市召开会议。' * 150000)" > "$tmp/long.txt"
seg_check "3 MB line" "$tmp/long.txt" type '{"title": 150000, "organization": 150000, "person": 150000, "place": 300000}'
# No sentence end: segments end at a clause break (，), never inside a name
python3 -c "import sys; sys.stdout.write('湖南省长沙市，' * 150000)" > "$tmp/clauses.txt"
seg_check "3 MB line without sentence ends" "$tmp/clauses.txt" place '{"湖南省": 150000, "长沙市": 150000}'
# Mostly ASCII: segments are cut by code points there, not bytes
python3 -c "import sys; sys.stdout.write('Minutes of the meeting, page 12: 长沙市 and more text here. ' * 80000)" > "$tmp/ascii.txt"
seg_check "5 MB ASCII line" "$tmp/ascii.txt" place '{"长沙市": 80000}'

# --jsonl records without fields of their own get none (the prefix was left unterminated once)
python3 -c "
import json
for i in range(300):
    print(json.dumps({'text': '湖南省长沙市' * (i % 7 + 1)} if i % 3 else {'id': i, 'text': '北京'}, ensure_ascii=False))
" > "$tmp/bare.jsonl"
g -j 1 --jsonl < "$tmp/bare.jsonl" > "$tmp/bare.out"
check "--jsonl without other fields: records start with \"line\"" python3 - "$tmp/bare.out" <<'PY'
import json, sys
for i, raw in enumerate(open(sys.argv[1], "rb")):
    want = b'{"id":%d,"line":' % i if i % 3 == 0 else b'{"line":'
    assert raw.startswith(want), (i, raw[:40])
    json.loads(raw)
PY

# A caller that writes a line and waits for its answer gets it (a coprocess), with one worker and
# with several, for --lines and --jsonl
for args in "--lines" "-j 1 --lines" "-j 3 --jsonl"; do
    check "answers each line as it comes ($args)" python3 - "$govner" "$rules" $args <<'PY'
import json, select, subprocess, sys
govner, rules, args = sys.argv[1], sys.argv[2], sys.argv[3:]
p = subprocess.Popen([govner, "--rules", rules] + args, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
for i, text in enumerate(["湖南省长沙市", "北京"]):
    p.stdin.write(((json.dumps({"text": text}, ensure_ascii=False) if "--jsonl" in args else text) + "\n").encode())
    p.stdin.flush()
    ready, _, _ = select.select([p.stdout], [], [], 20)
    assert ready, "no answer to line %d before the next" % (i + 1)
    rec = json.loads(p.stdout.readline())
    assert rec["line"] == i + 1 and rec["entities"][0]["text"] == text[:3], rec
p.stdin.close()
assert p.stdout.read() == b"" and p.wait() == 0
PY
done

# TSV
echo "长沙" | g --format tsv > "$tmp/out.tsv"
check "--format tsv" grep -q "^stdin	place	长沙	0	2	" "$tmp/out.tsv"

# --profile: the work of each rule on stderr, summed over workers; the output does not change
g --lines < "$report" > "$tmp/plain.jsonl"
g -j 1 --lines --profile < "$report" > "$tmp/prof.jsonl" 2> "$tmp/prof.err"
check "--profile leaves the output as it is" cmp -s "$tmp/plain.jsonl" "$tmp/prof.jsonl"
check "--profile prints a table of rules" sh -c "head -1 '$tmp/prof.err' | grep -q '^rule .*starts.*tried.*matched' &&
    grep -q '^person.after_title  *persons.rules:[0-9]' '$tmp/prof.err' && tail -1 '$tmp/prof.err' | grep -q '^all rules'"
g --lines -j 3 --profile < "$report" > /dev/null 2> "$tmp/prof3.err"
check "--profile -j 3 counts the same work" sh -c "[ \"\$(awk '!/^all rules/ {print \$1, \$3, \$4, \$5, \$6}' '$tmp/prof.err' | sort)\" = \
    \"\$(awk '!/^all rules/ {print \$1, \$3, \$4, \$5, \$6}' '$tmp/prof3.err' | sort)\" ]"

# A long document with one bad byte at its end is matched once: the rules' work (--profile's tried
# column) is that of the same text with the byte already replaced by U+FFFD, not that plus the
# segments matched before the bad byte was met.
for _ in $(seq 80); do cat "$report"; done > "$tmp/long_ok.txt"
cp "$tmp/long_ok.txt" "$tmp/long_bad.txt"
printf '\377' >> "$tmp/long_bad.txt"
printf '\357\277\275' >> "$tmp/long_ok.txt"
tried() { g -j 1 --profile < "$1" 2>&1 > /dev/null | awk '$2 ~ /\.rules:/ { n += $4 } END { print n + 0 }'; }
check "a long document with a bad byte late is matched once" sh -c "[ $(tried "$tmp/long_bad.txt") -eq $(tried "$tmp/long_ok.txt") ] && [ $(tried "$tmp/long_ok.txt") -gt 1000 ]"
g < "$tmp/long_bad.txt" > "$tmp/long_bad.json" 2> /dev/null
g < "$tmp/long_ok.txt" > "$tmp/long_ok.json"
check "... and gives the output of the repaired text" cmp -s "$tmp/long_bad.json" "$tmp/long_ok.json"

# The compiled-lexicon cache: written by the first run, mapped by the next, same output as
# --no-cache; a changed lexicon file is seen at once; --no-cache and GOVNER_CACHE_DIR= write nothing
cp -r "$rules" "$tmp/rules_copy"
gc() { GOVNER_CACHE_DIR="$tmp/cache" "$govner" --rules "$tmp/rules_copy" "$@"; }
gc --no-cache < "$report" > "$tmp/nocache.json"
check "--no-cache writes no image" [ ! -e "$tmp/cache" ]
gc < "$report" > "$tmp/cold.json"
check "the first run writes one image" [ "$(ls "$tmp/cache" | wc -l)" -eq 1 ]
gc < "$report" > "$tmp/warm.json"
check "output with the image written, mapped and without it is the same" sh -c \
    "cmp -s '$tmp/nocache.json' '$tmp/cold.json' && cmp -s '$tmp/nocache.json' '$tmp/warm.json'"
printf '龙山湾\tlevel=country\n' >> "$tmp/rules_copy/lexicons/countries.txt"
check "a lexicon entry added after the image is found" sh -c "echo 龙山湾 | GOVNER_CACHE_DIR='$tmp/cache' '$govner' --rules '$tmp/rules_copy' | grep -q '\"text\":\"龙山湾\"'"
check "the stale image was replaced, not added to" [ "$(ls "$tmp/cache" | wc -l)" -eq 1 ]
printf 'rule broken\n  match (\n' >> "$tmp/rules_copy/main.rules"
gc < "$report" > /dev/null 2> "$tmp/broken.err"
check "a rule error after the image: exit 4, reported at its line" sh -c \
    "[ $? -eq 4 ] && grep -q 'main.rules:[0-9]*:[0-9]*: ' '$tmp/broken.err'"
echo 长沙 | GOVNER_CACHE_DIR= "$govner" --rules "$rules" > /dev/null
check "GOVNER_CACHE_DIR set but empty: works" [ $? -eq 0 ]

[ "$failures" -eq 0 ] || { echo "$failures failed"; exit 1; }
