"""The quarterly review: validate, build the report in a temporary folder, publish it in one move.

A report folder is never half-written: everything is built in a hidden sibling folder and renamed into
place only when complete; an existing report for the quarter is kept unless ``force`` is given (it is then
moved aside first and removed only once the new one is in place).
"""

from __future__ import annotations

import html
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

from . import __version__
from .engine import Engine
from .i18n import label
from .loading import load
from .quarters import Quarter
from .summary import data_summary

OK, STEP_FAILED, INVALID = 0, 1, 2


def quarterly(workspace: str | os.PathLike[str], *, quarter: str, out: str | os.PathLike[str],
              previous: str | os.PathLike[str] | None = None, lang: str = "en", jobs: int = 2,
              force: bool = False) -> int:
    """Produce the quarterly report of ``workspace`` in ``out``; return the exit code (0, 1 or 2).

    At this stage the report holds the validated data summary of the quarter (``index.html`` and
    ``summary.json``); the ten step notebooks join it in the next version.
    """
    period = Quarter.parse(quarter, "--quarter", "journeykit quarterly")
    label("rows", lang)  # validates lang before anything runs
    target = Path(out)
    if target.exists() and not force:
        print(f"journeykit quarterly: {target} already exists; pass --force to replace it.", file=sys.stderr)
        return INVALID
    dataset = load(workspace)
    summary = data_summary(dataset, period, Engine(dataset))
    journey = dataset.workspace.journey
    payload = {"quarter": str(period), "lang": lang, "workspace": journey.name.get(lang),
               "tables": summary.to_dict(orient="records"),
               "findings": [{"table": f.table, "code": f.code, "count": f.count, "message": f.message}
                            for f in dataset.findings],
               "missing": dataset.missing}
    with building(target) as folder:
        (folder / "summary.json").write_text(json.dumps(payload, indent=2, ensure_ascii=False, default=str),
                                             encoding="utf-8")
        (folder / "index.html").write_text(_index_html(payload, lang), encoding="utf-8")
    print(f"Report written: {target.resolve() / 'index.html'}")
    return OK


class building:
    """Context manager: a temporary folder next to ``target`` that becomes ``target`` on success.

    On an exception the temporary folder is removed and ``target`` is untouched.
    """

    def __init__(self, target: Path):
        self.target = Path(target)

    def __enter__(self) -> Path:
        self.target.parent.mkdir(parents=True, exist_ok=True)
        self.folder = Path(tempfile.mkdtemp(prefix=f".{self.target.name}.building-", dir=self.target.parent))
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


def _index_html(payload: dict, lang: str) -> str:
    e = html.escape
    rows = "".join(
        "<tr>" + "".join(f"<td>{e(str(row.get(key) if row.get(key) is not None else ''))}</td>"
                         for key in ("table", "rows_in_quarter", "customers_in_quarter", "first", "last"))
        + "</tr>" for row in payload["tables"])
    findings = "".join(f"<li><b>{e(f['table'])}</b>: {e(f['message'])}</li>" for f in payload["findings"])
    missing = (f"<p>{e(label('missing_tables', lang, tables=', '.join(payload['missing'])))}</p>"
               if payload["missing"] else "")
    title = e(label("quarterly_review", lang, quarter=payload["quarter"]))
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font-family:system-ui,sans-serif;margin:2rem;max-width:60rem}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}}</style></head>
<body><h1>{e(payload['workspace'])}: {title}</h1>
<h2>{e(label('data_summary', lang))}</h2>
<table><tr><th>{e(label('table', lang))}</th><th>{e(label('rows', lang))}</th><th>{e(label('customers', lang))}</th>
<th>{e(label('from', lang))}</th><th>{e(label('to', lang))}</th></tr>{rows}</table>{missing}
<h2>{e(label('findings', lang))}</h2>{f'<ul>{findings}</ul>' if findings else f"<p>{e(label('no_findings', lang))}</p>"}
<footer><p>{e(label('generated', lang, version=__version__))}</p></footer></body></html>
"""
