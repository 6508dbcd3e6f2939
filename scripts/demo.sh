#!/usr/bin/env bash
# make demo: build the provider, the mock API and the status receiver, start
# both programs on loopback, and apply examples/demo against them with a CLI
# configuration that points Terraform at the freshly built provider.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
export CHECKPOINT_DISABLE=1

echo "==> building into $work/bin"
mkdir -p "$work/bin" "$work/demo"
(cd "$root" && go build -o "$work/bin/terraform-provider-interakt" . \
  && go build -o "$work/bin/interakt-mock" ./cmd/interakt-mock \
  && go build -o "$work/bin/interakt-receiver" ./cmd/interakt-receiver)

# Throwaway secrets for this run only.
webhook_secret=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
status_token=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
api_key=$(printf 'demo-%s:' "$(od -An -tx1 -N8 /dev/urandom | tr -d ' \n')" | base64)

wait_for_file() {
  for _ in $(seq 1 100); do [ -s "$1" ] && return 0; sleep 0.1; done
  echo "timed out waiting for $1" >&2; return 1
}

echo "==> starting the status receiver (SQLite in $work)"
INTERAKT_WEBHOOK_SECRET=$webhook_secret INTERAKT_STATUS_TOKEN=$status_token \
  "$work/bin/interakt-receiver" --listen 127.0.0.1:0 --addr-file "$work/receiver.addr" \
  --db "sqlite://$work/status.db" >"$work/receiver.log" 2>&1 &
pids+=($!)
wait_for_file "$work/receiver.addr"
receiver_url=$(cat "$work/receiver.addr")

echo "==> starting the mock Interakt API"
INTERAKT_WEBHOOK_SECRET=$webhook_secret \
  "$work/bin/interakt-mock" --listen 127.0.0.1:0 --addr-file "$work/mock.addr" --key "$api_key" \
  --templates "$root/examples/mock/templates.json" \
  --webhook-url "$receiver_url/webhooks/interakt" >"$work/mock.log" 2>&1 &
pids+=($!)
wait_for_file "$work/mock.addr"
mock_url=$(cat "$work/mock.addr")

cat >"$work/terraformrc" <<RC
provider_installation {
  dev_overrides {
    "interakt-community/interakt" = "$work/bin"
  }
  direct {}
}
RC
cp "$root"/examples/demo/*.tf "$work/demo/"

echo "==> terraform apply against $mock_url (receiver $receiver_url)"
cd "$work/demo"
export TF_CLI_CONFIG_FILE=$work/terraformrc
export INTERAKT_API_KEY=$api_key INTERAKT_BASE_URL=$mock_url
export INTERAKT_STATUS_URL=$receiver_url INTERAKT_STATUS_TOKEN=$status_token
terraform apply -auto-approve -input=false -no-color
echo "==> outputs"
terraform output -no-color
echo "==> message id: $(terraform output -raw message_id)"
