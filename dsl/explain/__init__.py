"""Explanations: an evaluated case -> a tree of Dutch steps, "waarom niet", and a summary.

Contract: every view is a pure function of one traced `Outcome` (`dsl.policy`) and reads only
the core model (`dsl.core`) and the trace: `explain(outcome)` gives one `Step` per rule
(requirements inside their group), each expandable to the steps of its condition (made when
first opened); `why_not(outcome, name)` lists for a decision each row that did not apply with
the condition that stopped it, and for a requirement the parts that failed; `summary(outcome)`
gives one sentence per rule; `closing_summary(outcome)` the counts per status, the aannames the
case violates and the requirements not met and deadlines missed, for the end of a report; `render(steps)` lays a tree
out as indented text. Every rule step carries the rule's text, its values, its source and one
Dutch sentence, e.g. "Voldoet niet: aandeel onderaanneming is 41%, ten hoogste 33% is toegestaan
(Bijlage 2, Minimumeisen wijkverpleging)". Modules: `text` (what is fixed about a policy's
wording), `steps` (conditions), `rules` (one step per rule), `whatif` (suggestions).
"""

from __future__ import annotations

from collections.abc import Iterable

from dsl.core.model import RuleKind, Status, is_advice, is_power
from dsl.explain.rules import rule_step
from dsl.explain.steps import NOT_EVALUATED, Explainer, Step

__all__ = ["NOT_EVALUATED", "Explainer", "Step", "closing_summary", "explain", "render", "rule_step", "summary",
           "why_not"]


def explain(outcome) -> list[Step]:
    """The full explanation: groups with their requirements, then the other rules, in the
    order of the policy text."""
    ex = Explainer(outcome)
    return [rule_step(ex, name) for name in ex.wording.shown_rules]


def why_not(outcome, name: str) -> list[Step]:
    """For a decision: each row that did not apply and what stopped it; for a requirement or
    group: the failing parts."""
    step = rule_step(Explainer(outcome), name)
    if step.kind == RuleKind.DECISION:
        return [r for r in step.children if r.result in ("geldt niet", "onbekend", "niet bekeken")]
    if step.kind == RuleKind.GROUP:
        return [m for m in step.children if m.result in (Status.NIET_VOLDAAN, Status.ONBEKEND)]
    return [step] if step.result not in (Status.VOLDAAN, Status.GEHAALD) else []


def summary(outcome) -> list[str]:
    """One line per rule: title, result and the sentence."""
    ex = Explainer(outcome)
    return [f"{rule.title or name}: {rule_step(ex, name).sentence}" for name, rule in ex.model.rules.items()]


# The order in which a kind's counts are listed in the closing summary.
_COUNT_ORDER = (Status.NIET_VOLDAAN, Status.NIET_GEHAALD, Status.VERSTREKEN_ZONDER_DATUM, Status.ONBEKEND,
                Status.NOG_NIET, Status.VOLDAAN, Status.GEHAALD, Status.BEPAALD, Status.GEEN_UITKOMST, Status.MEERDERE,
                Status.NVT)
_COUNTED = (RuleKind.REQUIREMENT, RuleKind.TIMELINE, RuleKind.DECISION, RuleKind.CALCULATION)


def closing_summary(outcome, shown: int = 5) -> list[str]:
    """The closing lines of an evaluation: per kind of rule the count of each status, then the
    requirements not met, the deadlines missed and those passed without a date, by title (at most
    `shown` of each)."""
    counts: dict[RuleKind, dict[Status, int]] = {}
    failing: dict[Status, list[str]] = {Status.NIET_VOLDAAN: [], Status.NIET_GEHAALD: [],
                                        Status.VERSTREKEN_ZONDER_DATUM: []}
    powers: dict[str, int] = {}
    for rule, status in zip(outcome.policy.model.rules.values(), outcome.statuses, strict=True):
        if is_power(rule):   # what the insurer may do: counted apart, by what it may
            said = {True: "mag", False: "mag niet"}.get(outcome.value(rule.name), str(status))
            powers[said] = powers.get(said, 0) + 1
            continue
        if rule.kind not in _COUNTED:
            continue
        per_kind = counts.setdefault(rule.kind, {})
        per_kind[status] = per_kind.get(status, 0) + 1
        if status in failing and not is_advice(rule):   # advice not followed is no failure (dsl.cli says it)
            failing[status].append(rule.title or rule.name)
    parts = []
    for kind in _COUNTED:
        if kind in counts:
            found = sorted(counts[kind].items(), key=lambda item: _COUNT_ORDER.index(item[0]))
            total = sum(counts[kind].values())
            parts.append(f"{total} {kind if total == 1 else kind.plural}: "
                         + ", ".join(f"{n} {status}" for status, n in found))
    if powers:
        total = sum(powers.values())
        parts.append(f"{total} {'bevoegdheid' if total == 1 else 'bevoegdheden'}: "
                     + ", ".join(f"{n} {said}" for said, n in sorted(powers.items())))
    lines = ["Samenvatting: " + "; ".join(parts) + "."] if parts else []
    lines += [v.message for v in getattr(outcome, "violations", ())]   # an aanname the case violates
    for status, titles in failing.items():
        if titles:
            more = f" en {len(titles) - shown} meer" if len(titles) > shown else ""
            lines.append(f"{status.capitalize()}: " + "; ".join(titles[:shown]) + more + ".")
    return lines


_MARKS = {"voldaan": "✔", "gehaald": "✔", "niet voldaan": "✘", "niet gehaald": "✘", "onbekend": "?",
          "niet van toepassing": "–", "nog niet verstreken": "…", "verstreken zonder datum": "!", "toegepast": "→", "ja": "✔", "nee": "✘"}


_RULE_KINDS = frozenset(RuleKind)


def render(steps: Iterable[Step], depth: int = 0, max_depth: int = 2) -> str:
    """Indented text of a step tree, to `max_depth` levels below the top."""
    out = []
    indent = "  " * depth
    for step in steps:
        mark = _MARKS.get(step.result, "•")
        if step.kind == "voorwaarde":   # with the values it compared, so a compound condition shows them too
            shown = "; ".join(f"{what}: {value}" for what, value in step.values
                              if value != "niet bekeken" and what != "grens")   # (a grens is in the text)
            out.append(f"{indent}{mark} {step.text}  [{step.result}]" + (f"  ({shown})" if shown else ""))
        else:
            head = f"{step.name}: " if step.name and step.kind in _RULE_KINDS else ""
            out.append(f"{indent}{mark} {head}{step.text}  [{step.result}]")
            out.append(f"{indent}    {step.sentence}")
        if depth < max_depth and step.children:  # (children not shown are never made)
            out.append(render(step.children, depth + 1, max_depth))
    return "\n".join(o for o in out if o)
