#!/usr/bin/env bash
# make demo: build the provider, the mock API and the status receiver, start
# the receiver (SQLite in a temporary folder) and the mock with its status
# webhooks pointed at it, then apply examples/demo: a template, a test send,
# and the send's status read back through interakt_message_status with
# wait_for = "delivered". Prints the message id and its status.
#
# Needs go, terraform and curl on PATH. Everything it starts listens on
# loopback only and is stopped on exit; secrets are throwaway values made
# for this run and passed by environment, never on a command line.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
pids=()
cleanup() {
  local rc=$?
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ "$rc" -ne 0 ]; then
    for log in receiver mock; do
      if [ -s "$work/$log.log" ]; then
        echo "==> last lines of the $log log" >&2
        tail -n 20 "$work/$log.log" >&2
      fi
    done
  fi
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
random_hex() { od -An -tx1 -N"$1" /dev/urandom | tr -d ' \n'; }
webhook_secret=$(random_hex 16)
status_token=$(random_hex 16)
# The dashboard's key format: base64 of "<secret>:".
api_key=$(printf 'demo-%s:' "$(random_hex 8)" | base64)

wait_for_file() {
  for _ in $(seq 1 100); do [ -s "$1" ] && return 0; sleep 0.1; done
  echo "timed out waiting for $1" >&2
  return 1
}

echo "==> starting the status receiver (SQLite in $work)"
INTERAKT_WEBHOOK_SECRET=$webhook_secret INTERAKT_STATUS_TOKEN=$status_token \
  "$work/bin/interakt-receiver" --listen 127.0.0.1:0 --addr-file "$work/receiver.addr" \
  --db "sqlite://$work/status.db" >"$work/receiver.log" 2>&1 &
pids+=($!)
wait_for_file "$work/receiver.addr"
receiver_url=$(cat "$work/receiver.addr")
curl -fsS "$receiver_url/healthz" >/dev/null

echo "==> starting the mock Interakt API, webhooks to $receiver_url/webhooks/interakt"
INTERAKT_MOCK_KEY=$api_key INTERAKT_MOCK_WEBHOOK_SECRET=$webhook_secret \
  "$work/bin/interakt-mock" --listen 127.0.0.1:0 --addr-file "$work/mock.addr" \
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

echo "==> terraform apply against $mock_url (status receiver $receiver_url)"
cd "$work/demo"
export TF_CLI_CONFIG_FILE=$work/terraformrc
export INTERAKT_API_KEY=$api_key INTERAKT_BASE_URL=$mock_url
export INTERAKT_STATUS_URL=$receiver_url INTERAKT_STATUS_TOKEN=$status_token
terraform apply -auto-approve -input=false -no-color
message_id=$(terraform output -raw message_id)
echo "==> message id: $message_id"
echo "==> status:     $(terraform output -raw status)"

# The same status straight from the receiver's API; the token goes to curl
# on stdin so that it never shows in a process listing.
echo "==> the receiver's record of $message_id"
printf 'Authorization: Bearer %s\n' "$status_token" |
  curl -fsS -H @- "$receiver_url/v1/messages/$message_id"
echo
