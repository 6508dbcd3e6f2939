#!/usr/bin/env bash
# Builds a local copy of the Go vulnerability database in .cache/vulndb and
# prints its path.
#
# The reports come from the golang.org/x/vulndb module (its data/osv folder),
# indexed with the module's own cmd/indexdb into the layout govulncheck reads,
# so a scan needs nothing beyond the Go module proxy:
#
#   govulncheck -db "file://$(scripts/vulndb.sh)" ./...
#
# Usage: scripts/vulndb.sh
# Environment: VULNDB_VERSION overrides the pinned module version; bump the
# pin to pick up newer reports.
set -euo pipefail

# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

vulndb_module="golang.org/x/vulndb"
vulndb_version="${VULNDB_VERSION:-v0.0.0-20261105234957-e22db6528018}"
db_dir="${CACHE_DIR}/vulndb"
stamp="${db_dir}/.module-version"
indexdb_bin="${CACHE_BIN}/indexdb"

is_current() {
	[[ -f "${db_dir}/index/db.json" && -f "${stamp}" && "$(cat "${stamp}")" == "${vulndb_version}" ]]
}

build_vulndb() {
	if is_current; then
		return 0
	fi

	local started work
	started="$(now)"
	work="$(mktemp -d "${CACHE_DIR}/vulndb-build.XXXXXX")"
	# shellcheck disable=SC2064 # expand now: the trap must remove this very folder.
	trap "rm -rf '${work}'" EXIT

	if [[ ! -x "${indexdb_bin}" || "$(module_version "${indexdb_bin}")" != "${vulndb_version}" ]]; then
		log "installing ${vulndb_module}/cmd/indexdb@${vulndb_version}"
		mkdir -p "${CACHE_BIN}"
		GOBIN="${CACHE_BIN}" CGO_ENABLED=0 GOFLAGS="-buildvcs=false" go install -trimpath "${vulndb_module}/cmd/indexdb@${vulndb_version}"
	fi

	log "downloading ${vulndb_module}@${vulndb_version}"
	local module_dir
	module_dir="$(module_dir "${vulndb_module}@${vulndb_version}" "${work}")"
	[[ -d "${module_dir}/data/osv" ]] || die "no data/osv folder in ${vulndb_module}@${vulndb_version}"

	log "indexing $(find "${module_dir}/data/osv" -name '*.json' | wc -l) reports"
	"${indexdb_bin}" -vulns "${module_dir}/data/osv" -out "${work}/db"
	[[ -f "${work}/db/index/db.json" && -f "${work}/db/index/modules.json" ]] || die "indexdb wrote no index"
	printf '%s\n' "${vulndb_version}" >"${work}/db/.module-version"

	# Swap the new database in whole, so a reader never sees half of one.
	rm -rf "${db_dir}.old"
	if [[ -d "${db_dir}" ]]; then
		mv "${db_dir}" "${db_dir}.old"
	fi
	mv "${work}/db" "${db_dir}"
	rm -rf "${db_dir}.old"
	log "built ${db_dir} in $(elapsed "${started}")s"
}

started="$(now)"
if ! is_current; then
	with_lock vulndb build_vulndb
fi
log "vulnerability database ${vulndb_version} ready in $(elapsed "${started}")s"
printf '%s\n' "${db_dir}"
