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

# The API key comes from INTERAKT_API_KEY and the status token from
# INTERAKT_STATUS_TOKEN.
provider "interakt" {
  status_url = var.status_url
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

# Shipping updates that fail, or that are neither delivered nor read within
# 15 minutes, go to the SMS gateway, whoever sent them: this configuration,
# another one, or your own systems through Interakt's API.
resource "interakt_fallback" "sms" {
  name              = "sms"
  url               = "https://sms-gateway.example.com/hooks/whatsapp"
  secret_wo         = var.fallback_secret
  secret_wo_version = 1
  on                = ["failed", "undelivered"]
  undelivered_after = "15m"
  templates = [
    { name = interakt_template.order_shipped.name, language_code = interakt_template.order_shipped.language_code },
  ]
}
