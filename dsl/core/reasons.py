"""Reason codes: why an eis or a groep did not pass, decided once for every back end.

Contract: `reasons(policy, rule)` lists the codes a rule can carry, in a fixed order (a back end
may store a code as its index in that list), each with its Dutch text; only eisen and groepen
have codes (a decision's reason is its row, a termijn's its bounds, both output already).
Which code a case gets follows from values every back end already computes:
  - an eis that is niet voldaan: `"k"`, the first of the condition's parts (the items of a
    top-level `en`, else the condition itself) that is nee. Evaluation stops at that part, so
    every engine has its value;
  - an eis that is onbekend: `"?toepassing"` when its applicability is unknown; else `"?k"`, the
    first part that is unknown (when no part is nee every part was evaluated); else
    `"?tenzij"`: the condition is nee but an uitzondering is unknown;
  - a groep that is niet voldaan: the name of its first eis that is niet voldaan;
  - a groep that is onbekend: `"?toepassing"`, else `"?<eis>"` for its first eis that is onbekend.
`requirement_reason` and `group_reason` apply these rules to per-case values; the columnar
back ends write the same rules as column expressions over the same parts.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from dsl.core import expr as E
from dsl.core import model as M
from dsl.core.model import Status
from dsl.span import Span, text_at

APPLICABILITY_UNKNOWN = "?toepassing"
EXCEPTION_UNKNOWN = "?tenzij"


@attrs.frozen
class Reason:
    code: str
    text: str


def parts(rule: M.Requirement) -> tuple[E.Expr, ...]:
    """The parts of an eis's condition whose codes are "1", "2", ...: a top-level `en`'s items."""
    condition = rule.condition
    return condition.items if isinstance(condition, E.And) else (condition,)


def reasons(policy: M.Policy, rule: M.Rule) -> tuple[Reason, ...]:
    """Every code `rule` can carry, in a fixed order, with its Dutch text (see the module contract)."""
    if isinstance(rule, M.Requirement):
        texts = [source_text(policy.text, part.span) for part in parts(rule)]
        found = [Reason(str(k), f"niet voldaan: {t}") for k, t in enumerate(texts, 1)]
        found += [Reason(f"?{k}", f"onbekend: {t}") for k, t in enumerate(texts, 1)]
        if rule.exceptions:
            found.append(Reason(EXCEPTION_UNKNOWN, "onbekend of een uitzondering geldt"))
    elif isinstance(rule, M.Group):
        titles = [policy.rules[m].title or m for m in rule.members]
        found = [Reason(m, f"niet voldaan: {t}") for m, t in zip(rule.members, titles)]
        found += [Reason(f"?{m}", f"onbekend: {t}") for m, t in zip(rule.members, titles)]
    else:
        return ()
    if rule.gates:
        found.append(Reason(APPLICABILITY_UNKNOWN, "onbekend of de regel van toepassing is"))
    return tuple(found)


def requirement_reason(status: Status, applies: bool | None, values: Sequence, exceptions: Sequence) -> str | None:
    """The code of an eis with `status`, from whether it applies and the values of its parts and
    uitzonderingen (True, False or None; a part after the first nee may be anything)."""
    if status is Status.NIET_VOLDAAN:
        return next(str(k) for k, v in enumerate(values, 1) if v is False)
    if status is not Status.ONBEKEND:
        return None
    if applies is None:
        return APPLICABILITY_UNKNOWN
    unknown = next((k for k, v in enumerate(values, 1) if v is None), None)
    if unknown is not None and not any(v is False for v in values):
        return f"?{unknown}"
    assert any(v is None for v in exceptions), "an eis is onbekend only through a part, an uitzondering or its gates"
    return EXCEPTION_UNKNOWN


def group_reason(status: Status, applies: bool | None, members: Sequence[tuple[str, Status]]) -> str | None:
    """The code of a groep with `status`, from whether it applies and its eisen's statuses."""
    if status is Status.NIET_VOLDAAN:
        return next(name for name, s in members if s is Status.NIET_VOLDAAN)
    if status is not Status.ONBEKEND:
        return None
    if applies is None:
        return APPLICABILITY_UNKNOWN
    return "?" + next(name for name, s in members if s is Status.ONBEKEND)


def source_text(text: str, span: Span) -> str:
    """The words of the policy text at `span`, on one line."""
    return text_at(text, span) or ""
