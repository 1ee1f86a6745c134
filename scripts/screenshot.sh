#!/usr/bin/env bash
# Regenerates docs/screenshots/main-window.png: builds the app, creates two
# example profiles with the `onramp` CLI in a throwaway config folder, starts
# the app in a virtual X server (Xvfb, 1280x800) and captures its window.
# Needs xvfb-run and ImageMagick's `import` (scripts/install-system-deps.sh test).
#   scripts/screenshot.sh [OUTPUT.png]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

# Second stage: runs inside xvfb-run (see the bottom of this file).
if [ "${1:-}" = "--inside-xvfb" ]; then
  out="$2"
  "$root/target/debug/onramp-desktop" &
  app=$!
  trap 'kill "$app" 2>/dev/null || true; wait "$app" 2>/dev/null || true' EXIT
  geometry=""
  for _ in $(seq 1 60); do
    # The top-level window named after the app's title, e.g. "1024x720+128+40".
    geometry="$(xwininfo -root -tree | awk '/"Onramp": \(/ { print $(NF-1); exit }')"
    [ -n "$geometry" ] && break
    sleep 0.5
  done
  if [ -z "$geometry" ]; then
    echo "screenshot.sh: the Onramp window did not appear within 30 s" >&2
    exit 1
  fi
  sleep 5 # let WebKit load the page and the profile list arrive
  import -window root -crop "$geometry" +repage "$out"
  echo "screenshot.sh: wrote $out ($geometry)"
  exit 0
fi

out="$(realpath -m "${1:-$root/docs/screenshots/main-window.png}")"
cd "$root"
for tool in xvfb-run xwininfo import; do
  command -v "$tool" >/dev/null || {
    echo "screenshot.sh: '$tool' is missing: run scripts/install-system-deps.sh test" >&2
    exit 2
  }
done
import -version 2>/dev/null | grep -q ImageMagick || {
  echo "screenshot.sh: 'import' is not ImageMagick's: apt-get install imagemagick" >&2
  exit 2
}

bash scripts/build-ui.sh
cargo build -p onramp-desktop -p onramp-cli

tmp="$(mktemp -d -t onramp-screenshot.XXXXXX)"
trap 'rm -rf "$tmp"' EXIT
export ONRAMP_CONFIG_DIR="$tmp/config" ONRAMP_DATA_DIR="$tmp/data"
onramp="$root/target/debug/onramp"
"$onramp" profile new corp-ad --kind ad >/dev/null
"$onramp" profile new contoso-entra --kind entra >/dev/null
sed -i 's/^display_name = .*/display_name = "Corp Active Directory"/' "$ONRAMP_CONFIG_DIR/profiles/corp-ad.toml"
sed -i 's/^display_name = .*/display_name = "Contoso Entra ID"/' "$ONRAMP_CONFIG_DIR/profiles/contoso-entra.toml"
"$onramp" profile validate >/dev/null

mkdir -p "$(dirname "$out")"
xvfb-run -a -s "-screen 0 1280x800x24" "$0" --inside-xvfb "$out"
