check "launch_sent" {
  assert {
    condition     = interakt_campaign.launch.failed_count == 0
    error_message = "Some launch messages were not sent; see interakt_campaign.launch.results."
  }
}
