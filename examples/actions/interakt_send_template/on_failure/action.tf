terraform {
  # on_failure in action_trigger needs Terraform 1.16 or later.
  required_version = ">= 1.16.0"
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

action "interakt_send_template" "smoke" {
  config {
    template       = interakt_template.order_shipped.contract
    country_code   = "+91"
    phone_number   = "9999999999"
    callback_data  = "release-smoke"
    header_values  = ["A-1001"]
    body_values    = ["Asha", "A-1001"]
    button_values  = { "0" = ["A-1001"] }
    button_payload = { "1" = ["stop-A-1001"] }
  }
}

# A test send after each release that never fails the release: with
# on_failure = continue, a refused send is reported and the apply goes on.
resource "terraform_data" "release" {
  input = "42"

  lifecycle {
    action_trigger {
      events     = [after_create, after_update]
      actions    = [action.interakt_send_template.smoke]
      on_failure = continue
    }
  }
}
