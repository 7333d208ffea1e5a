# The two commands of the README: `make run` (set up, start the review UI) and `make test`
# (set up with test tools, run the whole suite). Both are idempotent.
PY ?= python3.11

.PHONY: run run-team test setup setup-test lint bench bench-load clean

run: setup
	.venv/bin/python app.py

# team mode on loopback: a throw-away PostgreSQL, two replicas, haproxy (docs/deployment.md)
run-team: setup-test
	bash scripts/team.sh

test: setup-test
	.venv/bin/python -m pytest -q

setup:
	bash scripts/setup.sh

setup-test:
	bash scripts/setup.sh --test

lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check .

bench:
	.venv/bin/python benchmarks/run_all.py
	.venv/bin/python benchmarks/proofing_languages.py
	.venv/bin/python benchmarks/proofing_engines.py
	.venv/bin/python benchmarks/proofing_bench.py
	.venv/bin/python benchmarks/facts.py
	.venv/bin/python benchmarks/suggestions.py
	.venv/bin/python benchmarks/bounds.py
	.venv/bin/python benchmarks/startup.py
	.venv/bin/python benchmarks/replies.py
	.venv/bin/python benchmarks/replies_bench.py
	.venv/bin/python benchmarks/audit.py
	.venv/bin/python benchmarks/brief_import.py

clean:
	rm -rf .venv .pytest_cache .ruff_cache artifacts

bench-load:
	.venv/bin/python benchmarks/load.py --idle 50
