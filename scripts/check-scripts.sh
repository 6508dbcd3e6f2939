#!/usr/bin/env bash
# Fails when a script that sets pipefail pipes into a reader that may stop
# before its writer is done: head, grep -q or -m, sed ...q, awk ... exit.
# The writer then dies of SIGPIPE and the pipeline fails by chance, more
# often on a busy machine. Read the whole output first instead (first_line
# and module_version in scripts/lib/common.sh), or read from a file.
#
# Usage: scripts/check-scripts.sh [FILE...]
#   With no arguments it checks scripts/, scripts/lib/ and .ci/run.
set -euo pipefail

# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

# A pipe into a reader that can stop reading early.
early_reader='\|[[:space:]]*(head|grep[[:space:]]+(-[[:alpha:]]*[qm]|--quiet|--max-count)|sed[[:space:]][^|]*[0-9/]q|awk[[:space:]][^|]*[^[:alnum:]_]exit[^[:alnum:]_])'

# offending FILE prints the file's early-reader pipelines as FILE:LINE:TEXT,
# when the file sets pipefail. Comments are skipped.
offending() {
	grep -q 'pipefail' "$1" || return 0
	awk -v re="${early_reader}" -v file="$1" '!/^[[:space:]]*#/ && $0 ~ re { print file ":" FNR ":" $0 }' "$1"
}

# The pattern must catch what it is for and pass what is safe, or the check
# proves nothing.
self_test() {
	local sample
	sample="$(mktemp)"
	# shellcheck disable=SC2064 # expand now
	trap "rm -f '${sample}'" RETURN
	# The pipe is spliced in, so that simpler searches for the pattern do not
	# take these samples for the real thing.
	local p='|'
	local bad=("v=\"\$(terraform version $p head -n 1)\"" "go list ./... $p grep -q provider" \
		"go version -m x $p awk '\$1 == \"mod\" { print \$3; exit }'" "cmd $p grep -m1 x" "cmd $p sed -n '1p;1q'")
	local good=('out="$(terraform version)"' 'grep -q provider file.txt' "awk '{ print }' file $p sort" "cmd $p tail -n 1")
	local line
	for line in "${bad[@]}"; do
		printf 'set -o pipefail\n%s\n' "${line}" >"${sample}"
		[[ -n "$(offending "${sample}")" ]] || die "self-test: the check misses: ${line}"
	done
	for line in "${good[@]}"; do
		printf 'set -o pipefail\n%s\n' "${line}" >"${sample}"
		[[ -z "$(offending "${sample}")" ]] || die "self-test: the check flags a safe line: ${line}"
	done
}

self_test
files=("$@")
if ((${#files[@]} == 0)); then
	# This script's own samples are meant to be caught.
	for f in "${REPO_ROOT}"/scripts/*.sh "${REPO_ROOT}"/scripts/lib/*.sh "${REPO_ROOT}/.ci/run"; do
		[[ "${f}" -ef "${BASH_SOURCE[0]}" ]] || files+=("${f}")
	done
fi
found="$(for f in "${files[@]}"; do offending "${f}"; done)"
if [[ -n "${found}" ]]; then
	log "pipelines under pipefail whose reader may stop early (read the whole output first):"
	printf '%s\n' "${found}" >&2
	exit 1
fi
log "checked ${#files[@]} scripts: no early-stopping reader under pipefail"
