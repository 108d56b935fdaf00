"""Re-run the step notebooks and keep only the outputs of their checked cells (for nbval).

Notebooks are committed without outputs, except the few cells marked ``# NBVAL_CHECK_OUTPUT``: nbval
(``make test``) compares those with a fresh run, so an analyst who edits a notebook learns when a result
changed. After an intended change, refresh them:

    make sample-workspace && .venv/bin/python tools/refresh_notebook_checks.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import papermill as pm

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
MARK = "# NBVAL_CHECK_OUTPUT"


def refresh(path: Path) -> None:
    executed = pm.execute_notebook(str(path), None, kernel_name="python3", cwd=str(NOTEBOOKS), progress_bar=False)
    original = nbformat.read(path, as_version=4)
    for cell, ran in zip(original.cells, executed.cells):
        if cell.cell_type != "code":
            continue
        checked = cell.source.startswith(MARK)
        cell.outputs = ran.outputs if checked else []
        # nbval compares only cells that ran: a checked cell keeps its execution count
        cell.execution_count = ran.execution_count if checked else None
        cell.metadata = {key: value for key, value in cell.metadata.items() if key == "tags"}
    original.metadata.pop("papermill", None)
    nbformat.write(original, path)


if __name__ == "__main__":
    for notebook in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")) if len(sys.argv) < 2 else map(Path, sys.argv[1:]):
        print(f"refreshing {notebook.name}")
        refresh(notebook)
