"""The functions compiled policies call: arithmetic, moments, durations, lists and timeline status.

Contract: every function takes already-typed values (Decimal, int, date, datetime, tuple) and
treats None as "onbekend": an unknown operand gives an unknown result, never a guess. A result
the calendar cannot give is "onbekend" too, never an exception: a moment before year 1 or after
9999 (`shift_days`, `shift_months`, `shift_seconds`, `day_of`), and working days outside the years
whose holidays are known, 1966 to 2100 (`shift_workdays`). Back ends that evaluate the same
model (dsl.batch) follow the same rule.

Arithmetic is exact or onbekend, never rounded and never an exception, whatever the caller's
decimal context. No computed number reaches 10^38 (`DIGITS`): a result of 10^38 or more in
absolute value is None. Every +, -, ×, unary - and `x% van y` (= x × y / 100) on a bedrag,
percentage or getal (a Decimal), and every `som` of them, is exact, or None when the exact value
needs more than 38 significant digits (trailing zeros do not count); on an aantal or a duration
(an int) it is exact below 10^38, and a duration times a getal that is not a whole count of its
base unit is None. A quotient (`/`, `gemiddelde`) is the one rounded result: to 28 significant
digits, half to even (Python's default), always a Decimal (also of two whole numbers), and None
after a division by zero, from 10^38 on, or below 10^-999999.
`EXPORTS` is the complete list of names generated code may call; the compiler refuses any
other. Durations arrive as whole counts in the base unit of their family (days, calendar
months, seconds, working days; see `dsl.types`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from decimal import (
    Context,
    Decimal,
    DecimalException,
    DivisionByZero,
    Inexact,
    InvalidOperation,
    Overflow,
    Underflow,
)
from typing import Any, TypeVar

from dsl.core.expr import (
    RoundMode,
    history_year,
    is_constant,
    last_day,
    power_value,
    round_decimal,
    test_days,
    value_on,
)
from dsl.core.model import ROW_NONE, ROW_OVERLAP, ROW_UNKNOWN, Status
from dsl.runtime.calendar import OutsideCalendar, add_months, add_working_days

# A moment is a date or a date-time (a `datetime` is a `date`); shifting one keeps its kind.
M = TypeVar("M", bound=date)
# The elements of one list are of one type: numbers to add up, or anything ordered to compare.
Number = TypeVar("Number", Decimal, int)
Ordered = TypeVar("Ordered", Decimal, int, date, str)

VOLDAAN, NIET_VOLDAAN, ONBEKEND, NVT = Status.VOLDAAN, Status.NIET_VOLDAAN, Status.ONBEKEND, Status.NVT
GEHAALD, NIET_GEHAALD, NOG_NIET = Status.GEHAALD, Status.NIET_GEHAALD, Status.NOG_NIET
VERSTREKEN = Status.VERSTREKEN_ZONDER_DATUM
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


# ---------------------------------------------------------------- arithmetic
DIGITS = 38   # digits of a computed number at most; the Decimal(38, s) columns of dsl.batch hold as many
_WHOLE_LIMIT = 10 ** DIGITS
_TRAPS = [Overflow, Underflow, InvalidOperation, DivisionByZero]
# Exact: a result that needs more digits raises Inexact (trailing zeros dropped are not inexact);
# Emax = 37: one of 10^38 or more raises Overflow.
_EXACT = Context(prec=DIGITS, Emax=DIGITS - 1, Emin=-999999, traps=[Inexact, *_TRAPS])
# The product inside `x% van y`, which may be up to 100 times the result.
_PRODUCT = Context(prec=DIGITS, Emax=DIGITS + 1, Emin=-999999, traps=[Inexact, *_TRAPS])
# A quotient: rounded as Python's default context does, within the same range.
_QUOTIENT = Context(prec=28, Emax=DIGITS - 1, Emin=-999999, traps=_TRAPS)
_HUNDRED = Decimal(100)
# bound once: looking a method up on a Context costs as much as the operation
_add, _subtract, _multiply, _divide, _minus, _plus = (
    _EXACT.add, _EXACT.subtract, _EXACT.multiply, _EXACT.divide, _EXACT.minus, _EXACT.plus)
_quotient, _product = _QUOTIENT.divide, _PRODUCT.multiply


def num_add(a: Decimal | int | None, b: Decimal | int | None) -> Decimal | None:
    """`a + b` for a Decimal result: exact, or None from 10^38 on or beyond 38 significant digits.

    >>> num_add(Decimal("1E+26"), Decimal("0.01")), num_add(Decimal("1E+37"), Decimal("0.1"))
    (Decimal('100000000000000000000000000.01'), None)
    """
    if a is None or b is None:
        return None
    try:
        return _add(a, b)
    except DecimalException:
        return None


def num_sub(a: Decimal | int | None, b: Decimal | int | None) -> Decimal | None:
    """`a - b` for a Decimal result: exact, or None from 10^38 on or beyond 38 significant digits."""
    if a is None or b is None:
        return None
    try:
        return _subtract(a, b)
    except DecimalException:
        return None


def num_mul(a: Decimal | int | None, b: Decimal | int | None) -> Decimal | None:
    """`a × b` for a Decimal result: exact, or None from 10^38 on or beyond 38 significant digits.

    >>> num_mul(2, Decimal("100000000000000000000000000.01")), num_mul(Decimal("1E+20"), 10 ** 18)
    (Decimal('200000000000000000000000000.02'), None)
    """
    if a is None or b is None:
        return None
    try:
        return _multiply(a, b)
    except DecimalException:
        return None


def num_neg(a: Decimal | None) -> Decimal | None:
    """`-a` for a Decimal: exact, or None for an operand from 10^38 on or beyond 38 significant digits."""
    if a is None:
        return None
    try:
        return _minus(a)
    except DecimalException:
        return None


def percent_of(percent: Decimal | None, base: Decimal | int | None) -> Decimal | None:
    """`percent % van base` = percent × base / 100: exact, or None from 10^38 on or beyond 38
    significant digits (the product before the division may reach 10^40).

    >>> percent_of(Decimal(50), Decimal("123456789012345678901234567890.12"))
    Decimal('61728394506172839450617283945.06')
    """
    if percent is None or base is None:
        return None
    try:
        return _divide(_product(percent, base), _HUNDRED)
    except DecimalException:
        return None


def num_div(a: Decimal | int | None, b: Decimal | int | None) -> Decimal | None:
    """`a / b` rounded to 28 significant digits; None for a division by zero, from 10^38 on and
    below 10^-999999.

    >>> num_div(1, 3), num_div(Decimal(5), 0), num_div(Decimal("1E+999999"), Decimal("1E-9"))
    (Decimal('0.3333333333333333333333333333'), None, None)
    """
    if a is None or b is None or not b:
        return None
    try:
        return _quotient(a, b)
    except DecimalException:
        return None


def num_pow(a: Decimal | int | None, n: Decimal | int | None) -> Decimal | None:
    """`a tot de macht n` for a whole `n`: exact for n >= 0 (None from 10^38 on or beyond 38
    significant digits), for n < 0 the quotient 1 / a^-n as `num_div` rounds it; None for a power
    that is not whole, and for 0 to a negative power.

    >>> num_pow(Decimal("1.5"), 2), num_pow(2, -2), num_pow(Decimal(10), 38), num_pow(2, Decimal("0.5"))
    (Decimal('2.25'), Decimal('0.25'), None, None)
    """
    if a is None or n is None:
        return None
    value = power_value(a, n, whole=False)
    assert not isinstance(value, int)   # a Decimal for a Decimal power
    return value


def whole_pow(a: int | None, n: Decimal | int | None) -> int | None:
    """`a tot de macht n` for an aantal and a whole n >= 0: exact, or None from 10^38 on."""
    if a is None or n is None:
        return None
    value = power_value(a, n, whole=True)
    return value if value is None else int(value)


def _whole(n: int) -> int | None:
    return n if -_WHOLE_LIMIT < n < _WHOLE_LIMIT else None


def whole_add(a: int | None, b: int | None) -> int | None:
    """`a + b` for an aantal or a duration: exact, or None from 10^38 on."""
    return None if a is None or b is None else _whole(a + b)


def whole_sub(a: int | None, b: int | None) -> int | None:
    """`a - b` for an aantal or a duration: exact, or None from 10^38 on."""
    return None if a is None or b is None else _whole(a - b)


def whole_neg(a: int | None) -> int | None:
    """`-a` for an aantal or a duration: None for an operand from 10^38 on."""
    return None if a is None else _whole(-a)


def whole_mul(a: Decimal | int | None, b: Decimal | int | None) -> int | None:
    """`a × b` for an aantal or a duration (a duration may be multiplied by a getal): exact, or
    None from 10^38 on or when the product is not a whole count.

    >>> whole_mul(10 ** 19, 10 ** 19), whole_mul(3, Decimal("1.5")), whole_mul(Decimal("2.50"), 2)
    (None, None, 5)
    """
    if a is None or b is None:
        return None
    if type(a) is int and type(b) is int:
        return _whole(a * b)
    product = num_mul(a, b)
    if product is None or product != product.to_integral_value():
        return None
    return _whole(int(product))


_MODES = {mode.value: mode for mode in RoundMode}


def round_to(value: Decimal | int | None, places: int, mode: str) -> Decimal | int | None:
    """`value afgerond op ...`: `places` decimals kept by the rounding `mode` (a `RoundMode`'s
    Dutch words), exactly as `dsl.core.expr.round_decimal` says; a whole number (an aantal)
    is already round; None when unknown or when rounding up reaches 10^38.

    >>> round_to(Decimal("38.3088"), 2, "rekenkundig"), round_to(Decimal("-2.345"), 2, "half naar even")
    (Decimal('38.31'), Decimal('-2.34'))
    >>> round_to(None, 2, "naar boven"), round_to(7, 0, "naar beneden")
    (None, 7)
    """
    if value is None or isinstance(value, int):
        return value
    rounded = round_decimal(value, places, _MODES[mode])
    return rounded if rounded.adjusted() < DIGITS else None


# ---------------------------------------------------------------- durations on moments
def shift_days(value: M | None, n: int | None) -> M | None:
    """`value` plus `n` days; None when unknown or outside the calendar (years 1 to 9999).

    >>> shift_days(date(9999, 12, 31), 1), shift_days(date(2024, 1, 1), 100_000_000)
    (None, None)
    """
    if value is None or n is None:
        return None
    try:
        return value + timedelta(days=n)
    except OverflowError:  # past 9999 or before year 1, or more days than a timedelta holds
        return None


def shift_months(value: M | None, n: int | None) -> M | None:
    """`value` plus `n` calendar months (see `add_months`); None when unknown or outside the calendar.

    >>> shift_months(date(2024, 1, 31), 1), shift_months(date(9999, 12, 1), 1)
    (datetime.date(2024, 2, 29), None)
    """
    if value is None or n is None:
        return None
    try:
        return add_months(value, n)[0]
    except OutsideCalendar:
        return None


def shift_seconds(value: date | None, n: int | None) -> datetime | None:
    """`value` (a date counts from midnight) plus `n` seconds; None when unknown or outside the calendar."""
    if value is None or n is None:
        return None
    moment = value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)
    try:
        return moment + timedelta(seconds=n)
    except OverflowError:
        return None


def shift_workdays(value: date | None, n: int | None) -> date | None:
    """The `n`-th working day after `value` (see `add_working_days`); None when unknown or when the
    count leaves the years whose holidays are known (1966 to 2100).

    >>> shift_workdays(date(2025, 4, 25), 1), shift_workdays(date(2150, 1, 1), 10)
    (datetime.date(2025, 4, 28), None)
    """
    if value is None or n is None:
        return None
    try:
        if isinstance(value, datetime):
            return datetime.combine(add_working_days(value.date(), n), value.time())
        return add_working_days(value, n)
    except OutsideCalendar:
        return None


def day_of(value: M | None, n: int) -> M | None:
    """"dag n" of a period starting on `value`: the start day is day 1; None when unknown or
    outside the calendar."""
    if value is None:
        return None
    try:
        return value + timedelta(days=n - 1)
    except OverflowError:
        return None


def year_date(peil: date | None, month: int, day: int, offset: int) -> date | None:
    """`1 oktober van het lopende jaar` (offset 0; -1 the year before, +1 after): that day in the
    year of the calculation date `peil`; None without a peildatum or outside the calendar."""
    if peil is None:
        return None
    try:
        return date(peil.year + offset, month, day)
    except ValueError:
        return None


def year_value(history: tuple | None, peil: date | None, offset: int | None, year: int | None):
    """One year's value of a gegeven per jaar (`history`: (year, value) pairs sorted by year):
    the peildatum's year moved by `offset`, or `year` when `offset` is None; None (onbekend) for
    a year the case does not give, and without a peildatum for a relative year."""
    wanted = history_year(peil, offset, year)
    if history is None or wanted is None:
        return None
    for key, value in history:
        if key == wanted:
            return value
    return None


def period_value(history: tuple | None, day: date | None):
    """The value of a gegeven per periode on `day` (`dsl.core.expr.value_on`)."""
    return value_on(history, day)


def throughout(start: date | None, end: date | None, end_counted: bool, histories: tuple,
               condition: Callable[[date | None], bool | None]) -> bool | None:
    """`gedurende de periode van start tot en met end: c` (`dsl.core.expr.Throughout`): `condition`
    called with a day, on the first day of the period and on each day in it a history changes;
    False as soon as one is False, True when all are True, else None. The day decided last is the
    one `condition` was called with last (so a trace shows the values of the deciding day)."""
    if start is None or end is None:
        if all(is_constant(h) for h in histories):
            return condition(start if start is not None else end)
        return None
    last = last_day(_day(start), _day(end), end_counted)
    if last is None:   # an empty period: no day to test
        return None
    unknown = None
    for day in test_days(_day(start), last, histories):
        value = condition(day)
        if value is False:
            return False
        if value is None and unknown is None:
            unknown = day
    if unknown is not None:
        condition(unknown)
        return None
    return True


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


def agg_sum(values: Sequence[Decimal | int | None] | None) -> Decimal | int | None:
    """The total of a list, exact as `num_add` and `whole_add` are (an empty list adds up to 0).

    >>> agg_sum((Decimal("1E+26"), Decimal("0.01"))), agg_sum((10 ** 38,)), agg_sum(())
    (Decimal('100000000000000000000000000.01'), None, 0)
    """
    if values is None:
        return None
    known = [v for v in values if v is not None]
    if len(known) != len(values):
        return None
    if not known:
        return 0
    whole = [v for v in known if type(v) is int]
    if len(whole) == len(known):
        return _whole(sum(whole))
    try:
        total: Decimal = _plus(known[0])
        for value in known[1:]:
            total = _add(total, value)
    except DecimalException:
        return None
    return total


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
    return None if total is None or not values else num_div(total, len(values))


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
    the end, "verstreken zonder datum" after it (not "niet gehaald": the event may have happened,
    the case does not say), and "onbekend" without a peildatum.
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
        return (VERSTREKEN if over else NOG_NIET), end, start
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


# The class of a value (generated code calls it with one argument only): an inlined termijn tells
# a tijdstip given as a time from one given as a day.
type_of = type

EXPORTS: dict[str, Callable[..., Any]] = {
    name: globals()[name]
    for name in (
        "moment_test", "shift_days", "shift_months", "shift_seconds", "shift_workdays", "day_of",
        "moment_diff_days", "moment_diff_seconds", "agg_sum", "agg_count", "agg_min", "agg_max",
        "agg_avg", "each", "timeline", "num_add", "num_sub", "num_mul", "num_neg", "num_div",
        "percent_of", "whole_add", "whole_sub", "whole_neg", "whole_mul", "round_to", "year_date", "year_value",
        "type_of", "period_value", "throughout",
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


def any_pick(matches: tuple[bool | None, ...], agree: tuple[int, ...], rows: tuple[int, ...]) -> int:
    """The row that gives the outcome under `om het even` (`dsl.core.model.HitPolicy`): rows that
    hold must agree (the same `agree`), else ROW_OVERLAP; an unknown row gives ROW_UNKNOWN; the
    first that holds gives its row number (`rows`), none ROW_NONE."""
    hits = [i for i, m in enumerate(matches) if m is True]
    if len({agree[i] for i in hits}) > 1:
        return ROW_OVERLAP
    if None in matches:
        return ROW_UNKNOWN
    return rows[hits[0]] if hits else ROW_NONE


def collect_pick(matches: tuple[bool | None, ...], rows: tuple[int, ...]) -> int:
    """Under a collecting hit policy: ROW_UNKNOWN when a row is unknown (it might add), the
    number of the first row that holds, or ROW_NONE."""
    if None in matches:
        return ROW_UNKNOWN
    return next((rows[i] for i, m in enumerate(matches) if m is True), ROW_NONE)


def collected(kind: str, matches: tuple[bool | None, ...], values: tuple[Any, ...]) -> Any:
    """What the rows that hold give together: "som", "aantal", "minimum", "maximum" of their
    outcomes (an unknown outcome makes a sum, minimum or maximum unknown), or "lijst": the tuple of
    their outcomes in the order given.

    >>> m = (True, False, True)
    >>> [collected(k, m, (2, 5, 3)) for k in ("som", "aantal", "minimum", "maximum", "lijst")]
    [5, 2, 2, 3, (2, 3)]
    """
    picked = tuple(v for m, v in zip(matches, values, strict=True) if m is True)
    if kind == "aantal":
        return len(picked)
    if kind == "lijst":
        return picked
    if None in picked:
        return None
    if kind == "som":
        return agg_sum(picked)
    return agg_min(picked) if kind == "minimum" else agg_max(picked)


EXPORTS.update(num_pow=num_pow, whole_pow=whole_pow)


def as_decimal(value: int | Decimal | None) -> Decimal | None:
    """An aantal in a list of getallen (`[x; n]`), as a Decimal like its neighbours."""
    return None if value is None else Decimal(value)


EXPORTS.update(as_decimal=as_decimal)
EXPORTS.update(between=between, weekly=weekly, unique_pick=unique_pick, where=where, any_pick=any_pick,
               collect_pick=collect_pick, collected=collected)
