#!/usr/bin/env bash
# Make sure Debian's chromium is at /usr/bin/chromium: the browser the
# developer console's test (packages/openapi, playwright-core) drives.
# Installed from Debian's packages when absent (no browser download from
# elsewhere). Idempotent.
set -euo pipefail
[ -x /usr/bin/chromium ] && { echo "chromium: $(/usr/bin/chromium --version 2>/dev/null || echo present)"; exit 0; }
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
[ -x /usr/bin/chromium ] || { echo "chromium: failed to install"; exit 1; }
echo "chromium: $(/usr/bin/chromium --version 2>/dev/null || echo installed)"
