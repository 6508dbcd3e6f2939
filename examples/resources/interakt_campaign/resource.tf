terraform {
  required_providers {
    interakt = {
      source  = "interakt-community/interakt"
      version = "~> 0.1"
    }
  }
}

# The key comes from INTERAKT_API_KEY. Sends are paced at
# rate_limit_per_minute for the whole provider: 1,000 recipients at 40 per
# minute take 25 minutes.
provider "interakt" {
  rate_limit_per_minute = 40
  max_sends_per_apply   = 500 # a guard against mass sends by mistake
}

resource "interakt_template" "order_shipped" {
  name          = "order_shipped"
  language_code = "en"
  category      = "UTILITY"
  header = {
    format = "TEXT"
    text   = "Order {{1}}"
  }
  body = "Hi {{1}}, your order {{2}} has shipped."
  buttons = [
    { type = "URL", text = "Track", url = "https://shop.example.com/track/{{1}}" },
    { type = "QUICK_REPLY", text = "Stop updates" },
  ]
}

resource "interakt_campaign" "launch" {
  template      = interakt_template.order_shipped.contract
  callback_data = "launch-2026-11" # default for every recipient

  # Groups the sends under an Interakt API campaign, created once by the
  # first apply, so that the dashboard's campaign reports show them.
  api_campaign_name = "Launch 2026-11"

  # Keyed by a stable name of yours: results, warnings and retry_uncertain
  # use it, and it never changes when a recipient's values do.
  recipients = {
    asha = {
      country_code   = "+91"
      phone_number   = "9999999999"
      header_values  = ["A-1001"]
      body_values    = ["Asha", "A-1001"]
      button_values  = { "0" = ["A-1001"] }
      button_payload = { "1" = ["stop-A-1001"] }
    }
    ravi = {
      country_code  = "+91"
      phone_number  = "8888888888"
      header_values = ["A-1002"]
      body_values   = ["Ravi", "A-1002"]
      button_values = { "0" = ["A-1002"] }
      callback_data = "launch-2026-11-vip" # overrides the default
    }
  }

  # An uncertain recipient (the API may have sent it) is never sent again
  # by itself. After checking it did not arrive, name the attempt_id of its
  # result to send it once more (a retry gets a new attempt_id, so this
  # entry never sends it twice):
  # retry_uncertain = { ravi = "<results[\"ravi\"].attempt_id>" }

  timeouts {
    create = "90m"
  }

  # Sends never fail the apply: every message id and every error is saved
  # in results, and a warning names the recipients not sent. To make any
  # failed, rejected or uncertain recipient an error, add a postcondition.
  # A plan that resumes (it sends to failed recipients) leaves failed_count
  # unknown, so the postcondition is checked after that apply, not before.
  # A rejected or uncertain recipient keeps it failing, at plan as well,
  # until its inputs are fixed, a retry named in retry_uncertain sends it,
  # or it is removed.
  lifecycle {
    postcondition {
      condition     = self.failed_count == 0
      error_message = "Some campaign messages were not sent; see the results attribute."
    }
  }
}

output "launch_message_ids" {
  value = { for key, r in interakt_campaign.launch.results : key => r.message_id }
}
