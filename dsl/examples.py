"""Running `voorbeeld` blocks: each example's givens as a case, its expectations as checks.

Contract: `run_examples(policy)` evaluates every voorbeeld of a compiled policy and returns one
`ExampleResult` per voorbeeld, with every expectation that did not come out as written
(name, expected, actual, span). Givens were type-checked by the checker; facts a voorbeeld
does not give are unknown, exactly as in a case file.
"""

from __future__ import annotations

import attrs

from dsl import ast
from dsl.case import Case
from dsl.compiler.generator import duration_count
from dsl.runtime.formatting import format_duration_count
from dsl.runtime.formatting import format_value


@attrs.frozen
class Mismatch:
    name: str
    expected: str
    actual: str
    span: ast.Span


@attrs.frozen
class ExampleResult:
    title: str
    span: ast.Span
    mismatches: tuple
    outcome: object = attrs.field(eq=False, repr=False)

    @property
    def passed(self) -> bool:
        return not self.mismatches


def literal_value(node):
    """The runtime value of a literal written in a voorbeeld."""
    if isinstance(node, ast.UnknownLiteral):
        return None
    if isinstance(node, ast.ListLiteral):
        return tuple(literal_value(i) for i in node.items)
    if node.kind == "duur":
        return duration_count(node.value)
    return node.value


def example_case(policy, example: ast.Example) -> Case:
    given = {g.name: literal_value(g.value) for g in example.givens}
    peil = given.pop("peildatum", None)
    fields = policy.model.fields
    values = tuple(_as_field(given.get(name), fields[name][1]) for name in fields)
    missing = tuple(name for name, v in zip(fields, values) if v is None)
    return Case(values, peil, missing, {k: v for k, v in zip(fields, values) if v is not None})


def _as_field(value, t):
    if value is None:
        return None
    if t.kind == "aantal":
        return int(value)
    if t.kind == "lijst" and t.element.kind == "aantal":
        return tuple(int(v) for v in value)
    return value


def run_examples(policy) -> list[ExampleResult]:
    results = []
    for example in policy.model.policy.examples:
        outcome = policy.evaluate(example_case(policy, example))
        mismatches = tuple(m for m in (_check(policy, outcome, e) for e in example.expectations) if m)
        results.append(ExampleResult(example.title, example.span, mismatches, outcome))
    return results


def _check(policy, outcome, expect: ast.Expectation) -> Mismatch | None:
    result = outcome[expect.name]
    if expect.status is not None:
        if result.status != expect.status:
            return Mismatch(expect.name, expect.status, _actual(policy, result), expect.span)
        return None
    wanted = literal_value(expect.value)
    if result.value != wanted or result.value is None:
        return Mismatch(expect.name, expect.value.text, _actual(policy, result), expect.span)
    return None


def _actual(policy, result) -> str:
    if result.kind in ("eis", "groep", "termijn") or result.value is None:
        return result.status
    t = policy.model.rules[result.name].type
    if t is not None and t.kind == "duur":
        return format_duration_count(result.value, t)
    if t is not None and t.kind in ("tekst", "keuze"):
        return f'"{result.value}"'
    return format_value(result.value, t.kind) if t is not None else str(result.value)
