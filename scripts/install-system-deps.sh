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
  nodejs npm
  python3-venv                        # a newer Node.js from PyPI when the system's is too old
)
test_pkgs=(
  samba samba-ad-dc samba-ad-provision samba-dsdb-modules smbclient winbind krb5-user  # Samba AD DC
  slapd ldap-utils                               # OpenLDAP server and ldapsearch
  python3-venv python3-pip                       # scim2-server in a venv
  dbus dbus-x11 gnome-keyring libsecret-tools keyutils  # D-Bus session, Secret Service
  xvfb xauth webkit2gtk-driver chromium chromium-driver
  imagemagick                                    # `import`: scripts/screenshot.sh
  iproute2 openssl
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

# Node may come from somewhere other than Debian (nodesource, nvm): accept it.
if command -v node >/dev/null && command -v npm >/dev/null; then
  filtered=()
  for p in "${missing[@]}"; do [[ "$p" == nodejs || "$p" == npm ]] || filtered+=("$p"); done
  missing=("${filtered[@]}")
fi

if [ ${#missing[@]} -eq 0 ]; then
  echo "system packages: all present"
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
# the tests start their own instances on loopback.
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
