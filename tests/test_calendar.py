"""Tests for dsl.runtime.calendar: months, working days (Algemene termijnenwet), shifts."""

from calendar import monthrange
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dsl.runtime.calendar import (
    UNIT_ALIASES,
    UNITS,
    add_months,
    add_working_days,
    add_years,
    day_number,
    days_between,
    is_working_day,
    non_working_reason,
    shift,
    working_days_between,
)

# Oracle, written out by hand from Atw art. 3 (Goede Vrijdag by art. 3 lid 2).
ATW_HOLIDAYS_2023_2025 = {
    # 2023: Easter 9 April
    date(2023, 1, 1), date(2023, 4, 7), date(2023, 4, 10), date(2023, 4, 27),
    date(2023, 5, 5), date(2023, 5, 18), date(2023, 5, 29), date(2023, 12, 25),
    date(2023, 12, 26),
    # 2024: Easter 31 March
    date(2024, 1, 1), date(2024, 3, 29), date(2024, 4, 1), date(2024, 4, 27),
    date(2024, 5, 5), date(2024, 5, 9), date(2024, 5, 20), date(2024, 12, 25),
    date(2024, 12, 26),
    # 2025: Easter 20 April; 27 April is a Sunday, so Koningsdag is Saturday 26 April
    date(2025, 1, 1), date(2025, 4, 18), date(2025, 4, 21), date(2025, 4, 26),
    date(2025, 5, 5), date(2025, 5, 29), date(2025, 6, 9), date(2025, 12, 25),
    date(2025, 12, 26),
}
ORACLE_FIRST, ORACLE_LAST = date(2023, 1, 1), date(2025, 12, 31)


def oracle_is_working_day(day):
    return day.weekday() < 5 and day not in ATW_HOLIDAYS_2023_2025


def oracle_add_working_days(day, n):
    step = 1 if n > 0 else -1
    for _ in range(abs(n)):
        day += timedelta(days=step)
        while not oracle_is_working_day(day):
            day += timedelta(days=step)
    return day


def oracle_add_months(day, n):
    year, month = day.year, day.month
    for _ in range(abs(n)):
        month += 1 if n > 0 else -1
        if month == 13:
            year, month = year + 1, 1
        elif month == 0:
            year, month = year - 1, 12
    last = monthrange(year, month)[1]
    return date(year, month, min(day.day, last)), day.day > last


# Dates whose ±60 working days stay inside the oracle's years.
oracle_dates = st.dates(min_value=date(2023, 4, 1), max_value=date(2025, 9, 30))


def test_units_and_aliases():
    assert UNITS == ("dagen", "weken", "maanden", "jaren", "uren", "minuten", "seconden", "werkdagen")
    assert all(UNIT_ALIASES[unit] == unit for unit in UNITS)
    assert {UNIT_ALIASES[word] for word in ("maand", "kalendermaand", "kalendermaanden")} == {"maanden"}
    assert [UNIT_ALIASES[w] for w in ("dag", "week", "jaar", "uur", "minuut", "seconde", "werkdag")] == [
        "dagen", "weken", "jaren", "uren", "minuten", "seconden", "werkdagen"]


@pytest.mark.parametrize(("start", "months", "expected", "clamped"), [
    (date(2023, 1, 31), 1, date(2023, 2, 28), True),
    (date(2024, 1, 31), 1, date(2024, 2, 29), True),
    (date(2023, 1, 31), 2, date(2023, 3, 31), False),
    (date(2023, 3, 31), -1, date(2023, 2, 28), True),
    (date(2023, 5, 31), 1, date(2023, 6, 30), True),
    (date(2023, 12, 15), 1, date(2024, 1, 15), False),
    (date(2024, 1, 15), -1, date(2023, 12, 15), False),
    (date(2023, 1, 31), 0, date(2023, 1, 31), False),
    (datetime(2023, 1, 31, 17, 0), 1, datetime(2023, 2, 28, 17, 0), True),
])
def test_add_months(start, months, expected, clamped):
    assert add_months(start, months) == (expected, clamped)


def test_month_addition_is_not_associative():
    once = add_months(add_months(date(2023, 1, 31), 1)[0], 1)[0]
    assert once == date(2023, 3, 28)
    assert add_months(date(2023, 1, 31), 2)[0] == date(2023, 3, 31)


@pytest.mark.parametrize(("start", "years", "expected", "clamped"), [
    (date(2024, 2, 29), 1, date(2025, 2, 28), True),
    (date(2024, 2, 29), 4, date(2028, 2, 29), False),
    (date(2024, 2, 29), -1, date(2023, 2, 28), True),
    (date(2023, 2, 28), 1, date(2024, 2, 28), False),
])
def test_add_years(start, years, expected, clamped):
    assert add_years(start, years) == (expected, clamped)


@given(st.dates(min_value=date(2, 1, 1), max_value=date(9998, 12, 31)), st.integers(-11, 11))
def test_add_months_matches_month_counting_loop(start, months):
    assert add_months(start, months) == oracle_add_months(start, months)


@given(st.dates(min_value=date(100, 1, 1), max_value=date(9900, 12, 31)), st.integers(-1000, 1000))
def test_add_months_matches_loop_over_long_spans(start, months):
    assert add_months(start, months) == oracle_add_months(start, months)


@pytest.mark.parametrize(("day", "reason"), [
    (date(2025, 4, 26), "Koningsdag"),        # a Saturday, but the holiday name wins
    (date(2025, 4, 27), "zondag"),            # not Koningsdag in 2025
    (date(2025, 4, 25), None),
    (date(2025, 4, 28), None),
    (date(2024, 3, 29), "Goede Vrijdag"),     # Atw art. 3 lid 2
    (date(2024, 3, 31), "zondag"),            # Eerste Paasdag is a Sunday anyway
    (date(2024, 4, 1), "Tweede Paasdag"),
    (date(2024, 5, 9), "Hemelvaartsdag"),
    (date(2024, 5, 10), None),                # no royal-decree bridge day recorded
    (date(2024, 5, 20), "Tweede Pinksterdag"),
    (date(2023, 5, 5), "Bevrijdingsdag"),     # every year, not only every fifth
    (date(2025, 5, 5), "Bevrijdingsdag"),
    (date(2024, 1, 1), "Nieuwjaarsdag"),
    (date(2024, 12, 25), "Eerste Kerstdag"),
    (date(2024, 12, 26), "Tweede Kerstdag"),
    (date(2024, 4, 27), "Koningsdag"),
    (date(2006, 4, 29), "Koninginnedag"),     # 30 April 2006 was a Sunday
    (date(2013, 4, 30), "Koninginnedag"),
    (date(2023, 5, 6), "zaterdag"),
    (datetime(2025, 4, 26, 12, 0), "Koningsdag"),
])
def test_non_working_reason(day, reason):
    assert non_working_reason(day) == reason
    assert is_working_day(day) is (reason is None)


@pytest.mark.parametrize("year", range(1982, 2101))
def test_koningsdag_and_bevrijdingsdag_every_year(year):
    birthday = date(year, 4, 27) if year >= 2014 else date(year, 4, 30)
    celebrated = birthday - timedelta(days=1) if birthday.weekday() == 6 else birthday
    expected = "Koningsdag" if year >= 2014 else "Koninginnedag"
    assert non_working_reason(celebrated) == expected
    assert not is_working_day(date(year, 5, 5))


def test_every_working_day_in_oracle_years_matches_hand_list():
    day = ORACLE_FIRST
    while day <= ORACLE_LAST:
        assert is_working_day(day) is oracle_is_working_day(day), day
        day += timedelta(days=1)


@pytest.mark.parametrize(("start", "n", "expected"), [
    (date(2025, 4, 25), 1, date(2025, 4, 28)),     # Koningsdag on Saturday 26 April
    (date(2025, 4, 24), 2, date(2025, 4, 28)),
    (date(2025, 4, 28), -1, date(2025, 4, 25)),
    (date(2025, 5, 2), 1, date(2025, 5, 6)),       # Monday 5 May 2025 is Bevrijdingsdag
    (date(2024, 3, 28), 1, date(2024, 4, 2)),      # Goede Vrijdag .. Tweede Paasdag 2024
    (date(2024, 4, 2), -1, date(2024, 3, 28)),
    (date(2024, 3, 30), 0, date(2024, 3, 30)),     # n = 0 returns d, even a Saturday
    (date(2024, 3, 30), 1, date(2024, 4, 2)),
    (date(2024, 12, 24), 1, date(2024, 12, 27)),
    (datetime(2024, 3, 28, 17, 0), 1, datetime(2024, 4, 2, 17, 0)),
])
def test_add_working_days(start, n, expected):
    assert add_working_days(start, n) == expected


@given(oracle_dates, st.integers(-40, 40))
def test_add_working_days_matches_day_by_day_oracle(start, n):
    assert add_working_days(start, n) == oracle_add_working_days(start, n)


@given(oracle_dates, st.integers(-40, 40))
def test_working_days_between_inverts_add_working_days(start, n):
    assert working_days_between(start, add_working_days(start, n)) == n


@given(oracle_dates, oracle_dates)
def test_working_days_between_counts_half_open_interval(a, b):
    if b >= a:
        expected = sum(oracle_is_working_day(a + timedelta(days=i)) for i in range(1, (b - a).days + 1))
    else:
        expected = -sum(oracle_is_working_day(b + timedelta(days=i)) for i in range((a - b).days))
    assert working_days_between(a, b) == expected


def test_working_days_around_koningsdag_2025():
    # Fri 25 Apr -> Mon 28 Apr: Saturday (Koningsdag) and Sunday do not count.
    assert working_days_between(date(2025, 4, 25), date(2025, 4, 28)) == 1
    # 22-25 Apr, 28 Apr-2 May, 6 May; Mon 5 May is Bevrijdingsdag.
    assert working_days_between(date(2025, 4, 21), date(2025, 5, 6)) == 10


def test_unsupported_year_is_refused():
    with pytest.raises(ValueError, match="alleen bekend voor de jaren 1966 tot en met 2100"):
        is_working_day(date(2200, 1, 1))


def test_day_number_and_days_between():
    assert day_number(date(2024, 1, 1), 1) == date(2024, 1, 1)
    assert day_number(date(2024, 1, 1), 121) == date(2024, 4, 30)
    assert days_between(date(2024, 1, 1), date(2024, 4, 30)) == 120
    with pytest.raises(ValueError, match="dag 0 bestaat niet: de begindag is dag 1"):
        day_number(date(2024, 1, 1), 0)


@pytest.mark.parametrize(("value", "amount", "unit", "expected", "note"), [
    (date(2025, 1, 24), 91, "dagen", date(2025, 4, 25), None),
    (date(2025, 1, 24), 1, "dag", date(2025, 1, 25), None),
    (date(2025, 1, 24), -2, "weken", date(2025, 1, 10), None),
    (date(2023, 1, 31), 1, "maanden", date(2023, 2, 28),
     "31 februari 2023 bestaat niet; de laatste dag van de maand is genomen: 28 februari 2023"),
    (date(2023, 3, 31), -1, "kalendermaand", date(2023, 2, 28),
     "31 februari 2023 bestaat niet; de laatste dag van de maand is genomen: 28 februari 2023"),
    (date(2024, 2, 29), 1, "jaar", date(2025, 2, 28),
     "29 februari 2025 bestaat niet; de laatste dag van de maand is genomen: 28 februari 2025"),
    (date(2024, 1, 15), 6, "maanden", date(2024, 7, 15), None),
    (date(2025, 4, 25), 1, "werkdagen", date(2025, 4, 28), None),
    (datetime(2025, 4, 25, 17, 0), 1, "werkdag", datetime(2025, 4, 28, 17, 0), None),
    (date(2023, 12, 8), 17, "uren", datetime(2023, 12, 8, 17, 0), None),
    (datetime(2023, 12, 8, 17, 0), 90, "minuten", datetime(2023, 12, 8, 18, 30), None),
    (datetime(2023, 12, 8, 17, 0), -30, "seconden", datetime(2023, 12, 8, 16, 59, 30), None),
    (datetime(2023, 12, 8, 17, 0), 48, "uur", datetime(2023, 12, 10, 17, 0), None),
])
def test_shift(value, amount, unit, expected, note):
    assert shift(value, amount, unit) == (expected, note)


def test_shift_rejects_unknown_unit():
    with pytest.raises(ValueError, match="onbekende eenheid 'eeuwen'"):
        shift(date(2024, 1, 1), 1, "eeuwen")
