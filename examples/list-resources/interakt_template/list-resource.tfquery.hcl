# Approved English templates whose name starts with order_, with their
# attributes, for `terraform query -generate-config-out=generated.tf`.
list "interakt_template" "orders" {
  provider         = interakt
  include_resource = true
  limit            = 1000

  config {
    approval_status = "APPROVED"
    name_prefix     = "order_"
    language_code   = "en"
  }
}
