# shellcheck shell=bash
# Shared helpers for the scripts in this folder. Source it; do not run it.
#
# Every script logs to stderr and keeps stdout for its single result (a path),
# so callers can write `tf="$(scripts/terraform.sh)"`.

# shellcheck disable=SC2034 # These are read by the scripts that source this file.
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CACHE_DIR="${REPO_ROOT}/.cache"
CACHE_BIN="${CACHE_DIR}/bin"

# Terraform's update check calls home; none of this tooling needs it.
export CHECKPOINT_DISABLE=1

# Every go command builds, tests, scans and releases with the Go named by
# go.mod's toolchain line, fetched by the go command like a module. The
# line alone is not enough: a machine with GOTOOLCHAIN=local ignores it.
GO_TOOLCHAIN="$(awk '$1 == "toolchain" { print $2 }' "${REPO_ROOT}/go.mod")"
export GOTOOLCHAIN="${GO_TOOLCHAIN:?go.mod has no toolchain line}"

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

# first_line CMD... runs CMD and prints the first line of its output. The
# whole output is read before the line is cut: a reader that stops early
# (`head -n 1` at the end of a pipe) can kill the writer with SIGPIPE, which fails a pipeline
# under pipefail by chance.
first_line() {
	local out
	out="$("$@" 2>/dev/null)" || return 1
	printf '%s\n' "${out%%$'\n'*}"
}

# module_version BINARY prints the version of the main module BINARY was
# built from.
module_version() {
	local info
	info="$(go version -m "$1" 2>/dev/null)" || return 0
	awk '$1 == "mod" && !found { print $3; found = 1 }' <<<"${info}"
}

# module_dir MODULE@VERSION WORK downloads a module with the go command,
# using WORK as a scratch folder, and prints its folder in the module cache.
module_dir() {
	mkdir -p "$2/fetch"
	(
		cd "$2/fetch"
		go mod init example.invalid/fetch >/dev/null 2>&1
		GOFLAGS=-mod=mod go mod download -json "$1" >"$2/download.json"
	)
	local dir
	dir="$(jq -r '.Dir // empty' "$2/download.json")"
	[[ -n "${dir}" && -d "${dir}" ]] || die "go mod download gave no module folder: $(cat "$2/download.json")"
	printf '%s\n' "${dir}"
}
