#!/usr/bin/env bash
# The whole system on this machine: Temporal dev server + Web UI, PostgreSQL, worker, webhook
# server and the demo. Installs whatever is missing first. Ctrl-C stops everything.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
bash scripts/ensure-node-deps.sh
TEMPORAL_CLI="$(bash scripts/ensure-temporal.sh)"
export TEMPORAL_CLI
exec node_modules/.bin/tsx scripts/stack/up.ts
