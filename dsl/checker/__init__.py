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

from datetime import date
from typing import assert_never

import attrs

from dsl import ast
from dsl import types as T
from dsl.checker.examples import check_examples
from dsl.checker.expressions import ExprChecker
from dsl.errors import BeleidError, Diagnostic, suggest
from dsl.parser import reserved_words
from dsl.span import Span

# The Dutch word for each kind of rule, as users read it in messages.
RULE_KINDS: dict[type[ast.RuleNode], str] = {
    ast.Calculation: "berekening", ast.Requirement: "eis", ast.Group: "groep",
    ast.Decision: "beslissing", ast.Timeline: "termijn"}


@attrs.define
class Rule:
    """A named rule: its kind, AST node, result type, the names it uses, and its group."""

    kind: str
    name: str
    node: ast.RuleNode
    type: T.Type | None = None
    deps: frozenset[str] = frozenset()
    group: str | None = None
    checked: bool = False


@attrs.define
class Model:
    """The checked policy: the syntax tree, the gegevens with their types, the rules in evaluation
    order and the type of every expression."""

    policy: ast.Policy
    fields: dict[str, tuple[ast.Field, T.Type]]
    rules: dict[str, Rule]
    types: dict[ast.Expr, T.Type]

    def field_type(self, name: str) -> T.Type:
        return self.fields[name][1]


def field_type(spec: ast.TypeSpec) -> T.Type:
    """The type of a gegeven as declared (the parser gives a duur its unit and a lijst its element)."""
    if spec.kind == "duur" and spec.unit is not None:
        return T.duration(spec.unit)
    if spec.kind == "keuze":
        return T.Type("keuze", options=spec.options)
    if spec.kind == "lijst" and spec.element is not None:
        return T.Type("lijst", element=field_type(spec.element))
    return T.SIMPLE[spec.kind]


def names_in(node: object) -> set[str]:
    """Every name an expression refers to (gegevens and rules), without checking them."""
    return {n.name for n in ast.walk(node) if isinstance(n, ast.Name | ast.Satisfies)}


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
        self.types: dict[ast.Expr, T.Type] = {}
        self.fields: dict[str, tuple[ast.Field, T.Type]] = {}
        self.rules: dict[str, Rule] = {}
        self._busy: list[str] = []
        self._cyclic: set[str] = set()   # rules already reported in a cycle

    def fail(self, span: Span, message: str, hint: str | None = None, code: str = "name") -> None:
        self.problems.append(Diagnostic(code, message, span, hint))

    def run(self) -> Model:
        self._header()
        self._declare()
        for rule in list(self.rules.values()):
            self._rule_type(rule.name)
        order = self._order()
        check_examples(self.policy, self.fields, self.rules, self.problems)
        return Model(self.policy, self.fields, {n: self.rules[n] for n in order}, self.types)

    def _header(self) -> None:
        header = self.policy.header
        if header.valid_from is None or header.valid_until is None:
            return
        first, last = header.valid_from.value, header.valid_until.value
        if isinstance(first, date) and isinstance(last, date) and first > last:
            self.fail(header.valid_from.span, "de geldigheid begint na haar einde",
                      "schrijf 'geldig van <begin> tot en met <einde>'", "header")

    # ------------------------------------------------------------ declarations
    def _declare(self) -> None:
        seen: dict[str, ast.Span] = {}

        reserved = reserved_words()

        def declare(name: str, span: Span, what: str) -> bool:
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
        others: tuple[ast.Calculation | ast.Decision | ast.Timeline, ...] = (
            *self.policy.calculations, *self.policy.decisions, *self.policy.timelines)
        for node in others:
            if declare(node.name, node.span, RULE_KINDS[type(node)]):
                self.rules[node.name] = Rule(RULE_KINDS[type(node)], node.name, node)

    # ------------------------------------------------------------ names
    def resolve(self, name: str, span: Span, requirement: bool = False) -> T.Type | None:
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
            cycle = " -> ".join([*self._busy[self._busy.index(name):], name])
            self.fail(rule.node.span, f"deze regels gebruiken elkaar in een kring: {cycle}", code="cycle")
            return None
        self._busy.append(name)
        try:
            exprs = ExprChecker(self.resolve, self.types, self.problems)
            rule.type = self._type_of(rule.node, exprs)
            rule.deps = frozenset(exprs.deps)
            rule.checked = True
        finally:
            self._busy.pop()
        return rule.type

    def _applicable(self, meta: ast.Meta, exprs: ExprChecker) -> None:
        if meta.applicable is not None:
            exprs.expect_bool(meta.applicable, "'van toepassing als'")

    # ------------------------------------------------------------ rule kinds
    def _type_of(self, node: ast.RuleNode, exprs: ExprChecker) -> T.Type | None:
        match node:
            case ast.Calculation():
                return self._calculation_type(node, exprs)
            case ast.Requirement():
                return self._requirement_type(node, exprs)
            case ast.Group():
                return self._group_type(node, exprs)
            case ast.Decision():
                return self._decision_type(node, exprs)
            case ast.Timeline():
                return self._timeline_type(node, exprs)
            case _:
                assert_never(node)

    def _calculation_type(self, node: ast.Calculation, exprs: ExprChecker) -> T.Type | None:
        self._applicable(node.meta, exprs)
        return exprs.check(node.expr)

    def _requirement_type(self, node: ast.Requirement, exprs: ExprChecker) -> T.Type:
        group_name = self.rules[node.name].group if node.name in self.rules else None
        group = self.rules[group_name].node if group_name else None
        if group is not None and group.meta.applicable is not None:
            exprs.deps.update(names_in(group.meta.applicable))
        self._applicable(node.meta, exprs)
        exprs.expect_bool(node.condition, "de voorwaarde van een eis")
        for exc in node.exceptions:
            exprs.expect_bool(exc.condition, f"'{exc.words}'")
        return T.JANEE

    def _group_type(self, node: ast.Group, exprs: ExprChecker) -> T.Type:
        self._applicable(node.meta, exprs)
        exprs.deps.update(r.name for r in node.requirements)
        return T.JANEE

    def _decision_type(self, node: ast.Decision, exprs: ExprChecker) -> T.Type | None:
        self._applicable(node.meta, exprs)
        rows = [*node.rows, *([node.otherwise] if node.otherwise else [])]
        outcome_types: list[tuple[ast.Row, T.Type | None]] = []
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
        texts = [r.outcome.value for r in rows if isinstance(r.outcome, ast.Literal) and isinstance(r.outcome.value, str)
                 and r.outcome.kind == "tekst"]
        if len(texts) == len(rows):  # every outcome a text: the decision chooses among them
            return T.Type("keuze", options=tuple(dict.fromkeys(texts)))
        return first

    def _timeline_type(self, node: ast.Timeline, exprs: ExprChecker) -> T.Type:
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
        reported: set[frozenset[str]] = set()

        def visit(name: str, stack: tuple[str, ...]) -> None:
            if name in stack:
                cycle = (*stack[stack.index(name):], name)
                if frozenset(cycle) not in reported and not any(n in self._cyclic for n in cycle):
                    reported.add(frozenset(cycle))
                    self.fail(self.rules[name].node.span,
                              f"deze regels gebruiken elkaar in een kring: {' -> '.join(cycle)}", code="cycle")
                return
            if name in placed or name not in self.rules:
                return
            for dep in sorted(self.rules[name].deps):
                visit(dep, (*stack, name))
            placed.add(name)
            done.append(name)

        for name in self.rules:
            visit(name, ())
        return done
