#!/usr/bin/env bash
# Set up handouts on a fresh Debian/Ubuntu machine and build the default handouts into ./out.
#   bash setup.sh
# Installs the system libraries WeasyPrint and PyICU need (with apt-get, as root
# or through sudo), makes a virtual environment in .venv, installs handouts
# with its test tools, then runs `handouts build`.
set -euo pipefail
cd "$(dirname "$0")"

PACKAGES=(
  python3-venv python3-dev pkg-config g++
  libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libfontconfig1
  libicu-dev
  gettext
  chromium
)
if command -v apt-get >/dev/null; then
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
  missing=()
  for package in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "Installing system packages: ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
else
  echo "No apt-get here: install Pango (>= 1.44), HarfBuzz with its subset library, and ICU headers yourself." >&2
fi

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[test]'
# Caddy's binary, only for the tests to validate deploy/Caddyfile with Caddy itself. Taken out of
# Debian's package, not installed: installing the package would start a web server on port 80.
if [ ! -x .venv/tools/caddy ] && command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null; then
  fetch="$(mktemp -d)"
  if (cd "$fetch" && apt-get download -qq caddy >/dev/null 2>&1) && dpkg-deb -x "$fetch"/caddy_*.deb "$fetch/x"; then
    install -D -m 755 "$fetch/x/usr/bin/caddy" .venv/tools/caddy
  else
    echo "Could not fetch Caddy from Debian: the test of deploy/Caddyfile will be skipped." >&2
  fi
  rm -rf "$fetch"
fi
# An editable install leaves our own modules uncompiled: compile them now, so every
# command and every worker it starts skips that (about 0.2 s each; Python still
# recompiles a module whose source changed since).
.venv/bin/python -m compileall -q handouts

if .venv/bin/handouts build --out out; then
  echo "Done. Open the PDFs in ./out (one folder per language); ./out/manifest.json lists them."
else
  # Installed, but some handouts were refused (the lines above say which and why: for
  # example a statement of law past its review date, which someone must re-check first).
  echo "Set up, but not every handout was built: read the messages above. The others are in ./out." >&2
fi
