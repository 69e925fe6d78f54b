#!/usr/bin/env bash
# The whole suite against SQLite and a real PostgreSQL server that lives as long as the run.
# Usage: scripts/test.sh [pytest arguments]   (e.g. -m "not topology" to skip the slow
# tests that start Prefect servers)
set -euo pipefail
cd "$(dirname "$0")/.."
eval "$(scripts/postgres.sh start)"
trap 'scripts/postgres.sh stop' EXIT
# two workers (pytest-xdist), one per core: most of the suite's time is CLI subprocesses and
# servers, which the two cores run side by side (CLAIMWATCH_TEST_WORKERS=0: one process)
.venv/bin/python -m pytest -q -n "${CLAIMWATCH_TEST_WORKERS:-2}" "$@"
