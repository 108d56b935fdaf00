"""The index page of a quarterly report: what an executive opens first.

It reads the JSON summary each step wrote into the report folder (and those of the previous quarter's
report) and shows: the objective and its KPI now vs target, every KPI against the previous quarter with
significance markers, the top pain points and what changed, persona shifts, the validation status with the
evidence gaps, and links to the ten step pages (a failed step is marked). Every value that comes from a
workspace or from data is escaped.
"""

from __future__ import annotations

import html
import json
import math
from pathlib import Path

from .export import page
from .i18n import number
from .model import Journey
from .narrative import text
from .quarters import Quarter

Z95 = 1.959964

LABELS = {
    "steps": ("The ten steps", "Les dix étapes"),
    "failed": ("failed", "en échec"),
    "timeout": ("timed out", "délai dépassé"),
    "ok": ("done", "fait"),
    "run_failed": ("{n} step(s) failed: their pages say why; the other results are complete.",
                   "{n} étape(s) en échec : leur page dit pourquoi ; les autres résultats sont complets."),
    "objective": ("Objective", "Objectif"),
    "now": ("now", "actuel"),
    "target": ("target", "cible"),
    "by": ("by", "pour"),
    "kpis": ("KPIs against {previous}", "Indicateurs par rapport à {previous}"),
    "kpi": ("KPI", "Indicateur"),
    "change": ("change", "évolution"),
    "no_previous": ("No report of the previous quarter was found: changes cannot be shown yet.",
                    "Aucun rapport du trimestre précédent n'a été trouvé : les évolutions ne peuvent pas encore être montrées."),
    "significant": ("* significant at the 5% level", "* significatif au seuil de 5 %"),
    "pain_points": ("Top pain points", "Principaux irritants"),
    "new": ("new this quarter", "nouveau ce trimestre"),
    "gone": ("No longer detected: {items}", "Plus détectés : {items}"),
    "customers": ("customers", "clients"),
    "personas": ("Personas", "Personas"),
    "share": ("share", "part"),
    "validation": ("Validation of the map", "Validation de la carte"),
    "status_valid": ("valid", "valide"),
    "status_needs_changes": ("needs changes", "à modifier"),
    "status_invalid": ("does not match the data", "ne correspond pas aux données"),
    "conformance": ("of customers follow the map's order", "des clients suivent l'ordre de la carte"),
    "gaps": ("Stages resting on assumptions only: {items}", "Étapes ne reposant que sur des hypothèses : {items}"),
    "no_gaps": ("Every stage has evidence this quarter.", "Chaque étape dispose de preuves ce trimestre."),
    "changes": ("Changes to discuss at the next workshop", "Modifications à discuter au prochain atelier"),
    "missing": ("not available (step {step} did not produce it)", "non disponible (l'étape {step} ne l'a pas produit)"),
    "home": ("Summary", "Synthèse"),
    "review": ("Quarterly review {quarter}", "Revue trimestrielle {quarter}"),
}


def label(key: str, lang: str, **values: object) -> str:
    return LABELS[key][0 if lang == "en" else 1].format(**values)


def step_title(step: str, lang: str) -> str:
    """The step's title in ``lang``, from its narrative (``Step 4 · Map the stages``)."""
    return text(step, "title", lang).lstrip("# ").strip()


def navigation(runs, lang: str, current: str | None = None) -> str:
    links = [f'<a href="index.html">{html.escape(label("home", lang))}</a>']
    for run in runs:
        name = html.escape(step_title(run.step, lang).split("·")[0].strip())
        mark = "" if run.status == "ok" else " ⚠"
        style = ' style="font-weight:600"' if run.step == current else ""
        links.append(f'<a href="{run.step}.html"{style}>{name}{mark}</a>')
    return " ".join(links)


def _summary(folder: Path | None, step: str) -> dict | None:
    if folder is None or not (folder / f"{step}.json").exists():
        return None
    return json.loads((folder / f"{step}.json").read_text(encoding="utf-8"))


def _number(value, lang: str, decimals: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return number(value, f",.{decimals}f", lang)


def index_html(folder: Path, runs, journey: Journey, period: Quarter, lang: str, earlier: Path | None) -> str:
    e = html.escape
    title = f"{journey.name.get(lang)} · {label('review', lang, quarter=period)}"
    failed = [run for run in runs if run.status != "ok"]
    parts = [f"<h1>{e(title)}</h1>"]
    if failed:
        parts.append(f'<div class="failure">{e(label("run_failed", lang, n=len(failed)))}</div>')
    parts += [_objective(folder, earlier, lang), _kpis(folder, earlier, period, lang),
              _pain_points(folder, earlier, lang), _personas(folder, earlier, lang), _validation(folder, lang),
              _steps(runs, lang)]
    return page(title, "\n".join(part for part in parts if part), lang, navigation(runs, lang))


def _objective(folder, earlier, lang) -> str:
    now = _summary(folder, "01_define_objective")
    e = html.escape
    if now is None:
        return f"<h2>{e(label('objective', lang))}</h2><p class='muted'>{e(label('missing', lang, step=1))}</p>"
    current = now.get("current") or {}
    before = ((_summary(earlier, "01_define_objective") or {}).get("current")) or {}
    delta = _delta(current, before, higher_is_better=current.get("metric") not in ("ces", "churn"), lang=lang)
    target = "" if current.get("target") is None else (
        f"{e(label('target', lang))} {_number(current['target'], lang)}"
        + (f" {e(label('by', lang))} {e(now['horizon'])}" if now.get("horizon") else ""))
    return (f"<h2>{e(label('objective', lang))}</h2><p>{e(now.get('problem') or '')}</p>"
            f'<div class="cards"><div class="card"><div class="muted">{e(now.get("target_kpi") or "")}</div>'
            f'<div class="big">{_number(current.get("value"), lang)}</div>'
            f"<div>{e(label('now', lang))} {delta}</div><div class='muted'>{target}</div></div></div>")


def _delta(now: dict, before: dict, higher_is_better: bool, lang: str) -> str:
    """The change since last quarter, coloured by whether it is better, starred when significant."""
    value, previous = now.get("value"), before.get("value")
    if value is None or previous is None:
        return ""
    change = value - previous
    star = ""
    if None not in (now.get("low"), now.get("high"), before.get("low"), before.get("high")):
        se = math.hypot((now["high"] - now["low"]) / (2 * Z95), (before["high"] - before["low"]) / (2 * Z95))
        star = "*" if se > 0 and abs(change) / se >= Z95 else ""
    better = (change > 0) == higher_is_better
    arrow = "▲" if change > 0 else ("▼" if change < 0 else "=")
    css = "up" if better and change else ("down" if change else "muted")
    return f'<span class="{css}">{arrow} {"+" if change > 0 else ""}{_number(change, lang)}{star}</span>'


def _kpis(folder, earlier, period: Quarter, lang) -> str:
    now = _summary(folder, "08_align_business")
    e = html.escape
    heading = f"<h2>{e(label('kpis', lang, previous=period.previous()))}</h2>"
    if now is None:
        return heading + f"<p class='muted'>{e(label('missing', lang, step=8))}</p>"
    before = {row["kpi"]: row for row in ((_summary(earlier, "08_align_business") or {}).get("kpis") or [])}
    rows = []
    for row in now["kpis"]:
        delta = _delta(row, before.get(row["kpi"], {}), bool(row.get("higher_is_better", True)), lang)
        target = _number(row.get("target"), lang) if row.get("target") is not None else ""
        rows.append(f"<tr><td>{e(str(row.get('name') or row['kpi']))}</td><td>{_number(row.get('value'), lang)}"
                    f" {e(str(row.get('unit') or ''))}</td><td>{delta}</td><td>{target}</td>"
                    f"<td>{e(str(row.get('owner') or ''))}</td></tr>")
    note = "" if earlier is not None else f"<p class='muted'>{e(label('no_previous', lang))}</p>"
    head = "".join(f"<th>{e(h)}</th>" for h in (label("kpi", lang), label("now", lang), label("change", lang),
                                                   label("target", lang), "owner" if lang == "en" else "responsable"))
    return (heading + note + f"<table><tr>{head}</tr>{''.join(rows)}</table>"
            f"<p class='muted'>{e(label('significant', lang))}</p>")


def _pain_points(folder, earlier, lang) -> str:
    """The top detected pain points; those whose touchpoint had none last quarter are marked new."""
    now = _summary(folder, "07_find_pain_points")
    e = html.escape
    heading = f"<h2>{e(label('pain_points', lang))}</h2>"
    if now is None:
        return heading + f"<p class='muted'>{e(label('missing', lang, step=7))}</p>"
    points = now.get("pain_points") or []
    before = (_summary(earlier, "07_find_pain_points") or {}).get("pain_points") or []
    before_touchpoints = {point.get("touchpoint") for point in before}
    items = []
    for point in points[:5]:
        title = point.get(f"title_{lang}") or point.get("title_en") or point.get("id", "")
        new = (f' <span class="badge failed">{e(label("new", lang))}</span>'
               if earlier is not None and point.get("touchpoint") not in before_touchpoints else "")
        customers = point.get("customers_affected")
        size = f" ({_number(customers, lang, 0)} {e(label('customers', lang))})" if customers else ""
        items.append(f"<li>{e(title)}{size}{new}</li>")
    current = {point.get("touchpoint") for point in points}
    gone = [point.get(f"title_{lang}") or point.get("title_en", "") for point in before[:10]
            if point.get("touchpoint") not in current]
    gone_text = f"<p>{e(label('gone', lang, items='; '.join(gone[:5])))}</p>" if gone else ""
    return heading + f"<ol>{''.join(items)}</ol>" + gone_text


def _personas(folder, earlier, lang) -> str:
    now = _summary(folder, "03_build_personas")
    e = html.escape
    heading = f"<h2>{e(label('personas', lang))}</h2>"
    if now is None:
        return heading + f"<p class='muted'>{e(label('missing', lang, step=3))}</p>"
    before = {p.get("id"): p for p in ((_summary(earlier, "03_build_personas") or {}).get("personas") or [])}
    cards = []
    for persona in now.get("personas") or []:
        name = persona.get("name", {})
        name = name.get(lang) or name.get("en") if isinstance(name, dict) else str(name)
        share = persona.get("share")
        previous = before.get(persona.get("id"), {}).get("share")
        shift = ""
        if share is not None and previous is not None:
            change = 100 * (share - previous)
            shift = f" <span class='muted'>({'+' if change > 0 else ''}{_number(change, lang)} pt)</span>"
        cards.append(f'<div class="card"><strong>{e(name)}</strong><div class="big">'
                     f"{_number(None if share is None else 100 * share, lang, 0)} %</div>"
                     f"<div>{e(label('share', lang))}{shift}</div></div>")
    return heading + f'<div class="cards">{"".join(cards)}</div>'


def _validation(folder, lang) -> str:
    now = _summary(folder, "10_validate_and_refine")
    research = _summary(folder, "02_gather_research")
    e = html.escape
    heading = f"<h2>{e(label('validation', lang))}</h2>"
    if now is None:
        return heading + f"<p class='muted'>{e(label('missing', lang, step=10))}</p>"
    status = label(f"status_{now['status']}", lang)
    share = (now.get("conformance") or {}).get("conforming")
    conformance = "" if share is None else f" · {_number(100 * share, lang, 0)} % {e(label('conformance', lang))}"
    gaps = (research or {}).get("gaps") or []
    gap_text = e(label("gaps", lang, items=", ".join(gaps))) if gaps else e(label("no_gaps", lang))
    changes = "".join(f"<li>{e(change.get(lang) or change.get('en', ''))}</li>" for change in now.get("changes", [])[:8])
    return (heading + f"<p><strong>{e(status)}</strong>{conformance}</p><p>{gap_text}</p>"
            f"<h3>{e(label('changes', lang))}</h3><ul>{changes}</ul>")


def _steps(runs, lang) -> str:
    e = html.escape
    rows = "".join(
        f'<tr><td><a href="{run.step}.html">{e(step_title(run.step, lang))}</a></td>'
        f'<td><span class="badge {run.status}">{e(label(run.status, lang))}</span></td>'
        f"<td class='muted'>{e(run.error.splitlines()[0]) if run.error else ''}</td></tr>" for run in runs)
    return f"<h2>{e(label('steps', lang))}</h2><table>{rows}</table>"
