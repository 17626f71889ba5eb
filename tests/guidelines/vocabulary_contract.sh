#!/usr/bin/env bash
# vocabulary_contract.sh - the vocabulary contract (docs/language.md "Inputs"): a case
# file valid for one shipped guideline is valid for every shipped guideline. Runs every
# guidelines/*.gdl on every case we ship (examples/**/*.json, examples/batch.jsonl and
# every guideline's own test cases) and fails on any case error (an unknown field, a
# value a vocabulary does not allow). Fields a guideline does not read are accepted
# because the shared vocabulary (stdlib/lbp/vocabulary.gdl) declares them.
#   vocabulary_contract.sh GDL
set -uo pipefail
gdl=${1:-bin/gdl}
cd "$(dirname "$0")/../.."
export GDL_PATH=stdlib
cases=$(mktemp)
trap 'rm -f "$cases"' EXIT
{
    # examples/cds-hooks holds a hook request and a discovery document, not cases.
    find examples -path examples/cds-hooks -prune -o -name '*.json' -print | LC_ALL=C sort \
        | while read -r f; do tr -d '\n' < "$f"; echo; done
    cat examples/batch.jsonl
    for g in guidelines/*.gdl; do "$gdl" test --cases "$g" || exit 3; done
} > "$cases" || { echo "vocabulary contract: could not collect the cases"; exit 1; }
total=$(wc -l < "$cases")
bad=0
for g in guidelines/*.gdl; do
    errors=$("$gdl" run --batch "$g" < "$cases" | grep -n '"status": "error"')
    if [ -n "$errors" ]; then
        echo "vocabulary contract: $g rejects cases (line of the case list: result):"
        echo "$errors" | head -20
        bad=1
    fi
done
[ $bad = 0 ] && echo "vocabulary contract: $total cases valid for all $(ls guidelines/*.gdl | wc -l) guidelines"
exit $bad
