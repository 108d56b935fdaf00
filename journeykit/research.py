"""Step 2: the research inventory: what evidence the map can stand on, and where it stands on nothing.

For every source: files, rows, customers, dates covered, rows in the quarter, completeness per column,
and the loader's data-quality findings. For every stage: how many events, survey responses, tickets and
interview quotes speak about it in the quarter, and an evidence level:

- ``strong``: behaviour (events) *and* voice (responses, tickets or quotes), each at least
  ``privacy.min_group_size`` observations (quotes: at least :data:`MIN_QUOTES`);
- ``partial``: one of the two;
- ``assumption``: neither: the stage rests on the workshop's beliefs only (a gap to fill).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .interviews import read_interviews

MIN_QUOTES = 3


@dataclass
class ResearchReview:
    sources: pd.DataFrame  # one row per table
    completeness: pd.DataFrame  # table, column, share filled
    findings: pd.DataFrame  # table, code, count, message
    evidence: pd.DataFrame  # one row per stage
    missing: list[str]

    def gaps(self) -> list[str]:
        return list(self.evidence.loc[self.evidence["level"] == "assumption", "stage"])

    def summary(self) -> dict:
        return {
            "sources": self.sources.to_dict(orient="records"),
            "missing_sources": self.missing,
            "findings": self.findings.to_dict(orient="records"),
            "evidence": self.evidence.to_dict(orient="records"),
            "gaps": self.gaps(),
        }

    def table(self, study) -> pd.DataFrame:
        """Evidence per stage for people (stage names, translated headers and levels)."""
        from .tables import readable

        levels = {"strong": {"en": "strong", "fr": "solide"}, "partial": {"en": "partial", "fr": "partielle"},
                  "assumption": {"en": "assumption", "fr": "hypothèse"}}
        frame = self.evidence.assign(stage=self.evidence["stage"].map(study.stage_names()),
                                     level=self.evidence["level"].map(lambda level: levels[level][study.lang]))
        return readable(frame.rename(columns={"level": "evidence"}), study.lang)

    def facts(self, study) -> dict:
        names = study.stage_names()
        return {
            "quarter": str(study.quarter),
            "n_sources": len(self.sources),
            "missing": ", ".join(self.missing) or "-",
            "n_findings": len(self.findings),
            "gaps": ", ".join(names.get(stage, stage) for stage in self.gaps()) or "-",
            "n_gaps": len(self.gaps()),
            "minimum": study.journey.privacy.min_group_size,
            "min_quotes": MIN_QUOTES,
        }


def review(study) -> ResearchReview:
    """Take stock of the workspace's sources and of the evidence per stage for ``study``'s quarter."""
    rows, completeness = [], []
    for name, info in study.data.tables.items():
        row = {"table": name, "files": ", ".join(info.files), "rows": info.rows, "customers": info.customers,
               "first": (info.first or "")[:10] or None, "last": (info.last or "")[:10] or None,
               "rows_in_quarter": None}
        if name != "interviews":
            row["rows_in_quarter"] = int(study.table(name).count().execute())
        rows.append(row)
        completeness += [{"table": name, "column": column, "share": share}
                         for column, share in info.completeness.items()]
    sources = pd.DataFrame(rows, columns=["table", "files", "rows", "rows_in_quarter", "customers", "first", "last"])
    findings = pd.DataFrame([{"table": f.table, "code": f.code, "count": f.count, "message": f.message}
                             for f in study.data.findings], columns=["table", "code", "count", "message"])
    return ResearchReview(sources, pd.DataFrame(completeness, columns=["table", "column", "share"]), findings,
                          evidence_per_stage(study), list(study.data.missing))


def evidence_per_stage(study) -> pd.DataFrame:
    """Events, customers, responses, tickets and quotes per stage in the quarter, with an evidence level."""
    journey = study.journey
    stage_of = {tp.id: tp.stage for tp in journey.touchpoints}
    frame = pd.DataFrame({"stage": journey.stage_ids()})
    for column in ("events", "customers", "responses", "tickets", "quotes"):
        frame[column] = 0
    frame = frame.set_index("stage")
    if study.has("events"):
        events = study.events()
        counts = events.group_by("stage").aggregate(events=events.count(),
                                                    customers=events.customer_id.nunique()).execute()
        for row in counts.itertuples(index=False):
            frame.loc[row.stage, ["events", "customers"]] = [row.events, row.customers]
    for table, column in (("survey", "responses"), ("tickets", "tickets")):
        if not study.has(table):
            continue
        data = study.table(table)
        pairs = data.group_by(["stage", "touchpoint"]).aggregate(n=data.count()).execute()
        stages = pairs["stage"].where(pairs["stage"].notna(), pairs["touchpoint"].map(stage_of))
        totals = pairs.assign(stage=stages).dropna(subset=["stage"]).groupby("stage")["n"].sum()
        for stage, count in totals.items():
            if stage in frame.index:
                frame.loc[stage, column] = int(count)
    if journey.sources.interviews is not None:
        transcripts, _ = read_interviews(study.workspace, journey.sources.interviews)
        for transcript in transcripts:
            for quote in transcript.quotes:
                if quote.stage in frame.index:
                    frame.loc[quote.stage, "quotes"] += 1
    minimum = journey.privacy.min_group_size
    behaviour = frame["customers"] >= minimum
    voice = (frame["responses"] >= minimum) | (frame["tickets"] >= minimum) | (frame["quotes"] >= MIN_QUOTES)
    frame["level"] = "assumption"
    frame.loc[behaviour | voice, "level"] = "partial"
    frame.loc[behaviour & voice, "level"] = "strong"
    return frame.reset_index()
