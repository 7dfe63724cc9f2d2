# The two commands of the README, and the set-up they share.
VENV   ?= .venv
PY     := $(VENV)/bin/python
PYTEST := $(PY) -m pytest
ARGS   ?=

.PHONY: setup regress reference test catalog approve review schema bench bench-peer soak clean

setup: $(VENV)/.installed
	@$(VENV)/bin/regress setup

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	@touch $@

## make regress [TARGET=NAME] [BASE_URL=...]: the regression suite; the demo site by default
## (pinned rules), a BASE_URL alone runs the live rules (target `live`)
regress: setup
	$(PYTEST) tests/regression $(if $(BASE_URL),--base-url $(BASE_URL)) $(if $(TARGET),--target $(TARGET)) $(ARGS)

## make reference TARGET=NAME [BASE_URL=...]: record a target's missing baselines and chrome reference
reference: setup
	$(VENV)/bin/regress reference $(if $(BASE_URL),--base-url $(BASE_URL)) $(if $(TARGET),--target $(TARGET)) $(ARGS)

## make test [WORKERS=2]: the project's own tests, which include the regression suite, on two xdist workers
## (--dist loadfile: the mutation catalog, one file, is one unit on one of them)
test: setup
	$(VENV)/bin/lint-imports
	$(PYTEST) tests -n $(or $(WORKERS),2) --dist loadfile $(ARGS)

## make catalog [MODES=pinned-day1,live-day1,live-day2]: the mutation catalog in every mode (make test runs pinned-day1)
catalog: setup
	REGRESS_CATALOG=$(or $(MODES),pinned-day1,live-day1,live-day2) $(PYTEST) tests/self/test_mutations.py $(ARGS)

## make approve [K=EXPR]: promote the last run's failed visual captures to baselines (K: a -k expression)
approve: $(VENV)/.installed
	$(VENV)/bin/regress approve $(if $(K),-k "$(K)")

## make review: approve and reject the last run's visual changes in the browser (127.0.0.1)
review: $(VENV)/.installed
	$(VENV)/bin/regress review

## make schema: write config/schema/*.schema.json, the JSON Schemas editors check the YAML files with
schema: $(VENV)/.installed
	$(VENV)/bin/regress schema

## make bench [ARGS=--repeat 3]: diff engine + suite figures (overhead, parallel speed-up, growth); on a quiet machine
bench: setup
	$(PY) benchmarks/run_all.py $(ARGS)

## make bench-peer [ARGS=--pairs 5]: the article's visual checks, ours vs Playwright Test (benchmarks/peer; needs npm); on a quiet machine
bench-peer: setup
	$(PY) benchmarks/bench_peer.py $(ARGS)

## make soak RUNS=20 [ARGS="-n 2"]: the full suite N times against the unchanged demo site
soak: setup
	$(PY) benchmarks/soak.py --runs $(or $(RUNS),20) $(if $(ARGS),-- $(ARGS))

clean:
	rm -rf $(VENV) reports test-results
