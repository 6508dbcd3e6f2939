terraform {
  required_providers {
    interakt = {
      source  = "interakt-community/interakt"
      version = "~> 0.1"
    }
  }
}

# A test event for a QA user after each release: an ongoing campaign in
# Interakt's dashboard that waits for order_placed messages the user.
# Changing `triggers` fires the event again; changing a trait only records
# it, and an unchanged configuration fires nothing.
resource "interakt_event" "order_placed" {
  user_id      = "qa-1"
  country_code = "+91"
  phone_number = "9999999999"
  event        = "order_placed"
  traits = {
    name   = "Asha"
    amount = 2000 # sent as the number 2000
    vip    = true # sent as a boolean
  }
  triggers = { release = "42" }
}

output "order_placed_receiver_time" {
  # The status receiver's clock just before the event was fired: the
  # receiver_since of a check that looks for the campaign's message
  # (null without the provider's status_url).
  value = interakt_event.order_placed.receiver_time
}
