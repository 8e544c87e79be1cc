# Guichet: the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
MODEL := models/guichet.tar.gz
# The NLU examples about procedures are generated from the catalogue's vocabulary (aliases,
# situations, questions, FAQ, case words and phrasings); answers, help and messages are read by
# the action server at run time, so editing only those needs no retraining.
CATALOGUE_NLU := data/nlu/catalogue.yml
VOCABULARY := $(wildcard data/knowledge/procedures/*.yml data/knowledge/local/*.yml) \
	data/knowledge/cases.yml data/knowledge/phrasings.yml
# Every file that changes what `rasa train` produces.
MODEL_INPUTS := config.yml domain.yml $(CATALOGUE_NLU) \
	$(shell find data -path data/knowledge -prune -o -type f -name '*.yml' -print 2>/dev/null)

# First Python 3.10 found (pyenv shims may exist without the version being active).
PYTHON310 ?= $(shell for p in python3.10 $$HOME/.pyenv/versions/3.10*/bin/python3.10 \
	/usr/local/bin/python3.10 /usr/bin/python3.10; do \
	"$$p" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' 2>/dev/null \
	&& { echo "$$p"; break; }; done)

# Privacy by default for every command run through make (the venv also enforces it, see below).
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONWARNINGS := ignore::DeprecationWarning

.PHONY: help install train run test lint lock clean browser-deps nginx-deps

help:
	@echo "make run    install if needed, train if data changed, start the assistant"
	@echo "make test   install if needed, lint, validate data, run pytest and rasa test"

$(STAMP): pyproject.toml constraints.txt
	@test -n "$(PYTHON310)" || { echo "error: Python 3.10 is required (python3.10 not found)" >&2; exit 1; }
	@test -x $(BIN)/python || $(PYTHON310) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	@# Every interpreter of this venv starts with telemetry off, even a bare `rasa train`.
	@echo 'import os; os.environ["RASA_TELEMETRY_ENABLED"] = "false"' \
		> "$$($(BIN)/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/guichet-privacy.pth"
	@touch $@

install: $(STAMP)

$(CATALOGUE_NLU): $(STAMP) $(VOCABULARY) actions/training_data.py actions/matcher.py
	$(BIN)/python -m actions.training_data

$(MODEL): $(STAMP) $(MODEL_INPUTS)
	$(BIN)/rasa train --fixed-model-name guichet --out models
	@touch $@

train: $(MODEL)

run: $(MODEL)
	$(BIN)/guichet run

lint: $(STAMP)
	$(BIN)/ruff check .

test: $(MODEL) lint browser-deps nginx-deps
	$(BIN)/rasa data validate --fail-on-warnings
	@# Catalogue freshness and consistency: warns only, so CI never breaks on a calendar date.
	$(BIN)/guichet content check
	$(BIN)/pytest
	$(BIN)/rasa test core --stories tests/test_stories.yml --model $(MODEL) \
		--fail-on-prediction-errors --out var/results/core

# Headless Chromium (Debian's) and axe-core for the widget's browser tests; fast when present.
browser-deps:
	@test -x /usr/bin/chromium || { apt-get update && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y chromium; }
	@test -f node_modules/axe-core/axe.min.js || npm ci --ignore-scripts

# Debian's nginx (and openssl for its test certificate): the load balancer of the topology
# test and `guichet bench load`.
nginx-deps:
	@test -x /usr/sbin/nginx -a -x /usr/bin/openssl || { apt-get update && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y nginx-light openssl; }

# Refresh the exact pins after changing pyproject.toml.
lock: $(STAMP)
	{ echo "# Exact versions for a reproducible install (pip install -c constraints.txt)."; \
	  echo "# Regenerate with: make lock"; \
	  $(BIN)/python -m pip freeze --exclude-editable | grep -v '^guichet'; } > constraints.txt

clean:
	rm -rf models var .pytest_cache .ruff_cache
