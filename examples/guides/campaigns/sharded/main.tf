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
  customers = csvdecode(file("${path.module}/customers.csv"))

  # Each customer's shard is the first hex digit of a hash of their id: it
  # depends on the id alone, so adding, removing or reordering rows never
  # moves a customer to another campaign, which would message them again.
  # Up to 16 campaigns: 100,000 customers make about 6,250 each.
  shards = { for c in local.customers : substr(sha256(c.id), 0, 1) => c... }
}

resource "interakt_campaign" "restock" {
  for_each = local.shards

  template = interakt_template.order_shipped.contract
  recipients = {
    for c in each.value : c.id => {
      country_code  = c.country_code
      phone_number  = c.phone_number
      callback_data = "restock-2026-12:${c.id}"
      header_values = [c.order]
      body_values   = [c.name, c.order]
      button_values = { "0" = [c.order] }
    }
  }
}
