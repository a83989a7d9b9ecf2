#!/usr/bin/env bash
# `npm run fuzz`: the webhook fuzzing suite at full size (10,000 requests by default; FUZZ_RUNS
# sets another number). `make test` runs the same file with a smaller count.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
bash scripts/ensure-node-deps.sh >&2
TEMPORAL_CLI="$(bash scripts/ensure-temporal.sh)"
TEMPORAL_TEST_SERVER="$(bash scripts/ensure-test-server.sh)"
export TEMPORAL_CLI TEMPORAL_TEST_SERVER
FUZZ_RUNS="${FUZZ_RUNS:-10000}" exec node_modules/.bin/vitest run test/fuzz
