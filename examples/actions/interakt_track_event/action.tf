terraform {
  # Action blocks need Terraform 1.14 or later.
  required_version = ">= 1.14.0"
  required_providers {
    interakt = {
      source  = "interakt-community/interakt"
      version = "~> 0.1"
    }
  }
}

# Fires once per invocation and keeps nothing in state:
#   terraform apply -invoke=action.interakt_track_event.order_placed
action "interakt_track_event" "order_placed" {
  config {
    user_id      = "qa-1"
    country_code = "+91"
    phone_number = "9999999999"
    event        = "order_placed"
    traits       = { name = "Asha", amount = 2000, vip = true }
  }
}

# Or fire it whenever a resource is created or updated.
resource "terraform_data" "release" {
  input = "42"

  lifecycle {
    action_trigger {
      events  = [after_create, after_update]
      actions = [action.interakt_track_event.order_placed]
    }
  }
}
