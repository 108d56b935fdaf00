"""The workshop guides exist in English and French, with the same structure, prompts and timings."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from journeykit.measures import STEPS

GUIDES = Path(__file__).resolve().parent.parent / "workshop_guides"
SECTIONS = {
    "en": ["Goal", "Duration", "Participants and roles", "Preparation", "Agenda", "Prompts",
           "Outputs to capture in the kit", "Traps"],
    "fr": ["Objectif", "Durée", "Participants et rôles", "Préparation", "Déroulé", "Questions à poser",
           "Ce qu'il faut saisir dans le kit", "Pièges"],
}
OVERVIEW = {
    "en": ["Who this programme is for", "Who to invite", "Roles", "Sessions", "The quarterly rhythm", "Traps",
           "The ten guides"],
    "fr": ["À qui s'adresse ce programme", "Qui inviter", "Rôles", "Séances", "Le rythme trimestriel", "Pièges",
           "Les dix guides"],
}


def sections(text: str) -> dict[str, str]:
    parts = re.split(r"^## (.+)$", text, flags=re.M)
    return {title.strip().replace("’", "'"): body for title, body in zip(parts[1::2], parts[2::2])}


def minutes(slot: str) -> int:
    start, end = re.findall(r"(\d+):(\d{2})", slot)[:2]
    return (int(end[0]) * 60 + int(end[1])) - (int(start[0]) * 60 + int(start[1]))


def agenda_rows(body: str) -> list[str]:
    rows = [line for line in body.splitlines() if line.startswith("|") and re.search(r"\d+:\d{2}", line)]
    return [line.split("|")[1] for line in rows]


def prompts(body: str) -> list[str]:
    return re.findall(r"^\d+\.\s", body, flags=re.M)


@pytest.mark.parametrize("step", STEPS)
def test_each_step_has_the_same_guide_in_both_languages(step):
    texts = {lang: sections((GUIDES / lang / f"{step}.md").read_text(encoding="utf-8")) for lang in ("en", "fr")}
    for lang in ("en", "fr"):
        assert list(texts[lang]) == SECTIONS[lang], (step, lang, list(texts[lang]))
    en, fr = texts["en"], texts["fr"]
    assert len(prompts(en["Prompts"])) == len(prompts(fr["Questions à poser"])) >= 4
    assert len(agenda_rows(en["Agenda"])) == len(agenda_rows(fr["Déroulé"])) >= 3
    for lang, body, agenda in (("en", en["Duration"], en["Agenda"]), ("fr", fr["Durée"], fr["Déroulé"])):
        total = int(re.search(r"(\d+)\s*min", body).group(1))
        assert sum(minutes(slot) for slot in agenda_rows(agenda)) == total, (step, lang)
    assert re.search(r"(\d+)\s*min", en["Duration"]).group(1) == re.search(r"(\d+)\s*min", fr["Durée"]).group(1)


@pytest.mark.parametrize("step", STEPS)
def test_every_guide_names_the_six_traps(step):
    traps = sections((GUIDES / "en" / f"{step}.md").read_text(encoding="utf-8"))["Traps"].lower()
    for words in (("internal", "inside-out"), ("assumption",), ("detail",), ("department", "alone"),
                  ("update",), ("owner",)):
        assert any(word in traps for word in words), (step, words)


def test_the_overview_exists_in_both_languages_and_links_every_guide():
    for lang in ("en", "fr"):
        text = (GUIDES / lang / "00_overview.md").read_text(encoding="utf-8")
        assert list(sections(text)) == OVERVIEW[lang]
        for step in STEPS:
            assert f"{step}.md" in text, (lang, step)


def test_french_guides_are_french():
    for path in (GUIDES / "fr").glob("*.md"):
        text = path.read_text(encoding="utf-8")
        assert text.count(" the ") < 3, path.name
        assert "«" in text or "’" in text or "'" in text
