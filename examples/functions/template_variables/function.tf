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
  body = "Hi {{1}}, your order {{2}} for {{1}} has shipped."
}

# Each variable once, in order of first appearance: [1, 2].
output "body_variables" {
  value = provider::interakt::template_variables(local.body)
}

# How many body_values a message of this body gives: 2.
output "body_value_count" {
  value = length(provider::interakt::template_variables(local.body))
}
