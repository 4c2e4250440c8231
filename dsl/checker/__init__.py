"""Checker: a parsed `ast.Policy` -> a typed `Model`, or every problem at once.

Contract: `check(policy)` resolves every name (with a "bedoelde u ...?" hint for a misspelling),
types every expression and checks units (`dsl.types`), checks exceptions, decision tables
(consistent outcome types, `anders`), timelines (an event date against moments) and voorbeelden
(known names, fitting values, statuses that fit the rule), orders the rules so that each comes
after what it uses and reports cycles. All problems are collected and raised together as one
`BeleidError`; no Python exception reaches the user for a policy mistake.
The `Model` is what every back end consumes: the AST plus a type for every expression, the
rules by name in evaluation order, and the gegevens with their types.
"""

from __future__ import annotations

import attrs

from dsl import ast
from dsl import types as T
from dsl.checker.expressions import ExprChecker
from dsl.checker.examples import check_examples
from dsl.errors import BeleidError, Diagnostic, suggest
from dsl.parser import reserved_words

RULE_KINDS = {ast.Calculation: "berekening", ast.Requirement: "eis", ast.Group: "groep",
              ast.Decision: "beslissing", ast.Timeline: "termijn"}


@attrs.define
class Rule:
    """A named rule: its kind, AST node, result type, the names it uses, and its group."""

    kind: str
    name: str
    node: object
    type: T.Type | None = None
    deps: frozenset = frozenset()
    group: str | None = None
    checked: bool = False


@attrs.define
class Model:
    policy: ast.Policy
    fields: dict            # name -> (ast.Field, Type)
    rules: dict             # name -> Rule, in evaluation order
    types: dict             # expression node -> Type

    def field_type(self, name: str) -> T.Type:
        return self.fields[name][1]


def field_type(spec: ast.TypeSpec) -> T.Type:
    if spec.kind == "duur":
        return T.duration(spec.unit)
    if spec.kind == "keuze":
        return T.Type("keuze", options=spec.options)
    if spec.kind == "lijst":
        return T.Type("lijst", element=field_type(spec.element))
    return T.SIMPLE[spec.kind]


def names_in(node) -> set[str]:
    """Every name an expression refers to (gegevens and rules), without checking them."""
    if isinstance(node, ast.Name | ast.Satisfies):
        return {node.name}
    found: set[str] = set()
    if isinstance(node, tuple):
        for item in node:
            found |= names_in(item)
    elif attrs.has(type(node)):
        for field in attrs.fields(type(node)):
            if field.name != "span":
                found |= names_in(getattr(node, field.name))
    return found


def check(policy: ast.Policy) -> Model:
    """Check a policy; return its typed Model or raise BeleidError listing every problem."""
    checker = _Checker(policy)
    model = checker.run()
    if checker.problems:
        problems = sorted(checker.problems, key=lambda d: (d.span.line, d.span.column) if d.span else (0, 0))
        raise BeleidError(problems, policy.filename, policy.text)
    return model


class _Checker:
    def __init__(self, policy: ast.Policy):
        self.policy = policy
        self.problems: list[Diagnostic] = []
        self.types: dict = {}
        self.fields: dict = {}
        self.rules: dict = {}
        self._busy: list[str] = []
        self._cyclic: set[str] = set()   # rules already reported in a cycle

    def fail(self, span, message, hint=None, code="name"):
        self.problems.append(Diagnostic(code, message, span, hint))

    def run(self) -> Model:
        self._header()
        self._declare()
        for rule in list(self.rules.values()):
            self._rule_type(rule.name)
        order = self._order()
        check_examples(self.policy, self.fields, self.rules, self.types, self.problems)
        return Model(self.policy, self.fields, {n: self.rules[n] for n in order}, self.types)

    def _header(self) -> None:
        header = self.policy.header
        first, last = (getattr(header.valid_from, "value", None), getattr(header.valid_until, "value", None))
        if first is not None and last is not None and first > last:
            self.fail(header.valid_from.span, "de geldigheid begint na haar einde",
                      "schrijf 'geldig van <begin> tot en met <einde>'", "header")

    # ------------------------------------------------------------ declarations
    def _declare(self) -> None:
        seen: dict[str, ast.Span] = {}

        reserved = reserved_words()

        def declare(name, span, what):
            if name.lower() in reserved:
                self.fail(span, f"'{name}' is een sleutelwoord en kan geen naam van een {what} zijn",
                          "kies een andere naam (de sleutelwoorden staan in docs/taal.md, 'Vorm')", "name")
            if name in seen:
                self.fail(span, f"'{name}' is al eerder gedeclareerd (regel {seen[name].line})",
                          "geef elke regel en elk gegeven een eigen naam", "duplicate")
                return False
            seen[name] = span
            return True

        for f in self.policy.fields:
            if declare(f.name, f.span, "gegeven"):
                self.fields[f.name] = (f, field_type(f.type))
                if f.type.kind == "keuze" and len(set(f.type.options)) != len(f.type.options):
                    self.fail(f.type.span, "een keuze noemt dezelfde optie twee keer", code="keuze")
        for group in self.policy.groups:
            group_ok = declare(group.name, group.span, "groep")
            for req in group.requirements:
                if declare(req.name, req.span, "eis"):
                    self.rules[req.name] = Rule("eis", req.name, req, group=group.name if group_ok else None)
            if group_ok:  # after its requirements, so the rules keep the order of the text
                self.rules[group.name] = Rule("groep", group.name, group)
        for node in (*self.policy.calculations, *self.policy.decisions, *self.policy.timelines):
            if declare(node.name, node.span, RULE_KINDS[type(node)]):
                self.rules[node.name] = Rule(RULE_KINDS[type(node)], node.name, node)

    # ------------------------------------------------------------ names
    def resolve(self, name: str, span, requirement: bool = False) -> T.Type | None:
        if requirement:
            rule = self.rules.get(name)
            if rule is None or rule.kind not in ("eis", "groep"):
                names = [r.name for r in self.rules.values() if r.kind in ("eis", "groep")]
                self.fail(span, f"'{name}' is geen eis of groep van eisen", suggest(name, names))
                return None
            return self._rule_type(name)
        if name in self.fields:
            return self.fields[name][1]
        if name in self.rules:
            return self._rule_type(name)
        self.fail(span, f"onbekende naam '{name}'", suggest(name, [*self.fields, *self.rules]))
        return None

    def _rule_type(self, name: str) -> T.Type | None:
        rule = self.rules[name]
        if rule.checked:
            return rule.type
        if name in self._busy:
            self._cyclic.update(self._busy[self._busy.index(name):])
            cycle = " -> ".join(self._busy[self._busy.index(name):] + [name])
            self.fail(rule.node.span, f"deze regels gebruiken elkaar in een kring: {cycle}", code="cycle")
            return None
        self._busy.append(name)
        try:
            exprs = ExprChecker(self.resolve, self.types, self.problems)
            rule.type = getattr(self, "_type_" + rule.kind)(rule.node, exprs)
            rule.deps = frozenset(exprs.deps)
            rule.checked = True
        finally:
            self._busy.pop()
        return rule.type

    def _applicable(self, meta: ast.Meta, exprs: ExprChecker) -> None:
        if meta.applicable is not None:
            exprs.expect_bool(meta.applicable, "'van toepassing als'")

    # ------------------------------------------------------------ rule kinds
    def _type_berekening(self, node: ast.Calculation, exprs):
        self._applicable(node.meta, exprs)
        return exprs.check(node.expr)

    def _type_eis(self, node: ast.Requirement, exprs):
        group_name = self.rules[node.name].group if node.name in self.rules else None
        group = self.rules[group_name].node if group_name else None
        if group is not None and group.meta.applicable is not None:
            exprs.deps.update(names_in(group.meta.applicable))
        self._applicable(node.meta, exprs)
        exprs.expect_bool(node.condition, "de voorwaarde van een eis")
        for exc in node.exceptions:
            exprs.expect_bool(exc.condition, f"'{exc.words}'")
        return T.JANEE

    def _type_groep(self, node: ast.Group, exprs):
        self._applicable(node.meta, exprs)
        exprs.deps.update(r.name for r in node.requirements)
        return T.JANEE

    def _type_beslissing(self, node: ast.Decision, exprs):
        self._applicable(node.meta, exprs)
        rows = [*node.rows, *([node.otherwise] if node.otherwise else [])]
        outcome_types = []
        for row in rows:
            if row.condition is not None:
                exprs.expect_bool(row.condition, "de voorwaarde na 'als'")
            outcome_types.append((row, exprs.check(row.outcome)))
        known = [(r, t) for r, t in outcome_types if t is not None]
        if not known:
            return None
        first_row, first = known[0]
        for row, t in known[1:]:
            if not (T.comparable(first, t) and (first.kind != "duur" or first.unit == t.unit)):
                self.fail(row.outcome.span, f"de uitkomsten van een beslissing moeten van één soort zijn: "
                          f"deze is een {t}, regel {first_row.span.line} een {first}", code="type")
        outcomes = [r.outcome for r in rows]
        if all(isinstance(o, ast.Literal) and o.kind == "tekst" for o in outcomes):
            return T.Type("keuze", options=tuple(dict.fromkeys(o.value for o in outcomes)))
        return first

    def _type_termijn(self, node: ast.Timeline, exprs):
        self._applicable(node.meta, exprs)
        subject = exprs.check(node.subject)
        if subject is not None and subject.kind not in T.MOMENTS:
            self.fail(node.subject.span, f"'{node.subject.name}' is een {subject}; een termijn gaat over "
                      "een gebeurtenis met een datum of tijdstip", code="type")
        moments = node.args[1:] if node.kind in ("binnen", "ten minste voor") else node.args
        for arg in moments:
            t = exprs.check(arg)
            if t is not None and t.kind not in T.MOMENTS:
                self.fail(arg.span, f"hier hoort een datum of tijdstip, maar dit is een {t}", code="unit")
        if node.kind in ("binnen", "ten minste voor"):
            t = exprs.check(node.args[0])
            if t is not None and t.kind != "duur":
                self.fail(node.args[0].span, f"hier hoort een duur (zoals 3 weken), maar dit is een {t}",
                          code="unit")
        return T.JANEE

    # ------------------------------------------------------------ order
    def _order(self) -> list[str]:
        """Rules in an order where each comes after the rules it uses (declaration order kept);
        a rule that uses itself through others (a group whose eis uses the group) is reported."""
        done: list[str] = []
        placed: set[str] = set()
        reported: set[frozenset] = set()

        def visit(name: str, stack: tuple):
            if name in stack:
                cycle = stack[stack.index(name):] + (name,)
                if frozenset(cycle) not in reported and not any(n in self._cyclic for n in cycle):
                    reported.add(frozenset(cycle))
                    self.fail(self.rules[name].node.span,
                              f"deze regels gebruiken elkaar in een kring: {' -> '.join(cycle)}", code="cycle")
                return
            if name in placed or name not in self.rules:
                return
            for dep in sorted(self.rules[name].deps):
                visit(dep, stack + (name,))
            placed.add(name)
            done.append(name)

        for name in self.rules:
            visit(name, ())
        return done
