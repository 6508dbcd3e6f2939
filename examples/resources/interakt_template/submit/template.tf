resource "interakt_template" "order_shipped_v2" {
  name          = "order_shipped_v2"
  language_code = "en"
  category      = "UTILITY"
  header = {
    format  = "TEXT"
    text    = "Order {{1}}"
    example = "A-1001"
  }
  body          = "Hi {{1}}, your order {{2}} has shipped."
  body_examples = ["Asha", "A-1001"]
  buttons = [
    { type = "URL", text = "Track", url = "https://shop.example.com/track/{{1}}", example = "https://shop.example.com/track/A-1001" },
  ]
  submit = true
}
