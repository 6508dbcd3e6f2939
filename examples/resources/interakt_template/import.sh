# A template is imported by its code name and language code. Only these are
# read from the id; the next plan fills in the rest of the declaration from
# configuration.
terraform import interakt_template.order_shipped order_shipped:en
