# The two commands a new user runs: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
XL     := $(VENV)/bin/xentlab
STAMP  := $(VENV)/.installed

.PHONY: demo test bench golden clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $@

test: $(STAMP)
	$(PY) -m pytest -q

golden: $(STAMP)
	$(PY) -m pytest -q tests --update-golden

bench: $(STAMP)
	$(PY) bench/run.py

demo: $(STAMP)
	bash tools/demo.sh $(XL) output

clean:
	rm -rf $(VENV)
	find output -mindepth 1 ! -name .gitkeep -delete
