import {
  to = interakt_template.order_shipped
  identity = {
    name          = "order_shipped"
    language_code = "en"
  }
}
