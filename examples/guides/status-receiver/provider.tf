variable "status_url" {
  description = "Base URL of interakt-receiver, such as https://hooks.example.com."
  type        = string
}

# status_url could also come from INTERAKT_STATUS_URL. The token comes from
# INTERAKT_STATUS_TOKEN, so that it is written into no saved plan.
provider "interakt" {
  status_url = var.status_url
}
