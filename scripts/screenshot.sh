#!/usr/bin/env bash
# Regenerates the README's screenshots (docs/screenshots/*.png) by running the
# end-to-end test of the real desktop app, which walks the AD wizard against a
# test Samba DC, syncs into scim2-server and captures the window on the way.
# Needs what scripts/test.sh installs (run it once first); runs as root, like
# the tests. Usage: scripts/screenshot.sh [OUTPUT_DIR]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
. scripts/cargo-env.sh
export PATH="$HOME/.cargo/bin:$PATH"
out="$(realpath -m "${1:-$root/docs/screenshots}")"

bash scripts/build-ui.sh
cargo build -p onramp-cli -p onramp-desktop
ONRAMP_SCREENSHOT_DIR="$out" cargo test -p onramp-tests --test live -- desktop::
rm -f "$out/failure.png"
echo "screenshots in $out"
