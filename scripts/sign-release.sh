#!/usr/bin/env bash
# Signs release artifacts with Tauri's signer and writes the update manifest
# (latest.json) the desktop app's updater reads.
#
#   TAURI_SIGNING_PRIVATE_KEY_PATH=~/.tauri/onramp.key \
#   scripts/sign-release.sh --version 0.2.0 \
#       --base-url https://updates.example.com/onramp/0.2.0 \
#       --notes release-notes.md --out dist/ \
#       Onramp_0.2.0_amd64.AppImage Onramp_0.2.0_amd64.deb
#
# Each artifact gets a `.sig` beside it, bound to --version (the app refuses
# a manifest whose version differs from the signed one). The manifest lists
# every artifact under its updater target (linux-x86_64-appimage,
# linux-x86_64-deb, windows-x86_64-nsis, …); an AppImage is also the plain
# linux-x86_64 entry. Upload the artifacts to --base-url and latest.json to
# the URL the app checks (`url` in updates.toml, or the build's endpoint).
#
# The private key never enters the repository: pass it by path
# (TAURI_SIGNING_PRIVATE_KEY_PATH) or value (TAURI_SIGNING_PRIVATE_KEY), with
# TAURI_SIGNING_PRIVATE_KEY_PASSWORD when it has one. Its public half is
# `plugins.updater.pubkey` in src-tauri/tauri.conf.json.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tauri="$here/ui/node_modules/.bin/tauri"

usage() {
  sed -n '2,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

version="" base_url="" notes="" out=""
artifacts=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --version) version="${2:?--version needs a value}"; shift 2 ;;
    --base-url) base_url="${2:?--base-url needs a value}"; shift 2 ;;
    --notes) notes="${2:?--notes needs a file}"; shift 2 ;;
    --out) out="${2:?--out needs a folder}"; shift 2 ;;
    -h|--help) usage ;;
    --*) echo "sign-release: unknown option $1" >&2; usage ;;
    *) artifacts+=("$1"); shift ;;
  esac
done

fail() { echo "sign-release: $*" >&2; exit 2; }
[[ -n "$version" ]] || fail "--version is required (the version the artifacts are, e.g. 0.2.0)"
[[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]+)?$ ]] || fail "--version must be a semantic version such as 0.2.0 (got '$version')"
[[ "$base_url" == https://* ]] || fail "--base-url must be an https:// URL (got '${base_url}')"
[[ -n "$out" ]] || fail "--out is required (the folder latest.json is written to)"
[[ ${#artifacts[@]} -gt 0 ]] || fail "name at least one artifact to sign"
[[ -z "$notes" || -f "$notes" ]] || fail "--notes: no file $notes"
[[ -n "${TAURI_SIGNING_PRIVATE_KEY_PATH:-}${TAURI_SIGNING_PRIVATE_KEY:-}" ]] \
  || fail "set TAURI_SIGNING_PRIVATE_KEY_PATH (or TAURI_SIGNING_PRIVATE_KEY) to the release key"
[[ -x "$tauri" ]] || fail "the Tauri CLI is missing: run 'npm ci' in ui/ first"

# The updater target an artifact serves, from its file name.
target_of() {
  local name arch
  name="$(basename "$1")"
  case "$name" in
    *aarch64*|*arm64*) arch=aarch64 ;;
    *x86_64*|*amd64*|*x64*) arch=x86_64 ;;
    *) fail "$name: the file name does not say the architecture (x86_64/amd64/x64 or aarch64/arm64)" ;;
  esac
  case "$name" in
    *.AppImage|*.AppImage.tar.gz) echo "linux-$arch-appimage" ;;
    *.deb) echo "linux-$arch-deb" ;;
    *.rpm) echo "linux-$arch-rpm" ;;
    *-setup.exe|*.nsis.zip) echo "windows-$arch-nsis" ;;
    *.msi|*.msi.zip) echo "windows-$arch-msi" ;;
    *.app.tar.gz) echo "darwin-$arch-app" ;;
    *) fail "$name: not an updater artifact (AppImage, .deb, .rpm, -setup.exe, .msi, .app.tar.gz)" ;;
  esac
}

mkdir -p "$out"
entries=()
for artifact in "${artifacts[@]}"; do
  [[ -f "$artifact" ]] || fail "no file $artifact"
  target="$(target_of "$artifact")"
  # Writes "$artifact.sig"; the key comes from the environment.
  "$tauri" signer sign --app-version "$version" "$artifact" >/dev/null
  entries+=("$target" "$base_url/$(basename "$artifact")" "$artifact.sig")
  echo "signed $(basename "$artifact") for $target"
done

python3 - "$version" "${notes:-}" "$out/latest.json" "${entries[@]}" <<'PY'
import json, sys, datetime
version, notes_file, out, *rest = sys.argv[1:]
platforms = {}
for target, url, sig in zip(rest[0::3], rest[1::3], rest[2::3]):
    entry = {"url": url, "signature": open(sig).read().strip()}
    platforms[target] = entry
    if target.endswith("-appimage"):
        platforms.setdefault(target[: -len("-appimage")], entry)
manifest = {
    "version": version,
    "notes": open(notes_file).read().strip() if notes_file else "",
    "pub_date": datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
    "platforms": platforms,
}
with open(out, "w") as f:
    json.dump(manifest, f, indent=2)
    f.write("\n")
PY
echo "wrote $out/latest.json"
