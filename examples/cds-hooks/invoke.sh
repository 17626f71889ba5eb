#!/usr/bin/env bash
# invoke.sh - answers one CDS Hooks 2.0 service call with gdl: reads the hook
# request (JSON) on standard input, runs the guideline on the case in its
# prefetch ("prefetch": {"case": {...}}, the GDL case file) and writes the
# CDS Hooks response ({"cards": [...]}) on standard output. docs/cds-hooks.md.
#   usage: invoke.sh GUIDELINE.gdl|.gdlc [nl|en] < hook-request.json
# Exit status: gdl's (0 advice; 1 the case has errors, and the response
# holds one card saying so); 4, with no response, when the request has no
# prefetch.case object (an HTTP front end answers 412, as the spec says for
# missing prefetch data).
set -euo pipefail
guideline=${1:?usage: invoke.sh GUIDELINE.gdl|.gdlc [nl|en] < hook-request.json}
lang=${2:-nl}
GDL=${GDL:-gdl}
request=$(cat)
if ! case_json=$(jq -ce '.prefetch.case | objects' <<< "$request"); then
    echo "invoke.sh: the hook request has no prefetch.case object (the GDL case file)" >&2
    exit 4
fi
"$GDL" run --format cds-hooks --lang "$lang" "$guideline" - <<< "$case_json"
