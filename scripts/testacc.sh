#!/usr/bin/env bash
# Runs the acceptance suite on one CLI built by scripts/terraform.sh and
# prints what passed, what was skipped and why, and the output of every
# failed test.
#
# Usage: scripts/testacc.sh terraform|tofu VERSION
# Environment: GO_TEST_TIMEOUT (25m).
set -euo pipefail

# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

(($# == 2)) || die "usage: $0 terraform|tofu VERSION"
cli_path="$("${REPO_ROOT}/scripts/terraform.sh" "$1" "$2")"
label="$1 $2"

export TF_ACC=1 TF_ACC_TERRAFORM_PATH="${cli_path}"
if [[ "$1" == tofu ]]; then
	# OpenTofu finds providers under its own registry's host.
	export TF_ACC_PROVIDER_HOST=registry.opentofu.org
fi

cd "${REPO_ROOT}"
# The events stay in .cache/ for a closer look after a failure.
events="${CACHE_DIR}/testacc-$1-$2.json"
started="$(now)"
status=0
go test -json -count=1 -timeout "${GO_TEST_TIMEOUT:-25m}" -run 'TestAcc' ./internal/provider/... >"${events}" || status=$?

# Counted are leaf tests: a test with subtests counts as its subtests.
jq -rs --arg cli "${label}" '
	(map(select(.Test != null) | .Test) | unique) as $names
	| ($names | map(. as $n | select(any($names[]; startswith($n + "/")) | not))) as $leaves
	| (map(select(.Test != null and (.Action == "pass" or .Action == "skip" or .Action == "fail")))
		| map(select(.Test as $t | $leaves | index($t))) | group_by(.Action)
		| map({key: .[0].Action, value: map(.Test)}) | from_entries) as $by
	| (map(select(.Test != null and .Action == "output")) | group_by(.Test)
		| map({key: .[0].Test, value: map(.Output) | join("")}) | from_entries) as $out
	| def reason: split("\n") | map(select(test("^\\s+\\S+\\.go:[0-9]+: "))) | (first // "") | sub("^\\s+\\S+\\.go:[0-9]+: "; "");
	($by.fail // [] | map("--- FAIL \(.)\n\($out[.] // "")") | join("")),
	($by.skip // [] | map("skipped \(.): \($out[.] // "" | reason)") | join("\n")),
	"acceptance on \($cli): \($by.pass // [] | length) passed, \($by.skip // [] | length) skipped, \($by.fail // [] | length) failed"
' "${events}"
# A build failure or a panic reports no test as failed; show the rest.
if ((status != 0)); then
	jq -r 'select(.Action == "output" and .Test == null) | .Output' "${events}" | tail -n 40 >&2
fi
log "acceptance on ${label} in $(elapsed "${started}")s"
exit "${status}"
