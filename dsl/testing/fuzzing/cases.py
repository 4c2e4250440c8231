"""Cases for a policy: values from its voorbeelden and the shipped cases mixed with boundary and
extreme values (thresholds and their neighbours, 10^26, 0.41 as a percentage, the year 9999...)."""

from __future__ import annotations

import functools
import random
from datetime import date, datetime
from decimal import Decimal

import attrs

from dsl.errors import BeleidError
from dsl.testing.fuzzing.records import POLICIES

# ---------------------------------------------------------------- cases
_EXTREMES: dict[str, list] = {
    "bedrag": [0, -1, "€ -5", 10**26, "€ 123.456.789.012.345.678.901.234.567.890,12", "1E+41", "1e-999999", 1.5,
               "€ 1,500.5", "€ 2\u00a0500", "nan", True, Decimal("0.005"), "€ 250.000", "€ 249.999,99"],
    "percentage": [0.41, "41%", 0, 100, "100,0001%", "-1%", 1e308, "0,41%", 33, Decimal("33"), "33"],
    "aantal": [0, -1, 10**30, 2**63, "tien", "1,5", True, 1.0, "3"],
    "getal": ["0,0001", "1e400", -1e-300, "1.5", 0, Decimal("-0"), "1.300,5", 10**40],
    "ja/nee": [True, False, "ja", "nee", "misschien", 1, "Ja"],
    "datum": ["9999-12-31", "0001-01-01", "2150-01-01", "1965-12-31", "31-02-2024", "29 februari 2023",
              "2024-02-29", 20240101, date(9999, 12, 31), "2024-01-01T10:00", "27 april 2025"],
    "tijdstip": ["9999-12-31 23:59", "2024-01-01 24:00", "2024-03-31 02:30", "2024-01-01T10:00+02:00",
                 datetime(9999, 12, 31, 23, 59), "2024-01-01", "0001-01-01 00:00"],
    "duur": [0, -1, 10**8, 10**20, "3 dagen", "2 werkweken", "10 werkdagen", "6 maanden", "48 uur", 1.5],
    "keuze": ["", "A", None],
    "tekst": ["", "x" * 10_000, "\x00", "€ 5"],
    "lijst": [[], [[1]], {"a": 1}, "1; 2", [None]],
}
_PEILDATA = ["2024-01-01", "9999-12-31", "0001-01-01", "2150-06-01", "2023-12-15", None, "morgen"]


def make_case(policy, rng: random.Random) -> dict:
    """A case for a compiled policy: per gegeven (four in five are given) a value from its
    voorbeelden or a shipped case, a threshold of the policy or its neighbour, a plain value, or
    an extreme or ill-typed one (`_EXTREMES`: in one case in four for many gegevens, else for
    few); sometimes a peildatum, an unknown name or "onbekend"."""
    from dsl.case import written

    model = policy.model
    given: dict[str, list] = {}
    for example in model.examples:
        for name, value in example.givens.items():
            given.setdefault(name, []).append(written(value, model.fields[name].type))
    thresholds = _thresholds(model)
    wild = 0.4 if rng.random() < 0.25 else 0.05
    case: dict = {}
    for name, field in model.fields.items():
        if rng.random() < 0.2:
            continue
        known = given.get(name, []) + _shipped_values().get(name, [])
        case[name] = _value_for(field.type, known, thresholds, rng, wild)
    if rng.random() < 0.5:
        case["peildatum"] = rng.choice(_PEILDATA)
    if rng.random() < 0.03:
        case[rng.choice(["onbekend_gegeven", "Omzet", "peil datum"])] = 1
    return case


_PLAIN = {"bedrag": "€ 100.000", "percentage": "33%", "aantal": 3, "getal": "1,5", "ja/nee": True,
          "datum": "2024-03-01", "tijdstip": "2024-03-01 10:00", "tekst": "x"}


def _value_for(t, known: list, thresholds: dict, rng: random.Random, wild: float):
    """One value of type `t`: extreme with chance `wild`, else known, a threshold, plain or unknown."""
    if rng.random() < wild:
        return rng.choice(_EXTREMES.get(t.kind, [None]))
    roll = rng.random()
    if roll < 0.4 and known:
        return rng.choice(known)
    if roll < 0.7 and thresholds.get(t.kind):
        value = rng.choice(thresholds[t.kind])
        return _near(value, rng) if isinstance(value, Decimal) else value
    if roll < 0.9:
        if t.kind == "keuze" and t.options:
            return rng.choice(t.options)
        if t.kind == "lijst" and t.element is not None:
            return [_value_for(t.element, [], thresholds, rng, wild) for _ in range(rng.choice([0, 1, 2, 5]))]
        if t.kind == "duur":
            return f"{rng.choice([0, 1, 3, 91])} {t.unit}"
        return _PLAIN.get(t.kind)
    return rng.choice([None, "onbekend"])


def _near(value: Decimal, rng: random.Random):
    step = rng.choice([Decimal(0), Decimal("0.01"), Decimal("-0.01"), Decimal(1), Decimal(-1)])
    return value + step


def _thresholds(model) -> dict[str, list]:
    """The constants of the policy's rules by the kind of their type (the places where outcomes turn)."""
    from dsl.core import expr as E

    found: dict[str, list] = {}
    for rule in model.rules.values():
        for root in _roots(rule):
            for node in E.walk(root):
                if isinstance(node, E.Const) and node.type is not None and node.value is not None:
                    found.setdefault(node.type.kind, []).append(node.value)
    return found


def _roots(rule) -> list:
    """The expressions a rule holds, whatever its kind (attributes that are core expressions)."""
    from dsl.core import expr as E

    roots: list = []
    for gate in getattr(rule, "gates", ()):
        roots.append(gate.condition)
    for value in attrs.asdict(rule, recurse=False).values():
        items = value if isinstance(value, tuple) else (value,)
        for item in items:
            if isinstance(item, E.EXPR_CLASSES):
                roots.append(item)
            elif attrs.has(type(item)):
                roots += [v for v in attrs.asdict(item, recurse=False).values() if isinstance(v, E.EXPR_CLASSES)]
    return roots


@functools.cache
def _shipped_values() -> dict[str, list]:
    """The values of the shipped cases (policies/casussen/*) by gegeven name."""
    from dsl.case import read_case_file

    values: dict[str, list] = {}
    for path in sorted((POLICIES / "casussen").glob("*")):
        try:
            data = read_case_file(path)
        except BeleidError:
            continue
        for name, value in data.items():
            values.setdefault(name, []).append(value)
    return values
