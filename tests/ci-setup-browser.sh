#!/usr/bin/env bash
# Install Debian's chromium for the real-browser tests (tests/test_web_browser.py), once.
# Idempotent: does nothing when /usr/bin/chromium already runs. Needs root (CI runs as root).
# Playwright (a pinned test dependency) drives this binary through executable_path; no browser
# is ever downloaded by `playwright install`.
set -euo pipefail

if [ -x /usr/bin/chromium ] && /usr/bin/chromium --version >/dev/null 2>&1; then
    echo "ci-setup-browser: $(/usr/bin/chromium --version 2>/dev/null)"
    exit 0
fi

export DEBIAN_FRONTEND=noninteractive
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
echo "ci-setup-browser: installed $(/usr/bin/chromium --version 2>/dev/null)"
