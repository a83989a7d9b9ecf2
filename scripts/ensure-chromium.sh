#!/usr/bin/env bash
# Browser tests drive Debian's Chromium; it is installed from the distribution, never downloaded
# by a test tool.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "Installing Debian's chromium for the browser tests..." >&2
  apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >&2
else
  echo "Browser tests need /usr/bin/chromium: install your distribution's 'chromium' package." >&2
  exit 1
fi
