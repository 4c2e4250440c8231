"""Changes in meaning between two versions of a policy, read from their core models.

Contract: `text_changes(old, new)` lists, as `Change`s (kind kop, gegeven, regel, grens, volgorde
or inhoud), only what changes meaning: the validity, gegevens added, removed or retyped, rules
added or removed, and per rule present in both, on the normal form of `dsl.analysis.normal` (so
an alias, an equivalent bound on an amount or a count, the order of the rows under `uniek` or of
the items of `en` are no change, and a `niet` is one): each changed threshold or date with the
words of its comparison ("grens in 'e': groter dan € 250.000 → groter dan € 275.000"), a row
added or removed, the order of the rows under `eerste treffer`, a `van toepassing als` added,
removed or changed, or the old and new text of a part whose structure changed. Each `Change`
names the rule it is in (`rule`), so the difference can set apart the rules z3 proves equal.
`wording(old, new)` says in one line what changed in text only (the policy's title, a rule's
title, bron, toelichting or citaten, a gegeven's description), or "" when nothing did.
`unchanged(old, new, name)` says whether a rule, its gates and every rule it uses have the same
normal form in both versions and the gegevens it reads keep their types: then both give the same
outcome for every complete case of the solver's domain, whatever the solver can encode.
"""

from __future__ import annotations

import weakref
from datetime import date
from typing import Any

import attrs

from dsl.analysis.coverage import snippet
from dsl.analysis.normal import Normaliser, key, same_form, shape, written
from dsl.analysis.thresholds import own_gate
from dsl.core.model import Decision, Group, Policy, Row, Rule
from dsl.runtime.formatting import format_value

__all__ = ["Change", "forms", "text_changes", "unchanged", "wording"]


@attrs.frozen
class Change:
    kind: str       # kop, gegeven, regel, grens, volgorde, inhoud
    name: str
    text: str
    rule: str = ""  # the rule the change is in ("" for the header and the gegevens)


class _Forms:
    """The normal forms of one policy's rules and parts, each computed once. It keeps the model's
    rules and text, not the model: `_CACHE` is keyed by the model, and a value that held its key
    would keep every compared policy alive."""

    def __init__(self, model: Policy, names: dict[str, str] | None = None):
        self.rules, self.text, self.norm = model.rules, model.text, Normaliser(model.text, names)
        self._rules: dict[str, Any] = {}

    def rule(self, name: str) -> Any:
        if name not in self._rules:
            self._rules[name] = self.norm.rule(self.rules[name])
        return self._rules[name]

    def gates(self, name: str) -> list[Any]:
        return sorted((self.norm.part(g.condition) for g in self.rules[name].gates), key=key)

    def part(self, node: Any) -> Any:
        return self.norm.part(node)


_CACHE: weakref.WeakKeyDictionary[Policy, _Forms] = weakref.WeakKeyDictionary()


def forms(model: Policy) -> _Forms:
    """The (cached) normal forms of a model's rules."""
    found = _CACHE.get(model)
    if found is None:
        found = _CACHE[model] = _Forms(model)
    return found


# ---------------------------------------------------------------- changes of one rule
class _RuleDiff:
    """The changes in meaning of one rule present in both versions."""

    def __init__(self, name: str, a: Rule, b: Rule, fa: _Forms, fb: _Forms):
        self.name, self.a, self.b, self.fa, self.fb = name, a, b, fa, fb

    def changes(self) -> list[Change]:
        a, b, name = self.a, self.b, self.name
        if a.kind is not b.kind:
            return [self.change("regel", name, f"'{name}' was een {a.kind} en is nu een {b.kind}")]
        out = self.gate()
        if isinstance(a, Group) or same_form(self.fa.rule(name), self.fb.rule(b.name)):
            return out   # a group's eisen are compared one by one
        if isinstance(a, Decision) and isinstance(b, Decision):
            return out + self.decision(a, b)
        return out + self.part(name, a, b)

    def change(self, kind: str, label: str, text: str) -> Change:
        return Change(kind, label, text, self.name)

    def gate(self) -> list[Change]:
        """The rule's own `van toepassing als` added, removed or changed."""
        x, y, name = own_gate(self.a), own_gate(self.b), self.name
        if x is None and y is None:
            return []
        if x is None or y is None:
            what = (f"is toegevoegd: {snippet(self.fb.text, y.span)}" if y is not None
                    else f"is vervallen (was: {snippet(self.fa.text, x.span)})" if x is not None else "")
            return [self.change("inhoud", name, f"'van toepassing als' van '{name}' {what}")]
        return self.part(f"{name}, van toepassing als", x, y)

    def part(self, label: str, x: Any, y: Any) -> list[Change]:
        fx, fy = self.fa.part(x), self.fb.part(y)
        if same_form(fx, fy):
            return []
        if shape(fx) != shape(fy):
            return [self.change("inhoud", label, f"'{label}' is inhoudelijk gewijzigd: oud (regel {x.span.line}): "
                                f"{snippet(self.fa.text, x.span)} — nieuw (regel {y.span.line}): "
                                f"{snippet(self.fb.text, y.span)}")]
        out = []
        for v, w in zip(written(fx), written(fy)):
            if v != w:
                what = "datum" if v.kind in ("datum", "tijdstip") else "grens"
                out.append(self.change("grens", label, f"{what} in '{label}': {v.shown} → {w.shown} "
                                       f"(regel {v.line} → regel {w.line})"))
        return out

    def decision(self, a: Decision, b: Decision) -> list[Change]:
        name, out = self.name, []
        if a.hit_policy is not b.hit_policy:
            out.append(self.change("inhoud", name, f"'{name}': ({a.hit_policy}) → ({b.hit_policy})"))
        pairs, gone, added = _match_rows(a.rows, b.rows, self.fa, self.fb)
        moved = [j for i, j in pairs if same_form(self.fa.part(a.rows[i]), self.fb.part(b.rows[j]))]
        if b.hit_policy.row_order_matters and moved != sorted(moved):
            out.append(self.change("volgorde", name, f"de rijen van '{name}' staan in een andere volgorde "
                                   f"(onder {b.hit_policy} beslist de volgorde)"))
        for i, j in pairs:
            label = f"{name}, rij {i + 1}" if i == j else f"{name}, rij {i + 1} → rij {j + 1}"
            out += self.part(label, a.rows[i], b.rows[j])
        out += [self.change("inhoud", name, f"rij {i + 1} van '{name}' is vervallen: "
                            f"{snippet(self.fa.text, a.rows[i].span)}") for i in gone]
        out += [self.change("inhoud", name, f"rij {j + 1} van '{name}' is toegevoegd: "
                            f"{snippet(self.fb.text, b.rows[j].span)}") for j in added]
        if a.otherwise is None or b.otherwise is None:
            if (a.otherwise is None) != (b.otherwise is None):
                what = "is toegevoegd" if b.otherwise is not None else "is vervallen"
                out.append(self.change("inhoud", name, f"'anders' van '{name}' {what}"))
        else:
            out += self.part(f"{name}, anders", a.otherwise, b.otherwise)
        return out


def _match_rows(old: tuple[Row, ...], new: tuple[Row, ...], fa: _Forms, fb: _Forms):
    """Rows paired old → new: first those that mean the same (wherever they stand), then the
    rest in their order when as many remain on both sides; ([(i, j)], old rows gone, new rows)."""
    fo, fn = [fa.part(r) for r in old], [fb.part(r) for r in new]
    free = list(range(len(new)))
    pairs, rest = [], []
    for i, form in enumerate(fo):
        j = next((j for j in free if same_form(form, fn[j])), None)
        if j is None:
            rest.append(i)
        else:
            free.remove(j)
            pairs.append((i, j))
    if len(rest) == len(free):
        pairs += list(zip(rest, free))
        rest, free = [], []
    return sorted(pairs), rest, free


# ---------------------------------------------------------------- whole policies
def unchanged(old, new, name: str) -> bool:
    """Whether rule `name`, its gates and every rule it uses (directly or through others) have the
    same normal form in both versions, and the gegevens it reads keep their types (see the module
    docstring)."""
    om, nm = old.model, new.model
    fa, fb = forms(om), forms(nm)
    stack, seen = [name], set()
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        a, b = om.rules[current], nm.rules.get(current)
        if b is None or a.kind is not b.kind or set(a.deps) != set(b.deps) or len(a.gates) != len(b.gates):
            return False
        if not same_form(fa.rule(current), fb.rule(current)):
            return False
        if not all(same_form(x, y) for x, y in zip(fa.gates(current), fb.gates(current))):
            return False
        stack.extend(a.deps)
        stack.extend(getattr(a, "members", ()))
    read = om.rules[name].inputs
    return read == nm.rules[name].inputs and all(om.fields[f].type == nm.fields[f].type for f in read)


def _date_text(value: date | None) -> str:
    return "-" if value is None else format_value(value, "datum")


_CHANGE_ORDER = ["kop", "gegeven", "regel", "grens", "volgorde", "inhoud"]


def text_changes(old, new) -> list[Change]:
    om, nm = old.model, new.model
    out = []
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
        out.append(Change("regel", name, f"{om.rules[name].kind} '{name}' is verwijderd", name))
    for name in nm.rules.keys() - om.rules.keys():
        out.append(Change("regel", name, f"{nm.rules[name].kind} '{name}' is toegevoegd", name))
    fa, fb = forms(om), forms(nm)
    for name in [n for n in om.rules if n in nm.rules]:
        out += _RuleDiff(name, om.rules[name], nm.rules[name], fa, fb).changes()
    return sorted(out, key=lambda c: (_CHANGE_ORDER.index(c.kind), c.name))


def _worded(a: Any, b: Any) -> bool:
    return (a.title, a.source, a.note, a.quotes) != (b.title, b.source, b.note, b.quotes)


def wording(old, new, limit: int = 6) -> str:
    """What changed in text only, in one line (see the module docstring), or ""."""
    om, nm = old.model, new.model
    parts = []
    if om.title != nm.title:
        parts.append("de titel van het beleid")
    rules = [n for n in om.rules if n in nm.rules and _worded(om.rules[n], nm.rules[n])]
    if rules:
        shown = ", ".join(rules[:limit]) + (", …" if len(rules) > limit else "")
        parts.append(f"titel, bron, toelichting of citaat van {len(rules)} "
                     f"{'regel' if len(rules) == 1 else 'regels'} ({shown})")
    labels = [n for n in om.fields if n in nm.fields and om.fields[n].label != nm.fields[n].label]
    if labels:
        parts.append(f"de omschrijving van {len(labels)} {'gegeven' if len(labels) == 1 else 'gegevens'}")
    return "; ".join(parts)
