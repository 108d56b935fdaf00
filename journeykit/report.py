"""The quarterly review: one command, a self-contained report that opens offline.

``journeykit quarterly WORKSPACE --quarter 2026Q3 --out DIR`` checks everything first (arguments, the
workspace, every data source: exit 2 with the full list of problems, before anything runs), then executes
the ten step notebooks (:mod:`journeykit.runner`), turns each into an HTML page with no code
(:mod:`journeykit.export`) and writes ``DIR/index.html`` (:mod:`journeykit.index_page`).

Nothing is ever half-written: the report is built in a hidden folder beside ``DIR`` and renamed into place
only when complete, so a crash, a full disk or a killed run leaves no report at all (and the previous one
intact). An existing report is replaced only with ``force``: it is moved aside first and removed only once
the new one is in place. The executed notebooks stay beside their pages for audit. A step that fails does
not stop the others; its page shows the failing cell, the index marks it, and the exit code is 1.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from .errors import ParameterError, Problem, ProblemsError
from .i18n import LANGS
from .quarters import Quarter

OK, STEP_FAILED, INVALID = 0, 1, 2
log = logging.getLogger("journeykit.quarterly")


def quarterly(workspace: str | os.PathLike[str], *, quarter: str, out: str | os.PathLike[str],
              previous: str | os.PathLike[str] | None = None, lang: str = "en", jobs: int = 2,
              force: bool = False, timeout: int = 600, steps: tuple[str, ...] | None = None,
              notebooks: str | os.PathLike[str] | None = None) -> int:
    """Produce the quarterly report of ``workspace`` in ``out``; return the exit code (0, 1 or 2).

    ``previous`` is the previous quarter's report folder; by default a sibling of ``out`` named after the
    previous quarter (``reports/2026Q2`` for ``reports/2026Q3``) is used when it exists. ``steps`` and
    ``notebooks`` run another set of notebooks (tests use them).
    """
    from . import runner
    from .index_page import index_html
    from .loading import load
    from .measures import STEPS

    started = time.perf_counter()
    period = _arguments(quarter, lang, jobs, timeout)
    target = Path(out).resolve()
    if target.exists() and not force:
        raise ProblemsError([Problem(str(target), "already exists; a report is never overwritten",
                                     "Pass --force to replace it, or choose another --out folder.")],
                            "journeykit quarterly refused to run")
    earlier = _previous_folder(target, period, None if previous is None else Path(previous).resolve())
    dataset = load(workspace)  # every data problem, listed, before anything runs
    ws = dataset.workspace
    steps = STEPS if steps is None else steps
    log.info("quarterly review of %s for %s (%s, %d parallel jobs)", ws.path, period, lang, jobs)
    with building(target) as folder:
        parameters = {"workspace": str(ws.path), "quarter": str(period), "lang": lang, "interactive": False,
                      "summary_dir": str(folder)}
        runs = runner.run_steps(parameters, folder, jobs=jobs, timeout=timeout, steps=steps,
                                notebooks=Path(notebooks) if notebooks else runner.NOTEBOOKS)
        exported = time.perf_counter()
        _pages(folder, runs, ws.journey.name.get(lang), period, lang)
        (folder / "index.html").write_text(index_html(folder, runs, ws.journey, period, lang, earlier),
                                           encoding="utf-8")
        (folder / "run.json").write_text(json.dumps(
            {"quarter": str(period), "lang": lang,
             "steps": [{"step": r.step, "status": r.status, "error": r.error, "cell": r.cell,
                        "seconds": round(r.seconds, 2)} for r in runs]},
            indent=2, ensure_ascii=False), encoding="utf-8")
        export_seconds = time.perf_counter() - exported
    failed = [run for run in runs if run.status != "ok"]
    timings = ", ".join(f"{run.step[:2]} {run.seconds:.1f}s" for run in runs)
    print(f"journeykit quarterly {period}: {len(runs) - len(failed)}/{len(runs)} steps succeeded in "
          f"{time.perf_counter() - started:.1f} s (export {export_seconds:.1f} s; {timings})", file=sys.stderr)
    for run in failed:
        print(f"  {run.step}: {run.status}{f' at cell {run.cell}' if run.cell is not None else ''}: {run.error}",
              file=sys.stderr)
    print(f"Report written: {(target / 'index.html').resolve()}")
    return STEP_FAILED if failed else OK


def _arguments(quarter: str, lang: str, jobs: int, timeout: int) -> Quarter:
    problems = []
    period = None
    try:
        period = Quarter.parse(quarter, "--quarter", "journeykit quarterly")
    except ParameterError as error:
        problems.append(Problem("--quarter", str(error)))
    if lang not in LANGS:
        problems.append(Problem("--lang", f"must be one of {', '.join(LANGS)}. Got {lang!r} instead."))
    if not isinstance(jobs, int) or jobs < 1:
        problems.append(Problem("--jobs", f"must be a whole number of at least 1. Got {jobs!r} instead."))
    if not isinstance(timeout, int) or timeout < 1:
        problems.append(Problem("--timeout", f"must be a number of seconds of at least 1. Got {timeout!r} instead."))
    if problems:
        raise ProblemsError(problems, "journeykit quarterly: invalid arguments")
    return period


def _previous_folder(target: Path, period: Quarter, previous) -> Path | None:
    if previous is not None:
        folder = Path(previous)
        if not (folder / "index.html").exists():
            raise ProblemsError([Problem("--previous", f"{folder} is not a quarterly report (no index.html)",
                                         "Point it at the previous quarter's --out folder, or leave it out.")],
                                "journeykit quarterly: invalid arguments")
        return folder
    sibling = target.parent / str(period.previous())
    return sibling if (sibling / "index.html").exists() else None


def _pages(folder: Path, runs, title: str, period: Quarter, lang: str) -> None:
    from .export import failure_banner, notebook_body, page
    from .index_page import navigation, step_title

    for run in runs:
        body = notebook_body(run.notebook) if run.notebook.exists() else ""
        if run.status != "ok":
            body = failure_banner(step_title(run.step, lang), run.status, run.error, run.cell, lang) + body
        name = f"{step_title(run.step, lang)} · {title} · {period}"
        (folder / f"{run.step}.html").write_text(page(name, body, lang, navigation(runs, lang, run.step)),
                                                 encoding="utf-8")


class building:
    """Context manager: a hidden folder next to ``target`` that becomes ``target`` on success.

    On an exception (or a kill) the hidden folder is removed (or left hidden) and ``target`` is untouched.
    """

    def __init__(self, target: Path):
        self.target = Path(target)

    def __enter__(self) -> Path:
        self.target.parent.mkdir(parents=True, exist_ok=True)
        self.folder = Path(tempfile.mkdtemp(prefix=f".{self.target.name}.building-", dir=self.target.parent))
        os.chmod(self.folder, 0o755)
        return self.folder

    def __exit__(self, kind, error, traceback) -> None:
        if kind is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            return
        old = None
        if self.target.exists():
            old = self.target.with_name(f".{self.target.name}.replaced-{os.getpid()}")
            self.target.rename(old)
        self.folder.rename(self.target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
