#!/usr/bin/env bash
# kcat is the "client no one here wrote" the messaging interop test drives. It comes from Debian's packages;
# install it when it is missing and we may (root, apt-get present). Otherwise say what to do and carry on:
# the interop test then fails with the same advice instead of being silently skipped.
set -euo pipefail
if command -v kcat >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "[tools] installing kcat from Debian's packages"
  (apt-get install -y -qq kcat >/dev/null 2>&1) || { apt-get update -qq >/dev/null && apt-get install -y -qq kcat >/dev/null; }
  command -v kcat >/dev/null && { echo "[tools] kcat $(kcat -V 2>/dev/null | head -1)"; exit 0; }
fi
echo "[tools] kcat is missing: install it (Debian/Ubuntu: apt-get install kcat; macOS: brew install kcat)" >&2
exit 0
