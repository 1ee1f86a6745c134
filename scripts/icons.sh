#!/usr/bin/env bash
# Regenerates every icon from the SVG sources in icons/:
#   icons/icon.svg      -> the app icons the Tauri bundler needs (PNG sizes,
#                          icon.ico, icon.icns, Windows Square*Logo.png), via
#                          `tauri icon` from the npm package @tauri-apps/cli@2 (run by npx)
#   icons/tray/*.svg    -> 32x32 tray icons (neutral, green, yellow, red),
#                          via rsvg-convert (Debian: librsvg2-bin)
# The generated files are committed; run this only after editing an SVG.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

command -v rsvg-convert >/dev/null || {
  echo "rsvg-convert is missing: run scripts/install-system-deps.sh (package librsvg2-bin)" >&2
  exit 2
}
command -v npx >/dev/null || { echo "npx (npm) is missing: run scripts/install-system-deps.sh" >&2; exit 2; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# `tauri icon` also writes Android and iOS sets; only the desktop ones are kept.
npx --yes @tauri-apps/cli@2 icon icons/icon.svg -o "$work"
for f in 32x32.png 64x64.png 128x128.png 128x128@2x.png icon.png icon.ico icon.icns \
         StoreLogo.png Square*Logo.png; do
  cp "$work"/$f icons/
done

for svg in icons/tray/*.svg; do
  rsvg-convert -w 32 -h 32 "$svg" -o "${svg%.svg}.png"
done
echo "icons written to icons/ and icons/tray/"
