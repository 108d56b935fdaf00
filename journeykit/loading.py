"""Load a workspace's data once: read every source, validate it, and keep a typed copy for the analyses.

:func:`load` reads each logical table through its ``sources:`` mapping, checks every cell against the data
contract (:mod:`journeykit.contract`) and collects *problems* (what cannot be read: a missing column, a
cell that is not a date, an unknown channel) and *findings* (what can be read but deserves attention:
events of an unmapped touchpoint, customers missing from the CRM, duplicate rows, scores out of range).
Problems stop the load with one :class:`~journeykit.errors.DataError` listing all of them; findings are
kept in the :class:`Dataset` and shown by ``journeykit check`` and step 2, never silently applied.

What the loader does with a finding, so that nothing is dropped unsaid: exact duplicate rows are kept
once; a customer id repeated in the CRM keeps its first row; a score outside its scale is set to blank
(it counts in no metric); an unmapped touchpoint keeps its raw name. Each is counted in its finding.

The typed tables are written as Parquet under ``.journeykit/tables/`` with a fingerprint of the files and
of the mapping: the next load reuses them until a file or the map changes. Each problem list shows up to
:data:`EXAMPLES` rows per column and check, then how many more rows have the same problem.

**Modules.** The result types are in :mod:`journeykit.dataset`, the staging of one table in
:mod:`journeykit.staging` (with :mod:`journeykit.source_mapping` for files, columns and map ids), the
findings in :mod:`journeykit.findings` and the fingerprints in :mod:`journeykit.staging_cache`; this module
runs them for a workspace.
"""

from __future__ import annotations

import os
from dataclasses import asdict
from pathlib import Path

import duckdb

from . import contract
from .dataset import Dataset, Finding, TableInfo
from .errors import DataError, Problem
from .files import locked
from .findings import EARLIEST, _cross_findings, plural  # noqa: F401 (re-exported)
from .pii import transcripts as pii_transcripts
from .source_mapping import _files, _fold, _labels, _slug  # noqa: F401 (re-exported)
from .staging import EXAMPLES, _stage  # noqa: F401 (re-exported)
from .staging_cache import FORMAT_VERSION, _cached_dataset, _fingerprint, _remember_dataset  # noqa: F401
from .workspace import Workspace


def load(workspace: Workspace | str | os.PathLike[str], *, refresh: bool = False) -> Dataset:
    """Read, validate and stage every source of ``workspace``; raise :class:`DataError` listing all problems."""
    problems, dataset = check(workspace, refresh=refresh)
    if problems:
        raise DataError(problems)
    return dataset


def check(workspace: Workspace | str | os.PathLike[str], *, refresh: bool = False
          ) -> tuple[list[Problem], Dataset]:
    """Like :func:`load` but returns the problems instead of raising (tables with problems are not staged)."""
    ws = workspace if isinstance(workspace, Workspace) else Workspace.open(workspace)
    journey = ws.journey
    missing = [name for name in contract.TABLE_NAMES if getattr(journey.sources, name) is None]
    with locked(ws.cache / "load.lock"):  # parallel steps wait for one staging instead of racing
        problems, tables, findings = _staged_dataset(ws, refresh)
    if journey.sources.interviews is not None:
        from .interviews import read_interviews

        transcripts, interview_problems = read_interviews(ws, journey.sources.interviews)
        problems += interview_problems
        if not interview_problems:
            tables["interviews"] = TableInfo("interviews", sorted({t.file for t in transcripts}),
                                             sum(len(t.quotes) for t in transcripts), {})
            quotes = {t.file: [quote.text for quote in t.quotes] for t in transcripts}
            with_ids = sum(1 for t in transcripts if t.meta.get("customer_id"))
            found = pii_transcripts(quotes, ", ".join(journey.sources.interviews.paths), with_ids)
            tables["interviews"].personal = [asdict(column) for column in found]
    return problems, Dataset(ws, tables, findings, missing)


def _staged_dataset(ws: Workspace, refresh: bool) -> tuple[list[Problem], dict[str, TableInfo], list[Finding]]:
    """Every table of ``ws`` read, validated and staged (or taken from the cache when nothing changed)."""
    folder = ws.cache / "tables"
    folder.mkdir(parents=True, exist_ok=True)
    cached = None if refresh else _cached_dataset(ws, folder)
    if cached is not None:
        return [], *cached
    con = _connect(ws)
    try:
        return _stage_all(con, ws, folder, refresh)
    except duckdb.Error as error:
        from .engine import limit_error

        settings = dict(con.execute("SELECT name, value FROM duckdb_settings() WHERE name IN "
                                    "('memory_limit', 'max_temp_directory_size', 'temp_directory')").fetchall())
        explained = limit_error(error, settings)
        if explained is None:
            raise
        raise explained from error
    finally:
        con.close()


def _stage_all(con, ws: Workspace, folder: Path, refresh: bool
               ) -> tuple[list[Problem], dict[str, TableInfo], list[Finding]]:
    problems: list[Problem] = []
    tables: dict[str, TableInfo] = {}
    findings: list[Finding] = []
    for name in contract.TABLES:
        source = getattr(ws.journey.sources, name)
        if source is None:
            continue
        staged = _stage(con, ws, name, source, folder, refresh)
        problems += staged.problems
        if not staged.problems:
            tables[name] = staged.info
            findings += staged.findings
    if not problems:
        findings += _cross_findings(con, tables)
        _remember_dataset(ws, folder, tables, findings)
    return problems, tables, findings


def _connect(ws: Workspace) -> duckdb.DuckDBPyConnection:
    from .engine import duckdb_settings  # the same guard rails as the analyses (memory, spill cap)

    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    for key, value in duckdb_settings(ws.journey.engine, ws.cache / "spill").items():
        con.execute(f"SET {key} = '{value}'")
    return con
