#!/usr/bin/env bash
# Installs the Rust-side tools the end-to-end tests of the desktop app need:
#   - tauri-driver (crates.io), which drives the real app through
#     WebKitWebDriver (Debian's webkit2gtk-driver, from install-system-deps.sh).
# Idempotent: an installed tauri-driver of the pinned version is kept.
set -euo pipefail
export PATH="$HOME/.cargo/bin:$PATH"

tauri_driver_version="2.1.0"
# tauri-driver has no --version; cargo's install list knows what is installed.
if cargo install --list 2>/dev/null | grep -q "^tauri-driver v$tauri_driver_version:"; then
  echo "test tools: tauri-driver $tauri_driver_version present"
else
  echo "test tools: installing tauri-driver $tauri_driver_version"
  cargo install tauri-driver --locked --version "$tauri_driver_version"
fi
