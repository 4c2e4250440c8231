"""One evaluated case, ready for the widgets: an immutable trace of steps and the explanation.

Contract: `Evaluation.build(policy, raw_case, source)` loads the case, evaluates it once with a
trace and keeps the outcome, the explanation tree (`dsl.explain.explain`) and one `TraceStep`
per trace event, in evaluation order. Each trace step names the rule it belongs to, the span of
the evaluated node and of its rule (in the composed policy text; `source` maps them back to the
cell or file), the text as written, a Dutch result word, the Dutch sentence and the values
involved. Nothing is evaluated again afterwards: every widget is only a cursor over this.
Steps are built on first use and cached, so showing step 1 of 90 costs one step, not 90.
"""

from __future__ import annotations

import attrs

from dsl import ast
from dsl.explain import explain, rule_step
from dsl.explain.steps import Explainer
from kernel.compose import SourceMap, identity_map

_RULE_NODES = (ast.Requirement, ast.Group, ast.Calculation, ast.Decision, ast.Timeline)


@attrs.frozen
class TraceStep:
    index: int
    rule: str | None
    rule_title: str | None
    kind: str              # eis, groep, beslissing, termijn, berekening or voorwaarde
    span: ast.Span | None
    rule_span: ast.Span | None
    text: str
    result: str
    sentence: str
    values: tuple


@attrs.frozen(eq=False)
class Evaluation:
    policy: object
    raw: dict = attrs.field(repr=False)
    outcome: object = attrs.field(repr=False)
    source: SourceMap = attrs.field(repr=False)
    _explainer: Explainer = attrs.field(repr=False)
    _owners: tuple = attrs.field(repr=False)   # trace index -> rule name
    _cache: dict = attrs.field(factory=dict, repr=False)   # built steps and the explanation

    @classmethod
    def build(cls, policy, raw: dict, source: SourceMap | None = None) -> Evaluation:
        """Load and evaluate `raw` once, with a trace (CaseError if it does not fit)."""
        known = {k: v for k, v in raw.items() if k in policy.model.fields or k == "peildatum"}
        outcome = policy.evaluate(policy.load_case(known), trace=True)
        source = source or identity_map(policy.model.policy.text, policy.filename)
        ex = Explainer(outcome)
        spans = _rule_spans(policy)
        owners = tuple(_owner(spans, policy.compiled.nodes[i]) for i, _ in outcome.trace)
        return cls(policy, dict(known), outcome, source, ex, owners)

    @property
    def model(self):
        return self.policy.model

    def __len__(self) -> int:
        return len(self.outcome.trace)

    @property
    def explanation(self) -> tuple:
        """The explanation tree (`dsl.explain.explain`), built once."""
        if "explanation" not in self._cache:
            self._cache["explanation"] = tuple(explain(self.outcome))
        return self._cache["explanation"]

    def step(self, index: int) -> TraceStep:
        """The trace step at `index` (0-based), built once."""
        if index not in self._cache:
            self._cache[index] = _step(self, index)
        return self._cache[index]

    def results_of(self, kind: str) -> dict:
        return self.outcome.of_kind(kind)


def _step(evaluation: Evaluation, index: int) -> TraceStep:
    ex = evaluation._explainer
    node_id, _ = evaluation.outcome.trace[index]
    node = evaluation.policy.compiled.nodes[node_id]
    owner = evaluation._owners[index]
    rule = evaluation.model.rules.get(owner) if owner else None
    title = getattr(rule.node, "title", None) if rule else None
    if isinstance(node, _RULE_NODES) and node.name in evaluation.model.rules:
        step = rule_step(ex, node.name)
        values = step.values or _rule_values(step)
        return TraceStep(index, node.name, title, step.kind, node.span, node.span, ex.text(node)
                         if not isinstance(node, ast.Group) else node.title, _word(step.result),
                         step.sentence, values)
    step = ex.condition(node)
    return TraceStep(index, owner, title, "voorwaarde", node.span, rule.node.span if rule else None,
                     step.text, step.result, step.sentence, step.values)


def _rule_values(step) -> tuple:
    """For a rule step without values of its own: the values of its first condition."""
    for child in step.children:
        if child.values:
            return child.values
    return ()


def _word(result) -> str:
    return result if isinstance(result, str) else str(result)


def _owner(spans: tuple, node) -> str | None:
    """The innermost rule whose span holds `node`."""
    if isinstance(node, _RULE_NODES):
        return node.name
    for name, span in spans:
        if _inside(node.span, span):
            return name
    return None


def _rule_spans(policy) -> tuple:
    """(name, span) of every rule, smallest first, so the first hit is the innermost."""
    rules = [(name, rule.node.span) for name, rule in policy.model.rules.items()]
    return tuple(sorted(rules, key=lambda r: (r[1].end_line - r[1].line, r[1].end_column - r[1].column)))


def _inside(inner: ast.Span, outer: ast.Span) -> bool:
    return (inner.line, inner.column) >= (outer.line, outer.column) and \
        (inner.end_line, inner.end_column) <= (outer.end_line, outer.end_column)
