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
log "snapshot release built in dist/ in $(elapsed "${started}")s"
