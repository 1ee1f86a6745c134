#!/usr/bin/env bash
# The directory sync benchmark (docs/benchmarks.md): builds `sync-bench` in
# release mode and runs it for 10,000 and 100,000 users (N/10 groups of 30
# members each) against a slapd of its own. Takes a few minutes; not part of
# CI. Run it on an otherwise idle machine: other builds skew every figure.
#
#   scripts/bench-sync.sh                      # N = 10000 and 100000
#   SIZES="1000 10000" scripts/bench-sync.sh   # other sizes
#   scripts/bench-sync.sh --runs 5             # extra sync-bench options
#
# Needs slapd, slapadd and ldap-utils (scripts/install-test-servers.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in slapd slapadd ldapsearch ldapmodify; do
    if ! command -v "$tool" >/dev/null && ! [ -x "/usr/sbin/$tool" ]; then
        echo "error: $tool not found; run scripts/install-test-servers.sh" >&2
        exit 2
    fi
done
export PATH="$PATH:/usr/sbin"

. scripts/cargo-env.sh
cargo build --release -p onramp-tests --bin sync-bench
bin="$CARGO_TARGET_DIR/release/sync-bench"

read -r load1 _ </proc/loadavg
if awk "BEGIN { exit !($load1 > 0.5) }"; then
    echo "warning: load average $load1: other work is running; the figures will be slower and noisier" >&2
fi

for n in ${SIZES:-10000 100000}; do
    echo
    echo "================================================================ N = $n"
    "$bin" --users "$n" "$@"
done
