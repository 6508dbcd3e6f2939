terraform {
  required_version = ">= 1.8.0"
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
  body = "Hi {{1}}, your order {{2}} has shipped."
  buttons = [
    { type = "URL", text = "Track", url = "https://shop.example.com/track/{{1}}" },
    { type = "QUICK_REPLY", text = "Stop updates" },
  ]
}

# The exact JSON body the API would receive, known at plan time and
# checked against the template's contract (a wrong number of body values
# is an error naming values.body_values).
output "order_shipped_payload" {
  value = provider::interakt::template_payload(interakt_template.order_shipped.contract, {
    country_code   = "+91"
    phone_number   = "9999999999"
    callback_data  = "release-42"
    header_values  = ["A-1001"]
    body_values    = ["Asha", "A-1001"]
    button_values  = { "0" = ["A-1001"] }
    button_payload = { "1" = ["stop-A-1001"] }
  })
}

# A contract written by hand needs only name and language_code; the values
# give only the fields used.
output "welcome_payload" {
  value = provider::interakt::template_payload(
    { name = "welcome_message", language_code = "en" },
    provider::interakt::parse_phone("+91 99999-99999"),
  )
}
