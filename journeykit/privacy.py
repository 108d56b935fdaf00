"""Privacy by default: what leaves journeykit never shows who a customer is.

- :func:`redact` removes e-mail addresses, phone numbers (French and international formats), IBANs and
  street addresses from any text before it reaches a chart, a table or a report.
- :func:`pseudonym` replaces a customer identifier by a keyed hash (HMAC-SHA256); the key lives in the
  workspace (``pseudonym.key``), never in a report, so the same customer keeps the same pseudonym from one
  quarter to the next while nobody holding a report can reverse it.
- :func:`suppress_small` blanks the statistics of groups smaller than the workspace's
  ``privacy.min_group_size`` (10 by default) and says so.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import tempfile
from pathlib import Path

import pandas as pd

KEY_FILE = "pseudonym.key"

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?\b")
_PHONE = re.compile(
    r"(?<![\w+])(?:"
    r"(?:\+|00)\d{1,3}[\s.\-]?\(?0?\)?(?:[\s.\-]?\d){6,12}"  # international: +33 6 12 34 56 78, +44 7700 900123
    r"|0\d(?:[\s.\-]?\d{2}){4}"  # French national: 06 12 34 56 78, 01.23.45.67.89
    r"|0\d{3,4}[\s.\-]?\d{3}[\s.\-]?\d{3,4}"  # UK national: 07700 900123, 020 7946 0958
    r")(?!\w)"
)
_STREET_WORDS = (r"rue|avenue|av\.|boulevard|bd|chemin|allée|allee|place|impasse|quai|cours|route|"
                 r"street|st\.|road|rd\.|lane|drive|avenue|way|close|square")
_ADDRESS = re.compile(
    rf"\b\d{{1,4}}(?:\s?(?:bis|ter))?,?\s+(?:{_STREET_WORDS})\b[^,.;\n]{{2,60}}"
    r"(?:,?\s*\d{5}\s+[A-ZÉÈa-zéèêàç' -]{2,40})?",
    re.IGNORECASE,
)

TOKENS = {
    "en": {"email": "[e-mail]", "phone": "[phone]", "iban": "[IBAN]", "address": "[address]"},
    "fr": {"email": "[e-mail]", "phone": "[téléphone]", "iban": "[IBAN]", "address": "[adresse]"},
}


def redact(text: str | None, lang: str = "en") -> str | None:
    """``text`` with personal data replaced by a bracketed token.

    Examples
    --------
    >>> redact("Write to marie.dupont@example.fr or call 06 12 34 56 78.")
    'Write to [e-mail] or call [phone].'
    >>> redact("Appelez le +33 6 12 34 56 78 ou +44 7700 900123", lang="fr")
    'Appelez le [téléphone] ou [téléphone]'
    >>> redact("IBAN FR76 3000 6000 0112 3456 7890 189, 12 rue de la Paix, 75002 Paris")
    'IBAN [IBAN], [address]'
    >>> redact("Order 123456 arrived on 12/09/2026 at 10:30")
    'Order 123456 arrived on 12/09/2026 at 10:30'
    """
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return None
    tokens = TOKENS[lang]
    text = _EMAIL.sub(tokens["email"], str(text))
    text = _IBAN.sub(tokens["iban"], text)
    text = _ADDRESS.sub(tokens["address"], text)
    return _PHONE.sub(tokens["phone"], text)


def key_for(workspace_path: str | Path) -> bytes:
    """The workspace's pseudonymisation key, created (random, 256 bits) on first use."""
    file = Path(workspace_path) / KEY_FILE
    if not file.exists():
        # steps run in parallel: the first to link its key wins, the others read that one
        handle, name = tempfile.mkstemp(prefix=f".{KEY_FILE}.", dir=file.parent)  # private: rw-------
        with os.fdopen(handle, "w", encoding="ascii") as stream:
            stream.write(secrets.token_hex(32) + "\n")
        try:
            os.link(name, file)
        except FileExistsError:
            pass
        finally:
            os.unlink(name)
    return bytes.fromhex(file.read_text(encoding="ascii").strip())


def pseudonym(customer_id: object, key: bytes) -> str:
    """A stable, non-reversible stand-in for a customer id.

    Examples
    --------
    >>> pseudonym("VRD-000123", b"k" * 32) == pseudonym("VRD-000123", b"k" * 32)
    True
    >>> pseudonym("VRD-000123", b"k" * 32).startswith("C-"), len(pseudonym("x", b"k"))
    (True, 12)
    """
    digest = hmac.new(key, str(customer_id).encode("utf-8"), hashlib.sha256).hexdigest()
    return f"C-{digest[:10]}"


def suppress_small(frame: pd.DataFrame, size_column: str, min_size: int,
                   columns: list[str] | None = None) -> pd.DataFrame:
    """A copy where rows whose ``size_column`` is below ``min_size`` have their statistics blanked.

    ``columns`` are the statistics to blank (default: every numeric column but the size); a boolean
    ``suppressed`` column says which rows were blanked, so a page can say that a group was hidden.

    Examples
    --------
    >>> frame = pd.DataFrame({"group": ["a", "b"], "n": [12, 3], "nps": [40.0, -10.0]})
    >>> suppress_small(frame, "n", 10)[["group", "nps", "suppressed"]].to_dict("records")
    [{'group': 'a', 'nps': 40.0, 'suppressed': False}, {'group': 'b', 'nps': nan, 'suppressed': True}]
    """
    result = frame.copy()
    small = result[size_column].fillna(0) < min_size
    if columns is None:
        columns = [c for c in result.select_dtypes("number").columns if c != size_column]
    for column in columns:
        result[column] = result[column].astype("float64").where(~small)
    result["suppressed"] = small.to_numpy()
    return result
