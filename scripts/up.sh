#!/usr/bin/env bash
# The whole system on this machine: Temporal dev server + Web UI, PostgreSQL, worker, webhook
# server and the demo. Installs whatever is missing first. Ctrl-C stops everything.
# STACK=cluster (`make up STACK=cluster`): a real Temporal server on PostgreSQL, the Web UI server
# and two workers instead of the dev server (built once by scripts/ensure-cluster.sh).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
bash scripts/ensure-node-deps.sh
TEMPORAL_CLI="$(bash scripts/ensure-temporal.sh)"
export TEMPORAL_CLI
if [ "${STACK:-dev}" = "cluster" ]; then
  cluster_tools="$(bash scripts/ensure-cluster.sh)"
  while IFS='=' read -r name value; do export "$name=$value"; done <<<"$cluster_tools"
fi
exec node_modules/.bin/tsx scripts/stack/up.ts
