# The pure-Terraform alternative, for one campaign: every refresh reads each
# sent message's status from the receiver, and this output lists the
# recipients whose message failed, for a pipeline to hand to SMS itself.
resource "interakt_campaign" "shipped" {
  template = interakt_template.order_shipped.contract
  recipients = {
    c-1001 = { country_code = "+91", phone_number = "9999999999", header_values = ["A-1001"], body_values = ["Asha", "A-1001"], button_values = { "0" = ["A-1001"] } }
    c-1002 = { country_code = "+91", phone_number = "8888888888", header_values = ["A-1002"], body_values = ["Ravi", "A-1002"], button_values = { "0" = ["A-1002"] } }
  }
}

output "whatsapp_failed" {
  description = "Recipients whose WhatsApp message failed, as the receiver knew at the last refresh."
  value       = sort([for key, r in interakt_campaign.shipped.results : key if r.delivery_status == "failed"])
}
