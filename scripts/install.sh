#!/usr/bin/env bash
# Everything the project needs on a fresh Debian machine with Node 20: Debian packages (when root and
# missing), npm packages (when the lock file changed), then the TypeScript build.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" -eq 0 ]; then
  mapfile -t pkgs < <(grep -v '^\s*#' scripts/system-packages.txt | grep -v '^\s*$')
  bash scripts/ensure-system-packages.sh "${pkgs[@]}"
fi
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
npm run --silent build
