#!/usr/bin/env bash
# Fails when the committed docs/ differ from what tfplugindocs generates, or
# when the generated docs do not pass tfplugindocs validate.
#
# It regenerates docs/ in place, so after a failure the working tree holds
# the up-to-date pages: review them and commit docs/.
#
# Usage: scripts/docs-check.sh
set -euo pipefail

# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

started="$(now)"
"${REPO_ROOT}/scripts/docs-generate.sh"

cd "${REPO_ROOT}"
drift=0
if ! git diff --quiet -- docs/; then
	log "generated docs differ from the committed ones:"
	git --no-pager diff --stat -- docs/ >&2
	drift=1
fi
untracked="$(git ls-files --others --exclude-standard -- docs/)"
if [[ -n "${untracked}" ]]; then
	log "generated docs that are not committed:"
	while IFS= read -r path; do
		printf '  %s\n' "${path}" >&2
	done <<<"${untracked}"
	drift=1
fi
if ((drift)); then
	die "docs/ is out of date: docs/ now holds the regenerated pages; review them and commit docs/ (see git diff -- docs/)"
fi

tfplugindocs="$("${REPO_ROOT}/scripts/tools.sh" tfplugindocs)"
terraform_bin="$("${REPO_ROOT}/scripts/terraform.sh")"
PATH="$(dirname "${terraform_bin}"):${PATH}" "${tfplugindocs}" validate --provider-name interakt

log "docs/ is up to date and valid (checked in $(elapsed "${started}")s)"
