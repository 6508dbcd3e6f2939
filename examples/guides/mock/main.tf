# A test send and a small campaign of the mock's built-in order_shipped
# template, applied for real against interakt-mock by tests/mock.tftest.hcl.
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

resource "interakt_template_message" "smoke" {
  template      = interakt_template.order_shipped.contract
  country_code  = "+91"
  phone_number  = "9999999999"
  callback_data = "smoke"
  header_values = ["A-1001"]
  body_values   = ["Asha", "A-1001"]
  button_values = { "0" = ["A-1001"] }
}

resource "interakt_campaign" "launch" {
  template = interakt_template.order_shipped.contract
  recipients = {
    c-1001 = { country_code = "+91", phone_number = "9888877777", callback_data = "launch:c-1001", header_values = ["A-1001"], body_values = ["Asha", "A-1001"], button_values = { "0" = ["A-1001"] } }
    c-1002 = { country_code = "+91", phone_number = "9777766666", callback_data = "launch:c-1002", header_values = ["A-1002"], body_values = ["Ravi", "A-1002"], button_values = { "0" = ["A-1002"] } }
  }
}

output "smoke_id" {
  value = interakt_template_message.smoke.id
}

output "launch_ids" {
  value = { for key, r in interakt_campaign.launch.results : key => r.message_id }
}
