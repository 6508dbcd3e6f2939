#!/usr/bin/env bash
# Runs every fuzz target of the module for a bounded time each
# (default 20s): go test -fuzz takes one target per run.
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime=${1:-20s}
found=0
while read -r pkg; do
  for target in $(go test -list '^Fuzz' "$pkg" | grep '^Fuzz' || true); do
    found=$((found + 1))
    echo "--- fuzz $pkg $target ($fuzztime)"
    go test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" "$pkg"
  done
done < <(grep -rl --include='*_test.go' '^func Fuzz' . | xargs -n1 dirname | sort -u | sed 's|^\.|github.com/interakt-community/terraform-provider-interakt|')
echo "ran $found fuzz targets"
[ "$found" -gt 0 ]
