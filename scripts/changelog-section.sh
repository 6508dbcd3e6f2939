#!/usr/bin/env bash
# Prints one version's section of CHANGELOG.md, without its heading: the
# release notes of that version, which the release workflow gives goreleaser
# with --release-notes.
#
# Usage: scripts/changelog-section.sh [--released] VERSION [FILE]
#   VERSION has no leading v (0.1.0); FILE defaults to CHANGELOG.md.
#   --released also fails when the section's heading still says
#   "(Unreleased)": a tag ships only a dated section.
# Fails when FILE has no section for VERSION, or an empty one.
set -euo pipefail

# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

released=false
if [[ "${1:-}" == --released ]]; then
	released=true
	shift
fi
version="${1:?usage: $0 [--released] VERSION [FILE]}"
file="${2:-${REPO_ROOT}/CHANGELOG.md}"
[[ -f "${file}" ]] || die "no ${file}"

# A section runs from its "## VERSION (...)" heading to the next "## "
# heading. Blank lines around its text are dropped.
heading="$(awk -v v="${version}" '$1 == "##" && $2 == v { print; exit }' "${file}")"
[[ -n "${heading}" ]] || die "${file} has no section for ${version}"
if ${released} && [[ "${heading}" == *"(Unreleased)"* ]]; then
	die "${file}'s section for ${version} is still (Unreleased): date it before tagging"
fi
body="$(awk -v v="${version}" '
	$1 == "##" { inside = ($2 == v); next }
	inside { lines[++n] = $0 }
	END {
		first = 1; while (first <= n && lines[first] ~ /^[[:space:]]*$/) first++
		last = n; while (last >= first && lines[last] ~ /^[[:space:]]*$/) last--
		for (i = first; i <= last; i++) print lines[i]
	}' "${file}")"
[[ -n "${body}" ]] || die "${file}'s section for ${version} is empty"
printf '%s\n' "${body}"
