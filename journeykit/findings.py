"""Findings of a load: what can be read but deserves attention (:mod:`journeykit.loading`).

Inside one table: duplicate rows (or customer ids), scores outside their scale (blanked after being
counted), dates before :data:`EARLIEST` or in the future, tickets closed before they were opened (their
closing time blanked), touchpoints that are not on the map. Across tables: activity of customers that the
CRM does not know.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from . import contract
from .dataset import Finding, TableInfo
from .model import Journey
from .readers import q

EARLIEST = datetime(1990, 1, 1)


def plural(count: int, noun: str) -> str:
    """``1 row``, ``2 rows``, ``1,234 customers``."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def _duplicate_findings(con, name: str) -> list[Finding]:
    before = con.execute(f"SELECT count(*) FROM {q(name + '__all')}").fetchone()[0]
    after = con.execute(f"SELECT count(*) FROM {q(name)}").fetchone()[0]
    if before == after:
        return []
    if name == "customers":
        examples = [row[0] for row in con.execute(
            f"SELECT customer_id FROM {q(name + '__all')} GROUP BY 1 HAVING count(*) > 1 ORDER BY 1 LIMIT 3"
        ).fetchall()]
        return [Finding(name, "duplicate_ids", f"repeated customer ids: {plural(before - after, 'row')}; the first "
                        "row of each customer is used", before - after, examples)]
    return [Finding(name, "duplicate_rows", f"exact duplicate rows: {before - after:,}; each is counted once", before - after)]


def _table_findings(con, journey: Journey, name: str) -> list[Finding]:
    """Findings inside one (deduplicated) table; out-of-range scores are blanked after being counted."""
    table = q(name)
    findings = []
    for spec in contract.TABLES[name]:
        if spec.low is None or spec.high is None:
            continue
        column = q(spec.name)
        outside = f"{column} < {spec.low} OR {column} > {spec.high}"
        count, values = con.execute(f"SELECT count(*), list(DISTINCT {column} ORDER BY {column}) FILTER "
                                    f"(WHERE {outside}) FROM {table} WHERE {outside}").fetchone()
        if count:
            findings.append(Finding(name, "out_of_range", f"{spec.name} outside {spec.low:g}-{spec.high:g}: "
                                    f"{plural(count, 'value')} ({', '.join(map(str, (values or [])[:5]))}); "
                                    "counted in no metric", count, list(values or [])[:5]))
            con.execute(f"UPDATE {table} SET {column} = NULL WHERE {outside}")
    time_column = contract.TIME_COLUMNS.get(name)
    if time_column:
        latest = datetime.now() + timedelta(days=1)
        count, examples = con.execute(
            f"SELECT count(*), list(DISTINCT CAST({q(time_column)} AS VARCHAR))[:3] FROM {table} WHERE "
            f"{q(time_column)} < ? OR {q(time_column)} > ?", [EARLIEST, latest]).fetchone()
        if count:
            findings.append(Finding(name, "implausible_dates", f"{time_column} before {EARLIEST:%Y} or in the "
                                    f"future: {plural(count, 'value')}", count, examples or []))
    if name == "tickets":
        count = con.execute(f"SELECT count(*) FROM {table} WHERE closed_at < opened_at").fetchone()[0]
        if count:
            findings.append(Finding(name, "time_order", f"tickets closed before they were opened: "
                                    f"{count:,}; their resolution time is left blank", count))
            con.execute(f"UPDATE {table} SET closed_at = NULL WHERE closed_at < opened_at")
    if name in ("events", "survey", "tickets"):
        known = set(journey.event_to_touchpoint().values())
        rows = con.execute(f"SELECT touchpoint, count(*), count(DISTINCT customer_id) FROM {table} WHERE "
                           "touchpoint IS NOT NULL GROUP BY 1 ORDER BY 2 DESC").fetchall()
        unmapped = [(value, count, customers) for value, count, customers in rows if value not in known]
        if unmapped:
            total = sum(count for _, count, _ in unmapped)
            listing = ", ".join(f"{value!r} ({plural(count, 'row')}, {plural(customers, 'customer')})"
                                for value, count, customers in unmapped[:5])
            findings.append(Finding(name, "unmapped_touchpoint", f"touchpoints not on the map: {listing}; "
                                    f"{plural(total, 'row')} in all", total, [value for value, _, _ in unmapped[:20]]))
    return findings


def _cross_findings(con, tables: dict[str, TableInfo]) -> list[Finding]:
    """Findings across tables: activity of customers that the CRM does not know."""
    if "customers" not in tables:
        return []
    findings = []
    for name in ("events", "survey", "tickets"):
        if name not in tables:
            continue
        count, rows, examples = con.execute(
            f"SELECT count(DISTINCT t.customer_id), count(*), list(DISTINCT t.customer_id)[:3] FROM {q(name)} t "
            f"ANTI JOIN customers c USING (customer_id) WHERE t.customer_id IS NOT NULL").fetchone()
        if count:
            findings.append(Finding(name, "unknown_customers", f"customers not in the customers table: {count:,} "
                                    f"({plural(rows, 'row')} of {name}); they count in totals but have no profile",
                                    count, examples or []))
    return findings
