"""Coverage of a policy by its voorbeelden: which parts the examples exercise, which never.

Contract: `coverage(policy)` evaluates every voorbeeld with a trace and returns a
`CoverageReport` with one `CoverageItem` per part:
  eis          evaluated to voldaan or niet voldaan by some voorbeeld (not only n.v.t./onbekend)
  rij          a decision row (and `anders`) chosen by some voorbeeld
  uitzondering an exception whose condition was true in some voorbeeld
  tak          each condition (comparison, en/of, niet, voldoet aan, a ja/nee gegeven) seen
               both true and false — one item per side
  termijn      evaluated to gehaald or niet gehaald;  berekening  computed to a value
A row that holds in a voorbeeld where more rows of a `(uniek)` decision hold (status "meerdere
regels", `Result.row` is ROW_OVERLAP) counts as hit too: which rows held is read from the trace
(each row condition's value). When that is the only way a row was reached, its item says so
(`overlap`; shown as "geraakt (in een overlap)"). `coverage_blocks(reports)` is the report as the
blocks `dsl.analysis.report.render` writes as text, Markdown or HTML.
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
from dsl.core.model import ROW_OVERLAP, Calculation, Decision, Group, Requirement, Rule, RuleKind, Status, Timeline
from dsl.examples import example_case
from dsl.span import Span, text_at

__all__ = ["CoverageItem", "CoverageReport", "coverage", "coverage_blocks"]

# The conditions a `tak` item is made for (besides a ja/nee gegeven and `voldoet aan`).
_BRANCHES = (E.Compare, E.Member, E.Between, E.Weekly, E.And, E.Or, E.Not, E.Each, E.Known)
# A reference to one of these is `voldoet aan X`: the verdict of another rule.
_VERDICTS = (RuleKind.REQUIREMENT, RuleKind.GROUP, RuleKind.TIMELINE)


@attrs.frozen
class CoverageItem:
    kind: str
    rule: str
    label: str
    span: Span | None
    hit: bool
    overlap: bool = False   # reached only in voorbeelden where more rows of its decision held

    @property
    def shown(self) -> str:
        """Whether the part was hit, as the report says it."""
        return "geraakt (in een overlap)" if self.overlap else "ja" if self.hit else "NEE"


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

    def overlapping(self, rule: Decision) -> set[int]:
        """The rows that held in a voorbeeld where more than one row of `rule` held."""
        rows = set()
        for outcome in self.outcomes:
            if outcome[rule.name].row == ROW_OVERLAP:
                rows |= {row.index for row in rule.rows
                         if row.condition is not None and _value(outcome, row.condition) is True}
        return rows

    def statuses(self, name: str) -> set:
        return {o.status(name) for o in self.outcomes}


def _value(outcome, node: E.Expr):
    """A node's value in a traced outcome; leaves are not traced (an Input is read from the case)."""
    if isinstance(node, E.Input):
        return outcome.case.data.get(node.name)
    if isinstance(node, E.Const):
        return node.value
    return outcome.trace.value_of(node)


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
    overlap = seen.overlapping(rule) - chosen
    items = [CoverageItem("rij", rule.name, f"rij {i + 1}: dan {snippet(text, row.outcome.span)}", row.span,
                          i in chosen or i in overlap, i in overlap) for i, row in enumerate(rule.rows)]
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



def coverage_blocks(reports) -> list:
    """The coverage of one or more policies as `dsl.analysis.report` blocks: per policy a table of
    its parts and whether a voorbeeld reached them, then the parts none reached."""
    blocks: list[tuple] = [("h1", "Dekking van de voorbeelden")]
    for report in reports:
        hit, total = report.counts()
        blocks.append(("h2", f"{report.title} ({report.filename}): {hit} van {total} onderdelen geraakt"))
        rows = [[item.kind, item.rule, item.label, f"regel {item.span.line}" if item.span else "", item.shown]
                for item in report.items]
        blocks.append(("table", ["soort", "regel", "onderdeel", "plaats", "geraakt"], rows))
        missed = [f"{i.kind} {i.rule}: {i.label} (regel {i.span.line if i.span else '?'})" for i in report.missed()]
        blocks.append(("p", "Nooit bereikt:" if missed else "Alle onderdelen worden door de voorbeelden bereikt."))
        if missed:
            blocks.append(("list", missed))
    return blocks
