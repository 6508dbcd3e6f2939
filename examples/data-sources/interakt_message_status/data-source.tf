terraform {
  required_providers {
    interakt = {
      source  = "interakt-community/interakt"
      version = "~> 0.1"
    }
  }
}

# The provider reads the status receiver's URL and token from
# INTERAKT_STATUS_URL and INTERAKT_STATUS_TOKEN, and the API key from
# INTERAKT_API_KEY.
provider "interakt" {}

resource "interakt_template" "order_shipped" {
  name          = "order_shipped"
  language_code = "en"
  category      = "UTILITY"
  header = {
    format = "TEXT"
    text   = "Order {{1}}"
  }
  body   = "Hi {{1}}, your order {{2}} has shipped."
  footer = "Reply STOP to opt out"
  buttons = [
    { type = "URL", text = "Track", url = "https://shop.example.com/track/{{1}}" },
    { type = "QUICK_REPLY", text = "Stop updates" },
  ]
}

# A test send after each release.
resource "interakt_template_message" "smoke" {
  template      = interakt_template.order_shipped.contract
  country_code  = "+91"
  phone_number  = "9999999999"
  callback_data = "release-42"
  header_values = ["A-1001"]
  body_values   = ["Asha", "A-1001"]
  button_values = { "0" = ["A-1001"] }
  triggers      = { release = "42" }
}

# Terraform reads data sources on every plan. Inside a check block, a
# message that failed or is not delivered in time is reported as a
# warning instead of an error that would block every later plan.
check "smoke_delivered" {
  data "interakt_message_status" "smoke" {
    id       = interakt_template_message.smoke.id
    wait_for = "delivered"
    timeout  = "2m"
  }

  assert {
    condition     = contains(["delivered", "read"], data.interakt_message_status.smoke.status)
    error_message = "The release smoke message was not delivered."
  }
}

# latest finds a message by recipient, template and time instead of by id:
# a message Terraform did not send, such as the one an ongoing campaign
# sends after a tracked event (receiver_since =
# interakt_event.<name>.receiver_time, which counts only messages that
# reached the status receiver after the event). Here it finds the smoke
# message above, from its send time, with since.
check "latest_delivered" {
  data "interakt_message_status" "latest" {
    latest = {
      country_code = "+91"
      phone_number = "9999999999"
      template     = "order_shipped"
      since        = interakt_template_message.smoke.sent_at
    }
    wait_for = "delivered"
    timeout  = "2m"
  }

  assert {
    condition     = contains(["delivered", "read"], data.interakt_message_status.latest.status)
    error_message = "No order_shipped message was delivered to the test recipient since the release."
  }
}
