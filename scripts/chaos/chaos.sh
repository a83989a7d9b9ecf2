#!/usr/bin/env bash
# `npm run chaos`: the fault-injection suite against the real processes (see docs/reliability.md).
# Pass --short for the quick version that `make test` runs.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
bash scripts/ensure-node-deps.sh >&2
TEMPORAL_CLI="$(bash scripts/ensure-temporal.sh)"
export TEMPORAL_CLI
exec node_modules/.bin/tsx scripts/chaos/run.ts "$@"
