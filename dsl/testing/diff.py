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

import attrs
import z3
from hypothesis import strategies as st

from dsl import ast
from dsl.testing.coverage import snippet
from dsl.testing.report import case_text
from dsl.testing.search import Budget
from dsl.testing.smt import Encoder, Unsupported
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
def _shape(node):
    """A node without spans, with every literal replaced by the same marker."""
    if isinstance(node, ast.Literal):
        return ("literal", node.kind)
    if isinstance(node, tuple):
        return tuple(_shape(n) for n in node)
    if attrs.has(type(node)) and not isinstance(node, ast.Span):
        return (type(node).__name__,) + tuple(_shape(getattr(node, f.name)) for f in attrs.fields(type(node))
                                              if f.name not in ("span", "title", "meta", "source"))
    return node


def _literals(node) -> list:
    if isinstance(node, ast.Literal):
        return [node]
    if isinstance(node, tuple):
        return [lit for n in node for lit in _literals(n)]
    if attrs.has(type(node)) and not isinstance(node, ast.Span):
        return [lit for f in attrs.fields(type(node)) if f.name not in ("span", "meta")
                for lit in _literals(getattr(node, f.name))]
    return []


def _rule_changes(name, old_rule, new_rule, old_text, new_text) -> list[Change]:
    a, b = old_rule.node, new_rule.node
    if old_rule.kind != new_rule.kind:
        return [Change("regel", name, f"'{name}' was een {old_rule.kind} en is nu een {new_rule.kind}")]
    if old_rule.kind == "groep":
        return []  # its requirements are compared one by one
    if old_rule.kind == "beslissing" and len(a.rows) == len(b.rows) and _shape(a.otherwise) == _shape(b.otherwise):
        return [c for i, (x, y) in enumerate(zip(a.rows, b.rows))
                for c in _part_changes(f"{name}, rij {i + 1}", x, y, old_text, new_text)]
    return _part_changes(name, a, b, old_text, new_text)


def _part_changes(name, a, b, old_text, new_text) -> list[Change]:
    if _shape(a) != _shape(b):
        return [Change("inhoud", name, f"'{name}' is inhoudelijk gewijzigd: oud (regel {a.span.line}): "
                       f"{snippet(old_text, a.span)} — nieuw (regel {b.span.line}): {snippet(new_text, b.span)}")]
    out = []
    for x, y in zip(_literals(a), _literals(b)):
        if x.value != y.value:
            what = "datum" if x.kind in ("datum", "tijdstip") else "grens"
            out.append(Change("grens", name, f"{what} in '{name}': {x.text} → {y.text} "
                              f"(regel {x.span.line} → regel {y.span.line})"))
    return out


def text_changes(old, new) -> list[Change]:
    om, nm = old.model, new.model
    out = []
    oh, nh = om.policy.header, nm.policy.header
    if oh.title != nh.title:
        out.append(Change("kop", "titel", f"titel: '{oh.title}' → '{nh.title}'"))
    for attr, word in (("valid_from", "geldig van"), ("valid_until", "geldig tot en met")):
        x, y = getattr(oh, attr), getattr(nh, attr)
        if getattr(x, "value", None) != getattr(y, "value", None):
            out.append(Change("kop", word, f"{word}: {getattr(x, 'text', '-')} → {getattr(y, 'text', '-')}"))
    for name in om.fields.keys() - nm.fields.keys():
        out.append(Change("gegeven", name, f"gegeven '{name}' is verwijderd"))
    for name in nm.fields.keys() - om.fields.keys():
        out.append(Change("gegeven", name, f"gegeven '{name}' is toegevoegd ({nm.fields[name][1]})"))
    for name in om.fields.keys() & nm.fields.keys():
        if om.fields[name][1] != nm.fields[name][1]:
            out.append(Change("gegeven", name, f"gegeven '{name}': {om.fields[name][1]} → {nm.fields[name][1]}"))
    for name in om.rules.keys() - nm.rules.keys():
        out.append(Change("regel", name, f"{om.rules[name].kind} '{name}' is verwijderd"))
    for name in nm.rules.keys() - om.rules.keys():
        out.append(Change("regel", name, f"{nm.rules[name].kind} '{name}' is toegevoegd"))
    for name in [n for n in om.rules if n in nm.rules]:
        out += _rule_changes(name, om.rules[name], nm.rules[name], om.policy.text, nm.policy.text)
    return sorted(out, key=lambda c: ("kop gegeven regel grens inhoud".split().index(c.kind), c.name))


# ---------------------------------------------------------------- outcomes
def _shown(result, policy) -> str:
    """A rule's outcome in Dutch: its status, or its value as the policy writes it (ja, € 1,00)."""
    if result.kind in ("eis", "groep", "termijn"):
        return result.status
    return result.status if result.value is None else policy.format(result.name, result.value)


def _outcome_term(enc: Encoder, rule):
    """An Int/String/Real term whose value is the rule's outcome for a complete case."""
    app = enc.applicability(rule)
    if rule.kind in ("eis", "groep", "termijn"):
        holds = {"eis": enc.requirement_holds, "groep": enc.group_holds, "termijn": enc.timeline_met}[rule.kind](rule)
        status = z3.If(holds, z3.IntVal(1), z3.IntVal(2))
        return status if app is None else z3.If(app, status, z3.IntVal(0))
    if rule.kind == "beslissing":
        node = rule.node
        if node.hit_policy != "eerste treffer" or not all(
                isinstance(r.outcome, ast.Literal) and r.outcome.kind == "tekst"
                for r in (*node.rows, *([node.otherwise] if node.otherwise else []))):
            raise Unsupported("beslissing zonder eerste treffer of met berekende uitkomsten")
        value = z3.StringVal(node.otherwise.outcome.value if node.otherwise else "\x00geen uitkomst")
        for row in reversed(node.rows):
            value = z3.If(enc.cond(row.condition), z3.StringVal(row.outcome.value), value)
        return value if app is None else z3.If(app, value, z3.StringVal("\x00n.v.t."))
    if app is not None:
        raise Unsupported("berekening met 'van toepassing als'")
    term = enc.expr(rule.node.expr)
    return z3.ToReal(term) if z3.is_int(term) else term


def _exact_case(old, new, name):
    eo, en = Encoder(old.model), Encoder(new.model)
    for field in old.model.fields.keys() & new.model.fields.keys():
        if old.model.fields[field][1] != new.model.fields[field][1]:
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
    from dsl.testing.checks import rule_fields

    case = eo.case(m, sorted(rule_fields(old.model, name)))
    case.update(en.case(m, sorted(rule_fields(new.model, name))))
    return case


def _sweep_pair(old, new, name, budget):
    from hypothesis import HealthCheck, Phase, Verbosity, given, seed, settings

    found = []

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
    om, nm = old.model.policy, new.model.policy
    return PolicyDiff(om.header.title, nm.header.title, om.filename, nm.filename,
                      tuple(text_changes(old, new)), tuple(found), tuple(notes))
