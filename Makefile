# KoKo-Handbuch. Two commands on a fresh Debian machine with Python 3.11:
#   make build   – venv, pinned dependencies, content check, site with all PDFs into site/
#   make test    – everything the tests need (Chromium, axe-core, Java), then the whole test suite
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# Fonts the PDFs fall back to (DejaVu for Greek, Cyrillic, Hebrew, Arabic; Noto Color Emoji for emoji);
# ICU headers, pkg-config and a C++ compiler to build PyICU (the anonymisation gate's TR39 confusables).
BUILD_APT := fonts-dejavu-core fonts-noto-color-emoji libicu-dev pkg-config g++
TEST_APT := chromium poppler-utils default-jre-headless

.PHONY: build test serve check bench lock build-deps test-deps clean

# Bytecode of the project's own modules, written explicitly: pip does this for every installed package, but this
# project runs from its folder, and where PYTHONDONTWRITEBYTECODE is set (sandboxes, some CI images) every process
# would compile handbook/ again (about 0.06 s each, in the build, its worker and every test subprocess).
COMPILE = $(PY) -m compileall -q handbook macros.py build_pdf.py > /dev/null

$(STAMP): requirements.txt | build-deps
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip==26.3
	$(PY) -m pip install --quiet --require-hashes --no-deps -r requirements.txt
	touch $(STAMP)

# No install scripts: puppeteer (under pa11y) would download its own browser; the tests use Debian's Chromium.
node_modules/.installed: package.json package-lock.json
	PUPPETEER_SKIP_DOWNLOAD=1 npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

# Debian packages, installed only where missing: fonts for the PDFs (build), browser, PDF tools and Java (tests).
define apt_install
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installiere Systempakete:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi
endef

build-deps:
	$(call apt_install,$(BUILD_APT))

test-deps: build-deps
	$(call apt_install,$(TEST_APT))

check: $(STAMP)
	$(COMPILE)
	$(PY) -m handbook check

build: $(STAMP) node_modules/.installed build-deps
	$(COMPILE)
	$(PY) -m handbook build

test: $(STAMP) node_modules/.installed test-deps
	$(COMPILE)
	$(PY) -m pytest

# The preview: quiet and German (handbook/preview.py); a content error keeps the last good site and shows the error.
serve: $(STAMP) node_modules/.installed
	$(COMPILE)
	KOKO_SERVE=1 NO_MKDOCS_2_WARNING=1 $(PY) -m mkdocs serve --livereload

bench: $(STAMP) node_modules/.installed
	$(COMPILE)
	$(PY) -m handbook bench
	$(PY) -m handbook bench --scan

# Regenerate the pinned, hashed requirements from requirements.in.
lock:
	$(PYTHON) -m venv /tmp/koko-piptools && /tmp/koko-piptools/bin/pip install --quiet pip-tools==7.6.2
	/tmp/koko-piptools/bin/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe -o requirements.txt requirements.in

clean:
	rm -rf site .site-* .site.lock build
