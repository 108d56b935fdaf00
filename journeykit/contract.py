"""The data contract: the logical tables journeykit reads and the columns each one has.

A company maps its own file and column names onto these in ``journey.yaml`` (``sources:``); nothing has
to be renamed. A column's ``kind`` says how its text is read: ``id`` and ``text`` are kept as written,
``category`` is trimmed, ``number``/``integer`` accept decimal commas and thousands separators,
``date``/``timestamp`` accept ISO 8601, ``dd/mm/yyyy [hh:mm[:ss]]`` and French or English text dates
(``13 septembre 2024``), ``boolean`` accepts yes/no, oui/non, true/false, vrai/faux, 1/0.

``low``/``high`` bound a score: a value outside them is kept out of every metric and reported as a
finding (with its count), not as a reading error. ``interviews`` is a folder of transcripts, not a table
(see :mod:`journeykit.interviews`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["id", "text", "category", "number", "integer", "date", "timestamp", "boolean"]


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    required: bool = False
    low: float | None = None
    high: float | None = None
    help: str = ""

    def allowed(self) -> str:
        """What a reader of an error message needs to know about this column's values."""
        text = KIND_HELP[self.kind]
        if self.low is not None and self.high is not None:
            text += f" from {self.low:g} to {self.high:g}"
        return text


KIND_HELP: dict[str, str] = {
    "id": "an identifier",
    "text": "any text",
    "category": "a label",
    "number": "a number (1234.5, 1 234,5 or 1,234.5)",
    "integer": "a whole number",
    "date": "a date (2026-09-13, 13/09/2026 or 13 septembre 2026)",
    "timestamp": "a date and time (2026-09-13 14:05:00, 13/09/2026 14:05 or an ISO 8601 value with offset)",
    "boolean": "yes/no, oui/non, true/false, vrai/faux or 1/0",
}


TABLES: dict[str, tuple[Column, ...]] = {
    "customers": (
        Column("customer_id", "id", required=True, help="the customer's identifier, as in the other tables"),
        Column("signup_date", "date", help="when the customer relationship started"),
        Column("segment", "category", help="the company's own segment, if any"),
        Column("region", "category"),
        Column("plan", "category", help="product, plan or contract"),
        Column("monthly_value", "number", help="revenue per month (any currency, used for sizing)"),
        Column("churned", "boolean", help="whether the customer has left"),
        Column("churn_date", "date"),
    ),
    "events": (
        Column("customer_id", "id", required=True),
        Column("timestamp", "timestamp", required=True),
        Column("touchpoint", "category", required=True, help="event name; mapped to touchpoint ids"),
        Column("channel", "category", required=True),
        Column("session_id", "id"),
        Column("stage", "category", help="stage id, when the log records it"),
    ),
    "survey": (
        Column("response_id", "id"),
        Column("customer_id", "id"),
        Column("date", "timestamp", required=True),
        Column("touchpoint", "category"),
        Column("stage", "category"),
        Column("nps", "integer", low=0, high=10, help="likelihood to recommend, 0-10"),
        Column("csat", "integer", low=1, high=5, help="satisfaction, 1-5"),
        Column("ces", "integer", low=1, high=7, help="customer effort, 1 (low effort) to 7"),
        Column("comment", "text"),
        Column("language", "category", help="en or fr; detected when absent"),
    ),
    "tickets": (
        Column("ticket_id", "id", required=True),
        Column("customer_id", "id", required=True),
        Column("opened_at", "timestamp", required=True),
        Column("closed_at", "timestamp"),
        Column("channel", "category"),
        Column("category", "category"),
        Column("touchpoint", "category"),
        Column("stage", "category"),
        Column("first_contact_resolved", "boolean"),
        Column("satisfaction", "integer", low=1, high=5),
    ),
}

TABLE_NAMES = (*TABLES, "interviews")

# The time column that places a row in a quarter.
TIME_COLUMNS = {"customers": "signup_date", "events": "timestamp", "survey": "date", "tickets": "opened_at"}

# Columns whose values must be ids of the map (after ``values:`` and touchpoint ``events:`` mapping).
MAP_REFERENCES = {
    ("events", "touchpoint"): "touchpoint",
    ("events", "channel"): "channel",
    ("events", "stage"): "stage",
    ("survey", "touchpoint"): "touchpoint",
    ("survey", "stage"): "stage",
    ("tickets", "touchpoint"): "touchpoint",
    ("tickets", "stage"): "stage",
    ("tickets", "channel"): "channel",
}


def column(table: str, name: str) -> Column:
    """The contract's column ``name`` of ``table``.

    Examples
    --------
    >>> column("survey", "nps").allowed()
    'a whole number from 0 to 10'
    """
    for spec in TABLES[table]:
        if spec.name == name:
            return spec
    known = ", ".join(spec.name for spec in TABLES[table])
    raise KeyError(f"{table} has no column {name!r}. Known: {known}")
