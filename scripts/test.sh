#!/usr/bin/env bash
# Every check the project keeps: typecheck, lint, then the whole vitest suite (unit, workflow tests
# on the time-skipping server, integration tests on the dev server and PostgreSQL, the end-to-end
# tests on the dev server and on the cluster stack, browser tests, webhook fuzzing), then a short
# fault-injection run against the real processes.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
bash scripts/ensure-node-deps.sh
bash scripts/ensure-chromium.sh
TEMPORAL_CLI="$(bash scripts/ensure-temporal.sh)"
TEMPORAL_TEST_SERVER="$(bash scripts/ensure-test-server.sh)"
export TEMPORAL_CLI TEMPORAL_TEST_SERVER
# The cluster stack's programs: with them the end-to-end tests also run on a real Temporal server
# on PostgreSQL (test/support/globalSetup.ts).
cluster_tools="$(bash scripts/ensure-cluster.sh)"
while IFS='=' read -r name value; do export "$name=$value"; done <<<"$cluster_tools"
echo "== typecheck" && node_modules/.bin/tsc --noEmit
echo "== lint" && node_modules/.bin/eslint --max-warnings 0 .
echo "== tests" && node_modules/.bin/vitest run
# The short fault-injection run (about 40 requests, each fault once; `npm run chaos` is the full one).
echo "== chaos (short)" && node_modules/.bin/tsx scripts/chaos/run.ts --short
