"""The policy as it reads on one date: every rule at the version in force then.

Contract: `policy_on(model, day)` returns a core `Policy` in which each rule with versions is
replaced by its version of `day` (its `Versions` expressions by that version's choice, its own
gate by that version's `van toepassing als`, a beslissing's rows by that version's rows, an eis's
exceptions by that version's), and each rule in force on no version that day is left out (kept,
unchanged, when a rule in force uses it). A groep keeps the eisen that remain. Rules without
versions are as they were; nothing is evaluated. This is what `beleid verschil` compares between
two dates of one file, and what a front end shows as "het beleid op 1 januari 2024".
"""

from __future__ import annotations

from datetime import date

import attrs

from dsl.core import expr as E
from dsl.core import model as M


def policy_on(model: M.Policy, day: date) -> M.Policy:
    """The policy `model` as it reads on `day` (see the module contract)."""
    out_of_force = {name for name, rule in model.rules.items() if rule.versions and rule.version_on(day) is None}
    needed = _used_by(model, set(model.rules) - out_of_force) & out_of_force
    kept = [name for name in model.rules if name not in out_of_force or name in needed]
    gates = {g.name: _gate_on(model.rules[g.name], g, day) for g in model.gates if g.name in model.rules}
    rules = {name: _rule_on(model.rules[name], day, gates, set(kept)) for name in kept}
    rules = {name: attrs.evolve(rule, index=i) for i, (name, rule) in enumerate(rules.items())}
    return attrs.evolve(model, rules=rules, gates=tuple(g for g in gates.values() if g is not None))


def _used_by(model: M.Policy, names: set[str]) -> set[str]:
    """Every rule the rules `names` use, directly or through others (a groep's eisen are its
    members, not rules it uses: an eis in force on no version that day leaves the groep)."""
    found, stack = set(), list(names)
    while stack:
        rule = model.rules[stack.pop()]
        members = set(rule.members) | set(rule.advice) if isinstance(rule, M.Group) else set()
        for dep in rule.deps - members:
            if dep not in found:
                found.add(dep)
                stack.append(dep)
    return found


def _gate_on(rule: M.Rule, gate: M.Gate, day: date) -> M.Gate | None:
    """A rule's own gate on `day`: for a rule with versions, only its version's `van toepassing als`."""
    if not rule.versions:
        return gate
    version = rule.version_on(day)
    if version is None or version.applicable is None:
        return None
    return M.Gate(gate.name, version.applicable, version.applicable.span)


def _rule_on(rule: M.Rule, day: date, gates: dict[str, M.Gate | None], kept: set[str]) -> M.Rule:
    new_gates = tuple(g for g in (gates.get(old.name, old) for old in rule.gates) if g is not None)
    version = rule.version_on(day)
    if version is None:
        changes: dict = {"gates": new_gates}
        if isinstance(rule, M.Group):
            changes.update(members=tuple(m for m in rule.members if m in kept),
                           advice=tuple(a for a in rule.advice if a in kept))
        return attrs.evolve(rule, **changes)
    number = rule.versions.index(version)
    several = len(rule.versions) > 1
    versions, source = (version,), version.source or rule.source
    match rule:
        case M.Calculation():
            return attrs.evolve(rule, expr=_pick(rule.expr, number), gates=new_gates, versions=versions, span=version.declared or version.span, source=source)
        case M.Requirement():
            exceptions = tuple(_strip(e) for e in rule.exceptions if e.version in (None, number))
            return attrs.evolve(rule, condition=_pick(rule.condition, number), exceptions=exceptions, gates=new_gates,
                                versions=versions, span=version.declared or version.span, source=source)
        case M.Group():
            return attrs.evolve(rule, members=tuple(m for m in rule.members if m in kept),
                                advice=tuple(a for a in rule.advice if a in kept), gates=new_gates, versions=versions, span=version.declared or version.span,
                                source=source)
        case M.Decision():
            rows = [r for r in rule.rows if r.version in (None, number)]
            rows = [attrs.evolve(r, index=i, version=None,
                                 condition=_without_test(r.condition) if several and r.condition else r.condition)
                    for i, r in enumerate(rows)]
            otherwise = rule.otherwise and attrs.evolve(rule.otherwise, index=len(rows),
                                                        outcome=_pick(rule.otherwise.outcome, number))
            return attrs.evolve(rule, rows=tuple(rows), otherwise=otherwise, gates=new_gates, versions=versions, span=version.declared or version.span,
                                source=source)
        case M.Timeline():
            return attrs.evolve(rule, subject=_pick(rule.subject, number), start=_maybe(rule.start, number),
                                end=_maybe(rule.end, number), base=_maybe(rule.base, number), gates=new_gates,
                                versions=versions, span=version.declared or version.span, source=source)
    raise TypeError(f"not a rule: {type(rule).__name__}")


def _pick(expr: E.Expr, number: int) -> E.Expr:
    """The choice of version `number` of a versioned expression (the expression itself otherwise)."""
    return expr.choices[number] if isinstance(expr, E.Versions) else expr


def _maybe(expr: E.Expr | None, number: int) -> E.Expr | None:
    return None if expr is None else _pick(expr, number)


def _without_test(condition: E.Expr) -> E.Expr:
    """A versioned row's condition without its version's test (the first part of its `en`)."""
    if not isinstance(condition, E.And):
        return condition
    rest = condition.items[1:]
    return rest[0] if len(rest) == 1 else attrs.evolve(condition, items=rest)


def _strip(exception: M.Exception_) -> M.Exception_:
    if exception.version is None:
        return exception
    return attrs.evolve(exception, condition=_without_test(exception.condition), version=None)
