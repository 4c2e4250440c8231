"""Case loading: a dict, JSON or YAML file -> the typed input tuple a compiled policy takes.

Contract: `load_case(model, data)` returns a `Case` whose `values` follow the order of the
policy's gegevens, each converted to its runtime type (Decimal for bedrag, percentage and
getal; int for aantal and for durations, counted in the base unit of their family; date,
datetime, bool, str, tuple). A fact that is absent or `null` is unknown (None) and listed in
`missing` (so is the text "onbekend"); with `complete=True` an absent fact is refused instead. An unknown field, a value
of the wrong type ("abc" for a bedrag, "31-02-2024" for a datum) or NaN raises `CaseError`
naming every field at fault and what was expected. Nothing is guessed.
"""

from __future__ import annotations

import json
import math
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

import attrs

from dsl import types as T
from dsl.errors import CaseError, Diagnostic, os_problem, read_text, suggest
from dsl.literals import (
    NUMBER_WORDS,
    LiteralError,
    parse_bool,
    parse_date,
    parse_datetime,
    parse_money,
    parse_number,
    parse_percentage,
)
from dsl.types import UNIT_ALIASES

PEILDATUM = "peildatum"


@attrs.frozen
class Case:
    values: tuple
    peil: date | None
    missing: tuple          # names of gegevens the case leaves unknown
    data: dict = attrs.field(eq=False, repr=False)   # the typed values by name


class CaseValueError(Exception):
    """One field's value does not fit; the message says what was expected."""


def read_case_file(path: str | Path) -> dict:
    """Read a JSON or YAML case file into a dict; CaseError when it cannot be read."""
    path = Path(path)
    try:
        text = read_text(path)
    except (OSError, ValueError) as err:
        reason = os_problem(err) if isinstance(err, OSError) else str(err)
        raise CaseError([Diagnostic("case", f"kan het casusbestand niet lezen: {reason}")], str(path)) from None
    try:
        if path.suffix.lower() in (".yaml", ".yml"):
            import yaml

            data = yaml.safe_load(text)
        else:
            data = json.loads(text, parse_float=Decimal)
    except Exception as err:  # json and yaml raise different classes; the message is kept
        line = getattr(err, "lineno", None) or getattr(getattr(err, "problem_mark", None), "line", None)
        where = f" (regel {line})" if line else ""
        raise CaseError([Diagnostic("case", f"het casusbestand is geen geldige JSON of YAML{where}: {err}")],
                        str(path)) from None
    if not isinstance(data, dict):
        raise CaseError([Diagnostic("case", "een casus is een verzameling 'naam: waarde'-paren")], str(path))
    return data


def load_case(model, data: dict, complete: bool = False, source: str = "<casus>") -> Case:
    """Check and convert a case against the policy's gegevens (see the module contract)."""
    problems, typed = [], {}
    for key in data:
        if key != PEILDATUM and key not in model.fields:
            problems.append(Diagnostic("case", f"onbekend gegeven '{key}' in de casus",
                                       hint=suggest(str(key), model.fields) or "controleer de gegevens van het beleid"))
    for name, field in model.fields.items():
        t = field.type
        raw = data.get(name)
        if _says_unknown(raw, t):
            raw = None
        if raw is None:
            if complete:
                problems.append(Diagnostic("case", f"gegeven '{name}' ontbreekt in de casus (verwacht: {t})"))
            continue
        try:
            typed[name] = convert(raw, t)
        except CaseValueError as bad:
            problems.append(Diagnostic("case", f"gegeven '{name}': {bad}"))
    peil = None
    if data.get(PEILDATUM) is not None:
        try:
            peil = convert(data[PEILDATUM], T.DATUM)
        except CaseValueError as bad:
            problems.append(Diagnostic("case", f"peildatum: {bad}"))
    if problems:
        raise CaseError(problems, source)
    values = tuple(typed.get(name) for name in model.fields)
    missing = tuple(name for name in model.fields if name not in typed)
    return Case(values, peil, missing, typed)


def _says_unknown(raw, t: T.Type) -> bool:
    """`"onbekend"` leaves a fact unknown, like null (unless it is one of a keuze's options)."""
    return (isinstance(raw, str) and raw.strip().lower() == "onbekend"
            and not (t.kind == "keuze" and raw in t.options))


def _show(raw) -> str:
    if isinstance(raw, bool):
        return "ja" if raw else "nee"
    return repr(raw) if isinstance(raw, str) else str(raw)


def _decimal(raw, parse, what: str, example: str) -> Decimal:
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
        if raw.strip().lower() in NUMBER_WORDS:
            return Decimal(NUMBER_WORDS[raw.strip().lower()])
        try:
            return parse(raw.strip())
        except (LiteralError, InvalidOperation):
            raise CaseValueError(f"{_show(raw)} is geen {what}; verwacht bijvoorbeeld {example}") from None
    raise CaseValueError(f"{_show(raw)} is geen {what}; verwacht bijvoorbeeld {example}")


def convert(raw, t: T.Type):
    """One case value converted to the runtime representation of type `t`, or CaseValueError."""
    kind = t.kind
    if kind == "bedrag":
        return _decimal(raw, parse_money, "bedrag", "€ 120.000 of 120000")
    if kind == "percentage":
        return _decimal(raw, parse_percentage, "percentage", "33% of 33")
    if kind == "getal":
        return _decimal(raw, parse_number, "getal", "0,3 of 12")
    if kind == "aantal":
        value = _decimal(raw, parse_number, "aantal", "12")
        if value != value.to_integral_value():
            raise CaseValueError(f"{_show(raw)} is geen aantal; een aantal is een heel getal, zoals 12")
        if value < 0:
            raise CaseValueError(f"{_show(raw)} is geen aantal; een aantal is niet negatief")
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
        if not isinstance(raw, (list, tuple)):
            raise CaseValueError(f"{_show(raw)} is geen lijst; verwacht bijvoorbeeld [0.5, 0.8]")
        return tuple(convert(item, t.element) for item in raw)
    raise CaseValueError(f"type {t} wordt niet ondersteund")


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
            raise CaseValueError(f"{raw} is een tijdstip; verwacht een datum zonder tijd, zoals 2024-01-01")
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


def _literal_problem(raw, err: LiteralError, what: str) -> str:
    """`'x' <what>: <reason>` from a literal error, without repeating the text or the verdict."""
    reason = str(err)
    for prefix in (f"'{raw.strip()}' {what}: ", f"'{raw.strip()}' bestaat niet: ", f"'{raw.strip()}' "):
        if reason.startswith(prefix):
            reason = reason[len(prefix):]
            break
    return f"{_show(raw)} {what}: {reason}"


def _duration(raw, t: T.Type) -> int:
    base = t.unit
    declared = t.declared or base
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw * T.DURATION_FAMILY[declared][1]
    if isinstance(raw, str):
        parts = raw.split()
        if len(parts) == 2 and parts[1].lower() in UNIT_ALIASES:
            unit = UNIT_ALIASES[parts[1].lower()]
            family, factor = T.DURATION_FAMILY[unit]
            if family != base:
                raise CaseValueError(f"{_show(raw)} past niet: deze duur wordt geteld in {declared}")
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
