#!/usr/bin/env bash
# Completes the draft release goreleaser made for TAG and publishes it:
# writes the receiver's and the mock's checksum file (scripts/program-sums.sh),
# signs it with the release key, attaches both to the release, and turns the
# draft into a release. Run by the release workflow after goreleaser.
#
# Usage: GPG_FINGERPRINT=... GH_TOKEN=... scripts/release-publish.sh TAG
set -euo pipefail

# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

tag="${1:?usage: $0 TAG}"
: "${GPG_FINGERPRINT:?GPG_FINGERPRINT names the signing key}"
: "${GH_TOKEN:?GH_TOKEN lets gh attach files to the release}"
cd "${REPO_ROOT}"

version="$(jq -r '.version // empty' dist/metadata.json)"
[[ "v${version}" == "${tag}" ]] || die "dist/ holds version ${version}, not the one of ${tag}"

sums="$(scripts/program-sums.sh dist)"
gpg --batch --local-user "${GPG_FINGERPRINT}" --output "${sums}.sig" --detach-sign "${sums}"
gh release upload "${tag}" "${sums}" "${sums}.sig" --clobber
gh release edit "${tag}" --draft=false
log "published ${tag} with $(basename "${sums}") and its signature"
