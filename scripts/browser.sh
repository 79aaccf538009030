#!/usr/bin/env bash
# Browser tests drive Debian's Chromium (DESIGN.md section 7); install it when missing.
# Never `playwright install`: nothing but the package registries can be reached here.
set -euo pipefail
# fonts-noto-cjk: without a CJK font, screenshots show Chinese as boxes.
if [ -x /usr/bin/chromium ] && [ -d /usr/share/fonts/opentype/noto ]; then exit 0; fi
if [ "$(id -u)" != "0" ]; then
  echo "Chromium is missing and we are not root: browser tests will be skipped." >&2
  exit 0
fi
echo "Installing Debian's chromium for the browser tests..."
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
