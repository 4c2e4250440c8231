"""One case value -> its runtime type, as a case file writes it (Dutch text, JSON, YAML values).

Contract: `convert(raw, t)` returns the runtime value of `raw` for type `t` or raises
`CaseValueError` with a Dutch message saying what was expected; nothing is guessed, NaN and
infinities are refused. The default ranges hold: a bedrag is not negative, a percentage lies in
0–100 (inclusive), and a percentage given as a bare number (a number, or text without '%')
strictly between 0 and 1 is refused as ambiguous (0.41: 41 % or 0,41 %?); a lijst holds at most
`MAX_ITEMS` values; a tijdstip has no time zone. The `read_*` functions read plainly written text
fast and give exactly what `dsl.literals` gives for it when `convert` accepts that value, or None
for any other text (which `convert` then reads, or refuses with its message). `written(value, t)`
is a runtime value as a case writes it, so that `convert` reads it back unchanged.
"""

from __future__ import annotations

import decimal
import math
import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import cast

from dsl import types as T
from dsl.case.values import CaseValueError
from dsl.core.expr import EVERY_DAY
from dsl.errors import BeleidError, Diagnostic, suggest
from dsl.literals import (
    GENERIC_HINTS,
    MONTHS,
    NUMBER_WORDS,
    LiteralError,
    parse_bool,
    parse_date,
    parse_datetime,
    parse_money,
    parse_number,
    parse_percentage,
)
from dsl.runtime.formatting import format_value
from dsl.types import UNIT_ALIASES

MAX_ITEMS = 100_000  # values in one lijst (and names in one case file)


def _says_unknown(raw, t: T.Type) -> bool:
    """`"onbekend"` leaves a fact unknown, like null (unless it is one of a keuze's options)."""
    return (isinstance(raw, str) and raw.strip().lower() == "onbekend"
            and not (t.kind == "keuze" and raw in t.options))


_SHOWN = 80  # characters of a value shown in a message


def _show(raw) -> str:
    if isinstance(raw, bool):
        return "ja" if raw else "nee"
    if isinstance(raw, (list, tuple, dict)) and len(raw) > _SHOWN:  # not all of a long lijst
        raw = type(raw)(list(raw.items())[:_SHOWN] if isinstance(raw, dict) else raw[:_SHOWN])
    text = repr(raw) if isinstance(raw, str) else str(raw)
    return text if len(text) <= _SHOWN else text[:_SHOWN - 1] + "…"


def dutch_count(n: int) -> str:
    """A whole number with a dot between groups of three: 100.000."""
    return f"{n:,}".replace(",", ".")


def _dutch(value: Decimal) -> str:
    """A Decimal in Dutch notation without exponent or trailing zeros: 0,41 or 12,5."""
    text = format(value.normalize(), "f")
    return text.replace(".", ",")


def range_words(t: T.Type) -> str:
    """What a value outside the limits of `t` (`dsl.types.limits`) is told, after the value."""
    if t.bounds is not None:
        low, high = t.bounds
        return (f"ligt buiten het bereik van dit gegeven "
                f"(van {format_value(low, t.kind)} tot en met {format_value(high, t.kind)})")
    return _DEFAULT_RANGE_WORDS[t.kind]


_DEFAULT_RANGE_WORDS = {"bedrag": "is geen geldig bedrag: een bedrag is niet negatief",
                        "percentage": "is geen geldig percentage: een percentage ligt tussen 0% en 100%",
                        "aantal": "is geen aantal; een aantal is niet negatief"}


def _within(value: Decimal, raw, t: T.Type) -> None:
    """Refuse a value outside the limits of its gegeven: declared (`van X tot en met Y`) or default."""
    low, high = T.limits(t)
    if (low is not None and value < low) or (high is not None and value > high):
        raise CaseValueError(f"{_show(raw)} {range_words(t)}")


def _amount(raw, t: T.Type) -> Decimal:
    value = _decimal(raw, parse_money, read_money, "bedrag", "€ 120.000 of 120000")
    _within(value, raw, t)
    return value


def _percentage(raw, t: T.Type) -> Decimal:
    """A percentage in percent points (41 is 41 %); see the module contract for the rule."""
    value = _decimal(raw, parse_percentage, read_percentage, "percentage", "33% of 33")
    _within(value, raw, t)
    if 0 < value < 1 and not (isinstance(raw, str) and _says_percent(raw)):
        share = _dutch(value * 100)
        raise CaseValueError(f'{_show(raw)} is dubbelzinnig: bedoelt u {share}% (schrijf {share} of "{share}%") '
                             f'of {_dutch(value)}% (schrijf "{_dutch(value)}%")?')
    return value


def _says_percent(text: str) -> bool:
    """Whether text names its unit: "0,41%" or "0,41 procent"."""
    return "%" in text or text.strip().lower().endswith("procent")


def _decimal(raw, parse, read, what: str, example: str) -> Decimal:
    if isinstance(raw, bool):
        raise CaseValueError(f"{_show(raw)} is geen {what}; verwacht bijvoorbeeld {example}")
    if isinstance(raw, float):
        if math.isnan(raw) or math.isinf(raw):
            raise CaseValueError(f"{raw} is geen {what}")
        raw = Decimal(repr(raw))
    if isinstance(raw, (int, Decimal)):
        value = Decimal(raw)
        if not value.is_finite():
            raise CaseValueError(f"{raw} is geen {what}")
        return value
    if isinstance(raw, str):
        text = raw.strip()
        plain = read(text)
        if plain is not None:
            return plain
        if text.lower() in NUMBER_WORDS:
            return Decimal(NUMBER_WORDS[text.lower()])
        try:
            return parse(text)
        except LiteralError as err:   # say which convention is wrong where the reader knows ("1,500.50")
            message = str(err)   # "'<text>' is geen geldig <what>: <reason>"; no reason holds ": "
            reason = message.rpartition(": ")[2] if ": " in message else ""
            tail = reason if reason and reason not in GENERIC_HINTS else f"verwacht bijvoorbeeld {example}"
            raise CaseValueError(f"{_show(raw)} is geen {what}; {tail}") from None
        except InvalidOperation:
            pass
    raise CaseValueError(f"{_show(raw)} is geen {what}; verwacht bijvoorbeeld {example}")


def convert(raw, t: T.Type):
    """One case value converted to the runtime representation of type `t`, or CaseValueError."""
    kind = t.kind
    if kind == "bedrag":
        return _amount(raw, t)
    if kind == "percentage":
        return _percentage(raw, t)
    if kind == "getal":
        value = _decimal(raw, parse_number, read_number, "getal", "0,3 of 12")
        _within(value, raw, t)
        return value
    if kind == "aantal":
        value = _decimal(raw, parse_number, read_number, "aantal", "12")
        if value != value.to_integral_value():
            raise CaseValueError(f"{_show(raw)} is geen aantal; een aantal is een heel getal, zoals 12")
        _within(value, raw, t)
        return int(value)
    if kind == "ja/nee":
        return _bool(raw)
    if kind in ("datum", "tijdstip"):
        return _moment(raw, kind)
    if kind == "duur":
        return _duration(raw, t)
    if kind in ("tekst", "keuze"):
        return _text(raw, t)
    if kind == "lijst":
        if not isinstance(raw, (list, tuple)) or t.element is None:
            raise CaseValueError(f"{_show(raw)} is geen lijst; verwacht bijvoorbeeld [0.5, 0.8]")
        if len(raw) > MAX_ITEMS:
            raise CaseValueError(f"de lijst heeft {dutch_count(len(raw))} waarden; een lijst heeft ten hoogste "
                                 f"{dutch_count(MAX_ITEMS)} waarden")
        element = t.element
        return tuple(convert(item, element) for item in raw)
    if kind == "per jaar" and t.element is not None:
        return _history(raw, t.element)
    if kind == "per periode" and t.element is not None:
        return _period_history(raw, t.element)
    raise CaseValueError(f"type {t} wordt niet ondersteund")


def _period_history(raw, element: T.Type) -> tuple:
    """A value per period: an object {"2023-01-01": value, "1 juli 2023": value, ...} (each value
    holds from its day until the next; onbekend/null: onbekend from that day), the runtime form
    ((day, value), ...), or one plain value, which holds on every day -> ((day, value), ...)
    sorted by day."""
    if isinstance(raw, tuple) and raw and all(isinstance(p, tuple) and len(p) == 2 and isinstance(p[0], date)
                                              for p in raw):
        pairs = list(raw)   # the runtime form: its values are read like any other (never trusted as typed)
    elif isinstance(raw, dict):
        pairs = list(raw.items())
    elif (found := _pair_list(raw, "dag")) is not None:
        pairs = found
    else:
        if isinstance(raw, (list, tuple)):
            raise CaseValueError(f"{_show(raw)} is geen waarde per periode; verwacht één waarde, of bijvoorbeeld "
                                 '{"2023-01-01": "ja", "2023-07-01": "nee"}')
        return ((EVERY_DAY, convert(raw, element)),)
    if len(pairs) > MAX_ITEMS:
        raise CaseValueError(f"er zijn {dutch_count(len(pairs))} begindagen; ten hoogste {dutch_count(MAX_ITEMS)}")
    days: dict[date, object] = {}
    for key, value in pairs:
        try:
            day = (key if type(key) is date else _moment(key, "datum")) if not isinstance(key, bool) else None
        except CaseValueError:
            day = None
        if not isinstance(day, date) or isinstance(day, datetime):
            raise CaseValueError(f"{_show(key)} is geen dag; schrijf de begindagen als \"2023-01-01\" of "
                                 "\"1 juli 2023\"") from None
        if day in days:
            raise CaseValueError(f"de dag {_show(key)} staat twee keer in de waarden per periode")
        if value is None or _says_unknown(value, element):
            days[day] = None
            continue
        try:
            days[day] = convert(value, element)
        except CaseValueError as err:
            raise CaseValueError(f"vanaf {_show(key)}: {err}") from None
    return tuple(sorted(days.items(), key=lambda pair: pair[0]))


def _history(raw, element: T.Type) -> tuple:
    """A value per year: an object {"2021": value, ...} (or the runtime form, (year, value)
    pairs) -> ((year, value), ...) sorted by year, each value converted to `element`. A year
    left out or given as onbekend/null is onbekend: it is not in the result."""
    if isinstance(raw, tuple) and all(isinstance(p, tuple) and len(p) == 2 for p in raw):
        pairs = list(raw)
    elif isinstance(raw, dict):
        pairs = list(raw.items())
    elif (found := _pair_list(raw, "jaar")) is not None:
        pairs = found
    else:
        raise CaseValueError(f"{_show(raw)} is geen waarde per jaar; verwacht bijvoorbeeld "
                             '{"2022": "€ 1.200.000", "2023": "€ 1.350.000"}')
    if len(pairs) > MAX_ITEMS:
        raise CaseValueError(f"er zijn {dutch_count(len(pairs))} jaren; ten hoogste {dutch_count(MAX_ITEMS)}")
    years: dict[int, object] = {}
    for key, value in pairs:
        year = _year(key)
        if year in years:
            raise CaseValueError(f"het jaar {year} staat twee keer in de waarden per jaar")
        if value is None or _says_unknown(value, element):
            continue
        try:
            years[year] = convert(value, element)
        except CaseValueError as err:
            raise CaseValueError(f"jaar {year}: {err}") from None
    return tuple(sorted(years.items()))


def _pair_list(raw, key: str) -> list | None:
    """[{"jaar": 2023, "waarde": ...}, ...] (or "dag"): the pairs as a table holds them (a Parquet
    list of structs, as Beleidstaal writes them too; a JSON list of objects), else None."""
    if isinstance(raw, list) and all(isinstance(p, dict) and p.keys() == {key, "waarde"} for p in raw):
        return [(p[key], p["waarde"]) for p in raw]
    return None


def _year(key) -> int:
    """A year as a case writes it: "2023" or 2023 (1 to 9999)."""
    text = str(key).strip() if not isinstance(key, bool) else ""
    if text.isascii() and text.isdigit() and 1 <= int(text) <= 9999:
        return int(text)
    raise CaseValueError(f"{_show(key)} is geen jaar; schrijf de jaren als \"2022\", \"2023\", ...")


def _bool(raw) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str):
        try:
            return parse_bool(raw.strip())
        except LiteralError:
            pass
    raise CaseValueError(f"{_show(raw)} is geen ja/nee; verwacht ja, nee, true of false")


def _moment(raw, kind: str):
    """A datum, or a tijdstip; a tijdstip may be given as a date alone (the time is then
    unknown: compared with a time on that same day the outcome is onbekend)."""
    if isinstance(raw, datetime):
        if kind == "datum":
            if at_midnight(raw):   # how pandas, Excel and Parquet often hold a date: that date
                return raw.date()
            zone = " met een tijdzone" if raw.utcoffset() is not None else ""
            raise CaseValueError(f"{raw} is een tijdstip{zone}; verwacht een datum zonder tijd, zoals 2024-01-01")
        if raw.utcoffset() is not None:
            raise CaseValueError(f"{raw} heeft een tijdzone; schrijf de plaatselijke tijd zonder tijdzone, "
                                 "zoals 2023-12-22 17:00")
        return raw
    if isinstance(raw, date):
        return raw
    if isinstance(raw, str):
        text = raw.strip()
        try:
            return parse_date(text)
        except LiteralError as err:
            if kind == "datum":
                raise CaseValueError(_literal_problem(raw, err, "is geen geldige datum")) from None
        try:
            return parse_datetime(text)
        except LiteralError as err:
            raise CaseValueError(_literal_problem(raw, err, "is geen geldig tijdstip")) from None
    example = "2024-01-01" if kind == "datum" else "2023-12-22 17:00"
    raise CaseValueError(f"{_show(raw)} is geen {kind}; verwacht bijvoorbeeld {example}")


def at_midnight(moment: datetime) -> bool:
    """Whether a typed date-time is a date alone: exactly 00:00 and no time zone (a pandas
    Timestamp's nanoseconds count too). A datum given so is read as its date; any other time,
    or a time zone (whose midnight is another day elsewhere), is refused."""
    return (moment.utcoffset() is None and moment.hour == moment.minute == moment.second == moment.microsecond == 0
            and not getattr(moment, "nanosecond", 0))


def _literal_problem(raw, err: LiteralError, what: str) -> str:
    """`'x' <what>: <reason>` from a literal error, without repeating the text or the verdict."""
    reason = str(err)
    for prefix in (f"'{raw.strip()}' {what}: ", f"'{raw.strip()}' bestaat niet: ", f"'{raw.strip()}' "):
        if reason.startswith(prefix):
            reason = reason[len(prefix):]
            break
    return f"{_show(raw)} {what}: {reason}"


def _whole(raw) -> bool:
    """Whether a float or Decimal is a whole number below 10^15 in size (no count of units needs
    more; a bigger one, NaN or an infinity is left to the message)."""
    if isinstance(raw, float):
        return math.isfinite(raw) and raw.is_integer() and abs(raw) < 1e15
    return isinstance(raw, Decimal) and raw.is_finite() and raw == raw.to_integral_value() and raw.adjusted() < 15


def _duration(raw, t: T.Type) -> int:
    base = t.unit
    declared = t.declared or base or ""
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw * T.DURATION_FAMILY[declared][1]
    if _whole(raw):   # 3.0 or Decimal("3"), as an aantal reads it
        return int(raw) * T.DURATION_FAMILY[declared][1]
    if isinstance(raw, timedelta) and not raw.microseconds and not getattr(raw, "nanoseconds", 0):   # pandas too
        if base == "dagen" and not raw.seconds:
            return raw.days
        if base == "seconden":
            return raw.days * 86_400 + raw.seconds
        # (in months or working days a timedelta, which counts calendar time, says nothing)
    if isinstance(raw, str):
        parts = raw.split()
        if len(parts) == 1 and parts[0].isascii() and parts[0].lstrip("-").isdigit():
            return int(parts[0]) * T.DURATION_FAMILY[declared][1]   # "7": a whole number in the declared unit
        if len(parts) == 2 and parts[1].lower() in UNIT_ALIASES:
            unit = UNIT_ALIASES[parts[1].lower()]
            family, factor = T.DURATION_FAMILY[unit]
            if family != base:
                raise CaseValueError(f"{_show(raw)} past niet: deze duur wordt geteld in {declared}")
            amount = read_number(parts[0])
            if amount is None:
                try:
                    amount = parse_number(parts[0])
                except LiteralError:
                    amount = None
            if amount is not None and amount == amount.to_integral_value():
                return int(amount) * factor
    raise CaseValueError(f"{_show(raw)} is geen duur; verwacht een heel aantal {declared}, "
                         f"zoals 3 of '3 {declared}'")


def _text(raw, t: T.Type) -> str:
    if not isinstance(raw, str):
        raise CaseValueError(f"{_show(raw)} is geen tekst")
    if t.kind == "keuze" and raw not in t.options:
        options = ", ".join(f'"{o}"' for o in t.options)
        hint = suggest(raw, t.options)
        raise CaseValueError(f"{_show(raw)} is geen van de keuzes {options}" + (f"; {hint}" if hint else ""))
    return raw


# ---------------------------------------------------------------- plain text
# Most text in a case is written plainly: digits with dots between groups of three and a decimal
# comma ("€ " before an amount, "%" after a percentage), "ja"/"nee", "1 april 2024", "2024-04-01",
# "2023-12-08 17:00". Each reader gives the value dsl.literals gives for such text, without its
# general parsing (Babel's locale lookups cost 10 µs a number), or None for any other text, which
# then goes through `convert` and its messages. A possible English thousands "1,500" is left to
# dsl.literals too. tests/test_case.py and tests/test_fast_paths.py check that both readings agree
# on every text accepted here. The readers accept only values `convert` accepts: no negative
# amount, no percentage outside 0–100, no percentage strictly between 0 and 1 without '%' (see
# `_percentage`).
#
# A table or a stream of cases repeats its amounts, shares and dates, so each reader remembers the
# texts it read last in a plain dict (its memory): a text read before costs one lookup in C. A new
# text goes to the reader's `_new_*` function, which checks it with one regular expression (or,
# for "1 april 2024", a table of days and months and one of years), builds the value from the
# checked text, and remembers it; a text it cannot read is not remembered (it goes on to
# `convert`, which costs a hundred times more). The generated case loader calls the two parts
# itself (`FAST_READERS`): `memory.get` in C, and the new-text reader as a Python-to-Python call,
# which CPython 3.11 makes without a new C frame, cheaper than the `dict.__missing__` call from C
# these readers made before (benchmarks/bench_public.py measures it with the memories emptied);
# for an amount, a number, a percentage of 1 to 99 and a datum in words it writes the new-text
# reading out in its own code (`INLINE_READERS`: the check, then the value of the checked text
# into the memory), which saves the call; tests/test_text_readers.py and
# tests/test_text_speed_readers.py check every way of reading against the full reader. The
# generated public path (dsl/compiler/fused.py) checks the bound of those memories once every so
# many cases rather than at each text (`dsl.case.loader.bounding_statements`).
# (0; or 1 to 3 digits, then groups of three after dots; or 4 digits or more without dots. The
# fraction is not three digits ending in 0: "1,500" is ambiguous. Written without a lookahead,
# with the common forms first and possessive quantifiers where nothing after them could take
# back what they took (a digit group is always followed by a dot, a comma or the end), which the
# regular expression engine matches faster (0.33 -> 0.28 µs for "€ 1.234.567,89", measured);
# tests/test_fast_paths.py checks that they accept exactly what the earlier formulation, with a
# lookahead, accepted.)
_UNSIGNED = r"(?:[1-9][0-9]{0,2}+(?:\.[0-9]{3})*+|[1-9][0-9]{3,}|0)"
_FRACTION = r"(?:,(?:[0-9]{1,2}|[0-9]{2}[1-9]|[0-9]{4,}))?"
# (`match` up to `\Z`, the very end of the text, checks the whole text as `fullmatch` does; it
# was measured faster in the generated case loader, by 1-2 % of a case of benchmarks/bench_public.py)
_MONEY = re.compile(r"(?:€ ?)?+(" + _UNSIGNED + _FRACTION + r")\Z").match   # the amount without "€ "
_NUMBER = re.compile("-?+" + _UNSIGNED + _FRACTION + r"\Z").match
_PERCENT = re.compile(_UNSIGNED + _FRACTION + "(?: ?%)?").fullmatch
# a percentage the fast reader reads: at most three digits before the comma and no dots (any
# text of _PERCENT beyond that is 1.000 or more, outside 0-100, which `convert` refuses); the
# number without "%"
_SHARE = re.compile("((?:[1-9][0-9]{0,2}+|0)" + _FRACTION + r")(?: ?%)?\Z").match
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}").fullmatch
_MOMENT = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[ T]([0-9]{1,2})[:.]([0-9]{2})(?::([0-9]{2}))?)?").fullmatch
# "1 april " -> (4, 1): the day (1 or 2 digits, as dsl.literals reads it) and month of a date in
# words, with the space before the year
_DAY_MONTH = {f"{text} {name} ": (month, day) for month, name in enumerate(MONTHS, 1)
              for day in range(1, 32) for text in {str(day), f"{day:02d}"}}
_YEARS = YEARS = {str(year): year for year in range(1900, 2200)}   # the years most written; others: int()
# "1 april " -> "-04-01" for the days and months of `_DAY_MONTH` that exist in every year (not 29
# februari): after a year of `_YEARS` that is an ISO date that always exists, so the generated case
# loader reads such a date as `date.fromisoformat(year + "-04-01")` without a check (measured: a
# quarter cheaper than `date(2024, 4, 1)`, whose keyword parsing costs)
_EVERY_YEAR = {text: f"-{month:02d}-{day:02d}" for text, (month, day) in _DAY_MONTH.items()
               if day <= (28 if month == 2 else 30 if month in (4, 6, 9, 11) else 31)}
# the percentages the generated case loader reads in its own code: 1 to 99 with any fraction,
# which always lie within 0-100 and are never ambiguous (`_percentage`); the number without "%"
_COMMON_SHARE = re.compile("([1-9][0-9]?+" + _FRACTION + r")(?: ?%)?\Z").match
_HUNDRED = Decimal(100)
# Decimal(text) without the keyword parsing of the constructor (measured: 15 % cheaper): a
# context of unlimited precision and exponent never rounds, so the value is Decimal(text)'s,
# digit for digit; a text that is no number raises InvalidOperation, as Decimal(text) does.
# For the checked texts of the readers below.
exact = decimal.Context(prec=decimal.MAX_PREC, Emax=decimal.MAX_EMAX, Emin=decimal.MIN_EMIN).create_decimal
_REMEMBERED = REMEMBERED = 4096  # texts a reader remembers; when full it forgets them all


_AMOUNTS: dict[str, Decimal] = {}
_NUMBERS: dict[str, Decimal] = {}
_PERCENTAGES: dict[str, Decimal] = {}
_DAYS: dict[str, date] = {}
_MEMORIES: list[dict] = [_AMOUNTS, _NUMBERS, _PERCENTAGES, _DAYS]


def forget_texts() -> None:
    """Empty the readers' memories (for a benchmark of text never seen before)."""
    for memory in _MEMORIES:
        memory.clear()


def _new_money(text: str) -> Decimal | None:
    """"€ 240.000", "€ 1.234,56", "€2.500.000" or "2500000": an amount (never negative), or None."""
    match = _MONEY(text)
    if match is None:
        return None
    if len(_AMOUNTS) >= _REMEMBERED:
        _AMOUNTS.clear()
    value = _AMOUNTS[text] = exact(match[1].replace(".", "").replace(",", "."))
    return value


def _new_number(text: str) -> Decimal | None:
    """"3,5", "-12" or "2.500.000": a number, or None."""
    if _NUMBER(text) is None:
        return None
    if len(_NUMBERS) >= _REMEMBERED:
        _NUMBERS.clear()
    value = _NUMBERS[text] = exact(text.replace(".", "").replace(",", "."))
    return value


def _new_percentage(text: str) -> Decimal | None:
    """"41%", "7,77 %" or "41": a percentage that `convert` accepts (see `_percentage`), or None."""
    match = _SHARE(text)
    if match is None:
        return None
    value = exact(match[1].replace(",", "."))
    # (the whole part of a share below 1 is "0": no comparison of the value with an int)
    if value > _HUNDRED or (text[0] == "0" and value and text[-1] != "%"):
        return None
    if len(_PERCENTAGES) >= _REMEMBERED:
        _PERCENTAGES.clear()
    _PERCENTAGES[text] = value
    return value


def _new_day(text: str) -> date | None:
    """"1 april 2024" (the month in lower case, single spaces) or "2024-04-01": a datum, or None."""
    month_day = _DAY_MONTH.get(text[:-4])
    if month_day is None:
        if text[4:5] != "-" or _ISO_DAY(text) is None:
            return None
        try:
            value = date.fromisoformat(text)
        except ValueError:   # no such day: dsl.literals says why
            return None
    else:
        year = _YEARS.get(text[-4:])
        if year is None:
            year = _other_year(text[-4:])
        try:
            value = date(year, month_day[0], month_day[1])
        except ValueError:   # no such day (30 februari), or year 0: dsl.literals says why
            return None
    if len(_DAYS) >= _REMEMBERED:
        _DAYS.clear()
    _DAYS[text] = value
    return value


def _other_year(digits: str) -> int:
    """A year outside `_YEARS` written in four ASCII digits, else 0 (which no date has)."""
    return int(digits) if digits.isdigit() and digits.isascii() else 0


def read_money(text: str) -> Decimal | None:
    """An amount in plain text (see `_new_money`), or None."""
    value = _AMOUNTS.get(text)
    return _new_money(text) if value is None else value


def read_number(text: str) -> Decimal | None:
    """A number in plain text (see `_new_number`), or None."""
    value = _NUMBERS.get(text)
    return _new_number(text) if value is None else value


def read_percentage(text: str) -> Decimal | None:
    """A percentage in plain text (see `_new_percentage`), or None."""
    value = _PERCENTAGES.get(text)
    return _new_percentage(text) if value is None else value


def read_day(text: str) -> date | None:
    """A datum in plain text (see `_new_day`), or None."""
    value = _DAYS.get(text)
    return _new_day(text) if value is None else value


class _Remembered(dict):
    """A memory that reads a new text with `read`, and forgets all once it holds `size` texts."""

    __slots__ = ("read", "size")

    def __init__(self, read: Callable[[str], object], size: int):
        super().__init__()
        self.read, self.size = read, size
        _MEMORIES.append(self)

    def __missing__(self, text: str) -> object:
        if len(self) >= self.size:
            self.clear()
        value = self[text] = self.read(text)
        return value


def _remembered(read: Callable[[str], object], size: int = _REMEMBERED) -> Callable[[str], object]:
    """`read` with a memory of the last texts it read (a dict whose `__missing__` reads a new text)."""
    return _Remembered(read, size).__getitem__


def _moment_text(text: str) -> date | datetime | None:
    """A tijdstip: "2023-12-08 17:00" (or T, or 17.00, with seconds), or a datum alone; or None."""
    match = _MOMENT(text)
    if match is None:
        return read_day(text)
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        if text[13] == ":" and len(text) in (16, 19) and text[11:13] < "24":   # "2023-12-08 17:00[:30]"
            return datetime.fromisoformat(text)
        year, month, day, hour, minute, second = match.groups()
        return datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0))
    except ValueError:
        return None


def written(value, t: T.Type):
    """A runtime value of type `t` as a case writes it, which `convert` reads back unchanged: a
    duur count as "14 dagen", a percentage between 0 and 1 as "0,41%" (a bare 0.41 is refused
    as ambiguous), a lijst item by item; any other value as it is."""
    kind = t.kind
    if value is None:
        return None
    if kind == "duur" and isinstance(value, int) and not isinstance(value, bool):
        return f"{value} {t.unit}"
    if kind == "percentage" and isinstance(value, Decimal) and value.is_finite() and 0 < value < 1:
        return f"{_dutch(value)}%"
    if kind == "lijst" and isinstance(value, (list, tuple)) and t.element is not None:
        return [written(item, t.element) for item in value]
    if kind == "per jaar" and isinstance(value, tuple) and t.element is not None:   # {"2022": ..., ...}
        return {str(year): written(item, t.element) for year, item in value}
    if kind == "per periode" and isinstance(value, tuple) and t.element is not None:   # {"2023-01-01": ...}
        if len(value) == 1 and value[0][0] == EVERY_DAY:   # a plain value: as it was given
            return written(value[0][1], t.element)
        return {day.isoformat(): written(item, t.element) for day, item in value}
    return value


read_moment = cast(Callable[[str], date | datetime | None], _remembered(_moment_text))
read_bool = {word: parse_bool(word) for word in ("ja", "nee", "waar", "onwaar", "true", "false")}.get


def read_count(text: str) -> int | None:
    return int(text) if text.isascii() and text.isdigit() else None


# kind -> (a lookup of plain text: of the texts read before, or of all it reads; the reader of a
# text not found there, or None), as the generated case loader calls them; both give None for
# text they cannot read
FAST_READERS: dict[str, tuple[Callable[[str], object], Callable[[str], object] | None]] = {
    "bedrag": (_AMOUNTS.get, _new_money), "percentage": (_PERCENTAGES.get, _new_percentage),
    "getal": (_NUMBERS.get, _new_number), "datum": (_DAYS.get, _new_day),
    "aantal": (read_count, None), "ja/nee": (read_bool, None), "tijdstip": (read_moment, None),
}
# kind -> (the check, the memory) of the readers the generated case loader writes out in its own
# code rather than calling (a call is 5-10 % of what reading a new text costs): for an amount and
# a number the regular expression of `_new_money` and `_new_number`, for a percentage
# `_COMMON_SHARE` (other percentages go on to `_new_percentage`), for a datum in words the table
# of days and months that exist in every year, `_EVERY_YEAR` (with `_YEARS`; other dates go on to
# `_new_day`). It reads as these readers do; tests/test_fast_paths.py and
# tests/test_text_speed_readers.py check that it agrees with them and with the full reader.
INLINE_READERS: dict[str, tuple[Callable[[str], object], dict]] = {
    "bedrag": (_MONEY, _AMOUNTS), "getal": (_NUMBER, _NUMBERS), "percentage": (_COMMON_SHARE, _PERCENTAGES),
    "datum": (_EVERY_YEAR.get, _DAYS),
}


def date_option(option: str, text: str | None) -> date | None:
    """The date a command-line option gives (`--peildatum 1-1-2024`), read as a case reads a
    datum; None when it is not given; a BeleidError "<option>: <why>" when it is no date."""
    if text is None:
        return None
    try:
        return convert(text, T.DATUM)
    except CaseValueError as bad:
        raise BeleidError([Diagnostic("case", f"{option}: {bad}")], "<opdrachtregel>") from None
