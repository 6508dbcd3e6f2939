#!/usr/bin/env bash
# Regenerates docs/ from the provider's schema, examples/ and templates/ with
# tfplugindocs. Never edit docs/ by hand: change the schema descriptions,
# examples or templates and run this.
#
# tfplugindocs builds the provider and asks the first `terraform` on PATH for
# the schema; given no --tf-version it downloads nothing when one is found.
# The newest Terraform CLI built by scripts/terraform.sh (1.16.4) is put first on
# PATH, because older CLIs leave actions out of the schema and so their pages
# out of docs/.
#
# Usage: scripts/docs-generate.sh
set -euo pipefail

# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

terraform_bin="$("${REPO_ROOT}/scripts/terraform.sh")"
tfplugindocs="$("${REPO_ROOT}/scripts/tools.sh" tfplugindocs)"
PATH="$(dirname "${terraform_bin}"):${PATH}"
export PATH

started="$(now)"
cd "${REPO_ROOT}"
log "generating docs/ with $(first_line terraform version)"
"${tfplugindocs}" generate --provider-name interakt
log "docs generated in $(elapsed "${started}")s"
