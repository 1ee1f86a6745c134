#!/usr/bin/env bash
# Builds and starts the Onramp desktop app.
#   scripts/run-app.sh              needs a display ($DISPLAY or $WAYLAND_DISPLAY)
#   scripts/run-app.sh --headless   without one: runs inside a virtual X server (xvfb-run),
#                                   with the file secret store (no keyring without a desktop session)
# Installs missing system packages (apt), the front end's npm packages (only when
# ui/package-lock.json changed), builds ui/dist and the `onramp-desktop` binary,
# then starts it. Idempotent: a second run only rebuilds what changed.
# ONRAMP_CONFIG_DIR / ONRAMP_DATA_DIR are passed through to the app.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

headless=0
for arg in "$@"; do
  case "$arg" in
    --headless) headless=1 ;;
    -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run-app.sh: unknown option '$arg' (try --help)" >&2; exit 2 ;;
  esac
done

# Decide how to start before spending minutes on a build.
launcher=()
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  if [ "$headless" -eq 0 ]; then
    cat >&2 <<'MSG'
run-app.sh: no display found ($DISPLAY and $WAYLAND_DISPLAY are unset, e.g. over SSH).
  To run the app in a virtual X server instead:  scripts/run-app.sh --headless
  (you will not see the window; scripts/screenshot.sh captures it to a PNG)
  Or use the `onramp` command, which needs no display:  cargo run -p onramp-cli -- --help
MSG
    exit 2
  fi
  echo "run-app.sh: no display; starting the app inside Xvfb (xvfb-run -a)"
  launcher=(xvfb-run -a -s "-screen 0 1280x800x24")
  # No desktop session, so no Secret Service: keep secrets in the file store
  # (~/.config/onramp/secrets, mode 0600), as a headless agent does.
  export ONRAMP_SECRET_STORE="${ONRAMP_SECRET_STORE:-file}"
  echo "run-app.sh: secrets go to the file store (ONRAMP_SECRET_STORE=$ONRAMP_SECRET_STORE)"
  bash scripts/install-system-deps.sh headless
else
  bash scripts/install-system-deps.sh build
fi

bash scripts/ensure-toolchains.sh
export PATH="$HOME/.cargo/bin:$PATH"
. scripts/node-env.sh
. scripts/cargo-env.sh
bash scripts/build-ui.sh
cargo build -p onramp-desktop

exec "${launcher[@]}" "$CARGO_TARGET_DIR/debug/onramp-desktop"
