#!/usr/bin/env bash
# Runs the live acceptance tests (TestAccLive) against a real Interakt
# account, or lists what live runs left there (--sweep). Without
# INTERAKT_LIVE=1, INTERAKT_API_KEY, INTERAKT_LIVE_PHONE and
# INTERAKT_LIVE_TEMPLATE it prints one line naming what is missing and
# exits 0. The base URL is INTERAKT_BASE_URL's, as everywhere.
#
# --mock starts interakt-mock and points the run at it as if it were
# Interakt (its URL, its key, a QA phone, its approved order_shipped), with
# the recordings written to a temporary folder instead of
# internal/mock/testdata/live.
#
# Usage: scripts/testacc-live.sh [--mock] [--sweep]
# Environment: INTERAKT_LIVE_MAX_SENDS (5), INTERAKT_LIVE_STATUS_URL and
# INTERAKT_LIVE_STATUS_TOKEN, INTERAKT_LIVE_SUBMIT=1, INTERAKT_LIVE_RECORD_DIR.
set -euo pipefail

# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

use_mock=0 sweep=0
for arg in "$@"; do
	case "${arg}" in
	--mock) use_mock=1 ;;
	--sweep) sweep=1 ;;
	*) die "usage: $0 [--mock] [--sweep]" ;;
	esac
done

cd "${REPO_ROOT}"
if ((use_mock)); then
	work="$(mktemp -d)"
	go build -o "${work}/interakt-mock" ./cmd/interakt-mock
	"${work}/interakt-mock" --listen 127.0.0.1:0 --quiet --addr-file "${work}/addr" >/dev/null &
	mock_pid=$!
	# shellcheck disable=SC2064 # expand now
	trap "kill ${mock_pid} 2>/dev/null; rm -rf '${work}'" EXIT
	for _ in $(seq 100); do
		[[ -s "${work}/addr" ]] && break
		sleep 0.1
	done
	[[ -s "${work}/addr" ]] || die "interakt-mock did not start"
	INTERAKT_BASE_URL="$(<"${work}/addr")"
	export INTERAKT_BASE_URL INTERAKT_LIVE=1 INTERAKT_API_KEY=dGVzdC1rZXk6 INTERAKT_LIVE_PHONE=+919999999999 \
		INTERAKT_LIVE_TEMPLATE=order_shipped INTERAKT_LIVE_SUBMIT=1 INTERAKT_LIVE_RECORD_DIR="${work}/recordings"
fi

missing=()
[[ "${INTERAKT_LIVE:-}" == 1 ]] || missing+=("INTERAKT_LIVE=1")
for name in INTERAKT_API_KEY INTERAKT_LIVE_PHONE INTERAKT_LIVE_TEMPLATE; do
	[[ -n "${!name:-}" ]] || missing+=("${name}")
done
what="live acceptance tests"
((sweep)) && what="live sweep"
if ((${#missing[@]})); then
	list="$(printf '%s, ' "${missing[@]}")"
	echo "${what} skipped: set ${list%, } (INTERAKT_BASE_URL optional)"
	exit 0
fi

if ((sweep)); then
	exec go test -count=1 -run '^$' -sweep=account -v ./internal/provider/
fi
# One test at a time: each has a rate budget of its own, and the account's
# limit is one for all.
started="$(date +%s)"
status=0
TF_ACC=1 go test -count=1 -p 1 -parallel 1 -timeout "${GO_TEST_TIMEOUT:-30m}" -run 'TestAccLive' -v ./internal/provider/ || status=$?
log "live acceptance tests: $(($(date +%s) - started))s, exit ${status}"
exit "${status}"
