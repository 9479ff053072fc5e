#!/usr/bin/env bash
# Installs what aleph-ts needs on Debian: the sandbox and runtime packages, then the npm dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(bubblewrap squashfs-tools util-linux coreutils python3 python3-uvicorn python3-fastapi e2fsprogs mount python3-seccomp slirp4netns nftables chromium postgresql)
missing=()
for p in "${APT_PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# better-sqlite3 compiles against Node's headers when no prebuilt binary can be fetched. Use the headers installed
# beside this node (Debian's nodejs ships them) unless npm is already told where they are, so the build never
# needs to download them.
if [ -z "${npm_config_nodedir:-}" ] && [ "$(npm config get nodedir 2>/dev/null)" = "undefined" ]; then
  prefix="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")"
  if [ -f "$prefix/include/node/node_version.h" ]; then export npm_config_nodedir="$prefix"; fi
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

# The CLI and the devnet run the compiled JavaScript in dist/ (incremental: quick when nothing changed).
npm run build --silent
