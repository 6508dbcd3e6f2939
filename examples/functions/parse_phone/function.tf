terraform {
  required_version = ">= 1.8.0"
  required_providers {
    interakt = {
      source  = "interakt-community/interakt"
      version = "~> 0.1"
    }
  }
}

locals {
  # { country_code = "+91", phone_number = "9999999999" }
  recipient = provider::interakt::parse_phone("+91 99999-99999")
}

output "country_code" {
  value = local.recipient.country_code
}

output "phone_number" {
  value = local.recipient.phone_number
}
