#!/usr/bin/env bash
# Build .venv/ at the repo root from uv.lock (reproducible). Usage: scripts/bootstrap.sh [--dev]
set -euo pipefail
cd "$(dirname "$0")/.."
UV_VERSION=0.13.8
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
if ! .venv/bin/python -m uv --version 2>/dev/null | grep -q "uv $UV_VERSION"; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check "uv==$UV_VERSION"
fi
groups=(--no-dev)
[ "${1:-}" = "--dev" ] && groups=()
# --inexact keeps uv itself in the environment it manages
UV_PYTHON_DOWNLOADS=never .venv/bin/python -m uv sync --frozen --inexact --quiet "${groups[@]}"
