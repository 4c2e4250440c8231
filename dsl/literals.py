"""Parse Dutch literal text into Python values.

Contract: every ``parse_*`` function takes the text of one literal as written in a
policy or a case file and returns a ``Decimal``, ``date``, ``datetime`` or ``bool``.
Nothing is guessed: ambiguous or malformed text raises :class:`LiteralError`, whose
Dutch message shows the bad value and the accepted form with an example. Numbers are
never floats and never NaN or Infinity.

Conventions pinned here:

- Numbers use Dutch notation: a comma for decimals, dots between groups of three
  digits (``2.500.000``, ``1.000,50``). ``1.5`` is refused rather than read as 15.
- ``1,000`` and ``1,500`` are refused as ambiguous: they read as English thousands.
  ``2,125`` (three decimals, not ending in 0) is accepted as two and a bit.
- Percentages are returned in percent points: ``7,77%`` is ``Decimal('7.77')``.
- Dates are ``1 januari 2024``, ``1-1-2024`` (day first) or ISO ``2024-01-01``.
"""

from __future__ import annotations

import re
from calendar import monthrange
from datetime import date, datetime, time
from decimal import Decimal, localcontext

from babel.numbers import NumberFormatError, parse_decimal

__all__ = [
    "MONTHS",
    "NUMBER_WORDS",
    "WEEKDAYS",
    "LiteralError",
    "parse_bool",
    "parse_date",
    "parse_datetime",
    "parse_money",
    "parse_number",
    "parse_percentage",
]


class LiteralError(ValueError):
    """A literal that cannot be read; the message is Dutch and names the bad text."""


MONTHS = (
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
)

WEEKDAYS = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")

NUMBER_WORDS: dict[str, int] = {
    "nul": 0, "een": 1, "één": 1, "twee": 2, "drie": 3, "vier": 4, "vijf": 5,
    "zes": 6, "zeven": 7, "acht": 8, "negen": 9, "tien": 10, "elf": 11,
    "twaalf": 12, "dertien": 13, "veertien": 14, "vijftien": 15, "zestien": 16,
    "zeventien": 17, "achttien": 18, "negentien": 19, "twintig": 20,
    "dertig": 30, "veertig": 40, "vijftig": 50, "zestig": 60, "zeventig": 70,
    "tachtig": 80, "negentig": 90, "honderd": 100,
}

# [0-9], not \d: \d also accepts digits of other scripts ("١٢").
_DUTCH_NUMBER = re.compile(r"[+-]?(?:[0-9]+|[0-9]{1,3}(?:\.[0-9]{3})+)(?:,[0-9]+)?")
_DOT_DECIMAL = re.compile(r"[+-]?[0-9]+\.[0-9]+")
_ENGLISH_THOUSANDS = re.compile(r"[+-]?[1-9][0-9]{0,2},[0-9]{2}0")
_ENGLISH_BOTH = re.compile(r"[+-]?[0-9]{1,3}(?:,[0-9]{3})+\.[0-9]+")
_ENGLISH_GROUPS = re.compile(r"[+-]?[1-9][0-9]{0,2}(?:,[0-9]{3}){2,}")
_SPACED_THOUSANDS = re.compile("[+-]?[1-9][0-9]{0,2}(?:[ \u00a0\u202f][0-9]{3})+(?:,[0-9]+)?")
_NUMBER_HINT = "schrijf een getal in Nederlandse notatie, zoals 2.500.000 of 7,77"
_MONEY_HINT = "schrijf een bedrag zoals € 2.500.000 of € 7,50"
_PERCENT_HINT = "schrijf een percentage zoals 33% of 7,77%"
GENERIC_HINTS = frozenset({_NUMBER_HINT, _MONEY_HINT, _PERCENT_HINT})   # no more to say than "not a number"


def _number_problem(text: str) -> str | None:
    """Return a Dutch hint why ``text`` is not a Dutch number, or None if it is one."""
    if _ENGLISH_BOTH.fullmatch(text):
        fixed = text.replace(",", " ").replace(".", ",").replace(" ", ".")
        return f"gebruik een punt voor duizendtallen en een komma voor decimalen, zoals {fixed}"
    if _ENGLISH_GROUPS.fullmatch(text):   # 2,500,000: commas between groups of three, so not decimals
        return f"gebruik een punt voor duizendtallen, zoals {text.replace(',', '.')}"
    if _SPACED_THOUSANDS.fullmatch(text):   # a French or spreadsheet notation; the fixed space looks like a space
        space = "een spatie" if " " in text else "een vaste spatie"
        fixed = re.sub("[ \u00a0\u202f]", ".", text)
        return f"hier scheidt {space} de duizendtallen; gebruik een punt, zoals {fixed}"
    if not _DUTCH_NUMBER.fullmatch(text):
        if _DOT_DECIMAL.fullmatch(text):
            return f"gebruik een komma voor decimalen, zoals {text.replace('.', ',')}"
        return _NUMBER_HINT
    if _ENGLISH_THOUSANDS.fullmatch(text):
        whole, fraction = text.split(",")
        short = f"{whole},{fraction.rstrip('0')}".rstrip(",")
        return (f"dubbelzinnig; schrijf {whole}.{fraction} of {short} "
                "(punt voor duizendtallen, komma voor decimalen)")
    return None


def parse_number(text: str) -> Decimal:
    """Parse a number in Dutch notation.

    Examples:
        >>> parse_number("2.500.000"), parse_number("1.000,50"), parse_number("-5")
        (Decimal('2500000'), Decimal('1000.50'), Decimal('-5'))
        >>> parse_number("0,3")
        Decimal('0.3')
        >>> parse_number("1.5")
        Traceback (most recent call last):
        dsl.literals.LiteralError: '1.5' is geen geldig getal: gebruik een komma voor decimalen, zoals 1,5
        >>> parse_number("1,000")
        Traceback (most recent call last):
        dsl.literals.LiteralError: '1,000' is geen geldig getal: dubbelzinnig; schrijf 1.000 of 1 (punt voor duizendtallen, komma voor decimalen)
        >>> parse_number("2,125")  # three decimals not ending in 0: not English thousands
        Decimal('2.125')
    """
    stripped = text.strip()
    problem = _number_problem(stripped)
    if problem is not None:
        raise LiteralError(f"'{text}' is geen geldig getal: {problem}")
    try:
        # Babel's strict check re-formats the value in the current context; a wider
        # context keeps 30-digit amounts such as 123.456.789.012.345.678.901.234.567.890 exact.
        with localcontext() as context:
            context.prec = max(28, len(stripped))
            value = parse_decimal(stripped, locale="nl_NL", strict=True)
    except NumberFormatError as error:  # our pattern is stricter; kept as a safety net
        raise LiteralError(f"'{text}' is geen geldig getal: {_NUMBER_HINT}") from error
    if not value.is_finite():
        raise LiteralError(f"'{text}' is geen geldig getal: {_NUMBER_HINT}")
    return value


def parse_money(text: str) -> Decimal:
    """Parse an amount in euros: optional ``€`` or ``EUR``, then a Dutch number.

    The sign may stand before or after the currency sign; ``,-`` means whole euros.

    Examples:
        >>> parse_money("€ 2.500.000"), parse_money("€2.500.000,00"), parse_money("EUR 120.000")
        (Decimal('2500000'), Decimal('2500000.00'), Decimal('120000'))
        >>> parse_money("-€ 5"), parse_money("€ -5"), parse_money("€ 5,-")
        (Decimal('-5'), Decimal('-5'), Decimal('5'))
        >>> parse_money("$ 5")
        Traceback (most recent call last):
        dsl.literals.LiteralError: '$ 5' is geen geldig bedrag: schrijf een bedrag zoals € 2.500.000 of € 7,50
    """
    rest = text.strip()
    sign = ""
    if rest.startswith("-"):
        sign, rest = "-", rest[1:].lstrip()
    if rest.startswith("€"):
        rest = rest[1:].lstrip()
    elif rest[:3].upper() == "EUR":
        rest = rest[3:].lstrip()
    if rest.endswith(",-"):
        rest = rest[:-2]
    number = sign + rest
    problem = "dubbel teken" if sign and rest.startswith(("+", "-")) else _number_problem(number)
    if problem == _NUMBER_HINT:
        problem = _MONEY_HINT
    if problem is not None:
        raise LiteralError(f"'{text}' is geen geldig bedrag: {problem}")
    return parse_number(number)


def parse_percentage(text: str) -> Decimal:
    """Parse a percentage into percent points; the ``%`` sign is optional.

    Examples:
        >>> parse_percentage("33%"), parse_percentage("7,77 %"), parse_percentage("33")
        (Decimal('33'), Decimal('7.77'), Decimal('33'))
        >>> parse_percentage("6,37") + parse_percentage("1,4") == parse_percentage("7,77")
        True
    """
    rest = text.strip()
    if rest.endswith("%"):
        rest = rest[:-1].rstrip()
    elif rest.lower().endswith(" procent"):
        rest = rest[: -len(" procent")].rstrip()
    problem = _number_problem(rest)
    if problem == _NUMBER_HINT:
        problem = _PERCENT_HINT
    if problem is not None:
        raise LiteralError(f"'{text}' is geen geldig percentage: {problem}")
    return parse_number(rest)


_DATE_WORDS = re.compile(r"([0-9]{1,2})\s+([^\W\d_]+)\s+([0-9]{4})")
_DATE_DMY = re.compile(r"([0-9]{1,2})-([0-9]{1,2})-([0-9]{4})")
_DATE_ISO = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_DATE_HINT = "schrijf een datum zoals 1 januari 2024, 01-01-2024 of 2024-01-01"


def parse_date(text: str) -> date:
    """Parse a date: ``1 januari 2024``, ``1-1-2024`` (day first) or ``2024-01-01``.

    Month names are the full Dutch names, in any letter case.

    Examples:
        >>> parse_date("1 Januari 2024"), parse_date("26-4-2025"), parse_date("2024-02-29")
        (datetime.date(2024, 1, 1), datetime.date(2025, 4, 26), datetime.date(2024, 2, 29))
        >>> parse_date("30 februari 2023")
        Traceback (most recent call last):
        dsl.literals.LiteralError: '30 februari 2023' bestaat niet: februari 2023 heeft 28 dagen
        >>> parse_date("1 jan 2024")
        Traceback (most recent call last):
        dsl.literals.LiteralError: '1 jan 2024' is geen geldige datum: onbekende maand 'jan'; schrijf de maand voluit, zoals 1 januari 2024
    """
    stripped = text.strip()
    if match := _DATE_WORDS.fullmatch(stripped):
        day, name, year = match.groups()
        if name.lower() not in MONTHS:
            raise LiteralError(
                f"'{text}' is geen geldige datum: onbekende maand '{name}'; "
                "schrijf de maand voluit, zoals 1 januari 2024")
        return _checked_date(text, int(year), MONTHS.index(name.lower()) + 1, int(day))
    if match := _DATE_DMY.fullmatch(stripped):
        day, month, year = map(int, match.groups())
        return _checked_date(text, year, month, day)
    if match := _DATE_ISO.fullmatch(stripped):
        year, month, day = map(int, match.groups())
        return _checked_date(text, year, month, day)
    raise LiteralError(f"'{text}' is geen geldige datum: {_DATE_HINT}")


def _checked_date(text: str, year: int, month: int, day: int) -> date:
    """Build a date, explaining in Dutch which part does not exist."""
    if not 1 <= year <= 9999:
        raise LiteralError(f"'{text}' bestaat niet: jaren lopen van 1 tot en met 9999")
    if not 1 <= month <= 12:
        raise LiteralError(f"'{text}' bestaat niet: er is geen maand {month}; {_DATE_HINT}")
    length = monthrange(year, month)[1]
    if not 1 <= day <= length:
        raise LiteralError(
            f"'{text}' bestaat niet: {MONTHS[month - 1]} {year} heeft {length} dagen")
    return date(year, month, day)


_ISO_T = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})T(.+)")
_TIME = re.compile(r"(.+?)\s+([0-9]{1,2})[:.]([0-9]{2})(?::([0-9]{2}))?(?:\s+uur)?", re.IGNORECASE)
_DATETIME_HINT = "schrijf een tijdstip zoals 8 december 2023 17:00 uur of 2023-12-08T17:00"


def parse_datetime(text: str) -> datetime:
    """Parse a date followed by a time (``17:00``, ``17.00``, optionally ``uur``).

    ISO ``2023-12-08T17:00`` is accepted too. Seconds are optional (``17:00:30``).

    Examples:
        >>> parse_datetime("8 december 2023 17.00 uur")
        datetime.datetime(2023, 12, 8, 17, 0)
        >>> parse_datetime("2023-12-08T17:00") == parse_datetime("08-12-2023 17:00")
        True
        >>> parse_datetime("8 december 2023")
        Traceback (most recent call last):
        dsl.literals.LiteralError: '8 december 2023' is geen geldig tijdstip: schrijf een tijdstip zoals 8 december 2023 17:00 uur of 2023-12-08T17:00
    """
    stripped = text.strip()
    if iso := _ISO_T.fullmatch(stripped):
        stripped = f"{iso[1]} {iso[2]}"
    match = _TIME.fullmatch(stripped)
    if match is None:
        raise LiteralError(f"'{text}' is geen geldig tijdstip: {_DATETIME_HINT}")
    day_text, hour, minute, second = match.groups()
    day = parse_date(day_text)
    hour, minute, second = int(hour), int(minute), int(second or 0)
    if hour > 23 or minute > 59 or second > 59:
        raise LiteralError(
            f"'{text}' is geen geldig tijdstip: uren lopen van 0 tot en met 23, "
            "minuten en seconden van 0 tot en met 59")
    return datetime.combine(day, time(hour, minute, second))


_BOOLS = {"ja": True, "nee": False, "waar": True, "onwaar": False, "true": True, "false": False}


def parse_bool(text: str) -> bool:
    """Parse ``ja``/``nee``, ``waar``/``onwaar`` or ``true``/``false`` (any letter case).

    Examples:
        >>> parse_bool("Ja"), parse_bool("onwaar"), parse_bool("TRUE")
        (True, False, True)
        >>> parse_bool("misschien")
        Traceback (most recent call last):
        dsl.literals.LiteralError: 'misschien' is geen geldige ja/nee-waarde: gebruik ja of nee
    """
    try:
        return _BOOLS[text.strip().lower()]
    except KeyError:
        raise LiteralError(
            f"'{text}' is geen geldige ja/nee-waarde: gebruik ja of nee") from None
