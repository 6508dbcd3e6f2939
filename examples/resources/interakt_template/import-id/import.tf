import {
  to = interakt_template.order_shipped
  id = "order_shipped:en"
}
