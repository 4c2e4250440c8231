"""One evaluated case, ready for the widgets: an immutable trace of steps and the explanation.

Contract: `Evaluation.build(policy, raw_case, source)` loads the case, evaluates it once with a
trace and keeps the outcome, the explanation tree (`dsl.explain.explain`) and one `TraceStep`
per trace event, in evaluation order. Which rule a step belongs to and which gegevens it read
come from the typed trace (`Trace.rule_of`, `Trace.inputs_of`); a step names that rule, the
span of the evaluated node and of its rule (in the composed policy text; `source` maps them
back to the cell or file), the text as written, a Dutch result word, the Dutch sentence and the
values involved. Nothing is evaluated again afterwards: every widget is only a cursor over this.
Steps are built on first use and cached, so showing step 1 of 90 costs one step, not 90.
`Evaluation.of_outcome(policy, outcome, source)` wraps an outcome that was already evaluated with
a trace (a row of a table, `dsl.batch.outcome_of_row`) without evaluating it again; its `raw`
is the case in the form the case form reads back. `fit_case(model, raw)` keeps of a case what
another policy can read (its gegevens, with values of their type, and the peildatum) and says
what it dropped and why: a stale dashboard re-evaluated with a new policy uses it.
"""

from __future__ import annotations

from typing import Any

import attrs

from dsl.case import CaseValueError, convert, written
from dsl.core.model import Group, RuleBase
from dsl.explain import Explainer, explain, rule_step
from dsl.runtime.formatting import format_duration_count
from dsl.span import Span
from kernel.compose import SourceMap, identity_map

CONDITION = "voorwaarde"


@attrs.frozen
class TraceStep:
    index: int
    rule: str
    rule_title: str | None
    kind: str              # a RuleKind (eis, groep, beslissing, termijn, berekening) or "voorwaarde"
    span: Span | None
    rule_span: Span | None
    text: str
    result: str
    sentence: str
    values: tuple
    inputs: tuple[str, ...] = ()   # the gegevens the step read (directly or through other rules)


@attrs.frozen(eq=False)
class Evaluation:
    policy: Any                      # a dsl.policy.CompiledPolicy
    raw: dict = attrs.field(repr=False)
    outcome: Any = attrs.field(repr=False)   # its dsl.policy.Outcome, with a trace
    source: SourceMap = attrs.field(repr=False)
    _explainer: Explainer = attrs.field(repr=False)
    _cache: dict = attrs.field(factory=dict, repr=False)   # built steps and the explanation

    @classmethod
    def build(cls, policy, raw: dict, source: SourceMap | None = None) -> Evaluation:
        """Load and evaluate `raw` once, with a trace (CaseError if it does not fit)."""
        known = {k: v for k, v in raw.items() if k in policy.model.fields or k == "peildatum"}
        outcome = policy.evaluate(policy.load_case(known), trace=True)
        source = source or identity_map(policy.model.text, policy.filename)
        return cls(policy, dict(known), outcome, source, Explainer(outcome))

    @classmethod
    def of_outcome(cls, policy, outcome, source: SourceMap | None = None) -> Evaluation:
        """An evaluation of an outcome evaluated with a trace elsewhere (not evaluated again)."""
        if outcome.trace is None:
            raise ValueError("an Evaluation needs an outcome evaluated with trace=True")
        source = source or identity_map(policy.model.text, policy.filename)
        return cls(policy, raw_of(policy.model, outcome.case), outcome, source, Explainer(outcome))

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


def fit_case(model, raw: dict) -> tuple[dict, dict[str, str]]:
    """`raw` reduced to what `model` (a core `Policy`) can read, and the gegevens dropped with
    the reason in Dutch: "niet in dit beleid", or why the value does not fit the gegeven's type
    there."""
    kept: dict = {}
    dropped: dict[str, str] = {}
    for name, value in raw.items():
        if name == "peildatum":
            kept[name] = value
        elif name not in model.fields:
            dropped[name] = "niet in dit beleid"
        elif value is not None:
            try:
                convert(value, model.fields[name].type)
            except CaseValueError as err:
                dropped[name] = str(err)
                continue
            kept[name] = value
    return kept, dropped


def raw_of(model, case) -> dict:
    """A loaded case as a plain dict `dsl.case.convert` reads back to the same values: each value
    as a case writes it (`dsl.case.written`: a percentage between 0 and 1 as "0,41%"), a
    duration as its text ("3 weken"; its count is in the base unit), a lijst as a list."""
    raw: dict = {name: _written(value, model.fields[name].type) for name, value in case.data.items()}
    if case.peil is not None:
        raw["peildatum"] = case.peil
    return raw


def _written(value, t):
    if value is None:
        return None
    if t.kind == "duur":
        return format_duration_count(value, t)
    if t.kind == "lijst" and t.element is not None and isinstance(value, (list, tuple)):
        return [_written(item, t.element) for item in value]
    return written(value, t)


def _step(evaluation: Evaluation, index: int) -> TraceStep:
    ex, trace, model = evaluation._explainer, evaluation.outcome.trace, evaluation.model
    node = trace.step(index)[0].node
    rule = model.rules[trace.rule_of(index)]
    read = trace.inputs_of(index)
    inputs = tuple(name for name in model.fields if name in read)
    if isinstance(node, RuleBase):
        step = rule_step(ex, rule.name)
        text = rule.display if isinstance(rule, Group) else ex.text(rule)
        return TraceStep(index, rule.name, rule.title, str(rule.kind), rule.span, rule.span, text,
                         str(step.result), step.sentence, step.values or _rule_values(step), inputs)
    step = ex.condition(node)
    return TraceStep(index, rule.name, rule.title, CONDITION, node.span, rule.span, step.text,
                     str(step.result), step.sentence, step.values, inputs)


def _rule_values(step) -> tuple:
    """For a rule step without values of its own: the values of its first condition."""
    for child in step.children:
        if child.values:
            return child.values
    return ()

