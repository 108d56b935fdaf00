"""Executed notebooks as self-contained HTML pages: no code, no CDN, one stylesheet inlined.

nbconvert's ``basic`` template renders only the cells' outputs (``exclude_input`` hides all code); the page
around them is journeykit's own, with its styles inlined and no script at all, so that a report opens
offline, from a file or an e-mail attachment. Charts are SVG drawn at run time (see
:func:`journeykit.charts.setup`), tables are pandas HTML (escaped), narrative is Markdown whose user values
were escaped by :mod:`journeykit.narrative`.
"""

from __future__ import annotations

import html
import re
from functools import cache
from pathlib import Path

import nbformat

from .privacy import redact

STYLE = """
:root { --ink: #1d2733; --muted: #5b6673; --line: #dde3ea; --accent: #1b6ca8; --bad: #c0392b; --good: #2e7d32; }
* { box-sizing: border-box; }
body { font: 15px/1.5 Helvetica, Arial, sans-serif; color: var(--ink); margin: 0; background: #fff; }
header.jk { background: #f4f7fa; border-bottom: 1px solid var(--line); padding: .8rem 2rem; }
header.jk a { color: var(--accent); text-decoration: none; margin-right: 1rem; font-size: .9rem; }
header.jk .where { color: var(--muted); font-size: .85rem; }
main { max-width: 72rem; margin: 0 auto; padding: 1rem 2rem 3rem; }
h1 { font-size: 1.7rem; margin: 1rem 0 .5rem; } h2 { font-size: 1.3rem; margin-top: 2rem; }
a.anchor-link { display: none; }
table { border-collapse: collapse; margin: .6rem 0 1.2rem; font-size: .88rem; }
th, td { border-bottom: 1px solid var(--line); padding: .3rem .6rem; text-align: left; vertical-align: top; }
th { background: #f4f7fa; font-weight: 600; }
table.dataframe tbody tr:nth-child(even) { background: #fafbfc; }
.output_svg, .output_png { margin: .8rem 0; overflow-x: auto; }
svg { max-width: 100%; height: auto; }
pre { white-space: pre-wrap; font-size: .8rem; background: #f7f7f7; padding: .6rem; }
.output_error pre, .failure { border-left: 4px solid var(--bad); background: #fdf1f0; padding: .6rem .8rem; }
.failure { margin: 1rem 0; }
.badge { display: inline-block; padding: 0 .5rem; border-radius: .6rem; font-size: .8rem; color: #fff; }
.badge.ok { background: var(--good); } .badge.failed, .badge.timeout { background: var(--bad); }
.up { color: var(--good); } .down { color: var(--bad); } .muted { color: var(--muted); }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(15rem, 1fr)); gap: 1rem; }
.card { border: 1px solid var(--line); border-radius: .5rem; padding: .8rem 1rem; }
.card .big { font-size: 1.8rem; font-weight: 600; }
@media print { header.jk { display: none; } main { max-width: none; padding: 0; } }
"""


@cache
def _exporter():
    from nbconvert import HTMLExporter

    return HTMLExporter(template_name="basic", exclude_input=True, exclude_input_prompt=True,
                        exclude_output_prompt=True, anchor_link_text="")


def page(title: str, body: str, lang: str, navigation: str = "") -> str:
    """A complete HTML page around ``body`` (already HTML); ``title`` is escaped here."""
    return (f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{html.escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
            f'<header class="jk">{navigation}</header>\n<main>\n{body}\n</main>\n</body>\n</html>\n')


def notebook_body(notebook: Path) -> str:
    """The outputs of an executed notebook as HTML (no code), with papermill's run metadata left out."""
    node = nbformat.read(notebook, as_version=4)
    for cell in node.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
    node.metadata.pop("papermill", None)
    for cell in node.cells:  # an error message may quote a data value: no e-mail, phone, IBAN or address
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                output["evalue"] = redact(output.get("evalue", ""))
                output["traceback"] = [redact(line) for line in output.get("traceback", [])]
    body, _ = _exporter().from_notebook_node(node)
    # cells without output leave empty wrappers; element ids made from cell ids are not needed
    body = re.sub(r' id="cell-id=[^"]*"', "", body)
    return re.sub(r'<div class="cell[^"]*">\s*</div>\n?', "", body)


def failure_banner(step_title: str, status: str, error: str, cell: int | None, lang: str) -> str:
    """What a failed step's page says first: which cell failed and why (redacted, escaped)."""
    error = redact(error, lang)
    if lang == "fr":
        what = "a dépassé le temps imparti" if status == "timeout" else "a échoué"
        where = f" à la cellule {cell}" if cell is not None else ""
        text = f"L'étape « {step_title} » {what}{where} : {error}"
        hint = "Les résultats ci-dessous s'arrêtent à cette cellule ; les autres étapes ont été produites."
    else:
        what = "timed out" if status == "timeout" else "failed"
        where = f" at cell {cell}" if cell is not None else ""
        text = f"The step '{step_title}' {what}{where}: {error}"
        hint = "The results below stop at that cell; the other steps were still produced."
    return f'<div class="failure"><strong>{html.escape(text)}</strong><br>{html.escape(hint)}</div>'
