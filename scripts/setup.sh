#!/usr/bin/env bash
# Create .venv with Python >= 3.12 and install sovsim (editable). Usage:
#   scripts/setup.sh           # the package and its runtime dependencies
#   scripts/setup.sh --test    # plus the test and research extras (CI: discovery is tested)
set -euo pipefail
cd "$(dirname "$0")/.."
extra=""
[ "${1:-}" = "--test" ] && extra="[test,research]"

find_python() {
  # `python` honours .python-version under pyenv; then any python3.x >= 3.12 that runs.
  local candidate v
  for candidate in python python3 python3.13 python3.12; do
    if "$candidate" -c 'import sys; assert sys.version_info >= (3, 12)' >/dev/null 2>&1; then
      echo "$candidate"; return
    fi
  done
  if command -v pyenv >/dev/null 2>&1; then
    for v in $(pyenv versions --bare | grep -E '^3\.1[2-9]' | sort -rV); do
      echo "$(pyenv root)/versions/$v/bin/python"; return
    done
  fi
  echo "sovsim needs Python >= 3.12 (Mesa 3.4+); install it or pyenv 3.12" >&2
  exit 2
}

if [ ! -x .venv/bin/python ]; then
  "$(find_python)" -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check uv
UV_COMPILE_BYTECODE=1 .venv/bin/uv pip install -q --python .venv/bin/python -e ".${extra}"
# The workshop UI's front-end files, so it works with no internet (fetched once, ~6 s).
.venv/bin/python scripts/vendor_solara_assets.py --check >/dev/null 2>&1 \
  || .venv/bin/python scripts/vendor_solara_assets.py
echo "sovsim installed in .venv ($(.venv/bin/python --version))"
