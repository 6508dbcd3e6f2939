#!/usr/bin/env bash
# Writes the SHA-256 sums of the receiver's and the mock's archives that
# goreleaser built into DIST, as DIST/interakt-programs_VERSION_SHA256SUMS
# in sha256sum's format, and prints the file's path.
#
# The provider's SHA256SUMS holds only the provider's files (Terraform copies
# each of its lines into users' lock files) and goreleaser writes one
# checksum file per run, so this second one is written after goreleaser.
# The archives are read from goreleaser's artifact list, not guessed from
# file names.
#
# Usage: scripts/program-sums.sh [DIST]   (DIST defaults to dist)
set -euo pipefail

# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

dist="${1:-dist}"
[[ -f "${dist}/metadata.json" && -f "${dist}/artifacts.json" ]] || die "${dist} holds no goreleaser build (metadata.json, artifacts.json)"

version="$(jq -r '.version // empty' "${dist}/metadata.json")"
[[ -n "${version}" ]] || die "${dist}/metadata.json names no version"

mapfile -t archives < <(jq -r '.[] | select(.type == "Archive" and (.extra.ID == "interakt-receiver" or .extra.ID == "interakt-mock")) | .name' "${dist}/artifacts.json" | sort)
((${#archives[@]} > 0)) || die "${dist}/artifacts.json lists no interakt-receiver or interakt-mock archive"

sums="interakt-programs_${version}_SHA256SUMS"
(cd "${dist}" && sha256sum -- "${archives[@]}") >"${dist}/${sums}.tmp"
mv "${dist}/${sums}.tmp" "${dist}/${sums}"
log "${#archives[@]} archives in ${dist}/${sums}"
printf '%s\n' "${dist}/${sums}"
