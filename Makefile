# The two commands of the README, and their parts.
.PHONY: run demo test venv venv-dev lint

venv:
	@scripts/bootstrap.sh

venv-dev:
	@scripts/bootstrap.sh --dev

# The main job on the embedded default: the scheduled service on the SQLite file
# var/claimwatch.db and a local Prefect server (dashboard on http://127.0.0.1:4200),
# with the example feeds of config/feeds.yaml and a first pass right away.
run: venv
	.venv/bin/claimwatch serve --config config --now

# The seed corpus through the pipeline (no network): its alerts, the ledger, and a chart
# of the sides' positions over time (its path is printed last).
demo: venv
	.venv/bin/claimwatch replay seeds
	.venv/bin/claimwatch timeline nk-troops
	.venv/bin/claimwatch timeline nk-troops --chart var/nk-troops.png

lint: venv-dev
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

# Lint, then the whole suite against SQLite and a real PostgreSQL server (installed from
# Debian's packages when absent, started on a free port of 127.0.0.1 for this run and
# stopped after it). `make test PYTEST_ARGS='-m "not topology"'` skips the slowest tests.
test: lint
	@scripts/test.sh $(PYTEST_ARGS)
