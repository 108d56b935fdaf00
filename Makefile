# The two commands of the README: `make report` and `make test`. Everything else is here to serve them.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SAMPLE := build/sample-workspace
REPORTS := reports

.PHONY: env report test lock clean

env: $(STAMP)

$(STAMP): pyproject.toml requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

# The sample company's quarterly report for 2026Q3 (with 2026Q2 as the previous quarter), built on a
# copy of sample_data/ so that the committed sample is never modified by a run.
report: $(STAMP)
	rm -rf $(SAMPLE) && mkdir -p build && cp -r sample_data $(SAMPLE)
	test -d $(REPORTS)/2026Q2 || $(BIN)/journeykit quarterly $(SAMPLE) --quarter 2026Q2 --out $(REPORTS)/2026Q2
	$(BIN)/journeykit quarterly $(SAMPLE) --quarter 2026Q3 --out $(REPORTS)/2026Q3 --previous $(REPORTS)/2026Q2 --force

test: $(STAMP)
	$(BIN)/python -m pytest -q

lock: $(STAMP)
	{ head -2 requirements.txt; $(BIN)/python -m pip freeze --exclude-editable; } > requirements.txt.new
	mv requirements.txt.new requirements.txt

clean:
	rm -rf build $(REPORTS) .journeykit
