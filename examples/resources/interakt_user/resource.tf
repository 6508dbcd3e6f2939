terraform {
  required_providers {
    interakt = {
      source  = "interakt-community/interakt"
      version = "~> 0.1"
    }
  }
}

# A QA user that the dashboard's ongoing campaigns message. Traits keep
# their types: amount is sent as the number 2000 and vip as true.
resource "interakt_user" "qa" {
  user_id      = "qa-asha"
  country_code = "+91"
  phone_number = "9999999999"

  traits = {
    name   = "Asha (QA)"
    amount = 2000
    vip    = true
    plan   = "gold"
  }
  tags = ["qa"]
}
