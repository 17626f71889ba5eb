#!/usr/bin/env bash
# cli_checks.sh - behaviour of the gdl command that golden files cannot
# express: reproducible builds, bytecode corruption, batch line accounting,
# stdin input. Each check prints "ok" or "FAIL" with the reason.
set -u
cd "$(dirname "$0")/.."
GDL=${GDL:-bin/gdl}
export GDL_PATH=stdlib
G=guidelines/kngf-lbp-2021.gdl
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# Same source, same bytes.
"$GDL" build "$G" -o "$tmp/a.gdlb" && "$GDL" build "$G" -o "$tmp/b.gdlb" \
    && cmp -s "$tmp/a.gdlb" "$tmp/b.gdlb" && ok || bad "two builds differ"

# Running the .gdlb gives what running the source gives.
"$GDL" run "$G" examples/profile3.json > "$tmp/src.json"
"$GDL" run "$tmp/a.gdlb" examples/profile3.json > "$tmp/bin.json"
cmp -s "$tmp/src.json" "$tmp/bin.json" && ok || bad ".gdlb and .gdl results differ"

# Truncated or bit-flipped bytecode: a message and exit 1, never a crash.
size=$(stat -c %s "$tmp/a.gdlb")
for len in 0 7 8 27 28 40 100 $((size / 2)) $((size - 9)) $((size - 1)); do
    head -c "$len" "$tmp/a.gdlb" > "$tmp/t.gdlb"
    "$GDL" run "$tmp/t.gdlb" examples/profile3.json > /dev/null 2> "$tmp/err"
    st=$?
    if [ $st = 1 ] && grep -q "error:" "$tmp/err"; then ok; else bad "truncated to $len bytes: exit $st"; fi
done
for pos in 0 9 13 21 30 64 $((size / 3)) $((size / 2)) $((size - 20)) $((size - 2)); do
    cp "$tmp/a.gdlb" "$tmp/f.gdlb"
    byte=$(od -An -tu1 -j "$pos" -N1 "$tmp/f.gdlb" | tr -d ' ')
    printf "$(printf '\\%03o' $(( byte ^ 16 )))" | dd of="$tmp/f.gdlb" bs=1 seek="$pos" conv=notrunc 2> /dev/null
    "$GDL" run "$tmp/f.gdlb" examples/profile3.json > /dev/null 2> "$tmp/err"
    st=$?
    if [ $st = 1 ] && grep -q "error:" "$tmp/err"; then ok; else bad "bit flip at $pos: exit $st"; fi
done
"$GDL" disasm "$tmp/a.gdlb" > "$tmp/disasm" && grep -q "HALT" "$tmp/disasm" && ok || bad "disasm of a built file"

# A case on stdin.
"$GDL" run "$G" - < examples/profile3.json > "$tmp/stdin.json" && cmp -s "$tmp/stdin.json" "$tmp/src.json" \
    && ok || bad "case on stdin differs from case file"

# Batch: 100,000 lines, 1% corrupt: one result per line, in order, errors marked.
awk 'BEGIN {
    for (i = 1; i <= 100000; i++) {
        if (i % 100 == 0) print "{\"case_id\": \"c" i "\", \"nprs\": " (i % 3 == 0 ? "\"x\"" : "11") "}";
        else if (i % 1000 == 1) print "\001\002 garbage";
        else print "{\"case_id\": \"c" i "\", \"age_years\": " (20 + i % 60) ", \"nprs\": " (i % 11) "}";
    }
}' > "$tmp/batch.jsonl"
"$GDL" run --batch "$G" < "$tmp/batch.jsonl" > "$tmp/batch.out" 2> /dev/null
st=$?
lines_in=$(wc -l < "$tmp/batch.jsonl")
lines_out=$(wc -l < "$tmp/batch.out")
errors=$(grep -c '"status": "error"' "$tmp/batch.out")
[ "$lines_in" = "$lines_out" ] && ok || bad "batch: $lines_in lines in, $lines_out out"
[ "$errors" = 1100 ] && ok || bad "batch: $errors error results, expected 1100"
[ $st = 1 ] && ok || bad "batch with errors exits $st, expected 1"
# The result of line i is the result for case c<i>.
awk -F'"case_id": ' 'NR % 100 == 0 && $2 !~ "^\"c" NR "\"" { bad = 1 } END { exit bad }' "$tmp/batch.out" \
    && ok || bad "batch results out of order"
# A line in a batch gives the same result as the same case run alone.
sed -n 5p "$tmp/batch.jsonl" > "$tmp/one.json"
"$GDL" run "$G" "$tmp/one.json" > /dev/null
sed -n 5p "$tmp/batch.out" > "$tmp/one-batch.json"
printf '%s\n' "$(sed -n 5p "$tmp/batch.jsonl")" | "$GDL" run --batch "$G" | cmp -s - "$tmp/one-batch.json" \
    && ok || bad "batch result depends on the lines before it"

# Help and version.
"$GDL" --help | grep -q "usage: gdl" && ok || bad "--help"

echo "cli checks: $pass passed, $fail failed"
[ $fail = 0 ]
