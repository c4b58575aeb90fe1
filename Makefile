# Everything a fresh clone needs: `make reproduce` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.judgstat-installed

.PHONY: reproduce test install clean-venv app docs

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	@echo "installing judgstat and its dependencies into $(VENV) (the first time takes a few minutes)"
	$(BIN)/python -m pip install -q --disable-pip-version-check -e '.[test,dask,app,docs]'
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

install: $(STAMP)

reproduce: $(STAMP)
	$(BIN)/python -m toolkit.run_notebooks --figures figures

test: $(STAMP)
	$(BIN)/python -m pytest

# The tier calculator as a stand-alone page on 127.0.0.1 (Voilà); PORT=8866 by default.
app: $(STAMP)
	$(BIN)/python -m toolkit.cli app $(if $(PORT),--port $(PORT))

clean-venv:
	rm -rf $(VENV)

# The documentation site in site/ (strict: a broken link or a warning fails the build).
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet
	@echo "documentation site in site/ (open site/index.html)"
