"""Step 8: business alignment: KPIs measured against their targets and owners, and the service blueprint.

The blueprint lays out, per stage, what the customer meets (touchpoints and channels, the *frontstage*),
what the company does behind it (*backstage* processes), the *systems* that support it and the *owner*
teams, so that every cell of the map has someone accountable.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .kpis import measure_all
from .model import Text

LANES = ("frontstage", "channels", "backstage", "systems", "owners")


@dataclass
class AlignmentReview:
    kpis: pd.DataFrame  # kpis.measure_all
    blueprint: pd.DataFrame  # stage, stage_order, lane, text
    unowned: list[str]  # touchpoint ids without an owner
    warnings: list[Text]

    def summary(self) -> dict:
        return {"kpis": self.kpis.to_dict(orient="records"), "unowned_touchpoints": self.unowned,
                "warnings": self.warnings}

    def facts(self, study) -> dict:
        measured = self.kpis.dropna(subset=["value"])
        return {
            "quarter": str(study.quarter),
            "n_kpis": len(self.kpis),
            "n_measured": len(measured),
            "n_on_track": int((measured["on_track"] == True).sum()),  # noqa: E712 - None is not False
            "n_off_track": int((measured["on_track"] == False).sum()),  # noqa: E712
            "n_unowned": len(self.unowned),
            "unowned": ", ".join(study.touchpoint_names().get(t, t) for t in self.unowned) or "-",
            "warnings": "; ".join(warning.get(study.lang) for warning in self.warnings),
            "minimum": study.journey.privacy.min_group_size,
        }

    def table(self, study) -> pd.DataFrame:
        from .tables import readable

        frame = self.kpis.assign(stage=self.kpis["stage"].map(study.stage_names()))
        return readable(frame, study.lang, hide=["kpi", "metric", "higher_is_better"])


def review(study) -> AlignmentReview:
    """Measure every KPI for ``study``'s quarter and lay out the service blueprint of its map."""
    journey, lang = study.journey, study.lang
    kpis = measure_all(study)
    names = {kpi.id: kpi.name for kpi in journey.kpis}
    warnings = [Text(en=f"KPI '{names[row.kpi].en}' has no owner", fr=f"l'indicateur « {names[row.kpi].fr} » n'a "
                     "pas de responsable") for row in kpis.itertuples() if not row.owner]
    rows = []
    for order, stage in enumerate(journey.stages):
        points = [tp for tp in journey.touchpoints if tp.stage == stage.id]
        lanes = {
            "frontstage": [tp.name.get(lang) for tp in points],
            "channels": sorted({tp.channel for tp in points}),
            "backstage": sorted({tp.backstage.get(lang) for tp in points if tp.backstage}),
            "systems": sorted({system for tp in points for system in tp.systems}),
            "owners": sorted({tp.owner for tp in points if tp.owner}),
        }
        for lane in LANES:
            rows.append({"stage": stage.id, "stage_order": order, "lane": lane, "text": "\n".join(lanes[lane]),
                         "items": len(lanes[lane])})
    unowned = [tp.id for tp in journey.touchpoints if not tp.owner]
    if unowned:
        warnings.append(Text(en=f"{len(unowned)} touchpoints have no owner team",
                             fr=f"{len(unowned)} points de contact n'ont pas d'équipe responsable"))
    return AlignmentReview(kpis, pd.DataFrame(rows), unowned, warnings)
