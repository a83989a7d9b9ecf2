#!/usr/bin/env bash
# Installs the npm dependencies when they are missing or older than package-lock.json.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
marker="node_modules/.package-lock.json"
if [ ! -f "$marker" ] || [ package-lock.json -nt "$marker" ]; then
  echo "Installing npm dependencies..." >&2
  # npm install, not npm ci: the lockfile is valid, but npm ci insists on entries for every other
  # platform's optional native packages, which the registry mirror may not carry.
  npm install --no-audit --no-fund >&2
fi
