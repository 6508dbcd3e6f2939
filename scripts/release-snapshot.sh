#!/usr/bin/env bash
# Builds every release artifact into dist/ without publishing or signing:
# the provider's registry zips, SHA256SUMS and manifest, and the receiver and
# mock archives. Use it to check that a release would build.
#
# Usage: scripts/release-snapshot.sh [extra goreleaser flags...]
set -euo pipefail

# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

goreleaser="$("${REPO_ROOT}/scripts/tools.sh" goreleaser)"

started="$(now)"
cd "${REPO_ROOT}"
"${goreleaser}" check
"${goreleaser}" release --snapshot --clean --skip=sign "$@"

# Every binary must be built by go.mod's toolchain, the patched Go.
built=0
while IFS= read -r -d '' bin; do
	info="$(go version "${bin}")"
	[[ "${info}" == *": ${GOTOOLCHAIN}" ]] || die "${info}: not built with ${GOTOOLCHAIN}"
	built=$((built + 1))
done < <(find dist -type f -perm -u+x ! -name '*.zip' ! -name '*.tar.gz' -print0)
((built > 0)) || die "no binary found in dist/"
log "${built} binaries, each built with ${GOTOOLCHAIN}"
log "snapshot release built in dist/ in $(elapsed "${started}")s"
