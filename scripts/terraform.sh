#!/usr/bin/env bash
# Ensures a Terraform or OpenTofu CLI of one release exists in .cache and
# prints its path on stdout.
#
# No release binary can be downloaded here, so each CLI is built from its Go
# module, with the patched Go of scripts/lib/common.sh:
#
#   terraform 1.16.4  the newest: actions (with `on_failure` and destroy
#                     events), list resources and `terraform query`
#   terraform 1.8.5   the oldest the provider supports: provider functions
#   tofu 1.12.6       OpenTofu
#
# A module with replace directives cannot be `go install`ed, so the module
# is copied and built in place. The cloud remote-state backends (S3, Azure,
# GCS, Kubernetes and five more) are dropped: the tests keep state locally,
# and those backends' SDKs are most of a CLI's build time; Terraform 1.14
# and later keep them in nested modules that its module zip leaves out anyway. Local,
# http, inmem, remote and cloud stay. The S3 and GCS module sources go too
# (drop_cloud_module_getters). The release marker is set with
# -ldflags so the binary reports a plain version: a "-dev" build would be
# skipped by terraform-plugin-testing's version checks.
#
# Usage: scripts/terraform.sh [terraform|tofu] [VERSION]
#   default: terraform 1.16.4; tofu's default version is 1.12.6.
set -euo pipefail

# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

cli="${1:-terraform}"
case "${cli}" in
terraform)
	cli_version="${2:-1.16.4}"
	cli_module="github.com/hashicorp/terraform"
	cli_package="."
	cli_banner="Terraform"
	;;
tofu)
	cli_version="${2:-1.12.6}"
	cli_module="github.com/opentofu/opentofu"
	cli_package="./cmd/tofu"
	cli_banner="OpenTofu"
	;;
*) die "usage: $0 [terraform|tofu] [VERSION]" ;;
esac
cli_dir="${CACHE_DIR}/${cli}-${cli_version}"
cli_bin="${cli_dir}/${cli}"

# The cloud remote-state backends, by their import alias in
# internal/backend/init/init.go.
dropped_backends='backend(Azure|Consul|Cos|GCS|Kubernetes|OCI|OSS|Pg|S3)'

# banner prints the first line of the built CLI's version. OpenTofu prints
# a missing CLI configuration's warning on stdout, above its banner: the
# banner is read with an empty configuration.
banner() {
	TF_CLI_CONFIG_FILE=/dev/null first_line "${cli_bin}" version
}

is_wanted_binary() {
	[[ -x "${cli_bin}" ]] || return 1
	local got
	got="$(banner)" || return 1
	[[ "${got}" == "${cli_banner} v${cli_version}" ]]
}

# drop_cloud_backends DIR removes from the copied module in DIR the cloud
# backends' imports and map entries, and the requires of nested modules.
drop_cloud_backends() {
	local src="$1"
	local init_go="${src}/internal/backend/init/init.go" before after
	before="$(grep -cE "\\b${dropped_backends}\\b" "${init_go}" || true)"
	((before >= 16 && before % 2 == 0)) || die "expected an import and a map entry of each dropped backend in init.go, found ${before} lines; the layout changed"
	sed -E -i "/\\b${dropped_backends}\\b/d" "${init_go}"
	after="$(grep -cE "\\b${dropped_backends}\\b" "${init_go}" || true)"
	[[ "${after}" == 0 ]] || die "dropped backends still referenced in init.go"

	local nested edit_args=()
	while IFS= read -r nested; do
		edit_args+=("-droprequire=${nested}" "-dropreplace=${nested}")
	done < <(cd "${src}" && go mod edit -json | jq -r --arg prefix "${cli_module}/internal/" \
		'[(.Require // [])[].Path, (.Replace // [])[].Old.Path] | unique | .[] | select(startswith($prefix))')
	if ((${#edit_args[@]} > 0)); then
		(cd "${src}" && go mod edit "${edit_args[@]}")
	fi
}

# drop_cloud_module_getters DIR WORK removes from the copied module in DIR
# the S3 and GCS module sources (source = "s3::..." and "gcs::..."): it
# builds against a copy of go-getter, in WORK, without those two getters,
# whose cloud SDKs (AWS S3, Google Cloud Storage with its gRPC xDS
# resolver) are about a third of a CLI's source. The tests install no
# module from a bucket; git, http and local sources stay.
drop_cloud_module_getters() {
	local src="$1" work="$2" getter_module="github.com/hashicorp/go-getter" getter_version getter_dir
	getter_version="$(cd "${src}" && go mod edit -json | jq -r --arg path "${getter_module}" '.Require[] | select(.Path == $path) | .Version')"
	[[ -n "${getter_version}" ]] || die "${cli} ${cli_version} does not require ${getter_module}; the layout changed"
	getter_dir="${work}/go-getter"
	cp -R "$(module_dir "${getter_module}@${getter_version}" "${work}")" "${getter_dir}"
	chmod -R u+w "${getter_dir}"
	rm -f "${getter_dir}/get_gcs.go" "${getter_dir}/get_s3.go"

	local file pattern='new\((getter\.)?(GCS|S3)Getter\)'
	for file in "${getter_dir}/get.go" "${src}/internal/getmodules/getter.go"; do
		[[ "$(grep -cE "${pattern}" "${file}" || true)" == 2 ]] || die "expected the GCS and S3 getters once each in ${file}; the layout changed"
		sed -E -i "/${pattern}/d" "${file}"
	done
	(cd "${src}" && go mod edit "-replace=${getter_module}=${getter_dir}")
}

build_cli() {
	# Another run may have finished the build while this one waited for the lock.
	if is_wanted_binary; then
		return 0
	fi

	local started work
	started="$(now)"
	work="$(mktemp -d "${CACHE_DIR}/${cli}-build.XXXXXX")"
	# shellcheck disable=SC2064 # expand now: the trap must remove this very folder.
	trap "chmod -R u+w '${work}' 2>/dev/null; rm -rf '${work}'" EXIT

	log "downloading ${cli_module}@v${cli_version}"
	local module_dir
	module_dir="$(module_dir "${cli_module}@v${cli_version}" "${work}")"
	cp -R "${module_dir}" "${work}/src"
	chmod -R u+w "${work}/src"
	drop_cloud_backends "${work}/src"
	drop_cloud_module_getters "${work}/src" "${work}"

	log "building ${cli} ${cli_version} with $(go env GOVERSION) (2 to 3 minutes on 2 cores)"
	(
		cd "${work}/src"
		CGO_ENABLED=0 GOFLAGS="-mod=mod -buildvcs=false" go build \
			-trimpath \
			-ldflags "-s -w -X ${cli_module}/version.dev=no" \
			-o "${work}/${cli}" "${cli_package}"
	)

	mkdir -p "${cli_dir}"
	mv -f "${work}/${cli}" "${cli_bin}.tmp"
	mv -f "${cli_bin}.tmp" "${cli_bin}"
	is_wanted_binary || die "built binary does not report ${cli_banner} v${cli_version}: $(banner)"
	log "built ${cli_bin} in $(elapsed "${started}")s"
}

started="$(now)"
if ! is_wanted_binary; then
	with_lock "${cli}-${cli_version}" build_cli
fi
log "${cli} ${cli_version} ready in $(elapsed "${started}")s"
printf '%s\n' "${cli_bin}"
