"""The functions compiled policies call: moments, durations, lists and timeline status.

Contract: every function takes already-typed values (Decimal, int, date, datetime, tuple) and
treats None as "onbekend": an unknown operand gives an unknown result, never a guess.
`EXPORTS` is the complete list of names generated code may call; the compiler refuses any
other. Durations arrive as whole counts in the base unit of their family (days, calendar
months, seconds, working days; see `dsl.types`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from dsl.core.model import ROW_NONE, ROW_OVERLAP, ROW_UNKNOWN, Status
from dsl.runtime.calendar import add_months, add_working_days

# A moment is a date or a date-time (a `datetime` is a `date`); shifting one keeps its kind.
M = TypeVar("M", bound=date)
# The elements of one list are of one type: numbers to add up, or anything ordered to compare.
Number = TypeVar("Number", Decimal, int)
Ordered = TypeVar("Ordered", Decimal, int, date, str)

VOLDAAN, NIET_VOLDAAN, ONBEKEND, NVT = Status.VOLDAAN, Status.NIET_VOLDAAN, Status.ONBEKEND, Status.NVT
GEHAALD, NIET_GEHAALD, NOG_NIET = Status.GEHAALD, Status.NIET_GEHAALD, Status.NOG_NIET
GEEN_UITKOMST = Status.GEEN_UITKOMST


def _day(value: date) -> date:
    return value.date() if isinstance(value, datetime) else value


def moment_cmp(a: date | None, b: date | None) -> int | None:
    """-1, 0 or 1 comparing two moments (dates or date-times); None when undecidable.

    A date compared with a date-time on the same day cannot be decided (the time is unknown),
    except that a date bound means "that whole day": both are compared as dates when neither
    side has a time, or when `b` (the bound) is a plain date.

    >>> moment_cmp(date(2023, 12, 22), datetime(2023, 12, 22, 17)) is None
    True
    >>> moment_cmp(datetime(2023, 11, 10, 14), date(2023, 11, 10))
    0
    """
    if a is None or b is None:
        return None
    a_dt, b_dt = isinstance(a, datetime), isinstance(b, datetime)
    if isinstance(a, datetime) and isinstance(b, datetime):
        return (a > b) - (a < b)
    da, db = _day(a), _day(b)
    if a_dt or not b_dt or da != db:
        return (da > db) - (da < db)
    return None


_TESTS: dict[str, Callable[[int], bool]] = {
    "<": lambda c: c < 0, "<=": lambda c: c <= 0, ">": lambda c: c > 0,
    ">=": lambda c: c >= 0, "==": lambda c: c == 0, "!=": lambda c: c != 0,
}


def moment_test(op: str, a: date | None, b: date | None) -> bool | None:
    """`a op b` for moments, with `moment_cmp`'s rule for dates against date-times."""
    c = moment_cmp(a, b)
    return None if c is None else _TESTS[op](c)


# ---------------------------------------------------------------- durations on moments
def shift_days(value: M | None, n: int | None) -> M | None:
    return None if value is None or n is None else value + timedelta(days=n)


def shift_months(value: M | None, n: int | None) -> M | None:
    return None if value is None or n is None else add_months(value, n)[0]


def shift_seconds(value: date | None, n: int | None) -> datetime | None:
    if value is None or n is None:
        return None
    moment = value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)
    return moment + timedelta(seconds=n)


def shift_workdays(value: date | None, n: int | None) -> date | None:
    if value is None or n is None:
        return None
    if isinstance(value, datetime):
        return datetime.combine(add_working_days(value.date(), n), value.time())
    return add_working_days(value, n)


def day_of(value: M | None, n: int) -> M | None:
    """"dag n" of a period starting on `value`: the start day is day 1."""
    return None if value is None else value + timedelta(days=n - 1)


def moment_diff_days(a: date | None, b: date | None) -> int | None:
    return None if a is None or b is None else (_day(a) - _day(b)).days


def moment_diff_seconds(a: date | None, b: date | None) -> int | None:
    if a is None or b is None:
        return None
    first, second = (x if isinstance(x, datetime) else datetime(x.year, x.month, x.day) for x in (a, b))
    return int((first - second).total_seconds())


# ---------------------------------------------------------------- lists
def _known(values: Sequence[Ordered | None] | None) -> list[Ordered] | None:
    """The elements of a list when every one of them is known, else None."""
    if values is None:
        return None
    known = [v for v in values if v is not None]
    return known if len(known) == len(values) else None


def agg_sum(values: Sequence[Number | None] | None) -> Number | int | None:
    known = _known(values)
    if known is None:
        return None
    return sum(known[1:], known[0]) if known else 0


def agg_count(values: Sequence[object] | None) -> int | None:
    return None if values is None else len(values)


def agg_min(values: Sequence[Ordered | None] | None) -> Ordered | None:
    known = _known(values)
    return min(known) if known else None


def agg_max(values: Sequence[Ordered | None] | None) -> Ordered | None:
    known = _known(values)
    return max(known) if known else None


def agg_avg(values: Sequence[Number | None] | None) -> Decimal | None:
    """The mean of a list, as a Decimal also for whole numbers (never a float).

    >>> agg_avg((1, 2)), agg_avg((Decimal("0.5"), Decimal("0.8"))), agg_avg(())
    (Decimal('1.5'), Decimal('0.65'), None)
    """
    total = agg_sum(values)
    return None if total is None or not values else Decimal(total) / len(values)


# The operands of `each`, `where` and `between` are runtime values of one type each (Decimal, int,
# date, datetime or str; the checker sees to it), compared as Python compares them.
def each(op: str, values: Sequence[Any] | None, bound: Any) -> bool | None:
    """Kleene "for all": False as soon as one element fails, None if one is unknown."""
    if values is None or bound is None:
        return None
    test, unknown = _PY_OPS[op], False
    for v in values:
        if v is None:
            unknown = True
        elif not test(v, bound):
            return False
    return None if unknown else True


def where(op: str, values: Sequence[Any] | None, bound: Any) -> tuple[Any, ...] | None:
    """The elements of a list that pass `op bound`; None when that cannot be known.

    >>> where(">=", (1, 0.2, 0.5), 0.3)
    (1, 0.5)
    """
    if values is None or bound is None or any(v is None for v in values):
        return None
    test = _PY_OPS[op]
    return tuple(v for v in values if test(v, bound))


_PY_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "<": lambda a, b: a < b, "<=": lambda a, b: a <= b, ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b, "==": lambda a, b: a == b, "!=": lambda a, b: a != b,
}


# ---------------------------------------------------------------- timelines
def timeline(event: date | None, start: date | None, end: date | None, has_start: bool, has_end: bool,
             strict: bool, exact: bool, peil: date | None) -> tuple[Status, date | None, date | None]:
    """Status and bounds of a termijn: (status, end, start).

    The event must fall on or after `start` (when the termijn has one) and no later than `end`
    (before it when `strict`; on it when `exact`). An unknown bound makes the status unknown.
    Without an event date the termijn is "nog niet verstreken" while the peildatum is not past
    the end, "niet gehaald" after it, and "onbekend" without a peildatum.
    """
    if (has_start and start is None) or (has_end and end is None):
        return ONBEKEND, end, start
    if event is None:
        if peil is None or end is None:
            return ONBEKEND, end, start
        passed = moment_cmp(peil, end)
        if passed is None:
            return ONBEKEND, end, start
        over = passed > 0 or (strict and passed == 0)  # "voor D": on D itself it is too late
        return (NIET_GEHAALD if over else NOG_NIET), end, start
    ok: bool | None = True
    if start is not None:
        c = moment_cmp(event, start)
        ok = None if c is None else c >= 0
    if end is not None and ok is not False:
        c = moment_cmp(event, end)
        late = None if c is None else (c >= 0 if strict else c > 0)
        ok = None if late is None or ok is None else not late
        if late:
            ok = False
    if exact:
        ok = moment_test("==", event, end)
    return (GEHAALD if ok else NIET_GEHAALD if ok is False else ONBEKEND), end, start


EXPORTS: dict[str, Callable[..., Any]] = {
    name: globals()[name]
    for name in (
        "moment_test", "shift_days", "shift_months", "shift_seconds", "shift_workdays", "day_of",
        "moment_diff_days", "moment_diff_seconds", "agg_sum", "agg_count", "agg_min", "agg_max",
        "agg_avg", "each", "timeline",
    )
}


def between(value: Any, low: Any, high: Any, high_inclusive: bool) -> bool | None:
    """`value ligt tussen low en high` (low included; high included or not), Kleene-style."""
    if value is None or low is None or high is None:
        return None
    if isinstance(value, date) or isinstance(low, date):
        lo, hi = moment_cmp(value, low), moment_cmp(value, high)
        if lo is None or hi is None:
            return None
        return lo >= 0 and (hi <= 0 if high_inclusive else hi < 0)
    return low <= value and (value <= high if high_inclusive else value < high)


def weekly(value: date | None, days: int, start: int | None, end: int | None, end_inclusive: bool) -> bool | None:
    """`value valt op <days> [van start tot (en met) end]`: the weekday is one of `days` (a bit
    mask, Monday bit 0) and the time of day, in seconds, in the window. A datum has no time of
    day: outside the days it is False, on one of them unknown."""
    if value is None:
        return None
    if not (days >> value.weekday()) & 1:
        return False
    if start is None or end is None:  # no clock hours: the parser gives both or neither
        return True
    if not isinstance(value, datetime):
        return None
    seconds = value.hour * 3600 + value.minute * 60 + value.second
    return start <= seconds and (seconds <= end if end_inclusive else seconds < end)


def unique_pick(matches: tuple[bool | None, ...]) -> int:
    """The row that applies under the unique hit policy, or ROW_OVERLAP / ROW_UNKNOWN / ROW_NONE."""
    hits = matches.count(True)
    if hits > 1:
        return ROW_OVERLAP
    if None in matches:
        return ROW_UNKNOWN
    return matches.index(True) if hits else ROW_NONE


EXPORTS.update(between=between, weekly=weekly, unique_pick=unique_pick, where=where)
