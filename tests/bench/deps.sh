#!/usr/bin/env bash
# deps.sh - makes sure the benchmark's tools are there: `deps.sh check` needs
# Lua 5.4 with lua-cjson; `deps.sh bench` also valgrind, hyperfine and GNU time.
# As root it installs what is missing with apt-get; otherwise it prints the
# exact command and fails.
set -euo pipefail

want=${1:-bench}
missing=()
command -v lua5.4 >/dev/null 2>&1 || missing+=(lua5.4)
if ! lua5.4 -e 'require "cjson"' >/dev/null 2>&1; then
    missing+=(lua-cjson)
fi
if [ "$want" = bench ]; then
    command -v valgrind >/dev/null 2>&1 && command -v callgrind_annotate >/dev/null 2>&1 || missing+=(valgrind)
    command -v hyperfine >/dev/null 2>&1 || missing+=(hyperfine)
    [ -x /usr/bin/time ] || missing+=(time)
fi
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "bench: installing ${missing[*]}" >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
    exit 0
fi
echo "bench: missing ${missing[*]}; install them with:" >&2
echo "    sudo apt-get install -y ${missing[*]}" >&2
exit 1
