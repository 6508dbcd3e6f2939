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

# The QA user the ongoing campaign messages, kept as code. Its number is
# this test's alone: no other example, test send or campaign messages it.
resource "interakt_user" "qa" {
  user_id      = "qa-asha"
  country_code = "+91"
  phone_number = "9845012345"
  traits = {
    name = "Asha"
    plan = "gold"
  }
  tags = ["qa"]
}

# The event the ongoing campaign waits for, fired for the QA user once per
# release.
resource "interakt_event" "order_placed" {
  user_id      = interakt_user.qa.user_id
  country_code = interakt_user.qa.country_code
  phone_number = interakt_user.qa.phone_number
  event        = "order_placed"
  traits = {
    name     = "Asha"
    order_id = "A-1001"
    amount   = 2000
  }
  triggers = { release = var.release }
}

# The campaign's message to the QA user since the event, delivered. The
# event read the status receiver's clock just before firing
# (receiver_time), so only a message whose first webhook reached the
# receiver after the event counts, never an earlier message of the same
# template to the same number. A check block reports a failure as a
# warning, so a slow campaign never blocks the next run.
check "campaign_delivered" {
  data "interakt_message_status" "campaign" {
    latest = {
      country_code   = interakt_user.qa.country_code
      phone_number   = interakt_user.qa.phone_number
      template       = "order_shipped"
      receiver_since = interakt_event.order_placed.receiver_time
    }
    wait_for = "delivered"
    timeout  = "2m"
  }
  assert {
    condition     = contains(["delivered", "read"], data.interakt_message_status.campaign.status)
    error_message = "The ongoing campaign did not deliver order_shipped to the QA user after the order_placed event (status ${data.interakt_message_status.campaign.status})."
  }
}
