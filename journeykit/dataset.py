"""What a load returns (:func:`journeykit.loading.load`): the typed tables, their description, the findings."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import DataError, Problem
from .pii import PersonalColumn
from .workspace import Workspace


@dataclass
class Finding:
    """Something readable that deserves attention; ``count`` rows (or customers) are concerned."""

    table: str
    code: str
    message: str
    count: int
    examples: list[Any] = field(default_factory=list)


@dataclass
class TableInfo:
    """What was loaded for one logical table."""

    name: str
    files: list[str]
    rows: int
    columns: dict[str, str]  # journeykit column -> file column, for the columns that were found
    path: str = ""
    customers: int | None = None
    first: str | None = None
    last: str | None = None
    completeness: dict[str, float] = field(default_factory=dict)
    personal: list[dict[str, Any]] = field(default_factory=list)  # columns that look like personal data (pii)


@dataclass
class Dataset:
    """The validated data of a workspace: typed tables, their description and the findings."""

    workspace: Workspace
    tables: dict[str, TableInfo]
    findings: list[Finding]
    missing: list[str]

    def path(self, table: str) -> Path:
        """The typed Parquet file of ``table``; a clear error when the workspace has no such source."""
        if table not in self.tables:
            raise DataError([Problem(str(self.workspace.file), f"has no '{table}' source, which this step "
                                     f"needs. Add sources.{table} (see data/README.md in the workspace).")])
        return Path(self.tables[table].path)

    def has(self, table: str) -> bool:
        return table in self.tables

    @property
    def personal_data(self) -> list[PersonalColumn]:
        """Every file column that looks like personal data, and how the map uses it (see :mod:`journeykit.pii`)."""
        return [PersonalColumn(**column) for info in self.tables.values() for column in info.personal]
