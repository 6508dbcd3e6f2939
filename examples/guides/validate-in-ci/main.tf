# A release configuration: a test send to one number after each release and
# a campaign to a list of customers. Both take their values from input
# variables, so the checks that need those values run at plan.
terraform {
  # Provider functions need 1.8; variable validations that refer to other
  # objects (interakt_template.order_shipped below) need 1.9.
  required_version = ">= 1.9.0"
  required_providers {
    interakt = {
      source  = "interakt-community/interakt"
      version = "~> 0.1"
    }
  }
}

# No setting here: the API key comes from INTERAKT_API_KEY where the
# configuration is applied, and validate, plan and `terraform test` need none.
provider "interakt" {}

# The defaults let plan and apply run on their own; the test file gives
# its own values.
variable "release" {
  description = "The release this apply ships; a new value sends the smoke message again."
  type        = string
  default     = "dev"
}

variable "smoke_recipient" {
  description = "Who gets the smoke message, as an international phone number."
  type        = string
  default     = "+91 99999-99999"

  validation {
    condition     = can(provider::interakt::parse_phone(var.smoke_recipient))
    error_message = "smoke_recipient must be an international phone number with its country code, such as \"+91 99999-99999\"."
  }
}

variable "launch_recipients" {
  description = "The launch campaign's recipients, keyed by customer id."
  type = map(object({
    phone = string
    name  = string
    order = string
  }))
  default = {}

  validation {
    condition = alltrue([
      for r in var.launch_recipients : can(provider::interakt::template_payload(
        interakt_template.order_shipped.contract,
        merge(provider::interakt::parse_phone(r.phone), {
          header_values = [r.order]
          body_values   = [r.name, r.order]
          button_values = { "0" = [r.order] }
        }),
      ))
    ])
    error_message = "Every launch recipient needs an international phone number, a name and an order id that order_shipped accepts."
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
  body   = "Hi {{1}}, your order {{2}} has shipped."
  footer = "Reply STOP to opt out"
  buttons = [
    { type = "URL", text = "Track", url = "https://shop.example.com/track/{{1}}" },
    { type = "QUICK_REPLY", text = "Stop updates" },
  ]
}

locals {
  smoke = merge(provider::interakt::parse_phone(var.smoke_recipient), {
    callback_data  = "release-${var.release}"
    header_values  = ["A-1001"]
    body_values    = ["Release check", "A-1001"]
    button_values  = { "0" = ["A-1001"] }
    button_payload = { "1" = ["stop-A-1001"] }
  })
}

resource "interakt_template_message" "smoke" {
  template       = interakt_template.order_shipped.contract
  country_code   = local.smoke.country_code
  phone_number   = local.smoke.phone_number
  callback_data  = local.smoke.callback_data
  header_values  = local.smoke.header_values
  body_values    = local.smoke.body_values
  button_values  = local.smoke.button_values
  button_payload = local.smoke.button_payload
  triggers       = { release = var.release }
}

resource "interakt_campaign" "launch" {
  template      = interakt_template.order_shipped.contract
  callback_data = "launch-${var.release}"
  recipients = {
    for key, r in var.launch_recipients : key => merge(provider::interakt::parse_phone(r.phone), {
      header_values = [r.order]
      body_values   = [r.name, r.order]
      button_values = { "0" = [r.order] }
    })
  }

  lifecycle {
    postcondition {
      condition     = self.failed_count == 0
      error_message = "Some launch messages were not sent; see the results attribute."
    }
  }
}

# The exact request body the smoke send makes, known at plan.
output "smoke_payload" {
  value = provider::interakt::template_payload(interakt_template.order_shipped.contract, local.smoke)
}
