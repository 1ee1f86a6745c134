#!/usr/bin/env bash
# Browser tests of the front end: the built ui/dist in Debian's Chromium,
# driven by playwright-core (no Playwright browser download) with the Tauri
# IPC replaced by a scripted fake backend per test (ui/tests/). Idempotent and
# quick: installs chromium only when missing, runs `npm ci` only when
# package-lock.json changed, and rebuilds only when a source is newer than
# the build (the build runs the typecheck).
set -euo pipefail
. "$(dirname "$0")/node-env.sh"
cd "$(dirname "$0")/../ui"

if ! command -v chromium >/dev/null; then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  echo "test-ui: installing chromium"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends chromium
fi

stamp=node_modules/.onramp-lock-stamp
if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
  npm ci --no-audit --no-fund
  cp package-lock.json "$stamp"
fi

if [ ! -f dist/index.html ] || [ -n "$(find src index.html vite.config.ts tsconfig.json package-lock.json -newer dist/index.html -print -quit)" ]; then
  npm run build
fi

CHROMIUM="$(command -v chromium)" node --test --test-concurrency=1 tests/*.test.mjs
