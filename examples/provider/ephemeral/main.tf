terraform {
  # Ephemeral input variables need Terraform 1.10 or later (OpenTofu 1.11).
  required_version = ">= 1.10.0"
  required_providers {
    interakt = {
      source  = "interakt-community/interakt"
      version = "~> 0.1"
    }
  }
}

# An ephemeral variable is written into no plan file and no state: give it
# at each plan and apply, for example as TF_VAR_interakt_api_key, including
# when applying a saved plan.
variable "interakt_api_key" {
  description = "Interakt API key, exactly as the dashboard's Developer Settings show it."
  type        = string
  sensitive   = true
  ephemeral   = true
  # Unset, the provider reads INTERAKT_API_KEY, and plans without a key.
  default = null
}

provider "interakt" {
  api_key = var.interakt_api_key
}
