"""Semantic difference between two versions of a policy.

Contract: `diff_policies(old, new, budget=...)` compares two compiled policies and returns a
`PolicyDiff`:
  changes  text changes: header (title, validity), gegevens added, removed or retyped, rules
           added or removed, and per rule present in both, each changed threshold or date
           ("grens: € 250.000 → € 275.000") or, when more than a constant changed, the old and
           new text of the rule
  cases    per rule present in both, a concrete case on which the two versions give a
           different outcome. Found exactly with z3 where both versions encode (the case is then
           the boundary case, e.g. exactly the old or new threshold), else by a bounded
           Hypothesis search over boundary-aware cases of both versions. Every case is
           evaluated by both compiled policies, and only real differences are listed.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import attrs
import z3
from hypothesis import strategies as st

from dsl.analysis.coverage import snippet
from dsl.analysis.report import case_text
from dsl.analysis.search import Budget
from dsl.analysis.smt import Encoder, Unsupported
from dsl.core import expr as E
from dsl.core.model import Calculation, Decision, Group, HitPolicy, Requirement, Rule, RuleKind, Timeline
from dsl.runtime.formatting import format_value
from dsl.span import Span
from dsl.testing.strategies import cases

__all__ = ["Change", "DiffCase", "PolicyDiff", "diff_policies"]


@attrs.frozen
class Change:
    kind: str       # kop, gegeven, regel, grens, inhoud
    name: str
    text: str


@attrs.frozen
class DiffCase:
    rule: str
    old: str
    new: str
    case: dict
    case_text: str
    method: str


@attrs.frozen
class PolicyDiff:
    old_title: str
    new_title: str
    old_file: str
    new_file: str
    changes: tuple
    cases: tuple
    notes: tuple = ()


# ---------------------------------------------------------------- text changes
# What two versions of a rule may differ in without its content changing: where it stands, its
# title, source and note, its gates (compared through the cases), what is derived from the rest
# (types, inputs, dependencies), and how a written value was spelt.
_IGNORED = frozenset({"span", "title", "source", "note", "gates", "deps", "inputs", "index", "type", "group",
                      "text"})


def _fields(node: Any) -> list[tuple[str, Any]]:
    return [(f.name, getattr(node, f.name)) for f in attrs.fields(type(node)) if f.name not in _IGNORED]


def _shape(node: Any) -> Any:
    """A rule, row or expression without places, with every written value replaced by a marker
    of its type: equal shapes differ at most in their written values."""
    if isinstance(node, E.Const):
        return ("literal", node.type.kind)
    if isinstance(node, tuple):
        return tuple(_shape(n) for n in node)
    if attrs.has(type(node)) and not isinstance(node, Span):
        return (type(node).__name__, *(_shape(value) for _, value in _fields(node)))
    return node


def _literals(node: Any) -> list[E.Const]:
    """The written values of a rule, row or expression, each once, in the order of the text (a
    termijn's end `binnen 3 weken na X` is a shift of its start X: X counts once)."""
    found: dict[int, E.Const] = {}
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, E.Const):
            found.setdefault(id(current), current)
        elif isinstance(current, tuple):
            stack.extend(current)
        elif attrs.has(type(current)) and not isinstance(current, Span):
            stack.extend(value for _, value in _fields(current))
    return sorted(found.values(), key=lambda c: (c.span.line, c.span.column))


def _rule_changes(name: str, a: Rule, b: Rule, old_text: str, new_text: str) -> list[Change]:
    if a.kind is not b.kind:
        return [Change("regel", name, f"'{name}' was een {a.kind} en is nu een {b.kind}")]
    if isinstance(a, Group):
        return []  # its requirements are compared one by one
    if isinstance(a, Decision) and isinstance(b, Decision) and len(a.rows) == len(b.rows) \
            and _shape(a.otherwise) == _shape(b.otherwise):
        return [c for i, (x, y) in enumerate(zip(a.rows, b.rows))
                for c in _part_changes(f"{name}, rij {i + 1}", x, y, old_text, new_text)]
    return _part_changes(name, a, b, old_text, new_text)


def _part_changes(name: str, a: Any, b: Any, old_text: str, new_text: str) -> list[Change]:
    if _shape(a) != _shape(b):
        return [Change("inhoud", name, f"'{name}' is inhoudelijk gewijzigd: oud (regel {a.span.line}): "
                       f"{snippet(old_text, a.span)} — nieuw (regel {b.span.line}): {snippet(new_text, b.span)}")]
    out = []
    for x, y in zip(_literals(a), _literals(b)):
        if x.value != y.value:
            what = "datum" if x.type.kind in ("datum", "tijdstip") else "grens"
            out.append(Change("grens", name, f"{what} in '{name}': {x.text} → {y.text} "
                              f"(regel {x.span.line} → regel {y.span.line})"))
    return out


def _date_text(value: date | None) -> str:
    return "-" if value is None else format_value(value, "datum")


_CHANGE_ORDER = ["kop", "gegeven", "regel", "grens", "inhoud"]


def text_changes(old, new) -> list[Change]:
    om, nm = old.model, new.model
    out = []
    if om.title != nm.title:
        out.append(Change("kop", "titel", f"titel: '{om.title}' → '{nm.title}'"))
    for attr, word in (("valid_from", "geldig van"), ("valid_until", "geldig tot en met")):
        x, y = getattr(om, attr), getattr(nm, attr)
        if x != y:
            out.append(Change("kop", word, f"{word}: {_date_text(x)} → {_date_text(y)}"))
    for name in om.fields.keys() - nm.fields.keys():
        out.append(Change("gegeven", name, f"gegeven '{name}' is verwijderd"))
    for name in nm.fields.keys() - om.fields.keys():
        out.append(Change("gegeven", name, f"gegeven '{name}' is toegevoegd ({nm.fields[name].type})"))
    for name in om.fields.keys() & nm.fields.keys():
        if om.fields[name].type != nm.fields[name].type:
            out.append(Change("gegeven", name, f"gegeven '{name}': {om.fields[name].type} → {nm.fields[name].type}"))
    for name in om.rules.keys() - nm.rules.keys():
        out.append(Change("regel", name, f"{om.rules[name].kind} '{name}' is verwijderd"))
    for name in nm.rules.keys() - om.rules.keys():
        out.append(Change("regel", name, f"{nm.rules[name].kind} '{name}' is toegevoegd"))
    for name in [n for n in om.rules if n in nm.rules]:
        out += _rule_changes(name, om.rules[name], nm.rules[name], om.text, nm.text)
    return sorted(out, key=lambda c: (_CHANGE_ORDER.index(c.kind), c.name))


# ---------------------------------------------------------------- outcomes
_VERDICTS = (RuleKind.REQUIREMENT, RuleKind.GROUP, RuleKind.TIMELINE)


def _shown(result, policy) -> str:
    """A rule's outcome in Dutch: its status, or its value as the policy writes it (ja, € 1,00)."""
    if result.kind in _VERDICTS:
        return result.status
    return result.status if result.value is None else policy.format(result.name, result.value)


def _outcome_term(enc: Encoder, rule: Rule):
    """An Int/String/Real term whose value is the rule's outcome for a complete case."""
    app = enc.applicability(rule)
    if isinstance(rule, (Requirement, Group, Timeline)):
        status = z3.If(enc.holds(rule), z3.IntVal(1), z3.IntVal(2))
        return status if app is None else z3.If(app, status, z3.IntVal(0))
    if isinstance(rule, Decision):
        return _decision_term(enc, rule, app)
    if app is not None:
        raise Unsupported("berekening met 'van toepassing als'")
    assert isinstance(rule, Calculation)
    term = enc.expr(rule.expr)
    return z3.ToReal(term) if z3.is_int(term) else term


def _decision_term(enc: Encoder, rule: Decision, app):
    """A decision under first match whose outcomes are all written texts, as a String term."""
    if rule.hit_policy is not HitPolicy.FIRST or not all(
            isinstance(r.outcome, E.Const) and isinstance(r.outcome.value, str) for r in rule.all_rows):
        raise Unsupported("beslissing zonder eerste treffer of met berekende uitkomsten")
    value = z3.StringVal(_text(rule.otherwise.outcome) if rule.otherwise else "\x00geen uitkomst")
    for row in reversed(rule.rows):
        assert row.condition is not None  # only `anders` has none
        value = z3.If(enc.cond(row.condition), z3.StringVal(_text(row.outcome)), value)
    return value if app is None else z3.If(app, value, z3.StringVal("\x00n.v.t."))


def _text(outcome: E.Expr) -> str:
    assert isinstance(outcome, E.Const)
    return outcome.value


def _exact_case(old, new, name):
    eo, en = Encoder(old.model), Encoder(new.model)
    for field in old.model.fields.keys() & new.model.fields.keys():
        if old.model.fields[field].type != new.model.fields[field].type:
            raise Unsupported(f"gegeven '{field}' heeft een ander type")
    a, b = _outcome_term(eo, old.model.rules[name]), _outcome_term(en, new.model.rules[name])
    if a.sort() != b.sort():
        raise Unsupported("uitkomsten van een andere soort")
    s = z3.Solver()
    s.add(*eo.constraints(), *en.constraints(), *eo.guards, *en.guards, a != b)
    if s.check() != z3.sat:
        return None
    m = s.model()
    s.push()  # prefer a readable witness (hundredths, whole declared units) when there is one
    s.add(*eo.grid(eo.vars))
    if s.check() == z3.sat:
        m = s.model()
    s.pop()
    case = eo.case(m, sorted(old.model.rules[name].inputs))
    case.update(en.case(m, sorted(new.model.rules[name].inputs)))
    return case


def _sweep_pair(old, new, name, budget):
    from hypothesis import HealthCheck, Phase, Verbosity, given, seed, settings

    found: list[dict] = []

    @settings(max_examples=budget.max_examples, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck), verbosity=Verbosity.quiet)
    @seed(budget.seed)
    @given(st.one_of(cases(old), cases(new)))
    def probe(case):
        if not found and _differs(old, new, name, case) is not None:
            found.append(case)

    probe()
    return found[0] if found else None


def _restrict(policy, case):
    return {k: v for k, v in case.items() if k in policy.model.fields}


def _differs(old, new, name, case):
    a = old.evaluate(_restrict(old, case))[name]
    b = new.evaluate(_restrict(new, case))[name]
    pair = (_shown(a, old), _shown(b, new))
    return pair if pair[0] != pair[1] else None


def diff_policies(old, new, *, budget: Budget | None = None, search: bool = True,
                  progress=None) -> PolicyDiff:
    """Compare two compiled policies (see the module docstring). `progress(done, total, rule
    name)`, if given, is called before each rule is compared."""
    budget = budget or Budget(max_examples=300)
    found, notes = [], []
    shared = [n for n in old.model.rules if n in new.model.rules]
    for done, name in enumerate(shared):
        if progress is not None:
            progress(done, len(shared), name)
        method = "exact"
        try:
            case = _exact_case(old, new, name)
        except Unsupported as err:
            if not search:
                notes.append(f"'{name}': niet exact te vergelijken ({err.reason}); niet gezocht")
                continue
            method, case = "zoektocht", _sweep_pair(old, new, name, budget)
        pair = _differs(old, new, name, case) if case is not None else None
        if pair is not None:
            both = attrs.evolve(new.model, fields={**old.model.fields, **new.model.fields})
            shown = case_text(both, case)
            found.append(DiffCase(name, pair[0], pair[1], case, shown, method))
    om, nm = old.model, new.model
    return PolicyDiff(om.title, nm.title, om.filename, nm.filename,
                      tuple(text_changes(old, new)), tuple(found), tuple(notes))
