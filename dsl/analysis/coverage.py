"""Coverage of a policy by its voorbeelden: which parts the examples exercise, which never.

Contract: `coverage(policy)` evaluates every voorbeeld with a trace and returns a
`CoverageReport` with one `CoverageItem` per part:
  eis          evaluated to voldaan or niet voldaan by some voorbeeld (not only n.v.t./onbekend)
  rij          a decision row (and `anders`) chosen by some voorbeeld
  uitzondering an exception whose condition was true in some voorbeeld
  tak          each condition (comparison, en/of, niet, voldoet aan, a ja/nee gegeven) seen
               both true and false — one item per side
  termijn      evaluated to gehaald or niet gehaald;  berekening  computed to a value
Values come from the typed evaluation trace (`outcome.trace`, whose steps name core nodes); a
ja/nee gegeven used as a condition is read from the case, since the trace does not record inputs.
`voldoet niet aan X` is one condition (the negation and the reference share their place in the
text). A condition behind a short-circuit (`en` after a false part) is not evaluated and so not
hit; a bare ja/nee gegeven counts as seen with its case value even when a short-circuit skipped it.
"""

from __future__ import annotations

from typing import Any, assert_never

import attrs

from dsl.analysis.thresholds import own_gate
from dsl.core import expr as E
from dsl.core.model import Calculation, Decision, Group, Requirement, Rule, RuleKind, Status, Timeline
from dsl.examples import example_case
from dsl.span import Span, text_at

__all__ = ["CoverageItem", "CoverageReport", "coverage"]

# The conditions a `tak` item is made for (besides a ja/nee gegeven and `voldoet aan`).
_BRANCHES = (E.Compare, E.Member, E.Between, E.Weekly, E.And, E.Or, E.Not, E.Each)
# A reference to one of these is `voldoet aan X`: the verdict of another rule.
_VERDICTS = (RuleKind.REQUIREMENT, RuleKind.GROUP, RuleKind.TIMELINE)


@attrs.frozen
class CoverageItem:
    kind: str
    rule: str
    label: str
    span: Span | None
    hit: bool


@attrs.frozen
class CoverageReport:
    title: str
    filename: str
    items: tuple
    examples: int

    def counts(self) -> tuple[int, int]:
        return sum(1 for i in self.items if i.hit), len(self.items)

    def missed(self) -> list[CoverageItem]:
        return [i for i in self.items if not i.hit]


def snippet(text: str, span) -> str:
    """The policy text of a span, on one line ("?" when there is none)."""
    return text_at(text, span) or "?"


class _Seen:
    """Values each traced node took, over all voorbeelden."""

    def __init__(self, policy: Any):
        self.policy = policy
        self.values: dict[int, set] = {}
        self.outcomes: list = []

    def add(self, outcome) -> None:
        self.outcomes.append(outcome)
        trace = outcome.trace
        steps = trace.steps
        for i, value in trace:
            self.values.setdefault(id(steps[i].node), set()).add(_hashable(value))

    def of(self, node: E.Expr) -> set:
        if isinstance(node, E.Input):
            return {o.case.data.get(node.name) for o in self.outcomes}
        return self.values.get(id(node), set())

    def statuses(self, name: str) -> set:
        return {o.status(name) for o in self.outcomes}


def _hashable(value):
    try:
        hash(value)
        return value
    except TypeError:
        return repr(value)


def coverage(policy) -> CoverageReport:
    """Run the voorbeelden with a trace and list what they reach (see the module docstring)."""
    seen = _Seen(policy)
    model = policy.model
    for example in model.examples:
        seen.add(policy.evaluate(example_case(policy, example), trace=True))
    items: list = []
    for rule in model.rules.values():
        items += _items(policy, rule, seen)
    return CoverageReport(model.title, model.filename, tuple(items), len(model.examples))


def _items(policy, rule: Rule, seen: _Seen) -> list[CoverageItem]:
    match rule:
        case Requirement():
            return _requirement(policy, rule, seen)
        case Group():
            return _group(policy, rule, seen)
        case Decision():
            return _decision(policy, rule, seen)
        case Timeline():
            return _timeline(rule, seen)
        case Calculation():
            return _calculation(rule, seen)
        case _:
            assert_never(rule)


def _is_branch(policy, node: E.Expr) -> bool:
    match node:
        case E.Input():
            return node.type.kind == "ja/nee"
        case E.RuleRef():
            return policy.model.rules[node.name].kind in _VERDICTS
    return isinstance(node, _BRANCHES)


def _inside(node: E.Expr) -> list[E.Expr]:
    """The conditions inside a condition whose own branches count: the items of en/of, the
    operand of niet (not of `voldoet niet aan X`, which is one phrase)."""
    match node:
        case E.And() | E.Or():
            return list(node.items)
        case E.Not() if node.operand.span != node.span:
            return [node.operand]
    return []


def _branches(policy, rule: Rule, expr: E.Expr, seen: _Seen) -> list[CoverageItem]:
    text, out = policy.model.text, []
    stack = [expr]
    while stack:
        node = stack.pop()
        if _is_branch(policy, node):
            values = seen.of(node)
            for side, word in ((True, "waar"), (False, "onwaar")):
                out.append(CoverageItem("tak", rule.name, f"'{snippet(text, node.span)}' {word}", node.span,
                                        side in values))
        stack.extend(reversed(_inside(node)))
    return out


def _reached(seen: _Seen, name: str, statuses: tuple[Status, ...]) -> bool:
    return bool(seen.statuses(name) & set(statuses))


def _requirement(policy, rule: Requirement, seen: _Seen) -> list[CoverageItem]:
    text = policy.model.text
    hit = _reached(seen, rule.name, (Status.VOLDAAN, Status.NIET_VOLDAAN))
    items = [CoverageItem("eis", rule.name, _title(rule), rule.span, hit)]
    for exc in rule.exceptions:
        items.append(CoverageItem("uitzondering", rule.name, f"{exc.words} {snippet(text, exc.condition.span)}",
                                  exc.span, True in seen.of(exc.condition)))
    for expr in (own_gate(rule), rule.condition, *[e.condition for e in rule.exceptions]):
        if expr is not None:
            items += _branches(policy, rule, expr, seen)
    return items


def _group(policy, rule: Group, seen: _Seen) -> list[CoverageItem]:
    hit = _reached(seen, rule.name, (Status.VOLDAAN, Status.NIET_VOLDAAN))
    items = [CoverageItem("groep", rule.name, _title(rule), rule.span, hit)]
    gate = own_gate(rule)
    if gate is not None:
        items += _branches(policy, rule, gate, seen)
    return items


def _decision(policy, rule: Decision, seen: _Seen) -> list[CoverageItem]:
    text = policy.model.text
    chosen = {o[rule.name].row for o in seen.outcomes}
    items = [CoverageItem("rij", rule.name, f"rij {i + 1}: dan {snippet(text, row.outcome.span)}", row.span,
                          i in chosen) for i, row in enumerate(rule.rows)]
    if rule.otherwise is not None:
        items.append(CoverageItem("rij", rule.name, f"anders {snippet(text, rule.otherwise.outcome.span)}",
                                  rule.otherwise.span, len(rule.rows) in chosen))
    for row in rule.rows:
        if row.condition is not None:
            items += _branches(policy, rule, row.condition, seen)
    return items


def _timeline(rule: Timeline, seen: _Seen) -> list[CoverageItem]:
    hit = _reached(seen, rule.name, (Status.GEHAALD, Status.NIET_GEHAALD))
    return [CoverageItem("termijn", rule.name, _title(rule), rule.span, hit)]


def _calculation(rule: Calculation, seen: _Seen) -> list[CoverageItem]:
    hit = any(o.value(rule.name) is not None for o in seen.outcomes)
    return [CoverageItem("berekening", rule.name, rule.title or rule.name, rule.span, hit)]


def _title(rule: Rule) -> str:
    """The title of an eis, groep or termijn (the grammar requires one)."""
    return rule.title or rule.name

