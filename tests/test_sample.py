"""The sample workspace: deterministic, equal to the committed ``sample_data/``, and carrying its planted facts.

The workspace is generated twice per test session (module-scoped fixture, about 5 s each); every other test
reads those two folders.
"""

from __future__ import annotations

import gzip
import hashlib
import re
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import yaml

import journeykit.sample as sample
from journeykit.model import Journey

COMMITTED = Path(__file__).resolve().parents[1] / "sample_data"


def _files(folder: Path) -> dict[str, Path]:
    """Every file of a workspace by relative path, leaving out hidden folders such as ``.journeykit/``."""
    found = {}
    for file in sorted(folder.rglob("*")):
        relative = file.relative_to(folder)
        if file.is_file() and not any(part.startswith(".") for part in relative.parts):
            found[relative.as_posix()] = file
    return found


def _sha256(file: Path) -> str:
    return hashlib.sha256(file.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> tuple[Path, Path]:
    first = sample.generate(tmp_path_factory.mktemp("first") / "verdure")
    second = sample.generate(tmp_path_factory.mktemp("second"))  # an existing empty folder is accepted
    return first, second


@pytest.fixture(scope="module")
def workspace(generated) -> Path:
    return generated[0]


@pytest.fixture(scope="module")
def journey(workspace) -> Journey:
    return Journey.model_validate(yaml.safe_load((workspace / "journey.yaml").read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def survey(workspace) -> pd.DataFrame:
    frame = pd.read_csv(workspace / "data" / "survey_responses.csv", encoding="utf-8-sig")
    frame["quarter"] = frame["submitted_at"].str[:7].map(lambda month: "2026Q2" if month < "2026-07" else "2026Q3")
    return frame


@pytest.fixture(scope="module")
def tickets(workspace) -> pd.DataFrame:
    return pd.read_json(workspace / "data" / "tickets.jsonl.gz", lines=True, dtype=False)


@pytest.fixture(scope="module")
def events_glob(workspace) -> str:
    return str(workspace / "data" / "events_*.parquet")


def test_the_same_seed_writes_the_same_bytes(generated):
    first, second = (_files(folder) for folder in generated)
    assert list(first) == list(second)
    different = [name for name in first if first[name].read_bytes() != second[name].read_bytes()]
    assert different == []


def test_the_committed_sample_data_equals_a_fresh_generation(workspace):
    assert COMMITTED.is_dir(), (
        "sample_data/ is missing: python -c \"import journeykit.sample as s; s.generate('sample_data')\"")
    fresh, committed = _files(workspace), _files(COMMITTED)
    assert sorted(committed) == sorted(fresh)
    stale = [name for name in fresh if _sha256(fresh[name]) != _sha256(committed[name])]
    assert stale == [], (f"sample_data/ is out of date for {stale}; regenerate it into an empty folder with "
                         f"journeykit.sample.generate and replace sample_data/")


def test_the_workspace_has_every_file_and_stays_small(workspace):
    names = set(_files(workspace))
    assert {"journey.yaml", "README.md", "data/README.md", "data/crm_clients.csv", "data/events_2026Q2.parquet",
            "data/events_2026Q3.parquet", "data/survey_responses.csv", "data/tickets.jsonl.gz",
            "truth/personas.csv"} <= names
    assert sorted(n for n in names if n.startswith("interviews/")) == [
        f"interviews/interview_{i:02d}.md" for i in range(1, 13)]
    assert sum(file.stat().st_size for file in _files(workspace).values()) < 12 * 2**20


def test_generate_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "notes.txt").write_text("keep me")
    with pytest.raises(FileExistsError, match="not empty"):
        sample.generate(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_journey_yaml_is_valid_and_maps_every_source(journey):
    assert journey.reference_problems() == []
    assert [stage.id for stage in journey.stages] == list(sample.STAGE_IDS)
    assert 25 <= len(journey.touchpoints) <= 30
    assert journey.personas == []
    sources = journey.sources
    assert sources.customers.options.delimiter == ";" and sources.customers.options.decimal == ","
    assert sources.interviews.path == "interviews"
    channels = {channel.id for channel in journey.channels}
    assert set(sources.events.values["channel"].values()) <= channels
    assert set(sources.tickets.values["channel"].values()) <= channels


def test_every_raw_value_is_mapped_except_the_planted_unmapped_event(workspace, journey, events_glob, survey,
                                                                     tickets):
    con = duckdb.connect()
    names = {row[0] for row in con.execute(f"select distinct event_name from read_parquet('{events_glob}')").fetchall()}
    channels = {row[0] for row in con.execute(f"select distinct channel from read_parquet('{events_glob}')").fetchall()}
    mapping = journey.event_to_touchpoint()
    assert sample.UNMAPPED_EVENT in names and sample.UNMAPPED_EVENT not in mapping
    assert names - set(mapping) == {sample.UNMAPPED_EVENT}
    assert channels == set(journey.sources.events.values["channel"])
    touchpoints = {tp.id for tp in journey.touchpoints}
    for codes, source in ((survey["touchpoint_code"], journey.sources.survey),
                          (tickets["touchpoint"], journey.sources.tickets)):
        known = source.values["touchpoint"]
        assert set(codes.dropna()) <= set(known) | touchpoints
        assert set(known.values()) <= touchpoints
    assert set(tickets["via"]) <= set(journey.sources.tickets.values["channel"])


def test_unmapped_whatsapp_is_used_by_a_few_percent_of_customers(events_glob):
    users, chatting = duckdb.connect().execute(f"""
        select count(distinct user_id),
               count(distinct user_id) filter (where event_name = '{sample.UNMAPPED_EVENT}'
                                               and channel = '{sample.UNMAPPED_CHANNEL_RAW}')
        from read_parquet('{events_glob}')""").fetchone()
    assert 0.01 < chatting / users < 0.10


def test_app_payment_drop_off_is_planted_in_q2_and_fixed_in_q3(events_glob, survey, tickets):
    failing = ", ".join(f"'{name}'" for name in sample.FRICTION_EVENTS)
    rows = duckdb.connect().execute(f"""
        with e as (select user_id, event_time, event_name,
                          case when event_time < timestamp '2026-07-01' then '2026Q2' else '2026Q3' end as quarter
                   from read_parquet('{events_glob}')),
             paid as (select quarter, user_id, min(event_time) as t from e
                      where event_name in ({failing}) group by all),
             confirmed as (select quarter, user_id, max(event_time) as t from e
                           where event_name = '{sample.FRICTION_NEXT_EVENT}' group by all)
        select paid.quarter, avg(case when confirmed.t >= paid.t then 0.0 else 1.0 end)
        from paid left join confirmed using (quarter, user_id) group by paid.quarter order by 1""").fetchall()
    drop = dict(rows)
    assert drop["2026Q2"] > 0.2 and drop["2026Q3"] < 0.08 and drop["2026Q2"] > 4 * drop["2026Q3"]
    answers = survey[survey["touchpoint_code"] == sample.FRICTION_SURVEY_CODE].groupby("quarter")
    assert answers["csat"].mean()["2026Q2"] < answers["csat"].mean()["2026Q3"] - 0.7
    assert answers["ces"].mean()["2026Q2"] > answers["ces"].mean()["2026Q3"] + 0.7
    q2 = survey[(survey["quarter"] == "2026Q2") & (survey["touchpoint_code"] == sample.FRICTION_SURVEY_CODE)]
    assert q2["verbatim"].fillna("").str.contains("paiement a échoué|payment kept failing").sum() >= 5
    created = tickets.loc[tickets["touchpoint"] == sample.FRICTION_SURVEY_CODE, "created"]
    assert (created < "2026-07").sum() > 4 * (created >= "2026-07").sum()


def test_onboard_gets_worse_in_q3(events_glob, journey, survey, tickets):
    onboard = ", ".join(f"'{name}'" for tp in journey.touchpoints if tp.stage == sample.WORSENING_STAGE
                        for name in tp.events)
    days = dict(duckdb.connect().execute(f"""
        select quarter, median(days) from (
            select user_id, case when event_time < timestamp '2026-07-01' then '2026Q2' else '2026Q3' end as quarter,
                   date_diff('second', min(event_time), max(event_time)) / 86400 as days
            from read_parquet('{events_glob}') where event_name in ({onboard}) group by all)
        group by quarter""").fetchall())
    assert days["2026Q3"] > 1.5 * days["2026Q2"]
    csat = survey[survey["touchpoint_code"] == sample.WORSENING_SURVEY_CODE].groupby("quarter")["csat"].mean()
    assert csat["2026Q3"] < csat["2026Q2"] - 0.7
    delivery = tickets[tickets["topic"].isin(["Late delivery", "Damaged plant"])]
    assert (delivery["created"] >= "2026-07").sum() > 3 * (delivery["created"] < "2026-07").sum()


def test_personas_are_in_the_truth_file_only(workspace):
    truth = sample.ground_truth(workspace)
    shares = truth["persona"].value_counts(normalize=True)
    assert shares.to_dict() == pytest.approx(sample.PERSONA_SHARES)
    crm = pd.read_csv(workspace / "data" / "crm_clients.csv", sep=";", encoding="cp1252", dtype=str)
    assert sorted(crm["N° client"]) == sorted(truth["customer_id"])
    assert not any(crm[column].isin(sample.PERSONAS).any() for column in crm.columns)
    # the CRM's own segment is related to the personas, but far from equal to them
    segments = pd.crosstab(crm["Segment marketing"], crm["N° client"].map(truth.set_index("customer_id")["persona"]))
    assert 0.4 < segments.max(axis=1).sum() / segments.to_numpy().sum() < 0.8


def test_crm_is_a_french_excel_export(workspace):
    raw = (workspace / "data" / "crm_clients.csv").read_bytes()
    text = raw.decode("cp1252")
    assert text.startswith("N° client;") and "\r\n" in text and "\n" not in text.replace("\r\n", "")
    rows = pd.read_csv(workspace / "data" / "crm_clients.csv", sep=";", encoding="cp1252", dtype=str,
                       keep_default_na=False)
    assert len(rows) == sample.N_CUSTOMERS
    assert rows["Panier mensuel (€)"].str.fullmatch(r"\d+,\d\d").all()
    assert rows["Date d'inscription"].str.fullmatch(r"\d\d/\d\d/20(24|25|26)").all()
    assert set(rows["Résilié"]) == {"Oui", "Non"}
    assert (rows["Âge"] == "").sum() > 0


def test_data_quality_defects_are_counted_exactly(workspace, events_glob, survey, tickets):
    crm = pd.read_csv(workspace / "data" / "crm_clients.csv", sep=";", encoding="cp1252", dtype=str)
    events = duckdb.connect().execute(f"select user_id from read_parquet('{events_glob}')").df()
    orphans = events[~events["user_id"].isin(crm["N° client"])]
    assert len(orphans) == sample.N_ORPHAN_EVENTS
    assert set(orphans["user_id"]) == set(sample.ORPHAN_USERS)
    assert survey.drop(columns="quarter").duplicated().sum() == sample.N_DUPLICATE_SURVEY_ROWS
    assert (survey["nps"] == sample.NPS_OUT_OF_RANGE_VALUE).sum() == sample.N_NPS_OUT_OF_RANGE
    assert survey["nps"].between(0, 10).sum() + sample.N_NPS_OUT_OF_RANGE == survey["nps"].notna().sum()
    closed = tickets["resolved"].notna()
    assert (tickets.loc[closed, "resolved"] < tickets.loc[closed, "created"]).sum() == \
        sample.N_TICKETS_RESOLVED_BEFORE_CREATED


def test_personal_data_is_planted_with_fictional_values_only(workspace, survey):
    pattern = "|".join(sample.PII_PATTERNS.values())
    verbatims = survey["verbatim"].dropna()
    share = verbatims.str.contains(pattern).mean()
    assert 0.01 <= share <= 0.02
    transcripts = [file.read_text(encoding="utf-8") for file in sorted((workspace / "interviews").glob("*.md"))]
    assert sum(bool(re.search(pattern, text)) for text in transcripts) >= 4
    everything = "\n".join([*verbatims, *transcripts])
    assert set(re.findall(r"@([\w.-]*\w)", everything)) <= {"example.com", "example.fr", "example.org"}


def test_interviews_follow_the_transcript_format(workspace):
    languages = []
    for file in sorted((workspace / "interviews").glob("*.md")):
        text = file.read_text(encoding="utf-8")
        front, body = text.split("---\n")[1:3]
        meta = yaml.safe_load(front)
        assert set(meta) == {"customer_id", "date", "language", "interviewer"}
        languages.append(meta["language"])
        assert 400 <= len(body.split()) <= 900
        headings = re.findall(r"^## (\S+)$", body, re.M)
        assert headings and set(headings) <= set(sample.STAGE_IDS)
        assert len(re.findall(r"^> ", body, re.M)) >= 8
    assert sorted(languages) == ["en"] * 6 + ["fr"] * 6


def test_gzip_and_parquet_carry_no_timestamp(workspace):
    header = (workspace / "data" / "tickets.jsonl.gz").read_bytes()[:10]
    assert header[4:8] == b"\0\0\0\0"  # mtime
    assert header[3] & 0x08 == 0  # no file name
    with gzip.open(workspace / "data" / "tickets.jsonl.gz", "rt", encoding="utf-8") as stream:
        assert stream.readline().startswith('{"id": "TCK-')
    columns = duckdb.connect().execute(
        f"describe select * from read_parquet('{workspace / 'data' / 'events_2026Q2.parquet'}')").fetchall()
    assert [(name, kind) for name, kind, *_ in columns] == [
        ("user_id", "VARCHAR"), ("event_time", "TIMESTAMP"), ("event_name", "VARCHAR"), ("channel", "VARCHAR"),
        ("session_id", "VARCHAR")]


def test_clustering_per_customer_features_recovers_the_personas(workspace, events_glob, survey):
    cluster = pytest.importorskip("sklearn.cluster")
    from sklearn.metrics import adjusted_rand_score
    from sklearn.preprocessing import StandardScaler

    crm = pd.read_csv(workspace / "data" / "crm_clients.csv", sep=";", encoding="cp1252", decimal=",",
                      dtype={"N° client": str}).set_index("N° client")
    events = duckdb.connect().execute(f"select user_id, channel, session_id from read_parquet('{events_glob}')").df()
    journey = yaml.safe_load((workspace / "journey.yaml").read_text(encoding="utf-8"))
    events["channel"] = events["channel"].map(journey["sources"]["events"]["values"]["channel"])
    features = pd.crosstab(events["user_id"], events["channel"], normalize="index")
    features["events"] = events.groupby("user_id").size().pipe(lambda n: n.apply(float)).pipe(pd.Series.rank)
    features["sessions"] = events.groupby("user_id")["session_id"].nunique().pipe(pd.Series.rank)
    features = features.join(crm[["Âge", "Panier mensuel (€)", "Nb commandes"]], how="inner")
    features["nps"] = survey[survey["nps"].between(0, 10)].groupby("respondent")["nps"].mean()
    features = features.fillna(features.median())
    labels = cluster.KMeans(4, n_init=4, random_state=0).fit_predict(StandardScaler().fit_transform(features))
    truth = sample.ground_truth(workspace).set_index("customer_id")["persona"].reindex(features.index)
    assert adjusted_rand_score(truth, labels) > 0.6
