#!/usr/bin/env bash
# Runs every fuzz target of the module for a bounded number of executions
# each (default 50000): go test -fuzz takes one target per run. The budget
# is a count, not a duration: Go 1.26's fuzzing coordinator can report its
# own -fuzztime deadline as a failure (golang/go#75804), and a count sets no
# deadline. Minimization is bounded by a count for the same reason.
set -euo pipefail
cd "$(dirname "$0")/.."
execs=${1:-50000}
case $execs in
  '' | *[!0-9]*) echo "usage: $0 [executions per target]" >&2; exit 2 ;;
esac
found=0
while read -r pkg; do
  for target in $(go test -list '^Fuzz' "$pkg" | grep '^Fuzz' || true); do
    found=$((found + 1))
    echo "--- fuzz $pkg $target (${execs} executions)"
    go test -run '^$' -fuzz "^${target}\$" -fuzztime "${execs}x" -fuzzminimizetime 1000x -timeout 10m "$pkg"
  done
done < <(grep -rl --include='*_test.go' '^func Fuzz' . | xargs -n1 dirname | sort -u | sed 's|^\.|github.com/interakt-community/terraform-provider-interakt|')
echo "ran $found fuzz targets"
[ "$found" -gt 0 ]
