"""Versions of a rule: when each declaration of one name is in force, and what is wrong with that.

Contract: `validity_dates(v)` reads a `geldig ...` clause as (first day, last day), either None
for an open end. `arrange(name, nodes)` takes every declaration of one rule name (each with its
own `geldig ...`, or one it got from its wijziging) and returns the declarations in time order
with the period each is in force, plus the problems: versions that overlap, a hole between two
versions, versions of a different kind or form. A version without an end ends the day before
the next version starts (an amendment replaces the rule from its date); the last one stays in
force, or until its own end. Messages are in Dutch and name the line and column of both versions.
"""

from __future__ import annotations

from datetime import date, timedelta

from dsl import ast
from dsl.errors import Diagnostic
from dsl.literals import MONTHS

Period = tuple[date | None, date | None]


def day_text(day: date) -> str:
    """`23 oktober 2023`."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def period_text(period: Period) -> str:
    """How a period reads: `vanaf 23 oktober 2023`, `tot en met 22 oktober 2023`,
    `van 1 januari 2024 tot en met 31 december 2024`, `altijd`."""
    start, end = period
    if start is not None and end is not None:
        return f"van {day_text(start)} tot en met {day_text(end)}"
    if start is not None:
        return f"vanaf {day_text(start)}"
    if end is not None:
        return f"tot en met {day_text(end)}"
    return "altijd"


def validity_dates(validity: ast.Validity | None) -> Period:
    """The first and last day of a `geldig ...` clause (None: open); a malformed date is open
    (the parser or `validity_problems` reports it)."""
    if validity is None:
        return None, None
    ends = []
    for literal in (validity.valid_from, validity.valid_until):
        value = literal.value if literal is not None else None
        ends.append(value if isinstance(value, date) and literal is not None and literal.kind == "datum" else None)
    return ends[0], ends[1]


def validity_problems(validity: ast.Validity) -> list[Diagnostic]:
    """A validity names dates (not date-times), the first not after the last."""
    found = []
    for literal in (validity.valid_from, validity.valid_until):
        if literal is not None and literal.kind != "datum":
            found.append(Diagnostic("geldigheid", f"een geldigheid noemt datums, geen tijdstip: '{literal.text}'",
                                    literal.span, "schrijf bijvoorbeeld 'geldig vanaf 1 januari 2024'"))
    start, end = validity_dates(validity)
    if start is not None and end is not None and start > end:
        found.append(Diagnostic("geldigheid", "de geldigheid begint na haar einde", validity.span,
                                "schrijf 'geldig van <begin> tot en met <einde>'"))
    return found


def _kind(node: ast.RuleNode) -> str:
    match node:
        case ast.Calculation(power=None):
            return "berekening"
        case ast.Calculation():
            return "bevoegdheid"
        case ast.Requirement():
            return "eis"
        case ast.Group():
            return "groep"
        case ast.Decision():
            return "beslissing"
        case ast.Timeline():
            return "termijn"
    raise TypeError(f"not a rule: {type(node).__name__}")


def _form(node: ast.RuleNode) -> tuple[str, str] | None:
    """What must be the same in every version besides the kind: (what, as written), or None."""
    match node:
        case ast.Timeline() if node.kind == "periode" and isinstance(node.args[0], ast.PeriodLength):
            period = node.args[0]   # its words decide the termijn's meaning: the same in every version
            return ("de vorm van de termijn", f"de periode van ... {'tot en met' if period.end_counted else 'tot'} "
                    f"... duurt {period.words or '(precies)'}")
        case ast.Timeline():
            return ("de vorm van de termijn", node.kind)
        case ast.Decision():
            return ("de hit policy", node.hit_policy)
        case ast.Requirement():
            return ("de sterkte (vereist, verwacht)", "vereist" if node.strength == "vereist" else "verwacht")
        case ast.Calculation() if node.power is not None:
            return ("de bevoegdheid", node.power)
    return None


def _at(node: ast.RuleNode) -> str:
    return f"regel {node.span.line}:{node.span.column}"


def arrange(name: str, nodes: list[ast.RuleNode]) -> tuple[list[ast.RuleNode], list[Period], list[Diagnostic]]:
    """The versions of `name` in time order, the period each is in force, and the problems."""
    problems = _sameness(name, nodes)
    ordered = sorted(nodes, key=lambda n: (validity_dates(n.meta.validity)[0] or date.min, n.span.line))
    periods: list[Period] = []
    for i, node in enumerate(ordered):
        start, end = validity_dates(node.meta.validity)
        following = ordered[i + 1] if i + 1 < len(ordered) else None
        next_start = validity_dates(following.meta.validity)[0] if following is not None else None
        if following is not None:
            if next_start is None or (start is not None and next_start <= start):
                problems.append(_overlap(name, node, following, "beginnen allebei " + (
                    f"op {day_text(next_start)}" if next_start is not None else "zonder begindatum")))
            elif end is None:
                end = next_start - timedelta(days=1)   # the amendment replaces this version from its date
            elif end >= next_start:
                problems.append(_overlap(name, node, following, f"de eerste geldt tot en met {day_text(end)}, "
                                         f"de volgende al vanaf {day_text(next_start)}"))
            elif end + timedelta(days=1) < next_start:
                problems.append(Diagnostic(
                    "versie", f"tussen de versies van '{name}' zit een gat: de versie op {_at(node)} geldt tot en "
                    f"met {day_text(end)}, die op {_at(following)} pas vanaf {day_text(next_start)}",
                    following.span, "laat de volgende versie beginnen op de dag na het einde van de vorige"))
        periods.append((start, end))
    return ordered, periods, problems


def _overlap(name: str, first: ast.RuleNode, second: ast.RuleNode, why: str) -> Diagnostic:
    return Diagnostic("versie", f"de versies van '{name}' op {_at(first)} en {_at(second)} overlappen in de tijd: "
                      f"{why}", second.span,
                      "geef elke versie een eigen periode: 'geldig vanaf ...' of 'geldig tot en met ...'")


def _sameness(name: str, nodes: list[ast.RuleNode]) -> list[Diagnostic]:
    """Every version of a rule is of the same kind and form as the first one written."""
    first, found = nodes[0], []
    for node in nodes[1:]:
        if _kind(node) != _kind(first):
            found.append(Diagnostic(
                "versie", f"'{name}' op {_at(node)} is een {_kind(node)}, de versie op {_at(first)} een "
                f"{_kind(first)}: de versies van één regel zijn van dezelfde soort", node.span,
                "geef een andere regel een eigen naam"))
            continue
        form, other = _form(first), _form(node)
        if form is not None and other is not None and form[1] != other[1]:
            found.append(Diagnostic(
                "versie", f"de versies van '{name}' verschillen in {form[0]}: '{other[1]}' op {_at(node)}, "
                f"'{form[1]}' op {_at(first)}", node.span, "een nieuwe versie verandert de inhoud, niet de vorm"))
        if isinstance(first, ast.Decision) and isinstance(node, ast.Decision) \
                and (first.otherwise is None) != (node.otherwise is None):
            found.append(Diagnostic(
                "versie", f"de versies van beslissing '{name}' op {_at(first)} en {_at(node)} hebben niet allebei "
                "een 'anders'", node.span, "geef elke versie een 'anders', of geen enkele"))
    return found
