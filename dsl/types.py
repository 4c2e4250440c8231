"""The type system of Beleidstaal: value types, duration families and the unit rules.

Contract: `Type` values are immutable; `arith_result(op, a, b)` and `comparable(a, b)` decide
which combinations make sense and return None where they do not, so the checker can report
a unit error. Durations belong to a family with one base unit in which their values are
counted at run time: days ("dagen", "weken"), calendar months ("maanden", "jaren"), seconds
("uren", "minuten", "seconden") and working days ("werkdagen"). Mixing families is an error:
91 dagen and 3 maanden are not comparable without a date to count from.
"""

from __future__ import annotations

from decimal import Decimal

import attrs

UNITS = ("dagen", "weken", "maanden", "jaren", "uren", "minuten", "seconden", "werkdagen")

# Every spelling of a unit a policy or case may use, to its canonical (plural) name.
UNIT_ALIASES: dict[str, str] = {
    **{unit: unit for unit in UNITS},
    "dag": "dagen", "week": "weken", "maand": "maanden", "kalendermaand": "maanden",
    "kalendermaanden": "maanden", "jaar": "jaren", "uur": "uren", "minuut": "minuten",
    "seconde": "seconden", "werkdag": "werkdagen",
}

DURATION_FAMILY = {
    "dagen": ("dagen", 1), "weken": ("dagen", 7),
    "maanden": ("maanden", 1), "jaren": ("maanden", 12),
    "uren": ("seconden", 3600), "minuten": ("seconden", 60), "seconden": ("seconden", 1),
    "werkdagen": ("werkdagen", 1),
}
NUMERIC = frozenset({"getal", "aantal"})
MOMENTS = frozenset({"datum", "tijdstip"})


@attrs.frozen
class Type:
    """A value type. `unit` is the duration family for "duur"; `options` the choices of a
    "keuze"; `element` the element type of a "lijst"; `bounds` a declared range (`limits`)."""

    kind: str
    unit: str | None = None
    options: tuple[str, ...] = ()
    element: Type | None = None
    declared: str | None = attrs.field(default=None, eq=False)  # a duur's unit as written
    # the values a case may give a number type (`van X tot en met Y`); None: the default range
    # (a bedrag not negative, a percentage 0–100). Not part of the type's identity.
    bounds: tuple[Decimal, Decimal] | None = attrs.field(default=None, eq=False)

    def __str__(self) -> str:
        if self.kind == "duur":
            return f"duur (in {self.unit})"
        if self.kind == "lijst":
            return f"lijst van {self.element}"
        if self.kind == "per jaar":
            return f"{self.element} per jaar"
        if self.kind == "per periode":
            return f"{self.element} per periode"
        return self.kind


def limits(t: Type) -> tuple[Decimal | None, Decimal | None]:
    """The lowest and highest value a case may give a gegeven of type `t` (None: no limit): its
    declared bounds, else the defaults: a bedrag is not negative, a percentage lies in 0–100, an
    aantal is not negative."""
    if t.bounds is not None:
        return t.bounds
    return _DEFAULT_LIMITS.get(t.kind, (None, None))


_DEFAULT_LIMITS: dict[str, tuple[Decimal | None, Decimal | None]] = {
    "bedrag": (Decimal(0), None), "percentage": (Decimal(0), Decimal(100)), "aantal": (Decimal(0), None)}


BEDRAG, PERCENTAGE, GETAL, AANTAL = Type("bedrag"), Type("percentage"), Type("getal"), Type("aantal")
JANEE, DATUM, TIJDSTIP, TEKST = Type("ja/nee"), Type("datum"), Type("tijdstip"), Type("tekst")
SIMPLE = {t.kind: t for t in (BEDRAG, PERCENTAGE, GETAL, AANTAL, JANEE, DATUM, TIJDSTIP, TEKST)}


def duration(unit: str) -> Type:
    """The duration type of a canonical unit ("weken"): counted in its family's base unit ("dagen")."""
    return Type("duur", unit=DURATION_FAMILY[unit][0], declared=unit)


def duration_count(amount: int, unit: str) -> int:
    """A duration written as (amount, unit) counted in its family's base unit.

    >>> duration_count(3, "weken"), duration_count(2, "jaren"), duration_count(1, "uren")
    (21, 24, 3600)
    """
    return amount * DURATION_FAMILY[UNIT_ALIASES[unit]][1]


def is_numeric(t: Type) -> bool:
    return t.kind in NUMERIC


def is_textual(t: Type) -> bool:
    return t.kind in ("tekst", "keuze")


def comparable(a: Type, b: Type) -> bool:
    """Whether `a` and `b` can be compared (ordering or equality)."""
    if is_numeric(a) and is_numeric(b):
        return True
    if a.kind in MOMENTS and b.kind in MOMENTS:
        return True
    if is_textual(a) and is_textual(b):
        return True
    if a.kind == "duur" and b.kind == "duur":
        return a.unit == b.unit
    return a.kind == b.kind and a.kind in ("bedrag", "percentage", "ja/nee")


def orderable(a: Type) -> bool:
    return a.kind not in ("ja/nee", "tekst", "keuze", "lijst")


def _numeric_result(a: Type, b: Type, op: str) -> Type:
    return AANTAL if a == AANTAL and b == AANTAL and op != "/" else GETAL


def arith_result(op: str, a: Type, b: Type) -> Type | None:
    """The type of `a op b`, or None when the units do not fit."""
    k = (a.kind, b.kind)
    if is_numeric(a) and is_numeric(b):
        return _numeric_result(a, b, op)
    if op in "+-":
        if a.kind == b.kind and a.kind in ("bedrag", "percentage"):
            return a
        if a.kind == b.kind == "duur" and a.unit == b.unit:
            return a
        if a.kind in MOMENTS and b.kind == "duur":
            return TIJDSTIP if b.unit == "seconden" else a
        if op == "-" and k == ("datum", "datum"):
            return duration("dagen")
        if op == "-" and a.kind in MOMENTS and b.kind in MOMENTS:
            return duration("seconden")
        return None
    if op == "*":
        if a.kind in ("bedrag", "percentage", "duur") and is_numeric(b):
            return a
        if is_numeric(a) and b.kind in ("bedrag", "percentage", "duur"):
            return b
        return None
    if op == "/":
        if a.kind in ("bedrag", "percentage") and is_numeric(b):
            return a
        if a.kind == b.kind and a.kind in ("bedrag", "percentage"):
            return GETAL
        return None
    return None
