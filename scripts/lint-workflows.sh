#!/usr/bin/env bash
# Checks the GitHub Actions workflows in .github/workflows with actionlint,
# at the version scripts/tools.sh pins. It first runs actionlint on a sample
# with known mistakes, scripts/testdata/broken-workflow.yml, and fails
# unless actionlint reports exactly the ones the sample marks: a lint that
# cannot fail proves nothing.
#
# actionlint runs shellcheck and pyflakes on `run:` scripts only when they
# are on PATH, so the result would depend on the machine; both are turned
# off, and the workflows' `run:` steps stay one-liners that call make
# targets and scripts/, which are checked as scripts.
#
# Usage: scripts/lint-workflows.sh
set -euo pipefail

# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

actionlint="$("${REPO_ROOT}/scripts/tools.sh" actionlint)"
cd "${REPO_ROOT}"

# Each finding as "FILE:LINE RULE", one a line (actionlint turns \n into a
# newline).
findings_format='{{range $err := .}}{{$err.Filepath}}:{{$err.Line}} {{$err.Kind}}\n{{end}}'

lint() {
	"${actionlint}" -shellcheck= -pyflakes= -no-color "$@"
}

# The sample marks each line actionlint must report with "want: RULE".
self_test() {
	local sample=scripts/testdata/broken-workflow.yml want got rc=0
	want="$(awk -v file="${sample}" 'match($0, /# want: [a-z-]+/) { print file ":" FNR " " substr($0, RSTART + 8, RLENGTH - 8) }' "${sample}")"
	[[ -n "${want}" ]] || die "self-test: ${sample} marks no mistake"
	got="$(lint -format "${findings_format}" "${sample}")" || rc=$?
	# 1 means findings; anything else is actionlint failing to run.
	((rc == 1)) || die "self-test: actionlint exited ${rc} on ${sample}, not 1 (findings):"$'\n'"${got}"
	[[ "$(sort <<<"${got}")" == "$(sort <<<"${want}")" ]] ||
		die "self-test: actionlint's findings in ${sample} are not the marked ones"$'\n'"want:"$'\n'"${want}"$'\n'"got:"$'\n'"${got}"
}

self_test
workflows=(.github/workflows/*.yml)
[[ -e "${workflows[0]}" ]] || die "no workflow in .github/workflows"
lint "${workflows[@]}"
log "actionlint $(module_version "${actionlint}"): ${#workflows[@]} workflows clean; the broken sample's mistakes all reported"
