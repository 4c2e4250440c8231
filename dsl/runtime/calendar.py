"""Date arithmetic for compiled policies: calendar months, working days, day numbers.

Contract: pure functions on ``datetime.date`` and ``datetime.datetime``; nothing is
approximated (a month is never 30 days). Where a convention decides the result, the
function says so in its return value, so the caller can record it in the trace.

Conventions (each pinned by a doctest below):

- Month and year addition lands on the same day number; when the target month is too
  short the result is the LAST day of that month and the result is flagged "clamped".
  Month addition is therefore not associative:

  >>> from datetime import date
  >>> add_months(date(2023, 1, 31), 1)
  (datetime.date(2023, 2, 28), True)
  >>> add_months(add_months(date(2023, 1, 31), 1)[0], 1)[0]
  datetime.date(2023, 3, 28)
  >>> add_months(date(2023, 1, 31), 2)[0]
  datetime.date(2023, 3, 31)
  >>> add_years(date(2024, 2, 29), 1)
  (datetime.date(2025, 2, 28), True)

- Non-working days follow the Algemene termijnenwet (Atw): Saturday, Sunday and the
  days of art. 3: Nieuwjaarsdag, Goede Vrijdag (art. 3 lid 2 equates it with the
  others), Tweede Paasdag, Koningsdag, 5 mei (every year since 1982), Hemelvaartsdag,
  Tweede Pinksterdag, Eerste en Tweede Kerstdag, plus days equated by royal decree
  (art. 3 lid 3, :data:`DECREE_DAYS`). Koningsdag moves to Saturday 26 April when
  27 April is a Sunday, as in 2025:

  >>> non_working_reason(date(2025, 4, 26)), non_working_reason(date(2025, 4, 27))
  ('Koningsdag', 'zondag')
  >>> add_working_days(date(2025, 4, 25), 1)  # Sat Koningsdag, Sun, then Monday
  datetime.date(2025, 4, 28)
  >>> add_working_days(date(2024, 3, 28), 1)  # Goede Vrijdag, Easter, Tweede Paasdag
  datetime.date(2024, 4, 2)

- Counting: ``add_working_days(d, n)`` does not count ``d`` itself;
  ``working_days_between(a, b)`` counts (a, b]; ``days_between`` counts "ligdagen"
  (start day not counted, end day counted); ``day_number(start, n)`` calls the
  start day "dag 1".

Working days are known for the years the ``holidays`` package covers for the
Netherlands (1966 up to and including 2100); a date the calendar cannot give (working
days outside those years, a date before year 1 or after 9999) raises
:class:`OutsideCalendar`, a ``ValueError`` with a Dutch message:

  >>> add_months(date(9999, 12, 1), 1)
  Traceback (most recent call last):
  ...
  dsl.runtime.calendar.OutsideCalendar: de datum valt buiten de kalender (jaar 10000; mogelijk: 1 tot en met 9999)

The functions compiled policies call (:mod:`dsl.runtime.values`) turn that into
"onbekend".
"""

from __future__ import annotations

from calendar import monthrange
from datetime import MAXYEAR, MINYEAR, date, datetime, time, timedelta
from functools import cache
from typing import TypeVar

from dsl.literals import MONTHS
from dsl.types import UNIT_ALIASES, UNITS

__all__ = [
    "DECREE_DAYS",
    "OutsideCalendar",
    "UNITS",
    "UNIT_ALIASES",
    "add_months",
    "add_working_days",
    "add_years",
    "day_number",
    "days_between",
    "is_working_day",
    "non_working_reason",
    "shift",
    "working_days_between",
]

# A date or a date-time: month arithmetic keeps which one it was, and any time of day.
D = TypeVar("D", bound=date)


class OutsideCalendar(ValueError):
    """A date the calendar cannot give: before year 1 or after year 9999, or a working day
    outside the years whose holidays are known. The message is Dutch."""


def _check_year(year: int) -> None:
    if not MINYEAR <= year <= MAXYEAR:
        raise OutsideCalendar(f"de datum valt buiten de kalender (jaar {year}; mogelijk: {MINYEAR} tot en met {MAXYEAR})")


def add_months(d: D, n: int) -> tuple[D, bool]:
    """Add ``n`` calendar months (``n`` may be negative), keeping any time of day.

    Returns the result and whether the day was clamped to the end of a short month.

    >>> add_months(date(2024, 1, 31), 1)
    (datetime.date(2024, 2, 29), True)
    >>> add_months(datetime(2024, 3, 31, 17, 0), -1)
    (datetime.datetime(2024, 2, 29, 17, 0), True)
    >>> add_months(date(2024, 1, 15), 13)
    (datetime.date(2025, 2, 15), False)
    """
    year, month0 = divmod(d.year * 12 + d.month - 1 + n, 12)
    _check_year(year)
    last_day = monthrange(year, month0 + 1)[1]
    if d.day <= last_day:
        return d.replace(year=year, month=month0 + 1), False
    return d.replace(year=year, month=month0 + 1, day=last_day), True


def add_years(d: D, n: int) -> tuple[D, bool]:
    """Add ``n`` years; 29 February becomes 28 February in a common year (flagged).

    >>> add_years(date(2024, 2, 29), 4)
    (datetime.date(2028, 2, 29), False)
    """
    return add_months(d, 12 * n)


FIRST_YEAR, LAST_YEAR = 1966, 2100

# Days equated with a public holiday by royal decree (Atw art. 3 lid 3), e.g. a bridge
# day. Empty on purpose: no decree could be verified against a primary source
# (Staatscourant). Add entries as ``date(2024, 5, 10): "Vrijdag na Hemelvaartsdag"``
# with the decree's citation in a comment.
DECREE_DAYS: dict[date, str] = {}

# English names of the ``holidays`` package (language="en_US") -> reason shown to users.
# None drops a day that is a Sunday anyway; an unknown name fails loudly, so a change
# in the package cannot silently add or remove a non-working day.
_ATW_NAMES: dict[str, str | None] = {
    "New Year's Day": "Nieuwjaarsdag", "Good Friday": "Goede Vrijdag",
    "Easter Sunday": None, "Easter Monday": "Tweede Paasdag",
    "King's Day": "Koningsdag", "Queen's Day": "Koninginnedag",
    "Liberation Day": "Bevrijdingsdag", "Ascension Day": "Hemelvaartsdag",
    "Pentecost": None, "Pentecost Monday": "Tweede Pinksterdag",
    "Christmas Day": "Eerste Kerstdag", "Second Day of Christmas": "Tweede Kerstdag",
}


@cache
def _holidays(year: int) -> dict[date, str]:
    """The Atw holidays of ``year`` (weekends excluded unless a holiday falls on one)."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise OutsideCalendar(
            f"werkdagen zijn alleen bekend voor de jaren {FIRST_YEAR} tot en met "
            f"{LAST_YEAR}, niet voor {year}")
    import holidays  # here, not at the top: its import (60 ms) is paid only by a policy that counts working days

    # "public" has 5 May only every fifth year; "optional" adds it every year from 1982.
    found = holidays.country_holidays(
        "NL", years=year, categories=("public", "optional"), language="en_US")
    days: dict[date, str] = {}
    for day, names in found.items():
        for name in names.split("; "):
            if name not in _ATW_NAMES:
                raise RuntimeError(f"unknown Dutch holiday from the holidays package: {name!r}")
            if (reason := _ATW_NAMES[name]) is not None:
                days[day] = reason
    days.update({day: reason for day, reason in DECREE_DAYS.items() if day.year == year})
    return days


def _as_date(d: date) -> date:
    return d.date() if isinstance(d, datetime) else d


def non_working_reason(d: date) -> str | None:
    """Why ``d`` is not a working day, in Dutch, or None for a working day.

    A holiday's name wins over the weekday it falls on.

    >>> non_working_reason(date(2024, 4, 1)), non_working_reason(date(2024, 4, 2))
    ('Tweede Paasdag', None)
    >>> non_working_reason(datetime(2023, 5, 5, 9, 0)), non_working_reason(date(2023, 5, 6))
    ('Bevrijdingsdag', 'zaterdag')
    """
    day = _as_date(d)
    reason = _holidays(day.year).get(day)
    if reason is None and day.weekday() >= 5:
        return "zaterdag" if day.weekday() == 5 else "zondag"
    return reason


def is_working_day(d: date) -> bool:
    """True unless ``d`` is a Saturday, a Sunday or an Atw holiday.

    >>> is_working_day(date(2024, 3, 29)), is_working_day(date(2024, 3, 28))
    (False, True)
    """
    day = _as_date(d)
    return day.weekday() < 5 and day not in _holidays(day.year)


def add_working_days(d: date, n: int) -> date:
    """The ``n``-th working day after ``d`` (``d`` itself not counted).

    ``n == 0`` returns ``d`` even on a non-working day; negative ``n`` counts back.
    A datetime keeps its time of day.

    >>> add_working_days(date(2025, 4, 28), -1)
    datetime.date(2025, 4, 25)
    >>> add_working_days(date(2025, 4, 26), 0)
    datetime.date(2025, 4, 26)

    Counting beyond the years whose holidays are known raises :class:`OutsideCalendar`, at
    once when ``n`` is more than all working days of those years together.
    """
    step = timedelta(days=1 if n > 0 else -1)
    day = _as_date(d)
    if n and (abs(n) > _MOST_WORKING_DAYS or not FIRST_YEAR <= day.year <= LAST_YEAR):
        raise OutsideCalendar(
            f"werkdagen zijn alleen bekend voor de jaren {FIRST_YEAR} tot en met {LAST_YEAR}; "
            f"{n} werkdagen vanaf {day.isoformat()} vallen daarbuiten")
    for _ in range(abs(n)):
        day += step
        while not is_working_day(day):
            day += step
    return datetime.combine(day, d.timetz()) if isinstance(d, datetime) else day


# More than the number of working days from 1 January of FIRST_YEAR to 31 December of LAST_YEAR.
_MOST_WORKING_DAYS = (LAST_YEAR - FIRST_YEAR + 1) * 262


def _count_working_days(first: date, last: date) -> int:
    """Working days in [first, last], both included."""
    if first > last:
        return 0
    weeks, extra = divmod((last - first).days + 1, 7)
    start = first.weekday()
    weekdays = weeks * 5 + sum(1 for i in range(extra) if (start + i) % 7 < 5)
    holidays_on_weekdays = sum(
        1
        for year in range(first.year, last.year + 1)
        for day in _holidays(year)
        if first <= day <= last and day.weekday() < 5)
    return weekdays - holidays_on_weekdays


def working_days_between(a: date, b: date) -> int:
    """Signed number of working days from ``a`` to ``b``: ``a`` excluded, ``b`` included.

    Forward this counts (a, b]; backward (b < a) it counts [b, a) and is negative,
    so that ``working_days_between(a, add_working_days(a, n)) == n`` for every n.

    >>> working_days_between(date(2025, 4, 25), date(2025, 4, 28))
    1
    >>> working_days_between(date(2025, 4, 28), date(2025, 4, 25))
    -1
    """
    start, end = _as_date(a), _as_date(b)
    if end >= start:
        return _count_working_days(start + timedelta(days=1), end)
    return -_count_working_days(end, start - timedelta(days=1))


def day_number(start: date, n: int) -> date:
    """Day ``n`` of a period starting on ``start``; the start day is day 1.

    >>> day_number(date(2024, 1, 1), 121)
    datetime.date(2024, 4, 30)
    """
    if n < 1:
        raise ValueError(f"dag {n} bestaat niet: de begindag is dag 1")
    return start + timedelta(days=n - 1)


def days_between(a: date, b: date) -> int:
    """Calendar days from ``a`` to ``b`` ("ligdagen": start not counted, end counted).

    >>> days_between(date(2024, 1, 1), date(2024, 1, 2)), days_between(date(2024, 3, 1), date(2024, 2, 1))
    (1, -29)
    """
    return (b - a).days


_TIME_UNITS = {"uren": "hours", "minuten": "minutes", "seconden": "seconds"}


def shift(value: date, amount: int, unit: str) -> tuple[date, str | None]:
    """Apply a duration of ``amount`` ``unit`` (canonical or alias) to a date or datetime.

    Returns the result and a Dutch note when a convention applied (month clamping),
    else None. Hours, minutes and seconds on a plain date start from midnight and
    return a datetime. A result the calendar cannot give raises :class:`OutsideCalendar`.

    >>> shift(date(2023, 1, 31), 1, "maand")
    (datetime.date(2023, 2, 28), '31 februari 2023 bestaat niet; de laatste dag van de maand is genomen: 28 februari 2023')
    >>> shift(date(2023, 12, 8), 17, "uur")
    (datetime.datetime(2023, 12, 8, 17, 0), None)
    >>> shift(date(2025, 4, 25), -91, "dagen")
    (datetime.date(2025, 1, 24), None)
    """
    try:
        return _shift(value, amount, unit)
    except OverflowError:  # before year 1, after 9999, or more days than a timedelta holds
        raise OutsideCalendar(f"{amount} {unit} vanaf {value.isoformat()} valt buiten de kalender "
                              f"(mogelijk: jaar {MINYEAR} tot en met {MAXYEAR})") from None


def _shift(value: date, amount: int, unit: str) -> tuple[date, str | None]:
    if unit == "dagen":
        return value + timedelta(days=amount), None
    if unit == "weken":
        return value + timedelta(weeks=amount), None
    canonical = UNIT_ALIASES.get(unit)
    if canonical is None:
        raise ValueError(f"onbekende eenheid '{unit}': gebruik een van {', '.join(UNITS)}")
    if canonical in ("dagen", "weken"):
        return _shift(value, amount, canonical)
    if canonical in ("maanden", "jaren"):
        result, clamped = add_months(value, amount * (12 if canonical == "jaren" else 1))
        return result, _clamp_note(value, result) if clamped else None
    if canonical == "werkdagen":
        return add_working_days(value, amount), None
    moment = value if isinstance(value, datetime) else datetime.combine(value, time())
    return moment + timedelta(**{_TIME_UNITS[canonical]: amount}), None


def _clamp_note(original: date, result: date) -> str:
    month = f"{MONTHS[result.month - 1]} {result.year}"
    return (f"{original.day} {month} bestaat niet; "
            f"de laatste dag van de maand is genomen: {result.day} {month}")
