# The demo that `make demo` applies against the bundled mock server and
# status receiver. Every provider setting comes from the environment that
# scripts/demo.sh sets (INTERAKT_API_KEY, INTERAKT_BASE_URL,
# INTERAKT_STATUS_URL, INTERAKT_STATUS_TOKEN).
terraform {
  required_providers {
    interakt = {
      source  = "interakt-community/interakt"
      version = "~> 0.1"
    }
  }
}

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

resource "interakt_template_message" "smoke" {
  template       = interakt_template.order_shipped.contract
  country_code   = "+91"
  phone_number   = "9999999999"
  callback_data  = "demo"
  header_values  = ["A-1001"]
  body_values    = ["Asha", "A-1001"]
  button_values  = { "0" = ["A-1001"] }
  button_payload = { "1" = ["stop-A-1001"] }
}

# The send's status, as the mock's webhooks reported it to the receiver.
# The id is known only after the send, so Terraform reads this during the
# apply. Outside a check block a failed or late message fails the apply,
# which is what a demo wants to show; see the data source's docs for the
# check block form that warns instead.
data "interakt_message_status" "smoke" {
  id       = interakt_template_message.smoke.id
  wait_for = "delivered"
  timeout  = "30s"
}

output "message_id" {
  value = interakt_template_message.smoke.id
}

output "status" {
  value = data.interakt_message_status.smoke.status
}

output "delivered_at" {
  value = data.interakt_message_status.smoke.delivered_at
}
