# Guichet: the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
BIN := $(VENV)/bin
MODEL := models/guichet.tar.gz
# The NLU examples about procedures are generated from the catalogue's vocabulary (aliases,
# situations, questions, case words and phrasings); answers, FAQ, help and messages are read by
# the action server at run time, so editing only those needs no retraining.
CATALOGUE_NLU := data/nlu/catalogue.yml
VOCABULARY := $(wildcard data/knowledge/procedures/*.yml data/knowledge/local/*.yml) \
	data/knowledge/cases.yml data/knowledge/phrasings.yml
# Every file that changes what `rasa train` produces.
MODEL_INPUTS := config.yml domain.yml $(CATALOGUE_NLU) \
	$(shell find data -path data/knowledge -prune -o -type f -name '*.yml' -print 2>/dev/null)

# The interpreter: Python 3.11 by default (3.10 is past its end of life since October 2026),
# Python 3.10 as the fallback (`make PYTHON311= ...` forces it); `make PYTHON=/path/to/python`
# overrides. The first match of each version is used (pyenv shims may exist without the version
# being active).
find_python = $(shell for p in python$(1) $$HOME/.pyenv/versions/$(1).*/bin/python$(1) \
	/usr/local/bin/python$(1) /usr/bin/python$(1); do \
	"$$p" -c 'import sys; sys.exit("%d.%d" % sys.version_info[:2] != "$(1)")' 2>/dev/null \
	&& { "$$p" -c "import sys; print(sys.executable)"; break; }; done)
PYTHON311 := $(call find_python,3.11)
ifdef PYTHON
PYTHON_WHY := set with PYTHON=
else ifneq ($(PYTHON311),)
PYTHON := $(PYTHON311)
PYTHON_WHY := the default, supported until October 2027
else
PYTHON := $(call find_python,3.10)
PYTHON_WHY := fallback: $(if $(filter command line,$(origin PYTHON311)),3.11 turned off with PYTHON311=,no Python 3.11 found) (3.10 receives no security fixes since October 2026)
endif
PY_VERSION := $(if $(PYTHON),$(shell "$(PYTHON)" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null))
# One stamp per interpreter: switching interpreter recreates the venv (and so retrains).
STAMP := $(VENV)/.installed-python$(PY_VERSION)
# Rasa 3.6 declares Python < 3.11; on 3.11 it is installed past that declaration (see README,
# "Requirements"), and matplotlib 3.5 (Rasa pins < 3.6), which has no 3.11 wheel, is built from
# source against Debian's FreeType and Qhull (its own build would download them).
ifeq ($(PY_VERSION),3.11)
PIP_FLAGS := --ignore-requires-python
MPL_DEPS := mpl-deps
PIP_ENV := MPLSETUPCFG=$(CURDIR)/$(VENV)/mplsetup.cfg
endif

# Privacy by default for every command run through make (the venv also enforces it, see below).
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONWARNINGS := ignore::DeprecationWarning

.PHONY: help install train run test check lint lock lock-check clean python-info browser-deps nginx-deps mpl-deps

help:
	@echo "make run    install if needed, train if data changed, start the assistant"
	@echo "make test   install if needed, lint, validate data, run pytest and rasa test"
	@echo "make check  the quick loop: ruff, ruff format --check, mypy, the unit tests (no model)"

$(STAMP): pyproject.toml constraints.txt | $(MPL_DEPS)
	@case "$(PY_VERSION)" in 3.10|3.11) ;; *) echo "error: Python 3.11 or 3.10 is required" \
		"(found: $(or $(PYTHON),none))" >&2; exit 1;; esac
	@echo "Python $(PY_VERSION) ($(PYTHON)): $(PYTHON_WHY)"
	@if test -x $(BIN)/python && ! $(BIN)/python -c 'import sys; \
		sys.exit("%d.%d" % sys.version_info[:2] != "$(PY_VERSION)")'; then \
		echo "$(VENV) was made with another Python: recreating it with Python $(PY_VERSION)"; \
		rm -rf $(VENV); fi
	@test -x $(BIN)/python || "$(PYTHON)" -m venv $(VENV)
	@# matplotlib's build (when there is no wheel) links Debian's FreeType and Qhull.
	@printf '[libs]\nsystem_freetype = true\nsystem_qhull = true\n' > $(VENV)/mplsetup.cfg
	$(PIP_ENV) $(BIN)/python -m pip install --quiet --disable-pip-version-check $(PIP_FLAGS) \
		-c constraints.txt -e '.[dev]'
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

# Which interpreter and why, printed first by `make run` and `make test`.
python-info:
	@echo "Python $(or $(PY_VERSION),none) ($(or $(PYTHON),not found)): $(PYTHON_WHY)"

run: python-info $(MODEL)
	$(BIN)/guichet run

lint: $(STAMP)
	$(BIN)/ruff check .

# The developer's quick loop, under 2 minutes: no trained model, no server, no browser, no
# root (once installed), no apt-get. With pre-commit (.pre-commit-config.yaml), ruff and mypy
# run before each commit and the unit tests before each push.
check: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest -q -m unit

test: python-info $(MODEL) lint lock-check browser-deps nginx-deps
	$(BIN)/rasa data validate --fail-on-warnings
	@# Catalogue freshness and consistency: warns only, so CI never breaks on a calendar date.
	$(BIN)/guichet content check
	$(BIN)/pytest
	$(BIN)/rasa test core --stories tests/test_stories.yml --model $(MODEL) \
		--fail-on-prediction-errors --out var/results/core

# Headless Chromium (Debian's) and axe-core for the widget's browser tests; fast when present.
browser-deps:
	@test -x /usr/bin/chromium || { echo "Installing chromium (Debian) for the browser tests"; \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; }
	@test -f node_modules/axe-core/axe.min.js || npm ci --ignore-scripts

# Debian's FreeType and Qhull headers, for building matplotlib 3.5 on Python 3.11 (no wheel);
# only needed when that build has not been done yet.
mpl-deps:
	@test -f $(STAMP) || { dpkg -s libfreetype-dev libqhull-dev pkg-config >/dev/null 2>&1 || { \
		echo "Installing libfreetype-dev, libqhull-dev and pkg-config (Debian) to build" \
			"matplotlib 3.5.3 for Python 3.11, which has no wheel for it"; \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y libfreetype-dev libqhull-dev \
		pkg-config; }; }

# Debian's nginx (and openssl for its test certificate): the load balancer of the topology
# test and `guichet bench load`.
nginx-deps:
	@test -x /usr/sbin/nginx -a -x /usr/bin/openssl || { \
		echo "Installing nginx-light and openssl (Debian) for the topology test and bench load"; \
		apt-get update && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y nginx-light openssl; }

# Refresh the exact pins after changing pyproject.toml: one lock for both interpreters. It pins
# what this interpreter installs; the previous lock's pins that only the other interpreter
# installs (backports such as tomli below 3.11) are kept, with a marker excluding this one.
lock: $(STAMP)
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^guichet' > $(VENV)/freeze.txt
	{ echo "# Exact versions for a reproducible install (pip install -c constraints.txt), valid for"; \
	  echo "# Python 3.10 and 3.11. Regenerate with: make lock, then make lock PYTHON311= (on 3.10)."; \
	  { cat $(VENV)/freeze.txt; awk -F'[=;]' 'NR == FNR { seen[tolower($$1)] = 1; next } \
		/^[^#]/ && !seen[tolower($$1)]' $(VENV)/freeze.txt constraints.txt \
		| sed -E '/;/! s/$$/; python_version != "$(PY_VERSION)"/'; } | LC_ALL=C sort -f -t= -k1,1; } > $(VENV)/lock.txt
	mv $(VENV)/lock.txt constraints.txt

# The lock must stay valid for both interpreters: when the other one (3.10 or 3.11) is on this
# machine, pip resolves the lock for it without installing anything (a pin that needs a newer
# Python, say, fails here rather than on the fallback machine).
OTHER_PYTHON := $(if $(filter 3.11,$(PY_VERSION)),$(call find_python,3.10),$(PYTHON311))
OTHER_PIP_FLAGS := $(if $(filter 3.11,$(PY_VERSION)),,--ignore-requires-python)
lock-check: $(STAMP)
	@if test -n "$(OTHER_PYTHON)"; then \
		echo "Checking that constraints.txt also resolves for $(OTHER_PYTHON)"; \
		"$(OTHER_PYTHON)" -m pip install --dry-run --ignore-installed --quiet \
			--disable-pip-version-check $(OTHER_PIP_FLAGS) -c constraints.txt -e '.[dev]' \
			2>&1 | grep -v '^WARNING: Location' ; test "$${PIPESTATUS[0]}" = 0; \
	else echo "lock-check: no other interpreter on this machine, skipped"; fi

clean:
	rm -rf models var .pytest_cache .ruff_cache
