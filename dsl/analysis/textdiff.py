"""Text changes between two versions of a policy: what was written differently, rule by rule.

Contract: `text_changes(old, new)` lists, as `Change`s (kind kop, gegeven, regel, grens or
inhoud), the header's title and validity, gegevens added, removed or retyped, rules added or
removed, and per rule present in both each changed threshold or date ("grens: € 250.000 →
€ 275.000"), a `van toepassing als` added, removed or changed, or — when more than a written
value changed — the old and new text of the rule. `unchanged(old, new, name)` says whether a
rule, its gates and every rule it uses are written alike (places, titles, sources and spelling
aside) and the gegevens it reads keep their types: then both versions give the same outcome for
every case. `dsl.analysis.diff` builds the semantic comparison on these.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import attrs

from dsl.analysis.coverage import snippet
from dsl.analysis.thresholds import own_gate
from dsl.core import expr as E
from dsl.core.model import Decision, Group, Rule
from dsl.runtime.formatting import format_value
from dsl.span import Span

__all__ = ["Change", "text_changes", "unchanged"]


@attrs.frozen
class Change:
    kind: str       # kop, gegeven, regel, grens, inhoud
    name: str
    text: str



# ---------------------------------------------------------------- text changes
# What two versions of a rule may differ in without its content changing: where it stands, its
# title, source, note and quotes (`citaat`), its gates (its own `van toepassing als` is compared
# on its own; its group's belongs to the group), what is derived from the rest (types, inputs,
# dependencies), and how a written value was spelt.
_IGNORED = frozenset({"span", "title", "source", "note", "gates", "deps", "inputs", "index", "type", "group",
                      "text", "quotes", "quote_spans"})


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
    gate = _gate_changes(name, a, b, old_text, new_text)
    if isinstance(a, Group):
        return gate  # its requirements are compared one by one
    if isinstance(a, Decision) and isinstance(b, Decision) and len(a.rows) == len(b.rows) \
            and _shape(a.otherwise) == _shape(b.otherwise):
        return gate + [c for i, (x, y) in enumerate(zip(a.rows, b.rows))
                       for c in _part_changes(f"{name}, rij {i + 1}", x, y, old_text, new_text)]
    return gate + _part_changes(name, a, b, old_text, new_text)


def _gate_changes(name: str, a: Rule, b: Rule, old_text: str, new_text: str) -> list[Change]:
    """A rule's own `van toepassing als` added, removed or changed."""
    x, y = own_gate(a), own_gate(b)
    if x is None and y is None:
        return []
    if x is None or y is None:
        what = (f"is toegevoegd: {snippet(new_text, y.span)}" if y is not None
                else f"is vervallen (was: {snippet(old_text, x.span)})" if x is not None else "")
        return [Change("inhoud", name, f"'van toepassing als' van '{name}' {what}")]
    return _part_changes(f"{name}, van toepassing als", x, y, old_text, new_text)


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


def _same_text(a: Any, b: Any) -> bool:
    """Whether two versions of a rule, row or expression are written alike: the same shape and
    the same written values (places, titles, sources and spelling aside)."""
    return _shape(a) == _shape(b) and [c.value for c in _literals(a)] == [c.value for c in _literals(b)]


def unchanged(old, new, name: str) -> bool:
    """Whether rule `name`, its gates and every rule it uses (directly or through others) are
    written alike in both versions, and the gegevens it reads keep their types: then both give the
    same outcome for every case, whatever the solver can encode."""
    om, nm = old.model, new.model
    stack, seen = [name], set()
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        a, b = om.rules[current], nm.rules.get(current)
        if b is None or a.kind is not b.kind or not _same_text(a, b) or len(a.gates) != len(b.gates) \
                or set(a.deps) != set(b.deps):
            return False
        if not all(_same_text(x.condition, y.condition) for x, y in zip(a.gates, b.gates)):
            return False
        stack.extend(a.deps)
        stack.extend(getattr(a, "members", ()))
    read = om.rules[name].inputs
    return read == nm.rules[name].inputs and all(om.fields[f].type == nm.fields[f].type for f in read)


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
