#!/usr/bin/env bash
# expect_diag.sh FILE.gdl - one inline diagnostics test (tests/README.md):
# FILE.gdl carries its expected diagnostics as comments,
#     // expect-error: LINE:COL: MESSAGE    (also expect-warning, expect-note)
#     // expect-error: MESSAGE             a diagnostic about the whole file
#     // expect-no-diagnostics             the file compiles clean
# where LINE is a line number or +N / -N from the comment's own line.
# `gdl check FILE.gdl` must print exactly these diagnostics (in any order;
# an unexpected one fails as much as a missing one), nothing on stdout, the
# summary "FILE: N errors" that follows from them, and exit 1 with errors, 0
# without. Prints what differs and exits 1 when the test fails. Run from the
# repository root (run_golden.sh calls it); GDL names the gdl binary.
set -u
file=$1
GDL=${GDL:-bin/gdl}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The expectations as gdl prints diagnostics: FILE:LINE:COL: SEVERITY: MESSAGE.
LC_ALL=C awk -v file="$file" '
    function fail(why) { printf "%s:%d: %s\n", file, NR, why > "/dev/stderr"; bad = 1 }
    { sub(/\r$/, "") }
    !match($0, /\/\/ *expect-/) { next }
    {
        text = substr($0, RSTART + RLENGTH)
        if (text ~ /^no-diagnostics *$/) { clean = 1; next }
        if (!match(text, /^(error|warning|note): /)) {
            fail("malformed expectation (expect-error: LINE:COL: MESSAGE, expect-warning, expect-note or expect-no-diagnostics)")
            next
        }
        severity = substr(text, 1, RLENGTH - 2)
        text = substr(text, RLENGTH + 1)
        where = ""
        if (match(text, /^[-+]?[0-9]+:[0-9]+: /)) {
            pos = substr(text, 1, RLENGTH - 2)
            text = substr(text, RLENGTH + 1)
            split(pos, lc, ":")
            line = lc[1] ~ /^[-+]/ ? NR + lc[1] : lc[1] + 0
            if (line < 1) { fail("expectation before line 1"); next }
            where = ":" line ":" (lc[2] + 0)
        }
        if (text == "") { fail("expectation without a message"); next }
        printf "%s%s: %s: %s\n", file, where, severity, text
        if (severity == "error") errors++
        expectations++
    }
    END {
        if (clean && expectations) fail("expect-no-diagnostics with other expectations")
        if (!clean && !expectations) fail("no expectations: write // expect-no-diagnostics for a file that compiles clean")
        if (errors) printf "%s: %d error%s\n", file, errors, errors == 1 ? "" : "s"
        exit bad
    }' "$file" > "$tmp/expected" || exit 1

status=0
"$GDL" check "$file" > "$tmp/out" 2> "$tmp/err" || status=$?
want_status=0
grep -q ": error: " "$tmp/expected" && want_status=1

# What gdl printed, without the source lines and carets under each diagnostic.
LC_ALL=C grep -av -e '^ *[0-9]* | ' "$tmp/err" > "$tmp/actual"
LC_ALL=C sort "$tmp/expected" > "$tmp/expected.sorted"
LC_ALL=C sort "$tmp/actual" > "$tmp/actual.sorted"

ok=0
if ! cmp -s "$tmp/expected.sorted" "$tmp/actual.sorted"; then
    ok=1
    LC_ALL=C comm -23 "$tmp/expected.sorted" "$tmp/actual.sorted" | sed 's/^/  missing:    /'
    LC_ALL=C comm -13 "$tmp/expected.sorted" "$tmp/actual.sorted" | sed 's/^/  unexpected: /'
fi
if [ -s "$tmp/out" ]; then
    ok=1
    echo "  unexpected output on stdout:"
    head -5 "$tmp/out" | sed 's/^/    /'
fi
if [ "$status" != "$want_status" ]; then
    ok=1
    echo "  exit status $status, expected $want_status"
fi
exit $ok
