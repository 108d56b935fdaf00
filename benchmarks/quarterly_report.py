"""How long the sample company's quarterly report takes, and where the time goes.

Runs ``journeykit quarterly`` on a fresh copy of sample_data/ (data staged first, as a scheduler's second
quarter would find it, then once more with a cold cache), and splits each step's wall time into:
kernel start and shutdown (wall time minus the time spent in cells), imports and opening the study (the
notebook's first code cells), and the analysis and drawing (the other cells). Prints a table and JSON.

    .venv/bin/python benchmarks/quarterly_report.py [--jobs 2] [--quarter 2026Q3]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent


def split(notebook: Path) -> dict[str, float]:
    """Seconds in the set-up cells (up to the one opening the study) and in the other cells."""
    cells = [cell for cell in nbformat.read(notebook, as_version=4).cells if cell.cell_type == "code"]
    durations = [cell.metadata.get("papermill", {}).get("duration") or 0.0 for cell in cells]
    opening = next((i for i, cell in enumerate(cells) if "jk.study(" in cell.source), 0)
    return {"setup": sum(durations[: opening + 1]), "analysis": sum(durations[opening + 1:])}


def run(workspace: Path, out: Path, quarter: str, jobs: int) -> dict:
    started = time.perf_counter()
    result = subprocess.run([str(ROOT / ".venv" / "bin" / "journeykit"), "quarterly", str(workspace), "--quarter",
                             quarter, "--out", str(out), "--jobs", str(jobs), "--quiet"],
                            capture_output=True, text=True)
    wall = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"journeykit quarterly exited {result.returncode}:\n{result.stderr}")
    steps = json.loads((out / "run.json").read_text(encoding="utf-8"))["steps"]
    rows = []
    for step in steps:
        parts = split(out / f"{step['step']}.ipynb")
        rows.append({"step": step["step"], "wall": step["seconds"], "kernel": step["seconds"] - sum(parts.values()),
                     **parts})
    return {"wall": wall, "steps": rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--quarter", default="2026Q3")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        workspace = base / "ws"
        shutil.copytree(ROOT / "sample_data", workspace)
        cold = run(workspace, base / "cold", args.quarter, args.jobs)
        warm = run(workspace, base / "warm", args.quarter, args.jobs)
    print(f"{'step':28} {'wall s':>7} {'kernel':>7} {'setup':>7} {'analysis':>9}")
    for row in warm["steps"]:
        print(f"{row['step']:28} {row['wall']:7.1f} {row['kernel']:7.1f} {row['setup']:7.1f} {row['analysis']:9.1f}")
    total = {key: sum(row[key] for row in warm["steps"]) for key in ("wall", "kernel", "setup", "analysis")}
    print(f"{'sum over steps':28} {total['wall']:7.1f} {total['kernel']:7.1f} {total['setup']:7.1f} "
          f"{total['analysis']:9.1f}")
    print(f"report wall time, data already staged: {warm['wall']:.1f} s; first run (stages the data): "
          f"{cold['wall']:.1f} s; jobs={args.jobs}")
    print(json.dumps({"jobs": args.jobs, "first_run_seconds": round(cold["wall"], 1),
                      "staged_run_seconds": round(warm["wall"], 1), "sum_over_steps": total,
                      "steps": warm["steps"]}, indent=1))


if __name__ == "__main__":
    main()
