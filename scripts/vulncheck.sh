#!/usr/bin/env bash
# Scans the module for known vulnerabilities with govulncheck against the
# local database built by scripts/vulndb.sh, so nothing is fetched beyond the
# Go module proxy. Prints the count of reachable findings in modules and in
# the standard library, and fails on any: the standard library's are fixed by
# moving go.mod's toolchain line to a patched Go.
#
# Usage: scripts/vulncheck.sh [govulncheck flags and packages...]
#   With no arguments it scans ./... ; e.g. `scripts/vulncheck.sh -show verbose ./...`.
#
# The standard library is checked at the version of the Go that runs: the
# toolchain of go.mod, through GOTOOLCHAIN (scripts/lib/common.sh).
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
log "scan with $(go env GOVERSION) finished in $(elapsed "${started}")s"
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
print(f"reachable in the standard library: {len(stdlib)} {' '.join(stdlib)}")
sys.exit(1 if outside or stdlib else 0)
PY
