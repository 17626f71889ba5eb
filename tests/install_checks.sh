#!/usr/bin/env bash
# install_checks.sh BUILD - the installed library as an embedder sees it:
# `make install` into a staging DESTDIR, examples/embed built there with
# pkg-config (shared and static) and compared byte for byte with `gdl run`
# on the example cases; the installed gdl finding its stdlib by itself;
# the exported symbols (gdl_ only, static and shared), the installed
# headers and writable data (nm, objdump); the man pages (lint);
# `make uninstall` leaving no file behind.
set -u
cd "$(dirname "$0")/.."
BUILD=${1:-build}
fail=0 pass=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
prefix=/opt/gdl-staged
root=$stage/root
make -s install DESTDIR="$root" PREFIX="$prefix" > "$stage/install.log" 2>&1 || { cat "$stage/install.log"; bad "make install"; }
lib=$root$prefix/lib
export PKG_CONFIG_PATH=$lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=$root PKG_CONFIG_LIBDIR=

# The example, built from the staged install only (no -I into the tree).
cflags=$(pkg-config --cflags gdl) && libs=$(pkg-config --libs gdl) || bad "pkg-config gdl"
[ "$(pkg-config --modversion gdl)" = "$(sed -n 's/^#define GDL_VERSION_STRING "\(.*\)"/\1/p' vm/gdl.h)" ] && ok || bad "gdl.pc version"
${CC:-cc} -std=c11 -Wall -Wextra -Werror examples/embed/embed.c $cflags $libs -o "$stage/embed" && ok || bad "embed (shared) does not build"
${CC:-cc} -std=c11 -Wall -Wextra -Werror examples/embed/embed.c $cflags "$lib/libgdl.a" $(pkg-config --static --libs-only-l gdl | sed 's/-lgdl//') \
    -o "$stage/embed-static" && ok || bad "embed (static) does not build"
# An embedder with functions of its own under the library's internal names:
# linked statically they must not clash, and the library must not call them.
cat > "$stage/clash.c" <<'EOF'
#include <stdlib.h>
int json_parse(const char *text);
void *arena_alloc(size_t size);
int yyparse(void);
int json_parse(const char *text) { (void)text; abort(); }
void *arena_alloc(size_t size) { (void)size; abort(); }
int yyparse(void) { abort(); }
EOF
${CC:-cc} -std=c11 -Wall -Wextra -Werror examples/embed/embed.c "$stage/clash.c" $cflags "$lib/libgdl.a" \
    $(pkg-config --static --libs-only-l gdl | sed 's/-lgdl//') -o "$stage/embed-clash" && ok \
    || bad "embed (static) with its own json_parse, arena_alloc and yyparse does not link"
export GDL_PATH=$root$prefix/share/gdl/stdlib
gdl=$root$prefix/bin/gdl
for guideline in guidelines/kngf-lbp-2021.gdl guidelines/kngf-lbp-2013.gdl "$stage/2021.gdlb"; do
    [ -f "$guideline" ] || "$gdl" build guidelines/kngf-lbp-2021.gdl -o "$guideline"
    for c in examples/*.json examples/kngf-lbp-2013/missing-findings.json tests/golden/cases/wrong-types.json; do
        want_status=0; "$gdl" run "$guideline" "$c" > "$stage/want" 2>/dev/null || want_status=$?
        for e in embed embed-static embed-clash; do
            got_status=0; LD_LIBRARY_PATH=$lib "$stage/$e" "$guideline" "$c" > "$stage/got" 2>/dev/null || got_status=$?
            if cmp -s "$stage/want" "$stage/got" && [ $want_status = $got_status ]; then ok
            else bad "$e $guideline $c: output or status ($got_status, gdl run $want_status) differs"; fi
        done
    done
done
# A compile error: the same diagnostics on stderr, the same status.
printf 'guideline t { title "t" version "1" status draft language en }\ndefine x = nprs\n' > "$stage/bad.gdl"
"$gdl" run "$stage/bad.gdl" examples/profile3.json > /dev/null 2> "$stage/want"; want_status=$?
LD_LIBRARY_PATH=$lib "$stage/embed" "$stage/bad.gdl" examples/profile3.json > /dev/null 2> "$stage/got"; got_status=$?
cmp -s "$stage/want" "$stage/got" && [ $want_status = $got_status ] && ok \
    || { bad "compile error through the library differs from gdl run"; diff "$stage/want" "$stage/got" | head; }

# The installed gdl finds its stdlib next to itself, with no GDL_PATH.
env -u GDL_PATH "$gdl" run guidelines/kngf-lbp-2021.gdl examples/profile3.json > /dev/null && ok || bad "installed gdl without GDL_PATH"
"$gdl" --version | grep -q "library $(pkg-config --modversion gdl)" && ok || bad "gdl --version names the library"

# Exported symbols: both libraries define gdl.h's functions as globals and
# nothing else, so every global name starts with gdl_.
so=$lib/libgdl.so
declared=$(sed -n 's/^GDL_API [^(]*[ *]\(gdl_[a-z_]*\)(.*/\1/p' vm/gdl.h | sort)
for library in "$so" "$lib/libgdl.a"; do
    case $library in *.so) globals=-D ;; *) globals=-g ;; esac
    exported=$(nm $globals --defined-only "$library" | awk 'NF == 3 {print $3}' | sort)
    unprefixed=$(echo "$exported" | grep -v '^gdl_' | head -20)
    [ -z "$unprefixed" ] && ok || bad "$(basename "$library") exports names without gdl_: $(echo $unprefixed)"
    [ -n "$declared" ] && [ "$exported" = "$declared" ] && ok \
        || { bad "$(basename "$library") exports other than gdl.h declares"; diff <(echo "$declared") <(echo "$exported"); }
done
[ "$(readelf -d "$so" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')" = "$(basename "$(readlink "$so")")" ] && ok || bad "soname"
# The only installed header is gdl.h.
headers=$(ls -A "$root$prefix/include")
[ "$headers" = gdl.h ] && ok || bad "installed headers: $(echo $headers) (gdl.h only)"
# Writable data in the libraries: no symbol with a size in .data,
# .data.rel(.local), .bss, thread-local or common (tables of pointers sit in
# .data.rel.ro, read-only once relocated; nm shows them as d).
for library in "$BUILD/libgdlvm.a" "$BUILD/libgdlc.a" "$lib/libgdl.a"; do
    writable=$(objdump -t "$library" | awk 'NF >= 5 && $(NF-2) ~ /^(\.t?data|\.t?bss|\*COM\*)/ &&
        $(NF-2) !~ /^\.data\.rel\.ro/ && $(NF-1) !~ /^0+$/ {print $(NF-2), $NF}')
    [ -z "$writable" ] && ok || bad "writable data in $library: $writable"
done

# Man pages: no warnings from groff (and mandoc's lint when it is installed).
for page in docs/man/gdl.1 docs/man/gdl.5; do
    out=$(groff -ww -z -man -Tutf8 "$page" 2>&1)
    [ -z "$out" ] && ok || bad "groff -ww $page: $out"
    if command -v mandoc > /dev/null; then
        out=$(mandoc -T lint "$page" 2>&1)
        [ -z "$out" ] && ok || bad "mandoc -T lint $page: $out"
    fi
done
man_installed=$(find "$root" -name 'gdl.[15]' | wc -l)
[ "$man_installed" = 2 ] && ok || bad "man pages installed: $man_installed"

make -s uninstall DESTDIR="$root" PREFIX="$prefix" > /dev/null 2>&1
left=$(find "$root" -type f -o -type l)
[ -z "$left" ] && ok || bad "make uninstall left: $left"
echo "install checks: $pass passed, $fail failed"
[ $fail = 0 ]
