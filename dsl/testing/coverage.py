"""Coverage of a policy by its voorbeelden: which parts the examples exercise, which never.

Contract: `coverage(policy)` evaluates every voorbeeld with a trace and returns a
`CoverageReport` with one `CoverageItem` per part:
  eis          evaluated to voldaan or niet voldaan by some voorbeeld (not only n.v.t./onbekend)
  rij          a decision row (and `anders`) chosen by some voorbeeld
  uitzondering an exception whose condition was true in some voorbeeld
  tak          each condition (comparison, en/of, niet, voldoet aan, a ja/nee gegeven) seen
               both true and false — one item per side
  termijn      evaluated to gehaald or niet gehaald;  berekening  computed to a value
Values come from the evaluation trace (`outcome.trace`, `policy.compiled.nodes`); a ja/nee
gegeven used as a condition is read from the case, since the trace does not record inputs.
A condition behind a short-circuit (`en` after a false part) is not evaluated and so not hit;
a bare ja/nee gegeven counts as seen with its case value even when a short-circuit skipped it.
"""

from __future__ import annotations

import attrs

from dsl import ast
from dsl.examples import example_case
from dsl.runtime import values as rtv

__all__ = ["CoverageItem", "CoverageReport", "coverage"]

_BRANCHES = (ast.Compare, ast.Member, ast.Between, ast.Weekly, ast.BoolOp, ast.Not, ast.Satisfies, ast.Each)


@attrs.frozen
class CoverageItem:
    kind: str
    rule: str
    label: str
    span: ast.Span | None
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
    """The policy text of a span, on one line."""
    lines = text.splitlines()
    if not span or not span.line or span.line > len(lines):
        return "?"
    if span.line == span.end_line:
        part = lines[span.line - 1][span.column - 1:span.end_column]
    else:
        part = " ".join([lines[span.line - 1][span.column - 1:], *lines[span.line:span.end_line - 1],
                         lines[span.end_line - 1][:span.end_column]])
    return " ".join(part.split())


class _Seen:
    """Values each traced node took, over all voorbeelden."""

    def __init__(self, policy):
        self.policy, self.values, self.outcomes = policy, {}, []

    def add(self, outcome):
        nodes = self.policy.compiled.nodes
        self.outcomes.append(outcome)
        for i, value in outcome.trace or ():
            self.values.setdefault(id(nodes[i]), set()).add(_hashable(value))

    def of(self, node) -> set:
        if isinstance(node, ast.Name) and node.name in self.policy.model.fields:
            return {o.case.data.get(node.name) for o in self.outcomes}
        return self.values.get(id(node), set())


def _hashable(value):
    try:
        hash(value)
        return value
    except TypeError:
        return repr(value)


def coverage(policy) -> CoverageReport:
    """Run the voorbeelden with a trace and list what they reach (see the module docstring)."""
    seen = _Seen(policy)
    for example in policy.model.policy.examples:
        seen.add(policy.evaluate(example_case(policy, example), trace=True))
    items: list = []
    for rule in policy.model.rules.values():
        items += _ITEMS[rule.kind](policy, rule, seen)
    model = policy.model
    return CoverageReport(model.policy.header.title, model.policy.filename, tuple(items),
                          len(model.policy.examples))


def _statuses(seen, name) -> set:
    return {o[name].status for o in seen.outcomes}


def _branches(policy, rule, expr, seen) -> list:
    text, out = policy.model.policy.text, []
    stack = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, _BRANCHES) or (isinstance(node, ast.Name) and node.name in policy.model.fields
                                            and policy.model.fields[node.name][1].kind == "ja/nee"):
            values = seen.of(node)
            for side, word in ((True, "waar"), (False, "onwaar")):
                out.append(CoverageItem("tak", rule.name, f"'{snippet(text, node.span)}' {word}", node.span,
                                        side in values))
        if isinstance(node, (ast.BoolOp, ast.Not)):
            stack.extend(reversed(node.items) if isinstance(node, ast.BoolOp) else [node.operand])
    return out


def _requirement(policy, rule, seen):
    node = rule.node
    hit = bool(_statuses(seen, rule.name) & {rtv.VOLDAAN, rtv.NIET_VOLDAAN})
    items = [CoverageItem("eis", rule.name, node.title, node.span, hit)]
    for exc in node.exceptions:
        items.append(CoverageItem("uitzondering", rule.name, f"{exc.words} {snippet(policy.model.policy.text, exc.condition.span)}",
                                  exc.span, True in seen.of(exc.condition)))
    for expr in (node.meta.applicable, node.condition, *[e.condition for e in node.exceptions]):
        if expr is not None:
            items += _branches(policy, rule, expr, seen)
    return items


def _group(policy, rule, seen):
    hit = bool(_statuses(seen, rule.name) & {rtv.VOLDAAN, rtv.NIET_VOLDAAN})
    items = [CoverageItem("groep", rule.name, rule.node.title, rule.node.span, hit)]
    if rule.node.meta.applicable is not None:
        items += _branches(policy, rule, rule.node.meta.applicable, seen)
    return items


def _decision(policy, rule, seen):
    node, text = rule.node, policy.model.policy.text
    chosen = {o[rule.name].row for o in seen.outcomes}
    items = [CoverageItem("rij", rule.name, f"rij {i + 1}: dan {snippet(text, row.outcome.span)}", row.span,
                          i in chosen) for i, row in enumerate(node.rows)]
    if node.otherwise is not None:
        items.append(CoverageItem("rij", rule.name, f"anders {snippet(text, node.otherwise.outcome.span)}",
                                  node.otherwise.span, len(node.rows) in chosen))
    for row in node.rows:
        items += _branches(policy, rule, row.condition, seen)
    return items


def _timeline(policy, rule, seen):
    hit = bool(_statuses(seen, rule.name) & {rtv.GEHAALD, rtv.NIET_GEHAALD})
    return [CoverageItem("termijn", rule.name, rule.node.title, rule.node.span, hit)]


def _calculation(policy, rule, seen):
    hit = any(o[rule.name].value is not None for o in seen.outcomes)
    return [CoverageItem("berekening", rule.name, rule.node.title or rule.name, rule.node.span, hit)]


_ITEMS = {"eis": _requirement, "groep": _group, "beslissing": _decision, "termijn": _timeline,
          "berekening": _calculation}
