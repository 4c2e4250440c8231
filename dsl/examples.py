"""Running `voorbeeld` blocks: each example's givens as a case, its expectations as checks.

Contract: `run_examples(policy)` evaluates every voorbeeld of a compiled policy and returns one
`ExampleResult` per voorbeeld, with every expectation that did not come out as written
(name, expected, actual, span). Givens were type-checked by the checker and converted by the
lowering; facts a voorbeeld does not give are unknown, exactly as in a case file.
"""

from __future__ import annotations

import attrs

from dsl.case import Case
from dsl.core.model import Example, Expectation, RuleKind
from dsl.span import Span


@attrs.frozen
class Mismatch:
    name: str
    expected: str
    actual: str
    span: Span


@attrs.frozen
class ExampleResult:
    title: str
    span: Span
    mismatches: tuple
    outcome: object = attrs.field(eq=False, repr=False)

    @property
    def passed(self) -> bool:
        return not self.mismatches


def example_case(policy, example: Example) -> Case:
    """The case a voorbeeld describes."""
    fields = policy.model.fields
    values = tuple(example.givens.get(name) for name in fields)
    missing = tuple(name for name, v in zip(fields, values) if v is None)
    return Case(values, example.peil, missing, {k: v for k, v in zip(fields, values) if v is not None})


def run_examples(policy) -> list[ExampleResult]:
    results = []
    for example in policy.model.examples:
        outcome = policy.evaluate(example_case(policy, example))
        mismatches = tuple(m for m in (_check(policy, outcome, e) for e in example.expectations) if m)
        results.append(ExampleResult(example.title, example.span, mismatches, outcome))
    return results


def _check(policy, outcome, expect: Expectation) -> Mismatch | None:
    result = outcome[expect.name]
    if expect.status is not None:
        if result.status != expect.status:
            return Mismatch(expect.name, expect.text, _actual(policy, result), expect.span)
        return None
    if result.value != expect.value or result.value is None:
        return Mismatch(expect.name, expect.text, _actual(policy, result), expect.span)
    return None


def _actual(policy, result) -> str:
    if result.kind in (RuleKind.REQUIREMENT, RuleKind.GROUP, RuleKind.TIMELINE) or result.value is None:
        return str(result.status)
    t = policy.model.rules[result.name].type
    if t is not None and t.kind in ("tekst", "keuze"):
        return f'"{result.value}"'
    return policy.format(result.name, result.value)
