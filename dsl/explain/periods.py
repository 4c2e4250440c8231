"""How long a period lasts, in words: "1 jaar", "1 jaar en 1 dag", "6 maanden", "366 dagen".

Contract: `period_length_words(start, after, unit, declared)` says how long the period from `start`
up to (not including) `after` lasts, in whole calendar months (shown in years when the length was
written in years) plus days, or in days (weeks when written in weeks and whole); "0 dagen" for an
empty period and None when `after` lies before `start` (a period that ends before it begins).
The months are counted as the core model counts them (`dsl.core.expr.PeriodLength`): the most
months m with start + m maanden (the end-of-month rule of the runtime) not after `after`, then the
days that remain. Only explanations use this: whether a period is long enough is decided by the
comparison in the core model, never here.
"""

from __future__ import annotations

from datetime import date

from dsl.runtime.calendar import add_months
from dsl.runtime.formatting import counted


def _months_in(start: date, after: date) -> int:
    """The most whole calendar months m with start + m maanden <= after."""
    months = (after.year - start.year) * 12 + after.month - start.month
    while months > 0 and add_months(start, months)[0] > after:
        months -= 1
    return max(months, 0)


def period_length_words(start: date, after: date, unit: str, declared: str | None = None) -> str | None:
    """The length of the period [start, after) in Dutch words (see the module contract).

    >>> period_length_words(date(2020, 1, 1), date(2021, 1, 1), "maanden", "jaren")
    '1 jaar'
    >>> period_length_words(date(2020, 1, 1), date(2021, 1, 2), "maanden", "jaren")
    '1 jaar en 1 dag'
    >>> period_length_words(date(2023, 1, 15), date(2023, 7, 16), "maanden", "maanden")
    '6 maanden en 1 dag'
    >>> period_length_words(date(2020, 1, 1), date(2021, 1, 1), "dagen")
    '366 dagen'
    >>> period_length_words(date(2020, 1, 1), date(2019, 12, 1), "dagen") is None
    True
    """
    if after < start:
        return None
    days_total = (after - start).days
    if unit != "maanden":
        if declared == "weken" and days_total % 7 == 0 and days_total:
            return counted(days_total // 7, "week", "weken")
        return counted(days_total, "dag", "dagen")
    months = _months_in(start, after)
    rest = (after - add_months(start, months)[0]).days
    parts = []
    years, left = divmod(months, 12) if declared == "jaren" else (0, months)
    if years:
        parts.append(counted(years, "jaar", "jaar"))
    if left:
        parts.append(counted(left, "maand", "maanden"))
    if rest or not parts:
        parts.append(counted(rest, "dag", "dagen"))
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " en " + parts[-1]
