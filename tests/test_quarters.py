"""Calendar quarters: parsing, bounds, and stepping across a year."""

from __future__ import annotations

from datetime import datetime

import pytest

from journeykit.errors import ParameterError
from journeykit.quarters import Quarter


@pytest.mark.parametrize("text", ["2026Q3", "2026q3", "2026-Q3", " 2026 Q3 "])
def test_parse(text):
    assert Quarter.parse(text) == Quarter(2026, 3)


@pytest.mark.parametrize("text", ["2026Q5", "2026Q0", "26Q3", "Q3 2026", "2026", "", None, 20263])
def test_parse_refuses(text):
    with pytest.raises(ParameterError) as caught:
        Quarter.parse(text, "--quarter", "journeykit quarterly")
    assert str(caught.value) == ("The '--quarter' parameter of journeykit quarterly must be a quarter written "
                                 f"like '2026Q3'. Got {text!r} instead.")
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize("quarter, start, end", [
    (Quarter(2026, 1), datetime(2026, 1, 1), datetime(2026, 4, 1)),
    (Quarter(2026, 2), datetime(2026, 4, 1), datetime(2026, 7, 1)),
    (Quarter(2026, 3), datetime(2026, 7, 1), datetime(2026, 10, 1)),
    (Quarter(2026, 4), datetime(2026, 10, 1), datetime(2027, 1, 1)),  # the end is in the next year
])
def test_bounds(quarter, start, end):
    assert (quarter.start, quarter.end) == (start, end)


def test_previous_and_next_across_a_year():
    assert Quarter(2026, 1).previous() == Quarter(2025, 4)
    assert Quarter(2025, 4).next() == Quarter(2026, 1)
    assert Quarter(2026, 3).previous() == Quarter(2026, 2)
    assert Quarter(2026, 3).next() == Quarter(2026, 4)


def test_text_and_order():
    assert str(Quarter(2026, 1)) == "2026Q1"
    assert sorted([Quarter(2026, 1), Quarter(2025, 4), Quarter(2025, 2)]) == [
        Quarter(2025, 2), Quarter(2025, 4), Quarter(2026, 1)]
    assert str(Quarter.parse(str(Quarter(2031, 2)))) == "2031Q2"
