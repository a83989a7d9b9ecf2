#!/usr/bin/env bash
# Builds, once, the programs of the cluster stack (`make up STACK=cluster`, and the cluster half of
# `make test`) into .tools/bin: the Temporal server, its SQL schema tool and the Web UI server, and
# copies the server's PostgreSQL schema folder beside them. The versions are the ones the Temporal
# CLI (scripts/ensure-temporal.sh) embeds, so the builds reuse its downloaded modules; the images
# in docker-compose.yml carry the same versions (test/deploy/compose.test.ts checks both).
# Prints NAME=path lines for the stack: TEMPORAL_SERVER, TEMPORAL_SQL_TOOL, TEMPORAL_UI_SERVER,
# TEMPORAL_SCHEMA_DIR.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
server_version="v1.29.1"
ui_version="v2.42.1"
bin="$root/.tools/bin"
server="$bin/temporal-server-$server_version"
sql_tool="$bin/temporal-sql-tool-$server_version"
ui_server="$bin/temporal-ui-server-$ui_version"
schema_dir="$root/.tools/temporal-schema-$server_version"

need_go() {
  if ! command -v go >/dev/null 2>&1; then
    echo "The cluster stack builds the Temporal server from the Go module proxy: install Go >= 1.25 (https://go.dev/dl)." >&2
    exit 1
  fi
}

# go install names a binary after its package folder (server, sql, server), so each build goes
# into a folder of its own and is then renamed with its version.
build() { # <package@version> <target>
  local pkg="$1" target="$2" tmp
  [ -x "$target" ] && return 0
  need_go
  echo "Building $pkg (first run only)..." >&2
  tmp="$(mktemp -d)"
  GOBIN="$tmp" go install "$pkg" >&2
  mkdir -p "$bin"
  mv "$tmp"/* "$target"
  rm -rf "$tmp"
}

build "go.temporal.io/server/cmd/server@$server_version" "$server"
build "go.temporal.io/server/cmd/tools/sql@$server_version" "$sql_tool"
build "github.com/temporalio/ui-server/v2/cmd/server@$ui_version" "$ui_server"

# The versioned schema steps ship in the server module, which `go install` left in the module
# cache; a copy here keeps later runs independent of that cache.
if [ ! -d "$schema_dir/postgresql" ]; then
  need_go
  module_dir="$(go mod download -json "go.temporal.io/server@$server_version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')"
  if [ -z "$module_dir" ] || [ ! -d "$module_dir/schema/postgresql/v12" ]; then
    echo "Could not find the schema folder of go.temporal.io/server@$server_version in the Go module cache." >&2
    exit 1
  fi
  mkdir -p "$schema_dir"
  cp -R "$module_dir/schema/postgresql" "$schema_dir/"
  chmod -R u+w "$schema_dir"
fi

echo "TEMPORAL_SERVER=$server"
echo "TEMPORAL_SQL_TOOL=$sql_tool"
echo "TEMPORAL_UI_SERVER=$ui_server"
echo "TEMPORAL_SCHEMA_DIR=$schema_dir/postgresql/v12"
