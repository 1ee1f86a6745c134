# Sourced by the scripts: one build folder for every checkout on this
# machine (the app, the tests, the benchmark and a fresh clone in CI all
# reuse what was compiled before). Set CARGO_TARGET_DIR to use another.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/onramp/target}"
