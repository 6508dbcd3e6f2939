# shellcheck shell=bash
# Shared helpers for the scripts in this folder. Source it; do not run it.
#
# Every script logs to stderr and keeps stdout for its single result (a path),
# so callers can write `tf="$(scripts/terraform-1.14.sh)"`.

# shellcheck disable=SC2034 # These are read by the scripts that source this file.
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CACHE_DIR="${REPO_ROOT}/.cache"
CACHE_BIN="${CACHE_DIR}/bin"

# Terraform's update check calls home; none of this tooling needs it.
export CHECKPOINT_DISABLE=1

# build_with_local_go makes the go commands that build third-party code use
# the installed Go, so a pin that needs a newer Go fails clearly instead of
# fetching another toolchain.
build_with_local_go() {
	export GOTOOLCHAIN=local
}

mkdir -p "${CACHE_DIR}"

log() {
	printf '%s: %s\n' "$(basename "$0")" "$*" >&2
}

die() {
	log "error: $*"
	exit 1
}

now() {
	date +%s.%N
}

# elapsed START prints the seconds since START (a value from now) with one decimal.
elapsed() {
	awk -v start="$1" -v end="$(now)" 'BEGIN { printf "%.1f", end - start }'
}

# with_lock NAME CMD... runs CMD while holding an exclusive lock on
# .cache/NAME.lock, so two concurrent runs never build into the same place.
with_lock() {
	local name="$1"
	shift
	local lock="${CACHE_DIR}/${name}.lock"
	(
		flock 9
		"$@"
	) 9>"${lock}"
}
