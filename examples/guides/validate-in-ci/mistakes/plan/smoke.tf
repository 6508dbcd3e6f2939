resource "interakt_template_message" "smoke" {
  template      = interakt_template.order_shipped.contract # body: "Hi {{1}}, your order {{2}} has shipped."
  country_code  = "+91"
  phone_number  = "9999999999"
  header_values = ["A-1001"]
  body_values   = ["Asha"]
  button_values = { "0" = ["A-1001"] }
}
