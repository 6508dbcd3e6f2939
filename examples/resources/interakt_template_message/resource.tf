terraform {
  required_providers {
    interakt = {
      source  = "interakt-community/interakt"
      version = "~> 0.1"
    }
  }
}

# The template, declared once; its contract carries the variable counts and
# buttons that the message's values are checked against at plan time.
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

# A test send after each release: changing `triggers` (or any other input)
# sends the message again; an unchanged configuration sends nothing.
resource "interakt_template_message" "smoke" {
  template       = interakt_template.order_shipped.contract
  country_code   = "+91"
  phone_number   = "9999999999"
  callback_data  = "release-42"
  header_values  = ["A-1001"]
  body_values    = ["Asha", "A-1001"]
  button_values  = { "0" = ["A-1001"] }
  button_payload = { "1" = ["stop-A-1001"] }
  triggers       = { release = "42" }
}

# A contract can also be written by hand; only the rules it gives are checked.
resource "interakt_template_message" "welcome" {
  template     = { name = "welcome_message", language_code = "en", header_format = "NONE", body_variables = 0 }
  country_code = "+91"
  phone_number = "9999999999"
}

output "smoke_message_id" {
  # Null when the send's outcome is uncertain; see `status`.
  value = interakt_template_message.smoke.id
}
