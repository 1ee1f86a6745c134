#!/usr/bin/env bash
# Builds the front end into ui/dist (the desktop shell embeds it at compile
# time). Runs `npm ci` only when package-lock.json changed since the last one.
set -euo pipefail
. "$(dirname "$0")/node-env.sh"
cd "$(dirname "$0")/../ui"
stamp=node_modules/.onramp-lock-stamp
if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
  npm ci --no-audit --no-fund
  cp package-lock.json "$stamp"
fi
npm run build
