#!/usr/bin/env bash
# run_golden.sh - golden tests: each NAME.args under tests/golden/ (the
# compiler, the guidelines, the CLI), tests/bad/ (malformed input) and
# tests/verify/ (gdl verify's corpus: one planted defect per file) hold the
# arguments of one gdl command (run from the repository root); NAME.stdin,
# if present, is its standard input. Its stdout, stderr and exit status must
# equal NAME.out, NAME.err and NAME.status. `--update` rewrites the expected
# files from the current gdl: review the diff before committing. A directory
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
while IFS= read -r args_file; do
    base=${args_file%.args}
    name=${base#tests/}
    wanted "$name" || continue
    read -r -a args < "$args_file"
    stdin=/dev/null
    [ -f "$base.stdin" ] && stdin="$base.stdin"
    status=0
    "$GDL" "${args[@]}" < "$stdin" > "$tmp/out" 2> "$tmp/err" || status=$?
    echo "$status" > "$tmp/status"
    if [ $update = 1 ]; then
        cp "$tmp/out" "$base.out"; cp "$tmp/err" "$base.err"; cp "$tmp/status" "$base.status"
        continue
    fi
    ok=1
    for part in out err status; do
        if ! cmp -s "$tmp/$part" "$base.$part"; then
            ok=0
            echo "FAIL $name: $part differs"
            diff -u "$base.$part" "$tmp/$part" | head -20
        fi
    done
    if [ $ok = 1 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
done < <(find "${dirs[@]}" -name '*.args' | LC_ALL=C sort)
[ $update = 1 ] && { echo "golden files updated"; exit 0; }
echo "golden: $pass passed, $fail failed"
if [ ${#names[@]} -gt 0 ] && [ $((pass + fail)) = 0 ]; then
    echo "golden: no test named ${names[*]} (the path under tests/ without .args, or its last part)"; exit 1
fi
[ $fail = 0 ]
