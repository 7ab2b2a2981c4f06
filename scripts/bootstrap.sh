#!/usr/bin/env bash
# Installs what `make up` and `make test` need on a fresh Debian or Ubuntu machine,
# and nothing that is already there: system programs from apt, Python packages in
# .venv from the pinned requirement files. Safe to run again.
#
#   scripts/bootstrap.sh                the stack: haproxy, redis-server, Python packages
#   scripts/bootstrap.sh --monitoring   also Prometheus and the Redis exporter (make up-monitoring)
#   scripts/bootstrap.sh --test         everything the tests need: the above, Chromium, the test tools
#   scripts/bootstrap.sh --bench        also wrk, the load generator of `make bench`
#   scripts/bootstrap.sh --compose      also what the compose tests run on (tests/compose/):
#                                       Debian's docker.io and debootstrap, and Docker
#                                       Compose v2 pinned by hash (requirements-compose.txt)
#   --compose-if-root                   the same when root or passwordless sudo is at hand,
#                                       else one line saying the compose tests will skip
#                                       (what `make test` uses)
#   --system-only                       stop after the apt packages (tests/unit/test_bootstrap.py
#                                       runs the decisions against stub apt-get/apt-cache)
set -euo pipefail
cd "$(dirname "$0")/.."

want_browser=0
want_monitoring=0
want_bench=0
want_compose=0
system_only=0
for arg in "$@"; do
  case "$arg" in
    --test) want_browser=1; want_monitoring=1 ;;
    --monitoring) want_monitoring=1 ;;
    --bench) want_bench=1 ;;
    --compose) want_compose=1 ;;
    --compose-if-root) want_compose=auto ;;
    --system-only) system_only=1 ;;
    *) echo "bootstrap: unknown option $arg (expected --test, --monitoring, --bench, --compose," \
            "--compose-if-root or --system-only)" >&2; exit 2 ;;
  esac
done

have() { command -v "$1" >/dev/null 2>&1; }

if [ "$want_compose" = auto ]; then
  # Containers need an engine, and starting one (or installing it) needs root.
  if [ "$(id -u)" = 0 ] || { have sudo && sudo -n true >/dev/null 2>&1; }; then
    want_compose=1
  else
    want_compose=0
    echo "bootstrap: not root and no passwordless sudo: the compose tests (tests/compose/) will be skipped"
  fi
fi

need_apt=()
have haproxy || need_apt+=(haproxy)
have redis-server || need_apt+=(redis-server)
# The venv module is a separate package on Debian.
if ! have python3; then
  need_apt+=(python3 python3-venv)
elif ! python3 -c "import ensurepip, venv" >/dev/null 2>&1; then
  need_apt+=(python3-venv)
fi
if [ "$want_browser" = 1 ] && ! have chromium && ! have chromium-browser; then
  need_apt+=(chromium)
fi
if [ "$want_monitoring" = 1 ]; then
  # promtool comes with Debian's prometheus package; upstream's exporter binary is redis_exporter.
  { have prometheus && have promtool; } || need_apt+=(prometheus)
  have prometheus-redis-exporter || have redis_exporter || need_apt+=(prometheus-redis-exporter)
fi
if [ "$want_bench" = 1 ]; then
  have wrk || need_apt+=(wrk)
fi
if [ "$want_compose" = 1 ]; then
  # The engine (dockerd, with its docker client) and the builder of the stand-in
  # images' Debian base (tests/compose/images.py).
  have dockerd || need_apt+=(docker.io)
  have debootstrap || need_apt+=(debootstrap)
fi

if [ ${#need_apt[@]} -gt 0 ]; then
  echo "installing system packages: ${need_apt[*]}"
  sudo=""
  if [ "$(id -u)" != 0 ]; then
    have sudo || { echo "need root or sudo to install: ${need_apt[*]}" >&2; exit 1; }
    sudo="sudo"
  fi
  $sudo apt-get update -qq
  # Debian's browser package is `chromium`; Ubuntu only has `chromium-browser`.
  # The policy is read whole before it is searched: piped straight into a quiet grep
  # under pipefail, grep stops at its first match, apt-cache dies writing the rest
  # (SIGPIPE, status 141) and the test reads "no candidate" on Debian.
  if [[ " ${need_apt[*]} " == *" chromium "* ]]; then
    policy=$(apt-cache policy chromium 2>/dev/null || true)
    if ! grep -q 'Candidate: [0-9]' <<<"$policy"; then
      need_apt=("${need_apt[@]/#chromium/chromium-browser}")
    fi
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

[ "$system_only" = 1 ] && exit 0

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
if [ "$want_compose" = 1 ]; then
  compose_stamp=.venv/.compose-$(sha256sum requirements-compose.txt | cut -c1-16)
  if [ ! -f "$compose_stamp" ]; then
    echo "installing Docker Compose v2 into .venv (requirements-compose.txt)"
    .venv/bin/python -m pip install -q --disable-pip-version-check --require-hashes -r requirements-compose.txt
    rm -f .venv/.compose-*
    touch "$compose_stamp"
  fi
fi
