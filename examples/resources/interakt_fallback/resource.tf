terraform {
  # secret_wo, a write-only argument, needs Terraform 1.11 or later.
  required_version = ">= 1.11.0"
  required_providers {
    interakt = {
      source  = "interakt-community/interakt"
      version = "~> 0.1"
    }
  }
}

variable "status_url" {
  description = "Base URL of interakt-receiver, which keeps the rule, such as https://hooks.example.com."
  type        = string
}

variable "fallback_secret" {
  description = "Signs each hand-off; the SMS gateway checks it."
  type        = string
  sensitive   = true
  ephemeral   = true
}

# The status token comes from INTERAKT_STATUS_TOKEN.
provider "interakt" {
  status_url = var.status_url
}

# Hand login codes that fail, or that are not delivered within 15 minutes,
# to the SMS gateway.
resource "interakt_fallback" "sms" {
  name              = "sms"
  url               = "https://sms-gateway.example.com/hooks/whatsapp"
  secret_wo         = var.fallback_secret # kept out of the state
  secret_wo_version = 1                   # change it to send a new secret
  on                = ["failed", "undelivered"]
  undelivered_after = "15m"
  templates = [
    { name = "login_code", language_code = "en" },
  ]
}
