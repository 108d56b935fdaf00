"""Every journey template that ``journeykit init --template NAME`` copies is a valid, bilingual map."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pytest
import yaml
from pydantic import BaseModel

from journeykit.model import Journey, Text

TEMPLATES = Path(__file__).resolve().parents[1] / "templates" / "journeys"
EXPECTED = {"ecommerce", "saas", "subscription", "b2b_service", "onboarding"}
MAP_TYPES = {"onboarding": "onboarding", "b2b_service": "service_blueprint"}
PATHS = sorted(TEMPLATES.glob("*.yaml"))


def _raw(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _texts(value: Any, where: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Text]]:
    """Every :class:`Text` inside a model, with its location (``('stages', 0, 'name')``)."""
    if isinstance(value, Text):
        yield where, value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _texts(getattr(value, name), (*where, name))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _texts(item, (*where, index))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(item, (*where, key))


def _lookup(raw: Any, where: tuple[Any, ...]) -> Any:
    """The value at ``where`` in the YAML data, or None when the file leaves it to a default."""
    for part in where:
        try:
            raw = raw[part]
        except (KeyError, IndexError, TypeError):
            return None
    return raw


@pytest.fixture(params=PATHS, ids=[path.stem for path in PATHS])
def template(request: pytest.FixtureRequest) -> tuple[str, dict[str, Any], Journey]:
    path = request.param
    raw = _raw(path)
    return path.stem, raw, Journey.model_validate(raw)


def test_expected_templates_exist():
    assert EXPECTED <= {path.stem for path in PATHS}


def test_template_is_coherent(template):
    name, raw, journey = template
    assert journey.reference_problems() == []
    assert raw["schema_version"] == 1
    assert journey.template == name
    assert journey.objective.map_type == MAP_TYPES.get(name, "current_state")
    # the problem and scope are the workshop's to write: the template gives guidance in comments only
    assert not journey.objective.problem and not journey.objective.scope
    text = (TEMPLATES / f"{name}.yaml").read_text(encoding="utf-8")
    assert "# problem (en):" in text and "# problem (fr):" in text and "# scope (fr):" in text


def test_template_leaves_workshop_content_empty(template):
    _, raw, journey = template
    assert "sources" not in raw  # init writes the sources
    assert journey.personas == journey.pain_points == journey.opportunities == journey.validations == []


def test_stages_and_touchpoints(template):
    _, _, journey = template
    assert 5 <= len(journey.stages) <= 8
    per_stage = {stage.id: 0 for stage in journey.stages}
    for touchpoint in journey.touchpoints:
        per_stage[touchpoint.stage] += 1
        assert touchpoint.owner and touchpoint.events and touchpoint.backstage, touchpoint.id
    assert [stage for stage, count in per_stage.items() if count == 0] == []


def test_ids_are_unique(template):
    _, _, journey = template
    for items in (journey.stages, journey.touchpoints, journey.kpis):
        ids = [item.id for item in items]
        assert len(ids) == len(set(ids))


def test_each_event_means_one_touchpoint(template):
    # A raw event name must not be listed twice, nor be the id of another touchpoint: the data would
    # then be counted on the wrong touchpoint.
    _, _, journey = template
    touchpoint_ids = {touchpoint.id for touchpoint in journey.touchpoints}
    events = [(event, tp.id) for tp in journey.touchpoints for event in tp.events]
    assert len(events) == len({event for event, _ in events})
    assert [(event, tp) for event, tp in events if event in touchpoint_ids and event != tp] == []


def test_kpis(template):
    _, _, journey = template
    assert 5 <= len(journey.kpis) <= 8
    assert journey.objective.target_kpi in {kpi.id for kpi in journey.kpis}
    for kpi in journey.kpis:
        assert kpi.definition and kpi.unit and kpi.owner and kpi.target is not None, kpi.id


def test_every_text_is_written_in_both_languages(template):
    # A plain YAML string would silently show the same words in English and French: require en and fr.
    _, raw, journey = template
    for where, text in _texts(journey):
        if where[0] == "channels" or where[0] == "objective":  # defaults, or the workshop's to write
            continue
        assert text.en.strip() and text.fr.strip(), where
        written = _lookup(raw, where)
        assert written is None or isinstance(written, dict), f"{where}: write {{en: ..., fr: ...}}"
