# A user is imported by its user id, or by its phone number as
# "+<country code> <phone number>" (spaces and dashes allowed). The import
# reads the user's whole identity and every trait and tag it has; the next
# plan narrows them to those the configuration manages, in place, and its
# apply sends nothing when Interakt already holds those values.
terraform import interakt_user.qa qa-asha
terraform import interakt_user.qa "+91 99999 99999"
