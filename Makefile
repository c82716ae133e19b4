# Two commands: `make book` builds the executed HTML book; `make test` runs the tests.
# Both create .venv and install the project on first use, and only reinstall when
# pyproject.toml changes.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.pmed-installed
KERNEL := pmed
# Executed copies of the notebooks (CI parameters), reused by the browser test's book build.
CI_NOTEBOOKS := _build/ci_notebooks
PYTEST_WORKERS ?= 2
# jupyter-book re-executes a notebook only when its own code changes. The book's numbers
# also depend on pmed_utils (and its shipped data), so any change there clears the cache.
JUPYTER_CACHE := _build/.jupyter_cache
EXECUTED_WITH := _build/.executed-with-current-pmed_utils
PMED_SOURCES  := $(shell find pmed_utils -type f -not -path '*/__pycache__/*' -not -name '*.pyc')

.PHONY: all setup book book-student dist pdf assignments test test-unit test-browser lint sync clean distclean help

help:
	@echo "make book   build the executed HTML book into _build/html"
	@echo "make test   run unit tests, notebook tests and the browser test"
	@echo "make lint   ruff (lint + format check), nbqa ruff on the notebooks, mypy"
	@echo "make sync   re-pair notebooks (jupytext --sync)"
	@echo "make book-student  the book without exercise solutions, into _build/student/html"
	@echo "make dist   zip of the HTML book that opens offline, into _build/dist"
	@echo "make pdf    the whole book as one PDF (headless Chromium), into _build/pdf"
	@echo "make assignments  one autograded assignment per chapter (pytest), into _build/assignments"
	@echo "make clean  remove build outputs (keeps .venv)"

# Packages install with uv when it can be installed (the same versions as pip, and the whole
# setup takes about 30 s instead of 2 min); otherwise, or with PIP=pip, with pip.
PIP ?= uv
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
ifeq ($(PIP),uv)
	$(BIN)/python -m pip install --quiet uv || echo "uv could not be installed: pip installs the packages"
endif

# TensorFlow: pyproject.toml leaves it out of the core dependencies (Colab and GPU machines
# have their own). Here, on Linux x86-64, the CPU-only wheel `tensorflow-cpu` is installed
# first (no CUDA libraries to download); everywhere else the `tensorflow` extra is used.
# Set TENSORFLOW=none to keep a TensorFlow you installed yourself (e.g. a GPU build).
UNAME_S := $(shell uname -s)
UNAME_M := $(shell uname -m)
ifeq ($(UNAME_S)-$(UNAME_M),Linux-x86_64)
TENSORFLOW ?= cpu
else
TENSORFLOW ?= extra
endif
TF_RANGE := >=2.16,<3
ifeq ($(TENSORFLOW),extra)
EXTRAS := tensorflow,book,dev
else
EXTRAS := book,dev
endif

$(STAMP): pyproject.toml | $(BIN)/python
	set -e; \
	if [ "$(PIP)" = uv ] && $(BIN)/python -m uv --version >/dev/null 2>&1; \
	then install() { $(BIN)/python -m uv pip install --quiet --python $(BIN)/python "$$@"; }; \
	else install() { $(BIN)/python -m pip install --quiet "$$@"; }; fi; \
	$(if $(filter cpu,$(TENSORFLOW)),install 'tensorflow-cpu$(TF_RANGE)';) \
	install -e '.[$(EXTRAS)]'
	$(BIN)/python -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python 3 (pmed)"
	@touch $(STAMP)

setup: $(STAMP)

$(EXECUTED_WITH): $(PMED_SOURCES) pyproject.toml
	rm -rf $(JUPYTER_CACHE) _build/.doctrees  # doctrees too, or Sphinx sees no changed page to read
	@mkdir -p $(@D) && touch $@

# Notebooks run BOOK_JOBS at a time into the build's cache first, so the build itself only renders.
BOOK_JOBS ?= 2
book: setup $(EXECUTED_WITH)
	$(BIN)/python tools/execute_book.py --jobs $(BOOK_JOBS)
	$(BIN)/jupyter-book build . --warningiserror --keep-going
	@$(BIN)/python tools/execute_book.py --report
	@echo "Book written to _build/html/index.html"

# Student edition: the same executed notebooks (shared cache), every solution removed.
book-student: setup $(EXECUTED_WITH)
	$(BIN)/python tools/execute_book.py --jobs $(BOOK_JOBS)
	$(BIN)/python tools/build_student.py

# Offline copy of the HTML book built by `make book`.
dist: book
	$(BIN)/python tools/make_dist.py

# One PDF: the single-page HTML build (same execution cache as `make book`), printed by
# headless Chromium (apt-get install chromium).
pdf: setup $(EXECUTED_WITH)
	$(BIN)/python tools/execute_book.py --jobs $(BOOK_JOBS)
	$(BIN)/jupyter-book build . --builder singlehtml --keep-going
	$(BIN)/python tools/make_pdf.py

# The exercise checker for autograding: an assignment notebook, its reference and a pytest grader per chapter.
assignments: setup
	$(BIN)/python tools/make_assignments.py

# Style is checked by tools: ruff lint and format, the same lint over the notebooks' code, mypy.
LINTED := pmed_utils tests tools benchmarks book/_ext conftest.py
lint: setup
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)
	$(BIN)/nbqa ruff notebooks
	$(BIN)/mypy

test: setup lint
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadgroup -m "not browser" --executed-dir $(CI_NOTEBOOKS) --durations=25
	$(BIN)/python -m pytest -m browser --executed-dir $(CI_NOTEBOOKS)

test-unit: setup
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) -m "not browser and not notebook"

sync: setup
	$(BIN)/python tools/sync_notebooks.py

clean:
	rm -rf _build .jupyter_cache .pytest_cache

distclean: clean
	rm -rf $(VENV)
