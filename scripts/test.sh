#!/usr/bin/env bash
# The test command: installs what the tests need (system packages, the
# scim2-server venv, npm packages), then runs formatting, lints and every test
# against real servers started by the tests themselves. Idempotent; CI runs it
# on a clean clone through .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

# One build folder for every checkout on this machine (scripts/cargo-env.sh).
. scripts/cargo-env.sh

step "system packages and test servers"
bash scripts/install-test-servers.sh
bash scripts/ensure-toolchains.sh
export PATH="$HOME/.cargo/bin:$PATH"
bash scripts/install-test-tools.sh

step "front end (npm ci, build)"
bash scripts/build-ui.sh
bash scripts/test-ui.sh

step "format"
cargo fmt --all -- --check

step "lints"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "build the binaries the tests drive (onramp, onramp-desktop with the fresh ui/dist)"
cargo build -p onramp-cli -p onramp-desktop --locked

step "the .deb the package test installs (scripts/package.sh, from the debug build)"
bash scripts/package.sh --debug --prebuilt --bundles deb --out "$CARGO_TARGET_DIR/packages"

step "tests"
cargo test --workspace --locked
