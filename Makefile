# The two commands: `make run` and `make test`. Both build .venv from pyproject.toml on first use.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# The suite runs on every core (pytest-xdist), the long browser journeys shared out as workers
# fall idle (worksteal); TEST_WORKERS=0 runs it in one process.
TEST_WORKERS ?= auto
BOOTSTRAP_VERSION := 5.3.9
CHARTJS_VERSION := 4.6.1

.PHONY: run test lint vendor clean messages backup restore serve bench

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "SRO Portal needs Python 3.11 or newer (try PYTHON=python3.11)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

run: $(VENV)/.installed
	mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py runserver 127.0.0.1:8000

test: $(VENV)/.installed-dev
	$(PY) -m pytest -n $(TEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

# Benchmarks on PostgreSQL at 1% and full state scale (bench/README.md): DATABASE_URL names the
# full-scale database (default postgres://postgres@127.0.0.1:5432/sro_bench), the 1% one is the
# same name + _1pct; both are generated on the first run and kept. BENCH_ARGS=--force regenerates.
$(VENV)/.installed-bench: $(VENV)/.installed-dev
	$(PY) -m pip install --quiet -e '.[dev,bench]'
	touch $@

bench: $(VENV)/.installed-bench
	$(PY) bench/run.py $(BENCH_ARGS)

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .

# Refresh the vendored front-end files from the npm registry (no CDN is used at run time).
vendor:
	cd $$(mktemp -d) && npm pack --silent bootstrap@$(BOOTSTRAP_VERSION) && tar xzf bootstrap-*.tgz && \
		cp package/dist/css/bootstrap.min.css package/dist/css/bootstrap.min.css.map \
		   package/dist/js/bootstrap.bundle.min.js package/dist/js/bootstrap.bundle.min.js.map \
		   package/LICENSE $(CURDIR)/static/vendor/bootstrap/
	cd $$(mktemp -d) && npm pack --silent chart.js@$(CHARTJS_VERSION) && tar xzf chart.js-*.tgz && \
		cp package/dist/chart.umd.min.js package/dist/chart.umd.min.js.map package/LICENSE.md \
		   $(CURDIR)/static/vendor/chartjs/

clean:
	rm -rf $(VENV) var/staticfiles

# After changing translatable text: extract it, translate locale/es, then compile (the .mo is
# committed, so running the portal needs no gettext tools).
messages: $(VENV)/.installed
	$(PY) manage.py makemessages -l es --ignore=.venv --ignore=var --ignore=static
	$(PY) manage.py compilemessages --ignore=.venv

# The database and the uploaded files, in one archive under var/backups/ (README "Backups").
backup: $(VENV)/.installed
	$(PY) manage.py backup

# Into an empty database: make restore BACKUP=var/backups/sro-portal-<time>.tar
restore: $(VENV)/.installed
	@test -n "$(BACKUP)" || { echo "Name the archive: make restore BACKUP=var/backups/sro-portal-<time>.tar"; exit 1; }
	$(PY) manage.py restore "$(BACKUP)"

# Production settings under gunicorn, static files by WhiteNoise, on loopback behind the HTTPS
# proxy that faces the network (README "Serving").
SERVE_BIND ?= 127.0.0.1:8000
SERVE_WORKERS ?= 3
PRODUCTION := DJANGO_SETTINGS_MODULE=sro_portal.settings.production
serve: $(VENV)/.installed
	@for var in DATABASE_URL DJANGO_SECRET_KEY DJANGO_ALLOWED_HOSTS DJANGO_SITE_URL; do \
		if [ -z "$$(printenv $$var)" ] && ! grep -qs "^$$var=." .env; then \
			echo "make serve runs the production settings: set $$var in the environment or .env (README, Serving)"; \
			exit 1; \
		fi; \
	done
	mkdir -p var
	$(PRODUCTION) $(PY) manage.py collectstatic --noinput --verbosity 0
	$(PRODUCTION) $(VENV)/bin/gunicorn sro_portal.wsgi --bind $(SERVE_BIND) --workers $(SERVE_WORKERS) \
		--access-logfile - --forwarded-allow-ips 127.0.0.1
