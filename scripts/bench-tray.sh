#!/usr/bin/env bash
# The light-tray benchmark (tests/src/bin/tray_bench.rs): builds the release
# desktop app and prints how fast its window shows (cold, warm) and the PSS
# of its process tree open and idle and closed to the tray.
# Usage: scripts/bench-tray.sh [--runs N]
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/onramp/target}"
(cd ui && npm run build >/dev/null)
cargo build --release --locked -p onramp-desktop
cargo build --locked -p onramp-tests --bin tray-bench
echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GiB, load $(cut -d' ' -f1 /proc/loadavg)"
"$CARGO_TARGET_DIR/debug/tray-bench" "$CARGO_TARGET_DIR/release/onramp-desktop" "$@"
