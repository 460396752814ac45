#!/usr/bin/env bash
# Usage: ensure-tool.sh <debian-package> <command> [<other command name>...]
# Tools the tests drive that nobody here wrote (kcat for the messaging interop test, chromium for the console's
# browser tests) come from Debian's packages, never a download. Install the package when none of its command names
# is found and we may (root, apt-get present). Otherwise say what to do and carry on: the tests that need the tool
# then fail with the same advice instead of being silently skipped.
set -euo pipefail
package="$1"
shift
for command in "$@"; do
  if command -v "$command" >/dev/null 2>&1; then exit 0; fi
done
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "[tools] installing $package from Debian's packages"
  (apt-get install -y -qq "$package" >/dev/null 2>&1) \
    || { apt-get update -qq >/dev/null && apt-get install -y -qq "$package" >/dev/null; } || true
  for command in "$@"; do
    if command -v "$command" >/dev/null 2>&1; then echo "[tools] $package installed"; exit 0; fi
  done
fi
echo "[tools] $package is missing: install it (Debian/Ubuntu: apt-get install $package)" >&2
exit 0
