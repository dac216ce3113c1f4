# The front door: `make run` serves the demo site, `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
# Every package, pinned, in two lock files: `make run` installs what running the
# site needs (requirements.lock); `make test`, `make lint` and the site gates add
# the test and lint tools (requirements-dev.lock, the same pins plus those).
LOCK := requirements.lock
DEV_LOCK := requirements-dev.lock
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run serve test lint format install install-dev lock clean check-site check-tools

$(STAMP): $(LOCK)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r $(LOCK)
	touch $(STAMP)

$(DEV_STAMP): $(STAMP) $(DEV_LOCK)
	$(BIN)/python -m pip install --quiet -r $(DEV_LOCK)
	touch $(DEV_STAMP)

# After changing the dependencies in pyproject.toml: pin the whole tree again.
# The dev lock is compiled with the run lock as constraints, so both install
# the same version of every package they share.
lock: $(DEV_STAMP)
	$(BIN)/uv pip compile pyproject.toml --python-version 3.11 \
		--custom-compile-command "make lock" --quiet -o $(LOCK)
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 -c $(LOCK) \
		--custom-compile-command "make lock" --quiet -o $(DEV_LOCK)

install: $(STAMP)

install-dev: $(DEV_STAMP)

# Migrations run quietly (a few hundred lines of them would push the logins
# that load_demo and ensure_admin print off the screen): those come last,
# just before the server's own lines.
run: $(STAMP)
	@echo "Preparing the database (the first time takes a minute or two)..."
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(BIN)/python manage.py migrate --no-input --verbosity 0
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(BIN)/python manage.py load_demo --if-empty
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(BIN)/python manage.py ensure_admin --admin-url http://$(HOST):$(PORT)/admin/
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} DJANGO_DEV_SKIP_SECOND_FACTOR=$${DJANGO_DEV_SKIP_SECOND_FACTOR:-1} $(BIN)/python manage.py runserver $(HOST):$(PORT)

# The site as in production on one machine (needs DJANGO_SECRET_KEY and
# DJANGO_ALLOWED_HOSTS): gunicorn + one db_worker, debug off; see docs/deploy.md.
serve: $(STAMP)
	HOST=$(HOST) PORT=$(PORT) bash deploy/serve.sh

# Browser tests in a run of their own, after the rest: they commit for real
# (live server), and pytest-playwright's parametrising puts them among the
# other tests, whose data from migrations they would otherwise disturb.
test: $(DEV_STAMP)
	$(BIN)/python -m pytest -m "not browser" $(PYTEST_ARGS)
	$(BIN)/python -m pytest -m browser $(PYTEST_ARGS)

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/lint-imports

format: $(DEV_STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Site gates: tools outside the app venv, installed once into git-ignored folders.
TOOLS_STAMP := .tools/.installed
SCAN_STAMP := .venv-scan/.installed

$(TOOLS_STAMP):
	mkdir -p .tools
	test -f .tools/package.json || echo '{"private": true}' > .tools/package.json
	cd .tools && npm install --no-audit --no-fund --loglevel=error lighthouse@12 vnu-jar
	touch $(TOOLS_STAMP)

$(SCAN_STAMP): checks/wapiti.lock
	test -x .venv-scan/bin/python || $(PYTHON) -m venv .venv-scan
	.venv-scan/bin/python -m pip install --quiet -r checks/wapiti.lock
	touch $(SCAN_STAMP)

check-tools: $(TOOLS_STAMP) $(SCAN_STAMP)

# HTML, accessibility, Lighthouse, security scan, links and budgets on a throwaway
# demo site served production-like on loopback (see checks/README.md).
check-site: $(DEV_STAMP) check-tools
	$(BIN)/python -m checks.site_gate $(CHECK_SITE_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 media staticfiles reports .pytest_cache .ruff_cache

# The appointment form under load on PostgreSQL (as root; see bench/README.md).
.PHONY: bench
bench: $(DEV_STAMP)
	bash bench/run.sh $(BENCH_ARGS)
