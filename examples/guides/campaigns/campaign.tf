resource "interakt_campaign" "launch" {
  template = interakt_template.order_shipped.contract

  recipients = {
    for id, c in var.customers : id => {
      country_code  = c.country_code
      phone_number  = c.phone_number
      callback_data = "launch-2026-11:${id}"
      header_values = [c.order]
      body_values   = [c.name, c.order]
      button_values = { "0" = [c.order] }
    }
  }

  timeouts {
    create = "90m"
    update = "90m"
  }

  lifecycle {
    postcondition {
      condition     = self.failed_count == 0
      error_message = "Some launch messages were not sent; see the results attribute."
    }
  }
}
