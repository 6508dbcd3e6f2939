# A fallback rule is imported by its name. The receiver never answers the
# rule's secret, so the first apply after an import sends the configured
# secret with the rule, as an update in place.
terraform import interakt_fallback.sms sms
