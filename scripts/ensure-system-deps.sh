#!/usr/bin/env bash
# Installs what the browser and export tests need from Debian when it is missing:
# chromium (driven by Playwright via executable_path), a CJK font, and LibreOffice Writer
# without a GUI (renders the 对照表 .docx to PDF in tests/test_exports.py; ~1 min to install).
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
fc-list 2>/dev/null | grep -qiE "noto.*cjk|wqy" || need+=(fonts-noto-cjk)
command -v libreoffice >/dev/null 2>&1 || need+=(libreoffice-writer-nogui)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "ensure-system-deps: need root to install: ${need[*]} (apt-get install ${need[*]})" >&2
  exit 1
fi
echo "ensure-system-deps: installing ${need[*]} from Debian" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${need[@]}" fontconfig >/dev/null
