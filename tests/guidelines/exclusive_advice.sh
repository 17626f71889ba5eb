#!/usr/bin/env bash
# exclusive_advice.sh - runs each shipped guideline (KNGF 2021 and 2013, the MSK
# leidraad, the tissue-reactivity tables) on every case we have (its own
# tests' given cases, its boundary cases, all examples, N generated cases: one case file runs
# under every guideline) and checks with exclusive_advice.lua that none gets
# going-on and closing advice at once, nor one advice id recommended and
# advised against.
#   exclusive_advice.sh GDL GEN_CASES N
set -euo pipefail
gdl=$1 gen=$2 n=$3
cd "$(dirname "$0")/../.."
for guideline in guidelines/kngf-lbp-2021.gdl guidelines/kngf-lbp-2013.gdl guidelines/msk-lrs.gdl guidelines/lrs-reactivity.gdl; do
    {
        "$gdl" test --cases "$guideline"
        "$gdl" cases --boundary "$guideline"    # every threshold at its edges: the generator knows only the KNGF fields
        for f in examples/*.json examples/*/*.json; do
            case $f in examples/cds-hooks/*) continue ;; esac    # a hook request and a discovery document, not cases
            tr -d '\n' < "$f"; echo
        done
        cat examples/batch.jsonl
        "$gen" "$n"
    } | "$gdl" run --batch "$guideline" | lua5.4 tests/guidelines/exclusive_advice.lua "$guideline"
done
