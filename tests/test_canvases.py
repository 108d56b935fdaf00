"""Printable canvases: every blank canvas in both languages, filled ones from a tiny map and from the sample,
the journey templates, and the PDF and PNG files Chromium draws (skipped, with the reason, without Chromium).
"""

from __future__ import annotations

import html
import json
import re
import shutil
import struct
from pathlib import Path

import pytest

from journeykit import canvases
from journeykit.canvases import KINDS, blank, filled, render
from journeykit.errors import ParameterError
from journeykit.templates import init, template_names

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"
HOSTILE = "<script>alert(1)</script>"

HEADINGS = {
    "persona_card": {"en": ["Persona card", "Profile", "Goals", "Frustrations", "Channels", "In their words",
                            "Share of customers", "Photo or sketch"],
                     "fr": ["Fiche persona", "Profil", "Objectifs", "Frustrations", "Canaux", "En ses mots",
                            "Part des clients", "Photo ou croquis"]},
    "empathy_map": {"en": ["Empathy map", "Says", "Thinks", "Does", "Feels", "Pains", "Gains", "Persona"],
                    "fr": ["Carte d'empathie", "Dit", "Pense", "Fait", "Ressent", "Douleurs", "Gains", "Persona"]},
    "journey_canvas": {"en": ["Journey canvas", "Stage 1", "Touchpoints", "Actions", "Thoughts", "Emotion",
                              "Pain points", "Opportunities", "KPIs", "Owners"],
                       "fr": ["Canevas du parcours client", "Étape 1", "Points de contact", "Actions", "Pensées",
                              "Émotion", "Points de douleur", "Opportunités", "Indicateurs", "Responsables"]},
    "impact_effort": {"en": ["Impact / effort matrix", "Quick wins", "Big bets", "Fill-ins", "Money pits", "Effort",
                             "Impact", "Parking lot"],
                      "fr": ["Matrice impact / effort", "Gains rapides", "Grands projets", "Bouche-trous", "Gouffres",
                             "Effort", "Impact", "À placer"]},
}
ENGLISH_ONLY = {"persona_card": "Goals", "empathy_map": "Thinks", "journey_canvas": "Touchpoints",
                "impact_effort": "Quick wins"}
PAPER = {"persona_card": "A4 portrait", "empathy_map": "A3 landscape", "journey_canvas": "A3 landscape",
         "impact_effort": "A3 landscape"}

# Two personas, three stages. Assumed emotions (persona ids, or 'all'):
#   discover: home {all: +1}, pricing {all: -1, bargain: +2}  -> all personas: mean(+1, -1) = 0.0;
#                                                               bargain: mean(+1, +2) = +1.5
#   buy:      checkout {bargain: -2}  -> all personas: -2.0 (the mean of the only value); loyal: no value
#   support:  help desk, no assumed emotion -> the curve stops at 'buy'
# Opportunities: fix_checkout impact (5 + 4) / 2 = 4.5, effort 2; clearer_prices impact (2 + 3) / 2 = 2.5,
# effort 4; loyalty_club unscored -> parking lot; old_idea dropped -> nowhere.
JOURNEY = f"""\
name: {{en: Tiny shop, fr: Petite boutique}}
objective: {{target_kpi: nps}}
personas:
  - id: bargain
    name: {{en: "{HOSTILE}", fr: "{HOSTILE}"}}
    description: Hunts for discounts; call 06 12 34 56 78.
    goals: [Pay less, Compare prices]
    frustrations: [Hidden fees]
    quote: "Write to marie.dupont@example.fr, they never answer!"
    share: 0.4
  - id: loyal
    name: {{en: Loyal regular, fr: Habitué fidèle}}
    goals: [Be recognised]
    quote: Same shop for ten years.
    share: 0.6
stages:
  - {{id: discover, name: {{en: Discover, fr: Découvrir}}, description: Finds the shop}}
  - {{id: buy, name: {{en: Buy, fr: Acheter}}}}
  - {{id: support, name: {{en: Support, fr: Assistance}}}}
touchpoints:
  - {{id: home, name: Home page, stage: discover, channel: web, owner: marketing, assumed_emotion: {{all: 1}},
     actions: [Browses the catalogue], thoughts: ["Is it cheaper than elsewhere?"]}}
  - {{id: pricing, name: {{en: Pricing, fr: Tarifs}}, stage: discover, channel: web, owner: marketing,
     assumed_emotion: {{all: -1, bargain: 2}}}}
  - {{id: checkout, name: Checkout, stage: buy, channel: app, owner: ecommerce, assumed_emotion: {{bargain: -2}},
     actions: [Pays by card], thoughts: ["Call me on +33 6 12 34 56 78"]}}
  - {{id: help, name: Help desk, stage: support, channel: phone, owner: customer_care}}
pain_points:
  - {{id: card_refused, title: Card refused, stage: buy, touchpoint: checkout, severity: 4}}
opportunities:
  - {{id: fix_checkout, title: Fix the checkout, pain_points: [card_refused], customer_value: 5,
     business_value: 4, effort: 2, owner: ecommerce, votes: 6}}
  - {{id: clearer_prices, title: Clearer prices, customer_value: 2, business_value: 3, effort: 4}}
  - {{id: loyalty_club, title: Loyalty club}}
  - {{id: old_idea, title: Old idea, customer_value: 5, business_value: 5, effort: 1, status: dropped}}
kpis:
  - {{id: nps, name: Net Promoter Score, metric: nps, unit: points, target: 30, owner: customer_care}}
  - {{id: fcr, name: First contact resolution, metric: fcr, stage: support, unit: "%", target: 75, owner: care}}
"""


@pytest.fixture
def tiny(make_workspace) -> Path:
    return make_workspace(JOURNEY)


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    """A copy of the sample workspace (sample_data/ itself is never written to)."""
    folder = tmp_path_factory.mktemp("canvases") / "sample"
    shutil.copytree(SAMPLE, folder, ignore=shutil.ignore_patterns(".journeykit", "measures", "history"))
    return folder


def assert_safe(page: str) -> None:
    """A self-contained page: no template hole left, no script, nothing to fetch."""
    assert page.startswith("<!DOCTYPE html>")
    assert "{{" not in page and "}}" not in page
    assert "<script" not in page.lower()
    assert not re.search(r"https?:|//[a-z]|url\(|@import|<link|<img|<iframe", page, re.IGNORECASE)
    assert "print-color-adjust: exact" in page


def sheets(page: str) -> int:
    return page.count('<section class="sheet ')


# --- blank canvases -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("kind", KINDS)
def test_every_blank_canvas_renders_in_both_languages(kind, lang):
    page = blank(kind, lang)
    assert_safe(page)
    assert f'<html lang="{lang}">' in page
    assert f"@page {{ size: {PAPER[kind]}; margin: 0; }}" in page
    for heading in HEADINGS[kind][lang]:
        assert html.escape(heading) in page, heading
    if lang == "fr":
        assert ENGLISH_ONLY[kind] not in page
    assert sheets(page) == 1


def test_every_canvas_template_file_is_used():
    used = {f"{kind}.html" for kind in KINDS} | {"page.html", "canvas.css"}
    assert {path.name for path in canvases.CANVASES.iterdir()} == used


@pytest.mark.parametrize("stages", [2, 4, 6, 10])
def test_the_journey_canvas_has_the_stage_columns_asked_for(stages):
    page = blank("journey_canvas", stages=stages)
    assert page.count('class="jc-stage"') == stages
    assert f"--stages: {stages}" in page
    assert page.count('class="jc-cell lane-touchpoints"') == stages
    assert f"Stage {stages}" in page and f"Stage {stages + 1}" not in page


def test_the_journey_canvas_has_six_stages_by_default():
    assert blank("journey_canvas").count('class="jc-stage"') == 6


@pytest.mark.parametrize("call, message", [
    (lambda: blank("poster"), "The 'kind' parameter of blank must be one of persona_card, empathy_map"),
    (lambda: blank("persona_card", lang="de"), "The 'lang' parameter of blank must be 'en' or 'fr'. Got 'de'"),
    (lambda: blank("journey_canvas", stages=1), "The 'stages' parameter of blank must be an int in [2, 10]. Got 1"),
    (lambda: blank("journey_canvas", stages=11), "Got 11 instead."),
    (lambda: blank("journey_canvas", stages="6"), "Got '6' instead."),
    (lambda: blank("journey_canvas", stages=True), "Got True instead."),
])
def test_bad_parameters_are_refused_with_what_is_allowed(call, message):
    with pytest.raises(ParameterError, match=re.escape(message)):
        call()


# --- filled from a tiny map -----------------------------------------------------------------------------------

def test_persona_cards_one_page_per_persona_escaped_and_redacted(tiny):
    page = filled("persona_card", tiny)
    assert_safe(page)
    assert sheets(page) == 2
    assert html.escape(HOSTILE) in page and HOSTILE not in page
    assert "marie.dupont" not in page and "[e-mail]" in page
    assert "06 12 34 56 78" not in page and "[phone]" in page
    for text in ("Pay less", "Compare prices", "Hidden fees", "Loyal regular", "Be recognised", "40%", "60%"):
        assert text in page, text
    one = filled("persona_card", tiny, persona="loyal", lang="fr")
    assert sheets(one) == 1 and "Habitué fidèle" in one and "60\u00a0%" in one and "Hidden fees" not in one


def test_persona_cards_show_the_size_and_channels_step_3_measured(tiny):
    summary = {"personas": [{"id": "bargain", "customers": 1234, "share": 0.25, "channels": ["app", "phone"]}]}
    folder = tiny / "measures" / "2026Q3"
    folder.mkdir(parents=True)
    (folder / "03_build_personas.json").write_text(json.dumps(summary), encoding="utf-8")
    page = filled("persona_card", tiny, quarter="2026Q3", persona="bargain")
    assert "1,234" in page and "25%" in page and "40%" not in page  # the quarter's share wins over the map's
    ticked = re.findall(r'<span class="check on">.*?</i>(.*?)</span>', page)
    assert ticked == ["Mobile app", "Phone"]
    assert "Revision 0 · 2026Q3" in page  # written by hand, never saved by journeykit
    assert "1\u202f234" in filled("persona_card", tiny, quarter="2026Q3", persona="bargain", lang="fr")


def test_empathy_map_from_the_persona_and_the_map(tiny):
    page = filled("empathy_map", tiny, persona="bargain")
    assert_safe(page)
    assert sheets(page) == 1
    assert html.escape(HOSTILE) in page and "[e-mail]" in page and "marie.dupont" not in page
    assert html.escape("Is it cheaper than elsewhere?") in page  # thinks
    assert "[phone]" in page and "+33 6" not in page  # a thought is customers' words: redacted
    assert "Browses the catalogue" in page and "Pays by card" in page  # does
    # feels: bargain's highs (pricing +2, home +1) then lows (checkout -2)
    feels = re.findall(r'<div class="note (good|bad)">(.*?)<em>.*? · (.*?)</em>', page)
    assert feels == [("good", "Pricing", "+2.0"), ("good", "Home page", "+1.0"), ("bad", "Checkout", "\u22122.0")]
    assert "Hidden fees" in page and "Pay less" in page  # pains and gains
    assert sheets(filled("empathy_map", tiny)) == 2


def test_journey_canvas_from_the_map(tiny):
    page = filled("journey_canvas", tiny)
    assert_safe(page)
    assert page.count('class="jc-stage"') == 3
    for text in ("Tiny shop", "Discover", "Finds the shop", "Home page", "Website", "Help desk",
                 "Browses the catalogue", "Card refused", "Fix the checkout", "First contact resolution (target 75%)",
                 "Net Promoter Score (target 30\u00a0points)", "customer_care", "Persona: all personas"):
        assert html.escape(text) in page, text
    cells = re.findall(r'<div class="jc-cell lane-opportunities">(.*?)</div>', page)
    assert [("Fix the checkout" in cell) for cell in cells] == [False, True, False]  # under its pain point's stage
    assert "[phone]" in page  # thoughts are redacted
    # assumed curve (see JOURNEY): 0.0 on discover, -2.0 on buy, nothing on support
    assert re.findall(r'fill="#e08a1e" font-weight="700">(.*?)</text>', page) == ["0.0", "\u22122.0"]
    mine = filled("journey_canvas", tiny, persona="bargain", lang="fr")
    assert re.findall(r'fill="#e08a1e" font-weight="700">(.*?)</text>', mine) == ["+1,5", "\u22122,0"]
    assert "Persona : " + html.escape(HOSTILE) in mine


def test_journey_canvas_adds_what_the_quarter_measured(tiny):
    folder = tiny / "measures" / "2026Q3"
    folder.mkdir(parents=True)
    (folder / "06_capture_experience.json").write_text(json.dumps({
        "stages": [{"stage": "discover", "measured": 0.5}, {"stage": "buy", "measured": -1.25, "suppressed": True}],
        "interview_quotes": [{"stage": "support", "quote": "Mail me at a.b@example.com", "role": "typical"}],
    }), encoding="utf-8")
    (folder / "08_align_business.json").write_text(json.dumps({"kpis": [{"kpi": "fcr", "value": 61.25}]}),
                                                   encoding="utf-8")
    page = filled("journey_canvas", tiny, quarter="2026Q3")
    assert re.findall(r'fill="#1b6ca8" font-weight="700">(.*?)</text>', page) == ["+0.5"]  # suppressed: not shown
    assert "measured 2026Q3" in page
    assert "First contact resolution: 61.2% (target 75%)" in page
    assert "Mail me at [e-mail]" in page and "a.b@example.com" not in page
    assert "measured 2026Q3" not in filled("journey_canvas", tiny)


def test_matrix_places_scored_opportunities_as_cards(tiny):
    page = filled("impact_effort", tiny)
    assert_safe(page)
    cards = re.findall(r'<div class="card" style="left:([\d.]+)mm;top:([\d.]+)mm"><b>(.*?)</b><em>(.*?)</em>', page)
    assert [card[2] for card in cards] == ["Fix the checkout", "Clearer prices"]  # priority 4.5 / 2 > 2.5 / 4
    assert cards[0][3] == "Impact 4.5 · Effort 2 · 6 votes · ecommerce"
    assert cards[1][3] == "Impact 2.5 · Effort 4"
    (x1, y1), (x2, y2) = [(float(c[0]), float(c[1])) for c in cards]
    assert x1 < x2 and y1 < y2  # the quick win is left of and above the money pit
    assert x2 > canvases.PLOT[0] / 2 and y2 + canvases.CARD[1] / 2 > canvases.PLOT[1] / 2
    parking = page.split('class="box parking')[1]
    assert "Loyalty club" in parking and "Old idea" not in page
    assert "2 opportunities placed · 1 in the parking lot" in page


def test_cards_never_overlap(make_workspace):
    many = "\n".join(f"  - {{id: o{i}, title: Idea {i}, customer_value: 4, business_value: 4, effort: 2}}"
                     for i in range(12))
    page = filled("impact_effort", make_workspace(f"name: Crowded\nopportunities:\n{many}\n"))
    boxes = [(float(x), float(y)) for x, y in re.findall(r'class="card" style="left:([\d.]+)mm;top:([\d.]+)mm', page)]
    assert len(boxes) == 12
    width, height = canvases.CARD
    for i, (x1, y1) in enumerate(boxes):
        assert 0 <= x1 <= canvases.PLOT[0] - width and 0 <= y1 <= canvases.PLOT[1] - height
        for x2, y2 in boxes[i + 1:]:
            assert abs(x1 - x2) >= width or abs(y1 - y2) >= height


def test_filled_parameters_are_checked(tiny, make_workspace):
    with pytest.raises(ParameterError, match=r"'persona' parameter of filled must be one of bargain, loyal\. Got 'x'"):
        filled("persona_card", tiny, persona="x")
    with pytest.raises(ParameterError, match="quarter written like '2026Q3'"):
        filled("journey_canvas", tiny, quarter="Q3")
    with pytest.raises(ParameterError, match="a workspace with personas"):
        filled("empathy_map", make_workspace("name: No personas yet\n", name="empty"))
    with pytest.raises(FileNotFoundError, match="No journey.yaml"):
        filled("journey_canvas", tiny / "missing")


# --- filled from the sample and from every journey template ------------------------------------------------------

def test_journey_canvas_and_matrix_from_the_sample(sample):
    page = filled("journey_canvas", sample, lang="fr")
    assert_safe(page)
    assert page.count('class="jc-stage"') == 7
    for text in ("Découvrir", "Renouveler", "Paiement dans l'appli", "Pas de choix du créneau de livraison",
                 "Laisser choisir le créneau de livraison", "Effort au paiement", "logistics"):
        assert html.escape(text) in page, text
    # priority = impact / effort: loyalty (3 + 2) / 2 / 2 = 1.25, delivery slot (4 + 3) / 2 / 3 = 1.17,
    # care coaching (4 + 3) / 2 / 4 = 0.875
    matrix = filled("impact_effort", sample)
    assert re.findall(r'<div class="card" [^>]*><b>(.*?)</b>', matrix) == [
        "Loyalty discount from the third quarter", "Let customers pick a delivery slot",
        "Live care coaching in the app"]


@pytest.mark.parametrize("name", template_names())
def test_every_journey_template_fills_the_canvases(tmp_path, name):
    workspace = init(tmp_path / name, name)
    for lang in ("en", "fr"):
        page = filled("journey_canvas", workspace, lang=lang)
        assert_safe(page)
        assert page.count('class="jc-stage"') == len(workspace.journey.stages)
        assert html.escape(workspace.journey.stages[0].name.get(lang)) in page
        assert_safe(filled("impact_effort", workspace, lang=lang))


# --- files ----------------------------------------------------------------------------------------------------

def test_render_html_and_refuse_other_formats(tmp_path):
    page = blank("persona_card")
    target = render(page, tmp_path / "new" / "card.html")
    assert target.read_text(encoding="utf-8") == page
    with pytest.raises(ParameterError, match=r"ending in \.html, \.pdf or \.png"):
        render(page, tmp_path / "card.docx")


def test_a_missing_chromium_is_explained(tmp_path, monkeypatch):
    monkeypatch.setattr(canvases.shutil, "which", lambda name: None)
    with pytest.raises(canvases.BrowserNotFoundError, match="Install Debian's chromium") as caught:
        render(blank("persona_card"), tmp_path / "card.pdf")
    assert isinstance(caught.value, FileNotFoundError)
    assert not (tmp_path / "card.pdf").exists()


def _chromium_or_skip() -> None:
    pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
    try:
        canvases.chromium()
    except canvases.BrowserNotFoundError:
        pytest.skip("no Chromium found (install Debian's 'chromium')")


def _pdf_pages(data: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", data))


@pytest.mark.parametrize("kind", KINDS)
def test_pdf_has_one_page_per_sheet(tmp_path, kind):
    _chromium_or_skip()
    data = render(blank(kind, "fr"), tmp_path / f"{kind}.pdf").read_bytes()
    assert data.startswith(b"%PDF-")
    assert _pdf_pages(data) == 1
    width, height = (float(v) for v in re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)", data).groups())
    expected = (595.3, 841.9) if kind == "persona_card" else (1190.6, 841.9)  # A4 portrait, A3 landscape (points)
    assert abs(width - expected[0]) < 2 and abs(height - expected[1]) < 2


def test_filled_pdf_and_png(tmp_path, tiny):
    _chromium_or_skip()
    cards = render(filled("persona_card", tiny), tmp_path / "cards.pdf").read_bytes()
    assert cards.startswith(b"%PDF-") and _pdf_pages(cards) == 2  # one page per persona, none split
    png = render(filled("journey_canvas", tiny), tmp_path / "canvas.png").read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", png[16:24])
    assert width > height > 1500  # A3 landscape at twice the screen resolution (about 3175 x 2245)
    portrait = render(blank("persona_card"), tmp_path / "card.png").read_bytes()
    width, height = struct.unpack(">II", portrait[16:24])
    assert height > width > 1500
