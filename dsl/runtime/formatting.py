"""Format runtime values as Dutch text for explanations, traces and the CLI.

Contract: pure functions from a value to a ``str`` in Dutch (nl_NL) notation that
never raise for a finite number, however large; the output of ``format_number``,
``format_money`` and ``format_percentage`` reads back with the parsers in
:mod:`dsl.literals` for every number of at most 40 digits before and after the comma.
Spaces are plain ASCII spaces (Babel emits a no-break space after ``€``; we normalise
it so tests and terminals agree).

Conventions pinned here:

- Money always shows two decimals, rounded ROUND_HALF_UP (away from zero on a tie)
  for display only; the minus sign stands after the euro sign, as Babel's nl_NL does:

  >>> format_money(Decimal("2500000")), format_money(Decimal("0.005")), format_money(Decimal("-5"))
  ('€ 2.500.000,00', '€ 0,01', '€ -5,00')

- Numbers and percentages show every significant digit and no trailing zeros:

  >>> format_number(Decimal("1300.50")), format_percentage(Decimal("7.70"))
  ('1.300,5', '7,7%')

- Durations are exact, never rounded to a larger unit (Babel would say "13 weken"):

  >>> format_duration(91, "dagen")
  '91 dagen'

- A number too large or too small to write out (more than 40 digits before the comma,
  or more than 40 zeros after it), or with more than 80 digits, is shown as a power of
  ten, "ongeveer" when its digits had to be rounded to 28:

  >>> format_money(Decimal("1.5E+45")), format_number(Decimal("-2E-50"))
  ('€ 1,5 × 10^45', '-2 × 10^-50')
  >>> format_number(Decimal("1" * 90))
  'ongeveer 1,111111111111111111111111111 × 10^89'
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Any

from babel.numbers import format_currency, format_decimal

from dsl import types as T
from dsl.literals import MONTHS
from dsl.types import UNIT_ALIASES

__all__ = [
    "counted",
    "format_amount",
    "format_bool",
    "format_date",
    "format_datetime",
    "format_duration",
    "format_money",
    "format_number",
    "format_percentage",
    "format_value",
    "singular_or_plural",
]

_LOCALE = "nl_NL"
_CENT = Decimal("0.01")


def singular_or_plural(n: int | Decimal, one: str, many: str) -> str:
    """The Dutch word form that goes with the number ``n``: singular for one (and minus one),
    plural for every other number, zero and fractions included. The one place for this rule.

    >>> singular_or_plural(1, "eis", "eisen"), singular_or_plural(0, "eis", "eisen")
    ('eis', 'eisen')
    >>> singular_or_plural(Decimal("-1"), "dag", "dagen"), singular_or_plural(Decimal("1.5"), "dag", "dagen")
    ('dag', 'dagen')
    >>> singular_or_plural(2, "ontbreekt", "ontbreken")  # a verb agrees the same way
    'ontbreken'
    """
    return one if abs(n) == 1 else many


def counted(n: int, one: str, many: str) -> str:
    """A count with the right Dutch noun form: "1 gegeven", "3 gegevens".

    >>> counted(1, "eis", "eisen"), counted(0, "eis", "eisen")
    ('1 eis', '0 eisen')
    """
    return f"{n} {singular_or_plural(n, one, many)}"


def _finite(value: Decimal | int) -> Decimal:
    number = Decimal(value)
    if not number.is_finite():
        raise ValueError(f"{value!r} is geen eindig getal")
    return number


def _exponent(value: Decimal) -> int:
    """The exponent of a finite Decimal (NaN and infinities have a letter instead)."""
    exponent = value.as_tuple().exponent
    if not isinstance(exponent, int):
        raise ValueError(f"{value!r} is geen eindig getal")
    return exponent


def _precision_for(value: Decimal) -> int:
    # Babel quantizes in the current context (28 digits by default): a 30-digit amount
    # such as 123456789012345678901234567890,12 would raise InvalidOperation.
    return max(28, len(value.as_tuple().digits) + abs(_exponent(value)) + 4)


def _cents_precision(value: Decimal) -> int:
    # Rounding to cents gives the digits before the comma and two after; 28 digits are the
    # default context's, which `quantize` would exceed for an amount from 10^26 on.
    return max(28, value.adjusted() + 4)


_LARGEST_EXACT = 40    # digits before the comma (or zeros after it) written out in full
_MOST_DIGITS = 80      # significant digits written out in full
_MANTISSA_DIGITS = 28  # significant digits of a number shown as a power of ten


def _scientific(number: Decimal) -> str | None:
    """`1,5 × 10^45` for a number too large, too small or too long to write out; None otherwise."""
    if not number:
        return None
    adjusted = number.adjusted()
    if abs(adjusted) <= _LARGEST_EXACT and len(number.as_tuple().digits) <= _MOST_DIGITS:
        return None
    significant = len("".join(map(str, number.as_tuple().digits)).rstrip("0"))
    with localcontext() as context:
        context.prec = _MANTISSA_DIGITS
        mantissa = number.scaleb(-adjusted)   # rounded to the context's precision
    approximate = significant > _MANTISSA_DIGITS
    return f"{'ongeveer ' if approximate else ''}{format_number(mantissa)} × 10^{adjusted}"


def format_money(amount: Decimal) -> str:
    """Format an amount in euros: ``€ 2.500.000,00``; always two decimals.

    >>> format_money(Decimal("1234.565")), format_money(Decimal("-0.001"))
    ('€ 1.234,57', '€ 0,00')
    >>> format_money(Decimal("123456789012345678901234567890.125"))
    '€ 123.456.789.012.345.678.901.234.567.890,13'
    """
    value = _finite(amount)
    if value.adjusted() > _LARGEST_EXACT:
        return f"€ {format_number(value)}"
    with localcontext() as context:
        context.prec = _cents_precision(value)
        rounded = value.quantize(_CENT, rounding=ROUND_HALF_UP)
        if rounded == 0:
            rounded = abs(rounded)  # no "€ -0,00" for -0.001
        text = format_currency(rounded, "EUR", locale=_LOCALE)
    return text.replace("\xa0", " ")


def format_amount(amount: Decimal) -> str:
    """An amount shown without hiding anything: two decimals when that is exact, all of its
    decimals when it has more (an explanation must not round a difference away).

    >>> format_amount(Decimal("250000")), format_amount(Decimal("252.14168"))
    ('€ 250.000,00', '€ 252,14168')
    """
    value = _finite(amount)
    if value.adjusted() > _LARGEST_EXACT:
        return format_money(value)
    with localcontext() as context:
        context.prec = _cents_precision(value)
        whole_cents = value == value.quantize(_CENT, rounding=ROUND_HALF_UP)
    if whole_cents:
        return format_money(value)
    sign = "-" if value < 0 else ""
    return f"€ {sign}{format_number(value.copy_abs())}"


def _without_trailing_zeros(value: Decimal) -> Decimal:
    """Drop trailing fraction zeros without switching to exponent notation (1E+3)."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1)) if _exponent(value) < 0 else value
    return value.normalize()


def format_number(value: Decimal | int) -> str:
    """Format a number with dots between thousands and a decimal comma.

    >>> format_number(Decimal("0.3")), format_number(1000), format_number(Decimal("-1E+3"))
    ('0,3', '1.000', '-1.000')
    >>> format_number(Decimal("2.000")), format_number(Decimal("0.000001"))
    ('2', '0,000001')
    """
    number = _finite(value)
    if (powers := _scientific(number)) is not None:
        return powers
    with localcontext() as context:
        context.prec = _precision_for(number)
        number = _without_trailing_zeros(number)
        if number == 0:
            number = abs(number)
        text = format_decimal(number, locale=_LOCALE, decimal_quantization=False)
    return text.replace("\xa0", " ")


def format_percentage(points: Decimal | int) -> str:
    """Format percent points: ``7,77%`` (no space before the sign, no trailing zeros).

    >>> format_percentage(Decimal("33")), format_percentage(Decimal("7.77"))
    ('33%', '7,77%')
    """
    return f"{format_number(points)}%"


def format_date(value: date) -> str:
    """Format a date as ``26 april 2025`` (day without leading zero, month in words).

    >>> format_date(date(2025, 4, 26))
    '26 april 2025'
    """
    # written here with the month names the policy texts use (`dsl.literals.MONTHS`), not through
    # Babel's pattern code (60 µs a date); tests/test_formatting.py compares with Babel's
    # `d MMMM y` on every day
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def format_datetime(value: datetime) -> str:
    """Format a moment as ``8 december 2023 17:00 uur``; seconds only when non-zero. A date
    alone (a tijdstip whose time is unknown) is formatted as a date.

    >>> format_datetime(datetime(2023, 12, 8, 17, 0)), format_datetime(datetime(2023, 12, 8, 9, 5, 30))
    ('8 december 2023 17:00 uur', '8 december 2023 09:05:30 uur')
    >>> format_datetime(date(2023, 12, 8))
    '8 december 2023 (tijd onbekend)'
    """
    if not isinstance(value, datetime):
        return f"{format_date(value)} (tijd onbekend)"
    clock = f"{value:%H:%M:%S}" if value.second else f"{value:%H:%M}"
    return f"{format_date(value)} {clock} uur"


# canonical unit -> (singular, plural); "uur" and "jaar" stay singular after a number.
_UNIT_WORDS = {
    "dagen": ("dag", "dagen"), "weken": ("week", "weken"),
    "maanden": ("maand", "maanden"), "jaren": ("jaar", "jaar"), "uren": ("uur", "uur"),
    "minuten": ("minuut", "minuten"), "seconden": ("seconde", "seconden"),
    "werkdagen": ("werkdag", "werkdagen"),
}


def format_duration(amount: int | Decimal, unit: str) -> str:
    """Format a duration exactly: ``1 dag``, ``3 weken``, ``2 jaar``, ``48 uur``.

    ``unit`` is a canonical unit or an alias (see :data:`UNIT_ALIASES`).

    >>> format_duration(1, "dagen"), format_duration(2, "jaren"), format_duration(48, "uur")
    ('1 dag', '2 jaar', '48 uur')
    """
    canonical = UNIT_ALIASES.get(unit)
    if canonical is None:
        raise ValueError(f"onbekende eenheid '{unit}'")
    return f"{format_number(amount)} {singular_or_plural(amount, *_UNIT_WORDS[canonical])}"


def format_bool(value: bool) -> str:
    """``ja`` or ``nee``.

    >>> format_bool(True), format_bool(False)
    ('ja', 'nee')
    """
    return "ja" if value else "nee"


def _format_text(value: object) -> str:
    return str(value)


def _format_duration_pair(value: tuple[int | Decimal, str]) -> str:
    amount, unit = value
    return format_duration(amount, unit)


# A formatter takes the runtime value of its type: which Python type that is depends on the type name.
_BY_TYPE: dict[str, Callable[[Any], str]] = {
    "bedrag": format_amount, "percentage": format_percentage, "getal": format_number,
    "aantal": format_number, "ja/nee": format_bool, "datum": format_date,
    "tijdstip": format_datetime, "tekst": _format_text, "keuze": _format_text,
    "duur": _format_duration_pair,
}


def format_value(value: object, type_name: str) -> str:
    """Format ``value`` of the DSL type ``type_name``; None (unknown) is ``onbekend``.

    >>> format_value(Decimal("120000"), "bedrag"), format_value((6, "maanden"), "duur")
    ('€ 120.000,00', '6 maanden')
    >>> format_value(None, "datum")
    'onbekend'
    """
    formatter = _BY_TYPE.get(type_name)
    if formatter is None:
        raise ValueError(f"unknown type name {type_name!r}; expected one of {sorted(_BY_TYPE)}")
    return "onbekend" if value is None else formatter(value)


def format_duration_count(count: int, t: T.Type) -> str:
    """A duration counted in its family's base unit (see `dsl.types`), shown in the unit the
    policy wrote when that is exact.

    >>> from dsl.types import duration
    >>> format_duration_count(21, duration("weken")), format_duration_count(24, duration("jaren"))
    ('3 weken', '2 jaar')
    >>> format_duration_count(5400, duration("uren"))
    '90 minuten'
    """
    declared, base = t.declared or t.unit, t.unit
    if declared is None or base is None:
        raise ValueError(f"{t} is geen duur")
    factor = T.DURATION_FAMILY[declared][1]
    if count % factor == 0:
        return format_duration(count // factor, declared)
    if base == "seconden":
        for unit, size in (("uren", 3600), ("minuten", 60)):
            if count % size == 0:
                return format_duration(count // size, unit)
    return format_duration(count, base)
