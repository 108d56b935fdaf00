"""The sample workspace: Verdure, a plant-delivery subscription sold in France and the UK.

:func:`generate` writes a complete, realistic workspace (``journey.yaml``, a French Excel CRM export, an
analytics event log in Parquet, survey answers, support tickets, interview transcripts) from one seed, so
that every step of journeykit can be demonstrated and tested on data whose answers are known. The same
seed always gives the same bytes in every file.

Facts are planted in the data for the analyses to recover; the constants of this module name them, and
``README.md`` in the generated folder gives their measured numbers:

- four behavioural personas (:data:`PERSONAS`, shares :data:`PERSONA_SHARES`) that are in no data column
  (the truth is in ``truth/personas.csv``, read by :func:`ground_truth`);
- a friction point: the app's payment step fails often in :data:`FRICTION_QUARTER`, and is fixed in the
  next quarter;
- a stage that gets worse: :data:`WORSENING_STAGE` (first delivery) in :data:`WORSENING_QUARTER`;
- an event that no touchpoint maps (:data:`UNMAPPED_EVENT`);
- personal data in free text (:data:`PII_PATTERNS`) and counted data-quality defects.

This module is the entry point; the work is shared by modules named for each part, in the order they run:
``sample_facts`` (the constants above), ``sample_journey`` (the workshop's map), ``sample_customers`` (the
customers and the CRM export), ``sample_simulation`` (the two quarters of journeys and events),
``sample_feedback`` (survey answers and tickets), ``sample_interviews`` (transcripts) and ``sample_readme``
(the READMEs, measured on the written tables). The words of the verbatims and interviews are YAML files in
``journeykit/data/sample/``, read by ``sample_texts``.

Examples
--------
>>> import journeykit.sample as sample
>>> sample.FRICTION_TOUCHPOINT, sample.FRICTION_CHANNEL, sample.FRICTION_QUARTER
('checkout_payment', 'app', '2026Q2')
>>> sample.PERSONAS
('app_enthusiast', 'bargain_hunter', 'expert_gardener', 'gift_buyer')
"""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from .sample_customers import ACQUISITION, PLANS, REGIONS_FR, REGIONS_UK, SEGMENTS, _crm, _customers
from .sample_facts import (
    COMPANY,
    DAMAGED_RATE,
    FRICTION_CHANNEL,
    FRICTION_EVENTS,
    FRICTION_NEXT_EVENT,
    FRICTION_QUARTER,
    FRICTION_STAGE,
    FRICTION_SURVEY_CODE,
    FRICTION_TOUCHPOINT,
    N_CUSTOMERS,
    N_DUPLICATE_SURVEY_ROWS,
    N_INTERVIEWS_WITH_PII,
    N_NPS_OUT_OF_RANGE,
    N_ORPHAN_EVENTS,
    N_TICKETS_RESOLVED_BEFORE_CREATED,
    NPS_OUT_OF_RANGE_VALUE,
    ORPHAN_USERS,
    PAYMENT_FAILURE_RATE,
    PERSONA_SHARES,
    PERSONAS,
    PII_PATTERNS,
    PII_RATE,
    QUARTER_DATES,
    QUARTERS,
    RAW_CHANNELS,
    SEED,
    SURVEY_CODES,
    UNMAPPED_CHANNEL,
    UNMAPPED_CHANNEL_RAW,
    UNMAPPED_EVENT,
    WORSENING_QUARTER,
    WORSENING_STAGE,
    WORSENING_SURVEY_CODE,
    WORSENING_TOUCHPOINT,
    WRONG_ASSUMPTIONS,
)
from .sample_feedback import _survey, _tickets
from .sample_interviews import _interviews
from .sample_journey import (
    _EV_TP,
    _TP_CHANNEL,
    EVENT_NAMES,
    STAGE_IDS,
    STAGES,
    TOUCHPOINT_IDS,
    TOUCHPOINTS,
    _journey,
    _journey_yaml,
)
from .sample_readme import _data_readme, _measure, _readme
from .sample_simulation import _orphans, _simulate

__all__ = [
    "ACQUISITION",
    "COMPANY",
    "DAMAGED_RATE",
    "EVENT_NAMES",
    "FRICTION_CHANNEL",
    "FRICTION_EVENTS",
    "FRICTION_NEXT_EVENT",
    "FRICTION_QUARTER",
    "FRICTION_STAGE",
    "FRICTION_SURVEY_CODE",
    "FRICTION_TOUCHPOINT",
    "NPS_OUT_OF_RANGE_VALUE",
    "N_CUSTOMERS",
    "N_DUPLICATE_SURVEY_ROWS",
    "N_INTERVIEWS_WITH_PII",
    "N_NPS_OUT_OF_RANGE",
    "N_ORPHAN_EVENTS",
    "N_TICKETS_RESOLVED_BEFORE_CREATED",
    "ORPHAN_USERS",
    "PAYMENT_FAILURE_RATE",
    "PERSONAS",
    "PERSONA_SHARES",
    "PII_PATTERNS",
    "PII_RATE",
    "PLANS",
    "QUARTERS",
    "QUARTER_DATES",
    "RAW_CHANNELS",
    "REGIONS_FR",
    "REGIONS_UK",
    "SEED",
    "SEGMENTS",
    "STAGES",
    "STAGE_IDS",
    "SURVEY_CODES",
    "TOUCHPOINTS",
    "TOUCHPOINT_IDS",
    "UNMAPPED_CHANNEL",
    "UNMAPPED_CHANNEL_RAW",
    "UNMAPPED_EVENT",
    "WORSENING_QUARTER",
    "WORSENING_STAGE",
    "WORSENING_SURVEY_CODE",
    "WORSENING_TOUCHPOINT",
    "WRONG_ASSUMPTIONS",
    "generate",
    "ground_truth",
]

# ---------------------------------------------------------------------------------------------------------
# Writing the workspace

# raw channel per touchpoint: (value, other value, which customer flag picks the first one)
_RAW_BY_CHANNEL = {"web": ("Web", "Web", None), "app": ("iOS App", "Android App", "ios"),
                   "email": ("E-mail", "E-mail", None), "social": ("Instagram", "Facebook", "instagram"),
                   "phone": ("Call centre", "Call centre", None), "store": ("Boutique", "Boutique", None),
                   "partner": ("Marketplace", "Marketplace", None), "chat": ("WhatsApp", "WhatsApp", None)}
_CARRIER_TOUCHPOINTS = ("first_delivery", "monthly_box")


def _event_table(events: pd.DataFrame, cust, ids: np.ndarray) -> pd.DataFrame:
    """The analytics export: one row per event, ordered by time, with raw names and raw channels."""
    events = events.sort_values(["time", "customer", "session", "code"], kind="stable").reset_index(drop=True)
    customer, code = events["customer"].to_numpy(), events["code"].to_numpy()
    orphan = customer < 0
    known = np.where(orphan, 0, customer)
    channels = [_TP_CHANNEL[tp] if tp >= 0 else UNMAPPED_CHANNEL for tp in _EV_TP]
    first = np.array([_RAW_BY_CHANNEL[ch][0] for ch in channels], dtype=object)
    second = np.array([_RAW_BY_CHANNEL[ch][1] for ch in channels], dtype=object)
    for index, tp in enumerate(_EV_TP):
        if tp >= 0 and TOUCHPOINT_IDS[tp] in _CARRIER_TOUCHPOINTS:
            first[index] = second[index] = "Transporteur"
    flag = np.select([np.array([_RAW_BY_CHANNEL[ch][2] == "ios" for ch in channels])[code],
                      np.array([_RAW_BY_CHANNEL[ch][2] == "instagram" for ch in channels])[code]],
                     [cust["ios"][known], cust["instagram"][known]], True)
    raw_channel = np.where(flag | orphan, first[code], second[code])
    user = np.where(orphan, np.array(ORPHAN_USERS, dtype=object)[np.maximum(-1 - customer, 0)], ids[known])
    session_numbers = pd.factorize(events["session"])[0]
    return pd.DataFrame({
        "user_id": user,
        "event_time": events["time"].to_numpy().astype("datetime64[s]").astype("datetime64[us]"),
        "event_name": np.array(EVENT_NAMES, dtype=object)[code],
        "channel": raw_channel,
        "session_id": [f"S{number:07d}" for number in session_numbers],
    })


def _write_parquet(frame: pd.DataFrame, path: Path) -> None:
    table = pa.table({
        "user_id": pa.array(frame["user_id"], pa.string()),
        "event_time": pa.array(frame["event_time"].to_numpy(), pa.timestamp("us")),
        "event_name": pa.array(frame["event_name"], pa.string()),
        "channel": pa.array(frame["channel"], pa.string()),
        "session_id": pa.array(frame["session_id"], pa.string()),
    })
    pq.write_table(table, path, compression="zstd", compression_level=9,
                   use_dictionary=["user_id", "event_name", "channel"],
                   column_encoding={"event_time": "DELTA_BINARY_PACKED", "session_id": "DELTA_BYTE_ARRAY"},
                   write_statistics=True, row_group_size=1 << 20)


def _write_tickets(tickets: pd.DataFrame, path: Path) -> None:
    columns = ["id", "client", "created", "resolved", "via", "topic", "fcr", "rating", "touchpoint"]
    lines = []
    for record in tickets[columns].to_dict("records"):
        record["fcr"] = bool(record["fcr"])
        record["rating"] = None if record["rating"] is None or pd.isna(record["rating"]) else int(record["rating"])
        lines.append(json.dumps(record, ensure_ascii=False))
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0, compresslevel=9) as stream:
        stream.write(("\n".join(lines) + "\n").encode("utf-8"))
    path.write_bytes(buffer.getvalue())


def _ids(signup: np.ndarray) -> np.ndarray:
    """CRM numbers follow the order in which customers signed up."""
    rank = np.empty(len(signup), dtype=int)
    rank[np.argsort(signup, kind="stable")] = np.arange(len(signup))
    return np.array([f"VRD-{number + 1:06d}" for number in rank], dtype=object)


def _build(seed: int) -> dict:
    """Every table and text of the workspace, in memory."""
    rng = np.random.default_rng(seed)
    cust = _customers(rng)
    journeys, events, state = _simulate(rng, cust)
    ids = _ids(state["signup"])
    built = {"cust": cust, "journeys": journeys, "ids": ids}
    built["crm"] = _crm(rng, cust, state, ids)
    built["survey"], built["survey_truth"] = _survey(rng, cust, journeys, events, ids)
    built["tickets"] = _tickets(rng, journeys, ids)
    built["interviews"] = _interviews(rng, cust, journeys, ids)
    built["events"] = _event_table(pd.concat([events, _orphans(rng)], ignore_index=True), cust, ids)
    built["personas"] = pd.DataFrame({"customer_id": ids, "persona": np.array(PERSONAS)[cust["persona"]]}
                                     ).sort_values("customer_id").reset_index(drop=True)
    built["journey"] = _journey()
    return built


def generate(directory: str | Path, *, seed: int = SEED) -> Path:
    """Write the sample workspace of Verdure into ``directory`` and return its path.

    The folder is created when missing and must be empty when it exists. The same ``seed`` always writes
    the same bytes in every file; ``README.md`` in the folder documents the files and the planted facts
    with their numbers for this seed.

    Parameters
    ----------
    directory : str or Path
        Where to write the workspace.
    seed : int, default 2026
        Seed of ``numpy.random.default_rng``; the committed ``sample_data`` uses the default.

    Returns
    -------
    Path
        ``directory``, which now holds ``journey.yaml``, ``data/``, ``interviews/``, ``truth/`` and
        ``README.md``.

    Raises
    ------
    FileExistsError
        When ``directory`` exists and is not an empty folder.

    Examples
    --------
    >>> import tempfile, journeykit.sample as sample
    >>> folder = sample.generate(tempfile.mkdtemp())          # doctest: +SKIP
    >>> sorted(p.name for p in folder.iterdir())               # doctest: +SKIP
    ['README.md', 'data', 'interviews', 'journey.yaml', 'truth']
    """
    path = Path(directory)
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise FileExistsError(f"{path} already exists and is not empty. The sample workspace is only written into a "
                              f"new or empty folder; choose another path or remove this one.")
    built = _build(seed)
    for folder in ("data", "interviews", "truth"):
        (path / folder).mkdir(parents=True, exist_ok=True)
    (path / "journey.yaml").write_text(_journey_yaml(built["journey"]), encoding="utf-8", newline="\n")
    built["crm"].to_csv(path / "data" / "crm_clients.csv", sep=";", index=False, encoding="cp1252",
                        lineterminator="\r\n")
    events = built["events"]
    quarter = np.where(events["event_time"].to_numpy() < np.datetime64("2026-07-01"), 0, 1)
    for q, name in enumerate(QUARTERS):
        _write_parquet(events[quarter == q].reset_index(drop=True), path / "data" / f"events_{name}.parquet")
    built["survey"].to_csv(path / "data" / "survey_responses.csv", index=False, encoding="utf-8-sig",
                           lineterminator="\n")
    _write_tickets(built["tickets"], path / "data" / "tickets.jsonl.gz")
    for name, text in built["interviews"].items():
        (path / "interviews" / name).write_text(text, encoding="utf-8", newline="\n")
    built["personas"].to_csv(path / "truth" / "personas.csv", index=False, lineterminator="\n")
    facts = _measure(built)
    (path / "data" / "README.md").write_text(_data_readme(facts), encoding="utf-8", newline="\n")
    (path / "README.md").write_text(_readme(facts, seed), encoding="utf-8", newline="\n")
    return path


def ground_truth(directory: str | Path) -> pd.DataFrame:
    """The true persona of every customer of a generated workspace (``truth/personas.csv``).

    This file is the answer key for tests and demonstrations; it is not a data source of the workspace.

    Returns
    -------
    pandas.DataFrame
        Columns ``customer_id`` and ``persona`` (one of :data:`PERSONAS`).

    Examples
    --------
    >>> truth = ground_truth("sample_data")                      # doctest: +SKIP
    >>> truth["persona"].value_counts(normalize=True).round(2)   # doctest: +SKIP
    """
    file = Path(directory) / "truth" / "personas.csv"
    if not file.is_file():
        raise FileNotFoundError(f"{file} does not exist. ground_truth reads a workspace written by "
                                f"journeykit.sample.generate.")
    return pd.read_csv(file, dtype={"customer_id": str, "persona": str})
