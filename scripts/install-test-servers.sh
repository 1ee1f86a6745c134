#!/usr/bin/env bash
# Installs the real servers the integration tests start on loopback:
#   - system packages (Samba AD DC, slapd, ldap-utils, python3-venv, ...) via
#     scripts/install-system-deps.sh test
#   - scim2-server (PyPI, python-scim) in the venv <repo>/.test-venv, pinned
#     together with its dependencies so every machine runs the same server.
# Idempotent: a second run only checks what is there.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-system-deps.sh test

venv="${ONRAMP_TEST_VENV:-$PWD/.test-venv}"
scim_version="0.8.3"
pins=(
  "scim2-server==${scim_version}"
  "scim2-models==0.12.3"
  "pydantic==2.14.3"
  "pydantic_core==2.50.4"
  "annotated-types==0.8.0"
  "typing-inspection==0.4.5"
  "typing_extensions==4.16.0"
  "email-validator==2.4.0"
  "dnspython==2.9.2"
  "idna==3.20"
  "lark==1.3.1"
)

installed_version() {
  "$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("scim2-server"))' 2>/dev/null || true
}

if [ -x "$venv/bin/scim2-server" ] && [ "$(installed_version)" = "$scim_version" ]; then
  echo "scim2-server ${scim_version}: already in $venv"
  exit 0
fi

if [ ! -x "$venv/bin/python" ]; then
  echo "creating venv $venv"
  python3 -m venv "$venv"
fi
echo "installing scim2-server ${scim_version} into $venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check "${pins[@]}"
"$venv/bin/scim2-server" --help >/dev/null
echo "scim2-server $(installed_version): installed in $venv"
