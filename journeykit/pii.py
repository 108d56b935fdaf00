"""Which columns of a company's exports look like personal data, and whether the map reads them.

``journeykit check`` lists every such column so that an analyst sees what a CRM export carries before it
reaches a report. A column is flagged by its **name** (``E-mail``, ``Téléphone``, ``Date de naissance``,
``Nom``...) or by a **sample of its content** (up to :data:`SAMPLE_ROWS` rows): e-mail addresses, phone
numbers (French and international formats), IBANs, postal addresses and first names (the first
:data:`MAX_CONTENT_COLUMNS` text columns of a file); raw customer ids by name and by their mapping.

The check says how each flagged column is used: as the customer id (pseudonymised in every output, see
:func:`journeykit.privacy.pseudonym`), as free text (redacted before any output, see
:func:`journeykit.privacy.redact`), as another mapped column or attribute (its values can reach reports:
map it only if that is intended), or not at all (read by this check only).

Examples
--------
>>> [kind for kind, _ in name_kinds("E-mail du client")], [kind for kind, _ in name_kinds("event_name")]
(['email'], [])
>>> [kind for kind, _ in name_kinds("Date de naissance")], [kind for kind, _ in name_kinds("N° client")]
(['birth_date'], ['identifier'])
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .privacy import _ADDRESS, _EMAIL, _IBAN, _PHONE

SAMPLE_ROWS = 20_000
MAX_CONTENT_COLUMNS = 200  # text columns whose content is sampled (all are checked by name)
KINDS = {
    "email": "e-mail addresses",
    "phone": "phone numbers",
    "iban": "IBANs",
    "address": "postal addresses",
    "name": "person names",
    "birth_date": "birth dates",
    "identifier": "raw customer identifiers",
}

# Column names, folded (lower case, no accent); searched, so "E-mail du client" and "contact_phone" match.
_NAMES = {
    "email": r"e-?mail|courriel|mail address|adresse mail",
    "phone": r"phone|telephone|\btel\b|mobile|portable|\bgsm\b|cell(ular)?\b",
    "iban": r"\biban\b|\brib\b|\bbic\b|account number|numero de compte|bank account",
    "address": r"address|adresse|street|\brue\b|post ?code|code postal|\bzip\b|\bcp\b",
    "name": r"^(first|last|full|given|family|sur|customer|client|contact|user)? ?name$|^(pre)?nom( (de famille|"
            r"complet|du client|client|de naissance))?$|^surname$|^prenom$|^nom prenom$",
    "birth_date": r"birth|\bdob\b|naissance|\bborn\b|anniversaire",
    "identifier": r"^(n ?°|no|num|numero|number|id|identifiant|code|ref) ?(de |du )?(client|customer|user|"
                  r"adherent|member|abonne|account|compte)$|^(client|customer|user|member|account|respondent|"
                  r"adherent|abonne)( ?(id|n ?°|no|number|numero|code|ref))?$",
}

_FLAGS = (r"opt ?-?in|opt ?-?out|consent|newsletter|verified|valid|bounce|accepte|\bok\b|sent|envoye|opened|ouvert|"
          r"click|clic|count|nb\b|nombre")

# Content, as RE2 patterns that DuckDB runs on the sampled cells (searched: free text that holds one counts).
CONTENT = {
    "email": r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}",
    "phone": r"(^|[^\w+])((\+|00)[1-9]\d{0,2}[ .-]?(\(0\))?[ .-]?\d([ .-]?\d){6,11}|0[1-9]([ .-]?\d{2}){4}|"
             r"0\d{3,4}[ .-]?\d{3}[ .-]?\d{3,4})($|[^\w])",
    "iban": r"(^|[^A-Za-z0-9])[A-Z]{2}\d{2}( ?[A-Z0-9]{4}){2,7}( ?[A-Z0-9]{1,4})?($|[^A-Za-z0-9])",
    "address": r"(?i)(^|[^\w])\d{1,4}( ?(bis|ter))?,? (rue|avenue|boulevard|bd|chemin|allee|allée|impasse|quai|"
               r"place|route|street|road|lane|drive|way|close|square)\s+\S",
    "name": r"^(?i)(marie|jean|pierre|michel|philippe|nathalie|isabelle|sophie|camille|julie|thomas|nicolas|"
            r"julien|manon|emma|lea|léa|chloe|chloé|lucas|hugo|louis|paul|anne|claire|laura|sarah|david|james|"
            r"john|robert|michael|william|mary|patricia|jennifer|linda|elizabeth|emily|olivia|jack|harry|"
            r"george|oliver|charlotte|amelia|jessica|daniel|matthew|andrew|christophe|stephane|stéphane|"
            r"laurent|sandrine|celine|céline|aurelie|aurélie|francois|françois|antoine|alexandre|mohamed)"
            r"([ -][A-Za-zÀ-ÿ'-]+){1,3}$",
}


@dataclass
class PersonalColumn:
    """A file column that looks like personal data; ``used_as`` is how the map reads it (``None``: it does not)."""

    table: str
    file: str
    column: str
    kinds: list[str]
    evidence: list[str]
    used_as: str | None = None

    def describe(self) -> str:
        """One line for ``journeykit check``."""
        what = ", ".join(KINDS[kind] for kind in self.kinds)
        return f"{self.table}, {self.file}, column {self.column!r}: {what} ({'; '.join(self.evidence)}); {usage(self)}"


def usage(column: PersonalColumn) -> str:
    """What journeykit does with a flagged column, in words."""
    if column.used_as is None:
        return "not used by the map (read by this check only)"
    if column.used_as == "customer_id":
        return "used as customer_id: pseudonymised in every output"
    if column.used_as == "quotes":
        return "used as quotes: e-mails, phones, IBANs and addresses are redacted before any output"
    if column.used_as == "comment":
        return "used as comment: e-mails, phones, IBANs and addresses are redacted before any output"
    if column.used_as.startswith("attribute"):
        return f"used as {column.used_as}: its values can reach persona profiles; remove it unless needed"
    return f"used as {column.used_as}: its values can reach reports; map another column unless needed"


def fold(text: str) -> str:
    """Lower case without accents, separators as spaces: ``"N°_Client"`` -> ``"n° client"``."""
    text = "".join(c for c in unicodedata.normalize("NFKD", str(text)) if not unicodedata.combining(c))
    return re.sub(r"[\s_.]+", " ", text.lower()).strip()


def name_kinds(column: str) -> list[tuple[str, str]]:
    """The personal-data kinds that a column's name announces, each with its evidence.

    A consent or status flag about a channel (``Opt-in e-mail``, ``email_verified``) is not the address.
    """
    folded = fold(column)
    if re.search(_FLAGS, folded):
        return []
    return [(kind, "by name") for kind, pattern in _NAMES.items() if re.search(pattern, folded)]


def content_kinds(con, table: str, column: str) -> list[tuple[str, str]]:
    """The kinds found in ``column`` of the engine table ``table`` (a sample of a file), each with its evidence."""
    from .readers import q

    cell = f"NULLIF(trim(CAST({q(column)} AS VARCHAR)), '')"
    quoted = {kind: "'" + pattern.replace("'", "''") + "'" for kind, pattern in CONTENT.items()}
    # an IBAN holds digit groups that read like a phone number: look for phones once IBANs are removed
    text = {kind: f"regexp_replace(v, {quoted['iban']}, ' ', 'g')" if kind == "phone" else "v" for kind in CONTENT}
    counts = ", ".join(f"count(*) FILTER (WHERE regexp_matches({text[kind]}, {quoted[kind]}))" for kind in CONTENT)
    row = con.execute(f"SELECT count(v), {counts} FROM (SELECT {cell} AS v FROM {q(table)}) WHERE v IS NOT NULL"
                      ).fetchone()
    sampled, found = row[0], row[1:]
    # a name is a whole cell: a few in a text column are a persona or a product, a fifth of the cells are people
    return [(kind, f"by content: {count:,} of {sampled:,} sampled values")
            for kind, count in zip(CONTENT, found) if count and (kind != "name" or 5 * count >= sampled)]


def scan(con, table: str, columns: dict[str, str], table_name: str, file: str,
         used: dict[str, str]) -> list[PersonalColumn]:
    """Every column of the engine table ``table`` (a file read as it is) that looks like personal data.

    ``columns`` maps each file column to its engine type; ``used`` maps a file column to how the map reads
    it (``customer_id``, ``comment``, ``attribute 'Âge'``...).
    """
    from .readers import q

    texts = [column for column, kind in columns.items() if kind == "VARCHAR" and not column.startswith("__")]
    sample = f"{table}__pii_sample"
    if texts:  # one sample of the file's rows, read once; a very wide file has its first columns read
        listed = ", ".join(q(column) for column in texts[:MAX_CONTENT_COLUMNS])
        con.execute(f"CREATE OR REPLACE TEMP TABLE {q(sample)} AS SELECT {listed} FROM {q(table)} "
                    f"USING SAMPLE reservoir({SAMPLE_ROWS} ROWS) REPEATABLE (7)")
    flagged = []
    for column, kind in columns.items():
        if column.startswith("__"):
            continue
        found = name_kinds(column)
        if column in texts[:MAX_CONTENT_COLUMNS]:
            found += content_kinds(con, sample, column)
        if used.get(column) == "customer_id":
            found.append(("identifier", "mapped to customer_id"))
        if not found:
            continue
        kinds = list(dict.fromkeys(kind for kind, _ in found))
        evidence = list(dict.fromkeys(f"{kind} {how}" if len(kinds) > 1 else how for kind, how in found))
        flagged.append(PersonalColumn(table_name, file, column, kinds, evidence, used.get(column)))
    con.execute(f"DROP TABLE IF EXISTS {q(sample)}")
    return flagged


def merged(columns: list[PersonalColumn]) -> list[PersonalColumn]:
    """One entry per table and column when a source reads several files (``data/events_*.parquet``)."""
    by_column: dict[tuple[str, str], list[PersonalColumn]] = {}
    for column in columns:
        by_column.setdefault((column.table, column.column), []).append(column)
    result = []
    for same in by_column.values():
        first = same[0]
        kinds = list(dict.fromkeys(kind for column in same for kind in column.kinds))
        evidence = list(dict.fromkeys(item for column in same for item in column.evidence))
        file = first.file if len(same) == 1 else f"{first.file} and {len(same) - 1} more file(s)"
        result.append(PersonalColumn(first.table, file, first.column, kinds, evidence, first.used_as))
    return result


def transcripts(texts: dict[str, list[str]], folder: str, with_ids: int = 0) -> list[PersonalColumn]:
    """The interview quotes (``texts``: file -> its quotes) that hold personal data, as one entry.

    ``with_ids`` counts the transcripts whose front matter gives a ``customer_id``.

    Examples
    --------
    >>> found = transcripts({"i1.md": ["Call me on 06 39 98 12 34"], "i2.md": ["Fine."]}, "interviews")
    >>> found[0].kinds, found[0].evidence
    (['phone'], ['phone in 1 of 2 transcripts'])
    """
    patterns = {"email": _EMAIL, "phone": _PHONE, "iban": _IBAN, "address": _ADDRESS}
    hits = {kind: sum(any(pattern.search(quote) for quote in quotes) for quotes in texts.values())
            for kind, pattern in patterns.items()}
    kinds = [kind for kind, count in hits.items() if count]
    evidence = [f"{kind} in {hits[kind]} of {len(texts)} transcripts" for kind in kinds]
    if with_ids:
        kinds.append("identifier")
        evidence.append(f"customer_id in the front matter of {with_ids} of {len(texts)} transcripts")
    if not kinds:
        return []
    return [PersonalColumn("interviews", folder, "quotes", kinds, evidence, "quotes")]
