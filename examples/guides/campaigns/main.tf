terraform {
  required_providers {
    interakt = {
      source  = "interakt-community/interakt"
      version = "~> 0.1"
    }
  }
}

# The key comes from INTERAKT_API_KEY.
provider "interakt" {
  max_sends_per_apply = 500 # a guard against mass sends by mistake
}

variable "customers" {
  description = "The campaign's recipients, keyed by customer id."
  type = map(object({
    country_code = string
    phone_number = string
    name         = string
    order        = string
  }))
  default = {
    c-1001 = { country_code = "+91", phone_number = "9999999999", name = "Asha", order = "A-1001" }
    c-1002 = { country_code = "+91", phone_number = "8888888888", name = "Ravi", order = "A-1002" }
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
