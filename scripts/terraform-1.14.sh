#!/usr/bin/env bash
# Ensures a Terraform 1.14 CLI exists at .cache/terraform-<version>/terraform
# and prints its path on stdout.
#
# Terraform 1.14 is the first release with `action` blocks, which the
# interakt_send_template action and its acceptance tests need. No release
# binary can be downloaded here, so the CLI is built from the Terraform Go
# module. The module cannot be `go install`ed (its go.mod has replace
# directives for nested modules, which the module zip leaves out), so the
# script copies the module, drops the nine cloud remote-state backends that
# live in those nested modules, and builds the rest. Local, http, inmem,
# remote and cloud backends stay. The release marker is set with -ldflags so
# the binary reports a plain version; a "-dev" build would be skipped by
# terraform-plugin-testing's version checks.
#
# Usage: scripts/terraform-1.14.sh
# Environment: TERRAFORM_BUILD_VERSION overrides the version (default 1.14.9).
set -euo pipefail

# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
build_with_local_go

tf_version="${TERRAFORM_BUILD_VERSION:-1.14.9}"
tf_module="github.com/hashicorp/terraform"
tf_dir="${CACHE_DIR}/terraform-${tf_version}"
tf_bin="${tf_dir}/terraform"

# The remote-state backends that are nested modules, by their import alias in
# internal/backend/init/init.go.
dropped_backends='backend(Azure|Consul|Cos|GCS|Kubernetes|OCI|OSS|Pg|S3)'

is_wanted_binary() {
	[[ -x "${tf_bin}" ]] || return 1
	local first_line
	first_line="$("${tf_bin}" version 2>/dev/null | head -n 1)" || return 1
	[[ "${first_line}" == "Terraform v${tf_version}" ]]
}

build_terraform() {
	# Another run may have finished the build while this one waited for the lock.
	if is_wanted_binary; then
		return 0
	fi

	local started work
	started="$(now)"
	work="$(mktemp -d "${CACHE_DIR}/terraform-build.XXXXXX")"
	# shellcheck disable=SC2064 # expand now: the trap must remove this very folder.
	trap "chmod -R u+w '${work}' 2>/dev/null; rm -rf '${work}'" EXIT

	log "downloading ${tf_module}@v${tf_version}"
	mkdir -p "${work}/fetch"
	(
		cd "${work}/fetch"
		go mod init example.invalid/fetch >/dev/null 2>&1
		GOFLAGS=-mod=mod go mod download -json "${tf_module}@v${tf_version}" >"${work}/download.json"
	)
	local module_dir
	module_dir="$(jq -r '.Dir // empty' "${work}/download.json")"
	[[ -n "${module_dir}" && -d "${module_dir}" ]] || die "go mod download gave no module folder: $(cat "${work}/download.json")"

	cp -R "${module_dir}" "${work}/src"
	chmod -R u+w "${work}/src"

	local init_go="${work}/src/internal/backend/init/init.go"
	local before after
	before="$(grep -cE "\\b${dropped_backends}\\b" "${init_go}" || true)"
	[[ "${before}" == 18 ]] || die "expected 9 imports and 9 map entries of the dropped backends in init.go, found ${before} lines; the layout changed"
	sed -E -i "/\\b${dropped_backends}\\b/d" "${init_go}"
	after="$(grep -cE "\\b${dropped_backends}\\b" "${init_go}" || true)"
	[[ "${after}" == 0 ]] || die "dropped backends still referenced in init.go"

	(
		cd "${work}/src"
		local nested edit_args=()
		# Every nested module (the backends and internal/legacy) is absent from the module zip.
		while IFS= read -r nested; do
			edit_args+=("-droprequire=${nested}" "-dropreplace=${nested}")
		done < <(go mod edit -json | jq -r --arg prefix "${tf_module}/internal/" \
			'[(.Require // [])[].Path, (.Replace // [])[].Old.Path] | unique | .[] | select(startswith($prefix))')
		if ((${#edit_args[@]} > 0)); then
			go mod edit "${edit_args[@]}"
		fi

		log "building terraform ${tf_version} (about 2 minutes on 2 cores)"
		CGO_ENABLED=0 GOFLAGS="-mod=mod -buildvcs=false" go build \
			-trimpath \
			-ldflags "-s -w -X ${tf_module}/version.dev=no" \
			-o "${work}/terraform" .
	)

	mkdir -p "${tf_dir}"
	mv -f "${work}/terraform" "${tf_bin}.tmp"
	mv -f "${tf_bin}.tmp" "${tf_bin}"
	is_wanted_binary || die "built binary does not report Terraform v${tf_version}: $("${tf_bin}" version 2>&1 | head -n 1)"
	log "built ${tf_bin} in $(elapsed "${started}")s"
}

started="$(now)"
if ! is_wanted_binary; then
	with_lock "terraform-${tf_version}" build_terraform
fi
log "terraform ${tf_version} ready in $(elapsed "${started}")s"
printf '%s\n' "${tf_bin}"
