#!/usr/bin/env bash
# Prints the path of a Temporal CLI: the one on PATH, else the project's own build in .tools/bin,
# else builds it from the Go module proxy into .tools/bin (once; later runs reuse it).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
version="v1.5.1" # newest tag whose go.mod has no replace directive, so `go install` accepts it
local_bin="$root/.tools/bin/temporal"

if command -v temporal >/dev/null 2>&1; then command -v temporal; exit 0; fi
if [ -x "$local_bin" ]; then echo "$local_bin"; exit 0; fi
if ! command -v go >/dev/null 2>&1; then
  echo "Neither a 'temporal' CLI nor Go was found. Install one of them:" >&2
  echo "  - the Temporal CLI (https://docs.temporal.io/cli), or" >&2
  echo "  - Go >= 1.25 (https://go.dev/dl), and this script builds the CLI for you." >&2
  exit 1
fi
go_minor="$(go env GOVERSION | sed -E 's/^go1\.([0-9]+).*/\1/')"
if [ "${go_minor:-0}" -lt 25 ]; then
  echo "Go $(go env GOVERSION) is too old to build the Temporal CLI $version; install Go >= 1.25." >&2
  exit 1
fi
echo "Building the Temporal CLI $version from the Go module proxy (first run only, a few minutes)..." >&2
mkdir -p "$root/.tools/bin"
GOBIN="$root/.tools/bin" go install "github.com/temporalio/cli/cmd/temporal@$version" >&2
echo "$local_bin"
