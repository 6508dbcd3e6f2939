terraform {
  required_providers {
    interakt = {
      source  = "interakt-community/interakt"
      version = "~> 0.1"
    }
  }
}

# Every template of the account (needs the API key).
data "interakt_templates" "all" {}

# Data sources are read on every plan; inside a check block a failed
# condition is a warning, not an error.
check "order_shipped_approved" {
  data "interakt_templates" "order_shipped" {
    name            = "order_shipped"
    language_code   = "en"
    approval_status = "APPROVED"
  }

  assert {
    condition     = length(data.interakt_templates.order_shipped.templates) == 1
    error_message = "Interakt does not list order_shipped (en) as APPROVED."
  }
}

output "pending_templates" {
  value = [for t in data.interakt_templates.all.templates : "${t.name}:${t.language_code}" if t.approval_status == "PENDING"]
}
