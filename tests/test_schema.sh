#!/bin/sh
# The JSON output validates against schema/govner-output.schema.json, in every mode.
#   test_schema.sh GOVNER RULES SOURCE_ROOT
set -u
govner=$1
rules=$2
root=$3
py=python3
[ -x /usr/bin/python3 ] && py=/usr/bin/python3 # Debian's python3, where python3-jsonschema lives
if ! $py -c 'import jsonschema' 2> /dev/null; then
    echo "python3-jsonschema is not installed (apt-get install python3-jsonschema)"
    exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$govner" --rules "$rules" --explain < "$root/examples/hunan-2021-08-09.txt" > "$tmp/a.jsonl" || exit 1
"$govner" --rules "$rules" --lines < "$root/tests/cases/small.lines.txt" >> "$tmp/a.jsonl" || exit 1
"$govner" --rules "$rules" "$root/examples" >> "$tmp/a.jsonl" || exit 1
printf '{"id":1,"text":"省委书记许达哲出席"}\nbroken\n' | "$govner" --rules "$rules" --jsonl >> "$tmp/a.jsonl" 2> /dev/null
$py - "$root/schema/govner-output.schema.json" "$tmp/a.jsonl" << 'PY'
import json, sys, jsonschema
schema = json.load(open(sys.argv[1], encoding="utf-8"))
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)
n = 0
for line in open(sys.argv[2], encoding="utf-8"):
    validator.validate(json.loads(line))
    n += 1
assert n >= 12, n
print(f"{n} records valid")
PY
