#!/usr/bin/env bash
# setup.sh: installs everything wirelab needs on a fresh Debian machine, as root, then builds.
#   system: libpcap-dev (for the `cap` binding), ethtool + iproute2 (namespaces, offloads),
#           tshark (differential tests against Wireshark), chromium (the real-browser client),
#           ffmpeg (makes the lab page's real image, audio and video once, script/make-media.sh)
#           libxml2-utils (xmllint: the JUnit report test validates against test/fixtures/junit/junit.xsd)
#           python3 (reads a live capture's kernel drop count: Node cannot call getsockopt)
#   node:   npm ci (exact lockfile), npm run build (dist/ for the `wirelab` bin)
# Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(libpcap-dev ethtool iproute2 tshark chromium ffmpeg libxml2-utils python3)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "error [ERR_ENVIRONMENT]: missing system packages: ${missing[*]}; run this script as root (sudo bash script/setup.sh)" >&2
    exit 2
  fi
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # tshark asks whether non-root users may capture; answer no without a prompt.
  echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi
bash script/make-media.sh
echo "setup: npm run build"
npm run build --silent
