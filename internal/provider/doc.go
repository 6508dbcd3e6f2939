// Package provider implements the Interakt Terraform provider on
// terraform-plugin-framework: its resources, data sources, actions,
// functions and list resource, and the checks, sends and journal they
// share. It is one package, as hashicorp's providers keep one package per
// API; a file's name says which room it belongs to, by one rule
// (TestFileNamesFollowTheRoomRule checks every name against it).
//
// # The rule
//
// An entry point is <object>_<kind>.go, where kind is resource,
// data_source, action, function or list: campaign_resource.go,
// send_template_action.go, template_list.go. Its object (campaign,
// send_template, template) is the prefix of every helper that serves it
// alone, or serves only the API object it stands for (template_account.go
// serves interakt_template, its list resource and the interakt_templates
// data source, which all read the account's templates; event_inputs.go
// serves interakt_event and the interakt_track_event action, both the Track
// Events API). An entry point past about 400 lines moves its plan
// (<object>_plan.go), identity and import (<object>_identity.go) or state
// upgrades (<object>_upgrade.go) into files of their own.
//
// A helper shared across objects takes one of four prefixes:
//
//   - provider_: the provider's configuration, settings and rate budget,
//     diagnostics, logging and validators;
//   - model_: reading and writing framework values (models read and
//     written whole, values read leniently, raw state, traits);
//   - contract_: framework values to and from internal/contract (the
//     contract object, a message's values and their schemas);
//   - send_: what every send goes through: the plan check against the
//     account, the outcome, the journal, settlement from the receiver.
//
// Tests sit beside what they test (<file>_test.go, or <object>_<topic>_test.go
// for an object's acceptance tests); tests of the whole provider (examples,
// docs, secrets, the rate budget across processes, CLIs, benchmarks) and the
// test helpers every test uses take provider_. A file built for some
// systems only ends in _unix, _windows, _linux or _other.
//
// # The room map
//
//	provider.go, provider_*.go        configure, settings, budget, diagnostics, logging
//	model_*.go                        framework values in and out
//	contract_*.go                     the contract and message values as schemas and models
//	send_*.go                         plan check, outcome, journal, settlement
//	template_*.go, templates_*.go     interakt_template, its list resource, interakt_templates,
//	                                  template_payload and template_variables
//	template_message_*.go             interakt_template_message (a test send)
//	send_template_action.go           the interakt_send_template action
//	campaign_*.go                     interakt_campaign: inputs, plan, send loop, results,
//	                                  journal, API campaign, bulk values (see internal/serve)
//	user_*.go                         interakt_user: plan, identity, tags
//	event_*.go, track_event_*.go      interakt_event and the interakt_track_event action
//	message_status_*.go               interakt_message_status: by id and latest, the poller
//	fallback_*.go                     interakt_fallback: a rule in the status receiver, its checks and import
//	parse_phone_function.go           the parse_phone function
package provider
