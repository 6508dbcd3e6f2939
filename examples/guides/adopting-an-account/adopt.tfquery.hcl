# Every template of the account, in every approval status, with what a
# refresh reads of it, so that -generate-config-out can write a resource
# block for each. Terraform lists 100 results of a list block unless told
# otherwise: raise limit above the account's count.
list "interakt_template" "all" {
  provider         = interakt
  include_resource = true
  limit            = 5000
}
