"""Checks of `voorbeeld` blocks: known names, values that fit the gegevens, fitting statuses.

Contract: `check_examples(...)` appends a Diagnostic for every given that names no gegeven or
whose value does not fit its type, and for every expectation that names no rule or expects a
status the rule cannot have. It changes nothing else.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from dsl import ast
from dsl import types as T
from dsl.errors import Diagnostic, suggest

if TYPE_CHECKING:  # the checker imports this module; its Rule is needed for annotations only
    from dsl.checker import Rule

# The statuses a voorbeeld may expect of each kind of rule: the core model's `STATUSES` without
# "bepaald" (a voorbeeld expects a value instead); tests/test_core.py checks that they agree.
STATUSES: dict[str, tuple[str, ...]] = {
    "eis": ("voldaan", "niet voldaan", "onbekend", "niet van toepassing"),
    "groep": ("voldaan", "niet voldaan", "onbekend", "niet van toepassing"),
    "termijn": ("gehaald", "niet gehaald", "verstreken zonder datum", "nog niet verstreken", "onbekend",
                "niet van toepassing"),
    "beslissing": ("onbekend", "geen uitkomst", "meerdere regels", "niet van toepassing"),
    "berekening": ("onbekend", "niet van toepassing"),
}


def literal_problem(t: T.Type, value: ast.Value) -> str | None:
    """Why a written value does not fit type `t`, or None when it fits."""
    if isinstance(value, ast.UnknownLiteral):
        return None
    if t.kind == "lijst" and t.element is not None:
        if not isinstance(value, ast.ListLiteral):
            return f"verwacht een lijst zoals [0,5; 0,8] ({t})"
        element = t.element
        return next(filter(None, (literal_problem(element, i) for i in value.items)), None)
    if t.kind == "per jaar" and t.element is not None:
        if not isinstance(value, ast.HistoryLiteral):
            return f"verwacht een waarde per jaar zoals [2022: ...; 2023: ...] ({t})"
        element = t.element
        return next((f"jaar {year}: {problem}" for year, item in value.entries
                     if (problem := literal_problem(element, item)) is not None), None)
    if isinstance(value, ast.HistoryLiteral):
        return f"verwacht een {t}, geen waarde per jaar"
    if t.kind == "per periode" and t.element is not None:   # a plain value holds on every day
        element = t.element
        if not isinstance(value, ast.PeriodHistoryLiteral):
            return literal_problem(element, value)
        return next((f"vanaf {day.text}: {problem}" for day, item in value.entries
                     if (problem := literal_problem(element, item)) is not None), None)
    if isinstance(value, ast.PeriodHistoryLiteral):
        return (f"verwacht een {t}, geen waarde per periode; alleen een gegeven '... per periode' heeft "
                "een waarde per periode")
    if not isinstance(value, ast.Literal):
        return f"verwacht een {t}"
    if value.value is None:
        return None  # reported by the parser
    kind, written = value.kind, value.value
    if t.kind == "keuze":
        if kind != "tekst" or not isinstance(written, str):
            return f"verwacht een van de keuzes {', '.join(repr(o) for o in t.options)}"
        if written not in t.options:
            hint = suggest(written, t.options)
            return f'"{written}" is geen van de keuzes' + (f"; {hint}" if hint else "")
        return None
    if t.kind == "aantal":
        if kind == "getal" and isinstance(written, Decimal) and written == written.to_integral_value():
            return None
        return "verwacht een aantal (een heel getal)"
    if t.kind == "duur":
        if kind == "duur" and isinstance(written, tuple) and T.duration(written[1]).unit == t.unit:
            return None
        return f"verwacht een {t}, zoals '3 weken'" if t.unit == "dagen" else f"verwacht een {t}"
    if t.kind == "tijdstip" and kind in ("tijdstip", "datum"):
        return None if kind == "tijdstip" else "verwacht een tijdstip met een tijd, zoals 1 januari 2024 17:00"
    if kind == t.kind:
        return None
    return f"verwacht een {t}, maar dit is een {kind}"


def check_examples(policy: ast.Policy, fields: dict[str, tuple[ast.Field, T.Type]], rules: dict[str, Rule],
                   problems: list[Diagnostic]) -> None:
    """Append a Diagnostic to `problems` for every given and expectation of a voorbeeld that does
    not fit the policy's gegevens (`fields`, name -> (declaration, type)) and `rules`."""
    for example in policy.examples:
        seen: set[str] = set()
        for given in example.givens:
            if given.name in seen:
                problems.append(Diagnostic("example", f"'{given.name}' wordt twee keer gegeven", given.span))
            seen.add(given.name)
            field = fields.get(given.name)
            t = T.DATUM if given.name == "peildatum" else field[1] if field else None
            if t is None:
                problems.append(Diagnostic("example", f"onbekend gegeven '{given.name}'", given.span,
                                           suggest(given.name, fields)))
                continue
            problem = literal_problem(t, given.value)
            if problem:
                problems.append(Diagnostic("example", f"'{given.name}': {problem}", given.value.span))
        for expect in example.expectations:
            _check_expectation(expect, rules, problems)


def _check_expectation(expect: ast.Expectation, rules: dict[str, Rule], problems: list[Diagnostic]) -> None:
    rule = rules.get(expect.name)
    if rule is None:
        problems.append(Diagnostic("example", f"onbekende regel '{expect.name}' na 'verwacht'", expect.span,
                                   suggest(expect.name, rules)))
        return
    allowed = STATUSES[rule.kind]
    if expect.status is not None:
        if expect.status not in allowed:
            problems.append(Diagnostic(
                "example", f"een {rule.kind} kan niet '{expect.status}' zijn", expect.span,
                "mogelijk: " + ", ".join(allowed) + (" of een waarde" if rule.kind in ("beslissing", "berekening") else "")))
        return
    if rule.kind not in ("beslissing", "berekening"):
        problems.append(Diagnostic("example", f"verwacht voor een {rule.kind} een uitkomst: " + ", ".join(allowed),
                                   expect.span))
    elif rule.type is not None and expect.value is not None:  # without a status the parser gives a value
        problem = literal_problem(rule.type, expect.value)
        if problem and not (T.is_numeric(rule.type) and getattr(expect.value, "kind", "") == "getal"):
            problems.append(Diagnostic("example", f"'{expect.name}': {problem}", expect.value.span))
