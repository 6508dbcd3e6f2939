resource "interakt_template_message" "smoke" {
  template       = interakt_template.order_shipped.contract
  country_code   = "+91"
  phone_number   = "+91 99999 99999"
  button_payload = { "0" = ["a"], "1" = ["b"], "2" = ["c"], "3" = ["d"] }
}
