terraform {
  required_providers {
    interakt = {
      source  = "interakt-community/interakt"
      version = "~> 0.1"
    }
  }
}

# The key comes from INTERAKT_API_KEY, the receiver from INTERAKT_STATUS_URL
# and INTERAKT_STATUS_TOKEN.
provider "interakt" {}

variable "release" {
  description = "The release under test: a new value fires the event again."
  type        = string
  default     = "42"
}

# The event the ongoing campaign waits for, fired for the QA user once per
# release.
resource "interakt_event" "order_placed" {
  country_code = "+91"
  phone_number = "9999999999"
  event        = "order_placed"
  traits = {
    name     = "Asha"
    order_id = "A-1001"
    amount   = 2000
  }
  triggers = { release = var.release }
}

check "event_fired" {
  assert {
    condition     = interakt_event.order_placed.status == "fired"
    error_message = "Interakt did not confirm the order_placed event (status ${interakt_event.order_placed.status}); see the apply's warnings."
  }
}
