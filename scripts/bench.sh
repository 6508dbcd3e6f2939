#!/usr/bin/env bash
# make bench: measure the figures the project holds itself to, print one
# line per figure on stdout as
#
#   <name> <value> <unit> <target>
#
# (target "-" when a figure is only recorded), and write the same to
# bench-results.json for comparison over time. Benchmark output and
# progress go to stderr. Exits 1 when a figure misses its target.
#
# Where the machine's speed would decide a figure, it is a ratio measured
# within one run: ideal over actual span for the rate limiter; for plan
# cost, the provider's plan over the same count of terraform_data, and over
# the same resources served with their schemas only.
#
# Settings (environment):
#   BENCH_PLAN_RESOURCES  resources of each kind in the plan benchmark (1000)
#   BENCH_PLAN_ROUNDS     rounds of the three plans, medians reported (3)
#   BENCH_OUT             where the JSON goes (bench-results.json)
#   BENCH_ONLY            the groups to run, of: payload limiter receiver
#                         rate budget plan template-refresh apply-requests
#                         campaign-refresh campaign-scale (all)
#   BENCH_CAMPAIGN_SIZES  recipients of the campaign-scale runs with the
#                         recipients inline in one campaign (1000 10000)
#   BENCH_CAMPAIGN_LOCALS_SIZES  the same from a locals map (10000)
#   BENCH_CAMPAIGN_SHARDED_SIZES  the same from a locals map, in campaigns
#                         sharded by a hash of the key (10000 100000)
#   BENCH_BUDGET_SECONDS  how long each budget overhead run lasts (20)
set -euo pipefail

# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "${REPO_ROOT}"

plan_resources="${BENCH_PLAN_RESOURCES:-1000}"
plan_rounds="${BENCH_PLAN_ROUNDS:-3}"
out_json="${BENCH_OUT:-${REPO_ROOT}/bench-results.json}"
groups="${BENCH_ONLY:-payload limiter receiver rate budget plan template-refresh apply-requests campaign-refresh campaign-scale}"

work="$(mktemp -d)"
trap 'rm -rf "${work}"' EXIT

# Figures recorded so far, one "name value unit target" line each.
figures="${work}/figures"
: >"${figures}"

# record NAME VALUE UNIT TARGET adds a figure.
record() {
	[[ -n "$2" ]] || die "no value measured for $1"
	printf '%s %s %s %s\n' "$1" "$2" "$3" "$4" >>"${figures}"
}

# meets VALUE TARGET succeeds when VALUE meets TARGET (">=0.95", "<20",
# "==0"...); a target of "-" is always met.
meets() {
	[[ "$2" == "-" ]] && return 0
	awk -v v="$1" -v t="$2" 'BEGIN {
		match(t, /^(>=|<=|==|<|>)/)
		op = substr(t, 1, RLENGTH); want = substr(t, RLENGTH + 1) + 0; v += 0
		ok = (op == ">=" && v >= want) || (op == "<=" && v <= want) || (op == "==" && v == want) ||
			(op == "<" && v < want) || (op == ">" && v > want)
		exit !ok
	}'
}

# gobench OUTPUT PACKAGE ARGS... runs `go test -bench` with ARGS on PACKAGE,
# keeping its output in OUTPUT (and showing it on stderr).
gobench() {
	local output="$1" pkg="$2"
	shift 2
	log "go test -run '^\$' $* ${pkg}"
	if ! go test -run '^$' "$@" "${pkg}" 2>&1 | tee "${output}" >&2; then
		die "benchmark failed in ${pkg}"
	fi
}

# metric OUTPUT BENCHMARK UNIT prints the value a benchmark reported in
# UNIT ("ns/op", "allocs/op" or a ReportMetric unit). BENCHMARK is the full
# name, sub-benchmarks included, without the -<cpus> suffix.
metric() {
	awk -v name="$2" -v unit="$3" '
		{ n = $1; sub(/-[0-9]+$/, "", n) }
		n == name { for (i = 3; i <= NF; i++) if ($i == unit) { print $(i - 1); exit } }
	' "$1"
}

# now_ms prints a monotonic-enough wall clock in milliseconds.
now_ms() {
	date +%s%3N
}

median() {
	sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# --- Rate limiter efficiency through the provider's client --------------

bench_rate() {
	local out="${work}/rate.txt"
	gobench "${out}" ./internal/provider -bench '^BenchmarkRateEfficiency(40|600)$' -benchtime 1x
	record rate_efficiency_40 "$(metric "${out}" BenchmarkRateEfficiency40 ideal/actual)" ratio ">=0.95"
	record rate_429s_40 "$(metric "${out}" BenchmarkRateEfficiency40 429s)" count "==0"
	record rate_efficiency_600 "$(metric "${out}" BenchmarkRateEfficiency600 ideal/actual)" ratio ">=0.95"
	record rate_429s_600 "$(metric "${out}" BenchmarkRateEfficiency600 429s)" count "==0"
	gobench "${out}" ./internal/provider -bench '^BenchmarkRateEfficiencyCampaign2000$' -benchtime 1x
	record rate_efficiency_campaign_2000_at_600 "$(metric "${out}" BenchmarkRateEfficiencyCampaign2000 ideal/actual)" ratio ">=0.99"
	record rate_429s_campaign_2000_at_600 "$(metric "${out}" BenchmarkRateEfficiencyCampaign2000 429s)" count "==0"
}

# --- The key's budget shared by three processes ---------------------------

# Three provider processes share one key, as three applies do: the time a
# request spends in the shared budget (acquire and release) at 600 a
# minute in all, with the local file budget and with the receiver's (on
# SQLite); and the rate efficiency of three processes sending 50 each at
# 40 per (scaled) window through the local budget.
bench_budget() {
	local out="${work}/budget.txt"
	gobench "${out}" ./internal/provider -bench '^BenchmarkBudget(OverheadLocal|OverheadReceiver|RateEfficiency3)$' -benchtime 1x
	record budget_local_p50_ms "$(metric "${out}" BenchmarkBudgetOverheadLocal p50-ms)" ms "-"
	record budget_local_p99_ms "$(metric "${out}" BenchmarkBudgetOverheadLocal p99-ms)" ms "-"
	record budget_receiver_p50_ms "$(metric "${out}" BenchmarkBudgetOverheadReceiver p50-ms)" ms "-"
	record budget_receiver_p99_ms "$(metric "${out}" BenchmarkBudgetOverheadReceiver p99-ms)" ms "-"
	record budget_rate_efficiency_3_processes "$(metric "${out}" BenchmarkBudgetRateEfficiency3 ideal/actual)" ratio ">=0.9"
	record budget_429s_3_processes "$(metric "${out}" BenchmarkBudgetRateEfficiency3 429s)" count "==0"
}

# --- Plan cost at scale ---------------------------------------------------

# plan_config_interakt N [literal] prints N interakt_template resources and
# N interakt_template_message resources, each message checked against its
# template's contract; with "literal", each message gives that contract as a
# literal object instead of a reference, so that it is known even where no
# provider code computes it.
plan_config_interakt() {
	cat <<'HCL'
terraform {
  required_providers {
    interakt = { source = "interakt-community/interakt" }
  }
}

provider "interakt" {}
HCL
	awk -v n="$1" -v literal="${2:-}" 'BEGIN {
		for (i = 1; i <= n; i++) {
			printf "\nresource \"interakt_template\" \"t%04d\" {\n", i
			printf "  name          = \"order_shipped_%04d\"\n  language_code = \"en\"\n  category      = \"UTILITY\"\n", i
			printf "  header        = { format = \"TEXT\", text = \"Order {{1}}\" }\n"
			printf "  body          = \"Hi {{1}}, your order {{2}} has shipped.\"\n  footer        = \"Reply STOP to opt out\"\n"
			printf "  buttons = [\n    { type = \"URL\", text = \"Track\", url = \"https://shop.example.com/track/{{1}}\" },\n"
			printf "    { type = \"QUICK_REPLY\", text = \"Stop updates\" },\n  ]\n}\n"
			printf "\nresource \"interakt_template_message\" \"m%04d\" {\n", i
			if (literal == "literal") {
				printf "  template = {\n    name = \"order_shipped_%04d\", language_code = \"en\", header_format = \"TEXT\"\n", i
				printf "    header_variables = 1, body_variables = 2\n"
				printf "    buttons = [{ index = 0, type = \"URL\", dynamic = true }, { index = 1, type = \"QUICK_REPLY\", dynamic = false }]\n  }\n"
			} else {
				printf "  template       = interakt_template.t%04d.contract\n", i
			}
			printf "  country_code   = \"+91\"\n  phone_number   = \"98%08d\"\n  callback_data  = \"release-%d\"\n", i, i
			printf "  header_values  = [\"A-%d\"]\n  body_values    = [\"Asha\", \"A-%d\"]\n", i, i
			printf "  button_values  = { \"0\" = [\"A-%d\"] }\n  button_payload = { \"1\" = [\"stop-A-%d\"] }\n}\n", i, i
		}
	}'
}

# plan_config_baseline N prints 2N terraform_data resources of the same
# shape: N with the template's fields, N with the message's fields and a
# reference to the first kind.
plan_config_baseline() {
	awk -v n="$1" 'BEGIN {
		for (i = 1; i <= n; i++) {
			printf "\nresource \"terraform_data\" \"t%04d\" {\n  input = {\n", i
			printf "    name          = \"order_shipped_%04d\"\n    language_code = \"en\"\n    category      = \"UTILITY\"\n", i
			printf "    header        = { format = \"TEXT\", text = \"Order {{1}}\" }\n"
			printf "    body          = \"Hi {{1}}, your order {{2}} has shipped.\"\n    footer        = \"Reply STOP to opt out\"\n"
			printf "    buttons = [\n      { type = \"URL\", text = \"Track\", url = \"https://shop.example.com/track/{{1}}\" },\n"
			printf "      { type = \"QUICK_REPLY\", text = \"Stop updates\" },\n    ]\n  }\n}\n"
			printf "\nresource \"terraform_data\" \"m%04d\" {\n  input = {\n", i
			printf "    template       = terraform_data.t%04d.input\n", i
			printf "    country_code   = \"+91\"\n    phone_number   = \"98%08d\"\n    callback_data  = \"release-%d\"\n", i, i
			printf "    header_values  = [\"A-%d\"]\n    body_values    = [\"Asha\", \"A-%d\"]\n", i, i
			printf "    button_values  = { \"0\" = [\"A-%d\"] }\n    button_payload = { \"1\" = [\"stop-A-%d\"] }\n  }\n}\n", i, i
		}
	}'
}

# timed_plan DIR [PROVIDER] prints how long `terraform plan` took in DIR,
# in ms, with PROVIDER as the binary behind the peak-RSS wrapper.
timed_plan() {
	local start end
	start="$(now_ms)"
	(cd "$1" && PEAKRSS_TARGET="${2:-}" terraform plan -input=false -no-color -lock=false -refresh=false -parallelism=10 \
		-out=plan.tfplan >plan.log 2>&1) || die "terraform plan failed in $1: $(tail -n 20 "$1/plan.log")"
	end="$(now_ms)"
	echo $((end - start))
}

# ratio A B prints A/B with three decimals.
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'
}

# seconds prints the median of the millisecond values on stdin in seconds.
seconds() {
	median | awk '{ printf "%.2f", $1 / 1000 }'
}

# bench_plan plans, in each round, the same 2N resources four ways: N
# interakt_template and N interakt_template_message served by the provider;
# 2N terraform_data of the same shape, which Terraform plans itself (no
# plugin process, no protocol); the provider's resources served with their
# schemas only (scripts/bench/schemaonly.go), the floor that
# terraform-plugin-framework and the protocol set for these schemas; and
# that floor again with each message's contract written out, so known as
# the provider makes it, which leaves only the provider's own code between
# it and the provider.
bench_plan() {
	local bin="${work}/plugins" rss="${work}/rss.txt" floor_rss="${work}/rss-floor.txt"
	local provider_dir="${work}/plan-interakt" floor_dir="${work}/plan-floor" baseline_dir="${work}/plan-baseline"
	local known_dir="${work}/plan-floor-known"
	mkdir -p "${bin}" "${work}/real" "${provider_dir}" "${floor_dir}" "${baseline_dir}" "${known_dir}"
	log "building the provider, its schema-only twin and the peak-RSS wrapper"
	go build -o "${work}/real/terraform-provider-interakt" .
	go build -o "${work}/real/schemaonly" scripts/bench/schemaonly.go
	go build -o "${bin}/terraform-provider-interakt" scripts/bench/peakrss.go
	cat >"${work}/terraformrc" <<RC
provider_installation {
  dev_overrides {
    "interakt-community/interakt" = "${bin}"
  }
  direct {}
}
RC
	plan_config_interakt "${plan_resources}" >"${provider_dir}/main.tf"
	cp "${provider_dir}/main.tf" "${floor_dir}/main.tf"
	plan_config_interakt "${plan_resources}" literal >"${known_dir}/main.tf"
	plan_config_baseline "${plan_resources}" >"${baseline_dir}/main.tf"

	# Planning needs no key and makes no request; make sure of it.
	unset INTERAKT_API_KEY INTERAKT_BASE_URL INTERAKT_STATUS_TOKEN INTERAKT_STATUS_URL
	export TF_CLI_CONFIG_FILE="${work}/terraformrc" TF_IN_AUTOMATION=1

	local ratios=() floor_ratios=() known_ratios=() provider_ms=() floor_ms=() known_ms=() baseline_ms=() round p f k b
	for round in $(seq 1 "${plan_rounds}"); do
		b="$(timed_plan "${baseline_dir}")"
		p="$(PEAKRSS_OUT="${rss}" timed_plan "${provider_dir}" "${work}/real/terraform-provider-interakt")"
		f="$(PEAKRSS_OUT="${floor_rss}" timed_plan "${floor_dir}" "${work}/real/schemaonly")"
		k="$(PEAKRSS_OUT="${floor_rss}" timed_plan "${known_dir}" "${work}/real/schemaonly")"
		log "plan round ${round}: ${b} ms for $((2 * plan_resources)) terraform_data, ${p} ms for ${plan_resources} interakt_template +" \
			"${plan_resources} interakt_template_message, ${f} ms for the same schemas only, ${k} ms for those with the contracts known"
		baseline_ms+=("${b}")
		provider_ms+=("${p}")
		floor_ms+=("${f}")
		known_ms+=("${k}")
		ratios+=("$(ratio "${p}" "${b}")")
		floor_ratios+=("$(ratio "${p}" "${f}")")
		known_ratios+=("$(ratio "${p}" "${k}")")
	done
	grep -q 'interakt_template_message.m0001 will be created' "${provider_dir}/plan.log" ||
		die "the provider plan did not plan the messages: $(tail -n 20 "${provider_dir}/plan.log")"
	[[ -s "${rss}" ]] || die "no provider process was measured"

	# The same pair in process: allocations per template and message, which
	# the machine's load does not move.
	local pair="${work}/plan-pair.txt" own known
	gobench "${pair}" ./internal/provider -bench '^BenchmarkPlanPair$' -benchmem -benchtime 500x
	own="$(awk -v p="$(metric "${pair}" BenchmarkPlanPair/provider allocs/op)" -v f="$(metric "${pair}" BenchmarkPlanPair/schema-only allocs/op)" 'BEGIN { print p - f }')"
	known="$(awk -v f="$(metric "${pair}" BenchmarkPlanPair/schema-only allocs/op)" -v u="$(metric "${pair}" BenchmarkPlanPair/schema-only-unknown-contract allocs/op)" 'BEGIN { print f - u }')"
	record plan_pair_allocs_provider "$(metric "${pair}" BenchmarkPlanPair/provider allocs/op)" allocs/op "-"
	record plan_pair_allocs_own_code "${own}" allocs/op "-"
	record plan_pair_allocs_known_contract "${known}" allocs/op "-"

	record plan_time_ratio "$(printf '%s\n' "${ratios[@]}" | median)" ratio "<=2.86"
	record plan_provider_peak_rss "$(awk '$2 > max { max = $2 } END { printf "%.1f", max / 1024 }' "${rss}")" MiB "<=100"
	record plan_time_ratio_to_schema_only "$(printf '%s\n' "${floor_ratios[@]}" | median)" ratio "<=1.15"
	record plan_time_ratio_to_schema_only_known_contract "$(printf '%s\n' "${known_ratios[@]}" | median)" ratio "-"
	record plan_schema_only_peak_rss "$(awk '$2 > max { max = $2 } END { printf "%.1f", max / 1024 }' "${floor_rss}")" MiB "-"
	record plan_seconds_provider "$(printf '%s\n' "${provider_ms[@]}" | seconds)" s "-"
	record plan_seconds_schema_only "$(printf '%s\n' "${floor_ms[@]}" | seconds)" s "-"
	record plan_seconds_schema_only_known_contract "$(printf '%s\n' "${known_ms[@]}" | seconds)" s "-"
	record plan_seconds_terraform_data "$(printf '%s\n' "${baseline_ms[@]}" | seconds)" s "-"
	unset TF_CLI_CONFIG_FILE
}

# --- Refresh of templates against the account -----------------------------

# bench_template_refresh refreshes 1,000 interakt_template resources with a key
# against the mock (pages of 100): the list requests must be one per page
# of APPROVED (10; every template is approved, so no other status is
# listed), shared by every template, never one per template.
bench_template_refresh() {
	local out="${work}/template-refresh.txt" requests pages
	gobench "${out}" ./internal/provider -bench '^BenchmarkTemplateRefresh$' -benchtime 3x
	requests="$(metric "${out}" BenchmarkTemplateRefresh list-requests)"
	pages="$(metric "${out}" BenchmarkTemplateRefresh list-pages)"
	record refresh_1000_templates_list_requests "${requests}" requests "==${pages}"
	record refresh_1000_templates_seconds "$(metric "${out}" BenchmarkTemplateRefresh ns/op | awk '{ printf "%.2f", $1 / 1e9 }')" s "-"
}

# --- Requests of one apply --------------------------------------------------

# bench_apply_requests applies one template and a campaign of 20 recipients
# as Terraform runs it (a plan process and an apply process of the built
# provider) and counts what the mock received, by kind; then the next
# apply, with the template in the state, to 20 other recipients. Every
# request takes a slot of the key's budget: listings are slots the sends
# lose. The plan process lists APPROVED (one page here) and the apply
# process reuses it; the first apply lists once more, in its apply
# process, for the template it creates.
bench_apply_requests() {
	local out="${work}/apply-requests.txt"
	gobench "${out}" ./internal/provider -bench '^BenchmarkApplyRequests$' -benchtime 1x
	record apply_1_template_20_recipients_listing_requests "$(metric "${out}" BenchmarkApplyRequests listing-requests)" requests "<=2"
	record apply_1_template_20_recipients_send_requests "$(metric "${out}" BenchmarkApplyRequests send-requests)" requests "==20"
	record apply_1_template_20_recipients_other_requests "$(metric "${out}" BenchmarkApplyRequests other-requests)" requests "==0"
	record next_apply_20_recipients_listing_requests "$(metric "${out}" BenchmarkApplyRequests next-listing-requests)" requests "<=1"
	record next_apply_20_recipients_send_requests "$(metric "${out}" BenchmarkApplyRequests next-send-requests)" requests "==20"
	record next_apply_20_recipients_other_requests "$(metric "${out}" BenchmarkApplyRequests next-other-requests)" requests "==0"
}

# --- Payload building and validation -------------------------------------

bench_payload() {
	local out="${work}/payload.txt"
	gobench "${out}" ./internal/contract -bench '^BenchmarkValidateAndEncode$' -benchmem -cpu 1
	record payloads_per_second_per_core "$(metric "${out}" BenchmarkValidateAndEncode payloads/s)" payloads/s ">=200000"
	record payload_allocs "$(metric "${out}" BenchmarkValidateAndEncode allocs/op)" allocs/op "-"
	record payload_bytes "$(metric "${out}" BenchmarkValidateAndEncode B/op)" B/op "-"
}

# --- Status receiver on SQLite -------------------------------------------

bench_receiver() {
	local rate="${work}/receiver-rate.txt" max="${work}/receiver-max.txt" get="${work}/receiver-get.txt"
	# 6,000 webhooks offered at 3,000/s: two seconds of the target load.
	# The same with a fallback rule set (rule-), alternating with the runs
	# without one so that both see the machine alike; and with one
	# webhook in ten a failure handed off under the rule.
	gobench "${rate}" ./internal/receiver -bench '^BenchmarkIngestSQLite$/^(rule-)?rate-3000$' -benchtime 6000x
	gobench "${max}" ./internal/receiver -bench '^BenchmarkIngestSQLite$/^(rule-|rule-failures-)?max$' -benchtime 2s
	gobench "${get}" ./internal/receiver -bench '^BenchmarkStatusGetSQLite$' -benchtime 2s
	local plain with_rule
	plain="$(metric "${max}" BenchmarkIngestSQLite/max webhooks/s)"
	with_rule="$(metric "${max}" BenchmarkIngestSQLite/rule-max webhooks/s)"
	record receiver_webhooks_per_second "${plain}" webhooks/s ">=3000"
	record receiver_webhook_p99_at_3000 "$(metric "${rate}" BenchmarkIngestSQLite/rate-3000 p99-ms)" ms "<20"
	record receiver_webhook_p99_at_max "$(metric "${max}" BenchmarkIngestSQLite/max p99-ms)" ms "-"
	record receiver_webhooks_per_second_with_rule "${with_rule}" webhooks/s ">=3000"
	record receiver_webhooks_with_rule_ratio "$(ratio "${with_rule}" "${plain}")" ratio ">=0.9"
	record receiver_webhook_p99_at_3000_with_rule "$(metric "${rate}" BenchmarkIngestSQLite/rule-rate-3000 p99-ms)" ms "<20"
	record receiver_webhooks_per_second_handing_off_one_in_ten \
		"$(metric "${max}" BenchmarkIngestSQLite/rule-failures-max webhooks/s)" webhooks/s "-"
	record receiver_status_gets_per_second "$(metric "${get}" BenchmarkStatusGetSQLite gets/s)" gets/s ">=10000"
}

# --- Limiter overhead ----------------------------------------------------

bench_limiter() {
	local out="${work}/limiter.txt"
	gobench "${out}" ./internal/ratelimit -bench '^BenchmarkAcquireRelease(Parallel10)?$' -benchmem
	record limiter_acquire_ns "$(metric "${out}" BenchmarkAcquireRelease ns/op)" ns/op "-"
	record limiter_acquire_10_goroutines_ns "$(metric "${out}" BenchmarkAcquireReleaseParallel10 ns/op)" ns/op "-"
}

# --- Campaign refresh against the status receiver -------------------------

# A campaign of 10,000 sent recipients refreshed against the receiver on
# SQLite: delivery statuses looked up in batches, never one request each.
bench_campaign_refresh() {
	local out="${work}/campaign-refresh.txt"
	gobench "${out}" ./internal/provider -bench '^BenchmarkCampaignRefresh10000$' -benchtime 5x
	record campaign_refresh_10000_ms "$(metric "${out}" BenchmarkCampaignRefresh10000 ms/refresh)" ms "<2000"
	record campaign_refresh_10000_requests "$(metric "${out}" BenchmarkCampaignRefresh10000 requests/refresh)" requests "<=10"
}

# --- Campaign at scale ----------------------------------------------------

# campaign_scale_config N FORM WHO prints N recipients, each with every
# kind of value, their contract written out: FORM "inline" writes them in
# one campaign, "locals" in a locals map that one campaign names,
# "sharded" in a locals map split over up to 16 campaigns by the first hex
# digit of a hash of the key (as the campaigns guide shows for 100,000
# recipients); WHO "interakt" is the provider's, "data" one
# terraform_data whose input holds the same value (the same recipients map
# for "sharded"), which Terraform plans without a plugin.
campaign_scale_config() {
	if [[ "$3" == interakt ]]; then
		cat <<'HCL'
terraform {
  required_providers {
    interakt = { source = "interakt-community/interakt" }
  }
}

provider "interakt" {
  rate_limit_per_minute = 1000000
  budget                = "process"
}
HCL
	fi
	awk -v n="$1" -v form="$2" -v who="$3" 'BEGIN {
		tmpl = "{ name = \"order_shipped\", language_code = \"en\", header_format = \"TEXT\", header_variables = 1, body_variables = 2, buttons = [{ index = 0, type = \"URL\", dynamic = true }, { index = 1, type = \"QUICK_REPLY\", dynamic = false }] }"
		if (who == "interakt") { opening = "resource \"interakt_campaign\" \"c\" {"; closing = "}" }
		else { opening = "resource \"terraform_data\" \"c\" {\n  input = {"; closing = "  }\n}" }
		if (form == "inline") { print opening; print "  template      = " tmpl; print "  callback_data = \"scale\"\n  recipients = {" }
		else print "locals {\n  people = {"
		for (i = 1; i <= n; i++) {
			printf "    r%06d = { country_code = \"+91\", phone_number = \"9%09d\", header_values = [\"A-%d\"], body_values = [\"Asha\", \"A-%d\"], button_values = { \"0\" = [\"A-%d\"] }, button_payload = { \"1\" = [\"stop-A-%d\"] } }\n", i, i, i, i, i, i
		}
		print "  }"
		if (form == "inline") { print closing; exit }
		if (form == "sharded" && who == "interakt") {
			print "  shards = { for k, p in local.people : substr(sha256(k), 0, 1) => k... }\n}"
			print opening; print "  for_each      = local.shards"
			print "  template      = " tmpl; print "  callback_data = \"scale\"\n  recipients    = { for k in each.value : k => local.people[k] }"
		} else {
			print "}"
			print opening; print "  template      = " tmpl; print "  callback_data = \"scale\"\n  recipients    = local.people"
		}
		print closing
	}'
}

# campaign_scale_step DIR NAME ARGS... runs `terraform ARGS` in DIR, keeping
# its output in DIR/NAME.log, and prints how long it took in ms. A no-op
# plan (-detailed-exitcode) must find nothing to do.
campaign_scale_step() {
	local dir="$1" name="$2" start end status=0
	shift 2
	start="$(now_ms)"
	(cd "${dir}" && terraform "$@" -input=false -no-color >"${name}.log" 2>&1) || status=$?
	end="$(now_ms)"
	[[ "${status}" == 0 ]] || die "terraform $* in ${dir} exited ${status}: $(tail -n 20 "${dir}/${name}.log")"
	echo $((end - start))
}

# bench_campaign_scale plans, applies and plans again one campaign of each
# size, with the recipients inline and from a locals map, beside a
# terraform_data holding the same value, against the mock with no rate
# limit: the offline plan (no state, no key), the apply (every recipient
# sent), the plan with nothing to do (a refresh and a plan), the state's
# size, and the provider's peak memory. The ratios to terraform_data are
# taken within one run; the growth is the no-op plan's from 10,000 to
# 100,000 recipients.
bench_campaign_scale() {
	local bin="${work}/scale-plugins" real="${work}/scale-real" rss="${work}/scale-rss.txt"
	local sizes="${BENCH_CAMPAIGN_SIZES:-1000 10000}" locals_sizes="${BENCH_CAMPAIGN_LOCALS_SIZES:-10000}"
	local sharded_sizes="${BENCH_CAMPAIGN_SHARDED_SIZES:-10000 100000}"
	mkdir -p "${bin}" "${real}"

	# The provider's own share of one campaign's plans, in process: linear
	# in the recipients even where Terraform's is not.
	local own="${work}/campaign-plan.txt" size
	gobench "${own}" ./internal/provider -bench '^BenchmarkCampaignPlan$' -benchtime 3x
	for size in 10000 100000; do
		record "campaign_${size}_provider_offline_plan_ms" "$(metric "${own}" "BenchmarkCampaignPlan/${size}" offline-ms)" ms "-"
		record "campaign_${size}_provider_noop_plan_ms" "$(metric "${own}" "BenchmarkCampaignPlan/${size}" noop-ms)" ms "-"
		record "campaign_${size}_provider_noop_plan_alloc" "$(metric "${own}" "BenchmarkCampaignPlan/${size}" noop-alloc-MiB)" MiB "-"
		record "campaign_${size}_provider_state_upgrade_ms" "$(metric "${own}" "BenchmarkCampaignPlan/${size}" upgrade-ms)" ms "-"
	done
	# What a no-op plan allocates grows with the recipients; its time a
	# little faster, with the garbage collector's work on a larger heap.
	record campaign_provider_noop_plan_growth_10000_to_100000 \
		"$(ratio "$(metric "${own}" BenchmarkCampaignPlan/100000 noop-ms)" "$(metric "${own}" BenchmarkCampaignPlan/10000 noop-ms)")" ratio "-"
	record campaign_provider_noop_alloc_growth_10000_to_100000 \
		"$(ratio "$(metric "${own}" BenchmarkCampaignPlan/100000 noop-alloc-MiB)" "$(metric "${own}" BenchmarkCampaignPlan/10000 noop-alloc-MiB)")" ratio "<=12"

	log "building the provider, the mock and the peak-RSS wrapper"
	go build -o "${real}/terraform-provider-interakt" .
	go build -o "${real}/interakt-mock" ./cmd/interakt-mock
	go build -o "${bin}/terraform-provider-interakt" scripts/bench/peakrss.go
	cat >"${work}/scale-terraformrc" <<RC
provider_installation {
  dev_overrides {
    "interakt-community/interakt" = "${bin}"
  }
  direct {}
}
RC
	local key
	key="$(printf 'bench-%s:' "$(od -An -tx1 -N8 /dev/urandom | tr -d ' \n')" | base64)"
	INTERAKT_MOCK_KEY="${key}" "${real}/interakt-mock" --listen 127.0.0.1:0 --addr-file "${work}/scale-mock.addr" \
		--rate-limit -1 --quiet >"${work}/scale-mock.log" 2>&1 &
	local mock_pid=$!
	# shellcheck disable=SC2064 # expand now: this very mock is stopped.
	trap "kill ${mock_pid} 2>/dev/null; rm -rf '${work}'" EXIT
	local i
	for i in $(seq 1 100); do [[ -s "${work}/scale-mock.addr" ]] && break; sleep 0.1; done
	[[ -s "${work}/scale-mock.addr" ]] || die "the mock did not start: $(cat "${work}/scale-mock.log")"
	local mock_url
	mock_url="$(cat "${work}/scale-mock.addr")"
	export TF_CLI_CONFIG_FILE="${work}/scale-terraformrc" TF_IN_AUTOMATION=1
	export PEAKRSS_TARGET="${real}/terraform-provider-interakt" PEAKRSS_OUT="${rss}"

	local n form who dir offline apply noop label
	local -A noop_ms=()
	for form in inline locals sharded; do
		local these="${sizes}"
		[[ "${form}" == locals ]] && these="${locals_sizes}"
		[[ "${form}" == sharded ]] && these="${sharded_sizes}"
		for n in ${these}; do
			local -A ms=()
			for who in data interakt; do
				dir="${work}/scale-${form}-${n}-${who}"
				mkdir -p "${dir}"
				campaign_scale_config "${n}" "${form}" "${who}" >"${dir}/main.tf"
				: >"${rss}"
				# The offline plan has no key, as in CI; the apply and the
				# no-op plan have the mock's.
				offline="$(unset INTERAKT_API_KEY INTERAKT_BASE_URL
					campaign_scale_step "${dir}" offline plan -refresh=false -lock=false -out=plan.tfplan)"
				apply="$(export INTERAKT_API_KEY="${key}" INTERAKT_BASE_URL="${mock_url}"
					campaign_scale_step "${dir}" apply apply -auto-approve)"
				noop="$(export INTERAKT_API_KEY="${key}" INTERAKT_BASE_URL="${mock_url}"
					campaign_scale_step "${dir}" noop plan -lock=false -detailed-exitcode)"
				label="${who}"
				[[ "${who}" == data ]] && label="terraform_data"
				log "campaign ${n} recipients ${form}, ${label}: offline plan ${offline} ms, apply ${apply} ms, no-op plan ${noop} ms," \
					"state $(stat -c %s "${dir}/terraform.tfstate") bytes"
				ms["${who}-offline"]="${offline}" ms["${who}-apply"]="${apply}" ms["${who}-noop"]="${noop}"
				if [[ "${who}" == interakt ]]; then
					local sent
					sent="$(grep -o '"sent_count": [0-9]*' "${dir}/terraform.tfstate" | awk '{ s += $2 } END { print s + 0 }')"
					[[ "${sent}" == "${n}" ]] || die "the campaign apply sent ${sent} of ${n}"
					record "campaign_${n}_${form}_provider_peak_rss" "$(awk '$2 > max { max = $2 } END { printf "%.1f", max / 1024 }' "${rss}")" MiB "-"
					# 1,088 bytes before the recipients and results were kept from
					# the framework, with this configuration in one campaign; the
					# state's content must not grow. Sharded, each of the 16
					# campaigns adds its own attributes (about 1 KiB).
					local state_target="-"
					[[ "${n}" == 10000 && "${form}" != sharded ]] && state_target="<=1089"
					record "campaign_${n}_${form}_state_bytes_per_recipient" "$(( $(stat -c %s "${dir}/terraform.tfstate") / n ))" bytes "${state_target}"
					record "campaign_${n}_${form}_apply_ms_per_recipient" "$(awk -v a="${apply}" -v n="${n}" 'BEGIN { printf "%.3f", a / n }')" ms "-"
				fi
			done
			local target="-"
			[[ "${n}" == 10000 ]] && target="<=2"
			for step in offline apply noop; do
				record "campaign_${n}_${form}_${step}_seconds" "$(awk -v v="${ms[interakt-${step}]}" 'BEGIN { printf "%.2f", v / 1000 }')" s "-"
				record "campaign_${n}_${form}_${step}_seconds_terraform_data" "$(awk -v v="${ms[data-${step}]}" 'BEGIN { printf "%.2f", v / 1000 }')" s "-"
			done
			record "campaign_${n}_${form}_offline_plan_ratio" "$(ratio "${ms[interakt-offline]}" "${ms[data-offline]}")" ratio "${target}"
			record "campaign_${n}_${form}_noop_plan_ratio" "$(ratio "${ms[interakt-noop]}" "${ms[data-noop]}")" ratio "${target}"
			noop_ms["${form}-${n}"]="${ms[interakt-noop]}" noop_ms["${form}-${n}-data"]="${ms[data-noop]}"
			rm -rf "${work}/scale-${form}-${n}-data" "${work}/scale-${form}-${n}-interakt"
		done
		if [[ -n "${noop_ms[${form}-10000]:-}" && -n "${noop_ms[${form}-100000]:-}" ]]; then
			record "campaign_${form}_noop_plan_growth_10000_to_100000" "$(ratio "${noop_ms[${form}-100000]}" "${noop_ms[${form}-10000]}")" ratio "<=12"
			record "campaign_${form}_noop_plan_growth_10000_to_100000_terraform_data" \
				"$(ratio "${noop_ms[${form}-100000-data]}" "${noop_ms[${form}-10000-data]}")" ratio "-"
		fi
	done
	kill "${mock_pid}" 2>/dev/null || true
	unset TF_CLI_CONFIG_FILE PEAKRSS_TARGET PEAKRSS_OUT
}

# --- Report --------------------------------------------------------------

started="$(now)"
for group in ${groups}; do
	case "${group}" in
	payload) bench_payload ;;
	limiter) bench_limiter ;;
	receiver) bench_receiver ;;
	rate) bench_rate ;;
	budget) bench_budget ;;
	plan) bench_plan ;;
	template-refresh) bench_template_refresh ;;
	apply-requests) bench_apply_requests ;;
	campaign-refresh) bench_campaign_refresh ;;
	campaign-scale) bench_campaign_scale ;;
	*) die "unknown group ${group} in BENCH_ONLY" ;;
	esac
done

missed=0
{
	printf '{\n  "date": "%s",\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
	printf '  "commit": "%s",\n' "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
	printf '  "go": "%s",\n' "$(go env GOVERSION)"
	printf '  "terraform": "%s",\n' "$(terraform version 2>/dev/null | awk 'NR == 1 { sub(/^v/, "", $2); print $2 }')"
	printf '  "cpus": %s,\n' "$(getconf _NPROCESSORS_ONLN)"
	printf '  "figures": [\n'
	first=1
	while read -r name value unit target; do
		if [[ "${target}" == "-" ]]; then
			ok=null
		elif meets "${value}" "${target}"; then
			ok=true
		else
			ok=false
		fi
		[[ "${first}" -eq 1 ]] || printf ',\n'
		first=0
		printf '    {"name": "%s", "value": %s, "unit": "%s", "target": "%s", "ok": %s}' "${name}" "${value}" "${unit}" "${target}" "${ok}"
	done <"${figures}"
	printf '\n  ]\n}\n'
} >"${out_json}"

while read -r name value unit target; do
	printf '%s %s %s %s\n' "${name}" "${value}" "${unit}" "${target}"
	if ! meets "${value}" "${target}"; then
		log "MISSED: ${name} ${value} ${unit}, target ${target}"
		missed=1
	fi
done <"${figures}"
log "done in $(elapsed "${started}") s; results in ${out_json}"
exit "${missed}"
