# The two commands of the README, and their parts.
.PHONY: run test venv venv-dev lint

venv:
	@scripts/bootstrap.sh

venv-dev:
	@scripts/bootstrap.sh --dev

# The main job on the embedded default (SQLite file in var/): replay the seed
# corpus through the pipeline, print its alerts, then show the ledger.
run: venv
	.venv/bin/claimwatch replay seeds
	.venv/bin/claimwatch timeline nk-troops

lint: venv-dev
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

# Lint, then the whole suite against SQLite and a real PostgreSQL server
# (installed from Debian's packages and started on 127.0.0.1 when absent).
test: lint
	@eval "$$(scripts/postgres.sh)" && .venv/bin/python -m pytest -q $(PYTEST_ARGS)
