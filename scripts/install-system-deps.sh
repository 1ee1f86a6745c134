#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages Onramp needs to build, run and test.
# Idempotent: packages already present are skipped, so a second run is quick.
#   scripts/install-system-deps.sh build   -> what building and running the app needs
#   scripts/install-system-deps.sh headless -> build + a virtual X server (run-app.sh --headless)
#   scripts/install-system-deps.sh test    -> build + the real test servers and tools
set -euo pipefail

profile="${1:-build}"

build_pkgs=(
  build-essential pkg-config curl file ca-certificates
  libdbus-1-dev                       # keyring: Secret Service over D-Bus
  libwebkit2gtk-4.1-dev libgtk-3-dev libayatana-appindicator3-dev
  librsvg2-dev libsoup-3.0-dev libjavascriptcoregtk-4.1-dev libxdo-dev
  librsvg2-bin                        # rsvg-convert: scripts/icons.sh renders the SVG icons
  python3-venv                        # Node.js from PyPI (scripts/ensure-toolchains.sh): Debian's is too old
)
test_pkgs=(
  samba samba-ad-dc samba-ad-provision samba-dsdb-modules smbclient winbind krb5-user  # Samba AD DC
  slapd ldap-utils                               # OpenLDAP server and ldapsearch
  python3-venv python3-pip                       # scim2-server in a venv
  dbus dbus-x11 gnome-keyring libsecret-tools keyutils  # D-Bus session, Secret Service
  xvfb xauth webkit2gtk-driver chromium
  imagemagick                                    # `import`: scripts/screenshot.sh
  iproute2 openssl
  desktop-file-utils                             # desktop-file-validate: the package test
)

headless_pkgs=(xvfb xauth)

want=("${build_pkgs[@]}")
case "$profile" in
  build) ;;
  headless) want+=("${headless_pkgs[@]}") ;;
  test) want+=("${test_pkgs[@]}") ;;
  *) echo "install-system-deps.sh: unknown profile '$profile' (build, headless or test)" >&2; exit 2 ;;
esac

missing=()
for p in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

# The tests start their own slapd and Samba DC on loopback; the services
# the packages ship would hold ports 389/636 (and 53, 88, 445) on a host
# that runs systemd. They are masked, so neither an install nor a reboot
# starts them.
packaged_services=(slapd samba-ad-dc smbd nmbd winbind)
mask_packaged_services() {
  [ "$profile" = test ] || return 0
  [ -d /run/systemd/system ] || return 0
  local units=()
  for s in "${packaged_services[@]}"; do
    if systemctl list-unit-files "$s.service" >/dev/null 2>&1 \
      && [ "$(systemctl is-enabled "$s.service" 2>/dev/null)" != masked ]; then
      units+=("$s.service")
    fi
  done
  [ ${#units[@]} -gt 0 ] || return 0
  echo "system packages: masking ${units[*]} (the tests start their own servers)"
  $sudo systemctl mask --now "${units[@]}" >/dev/null 2>&1 || $sudo systemctl mask "${units[@]}" >/dev/null
}

if [ ${#missing[@]} -eq 0 ]; then
  echo "system packages: all present"
  sudo=""
  [ "$(id -u)" -eq 0 ] || { command -v sudo >/dev/null && sudo="sudo"; }
  mask_packaged_services
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null; then
    echo "system packages: missing ${missing[*]}; run this as root, or install sudo, or install them yourself (apt-get install ${missing[*]})" >&2
    exit 2
  fi
  sudo="sudo"
fi
echo "system packages: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# Services that the packages would start (smbd, slapd, samba-ad-dc) are not wanted:
# the tests start their own instances on loopback. A policy-rc.d that denies
# every start keeps the packages' scripts from starting them during the
# install; it is removed again however the install ends, and one that was
# there before is left alone.
policy=/usr/sbin/policy-rc.d
own_policy=0
if [ "$profile" = test ] && [ ! -e "$policy" ]; then
  printf '#!/bin/sh\n# scripts/install-system-deps.sh: no service starts during the install\nexit 101\n' \
    | $sudo tee "$policy" >/dev/null
  $sudo chmod 755 "$policy"
  own_policy=1
fi
remove_policy() { if [ "$own_policy" -eq 1 ]; then $sudo rm -f "$policy"; fi; }
trap remove_policy EXIT
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
remove_policy
own_policy=0
mask_packaged_services
