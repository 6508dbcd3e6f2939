#!/usr/bin/env bash
# Scans the module for known vulnerabilities with govulncheck against the
# local database built by scripts/vulndb.sh, so nothing is fetched beyond the
# Go module proxy. Prints the reachable findings, and fails when a reachable
# vulnerability is outside the standard library (the standard library's are
# fixed by a Go release, not by this module; they are listed all the same).
#
# Usage: scripts/vulncheck.sh [govulncheck flags and packages...]
#   With no arguments it scans ./... ; e.g. `scripts/vulncheck.sh -show verbose ./...`.
#
# The standard library is checked at the version of the Go that runs, so a
# `toolchain` line in go.mod is honoured here (GOTOOLCHAIN is left as given).
set -euo pipefail

# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

db_dir="$("${REPO_ROOT}/scripts/vulndb.sh")"
govulncheck="$("${REPO_ROOT}/scripts/tools.sh" govulncheck)"

args=("$@")
if ((${#args[@]} == 0)); then
	args=(./...)
fi

started="$(now)"
cd "${REPO_ROOT}"
report="$(mktemp)"
trap 'rm -f "${report}"' EXIT
"${govulncheck}" -db "file://${db_dir}" -format json "${args[@]}" >"${report}"
log "scan finished in $(elapsed "${started}")s"
python3 - "${report}" <<'PY'
import json, sys
dec, text, pos = json.JSONDecoder(), open(sys.argv[1]).read(), 0
reachable = {}
while pos < len(text):
    while pos < len(text) and text[pos].isspace():
        pos += 1
    if pos >= len(text):
        break
    msg, pos = dec.raw_decode(text, pos)
    f = msg.get("finding")
    if f and f.get("trace") and f["trace"][0].get("function"):
        reachable.setdefault(f["osv"], set()).add(f["trace"][0].get("module", ""))
outside = sorted(osv for osv, mods in reachable.items() if mods - {"stdlib"})
stdlib = sorted(osv for osv, mods in reachable.items() if not mods - {"stdlib"})
print(f"reachable outside the standard library: {len(outside)} {' '.join(outside)}")
print(f"reachable in the standard library (fixed by a newer Go): {len(stdlib)} {' '.join(stdlib)}")
sys.exit(1 if outside else 0)
PY
