terraform {
  required_providers {
    interakt = {
      source  = "interakt-community/interakt"
      version = "~> 0.1"
    }
  }
}

# A template as approved in Interakt: a text header with one variable, a
# body with two, a dynamic URL button and a quick reply.
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
    { type = "URL", text = "Track", url = "https://shop.example.com/track/{{1}}", example = "https://shop.example.com/track/A-1001" },
    { type = "QUICK_REPLY", text = "Stop updates" },
  ]

  # With the API key set, also check at plan that Interakt lists this
  # template as APPROVED with this body.
  # verify = true
}

# A template with a document header: each message gives the document's
# https URL as its one header value, and may give a file_name.
resource "interakt_template" "invoice_ready" {
  name          = "invoice_ready"
  language_code = "en"
  category      = "UTILITY"
  header = {
    format = "DOCUMENT"
  }
  body   = "Hi {{1}}, your invoice {{2}} for {{3}} is attached."
  footer = "Example Shop"
}

# The contract is known at plan time: messages, campaigns and the send
# action take it as their template and are checked against it before
# anything is sent.
output "order_shipped_contract" {
  value = interakt_template.order_shipped.contract
}
