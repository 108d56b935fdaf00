"""The quarterly review: one command, a self-contained report that opens offline.

``journeykit quarterly WORKSPACE --quarter 2026Q3 --out DIR`` checks everything first (arguments, the
workspace, every data source: exit 2 with the full list of problems, before anything runs), then executes
the ten step notebooks (:mod:`journeykit.runner`), turns each into an HTML page with no code
(:mod:`journeykit.export`) and writes ``DIR/index.html`` (:mod:`journeykit.index_page`).

Nothing is ever half-written: the report is built in a hidden folder beside ``DIR`` (``.DIR.building-*``)
and renamed into place only when complete, so a crash or a killed run leaves no new report and the
previous one intact; the next run removes the hidden folders of runs that died. An existing report is
replaced only with ``force``, in one atomic exchange of the two folders (Linux ``renameat2``; elsewhere two
renames, undone by the next run if it was killed in between). A full disk (or quota, or file size limit),
whether it stops a page, an executed notebook or a step's own writes, publishes nothing: exit code 3,
the previous report untouched, and the same command completes once there is space. The executed
notebooks stay beside their pages for audit. A step that fails (a failing cell, a timeout, a kernel that
died) does not stop the others; its page shows the failing cell, the index marks it, ``run.json`` says
``"complete": false``, and the exit code is 1.
"""

from __future__ import annotations

import ctypes
import errno
import glob
import json
import logging
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from .errors import JourneyKitError, ParameterError, Problem, ProblemsError
from .files import sync_folder
from .i18n import LANGS
from .quarters import Quarter

OK, STEP_FAILED, INVALID, NOT_WRITTEN = 0, 1, 2, 3
DISK_FULL = (errno.ENOSPC, errno.EFBIG, errno.EDQUOT)  # no space, file size limit, quota
STALE_SECONDS = 60  # a hidden folder without an owner this old belongs to a run that died
log = logging.getLogger("journeykit.quarterly")


def quarterly(workspace: str | os.PathLike[str], *, quarter: str, out: str | os.PathLike[str],
              previous: str | os.PathLike[str] | None = None, lang: str = "en", jobs: int = 2,
              force: bool = False, timeout: int = 600, steps: tuple[str, ...] | None = None,
              notebooks: str | os.PathLike[str] | None = None) -> int:
    """Produce the quarterly report of ``workspace`` in ``out``; return the exit code (0, 1 or 3).

    Invalid arguments, workspace or data raise :class:`ProblemsError` (exit code 2 in the command line)
    before anything runs. 3 means that a file system error (a full disk) stopped the run and nothing was
    published.

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
    recover(target)
    if target.exists() and not force:
        raise ProblemsError([Problem(str(target), "already exists; a report is never overwritten",
                                     "Pass --force to replace it, or choose another --out folder.")],
                            "journeykit quarterly refused to run")
    earlier = _previous_folder(target, period, None if previous is None else Path(previous).resolve())
    steps = STEPS if steps is None else steps
    try:
        dataset = load(workspace)  # every data problem, listed, before anything runs
        ws = dataset.workspace
        log.info("quarterly review of %s for %s (%s, %d parallel jobs)", ws.path, period, lang, jobs)
        with building(target) as folder:
            parameters = {"workspace": str(ws.path), "quarter": str(period), "lang": lang, "interactive": False,
                          "summary_dir": str(folder)}
            runs = runner.run_steps(parameters, folder, jobs=jobs, timeout=timeout, steps=steps,
                                    notebooks=Path(notebooks) if notebooks else runner.NOTEBOOKS)
            full = [run for run in runs if _disk_full(run.error)]
            if full:  # a report with steps missing for want of space is not this quarter's report
                raise OSError(errno.ENOSPC, f"step {full[0].step} could not write: {full[0].error}")
            exported = time.perf_counter()
            _pages(folder, runs, ws.journey.name.get(lang), period, lang)
            (folder / "index.html").write_text(index_html(folder, runs, ws.journey, period, lang, earlier),
                                               encoding="utf-8")
            (folder / "run.json").write_text(json.dumps(
                {"quarter": str(period), "lang": lang, "complete": all(run.status == "ok" for run in runs),
                 "steps": [{"step": r.step, "status": r.status, "error": r.error, "cell": r.cell,
                            "seconds": round(r.seconds, 2)} for r in runs]},
                indent=2, ensure_ascii=False), encoding="utf-8")
            export_seconds = time.perf_counter() - exported
    except OSError as error:
        if isinstance(error, JourneyKitError):  # no workspace there: an invalid argument
            raise
        kept = "the existing report there is untouched" if target.exists() else "nothing is there"
        what = f"{error.strerror}: {error.filename}" if error.filename else (error.strerror or str(error))
        print(f"journeykit quarterly: the report could not be written: {what}\n"
              f"Nothing was published in {target} ({kept}); every previous report is intact. "
              + ("Free some disk space (or raise the quota or file size limit) and run the same command again."
                 if error.errno in DISK_FULL else "Fix the cause above and run the same command again."),
              file=sys.stderr)
        return NOT_WRITTEN
    failed = [run for run in runs if run.status != "ok"]
    timings = ", ".join(f"{run.step[:2]} {run.seconds:.1f}s" for run in runs)
    print(f"journeykit quarterly {period}: {len(runs) - len(failed)}/{len(runs)} steps succeeded in "
          f"{time.perf_counter() - started:.1f} s (export {export_seconds:.1f} s; {timings})", file=sys.stderr)
    for run in failed:
        print(f"  {run.step}: {run.status}{f' at cell {run.cell}' if run.cell is not None else ''}: {run.error}",
              file=sys.stderr)
    print(f"Report written: {(target / 'index.html').resolve()}")
    return STEP_FAILED if failed else OK


def _disk_full(error: str) -> bool:
    """Whether a step's error says the disk, the quota or the file size limit was reached."""
    return any(f"[Errno {code}]" in error or os.strerror(code) in error for code in DISK_FULL)


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


def recover(target: Path) -> None:
    """Tidy what runs killed while writing ``target`` left beside it; refuse while a live run writes it.

    Hidden ``.NAME.building-*`` folders whose owner died (their ``.owner`` lock is free, or, without one,
    older than :data:`STALE_SECONDS`) are removed. A report moved aside by a replacement that was killed
    before the new one took its place (``.NAME.replaced-*``, only where the atomic exchange is missing) is
    put back, or removed when the new report is in place.
    """
    from .files import locked
    from .errors import LockTimeoutError

    target = Path(target)
    if not target.parent.is_dir():
        return
    name = glob.escape(target.name)
    for aside in sorted(target.parent.glob(f".{name}.replaced-*")):
        if target.exists():
            shutil.rmtree(aside, ignore_errors=True)
        else:
            aside.rename(target)
    for folder in target.parent.glob(f".{name}.building-*"):
        owner = folder / building.OWNER
        if owner.exists():
            try:
                with locked(owner, timeout=0):
                    pass
            except LockTimeoutError:
                raise ProblemsError([Problem(str(target), f"is being written right now by another journeykit "
                                             f"quarterly (pid {owner.read_text().strip() or 'unknown'})",
                                             "Wait for it to finish, or write to another --out folder.")],
                                    "journeykit quarterly refused to run") from None
        elif time.time() - folder.stat().st_mtime < STALE_SECONDS:
            continue  # just created by a run that is starting
        log.info("removing %s, left by a run that was stopped", folder.name)
        shutil.rmtree(folder, ignore_errors=True)


class building:
    """Context manager: a hidden folder next to ``target`` that becomes ``target`` on success.

    The folder holds a locked ``.owner`` file while the report is built, so that other runs can tell it
    from the leftovers of a run that died (the lock dies with its process). On an exception the hidden
    folder is removed and ``target`` is untouched; after a kill it stays hidden until the next run
    (:func:`recover`) removes it.
    """

    OWNER = ".owner"

    def __init__(self, target: Path):
        self.target = Path(target)

    def __enter__(self) -> Path:
        from .files import locked

        self.target.parent.mkdir(parents=True, exist_ok=True)
        self.folder = Path(tempfile.mkdtemp(prefix=f".{self.target.name}.building-", dir=self.target.parent))
        try:
            os.chmod(self.folder, 0o755)
            self.owner = locked(self.folder / self.OWNER, timeout=0)
            self.owner.__enter__()
        except BaseException:
            shutil.rmtree(self.folder, ignore_errors=True)
            raise
        return self.folder

    def __exit__(self, kind, error, traceback) -> None:
        (self.folder / self.OWNER).unlink(missing_ok=True)
        self.owner.__exit__(None, None, None)
        if kind is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            return
        try:
            _publish(self.folder, self.target)
        except BaseException:
            shutil.rmtree(self.folder, ignore_errors=True)
            raise


def _publish(folder: Path, target: Path) -> None:
    """Put the finished ``folder`` at ``target``, replacing the report there, never leaving neither."""
    if not target.exists():
        folder.rename(target)
    elif _exchange(folder, target):
        shutil.rmtree(folder, ignore_errors=True)  # it now holds the replaced report
    else:
        aside = target.with_name(f".{target.name}.replaced-{os.getpid()}")
        target.rename(aside)
        folder.rename(target)  # killed in between: recover() puts the old report back
        shutil.rmtree(aside, ignore_errors=True)
    sync_folder(target.parent)


def _exchange(first: Path, second: Path) -> bool:
    """Swap two folders in one atomic step (Linux ``renameat2``); ``False`` where that is not available."""
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None) if os.name == "posix" else None
    if renameat2 is None:
        return False
    at_cwd, exchange = -100, 2  # AT_FDCWD, RENAME_EXCHANGE
    if renameat2(at_cwd, os.fsencode(first), at_cwd, os.fsencode(second), exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False  # the kernel or the file system cannot exchange
    raise OSError(code, os.strerror(code), str(second))
