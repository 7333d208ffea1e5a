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

# every benchmark, in this order; `make bench` stops at the first that fails
BENCHMARKS = run_all proofing_languages proofing_engines proofing_bench facts suggestions \
	bounds startup replies replies_bench audit brief_import

bench:
	for name in $(BENCHMARKS); do .venv/bin/python benchmarks/$$name.py || exit 1; done

clean:
	rm -rf .venv .pytest_cache .ruff_cache artifacts

bench-load:
	.venv/bin/python benchmarks/load.py --idle 50
