#!/usr/bin/env bash
# Builds every release artifact into dist/ without publishing or signing:
# the provider's registry zips, SHA256SUMS and manifest, the receiver and
# mock archives and their checksum file. Then checks what a release needs:
# every target of .goreleaser.yml has its three archives and no other
# archive is there, each checksum file lists exactly its own archives with
# the right sums, and every binary was built by go.mod's toolchain, the
# patched Go, for its target.
#
# Usage: scripts/release-snapshot.sh [extra goreleaser flags...]
set -euo pipefail

# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

# The scaffolding's targets: freebsd, windows, linux and darwin on amd64,
# 386, arm and arm64, but for darwin/386 and windows/arm.
targets=(
	freebsd_amd64 freebsd_386 freebsd_arm freebsd_arm64
	windows_amd64 windows_386 windows_arm64
	linux_amd64 linux_386 linux_arm linux_arm64
	darwin_amd64 darwin_arm64
)

goreleaser="$("${REPO_ROOT}/scripts/tools.sh" goreleaser)"

started="$(now)"
cd "${REPO_ROOT}"
"${goreleaser}" check
# 39 cross-compiled binaries outlast goreleaser's default timeout of an hour
# on a busy two-core machine (measured: the first run timed out with the
# last few builds under way).
"${goreleaser}" release --snapshot --clean --skip=sign --timeout 3h "$@"
log "goreleaser built dist/ in $(elapsed "${started}")s"
program_sums="$(scripts/program-sums.sh dist)"

version="$(jq -r '.version' dist/metadata.json)"
project="terraform-provider-interakt"

# same_lines WHAT WANT GOT fails unless the two lists hold the same lines.
same_lines() {
	[[ "$(sort <<<"$2")" == "$(sort <<<"$3")" ]] ||
		die "$1 differ:"$'\n'"$(diff <(sort <<<"$2") <(sort <<<"$3") || true)"
}

# The archives every target must have, and nothing else.
want_provider="" want_programs=""
for target in "${targets[@]}"; do
	ext=tar.gz
	[[ "${target}" == windows_* ]] && ext=zip
	want_provider+="${project}_${version}_${target}.zip"$'\n'
	want_programs+="interakt-receiver_${version}_${target}.${ext}"$'\n'
	want_programs+="interakt-mock_${version}_${target}.${ext}"$'\n'
done
want_provider="${want_provider%$'\n'}"
want_programs="${want_programs%$'\n'}"
archives="$(jq -r '.[] | select(.type == "Archive") | .name' dist/artifacts.json)"
same_lines "the archives (want, got)" "${want_provider}"$'\n'"${want_programs}" "${archives}"

# Each checksum file lists exactly its archives, and its sums are right.
provider_sums="dist/${project}_${version}_SHA256SUMS"
[[ -f "${provider_sums}" ]] || die "no ${provider_sums}"
same_lines "the files in ${provider_sums} (want, got)" \
	"${want_provider}"$'\n'"${project}_${version}_manifest.json" "$(awk '{ print $2 }' "${provider_sums}")"
same_lines "the files in ${program_sums} (want, got)" "${want_programs}" "$(awk '{ print $2 }' "${program_sums}")"
# The manifest is uploaded from the repository under its release name, so
# its line is checked against terraform-registry-manifest.json.
manifest="${project}_${version}_manifest.json"
manifest_sum="$(sha256sum <terraform-registry-manifest.json)"
[[ "$(awk -v f="${manifest}" '$2 == f { print $1 }' "${provider_sums}")" == "${manifest_sum%% *}" ]] ||
	die "${provider_sums}: the sum of ${manifest} is not terraform-registry-manifest.json's"
(cd dist && awk -v f="${manifest}" '$2 != f' "$(basename "${provider_sums}")" | sha256sum --check --quiet -) ||
	die "${provider_sums}: a sum does not match its file"
(cd dist && sha256sum --check --quiet "$(basename "${program_sums}")") || die "${program_sums}: a sum does not match its file"

# Every binary (three programs for each target) was built by the patched Go
# for its own target.
built=0
while IFS=$'\t' read -r path goos goarch; do
	info="$(go version -m "${path}")" || die "${path}: go version -m cannot read it"
	info+=$'\n'
	first="${info%%$'\n'*}"
	[[ "${first}" == *": ${GOTOOLCHAIN}" ]] || die "${first}: not built with ${GOTOOLCHAIN}"
	[[ "${info}" == *$'\tbuild\tGOOS='"${goos}"$'\n'* && "${info}" == *$'\tbuild\tGOARCH='"${goarch}"$'\n'* ]] ||
		die "${path}: not built for ${goos}/${goarch}:"$'\n'"${info}"
	built=$((built + 1))
done < <(jq -r '.[] | select(.type == "Binary") | [.path, .goos, .goarch] | @tsv' dist/artifacts.json)
((built == 3 * ${#targets[@]})) || die "${built} binaries in dist/, not $((3 * ${#targets[@]})) (three programs for ${#targets[@]} targets)"

log "${#targets[@]} targets: $(wc -l <<<"${want_provider}") provider zips in $(basename "${provider_sums}") with the manifest, $(wc -l <<<"${want_programs}") receiver and mock archives in $(basename "${program_sums}")"
log "${built} binaries, each built with ${GOTOOLCHAIN} for its target"
log "snapshot release built and checked in dist/ in $(elapsed "${started}")s"
