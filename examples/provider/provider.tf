terraform {
  required_providers {
    interakt = {
      source  = "interakt-community/interakt"
      version = "~> 0.1"
    }
  }
}

# Every setting is optional: validate and plan need none of them. Only a
# send (and verify = true or the interakt_templates data source) needs the
# API key; prefer the INTERAKT_API_KEY environment variable to a value in
# configuration.
provider "interakt" {
  api_key               = var.api_key
  base_url              = "https://api.interakt.ai"
  rate_limit_per_minute = 40
  max_retries           = 3
  dry_run               = false
  max_sends_per_apply   = 500
  request_timeout       = "30s"
  status_url            = "https://hooks.example.com"
  status_token          = var.status_token
}

variable "api_key" {
  description = "Interakt API key, exactly as the dashboard's Developer Settings show it."
  type        = string
  sensitive   = true
  default     = null
}

variable "status_token" {
  description = "Bearer token of the interakt-receiver status receiver."
  type        = string
  sensitive   = true
  default     = null
}
