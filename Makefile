# The two commands a fresh machine needs (both set the machine up first, idempotently):
#   make demo   -- the main job on the embedded defaults (local sandbox)
#   make test   -- the whole test suite (what CI runs)
.PHONY: setup demo test check bench

setup:
	@bash scripts/setup.sh

demo: setup
	.venv/bin/sstar test tests/reference_solutions/cf_fox_cheese.py problems/cf_fox_cheese.json --tests all

test: setup
	.venv/bin/python -m pytest -q

check: setup
	.venv/bin/sstar sandbox check

bench: setup
	.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[bench]'
	.venv/bin/python -m pip install -q --disable-pip-version-check --no-deps nvidia-livecodebench
	.venv/bin/python benchmarks/execution.py
