# Every target builds .venv from nothing when it is missing: a fresh machine needs only python3.11, pip and make.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint validate bench eval console clean fonts

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,dev]'
	-@$(MAKE) --no-print-directory fonts
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
	$(PY) -m bot validate
	$(PY) -m ruff check .
	$(VENV)/bin/lint-imports
	$(PY) -m pytest -q

bench: $(STAMP)
	$(PY) -m bench.run

# Answer quality on bench/questions' test half, against bm25s and the embedding model alone.
eval: $(STAMP)
	$(PY) -m bench.eval

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
