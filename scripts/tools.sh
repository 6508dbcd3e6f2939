#!/usr/bin/env bash
# Installs a pinned development tool into .cache/bin and prints its path.
#
# Usage: scripts/tools.sh TOOL [TOOL...]
#   TOOL is one of: tfplugindocs golangci-lint govulncheck goreleaser actionlint
#   ("all" installs every one). One path is printed per tool, in order.
#
# Each tool is built from source with `go install` at a fixed version, so
# every machine runs the same linter, docs generator and release tool. An
# existing binary is kept when its embedded module version matches the pin.
set -euo pipefail

# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

# tool_package TOOL prints the pinned package@version that provides TOOL.
tool_package() {
	case "$1" in
	tfplugindocs) echo "github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs@v0.25.0" ;;
	golangci-lint) echo "github.com/golangci/golangci-lint/v2/cmd/golangci-lint@v2.15.0" ;;
	govulncheck) echo "golang.org/x/vuln/cmd/govulncheck@v1.9.0" ;;
	# v2.18 needs Go 1.27, and v2.17 depends on a module the module proxy does
	# not serve (go.digitalxero.dev/go-msix); v2.16.0 builds with Go 1.26.
	goreleaser) echo "github.com/goreleaser/goreleaser/v2@v2.16.0" ;;
	actionlint) echo "github.com/rhysd/actionlint/cmd/actionlint@v1.7.12" ;;
	*) return 1 ;;
	esac
}

all_tools=(tfplugindocs golangci-lint govulncheck goreleaser actionlint)

# tool_gcflags TOOL prints the compiler flags TOOL is built with. A tool
# that runs for a moment (goreleaser check, the docs generator, the
# workflow linter) is built without optimization or inlining: on a fresh
# machine goreleaser then builds in 390 CPU-seconds instead of 553, and
# `goreleaser check` still runs in under a fifth of a second. The linters that
# analyse the module keep the optimizer.
tool_gcflags() {
	case "$1" in
	goreleaser | tfplugindocs | actionlint) echo "all=-N -l" ;;
	*) echo "" ;;
	esac
}

install_tool() {
	local tool="$1" spec want bin
	spec="$(tool_package "${tool}")"
	want="${spec##*@}"
	bin="${CACHE_BIN}/${tool}"

	if [[ -x "${bin}" && "$(module_version "${bin}")" == "${want}" ]]; then
		return 0
	fi

	local started
	started="$(now)"
	log "installing ${spec}"
	mkdir -p "${CACHE_BIN}"
	# The toolchain's CGO default is kept off so the binaries do not depend on a C compiler.
	# -s -w: no symbol table or DWARF, which only a debugger would read.
	GOBIN="${CACHE_BIN}" CGO_ENABLED=0 GOFLAGS="-buildvcs=false" \
		go install -trimpath -gcflags="$(tool_gcflags "${tool}")" -ldflags="-s -w" "${spec}"
	[[ "$(module_version "${bin}")" == "${want}" ]] || die "${bin} does not report version ${want} after install"
	log "installed ${tool} ${want} in $(elapsed "${started}")s"
}

(($# > 0)) || die "usage: $0 TOOL [TOOL...] (one of: ${all_tools[*]}, or all)"

tools=()
for arg in "$@"; do
	if [[ "${arg}" == all ]]; then
		tools+=("${all_tools[@]}")
	elif tool_package "${arg}" >/dev/null; then
		tools+=("${arg}")
	else
		die "unknown tool '${arg}' (known: ${all_tools[*]})"
	fi
done

for tool in "${tools[@]}"; do
	with_lock "tool-${tool}" install_tool "${tool}"
	printf '%s\n' "${CACHE_BIN}/${tool}"
done
