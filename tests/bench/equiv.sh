#!/usr/bin/env bash
# equiv.sh - the benchmark's correctness gate: on N generated cases, gdl gives
# no "status": "error" result and the same decisions as the hand-written Lua
# program (reference.lua), case by case. No timing here.
#   equiv.sh GDL GEN_CASES N WORKDIR [CASES.jsonl]
# With CASES.jsonl given (already generated), N is taken from it.
set -euo pipefail

gdl=$1 gen=$2 n=$3 work=$4 cases=${5:-}
here=$(cd "$(dirname "$0")" && pwd)
guideline=$here/../../guidelines/kngf-lbp-2021.gdl
mkdir -p "$work"
if [ -z "$cases" ]; then
    cases=$work/equiv-cases.jsonl
    "$gen" "$n" > "$cases"
fi
n=$(wc -l < "$cases")
results=$work/equiv-gdl.jsonl

rc=0
"$gdl" run --batch "$guideline" < "$cases" > "$results" || rc=$?
errors=$(grep -c '"status": "error"' "$results" || true)
if [ "$errors" -ne 0 ] || [ "$rc" -ne 0 ]; then
    echo "bench-check: gdl exited $rc with $errors error results on $n generated cases; the first:" >&2
    grep -m1 '"status": "error"' "$results" | cut -c1-600 >&2
    exit 1
fi

lua5.4 "$here/reference.lua" < "$cases" > "$work/equiv-lua.txt"
lua5.4 "$here/reference.lua" --from-gdl < "$results" > "$work/equiv-gdl.txt"
if ! cmp -s "$work/equiv-lua.txt" "$work/equiv-gdl.txt"; then
    line=$(cmp "$work/equiv-lua.txt" "$work/equiv-gdl.txt" 2>&1 | sed -n 's/.*line \([0-9]*\).*/\1/p' || true)
    echo "bench-check: gdl and reference.lua disagree; first differing case is line ${line:-?} of $cases:" >&2
    if [ -n "$line" ]; then
        echo "  lua: $(sed -n "${line}p" "$work/equiv-lua.txt")" >&2
        echo "  gdl: $(sed -n "${line}p" "$work/equiv-gdl.txt")" >&2
        echo "  case: $(sed -n "${line}p" "$cases")" >&2
    else
        cmp "$work/equiv-lua.txt" "$work/equiv-gdl.txt" >&2 || true
    fi
    exit 1
fi
echo "bench-check: gdl and reference.lua agree on all $n generated cases (0 errors)"
