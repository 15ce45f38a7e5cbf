#!/usr/bin/env bash
# Build the wheel, install it into a clean virtualenv outside the checkout, and use it as a
# user would from an unrelated folder (one holding its own model.py): sovsim list, run, a
# small sweep, results, export, and sovsim app rendered offline in headless Chromium; then,
# with the viz extra in a second clean venv, Mesa's SolaraViz showing the model offline.
# Part of scripts/test.sh; about a minute. Usage: scripts/wheel_check.sh
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
venv=${SOVSIM_VENV:-$repo/.venv}  # the checkout's test environment (uv, playwright)
uv=$venv/bin/uv
work=$(mktemp -d /tmp/sovsim-wheel.XXXXXX)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
# Let the first import of each module write its bytecode (this machine kind exports
# PYTHONDONTWRITEBYTECODE=1, which makes every command recompile its imports); compiling
# the whole environment at install time costs more than the commands below.
unset PYTHONDONTWRITEBYTECODE
step() { echo "wheel_check: [${SECONDS}s] $*"; }

step "building the wheel"
"$uv" build -q --wheel -o "$work/dist" "$repo"
wheel=$(ls "$work"/dist/sovsim-*.whl)
base=$("$venv/bin/python" -c 'import sys; print(sys._base_executable)')
"$uv" venv -q -p "$base" "$work/venv"
"$uv" pip install -q --python "$work/venv/bin/python" "$wheel"

# The wheel installs one top-level package: nothing called model, experiments, ui or app.
top=$(cd "$work/venv/lib"/python3*/site-packages && ls -d */ *.py 2>/dev/null \
      | grep -xE '(model|experiments|ui|app)(/|\.py)' || true)
[ -z "$top" ] || { echo "wheel_check: the wheel installs top-level $top" >&2; exit 1; }

mkdir "$work/user" && cd "$work/user"
# A user's own model.py must not shadow sovsim's (it would stop everything below).
echo 'raise SystemExit("wheel_check: the user model.py was imported instead of sovsim")' \
  > model.py
sovsim=$work/venv/bin/sovsim
export SOVSIM_NO_COLOR=1 PYTHONWARNINGS=error::DeprecationWarning:sovsim
step "$("$sovsim" --version)"
"$sovsim" list >/dev/null; step "listed"
"$work/venv/bin/python" -c 'from sovsim.model import SovereigntyModel, run; \
r = run(steps=4); print("wheel_check: python API:", type(r).__name__)'
"$sovsim" run baseline --steps 4 >/dev/null; step "ran"
cat > tiny.yaml <<'YAML'
name: tiny
scenarios: [baseline, possession]
design:
  method: full_factorial
  factors:
    base_markup: {values: [0.1, 0.3]}
replications: 1
seed: 7
horizon: 4
keep: {level: final}
YAML
"$sovsim" sweep tiny.yaml --db tiny.db --workers 1 --no-progress
"$sovsim" results tiny --db tiny.db >/dev/null
"$sovsim" export tiny --db tiny.db --format parquet >/dev/null; step "swept"

step "sovsim app from the wheel, front-end files vendored, page drawn offline"
"$sovsim" app --vendor-assets >/dev/null
step "vendored"
port=$("$work/venv/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# Any front-end file not vendored would be fetched from this closed port, and fail.
SOLARA_ASSETS_CDN=http://127.0.0.1:9/ "$sovsim" app --port "$port" >"$work/app.log" 2>&1 &
server_pid=$!
for _ in $(seq 150); do
  curl -sf -o /dev/null "http://127.0.0.1:$port/" && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/app.log" >&2; exit 1; }
  sleep 0.2
done
step "serving"; "$venv/bin/python" "$repo/scripts/render_check.py" "http://127.0.0.1:$port/"
kill -TERM "$server_pid"; wait "$server_pid" || true; server_pid=""
if grep -qiE "traceback|samesite" "$work/app.log"; then
  cat "$work/app.log" >&2; exit 1
fi

step "Mesa's SolaraViz (sovsim[viz], sovsim.examples.solaraviz_app) drawn offline, then Step, then Reset (Mesa passes scenario=)"
"$uv" venv -q -p "$base" "$work/viz"
"$uv" pip install -q --python "$work/viz/bin/python" "sovsim[viz] @ $wheel"
"$work/viz/bin/sovsim" app --vendor-assets >/dev/null
SOLARA_ASSETS_CDN=http://127.0.0.1:9/ SOLARA_TELEMETRY_MIXPANEL_ENABLE=False \
  "$work/viz/bin/python" -m solara run sovsim.examples.solaraviz_app --host 127.0.0.1 \
  --port "$port" --production --no-open >"$work/viz.log" 2>&1 &
server_pid=$!
for _ in $(seq 300); do
  curl -sf -o /dev/null "http://127.0.0.1:$port/" && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/viz.log" >&2; exit 1; }
  sleep 0.2
done
"$venv/bin/python" "$repo/scripts/render_check.py" "http://127.0.0.1:$port/" \
  --selector ".vue-grid-layout img" --click Step --expect "Time: 1.0" \
  --click Reset --expect "Time: 0.0"
kill -TERM "$server_pid"; wait "$server_pid" || true; server_pid=""
if grep -qi "traceback" "$work/viz.log"; then cat "$work/viz.log" >&2; exit 1; fi
step "ok"
