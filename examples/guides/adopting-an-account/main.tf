# Bringing an account's existing templates under Terraform. The provider
# reads the API key from INTERAKT_API_KEY. `terraform query` runs the list
# blocks of adopt.tfquery.hcl beside this file.
terraform {
  required_providers {
    interakt = {
      source  = "interakt-community/interakt"
      version = "~> 0.1"
    }
  }
}

provider "interakt" {}
