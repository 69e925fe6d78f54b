#!/usr/bin/env bash
# The whole suite against SQLite and a real PostgreSQL server that lives as long as the run.
# Usage: scripts/test.sh [pytest arguments]   (e.g. -m "not topology" to skip the slow
# tests that start Prefect servers)
set -euo pipefail
cd "$(dirname "$0")/.."
eval "$(scripts/postgres.sh start)"
trap 'scripts/postgres.sh stop' EXIT
.venv/bin/python -m pytest -q "$@"
