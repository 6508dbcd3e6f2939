#!/usr/bin/env bash
# Scans the module for known vulnerabilities with govulncheck against the
# local database built by scripts/vulndb.sh, so nothing is fetched beyond the
# Go module proxy. Exits non-zero when reachable vulnerabilities are found.
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
status=0
"${govulncheck}" -db "file://${db_dir}" "${args[@]}" || status=$?
log "scan finished in $(elapsed "${started}")s with exit status ${status}"
exit "${status}"
