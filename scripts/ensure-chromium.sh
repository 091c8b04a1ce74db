#!/usr/bin/env bash
# Makes sure the system Chromium that the browser tests drive is installed.
# Installs Debian's chromium when it is missing and we can (root + apt-get); otherwise stops
# with a one-line instruction. CHROMIUM_PATH overrides the location.
set -euo pipefail
chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$chromium" ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Chromium is missing: installing Debian's chromium package…"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  [ -x "$chromium" ] && exit 0
fi
echo "Browser tests need Chromium at $chromium: run 'sudo apt-get install -y chromium' (or set CHROMIUM_PATH)." >&2
exit 1
