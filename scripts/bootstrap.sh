#!/usr/bin/env bash
# Installs what `make up` and `make test` need on a fresh Debian or Ubuntu machine,
# and nothing that is already there: system programs from apt, Python packages in
# .venv from the pinned requirement files. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

want_browser=0
[ "${1:-}" = "--test" ] && want_browser=1

need_apt=()
command -v haproxy >/dev/null 2>&1 || need_apt+=(haproxy)
command -v redis-server >/dev/null 2>&1 || need_apt+=(redis-server)
# The venv module is a separate package on Debian.
if ! command -v python3 >/dev/null 2>&1; then
  need_apt+=(python3 python3-venv)
elif ! python3 -c "import ensurepip, venv" >/dev/null 2>&1; then
  need_apt+=(python3-venv)
fi
if [ "$want_browser" = 1 ] && ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then
  need_apt+=(chromium)
fi

if [ ${#need_apt[@]} -gt 0 ]; then
  echo "installing system packages: ${need_apt[*]}"
  sudo=""
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "need root or sudo to install: ${need_apt[*]}" >&2; exit 1; }
    sudo="sudo"
  fi
  $sudo apt-get update -qq
  # Debian's browser package is `chromium`; Ubuntu only has `chromium-browser`.
  if [[ " ${need_apt[*]} " == *" chromium "* ]] && ! apt-cache policy chromium | grep -q 'Candidate: [0-9]'; then
    need_apt=("${need_apt[@]/#chromium/chromium-browser}")
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

if ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "Motus needs Python 3.11 or newer; this machine has $(python3 --version 2>&1)." >&2
  echo "On Debian 12 or Ubuntu 24.04 the system python3 is recent enough." >&2
  exit 1
fi

reqs=requirements.txt
[ "$want_browser" = 1 ] && reqs=requirements-dev.txt
stamp=.venv/.installed-$(cat pyproject.toml "$reqs" | sha256sum | cut -c1-16)
if [ ! -f "$stamp" ]; then
  echo "installing Python packages into .venv ($reqs)"
  [ -x .venv/bin/python ] || python3 -m venv .venv
  .venv/bin/python -m pip install -q --disable-pip-version-check -r "$reqs"
  .venv/bin/python -m pip install -q --disable-pip-version-check --no-deps -e .
  rm -f .venv/.installed-*
  touch "$stamp"
fi
