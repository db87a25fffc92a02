# Every target builds .venv from nothing when it is missing: a fresh machine needs only python3.11, pip and make.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint validate bench eval console clean fonts postgres-server redis servers cluster

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,dev]'
	-@$(MAKE) --no-print-directory fonts
	-@$(MAKE) --no-print-directory postgres-server
	-@$(MAKE) --no-print-directory redis
	touch $(STAMP)

# Pictures draw Chinese names with a font that has Han glyphs. When none is found,
# install one from Debian packages if we may (root, apt-get); this never fails the
# build: without a font the pictures still draw, with boxes for Han characters.
CJK_PACKAGE ?= fonts-wqy-microhei
APT_INSTALL := DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(CJK_PACKAGE)
fonts:
	@if font=$$($(PY) -m bot.output.pictures.fonts 2>/dev/null); then \
	  echo "CJK font for pictures: $$font"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "No CJK font: installing $(CJK_PACKAGE) so pictures show Chinese names"; \
	  { $(APT_INSTALL) >/dev/null 2>&1 || { apt-get update -qq >/dev/null 2>&1 && $(APT_INSTALL) >/dev/null 2>&1; }; } \
	    && echo "Installed $(CJK_PACKAGE)." \
	    || echo "Could not install $(CJK_PACKAGE): pictures will show Chinese names as boxes."; \
	else \
	  echo "No CJK font: pictures will show Chinese names as boxes (install $(CJK_PACKAGE) or fonts-noto-cjk)."; \
	fi; true

# postgres: the query-log tests start a real PostgreSQL (tests/servers/postgres.py) from
# Debian's binaries in /usr/lib/postgresql/N/bin. When there are none, install the
# `postgresql` package if we may (root, apt-get); this never fails the build: without it
# those tests are skipped and say why. The package's own cluster is not needed: stop it.
PG_PACKAGE ?= postgresql
PG_INSTALL := DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(PG_PACKAGE)
postgres-server:
	@if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
	  echo "PostgreSQL for the tests: $$(ls -d /usr/lib/postgresql/*/bin | tail -1)"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "No PostgreSQL: installing $(PG_PACKAGE) for the query-log tests"; \
	  { $(PG_INSTALL) >/dev/null 2>&1 || { apt-get update -qq >/dev/null 2>&1 && $(PG_INSTALL) >/dev/null 2>&1; }; } \
	    && { service postgresql stop >/dev/null 2>&1; echo "Installed $(PG_PACKAGE)."; } \
	    || echo "Could not install $(PG_PACKAGE): the PostgreSQL tests will be skipped."; \
	else \
	  echo "No PostgreSQL (and not root): the PostgreSQL tests will be skipped (apt-get install $(PG_PACKAGE))."; \
	fi; true

# redis: the fleet tests start a real redis-server (tests/servers/redis.py) on a free
# loopback port in a temporary directory. When there is none, install Debian's
# `redis-server` package if we may (root, apt-get); this never fails the build: without it
# those tests are skipped and say why. The package's own service is not needed: stop it.
REDIS_PACKAGE ?= redis-server
REDIS_INSTALL := DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(REDIS_PACKAGE)
redis:
	@if server=$$(command -v redis-server || ls /usr/bin/redis-server 2>/dev/null); then \
	  echo "redis-server for the fleet tests: $$server"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "No redis-server: installing $(REDIS_PACKAGE) for the fleet tests"; \
	  { $(REDIS_INSTALL) >/dev/null 2>&1 || { apt-get update -qq >/dev/null 2>&1 && $(REDIS_INSTALL) >/dev/null 2>&1; }; } \
	    && { service redis-server stop >/dev/null 2>&1; echo "Installed $(REDIS_PACKAGE)."; } \
	    || echo "Could not install $(REDIS_PACKAGE): the Redis tests will be skipped."; \
	else \
	  echo "No redis-server (and not root): the Redis tests will be skipped (apt-get install $(REDIS_PACKAGE))."; \
	fi; true

# Every server some tests start for real; `make test` checks them each time, so one
# removed since the venv was built is installed again. Add a server here.
servers: postgres-server redis

run: $(STAMP)
	$(PY) -m bot start

console: $(STAMP)
	$(PY) -m bot console

validate: $(STAMP)
	$(PY) -m bot validate

lint: $(STAMP)
	$(PY) -m ruff check .
	$(VENV)/bin/lint-imports

test: $(STAMP)
	-@$(MAKE) --no-print-directory servers
	$(PY) -m bot validate
	$(PY) -m ruff check .
	$(VENV)/bin/lint-imports
	$(PY) -m pytest -q

bench: $(STAMP)
	$(PY) -m bench.run

# Answer quality on bench/questions' test half, against bm25s and the embedding model alone.
eval: $(STAMP)
	$(PY) -m bench.eval

# PROCESSES local bot processes on disjoint shards and one Redis: make cluster PROCESSES=3
PROCESSES ?= 2
cluster: $(STAMP)
	$(PY) -m bot cluster --processes $(PROCESSES)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
