#!/usr/bin/env bash
# The deployment test (tests/deploy/test_behind_nginx.py) runs Debian's nginx in front of
# gunicorn; install it when missing (like scripts/browser.sh for Chromium). It is only run from
# the test's own folder on high ports: the package's default site is never started here.
set -euo pipefail
if [ -x /usr/sbin/nginx ] && command -v openssl >/dev/null; then exit 0; fi
if [ "$(id -u)" != "0" ]; then
  echo "nginx is missing and we are not root: the deployment test will be skipped." >&2
  exit 0
fi
echo "Installing Debian's nginx for the deployment test..."
apt-get update -qq
# policy-rc.d: the package must not start its own nginx on port 80.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx openssl >/dev/null
