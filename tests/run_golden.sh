#!/usr/bin/env bash
# run_golden.sh - golden tests: each NAME.args under tests/golden/ (the
# compiler, the guidelines, the CLI), tests/bad/ (malformed input) and
# tests/verify/ (gdl verify's corpus: one planted defect per file) hold the
# arguments of one gdl command (run from the repository root); NAME.stdin,
# if present, is its standard input. Its stdout, stderr and exit status must
# equal NAME.out, NAME.err and NAME.status; a missing NAME.out or NAME.err
# means empty, a missing NAME.status 0. `--update` rewrites the expected
# files from the current gdl (and removes those it would write empty, or
# with status 0): review the diff before committing. Each NAME.gdl without
# a NAME.args directly in an inline directory (INLINE_DIRS) is an inline
# diagnostics test: tests/expect_diag.sh checks it against the expect-
# comments it carries (tests/README.md); `--update` leaves it alone. A directory
# argument (e.g. tests/bad) limits the run to the tests under it; any other
# argument names tests: `run/lrs-conservative` (the path under tests/
# without .args) or only `lrs-conservative` (every test of that name).
set -u
cd "$(dirname "$0")/.."
GDL=${GDL:-bin/gdl}
update=0 dirs=() names=()
for arg in "$@"; do
    if [ "$arg" = "--update" ]; then update=1
    elif [ -d "$arg" ]; then dirs+=("${arg%/}")
    else names+=("${arg%.args}"); fi
done
[ ${#dirs[@]} = 0 ] && dirs=(tests/golden tests/bad tests/verify)
INLINE_DIRS=(tests/golden/diag tests/bad/gdl)
# wanted NAME: no names given, or NAME (path under tests/) is one of them or ends in /one.
wanted() {
    [ ${#names[@]} = 0 ] && return 0
    local n
    for n in "${names[@]}"; do
        case "$1" in "$n" | */"$n" | "${n#tests/}") return 0 ;; esac
    done
    return 1
}
export GDL_PATH=stdlib
pass=0 fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The inline tests under the directories given: NAME.gdl without NAME.args.
inline_tests() {
    local dir given file
    for dir in "${INLINE_DIRS[@]}"; do
        for given in "${dirs[@]}"; do
            case "$dir/" in "$given"/*) ;; *) continue ;; esac
            for file in "$dir"/*.gdl; do
                [ -f "$file" ] && [ ! -f "${file%.gdl}.args" ] && echo "$file"
            done
            break
        done
    done
}
# expected FILE [LINE]: the file's path, or when it is missing a file that holds LINE (or nothing).
expected() {
    if [ -f "$1" ]; then echo "$1"; return; fi
    if [ $# -gt 1 ]; then echo "$2"; fi > "$tmp/default"
    echo "$tmp/default"
}
while IFS= read -r test_file; do
    base=${test_file%.*}
    name=${base#tests/}
    wanted "$name" || continue
    if [ "${test_file%.gdl}" != "$test_file" ]; then
        [ $update = 1 ] && continue
        if GDL=$GDL bash tests/expect_diag.sh "$test_file" < /dev/null > "$tmp/report" 2>&1; then
            pass=$((pass + 1))
        else
            fail=$((fail + 1))
            echo "FAIL $name: diagnostics differ from its expect- comments"
            head -20 "$tmp/report"
        fi
        continue
    fi
    args_file=$test_file
    read -r -a args < "$args_file"
    stdin=/dev/null
    [ -f "$base.stdin" ] && stdin="$base.stdin"
    status=0
    "$GDL" "${args[@]}" < "$stdin" > "$tmp/out" 2> "$tmp/err" || status=$?
    echo "$status" > "$tmp/status"
    if [ $update = 1 ]; then
        for part in out err status; do
            if [ "$part" = status ] && [ $status = 0 ] || [ ! -s "$tmp/$part" ]; then rm -f "$base.$part"
            else cp "$tmp/$part" "$base.$part"; fi
        done
        continue
    fi
    ok=1
    for part in out err status; do
        if [ $part = status ]; then want=$(expected "$base.$part" 0); else want=$(expected "$base.$part"); fi
        if ! cmp -s "$tmp/$part" "$want"; then
            ok=0
            echo "FAIL $name: $part differs"
            diff -u --label "$base.$part$([ "$want" = "$tmp/default" ] && echo ' (missing)')" --label "gdl's $part" \
                "$want" "$tmp/$part" | head -20
        fi
    done
    if [ $ok = 1 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
done < <({ find "${dirs[@]}" -name '*.args'; inline_tests; } | LC_ALL=C sort)
[ $update = 1 ] && { echo "golden files updated"; exit 0; }
echo "golden: $pass passed, $fail failed"
if [ ${#names[@]} -gt 0 ] && [ $((pass + fail)) = 0 ]; then
    echo "golden: no test named ${names[*]} (the path under tests/ without .args or .gdl, or its last part)"; exit 1
fi
[ $fail = 0 ]
