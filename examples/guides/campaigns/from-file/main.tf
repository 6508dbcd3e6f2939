terraform {
  required_providers {
    interakt = {
      source  = "interakt-community/interakt"
      version = "~> 0.1"
    }
  }
}

# The key comes from INTERAKT_API_KEY.
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

locals {
  # One row per customer, with a header line:
  # id,country_code,phone_number,name,order
  csv_customers = csvdecode(file("${path.module}/customers.csv"))

  # A list of objects with the same fields, as an export or an API gives it.
  json_customers = jsondecode(file("${path.module}/customers.json"))
}

# Keyed by the customer id, so that a row's values can change and a row can
# move in the file without making it a new recipient.
resource "interakt_campaign" "from_csv" {
  template = interakt_template.order_shipped.contract
  recipients = {
    for c in local.csv_customers : c.id => {
      country_code  = c.country_code
      phone_number  = c.phone_number
      callback_data = "restock-2026-12:${c.id}"
      header_values = [c.order]
      body_values   = [c.name, c.order]
      button_values = { "0" = [c.order] }
    }
  }
}

resource "interakt_campaign" "from_json" {
  template = interakt_template.order_shipped.contract
  recipients = {
    for c in local.json_customers : c.id => {
      country_code  = c.country_code
      phone_number  = c.phone_number
      callback_data = "restock-2026-12:${c.id}"
      header_values = [c.order]
      body_values   = [c.name, c.order]
      button_values = { "0" = [c.order] }
    }
  }
}
