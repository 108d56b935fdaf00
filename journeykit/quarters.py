"""Calendar quarters, written ``2026Q3``: the period every quarterly measure covers.

Examples
--------
>>> Quarter.parse("2026Q3").start, Quarter.parse("2026Q3").end
(datetime.datetime(2026, 7, 1, 0, 0), datetime.datetime(2026, 10, 1, 0, 0))
>>> str(Quarter.parse("2026Q1").previous())
'2025Q4'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from .errors import ParameterError


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int

    @classmethod
    def parse(cls, text: object, name: str = "quarter", function: str = "journeykit") -> "Quarter":
        """Read ``2026Q3`` (also ``2026-Q3`` and ``2026q3``); a clear error for anything else."""
        match = re.fullmatch(r"\s*(\d{4})\s*-?\s*[Qq]([1-4])\s*", str(text)) if isinstance(text, str) else None
        if match is None:
            raise ParameterError.invalid(name, function, "a quarter written like '2026Q3'", text)
        return cls(int(match.group(1)), int(match.group(2)))

    @property
    def start(self) -> datetime:
        return datetime(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> datetime:
        """The first instant after the quarter (exclusive bound)."""
        return self.next().start

    def previous(self) -> "Quarter":
        return Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)

    def next(self) -> "Quarter":
        return Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)

    def __str__(self) -> str:
        return f"{self.year}Q{self.number}"
