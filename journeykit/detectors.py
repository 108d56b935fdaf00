"""Step 7's five detectors of friction: the evidence behind each pain point (:mod:`journeykit.pain_points`).

Each detector looks for friction in one quarter and returns *evidence*, one row per cell (a touchpoint,
or a stage x channel), with the numbers behind it, a one-sided test against an expectation, and a sentence
in English and French:

1. **Drop-off above expectation** (``drop_off``): among the customers who reach a touchpoint (or a stage x
   channel cell shared by several touchpoints), the share with no event in a later stage afterwards in the
   quarter, against the rest of the stage (``expectation="stage"``) or the same cell last quarter
   (``expectation="previous"``; cells without enough customers last quarter fall back to the stage).
   As in step 4's funnel, any later stage counts as going further (a support stage placed after the
   examined one too), and the map's last stage has no drop-off.
2. **Low satisfaction or high effort** (``survey``): the share of CSAT answers of 1-3 (not top-2-box) and of
   CES answers of 5-7 at a touchpoint, against every other answer of the quarter; the one with more answers
   beyond expectation leads. Intervals come from :mod:`journeykit.kpis` (Wilson for top-2-box, t for the CES mean).
3. **Negative verbatims** (``verbatims``): the share of a touchpoint's comments whose sentiment
   (:func:`journeykit.sentiment.score_many`) is at most :data:`NEGATIVE`, against every other comment, with
   the words that most set those negative comments apart, in each language.
4. **Ticket hotspots** (``tickets``): tickets per 1,000 customers reached at the touchpoint against the
   average over all touchpoints (a Poisson test), with the categories behind them.
5. **Repeated loops** (``loops``): customers with :data:`REPEATS` or more events at the same touchpoint on
   one day. Browsing naturally repeats events, so a loop is evidence only when the customers who loop go
   no further more often than the other customers of that touchpoint (drop-off as in 1).

**Modules.** Detectors 1 and 5 live in :mod:`journeykit.detector_behaviour`, detectors 2 to 4 in
:mod:`journeykit.detector_voice`, and what they share (the tests, the judging, the evidence frame and its
words) in :mod:`journeykit.detector_evidence`; this module gathers them for :mod:`journeykit.pain_points`.

**Tests.** Proportions use the pooled two-proportion z test (tickets: a Poisson test); cells with fewer
than ``privacy.min_group_size`` customers (or answers) are not tested, and no statistic is kept on fewer
than that many. The critical value is Bonferroni-corrected over the cells a detector tests,
``z_crit = Φ⁻¹(1 - alpha / cells)``, and a cell must also be at least :data:`MIN_LIFT` times its expectation
(a huge cell a few points above its stage is significant, but not a pain point). For a significant cell:

- ``affected``: the customers with the problem there (who went no further, answered CSAT 1-3 or CES 5-7,
  wrote a negative comment, opened a ticket, or looped). Answers are never extrapolated to the customers
  who did not answer;
- ``excess_share`` (the excess rate) = ``1 - expected / observed``: the part of them beyond expectation;
- ``strength`` = ``1 - z_crit / z``: 0 when barely significant, towards 1 when overwhelming;
- ``score`` = ``affected x excess_share x strength``.
"""

from __future__ import annotations

from .detector_behaviour import REPEATS, _touchpoint_visits, drop_off, loops, reach  # noqa: F401
from .detector_evidence import (EVIDENCE_COLUMNS, KINDS, MIN_LIFT, N_WORDS, STOP_WORDS, Detection,  # noqa: F401
                                _evidence, _int, _judge, _Names, _num, _pct, _place, distinctive_words, pain_key,
                                z_critical, z_poisson, z_two)
from .detector_voice import HIGH_CES, LOW_CSAT, NEGATIVE, survey_scores, ticket_hotspots, verbatims  # noqa: F401
