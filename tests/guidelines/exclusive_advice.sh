#!/usr/bin/env bash
# exclusive_advice.sh - runs the 2021 guideline on every case we have (its own
# tests' given cases, the examples, N generated cases) and checks with
# exclusive_advice.lua that none gets going-on and closing advice at once.
#   exclusive_advice.sh GDL GEN_CASES N
set -euo pipefail
gdl=$1 gen=$2 n=$3
cd "$(dirname "$0")/../.."
guideline=guidelines/kngf-lbp-2021.gdl
{
    "$gdl" test --cases "$guideline"
    for f in examples/*.json; do tr -d '\n' < "$f"; echo; done
    cat examples/batch.jsonl
    "$gen" "$n"
} | "$gdl" run --batch "$guideline" | lua5.4 tests/guidelines/exclusive_advice.lua "$guideline"
