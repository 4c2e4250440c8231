"""Checks of `voorbeeld` blocks: known names, values that fit the gegevens, fitting statuses.

Contract: `check_examples(...)` appends a Diagnostic for every given that names no gegeven or
whose value does not fit its type, and for every expectation that names no rule or expects a
status the rule cannot have. It changes nothing else.
"""

from __future__ import annotations

from dsl import ast
from dsl import types as T
from dsl.errors import Diagnostic, suggest

STATUSES = {
    "eis": ("voldaan", "niet voldaan", "onbekend", "niet van toepassing"),
    "groep": ("voldaan", "niet voldaan", "onbekend", "niet van toepassing"),
    "termijn": ("gehaald", "niet gehaald", "nog niet verstreken", "onbekend", "niet van toepassing"),
    "beslissing": ("onbekend", "geen uitkomst", "meerdere regels", "niet van toepassing"),
    "berekening": ("onbekend", "niet van toepassing"),
}


def literal_problem(t: T.Type, value) -> str | None:
    """Why a written value does not fit type `t`, or None when it fits."""
    if isinstance(value, ast.UnknownLiteral):
        return None
    if t.kind == "lijst":
        if not isinstance(value, ast.ListLiteral):
            return f"verwacht een lijst zoals [0,5; 0,8] ({t})"
        return next(filter(None, (literal_problem(t.element, i) for i in value.items)), None)
    if not isinstance(value, ast.Literal):
        return f"verwacht een {t}"
    if value.value is None:
        return None  # reported by the parser
    kind = value.kind
    if t.kind == "keuze":
        if kind != "tekst":
            return f"verwacht een van de keuzes {', '.join(repr(o) for o in t.options)}"
        if value.value not in t.options:
            hint = suggest(value.value, t.options)
            return f'"{value.value}" is geen van de keuzes' + (f"; {hint}" if hint else "")
        return None
    if t.kind == "aantal":
        if kind == "getal" and value.value == value.value.to_integral_value():
            return None
        return "verwacht een aantal (een heel getal)"
    if t.kind == "duur":
        if kind == "duur" and T.duration(value.value[1]).unit == t.unit:
            return None
        return f"verwacht een {t}, zoals '3 weken'" if t.unit == "dagen" else f"verwacht een {t}"
    if t.kind == "tijdstip" and kind in ("tijdstip", "datum"):
        return None if kind == "tijdstip" else "verwacht een tijdstip met een tijd, zoals 1 januari 2024 17:00"
    if kind == t.kind:
        return None
    return f"verwacht een {t}, maar dit is een {kind}"


def check_examples(policy, fields, rules, types, problems) -> None:
    for example in policy.examples:
        seen = set()
        for given in example.givens:
            if given.name in seen:
                problems.append(Diagnostic("example", f"'{given.name}' wordt twee keer gegeven", given.span))
            seen.add(given.name)
            t = T.DATUM if given.name == "peildatum" else fields.get(given.name, (None, None))[1]
            if t is None:
                problems.append(Diagnostic("example", f"onbekend gegeven '{given.name}'", given.span,
                                           suggest(given.name, fields)))
                continue
            problem = literal_problem(t, given.value)
            if problem:
                problems.append(Diagnostic("example", f"'{given.name}': {problem}", given.value.span))
        for expect in example.expectations:
            _check_expectation(expect, rules, problems)


def _check_expectation(expect: ast.Expectation, rules, problems) -> None:
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
    elif rule.type is not None:
        problem = literal_problem(rule.type, expect.value)
        if problem and not (T.is_numeric(rule.type) and getattr(expect.value, "kind", "") == "getal"):
            problems.append(Diagnostic("example", f"'{expect.name}': {problem}", expect.value.span))
