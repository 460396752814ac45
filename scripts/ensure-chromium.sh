#!/usr/bin/env bash
# The console's browser tests drive Debian's chromium through playwright-core (no browser download). Install it
# when it is missing and we may (root, apt-get present), the way ensure-kcat.sh installs kcat. Otherwise say what to
# do and carry on: the browser tests then fail with the same advice instead of being silently skipped.
set -euo pipefail
for candidate in chromium chromium-browser; do
  if command -v "$candidate" >/dev/null 2>&1; then exit 0; fi
done
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "[tools] installing chromium from Debian's packages"
  (apt-get install -y -qq chromium >/dev/null 2>&1) || { apt-get update -qq >/dev/null && apt-get install -y -qq chromium >/dev/null; }
  command -v chromium >/dev/null && { echo "[tools] $(chromium --version 2>/dev/null | head -1)"; exit 0; }
fi
echo "[tools] chromium is missing: install it (Debian/Ubuntu: apt-get install chromium; or set CHROMIUM_PATH)" >&2
exit 0
