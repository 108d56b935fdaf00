"""The fingerprints that let a load reuse its staged tables until a file or the map changes.

Each table's Parquet file under ``.journeykit/tables/`` is kept with the fingerprint of its files (path,
size, modification time), its mapping and the map (:func:`_fingerprint`); ``dataset.json`` keeps the
tables and findings of the last load with one fingerprint of every source (:func:`_dataset_fingerprint`).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from . import contract
from .dataset import Finding, TableInfo
from .files import write_atomic
from .model import Source
from .source_mapping import _files, _labels
from .workspace import Workspace

FORMAT_VERSION = 4  # 2: personal-data columns kept with each table; 3: events carry customer_key, in key
# order; 4: and each customer's following event


def _dataset_fingerprint(ws: Workspace) -> str | None:
    """One fingerprint of every source's files and mapping; ``None`` when a source has no file yet."""
    parts = []
    for name in contract.TABLES:
        source = getattr(ws.journey.sources, name)
        if source is None:
            continue
        files, problems = _files(ws, name, source)
        if problems:
            return None
        parts.append(_fingerprint(ws, name, source, files))
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def _cached_dataset(ws: Workspace, folder: Path) -> tuple[dict[str, TableInfo], list[Finding]] | None:
    """The tables and findings of the last load, when no file and no mapping changed since (no engine needed)."""
    meta_file = folder / "dataset.json"
    if not meta_file.exists():
        return None
    meta = json.loads(meta_file.read_text(encoding="utf-8"))
    if meta.get("fingerprint") != _dataset_fingerprint(ws):
        return None
    tables = {name: TableInfo(**info) for name, info in meta["tables"].items()}
    if not all(Path(info.path).exists() for info in tables.values()):
        return None
    return tables, [Finding(**item) for item in meta["findings"]]


def _remember_dataset(ws: Workspace, folder: Path, tables: dict[str, TableInfo], findings: list[Finding]) -> None:
    meta = {"fingerprint": _dataset_fingerprint(ws), "tables": {n: asdict(i) for n, i in tables.items()},
            "findings": [asdict(f) for f in findings]}
    write_atomic(folder / "dataset.json", json.dumps(meta, indent=1, default=str))


def _fingerprint(ws: Workspace, name: str, source: Source, files: list[Path]) -> str:
    journey = ws.journey
    parts: dict[str, Any] = {
        "format": FORMAT_VERSION,
        "source": source.model_dump(mode="json"),
        "files": [(str(f), f.stat().st_size, f.stat().st_mtime_ns) for f in files],
        "map": {"touchpoints": journey.event_to_touchpoint(), "channels": _labels(journey, "channels"),
                "stages": _labels(journey, "stages"), "touchpoint_names": _labels(journey, "touchpoints")},
    }
    if name != "customers" and journey.sources.customers is not None:
        parts["customers"] = journey.sources.customers.model_dump(mode="json")
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()
