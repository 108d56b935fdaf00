"""Tables for people: a result frame with headers in the reader's language and readable numbers.

Examples
--------
>>> import pandas as pd
>>> frame = pd.DataFrame({"stage": ["Buy"], "customers": [1234], "conversion": [0.4567], "median_days": [2.345]})
>>> readable(frame, "fr", percent=["conversion"]).to_dict("records")
[{'Étape': 'Buy', 'Clients': '1 234', 'Passage': '45,7 %', 'Jours médians': '2,3'}]
"""

from __future__ import annotations

import pandas as pd

from .i18n import LANGS

COLUMNS: dict[str, dict[str, str]] = {
    "stage": {"en": "Stage", "fr": "Étape"},
    "name": {"en": "Name", "fr": "Nom"},
    "id": {"en": "Id", "fr": "Identifiant"},
    "order": {"en": "Order", "fr": "Ordre"},
    "touchpoints": {"en": "Touchpoints", "fr": "Points de contact"},
    "touchpoint": {"en": "Touchpoint", "fr": "Point de contact"},
    "channel": {"en": "Channel", "fr": "Canal"},
    "kind": {"en": "Kind", "fr": "Type"},
    "owner": {"en": "Owner", "fr": "Responsable"},
    "group": {"en": "Group", "fr": "Groupe"},
    "persona": {"en": "Persona", "fr": "Persona"},
    "customers": {"en": "Customers", "fr": "Clients"},
    "converted": {"en": "Went further", "fr": "Sont allés plus loin"},
    "conversion": {"en": "Conversion", "fr": "Passage"},
    "drop_off": {"en": "Drop-off", "fr": "Déperdition"},
    "median_days": {"en": "Median days", "fr": "Jours médians"},
    "events": {"en": "Events", "fr": "Événements"},
    "rows": {"en": "Rows", "fr": "Lignes"},
    "share": {"en": "Share", "fr": "Part"},
    "value": {"en": "Value", "fr": "Valeur"},
    "target": {"en": "Target", "fr": "Cible"},
    "low": {"en": "95% low", "fr": "Borne basse 95 %"},
    "high": {"en": "95% high", "fr": "Borne haute 95 %"},
    "n": {"en": "Observations", "fr": "Observations"},
    "warning": {"en": "Note", "fr": "Remarque"},
    "table": {"en": "Table", "fr": "Table"},
    "files": {"en": "Files", "fr": "Fichiers"},
    "first": {"en": "From", "fr": "Du"},
    "last": {"en": "To", "fr": "Au"},
    "unit": {"en": "Unit", "fr": "Unité"},
    "metric": {"en": "Metric", "fr": "Mesure"},
    "on_track": {"en": "On track", "fr": "En bonne voie"},
    "reach": {"en": "Customers reached", "fr": "Clients touchés"},
    "volume": {"en": "Events", "fr": "Événements"},
    "responses": {"en": "Responses", "fr": "Réponses"},
    "tickets": {"en": "Tickets", "fr": "Tickets"},
    "quotes": {"en": "Quotes", "fr": "Citations"},
    "evidence": {"en": "Evidence", "fr": "Éléments de preuve"},
    "status": {"en": "Status", "fr": "Statut"},
    "rows_in_quarter": {"en": "Rows in the quarter", "fr": "Lignes du trimestre"},
    "customers_in_quarter": {"en": "Customers in the quarter", "fr": "Clients du trimestre"},
    "suggested_stage": {"en": "Likely stage", "fr": "Étape probable"},
    "message": {"en": "Finding", "fr": "Constat"},
    "count": {"en": "Count", "fr": "Nombre"},
    "column": {"en": "Column", "fr": "Colonne"},
    "days_since_last": {"en": "Days since last seen", "fr": "Jours depuis la dernière trace"},
    "from_stage": {"en": "From", "fr": "De"},
    "to_stage": {"en": "To", "fr": "Vers"},
    "change": {"en": "Change", "fr": "Écart"},
    "significant": {"en": "Significant (5%)", "fr": "Significatif (5 %)"},
    "better": {"en": "Better", "fr": "Mieux"},
    "previous": {"en": "Previous quarter", "fr": "Trimestre précédent"},
}


def _number(value: float, lang: str, decimals: int) -> str:
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\u202f").replace(".", ",").replace("\u202f", " ") if lang == "fr" else text


def readable(frame: pd.DataFrame, lang: str, percent: list[str] | tuple[str, ...] = (),
             decimals: int = 1, hide: list[str] | tuple[str, ...] = ()) -> pd.DataFrame:
    """A copy of ``frame`` with translated headers, thousands separators, percentages and blanks for NaN.

    ``percent`` lists the columns holding shares (0-1); other floats get ``decimals`` decimals; ``hide``
    drops helper columns.
    """
    if lang not in LANGS:
        raise ValueError(f"lang must be 'en' or 'fr'. Got {lang!r} instead.")
    result = frame.drop(columns=[c for c in hide if c in frame.columns]).copy()
    for column in result.columns:
        series = result[column]
        if column in percent:
            result[column] = series.map(lambda v: "" if pd.isna(v) else
                                        _number(100 * v, lang, decimals) + (" %" if lang == "fr" else "%"))
        elif pd.api.types.is_bool_dtype(series) or pd.api.types.is_object_dtype(series) or \
                pd.api.types.is_string_dtype(series):
            result[column] = series.map(lambda v: "" if v is None or (isinstance(v, float) and pd.isna(v)) else
                                        (("oui" if v else "non") if lang == "fr" else ("yes" if v else "no"))
                                        if isinstance(v, bool) else str(v))
        elif pd.api.types.is_integer_dtype(series):
            result[column] = series.map(lambda v: "" if pd.isna(v) else _number(v, lang, 0))
        elif pd.api.types.is_float_dtype(series):
            whole = bool(((series.dropna() % 1) == 0).all())
            result[column] = series.map(lambda v: "" if pd.isna(v) else _number(v, lang, 0 if whole else decimals))
    result.columns = [COLUMNS.get(column, {}).get(lang, column) for column in result.columns]
    return result
