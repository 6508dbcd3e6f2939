# Applies the configuration for real against interakt-mock. Start the mock
# first, on the address that base_url gives:
#
#   interakt-mock --listen 127.0.0.1:8081 &
#   terraform test    # or: tofu test
#
# Every run talks to the mock with its default key, never to Interakt, even
# when the environment holds a real key. (The address is written out:
# OpenTofu does not let a test file's provider block read its variables.)
provider "interakt" {
  base_url = "http://127.0.0.1:8081"
  api_key  = "dGVzdC1rZXk6" # base64 of "test-key:", the mock's default key
}

run "sends_every_message" {
  command = apply

  assert {
    condition     = interakt_template_message.smoke.status == "sent" && interakt_template_message.smoke.id != null
    error_message = "The smoke message was not sent."
  }

  assert {
    condition     = interakt_campaign.launch.sent_count == 2 && interakt_campaign.launch.failed_count == 0
    error_message = "The campaign did not send to every recipient."
  }
}

# A second apply of the same configuration sends nothing: the ids stay.
run "sends_nothing_twice" {
  command = apply

  assert {
    condition     = output.smoke_id == run.sends_every_message.smoke_id
    error_message = "The smoke message was sent again."
  }

  assert {
    condition     = output.launch_ids == run.sends_every_message.launch_ids
    error_message = "The campaign sent again."
  }
}
