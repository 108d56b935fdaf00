# The two commands of the README: `make report` and `make test`. Everything else is here to serve them.
PYTHON  ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
SAMPLE  := build/sample-workspace
REPORTS := reports

.PHONY: env report test sample-workspace notebook-checks lock clean

env: $(STAMP)

$(STAMP): pyproject.toml requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

# A scratch copy of the committed sample: notebooks and reports write into their workspace, and the
# committed sample_data/ must never change by running them.
sample-workspace: $(STAMP)
	rm -rf $(SAMPLE) && mkdir -p build && cp -r sample_data $(SAMPLE)

# The sample company's quarterly report for 2026Q3, with 2026Q2 as the previous quarter.
report: sample-workspace
	test -d $(REPORTS)/2026Q2 || $(BIN)/journeykit quarterly $(SAMPLE) --quarter 2026Q2 --out $(REPORTS)/2026Q2
	$(BIN)/journeykit quarterly $(SAMPLE) --quarter 2026Q3 --out $(REPORTS)/2026Q3 --previous $(REPORTS)/2026Q2 --force

# Unit tests, doctests, notebook executions, then nbval over the notebooks as committed.
test: sample-workspace
	$(BIN)/python -m pytest -q
	$(BIN)/python -m pytest -q --nbval-lax notebooks --nbval-sanitize-with notebooks/nbval_sanitize.cfg

# After an intended change of results: store the new outputs of the cells nbval checks.
notebook-checks: sample-workspace
	$(BIN)/python tools/refresh_notebook_checks.py

lock: $(STAMP)
	{ head -2 requirements.txt; $(BIN)/python -m pip freeze --exclude-editable; } > requirements.txt.new
	mv requirements.txt.new requirements.txt

clean:
	rm -rf build $(REPORTS)
