terraform {
  # Destroy events in action_trigger need Terraform 1.16 or later.
  required_version = ">= 1.16.0"
  required_providers {
    interakt = {
      source  = "interakt-community/interakt"
      version = "~> 0.1"
    }
  }
}

# Tells an ongoing campaign that a preview environment is gone, so the QA
# user's "preview ready" reminders stop.
action "interakt_track_event" "preview_removed" {
  config {
    user_id      = "qa-1"
    country_code = "+91"
    phone_number = "9999999999"
    event        = "preview_removed"
    traits       = { preview = "pr-42" }
  }
}

resource "terraform_data" "preview" {
  input = "pr-42"

  lifecycle {
    action_trigger {
      events     = [after_destroy]
      actions    = [action.interakt_track_event.preview_removed]
      on_failure = continue
    }
  }
}
