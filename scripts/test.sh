#!/usr/bin/env bash
# Install everything the tests need (Python packages, PostgreSQL, Chromium), start PostgreSQL,
# and run the whole test suite. This is the README's test command and what CI runs.
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONHASHSEED=0

need_apt=()
ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || need_apt+=(postgresql)
[ -x /usr/bin/chromium ] || need_apt+=(chromium chromium-driver fonts-liberation)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "installing ${need_apt[*]} from Debian packages"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${need_apt[@]}" >/dev/null
fi

scripts/setup.sh --test

# A throwaway PostgreSQL server for the storage tests, stopped on exit.
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
pgdir=$(mktemp -d /tmp/sovsim-pg.XXXXXX)
chown postgres "$pgdir" && chmod 700 "$pgdir"
pgport=$(.venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
runuser -u postgres -- "$pgbin/initdb" -D "$pgdir" -A trust -U postgres >/dev/null
runuser -u postgres -- "$pgbin/pg_ctl" -D "$pgdir" -l "$pgdir/log" -w -o \
  "-c listen_addresses=127.0.0.1 -p $pgport -c unix_socket_directories=$pgdir -c fsync=off" \
  start >/dev/null
trap 'runuser -u postgres -- "$pgbin/pg_ctl" -D "$pgdir" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$pgdir"' EXIT
runuser -u postgres -- "$pgbin/createdb" -h 127.0.0.1 -p "$pgport" -U postgres sovsim_test
export SOVSIM_TEST_POSTGRES_URL="postgresql+psycopg://postgres@127.0.0.1:$pgport/sovsim_test"

.venv/bin/ruff check .
.venv/bin/python -m pytest "$@"
# The whole run (no arguments, as CI does it): the wheel as a user gets it, in a clean
# virtualenv outside the checkout (list, run, a sweep, the UI drawn offline in Chromium).
if [ $# -eq 0 ]; then
  scripts/wheel_check.sh
fi
