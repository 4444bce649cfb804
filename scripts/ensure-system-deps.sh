#!/usr/bin/env bash
# Installs what the browser tests need from Debian when it is missing:
# chromium (driven by Playwright via executable_path) and a CJK font.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
fc-list 2>/dev/null | grep -qiE "noto.*cjk|wqy" || need+=(fonts-noto-cjk)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "ensure-system-deps: need root to install: ${need[*]} (apt-get install ${need[*]})" >&2
  exit 1
fi
echo "ensure-system-deps: installing ${need[*]} from Debian" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${need[@]}" fontconfig >/dev/null
