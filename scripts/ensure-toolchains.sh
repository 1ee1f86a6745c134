#!/usr/bin/env bash
# Makes sure the Rust and Node.js toolchains are new enough, installing Rust
# with rustup when it is missing. Debian's own rustc (1.63 on Debian 12) and
# nodejs (18 on Debian 12) are too old for this project.
set -euo pipefail

need_rust="1.90.0"
need_node="20.19.0"

version_ge() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]; }

if ! command -v cargo >/dev/null 2>&1 && [ -x "$HOME/.cargo/bin/cargo" ]; then
  export PATH="$HOME/.cargo/bin:$PATH"
fi
if ! command -v cargo >/dev/null 2>&1; then
  echo "toolchains: no Rust toolchain; installing it with rustup (https://rustup.rs)"
  curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal --component clippy,rustfmt
  export PATH="$HOME/.cargo/bin:$PATH"
fi
rust_version="$(rustc --version | awk '{print $2}')"
if ! version_ge "$rust_version" "$need_rust"; then
  if command -v rustup >/dev/null 2>&1; then
    echo "toolchains: rustc $rust_version is older than $need_rust; updating with rustup"
    rustup update stable
  else
    echo "toolchains: rustc $rust_version is older than $need_rust; install a current toolchain from https://rustup.rs" >&2
    exit 2
  fi
fi

node_version="$(node --version 2>/dev/null | sed 's/^v//')"
if [ -z "$node_version" ] || ! version_ge "$node_version" "$need_node"; then
  cat >&2 <<MSG
toolchains: Node.js ${node_version:-(none)} is older than $need_node, which the front end's build (Vite 7) needs.
  Install Node.js 20.19+ or 22 (e.g. from https://nodejs.org, NodeSource, or nvm), then run this again.
MSG
  exit 2
fi
echo "toolchains: rustc $(rustc --version | awk '{print $2}'), node $node_version"
