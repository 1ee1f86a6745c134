#!/usr/bin/env bash
# Builds the Linux packages with the Tauri bundler: a .deb (the app, the
# `onramp` CLI, the agent's systemd unit, the desktop entry and icons) and an
# AppImage (the app; what the updater replaces in place).
#
#   scripts/package.sh [--debug] [--bundles deb,appimage] [--update-url URL] [--out DIR]
#
#   --debug        package the debug build (what the package test installs;
#                  quick, as CI has built it already). Default: release.
#   --bundles      deb, appimage or both (default: deb,appimage).
#   --update-url   the update manifest this build checks (plugins.updater
#                  endpoints); without it the build has none and the admin
#                  sets one in updates.toml (docs/updates.md).
#   --out DIR      copy the packages there (default: target/packages).
#   --prebuilt     package the binaries and ui/dist as they are, without
#                  installing or building anything first (scripts/test.sh
#                  has just built them).
#
# With TAURI_SIGNING_PRIVATE_KEY(_PATH) set, the bundler also writes the
# updater artifacts and their signatures; scripts/sign-release.sh writes the
# manifest. The AppImage step fetches linuxdeploy from GitHub the first time;
# on a machine without that access it fails with the bundler's message and
# the .deb is still built. Windows (.msi/NSIS) and macOS (.dmg) packages are
# configured in tauri.conf.json and built on those systems (docs/packages.md).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
. scripts/cargo-env.sh
export PATH="$HOME/.cargo/bin:$PATH"

profile=release bundles="deb,appimage" update_url="" out="$here/target/packages" prebuilt=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --debug) profile=debug; shift ;;
    --bundles) bundles="${2:?--bundles needs a value}"; shift 2 ;;
    --update-url) update_url="${2:?--update-url needs a value}"; shift 2 ;;
    --out) out="${2:?--out needs a folder}"; shift 2 ;;
    --prebuilt) prebuilt=1; shift ;;
    -h|--help) sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "package.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
[[ -z "$update_url" || "$update_url" == https://* ]] \
  || { echo "package.sh: --update-url must be an https:// URL" >&2; exit 2; }
for b in ${bundles//,/ }; do
  [[ "$b" == deb || "$b" == appimage ]] \
    || { echo "package.sh: --bundles takes deb and appimage (got $b)" >&2; exit 2; }
done

bin="$CARGO_TARGET_DIR/$profile"
if [[ $prebuilt == 1 ]]; then
  [[ -x "$bin/onramp-desktop" && -x "$bin/onramp" ]] \
    || { echo "package.sh --prebuilt: build onramp-cli and onramp-desktop ($profile) first" >&2; exit 2; }
else
  bash scripts/install-system-deps.sh build
  bash scripts/ensure-toolchains.sh
  bash scripts/build-ui.sh
  cargo_profile=()
  [[ "$profile" == release ]] && cargo_profile=(--release)
  cargo build "${cargo_profile[@]}" -p onramp-cli -p onramp-desktop --locked
fi

# What the configuration cannot know: where this machine built the CLI, the
# update server of this build, and whether it is signed.
config="$(mktemp)"
trap 'rm -f "$config"' EXIT
python3 - "$config" "$bin/onramp" "$here/packaging/linux/onramp-agent.service" "$update_url" \
  "${TAURI_SIGNING_PRIVATE_KEY:-}${TAURI_SIGNING_PRIVATE_KEY_PATH:-}" <<'PY'
import json, sys
out, cli, unit, update_url, signing = sys.argv[1:]
config = {
    "bundle": {
        "linux": {
            "deb": {
                "files": {
                    "/usr/bin/onramp": cli,
                    "/usr/lib/systemd/system/onramp-agent.service": unit,
                }
            }
        },
        "createUpdaterArtifacts": bool(signing),
    }
}
if update_url:
    config["plugins"] = {"updater": {"endpoints": [update_url]}}
json.dump(config, open(out, "w"))
PY

rm -rf "$bin/bundle/deb" "$bin/bundle/appimage"
debug_flag=()
[[ "$profile" == debug ]] && debug_flag=(--debug)
status=0
(cd src-tauri && "$here/ui/node_modules/.bin/tauri" bundle "${debug_flag[@]}" --ci \
  --bundles "$bundles" --config "$config") || status=$?

mkdir -p "$out"
found=0
for f in "$bin"/bundle/deb/*.deb "$bin"/bundle/appimage/*.AppImage "$bin"/bundle/appimage/*.AppImage.sig \
         "$bin"/bundle/appimage/*.AppImage.tar.gz "$bin"/bundle/deb/*.deb.sig; do
  [[ -f "$f" ]] || continue
  cp "$f" "$out/"
  echo "package: $out/$(basename "$f")"
  found=1
done
[[ $found == 1 ]] || { echo "package.sh: the bundler made no package" >&2; exit 1; }
exit $status
