#!/usr/bin/env bash
# Checks CHANGELOG.md and the script that cuts release notes from it:
#
# - scripts/changelog-section.sh, against a sample changelog in
#   scripts/testdata/changelog/: the section of a version and no other, a
#   missing version, a version that is the prefix of another, and
#   --released on an undated section;
# - CHANGELOG.md, in the form HashiCorp's providers use: sections
#   "## X.Y.Z (Unreleased)" (the first one only) or "## X.Y.Z (Month D, YYYY)",
#   newest first; in each, kinds from BREAKING CHANGES, NOTES, FEATURES,
#   ENHANCEMENTS and BUG FIXES in that order, each followed by "* " entries.
#
# Usage: scripts/check-changelog.sh
set -euo pipefail

# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

cd "${REPO_ROOT}"
section=scripts/changelog-section.sh
sample=scripts/testdata/changelog/CHANGELOG.md

self_test() {
	local got
	got="$("${section}" 0.2.0 "${sample}")" || die "self-test: no section 0.2.0 in ${sample}"
	[[ "${got}" == "$(cat scripts/testdata/changelog/0.2.0.md)" ]] ||
		die "self-test: section 0.2.0 of ${sample} is not scripts/testdata/changelog/0.2.0.md:"$'\n'"${got}"
	got="$("${section}" 0.1.0 "${sample}")" || die "self-test: no section 0.1.0 in ${sample}"
	[[ "${got}" == $'FEATURES:\n\n* **New Resource:** `interakt_template`' ]] ||
		die "self-test: section 0.1.0 of ${sample}, the last one, reads:"$'\n'"${got}"
	"${section}" --released 0.2.0 "${sample}" >/dev/null 2>&1 || die "self-test: --released refuses the dated 0.2.0"
	! "${section}" --released 0.10.0 "${sample}" >/dev/null 2>&1 || die "self-test: --released accepts the undated 0.10.0"
	! "${section}" 0.1 "${sample}" >/dev/null 2>&1 || die "self-test: 0.1 matches a section of another version"
	! "${section}" 0.3.0 "${sample}" >/dev/null 2>&1 || die "self-test: a version with no section gives notes"
}

# check_format FILE prints FILE:LINE: PROBLEM for each line out of form.
check_format() {
	awk -v file="$1" '
		function problem(msg) { print file ":" FNR ": " msg; bad = 1 }
		BEGIN {
			split("BREAKING CHANGES:|NOTES:|FEATURES:|ENHANCEMENTS:|BUG FIXES:", kinds, "|")
			for (i in kinds) rank[kinds[i]] = i
			month = "(January|February|March|April|May|June|July|August|September|October|November|December)"
		}
		/^## / {
			sections++
			if ($0 ~ /^## [0-9]+\.[0-9]+\.[0-9]+ \(Unreleased\)$/) {
				if (sections > 1) problem("only the first section may be (Unreleased)")
			} else if ($0 !~ ("^## [0-9]+\\.[0-9]+\\.[0-9]+ \\(" month " [1-9][0-9]?, [0-9][0-9][0-9][0-9]\\)$")) {
				problem("a section heading is \"## X.Y.Z (Unreleased)\" or \"## X.Y.Z (Month D, YYYY)\"")
			}
			last = 0; kind = ""; entries[sections] = 0
			next
		}
		/^$/ { next }
		sections == 0 { problem("text before the first section"); next }
		/^[A-Z][A-Z ]*:$/ {
			if (!($0 in rank)) problem("unknown kind " $0)
			else if (rank[$0] <= last) problem($0 " out of order (BREAKING CHANGES, NOTES, FEATURES, ENHANCEMENTS, BUG FIXES)")
			else last = rank[$0]
			kind = $0
			next
		}
		/^\* [^ ]/ {
			if (kind == "") problem("an entry before any kind")
			entries[sections]++
			next
		}
		/^  +[^ ]/ { next }
		{ problem("not a kind, an entry or its continuation: " $0) }
		END {
			if (sections == 0) problem("no section")
			for (s = 1; s <= sections; s++) if (entries[s] == 0) { print file ": section " s " has no entry"; bad = 1 }
		}' "$1"
}

self_test
found="$(check_format CHANGELOG.md)"
[[ -z "${found}" ]] || die "CHANGELOG.md is out of form:"$'\n'"${found}"
# The form check must catch what it is for.
bad_sample="$(mktemp)"
trap 'rm -f "${bad_sample}"' EXIT
printf '## 0.2.0 (Unreleased)\n\nFEATURES:\n\n* a\n\nNOTES:\n\n* b\n\n## 0.1.0 (Unreleased)\n\nFIXES:\n\n* c\n' >"${bad_sample}"
found="$(check_format "${bad_sample}")"
for want in "out of order" "only the first section" "unknown kind"; do
	[[ "${found}" == *"${want}"* ]] || die "self-test: the form check misses: ${want}"
done
top="$(awk '$1 == "##" { print $2; exit }' CHANGELOG.md)"
"${section}" "${top}" >/dev/null
log "CHANGELOG.md in form; release notes of ${top} cut; ${section} passes its samples"
