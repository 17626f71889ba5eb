#!/usr/bin/env bash
# gdl fmt over every .gdl file of the repository: the layout is idempotent
# (formatting a formatted file changes nothing), and a formatted file that
# compiles gives the same program (bytecode compared through gdl disasm with
# source line numbers left out, since blank lines collapse) and the same test
# cases (gdl test --cases). Files that do not parse must be refused with
# exit 1 and left as they are. Usage: GDL=bin/gdl bash tests/fmt_roundtrip.sh
set -u
cd "$(dirname "$0")/.."
GDL=${GDL:-bin/gdl}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0 formatted=0 compiled=0 refused=0

# disasm without line numbers: "[123]" and "|" mark where a line starts
strip_lines() { sed -E 's/^(  [0-9a-f]{4})  (\[[0-9]+\]|\|) */\1 /; s/<([^:>]+):[0-9]+>/<\1>/'; }

while IFS= read -r f; do
    out="$tmp/fmt/$f"
    mkdir -p "$(dirname "$out")"
    "$GDL" fmt "$f" > "$out" 2> "$tmp/err"
    rc=$?
    if [ $rc = 1 ]; then
        refused=$((refused + 1))
        grep -q "not formatted: [0-9]* error" "$tmp/err" || { echo "FAIL $f: exit 1 without the error count"; fail=1; }
        continue
    elif [ $rc != 0 ]; then
        echo "FAIL $f: gdl fmt exit $rc"; cat "$tmp/err"; fail=1; continue
    fi
    formatted=$((formatted + 1))
    if ! "$GDL" fmt "$out" | cmp -s - "$out"; then
        echo "FAIL $f: not idempotent"; "$GDL" fmt "$out" | diff "$out" - | head -20; fail=1
    fi
    dir=$(dirname "$f")
    if GDL_PATH="$dir" "$GDL" build "$f" -o "$tmp/a.gdlb" 2> /dev/null; then
        compiled=$((compiled + 1))
        if ! GDL_PATH="$dir" "$GDL" build "$out" -o "$tmp/b.gdlb" 2> "$tmp/err"; then
            echo "FAIL $f: compiles, its formatted form does not"; cat "$tmp/err"; fail=1; continue
        fi
        "$GDL" disasm "$tmp/a.gdlb" | strip_lines > "$tmp/a.txt"
        "$GDL" disasm "$tmp/b.gdlb" | strip_lines > "$tmp/b.txt"
        if ! cmp -s "$tmp/a.txt" "$tmp/b.txt"; then
            echo "FAIL $f: formatted file compiles to other bytecode"; diff "$tmp/a.txt" "$tmp/b.txt" | head -20; fail=1
        fi
        GDL_PATH="$dir" "$GDL" test --cases "$f" > "$tmp/a.txt" 2>&1
        GDL_PATH="$dir" "$GDL" test --cases "$out" > "$tmp/b.txt" 2>&1
        cmp -s "$tmp/a.txt" "$tmp/b.txt" || { echo "FAIL $f: formatted file has other test cases"; fail=1; }
    fi
done < <({ git ls-files '*.gdl' 2> /dev/null || find . -name '*.gdl' -not -path './build*' | sed 's|^\./||'; } | LC_ALL=C sort)

echo "gdl fmt round trip: $formatted formatted ($compiled compiled to the same bytecode), $refused refused (syntax errors)"
[ $formatted -gt 0 ] && [ $compiled -gt 0 ] || { echo "FAIL: nothing was checked"; fail=1; }
exit $fail
