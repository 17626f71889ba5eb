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

# A string parameter read back from a .gdlb (format 1.3) is the same text,
# and --param sets it there too (issue 14, defect 1).
SP=tests/golden/semantics/string-param.gdl
"$GDL" build "$SP" -o "$tmp/sp.gdlb"
for p in "" "--param ps=xyz"; do
    "$GDL" run $p "$SP" tests/golden/semantics/s-abc.json > "$tmp/sp-src.json"
    "$GDL" run $p "$tmp/sp.gdlb" tests/golden/semantics/s-abc.json > "$tmp/sp-bin.json"
    cmp -s "$tmp/sp-src.json" "$tmp/sp-bin.json" && grep -q '"id": "refl"' "$tmp/sp-bin.json" \
        && ok || bad "string parameter from .gdlb ($p) differs from the .gdl"
done

# Texts in a further language and schedules in calendar months (format 1.6)
# read back from a .gdlb: the same French texts, rates and month-end dates.
LG=tests/golden/semantics/languages.gdl
"$GDL" build "$LG" -o "$tmp/lg.gdlb"
for c in month-end-jan31 nprs-8; do
    "$GDL" run --lang fr "$LG" tests/golden/semantics/$c.json > "$tmp/lg-src.json"
    "$GDL" run --lang fr "$tmp/lg.gdlb" tests/golden/semantics/$c.json > "$tmp/lg-bin.json"
    cmp -s "$tmp/lg-src.json" "$tmp/lg-bin.json" && grep -q '"after_days"' "$tmp/lg-bin.json" \
        && ok || bad "languages.gdl from .gdlb ($c) differs from the .gdl"
done

# gdl diff reads the compiled program: a .gdlb and its .gdl are the same
# (exit 0), and the output is the same bytes every run (issue 13).
V1=tests/golden/diff/v1.gdl
"$GDL" build "$V1" -o "$tmp/v1.gdlb"
"$GDL" diff --boundary "$tmp/v1.gdlb" "$V1" > /dev/null && ok || bad "diff of a .gdlb and its .gdl: not the same"
# properties are only in the source: against a .gdlb they are not compared (and not a difference)
"$GDL" build tests/golden/diff/parts-old.gdl -o "$tmp/parts-old.gdlb"
"$GDL" diff "$tmp/parts-old.gdlb" tests/golden/diff/parts-old.gdl | grep -q "^properties: not compared ($tmp/parts-old.gdlb is bytecode" \
    && ok || bad "diff of a .gdlb: properties should be 'not compared'"
"$GDL" diff --format json tests/golden/diff/parts-old.gdl "$tmp/parts-old.gdlb" | grep -q '^ "properties": null,$' \
    && ok || bad "diff --format json of a .gdlb: properties should be null"
"$GDL" diff --format json --boundary "$V1" tests/golden/diff/v2.gdl > "$tmp/d1.json"
"$GDL" diff --format json --boundary "$V1" tests/golden/diff/v2.gdl > "$tmp/d2.json"
cmp -s "$tmp/d1.json" "$tmp/d2.json" && ok || bad "two runs of gdl diff differ"

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

# Batch faults the golden files cannot hold (inputs of megabytes): an
# over-long line in the middle and at the end without '\n', a line just over
# the JSON limit, a NUL byte in a line. One result per line, in order.
{
    echo '{"case_id": "b1"}'
    head -c 3000000 /dev/zero | tr '\0' 'a'; echo
    printf '{"case_id": "'; head -c 1048600 /dev/zero | tr '\0' 'a'; printf '"}\n'
    printf '{"case_id": "b\0"}\n'
    printf '{"case_id": "b5"}\n'
    head -c 3000000 /dev/zero | tr '\0' 'a'
} > "$tmp/faults.jsonl"
"$GDL" run --batch "$G" < "$tmp/faults.jsonl" > "$tmp/faults.out" 2> /dev/null
st=$?
[ $st = 1 ] && ok || bad "batch with faulty lines exits $st, expected 1"
[ "$(wc -l < "$tmp/faults.out")" = 6 ] && ok || bad "batch faults: $(wc -l < "$tmp/faults.out") results for 6 lines"
ids=$(grep -o '"case_id": [^,]*' "$tmp/faults.out" | sed 's/"case_id": //' | tr '\n' ' ')
[ "$ids" = '"b1" null null null "b5" null ' ] && ok || bad "batch faults: case ids $ids"

# --jobs N: the same bytes and exit status as one job, for the first 5,000
# lines of that batch (corrupt lines among them, 20 chunks), the faults
# above (over-long lines across chunks) and an empty input; --stats counts
# the same.
head -n 5000 "$tmp/batch.jsonl" > "$tmp/b5k.jsonl"
head -n 5000 "$tmp/batch.out" > "$tmp/b5k.out"
for j in 2 3 0; do
    st=0; "$GDL" run --batch --stats --jobs $j "$G" < "$tmp/b5k.jsonl" > "$tmp/jobs.out" 2> "$tmp/stats" || st=$?
    cmp -s "$tmp/jobs.out" "$tmp/b5k.out" && [ $st = 1 ] && ok || bad "--jobs $j: output or status ($st) differs from one job"
    [ "$(cut -d, -f1,2 "$tmp/stats")" = "gdl: 5000 cases, 55 errors" ] && ok || bad "--jobs $j --stats: $(cat "$tmp/stats")"
    st=0; "$GDL" run --batch --jobs $j "$G" < "$tmp/faults.jsonl" > "$tmp/jobs.out" 2> /dev/null || st=$?
    cmp -s "$tmp/jobs.out" "$tmp/faults.out" && [ $st = 1 ] && ok || bad "--jobs $j faults: output or status ($st) differs"
    "$GDL" run --batch --jobs $j "$G" < /dev/null > "$tmp/jobs.out" && [ ! -s "$tmp/jobs.out" ] \
        && ok || bad "--jobs $j: empty input"
done
"$GDL" run --batch --jobs 2 --param severe_pain_nprs=7 "$G" < "$tmp/b5k.jsonl" > "$tmp/jobs.out" 2> /dev/null
"$GDL" run --batch --param severe_pain_nprs=7 "$G" < "$tmp/b5k.jsonl" 2> /dev/null | cmp -s - "$tmp/jobs.out" \
    && ok || bad "--jobs 2 --param: differs from one job"
for j in -1 65 x ""; do
    "$GDL" run --batch --jobs "$j" "$G" < /dev/null > /dev/null 2>&1; st=$?
    [ $st = 2 ] && ok || bad "--jobs '$j' exits $st, expected 2 (usage)"
done
"$GDL" run --jobs 2 "$G" examples/profile3.json > /dev/null 2>&1; st=$?
[ $st = 2 ] && ok || bad "--jobs without --batch exits $st, expected 2"
# check, test and verify take file arguments alike: an unknown option and a 257th file are usage errors.
for cmd in check test verify; do
    "$GDL" $cmd --bogus "$G" > /dev/null 2> "$tmp/err"; st=$?
    [ $st = 2 ] && grep -qx "gdl: unknown $cmd option '--bogus'" "$tmp/err" && ok || bad "$cmd --bogus exits $st"
    "$GDL" $cmd $(for _ in $(seq 257); do echo "$G"; done) > /dev/null 2> "$tmp/err"; st=$?
    [ $st = 2 ] && grep -qx "gdl: too many files (at most 256)" "$tmp/err" && ok || bad "$cmd with 257 files exits $st"
done
grep -q '"message": "line longer than 1048576 bytes", "line": 2}' "$tmp/faults.out" && ok || bad "batch: over-long line 2"
grep -q '"message": "line longer than 1048576 bytes", "line": 6}' "$tmp/faults.out" && ok || bad "batch: over-long last line"
grep -q '"message": "line longer than 1048576 bytes", "line": 3' "$tmp/faults.out" \
    && ok || bad "batch: line over the case limit"
# A line's result does not depend on the lines before it (issue 14: a line of
# 1,048,578 to 1,114,113 bytes got "input too large" or "line longer than"
# depending on where it started in the read buffer). At the limit, with or
# without CR, a line is a case; one byte more is too long.
pad() { head -c "$1" /dev/zero | tr '\0' ' '; }
{ printf '{"case_id": "b1"'; pad $((1048576 - 17)); printf '}\n'; } > "$tmp/at-limit.jsonl"
{ printf '{"case_id": "b1"'; pad $((1048576 - 17)); printf '}\r\n'; } > "$tmp/at-limit-crlf.jsonl"
{ printf '{"case_id": "b1"'; pad $((1048576 - 16)); printf '}\n'; } > "$tmp/over.jsonl"
head -c 1100000 /dev/zero | tr '\0' 'a' > "$tmp/long.jsonl"; echo >> "$tmp/long.jsonl"
for prefix in 0 1 60000 1000000; do
    for f in at-limit at-limit-crlf over long; do
        { [ "$prefix" = 0 ] || { printf '{"case_id": "p"'; pad "$prefix"; printf '}\n'; }; cat "$tmp/$f.jsonl"; } \
            | "$GDL" run --batch "$G" | tail -n 1 > "$tmp/last.out"
        case $f in
            at-limit*) want='"title": "KNGF-richtlijn Lage rugpijn en lumbosacraal radiculair syndroom"}, "status": "ok"' ;;
            *) want='"message": "line longer than 1048576 bytes"' ;;
        esac
        grep -q '^{"case_id": "b1", ' "$tmp/last.out" || [ "${f#at-limit}" = "$f" ] || want="(line b1 missing)"
        grep -qF "$want" "$tmp/last.out" && ok || bad "batch line $f after a line of $prefix bytes: $(head -c 300 "$tmp/last.out")"
    done
done
grep -q '"message": "unescaped NUL byte in string (write it as \\\\u0000)", "line": 4' "$tmp/faults.out" \
    && ok || bad "batch: NUL byte in a line"

# Limits whose inputs are too large to commit as golden files (the others
# are in tests/bad/): each is a clear error, never a crash or a cut.
{ printf 'guideline g { title "t" version "1" status draft language en }\n'; head -c 4194304 /dev/zero | tr '\0' '\n'; } \
    > "$tmp/big.gdl"
"$GDL" check "$tmp/big.gdl" 2> "$tmp/err"; st=$?
[ $st = 1 ] && grep -q "big.gdl: error: '.*big.gdl' is larger than 4194304 bytes" "$tmp/err" \
    && ok || bad "source over SOURCE_MAX_BYTES: exit $st, $(head -c 200 "$tmp/err")"
limit_case() {   # name, expected message; the case is in $tmp/case.json
    "$GDL" run --format text --lang en "$G" "$tmp/case.json" > "$tmp/out" 2>&1; st=$?
    [ $st = 1 ] && grep -qF -- "$2" "$tmp/out" && ok || bad "$1: exit $st, $(sed -n 5,6p "$tmp/out" | head -c 200)"
}
{ printf '{"case_id": "big", "x": "'; head -c 1048576 /dev/zero | tr '\0' 'a'; printf '"}'; } > "$tmp/case.json"
limit_case "case over MAX_CASE_BYTES" "  case file larger than 1048576 bytes"
{ printf '{"case_id": "'; head -c 65537 /dev/zero | tr '\0' 'a'; printf '"}'; } > "$tmp/case.json"
limit_case "string over max_string_bytes" "  1:13: string longer than 65536 bytes (max_string_bytes)"
{ printf '{"case_id": "'; head -c 65536 /dev/zero | tr '\0' 'a'; printf '"}'; } > "$tmp/case.json"
limit_case "string at max_string_bytes" "  case_id: string of 65536 characters; expected 1 to 128"
awk 'BEGIN { printf "{\"case_id\": \"a\", \"sbst_items\": ["; for (i = 0; i < 10000; i++) printf "0,"; printf "0]}" }' \
    > "$tmp/case.json"
limit_case "array over max_array_items" "  1:20033: array has more than 10000 items (max_array_items)"
awk 'BEGIN { printf "{\"case_id\": \"a\""; for (i = 1; i <= 10000; i++) printf ",\"k%d\":0", i; printf "}" }' \
    > "$tmp/case.json"
limit_case "object over max_object_members" "  1:98900: object has more than 10000 members (max_object_members)"
# Encoding limits (vm/program.h): facts, strings, dependency bits.
limit_source() {  # name, expected message; the source is in $tmp/limit.gdl
    "$GDL" check "$tmp/limit.gdl" 2> "$tmp/err"; st=$?
    [ $st = 1 ] && grep -qF -- "$2" "$tmp/err" && ok || bad "$1: exit $st, $(head -c 200 "$tmp/err")"
}
awk 'BEGIN { print "guideline g { title \"t\" version \"1\" status draft language en }";
             for (i = 0; i <= 65535; i++) print "input i" i ": bool" }' > "$tmp/limit.gdl"
limit_source "facts over GDL_MAX_FACTS" "limit.gdl: error: too many facts or parameters (limit is 65535)"
awk 'BEGIN { print "guideline g { title \"t\" version \"1\" status draft language en }";
             for (i = 0; i <= 22000; i++) print "input i" i ": bool nl \"a" i "\" en \"b" i "\"" }' > "$tmp/limit.gdl"
limit_source "strings over GDL_MAX_STRINGS" "limit.gdl: error: too many strings (limit is 65535)"
awk 'BEGIN { print "guideline g { title \"t\" version \"1\" status draft language en }";
             for (i = 0; i <= 4096; i++) print "input i" i ": bool" }' > "$tmp/limit.gdl"
limit_source "inputs over GDL_MAX_NAMED_DEPS" "limit.gdl: error: too many inputs and classifications (limit is 4096)"
# At the limit: 4095 inputs and a classification, with in_scope and red_flagged
# on top (issue 14: the builtins took two of the 4096).
awk 'BEGIN { print "guideline g { title \"t\" version \"1\" status draft language en }";
             for (i = 0; i < 4095; i++) print "input i" i ": bool";
             print "classify k \"A\" {\n  when i0 -> 1\n  otherwise -> 2\n}";
             print "exclude e \"A\" when i1"; print "red_flag r \"B\" in c -> refer_gp when i2 and in_scope" }' > "$tmp/limit.gdl"
"$GDL" build "$tmp/limit.gdl" -o "$tmp/limit.gdlb" 2> "$tmp/err" \
    && printf '{"i1": false, "i2": true}' | "$GDL" run "$tmp/limit.gdlb" - | grep -q '"because": \["i2", "in_scope"\]' \
    && ok || bad "4095 inputs and a classification (at GDL_MAX_NAMED_DEPS): $(head -c 200 "$tmp/err")"

# SOURCE_MAX_FILES: the main file and 255 modules; the 256th import fails.
mkdir -p "$tmp/many"
for i in $(seq 0 259); do printf 'module n%d\n' "$i" > "$tmp/many/n$i.gdl"; done
{ printf 'guideline g { title "t" version "1" status draft language en }\n'
  for i in $(seq 0 259); do echo "import n$i"; done; } > "$tmp/many.gdl"
GDL_PATH="$tmp/many" "$GDL" check "$tmp/many.gdl" 2> "$tmp/err"; st=$?
[ $st = 1 ] && grep -q "many.gdl:257:8: error: too many source files (limit is 256)" "$tmp/err" \
    && ok || bad "modules over SOURCE_MAX_FILES: exit $st, $(head -c 300 "$tmp/err")"

# COMPILE_MAX_IMPORT_DEPTH: m0 imports m1 imports ... m20.
mkdir -p "$tmp/mods"
for i in $(seq 0 20); do printf 'module m%d\nimport m%d\n' "$i" $((i + 1)) > "$tmp/mods/m$i.gdl"; done
printf 'module m21\n' > "$tmp/mods/m21.gdl"
printf 'guideline g { title "t" version "1" status draft language en }\nimport m0\n' > "$tmp/deep.gdl"
GDL_PATH="$tmp/mods" "$GDL" check "$tmp/deep.gdl" 2> "$tmp/err"; st=$?
[ $st = 1 ] && grep -q "m15.gdl:2:8: error: imports nested too deep (limit is 16)" "$tmp/err" \
    && ok || bad "imports over COMPILE_MAX_IMPORT_DEPTH: exit $st, $(head -c 300 "$tmp/err")"

# GDLB_MAX_FILE: a compiled guideline over 64 MiB is refused.
truncate -s $((64 * 1024 * 1024 + 1)) "$tmp/huge.gdlb"
"$GDL" disasm "$tmp/huge.gdlb" > /dev/null 2> "$tmp/err"; st=$?
[ $st = 1 ] && grep -qx "$tmp/huge.gdlb: error: file too large for a guideline" "$tmp/err" \
    && ok || bad ".gdlb over GDLB_MAX_FILE: exit $st, $(head -c 300 "$tmp/err")"
rm -f "$tmp/huge.gdlb"

# COMPILE_MAX_PATH_DIRS: GDL_PATH is searched whole or not at all.
mkdir -p "$tmp/paths"
for i in $(seq 1 17); do mkdir -p "$tmp/paths/d$i"; done
cp "$tmp/many/n0.gdl" "$tmp/paths/d16/n0.gdl"
printf 'guideline g { title "t" version "1" status draft language en }\nimport n0\n' > "$tmp/paths.gdl"
path16=$(for i in $(seq 1 16); do printf '%s:' "$tmp/paths/d$i"; done)
GDL_PATH="$path16" "$GDL" check "$tmp/paths.gdl" > /dev/null 2> "$tmp/err" \
    && ok || bad "module in the 16th GDL_PATH entry: $(head -c 300 "$tmp/err")"
GDL_PATH="$path16$tmp/paths/d17" "$GDL" check "$tmp/paths.gdl" 2> "$tmp/err"; st=$?
[ $st = 2 ] && grep -qx "gdl: GDL_PATH names more than 16 directories" "$tmp/err" \
    && ok || bad "GDL_PATH over COMPILE_MAX_PATH_DIRS: exit $st, $(head -c 300 "$tmp/err")"
GDL_PATH="$tmp/paths/$(head -c 2100 /dev/zero | tr '\0' 'd')" "$GDL" check "$tmp/paths.gdl" 2> "$tmp/err"; st=$?
[ $st = 2 ] && grep -qx "gdl: GDL_PATH entry 1 is longer than 2047 bytes" "$tmp/err" \
    && ok || bad "GDL_PATH entry over 2047 bytes: exit $st, $(head -c 300 "$tmp/err")"

# gdl verify: same guideline, same bytes (text and JSON); counterexample files
# written with --counterexamples run as cases.
"$GDL" verify --format json "$G" > "$tmp/v1.json"; "$GDL" verify --format json "$G" > "$tmp/v2.json"
cmp -s "$tmp/v1.json" "$tmp/v2.json" && ok || bad "two gdl verify runs differ"
mkdir -p "$tmp/cx"
"$GDL" verify --counterexamples "$tmp/cx" tests/verify/property-violated.gdl > /dev/null
ls "$tmp"/cx/property-violated-*.json > /dev/null 2>&1 && "$GDL" run tests/verify/property-violated.gdl \
    "$(ls "$tmp"/cx/property-violated-*.json | head -1)" > /dev/null && ok || bad "--counterexamples: no case file that runs"

# gdl cases --boundary: every line is a valid case of the guideline, and the
# thresholds are there (NPRS 7, 8, 9 around severe_pain_nprs = 8).
"$GDL" cases --boundary "$G" > "$tmp/boundary.jsonl"
"$GDL" run --batch "$G" < "$tmp/boundary.jsonl" > "$tmp/boundary.out" && ! grep -q '"status": "error"' "$tmp/boundary.out" \
    && [ "$(wc -l < "$tmp/boundary.out")" = "$(wc -l < "$tmp/boundary.jsonl")" ] && ok || bad "boundary cases that do not run"
for v in 7 8 9; do grep -q "\"nprs\": $v}" "$tmp/boundary.jsonl" && ok || bad "no boundary case with nprs $v"; done

# The text report speaks one language (docs/report.md): no English label or
# id in --lang nl, no Dutch one in --lang en, no snake_case id without --ids;
# for every example case, as summary and in full.
EN_TOKENS='do_not|preferably_not|consider|Consider|Do|refer_gp|contact_gp|advise_patient_contact_gp|refer_back_specialist|refer_specialist_with_gp|assess|Assess|indicated|not_indicated|ongoing|not_started|closing|interim|discharge|because|Advice|Referral|REFERRAL|Schedule|Measure|Missing|URGENT|RED FLAGS|In scope|undecided|after|weeks|days|general|see|assessed on|Case|OVERDUE|excluded|yes|no|Full report'
NL_TOKENS='omdat|Doen|Overweeg|Bij voorkeur|Niet doen|Verwijs|huisarts|Beoordelen|tussenevaluatie|afsluiting|Casus|Binnen de richtlijn|Classificatie|Meten|Ontbreekt|SPOED|RODE VLAGGEN|VERWIJZING|weken|dagen|algemene|zie|onbeslist|beoordeeld|geïndiceerd|loopt|ACHTERSTALLIG|uitgesloten|ja|nee|bij|na|Volledig overzicht'
scan_report() {   # guideline case
    for detail in summary full; do
        "$GDL" run --format text --detail $detail --lang nl "$1" "$2" > "$tmp/nl.txt" && [ -s "$tmp/nl.txt" ] \
            && "$GDL" run --format text --detail $detail --lang en "$1" "$2" > "$tmp/en.txt" && [ -s "$tmp/en.txt" ] \
            && ok || bad "$2 --detail $detail: no text report"
        # Report lines only: the advice texts and field descriptions come from the guideline in that language,
        # so the scan reads the labels the report itself writes (each line up to its first ': ' or ' — ').
        for lang in nl en; do
            if [ $lang = nl ]; then tokens=$EN_TOKENS; else tokens=$NL_TOKENS; fi
            hits=$(sed -E 's/(: | — ).*//' "$tmp/$lang.txt" | tail -n +3 | grep -owE "$tokens" | sort -u | tr '\n' ' ')
            [ -z "$hits" ] && ok || bad "$2 --detail $detail --lang $lang: labels in the other language: $hits"
            ids=$(grep -oE '\b[a-z0-9]+_[a-z0-9_]+\b' "$tmp/$lang.txt" | sort -u | tr '\n' ' ')
            [ -z "$ids" ] && ok || bad "$2 --detail $detail --lang $lang: snake_case ids without --ids: $ids"
        done
        grep -owE "omdat|because" "$tmp/nl.txt" "$tmp/en.txt" | grep -qvE 'nl.txt:omdat|en.txt:because' \
            && bad "$2 --detail $detail: 'omdat'/'because' in the other language" || ok
    done
    # The HTML report (summary and full on one page), read as the text report's lines: a table row's
    # header and cell joined, tags dropped, the title and case line (h1, p.case) left out.
    for lang in nl en; do
        if [ $lang = nl ]; then tokens=$EN_TOKENS; else tokens=$NL_TOKENS; fi
        "$GDL" run --format html --lang $lang "$1" "$2" > "$tmp/$lang.html" && [ -s "$tmp/$lang.html" ] \
            && ok || bad "$2 --lang $lang: no HTML report"
        perl -0777 -ne 's{.*<body>}{}s; s{</th>\n<td>}{ }g; s{^<h1.*\n|^<p class="case">.*\n}{}mg; s{<[^>]*>}{}g;
                        s{&#39;}{\x27}g; s{&quot;}{"}g; s{&lt;}{<}g; s{&gt;}{>}g; s{&amp;}{&}g; print' \
            "$tmp/$lang.html" > "$tmp/$lang.html.txt"
        hits=$(sed -E 's/(: | — ).*//' "$tmp/$lang.html.txt" | grep -owE "$tokens" | sort -u | tr '\n' ' ')
        [ -z "$hits" ] && ok || bad "$2 --format html --lang $lang: labels in the other language: $hits"
        ids=$(grep -oE '\b[a-z0-9]+_[a-z0-9_]+\b' "$tmp/$lang.html.txt" | sort -u | tr '\n' ' ')
        [ -z "$ids" ] && ok || bad "$2 --format html --lang $lang: snake_case ids without --ids: $ids"
    done
}
for c in examples/*.json; do scan_report "$G" "$c"; done
for c in examples/kngf-lbp-2013/*.json; do scan_report guidelines/kngf-lbp-2013.gdl "$c"; done
for c in examples/msk-lrs/*.json; do scan_report guidelines/msk-lrs.gdl "$c"; done
for c in examples/lrs-reactivity/*.json; do scan_report guidelines/lrs-reactivity.gdl "$c"; done
# One case file runs under every shipped guideline (case-vocabulary.md): every example under each.
for g in guidelines/*.gdl; do
    for c in examples/*.json examples/*/*.json; do
        case $c in examples/cds-hooks/*) continue ;; esac    # a hook request and a discovery document, not cases
        "$GDL" run "$g" "$c" > /dev/null && ok || bad "$c does not run under $g"; done
done

# gdl explain needs only the program and the run: a .gdlb explains what its
# .gdl does, text and JSON, for every example; and run --why is the text
# report with the explanation after it.
for c in examples/*.json; do
    for f in text json; do
        "$GDL" explain --format $f "$G" "$c" > "$tmp/why-src" && "$GDL" explain --format $f "$tmp/a.gdlb" "$c" > "$tmp/why-bin" \
            && cmp -s "$tmp/why-src" "$tmp/why-bin" && ok || bad "explain --format $f $c: .gdlb and .gdl differ"
    done
    "$GDL" run --format text "$G" "$c" > "$tmp/report" && "$GDL" run --format text --why "$G" "$c" > "$tmp/report-why" \
        && cmp -s "$tmp/report" <(head -c "$(stat -c %s "$tmp/report")" "$tmp/report-why") \
        && ! cmp -s "$tmp/report" "$tmp/report-why" && ok || bad "run --why $c: not the report followed by the explanation"
done

# CDS Hooks (docs/cds-hooks.md): a card per red flag and referral (critical when urgent) and one
# for the advice, as the JSON result says; summaries under 140 characters, a source label,
# version-5 uuids, unique; invoke.sh answers a hook request with the same bytes as gdl run.
if command -v jq > /dev/null; then
    cds_cards() {   # guideline case
        "$GDL" run --format json "$1" "$2" > "$tmp/cds.json"
        "$GDL" run --format cds-hooks "$1" "$2" > "$tmp/cds.out" \
            && jq -e --slurpfile r "$tmp/cds.json" '($r[0].red_flags + $r[0].referrals) as $o
                | (.cards | length) == ($o | length) + 1
                and ([.cards[:-1][].indicator] == [$o[] | if .urgent then "critical" else "warning" end])
                and .cards[-1].indicator == "info"
                and all(.cards[]; (.summary | length) < 140 and (.source.label | length) > 0
                        and (.uuid | test("^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")))
                and ([.cards[].uuid] | length) == ([.cards[].uuid] | unique | length)' "$tmp/cds.out" > /dev/null \
            && ok || bad "$2: CDS Hooks cards do not match the result"
    }
    for c in examples/*.json; do cds_cards "$G" "$c"; done
    for c in examples/kngf-lbp-2013/*.json; do cds_cards guidelines/kngf-lbp-2013.gdl "$c"; done
    for c in examples/msk-lrs/*.json; do cds_cards guidelines/msk-lrs.gdl "$c"; done
    for c in examples/lrs-reactivity/*.json; do cds_cards guidelines/lrs-reactivity.gdl "$c"; done
    GDL="$GDL" examples/cds-hooks/invoke.sh "$G" en < examples/cds-hooks/request.json > "$tmp/invoke.out" \
        && "$GDL" run --format cds-hooks --lang en "$G" examples/red-flag-cauda-equina.json | cmp -s - "$tmp/invoke.out" \
        && ok || bad "invoke.sh: not the cards of gdl run"
    jq 'del(.prefetch)' examples/cds-hooks/request.json | GDL="$GDL" examples/cds-hooks/invoke.sh "$G" > "$tmp/invoke.out" 2>&1
    [ $? = 4 ] && grep -q "no prefetch.case" "$tmp/invoke.out" && ok || bad "invoke.sh without prefetch.case"
else
    echo "cli checks: SKIPPED the CDS Hooks checks: jq is not installed (apt-get install jq)"
fi

# Help and version.
"$GDL" --help | grep -q "usage: gdl" && ok || bad "--help"

# gdl fmt -w rewrites a file into the layout gdl fmt prints, after which
# --check finds nothing; an unparsable file is left as it is.
cp tests/golden/fmt/messy.gdl "$tmp/messy.gdl"
"$GDL" fmt -w "$tmp/messy.gdl" && cmp -s "$tmp/messy.gdl" tests/golden/fmt/messy.out \
    && "$GDL" fmt --check "$tmp/messy.gdl" && ok || bad "gdl fmt -w does not give the formatted file"
cp tests/golden/fmt/broken.gdl "$tmp/broken.gdl"
"$GDL" fmt -w "$tmp/broken.gdl" 2> /dev/null; st=$?
[ $st = 1 ] && cmp -s "$tmp/broken.gdl" tests/golden/fmt/broken.gdl && ok || bad "gdl fmt -w on a syntax error: exit $st or file changed"

echo "cli checks: $pass passed, $fail failed"
[ $fail = 0 ]
