# Checks every payload of the release configuration without an API key and
# without network access: run `terraform test` in the configuration's folder.

# Even if the pipeline's environment holds an API key, nothing is sent: the
# provider only builds and logs each payload.
provider "interakt" {
  dry_run = true
}

variables {
  release         = "42"
  smoke_recipient = "+91 99999-99999"
  launch_recipients = {
    c-1001 = { phone = "+91 98888-77777", name = "Asha", order = "A-1001" }
    c-1002 = { phone = "+44 7700 900123", name = "Ravi", order = "A-1002" }
  }
}

# A plan runs every check the provider makes: a value against the template's
# contract, the phone number rules, callback data and button payload limits.
# Any error fails the run.
run "payloads_are_valid" {
  command = plan

  assert {
    condition     = jsondecode(output.smoke_payload).template.bodyValues == ["Release check", "A-1001"]
    error_message = "The smoke message does not carry the expected body values."
  }

  assert {
    condition     = interakt_template_message.smoke.country_code == "+91" && interakt_template_message.smoke.phone_number == "9999999999"
    error_message = "The smoke recipient was not split into country code and number."
  }

  assert {
    condition     = interakt_campaign.launch.recipients["c-1002"].country_code == "+44"
    error_message = "The campaign recipients were not built from launch_recipients."
  }
}

# A number without its country code stops the plan at the variable.
run "rejects_a_number_without_country_code" {
  command = plan

  variables {
    smoke_recipient = "099999 99999"
  }

  expect_failures = [var.smoke_recipient]
}

# An empty body value is refused by the template's contract.
run "rejects_an_empty_body_value" {
  command = plan

  variables {
    launch_recipients = {
      c-1003 = { phone = "+91 97777-66666", name = "", order = "A-1003" }
    }
  }

  expect_failures = [var.launch_recipients]
}

# A whole apply in dry-run mode: every payload is built and logged, nothing
# is sent, and the ids start with "dry-run-".
run "dry_run_apply" {
  command = apply

  assert {
    condition     = startswith(interakt_template_message.smoke.id, "dry-run-")
    error_message = "The smoke message was not a dry run."
  }

  assert {
    condition     = interakt_campaign.launch.failed_count == 0 && length(interakt_campaign.launch.results) == 2
    error_message = "The dry-run campaign did not build every message."
  }
}
