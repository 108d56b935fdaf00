"""The impact/effort matrix: scored opportunities as cards on a 1-5 grid, the others in a parking lot.

A card is centred on its effort (left to right) and its impact (bottom to top); when that place is taken by
another card or a quadrant's title, the card moves to the nearest free place and a dashed line joins it to
its exact scores. :data:`PLOT` and :data:`CARD` are the sizes (mm) that ``canvas.css`` gives the plot and a card.
"""

from __future__ import annotations

import html
from functools import cache

from .canvas_pieces import fill, label, read_template, score_text, text_list
from .model import Journey

PLOT = (295.2, 215.2)  # mm inside the plot's axes, as canvas.css sets it
CARD = (64.0, 19.0)
MOST_CARDS = 24
_CORNERS = [(0, 0), (PLOT[0] - 96, 0), (0, PLOT[1] - 24), (PLOT[0] - 96, PLOT[1] - 24)]  # quadrant titles


def _position(effort: float, impact: float) -> tuple[float, float]:
    """The centre of a card for scores on 1..5: effort left to right, impact bottom to top (mm)."""
    x = CARD[0] / 2 + 2 + (effort - 1) / 4 * (PLOT[0] - CARD[0] - 4)
    y = PLOT[1] - (CARD[1] / 2 + 2 + (impact - 1) / 4 * (PLOT[1] - CARD[1] - 4))
    return x, y


@cache
def _steps() -> list[tuple[int, int]]:
    """Moves (mm) to try for a card, nearest first; sideways moves count more than vertical ones."""
    moves = ((dx, dy) for dx in range(-300, 301, 6) for dy in range(-216, 217, 4))
    return sorted(moves, key=lambda step: (1.6 * step[0]) ** 2 + step[1] ** 2)


def _place(wanted: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Top-left corners near each wanted centre, so that no card hides another or a quadrant's title."""
    taken = [(x, y, 96.0, 24.0) for x, y in _CORNERS]
    placed = []
    for cx, cy in wanted:
        best = (cx - CARD[0] / 2, cy - CARD[1] / 2)
        for dx, dy in _steps():
            x, y = cx - CARD[0] / 2 + dx, cy - CARD[1] / 2 + dy
            if not (0 <= x <= PLOT[0] - CARD[0] and 0 <= y <= PLOT[1] - CARD[1]):
                continue
            if all(x + CARD[0] + 1.5 <= ox or ox + w + 1.5 <= x or y + CARD[1] + 1.5 <= oy or oy + h + 1.5 <= y
                   for ox, oy, w, h in taken):
                best = (x, y)
                break
        taken.append((*best, *CARD))
        placed.append(best)
    return placed


def _leaders(exact: list[tuple[float, float]], corners: list[tuple[float, float]]) -> str:
    """Behind the cards: a dot at each card's exact scores, and a line to the card when it had to move."""
    lines = "".join(f'<line x1="{x:.1f}" y1="{y:.1f}" x2="{cx + CARD[0] / 2:.1f}" y2="{cy + CARD[1] / 2:.1f}"/>'
                    for (x, y), (cx, cy) in zip(exact, corners))
    dots = "".join(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="1.3"/>' for x, y in sorted(set(exact)))
    return (f'<svg class="leaders" viewBox="0 0 {PLOT[0]} {PLOT[1]}"><g stroke="#1b4965" stroke-width=".3" '
            f'stroke-dasharray="1 .8">{lines}</g><g fill="#1b4965">{dots}</g></svg>')


def matrix_sheet(context: dict, journey: Journey | None) -> str:
    """The A3 matrix: empty without a journey, else its live opportunities as cards and in the parking lot."""
    lang = context["lang"]
    ticks = [1, 2, 3, 4, 5]
    x_ticks = "".join(f'<span style="left:{0.8 + _position(v, 3)[0]:.1f}mm">{v}</span>' for v in ticks)
    y_ticks = "".join(f'<span style="top:{_position(3, v)[1]:.1f}mm">{v}</span>' for v in ticks)
    how = "".join(f"<p>{part}</p>" for part in label("how", lang).split("|"))  # our own markup, no user text
    values = {**context, "title": label("impact_effort", lang), "x_ticks": x_ticks, "y_ticks": y_ticks, "how": how,
              "cards": "", "parking": ""}
    if journey is not None:
        from .opportunities import SCORES, priority

        live = [o for o in journey.opportunities if o.status != "dropped"]
        scored = [o for o in live if all(getattr(o, score) is not None for score in SCORES)]
        ranked = sorted(scored, key=lambda o: (-priority(o.customer_value, o.business_value, o.effort)[1], o.id))
        shown, left = ranked[:MOST_CARDS], ranked[MOST_CARDS:]
        impacts = [priority(o.customer_value, o.business_value, o.effort)[0] for o in shown]
        exact = [_position(o.effort, impact) for o, impact in zip(shown, impacts)]
        corners = _place(exact)
        cards = [_leaders(exact, corners)] if shown else []
        for o, impact, (x, y) in zip(shown, impacts, corners):
            small = [label("card", lang, impact=score_text(impact, lang), effort=score_text(o.effort, lang))]
            small += [label("votes", lang, n=o.votes)] if o.votes else []
            small += [o.owner] if o.owner else []
            cards.append(f'<div class="card" style="left:{x:.1f}mm;top:{y:.1f}mm"><b>{html.escape(o.title.get(lang))}'
                         f'</b><em>{html.escape(" · ".join(small))}</em></div>')
        unscored = [o for o in live if o not in scored] + left
        counts = label("placed", lang, n=len(shown), m=len(unscored))
        values.update({"title": journey.name.get(lang), "cards": "".join(cards), "meta": html.escape(counts),
                       "parking": text_list([o.title.get(lang) for o in unscored], lang, most=12)})
    return fill(read_template("impact_effort.html"), values, lang)
