"""Runtime values: moments against deadlines, timeline status, lists, unique hit policy."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from dsl.runtime import values as rt


@pytest.mark.parametrize("a, b, expected", [
    (date(2023, 12, 22), date(2023, 12, 22), 0),
    (datetime(2023, 12, 22, 23, 59), date(2023, 12, 22), 0),      # a date bound is the whole day
    (date(2023, 12, 22), datetime(2023, 12, 22, 17), None),        # the time is unknown
    (date(2023, 12, 21), datetime(2023, 12, 22, 17), -1),
    (datetime(2023, 12, 22, 17, 1), datetime(2023, 12, 22, 17), 1),
    (None, date(2023, 1, 1), None),
])
def test_moment_cmp(a, b, expected):
    assert rt.moment_cmp(a, b) == expected


D = date


# (event, start, end, strict, exact, peil) -> status; a bound the termijn has but that is unknown
# is passed as has_start/has_end with a None value.
@pytest.mark.parametrize("written, event, start, end, strict, exact, peil, status", [
    ("uiterlijk 22 maart", D(2024, 3, 22), None, D(2024, 3, 22), False, False, None, "gehaald"),
    ("uiterlijk 22 maart", D(2024, 3, 23), None, D(2024, 3, 22), False, False, None, "niet gehaald"),
    ("voor 22 maart", D(2024, 3, 22), None, D(2024, 3, 22), True, False, None, "niet gehaald"),
    ("binnen 3 weken na 1 maart", D(2024, 2, 29), D(2024, 3, 1), D(2024, 3, 22), False, False, None, "niet gehaald"),
    ("binnen 3 weken na 1 maart", D(2024, 3, 1), D(2024, 3, 1), D(2024, 3, 22), False, False, None, "gehaald"),
    ("van 10 november tot 8 december", D(2023, 12, 8), D(2023, 11, 10), D(2023, 12, 8), True, False, None,
     "niet gehaald"),
    ("van 10 november tot en met 8 december", D(2023, 12, 8), D(2023, 11, 10), D(2023, 12, 8), False, False, None,
     "gehaald"),
    ("niet voor 1 januari", D(2024, 1, 1), D(2024, 1, 1), None, False, False, None, "gehaald"),
    ("niet voor 1 januari", D(2023, 12, 31), D(2024, 1, 1), None, False, False, None, "niet gehaald"),
    ("op 1 januari", D(2024, 1, 2), None, D(2024, 1, 1), False, True, None, "niet gehaald"),
    ("uiterlijk 22 maart, peil 22 maart", None, None, D(2024, 3, 22), False, False, D(2024, 3, 22),
     "nog niet verstreken"),
    ("uiterlijk 22 maart, peil 23 maart", None, None, D(2024, 3, 22), False, False, D(2024, 3, 23),
     "verstreken zonder datum"),
    ("uiterlijk 22 maart, geen peildatum", None, None, D(2024, 3, 22), False, False, None, "onbekend"),
])
def test_timeline_status(written, event, start, end, strict, exact, peil, status):
    has_start = written.startswith(("binnen", "van", "niet voor"))
    has_end = not written.startswith("niet voor")
    assert rt.timeline(event, start, end, has_start, has_end, strict, exact, peil)[0] == status


def test_an_unknown_bound_makes_the_timeline_unknown():
    # "uiterlijk <datum>" whose date is itself unknown
    assert rt.timeline(D(2024, 3, 1), None, None, False, True, False, False, None)[0] == "onbekend"


def test_lists_are_kleene():
    assert rt.each(">=", (1, 2), 1) is True
    assert rt.each(">=", (1, None), 1) is None
    assert rt.each(">=", (0, None), 1) is False
    assert rt.agg_sum((1, None)) is None
    assert rt.agg_count(()) == 0 and rt.agg_sum(()) == 0


def test_unique_pick():
    assert rt.unique_pick((False, True, False)) == 1
    assert rt.unique_pick((True, True)) == rt.ROW_OVERLAP
    assert rt.unique_pick((False, None)) == rt.ROW_UNKNOWN
    assert rt.unique_pick((True, None)) == rt.ROW_UNKNOWN
    assert rt.unique_pick((False, False)) == rt.ROW_NONE


def test_shift_months_clamps_to_the_last_day():
    assert rt.shift_months(date(2023, 1, 31), 1) == date(2023, 2, 28)
    assert rt.shift_workdays(datetime(2025, 4, 25, 9), 1) == datetime(2025, 4, 28, 9)
    assert rt.day_of(date(2024, 1, 1), 121) == date(2024, 4, 30)


def test_strict_deadline_is_over_on_the_day_itself():
    # "e voor 2 april": without an event, on 2 April itself it can no longer be met
    voor, uiterlijk = (None, date(2023, 4, 2), False, True, True, False), (None, date(2023, 4, 2), False, True,
                                                                         False, False)
    assert rt.timeline(None, *voor, date(2023, 4, 2))[0] == "verstreken zonder datum"
    assert rt.timeline(None, *voor, date(2023, 4, 1))[0] == "nog niet verstreken"
    assert rt.timeline(None, *uiterlijk, date(2023, 4, 2))[0] == "nog niet verstreken"
