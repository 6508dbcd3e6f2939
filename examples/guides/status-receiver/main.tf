terraform {
  required_providers {
    interakt = {
      source  = "interakt-community/interakt"
      version = "~> 0.1"
    }
  }
}

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

# With status_url set, the send is recorded in the receiver's send journal
# before its request is written.
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

# wait_for = "sent" is reached within seconds of the send, so later plans
# read the status once instead of waiting.
check "smoke_sent" {
  data "interakt_message_status" "smoke" {
    id       = interakt_template_message.smoke.id
    wait_for = "sent"
    timeout  = "1m"
  }

  assert {
    condition     = contains(["sent", "delivered", "read"], data.interakt_message_status.smoke.status)
    error_message = "The release smoke message was not sent."
  }
}
