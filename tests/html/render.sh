#!/usr/bin/env bash
# render.sh - the HTML report (gdl run --format html) in a real browser:
# headless Chromium renders every example case (each guideline's) to PDF and
# PNG without errors; the summary ends on page 1 (page 2 starts with the full
# report's heading); the page loads nothing from outside; and the text
# Chromium shows equals the text report, summary then full, whitespace aside
# (nl and en). Skips, saying so, only when Chromium is not installed
# (.ci/run installs it). OUT=DIR keeps the PDFs and PNGs there.
set -u
cd "$(dirname "$0")/../.."
GDL=${GDL:-bin/gdl}
CHROMIUM=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
if [ -z "$CHROMIUM" ]; then
    echo "html: SKIPPED: chromium is not installed (apt-get install chromium poppler-utils)"
    exit 0
fi
for tool in pdfinfo pdftotext perl; do
    command -v $tool > /dev/null || { echo "html: $tool is missing (apt-get install poppler-utils)"; exit 1; }
done
export GDL_PATH=stdlib
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
OUT=${OUT:-$tmp}
mkdir -p "$OUT"
sandbox=()
[ "$(id -u)" = 0 ] && sandbox=(--no-sandbox)     # Chromium refuses to run as root with its sandbox
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }

# chrome NAME ARGS...: one headless run on $tmp/NAME.html; its stderr must
# hold no message from the page (console, failed loads).
chrome() {
    local name=$1; shift
    if ! "$CHROMIUM" --headless "${sandbox[@]}" --disable-gpu --no-first-run --user-data-dir="$tmp/profile" \
            "$@" "file://$tmp/$name.html" 2> "$tmp/chrome.err"; then
        echo "chromium failed:"; tail -5 "$tmp/chrome.err"; return 1
    fi
    ! grep -E 'CONSOLE|Failed to load|net::ERR' "$tmp/chrome.err"
}

# The visible text of a DOM: no head, no tags, entities decoded, each run of
# whitespace one blank.
visible_text() {
    perl -0777 -pe 's{<head>.*?</head>}{}s; s{<[^>]*>}{}g; s/&lt;/</g; s/&gt;/>/g; s/&quot;/"/g; s/&#39;/\x27/g;
                    s/&nbsp;/ /g; s/&amp;/&/g; s/\s+/ /g; s/^ | $//g' "$1"
}

render() {   # guideline case name
    local g=$1 c=$2 name=$3
    for lang in nl en; do
        local page=$name-$lang
        if ! "$GDL" run --format html --lang $lang "$g" "$c" > "$tmp/$page.html"; then
            bad "$page: gdl run --format html failed"; continue
        fi
        grep -q "^<html lang=\"$lang\">" "$tmp/$page.html" && ok || bad "$page: no <html lang=\"$lang\">"
        grep -qE '(src|href)=|url\(|@import|<script' "$tmp/$page.html" && bad "$page: refers to something outside" || ok
        # Visible text = the text report: the summary, the full report's heading, the full report without its header.
        if chrome "$page" --dump-dom > "$tmp/$page.dom"; then
            visible_text "$tmp/$page.dom" > "$tmp/$page.seen"
            { "$GDL" run --format text --lang $lang "$g" "$c"
              [ $lang = nl ] && echo "Volledig overzicht" || echo "Full report"
              "$GDL" run --format text --detail full --lang $lang "$g" "$c" | tail -n +3; } > "$tmp/$page.txt"
            perl -0777 -pe 's/\s+/ /g; s/^ | $//g' "$tmp/$page.txt" > "$tmp/$page.want"
            if cmp -s "$tmp/$page.want" "$tmp/$page.seen"; then ok; else
                bad "$page: the visible text differs from the text report"
                diff <(tr ' ' '\n' < "$tmp/$page.want") <(tr ' ' '\n' < "$tmp/$page.seen") | head -10
            fi
        else
            bad "$page: --dump-dom"
        fi
        # PDF: renders, and the summary ends on page 1.
        if chrome "$page" --no-pdf-header-footer --print-to-pdf="$OUT/$page.pdf" && [ -s "$OUT/$page.pdf" ] \
                && head -c 5 "$OUT/$page.pdf" | grep -q '%PDF-'; then
            ok
            local second
            second=$(pdftotext -f 2 -l 2 "$OUT/$page.pdf" - 2> /dev/null | grep -m1 '[^[:space:]]')
            if [ "$second" = "Volledig overzicht" ] || [ "$second" = "Full report" ]; then ok; else
                bad "$page: the summary does not fit on page 1 (page 2 starts with '$second')"
            fi
        else
            bad "$page: --print-to-pdf"
        fi
    done
    # PNG (Dutch): renders.
    if chrome "$name-nl" --window-size=1000,1400 --screenshot="$OUT/$name-nl.png" \
            && head -c 8 "$OUT/$name-nl.png" | grep -q 'PNG'; then ok; else bad "$name-nl: --screenshot"; fi
}

for c in examples/*.json; do render guidelines/kngf-lbp-2021.gdl "$c" "$(basename "$c" .json)"; done
for c in examples/kngf-lbp-2013/*.json; do render guidelines/kngf-lbp-2013.gdl "$c" "2013-$(basename "$c" .json)"; done
for c in examples/msk-lrs/*.json; do render guidelines/msk-lrs.gdl "$c" "msk-$(basename "$c" .json)"; done
for c in examples/lrs-reactivity/*.json; do render guidelines/lrs-reactivity.gdl "$c" "reactivity-$(basename "$c" .json)"; done
echo "html: $pass passed, $fail failed"
[ $fail = 0 ]
