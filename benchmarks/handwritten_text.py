"""Dutch case text read by hand, tightly: the yardstick for the public path on text (informative).

`text_reader(fields)` gives `read(d)`: the dict of Dutch texts ("€ 240.000", "41%", "ja",
"1 april 2024", "2023-12-08 17:00", "3 dagen", a keuze as it is) -> the dict of typed values that
the hand-written evaluation functions take. It reads as a careful engineer would inline: one
precompiled regular expression per kind for the Dutch notation (thousands dots, decimal comma,
no English thousands), exact Decimal, a table of month names, no memory of texts read before and
no messages (a text it cannot read raises ValueError). benchmarks/bench_public.py times it
followed by the hand-written function, next to the public path on the same texts.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal

MONTHS = {name: i for i, name in enumerate(
    ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
     "november", "december"), 1)}
_NUMBER = r"((?:[1-9][0-9]{0,2}+(?:\.[0-9]{3})*+|[1-9][0-9]{3,}|0)(?:,(?:[0-9]{1,2}|[0-9]{2}[1-9]|[0-9]{4,}))?)"
_MONEY = re.compile("(?:€ ?)?+" + _NUMBER).fullmatch
_PERCENT = re.compile(_NUMBER + " ?%?").fullmatch
_PLAIN = re.compile("-?" + _NUMBER).fullmatch
_WORDS = re.compile(r"([0-9]{1,2}) ([a-z]+) ([0-9]{4})").fullmatch
_BOOLS = {"ja": True, "nee": False}


def _decimal(match: re.Match[str] | None, text: str) -> Decimal:
    if match is None:
        raise ValueError(text)
    value = Decimal(match[1].replace(".", "").replace(",", "."))
    return -value if text[0] == "-" else value


def _day(text: str) -> date:
    if text[4:5] == "-":
        return date.fromisoformat(text)
    match = _WORDS(text)
    if match is None:
        raise ValueError(text)
    return date(int(match[3]), MONTHS[match[2]], int(match[1]))


def _moment(text: str) -> date | datetime:
    return datetime.fromisoformat(text) if len(text) > 10 and text[4:5] == "-" else _day(text)


def _duration(text: str) -> int:
    return int(text.split()[0])


_READERS: dict[str, Callable[[str], object]] = {
    "bedrag": lambda text: _decimal(_MONEY(text), text), "percentage": lambda text: _decimal(_PERCENT(text), text),
    "getal": lambda text: _decimal(_PLAIN(text), text), "aantal": int, "ja/nee": _BOOLS.__getitem__,
    "datum": _day, "tijdstip": _moment, "duur": _duration,
}


def _per_year(read: Callable[[str], object]) -> Callable[[dict], dict]:
    """The reader of a value per year: {"2022": text, ...} -> {2022: value, ...}."""
    return lambda texts: {int(year): read(text) for year, text in texts.items()}


def _reader(t) -> Callable:
    if t.kind == "per jaar":
        return _per_year(_READERS.get(t.element.kind, str))
    return _READERS.get(t.kind, str)


def text_reader(fields) -> Callable[[dict], dict]:
    """`read(d)` for a policy's gegevens (`policy.model.fields`): each text by the reader of its kind."""
    readers = {name: _reader(field.type) for name, field in fields.items()}
    readers["peildatum"] = _day

    def read(d: dict) -> dict:
        return {name: readers[name](text) for name, text in d.items()}

    return read
