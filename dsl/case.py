"""Case loading: a dict, JSON or YAML file -> the typed input tuple a compiled policy takes.

Contract: `load_case(model, data)` returns a `Case` whose `values` follow the order of the
policy's gegevens, each converted to its runtime type (Decimal for bedrag, percentage and
getal; int for aantal and for durations, counted in the base unit of their family; date,
datetime, bool, str, tuple). A fact that is absent or `null` is unknown (None) and listed in
`missing`; with `complete=True` an absent fact is refused instead. An unknown field, a value
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
from dsl.errors import CaseError, Diagnostic, os_problem, suggest
from dsl.literals import (
    LiteralError,
    parse_bool,
    parse_date,
    parse_datetime,
    parse_money,
    parse_number,
    parse_percentage,
)
from dsl.runtime.calendar import UNIT_ALIASES

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
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise CaseError([Diagnostic("case", f"kan het casusbestand niet lezen: {os_problem(err)}")],
                        str(path)) from None
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
    for name, (field, t) in model.fields.items():
        raw = data.get(name)
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


def _show(raw) -> str:
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
                raise CaseValueError(f"{_show(raw)} is geen geldige datum: {err}") from None
        try:
            return parse_datetime(text)
        except LiteralError as err:
            raise CaseValueError(f"{_show(raw)} is geen geldig tijdstip: {err}") from None
    example = "2024-01-01" if kind == "datum" else "2023-12-22 17:00"
    raise CaseValueError(f"{_show(raw)} is geen {kind}; verwacht bijvoorbeeld {example}")


def _duration(raw, t: T.Type) -> int:
    base = t.unit
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw * T.DURATION_FAMILY[t.declared or base][1]
    if isinstance(raw, str):
        parts = raw.split()
        if len(parts) == 2 and parts[1].lower() in UNIT_ALIASES:
            unit = UNIT_ALIASES[parts[1].lower()]
            family, factor = T.DURATION_FAMILY[unit]
            if family != base:
                raise CaseValueError(f"{_show(raw)} past niet: deze duur wordt geteld in {base}")
            try:
                amount = parse_number(parts[0])
            except LiteralError:
                amount = None
            if amount is not None and amount == amount.to_integral_value():
                return int(amount) * factor
    raise CaseValueError(f"{_show(raw)} is geen duur; verwacht een heel aantal {base} of bijvoorbeeld '3 weken'")


def _text(raw, t: T.Type) -> str:
    if not isinstance(raw, str):
        raise CaseValueError(f"{_show(raw)} is geen tekst")
    if t.kind == "keuze" and raw not in t.options:
        options = ", ".join(f'"{o}"' for o in t.options)
        hint = suggest(raw, t.options)
        raise CaseValueError(f"{_show(raw)} is geen van de keuzes {options}" + (f"; {hint}" if hint else ""))
    return raw
