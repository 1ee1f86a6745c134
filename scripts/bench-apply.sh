#!/usr/bin/env bash
# The write-side benchmark (docs/benchmarks.md): builds `apply-bench` in
# release mode and runs a first sync, a 1 % change run and a no-change run
# of N users and N/10 groups into the tests' fast SCIM server and into
# scim2-server, with and without SCIM Bulk, next to a plain HTTP client
# sending the same creates. Not part of CI; run it on an idle machine.
#
#   scripts/bench-apply.sh                               # the default plan below
#   scripts/bench-apply.sh --users 1000 --targets fast   # one run of your own
#
# Needs scim2-server in the test venv (scripts/install-test-servers.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

. scripts/cargo-env.sh
cargo build --release -p onramp-tests --bin apply-bench
bin="$CARGO_TARGET_DIR/release/apply-bench"

read -r load1 _ </proc/loadavg
if awk "BEGIN { exit !($load1 > 0.5) }"; then
    echo "warning: load average $load1: other work is running; the figures will be slower and noisier" >&2
fi

if [ "$#" -gt 0 ]; then
    exec "$bin" "$@"
fi
# scim2-server answers single requests in milliseconds and slows as it
# fills: 100,000 users run there with Bulk only, and last.
"$bin" --users 10000 --targets fast,scim2-server
"$bin" --users 100000 --targets fast
"$bin" --users 100000 --targets scim2-server --modes bulk
