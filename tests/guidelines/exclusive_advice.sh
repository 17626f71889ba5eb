#!/usr/bin/env bash
# exclusive_advice.sh - runs each KNGF guideline (2021 and 2013) on every case we
# have (its own tests' given cases, all examples, N generated cases: one case
# file runs under every guideline) and checks with exclusive_advice.lua that
# none gets going-on and closing advice at once.
#   exclusive_advice.sh GDL GEN_CASES N
set -euo pipefail
gdl=$1 gen=$2 n=$3
cd "$(dirname "$0")/../.."
for guideline in guidelines/kngf-lbp-2021.gdl guidelines/kngf-lbp-2013.gdl; do
    {
        "$gdl" test --cases "$guideline"
        for f in examples/*.json examples/*/*.json; do
            case $f in examples/cds-hooks/*) continue ;; esac    # a hook request and a discovery document, not cases
            tr -d '\n' < "$f"; echo
        done
        cat examples/batch.jsonl
        "$gen" "$n"
    } | "$gdl" run --batch "$guideline" | lua5.4 tests/guidelines/exclusive_advice.lua "$guideline"
done
