"""Lowering: a checked syntax tree (`dsl.checker.Model`) -> the core model (`dsl.core.Policy`).

Contract: `lower(checked)` runs only on a policy the checker accepted, so every name resolves and
every expression has a type; it decides each rule's meaning once (see `dsl.core.model`) and never
reports a user mistake. This module and the checker are the only ones after the parser that
read the syntax tree; every back end and view reads what this returns.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from dsl import ast
from dsl import types as T
from dsl.checker.versions import day_text, validity_dates
from dsl.core import expr as E
from dsl.core import model as M
from dsl.core import network as N

_YES_NO_KINDS = ("eis", "groep", "termijn")


def lower(checked) -> M.Policy:
    """The core model of a checked policy."""
    return _Lowering(checked).policy()


def _unit(t: T.Type) -> str:
    if t.unit is None:  # the checker gives every duration its family
        raise TypeError(f"a {t} without a unit")
    return t.unit


def _typed(t: T.Type | None, name: str) -> T.Type:
    if t is None:  # the checker types every rule of a policy it accepts
        raise TypeError(f"rule '{name}' has no type")
    return t


def literal_value(node, t: T.Type | None = None) -> Any:
    """The runtime value of a value written in a voorbeeld (`onbekend` is None), converted to
    the type `t` it is given for (an aantal is an int; a duration a count in its base unit)."""
    if isinstance(node, ast.UnknownLiteral):
        return None
    if isinstance(node, ast.ListLiteral):
        element = t.element if t is not None and t.kind == "lijst" else None
        return tuple(literal_value(i, element) for i in node.items)
    if t is not None and t.kind == "per periode" and not isinstance(node, ast.UnknownLiteral):
        element = t.element
        if not isinstance(node, ast.PeriodHistoryLiteral):   # a plain value: the same on every day
            return ((E.EVERY_DAY, literal_value(node, element)),)
        return tuple(sorted((day.value, literal_value(item, element)) for day, item in node.entries))
    if isinstance(node, ast.HistoryLiteral):   # a value per year: ((year, value), ...), onbekend years left out
        element = t.element if t is not None and t.kind == "per jaar" else None
        years = ((year, literal_value(item, element)) for year, item in node.entries)
        return tuple(sorted((year, value) for year, value in years if value is not None))
    if node.kind == "duur":
        return T.duration_count(*node.value)
    if t is not None and t.kind == "aantal" and node.value is not None:
        return int(node.value)
    return node.value


def _key(value) -> tuple:
    """A written value as the key rows are compared by (the checker's `_literal_key`)."""
    return (value.kind, value.value)


def _outcomes(row: ast.Row) -> tuple:
    """Every written outcome of a row: each named one, or its one outcome."""
    return tuple(o.value for o in row.named) or (row.outcome,)


def _ranked(row: ast.Row, node: ast.Decision):
    """The outcome of a row that its `voorrang` orders: the named one, or its one outcome."""
    if node.priority_output is None:
        return row.outcome
    return next(o.value for o in row.named if o.name == node.priority_output)


def _all_of(parts: list[E.Expr | None]) -> E.Expr:
    """The Kleene `en` of the parts that are there (one part: itself)."""
    present = [p for p in parts if p is not None]
    if len(present) == 1:
        return present[0]
    return E.And(tuple(present), T.JANEE, present[-1].span, frozenset().union(*(p.inputs for p in present)))


def year_words(offset: int) -> str:
    """How a year relative to the peildatum's reads: "in het vorige jaar", "3 jaar voor het lopende jaar"."""
    return {0: "in het lopende jaar", -1: "in het vorige jaar", -2: "in het voorvorige jaar"}.get(
        offset, f"{-offset} jaar voor het lopende jaar" if offset < 0 else f"{offset} jaar na het lopende jaar")


def _one_day(span: ast.Span) -> E.Const:
    return E.Const(1, T.duration("dagen"), "1 dag", span)


def period_bounds(period: E.PeriodLength, span: ast.Span) -> tuple[E.Expr | None, E.Expr | None, bool, bool]:
    """(start, end, strict, exact) of a termijn whose event is the end B of `period`: the meaning
    of the period (E `op` S, with E = B + 1 dag when the last day counts) solved for B. With c one
    day when the last day counts (else none): `<=` is B <= S - c, `<` is B < S - c, `>=` is
    B >= S - c, `>` is B >= S - c + 1 dag, `==` is B on S - c."""
    limit = period.right
    assert isinstance(limit, E.Shift)   # the lowering shifts the start by the length
    def moved(days: int) -> E.Expr:
        if days == 0:
            return limit
        one = _one_day(span)
        return E.Shift(limit, one, 1 if days > 0 else -1, "dagen", limit.type, span, limit.inputs)
    back = -1 if period.end_counted else 0
    match period.op:
        case "<=":
            return (None, limit, True, False) if period.end_counted else (None, limit, False, False)
        case "<":
            return None, moved(back), True, False
        case ">=":
            return moved(back), None, False, False
        case ">":
            return moved(back + 1), None, False, False
        case "==":
            return None, moved(back), False, True
    raise TypeError(f"a termijn cannot test a period with {period.op}")   # the checker refuses `!=`


def _quotes(row: ast.Row) -> tuple[tuple[str, ...], tuple[ast.Span, ...]]:
    """The texts of a row's `citaat`s and where they stand."""
    return tuple(q.text for q in row.quotes), tuple(q.span for q in row.quotes)


def _text_between(text: str, first: ast.Span, last: ast.Span) -> str:
    """The policy text from the start of `first` to the end of `last`, on one line."""
    lines = text.splitlines()[first.line - 1:last.end_line]
    if not lines:
        return ""
    lines[-1] = lines[-1][:last.end_column]
    lines[0] = lines[0][first.column - 1:]
    return " ".join(" ".join(lines).split())


class _Lowering:
    def __init__(self, checked):
        self.checked = checked
        self.syntax: ast.Policy = checked.policy
        self.types: dict = checked.types
        self.fields: dict[str, M.Field] = {
            name: M.Field(name, t, f.label, f.span, i, f.judgement and f.judgement.by, f.judgement and f.judgement.note)
            for i, (name, (f, t)) in enumerate(checked.fields.items())}
        self.rules: dict[str, M.Rule] = {}
        self.gates: dict[str, M.Gate] = {}
        self.version_info: dict[str, tuple[E.Version, ...]] = {}
        self.periods: dict[ast.Timeline, E.PeriodLength] = {}
        self.year_offset: int | None = None   # in `in elk van de afgelopen N jaar`: the year being lowered   # a period termijn's lowered period, by version
        self.period_day: E.PeriodDay | None = None   # in `gedurende de periode van ...`: the day it tests

    # ------------------------------------------------------------ policy
    def policy(self) -> M.Policy:
        header = self.syntax.header
        for name, rule in self.checked.rules.items():
            self.rules[name] = self.rule(rule, len(self.rules))
        return M.Policy(
            title=header.title, insurer=header.insurer, care_type=header.care_type,
            valid_from=getattr(header.valid_from, "value", None),
            valid_until=getattr(header.valid_until, "value", None),
            source=header.source, note=header.note, filename=self.syntax.filename, text=self.syntax.text,
            fields=self.fields, rules=self.rules, gates=tuple(self.gates.values()),
            examples=tuple(self.example(e) for e in self.syntax.examples),
            assumptions=tuple(self.assumption(a) for a in self.syntax.assumptions),
            known_findings=tuple(self.known_finding(k, names) for k, names in self.checked.known_findings),
            network=self.network())

    # ------------------------------------------------------------ aannames and bekende bevindingen
    def assumption(self, node: ast.Assumption) -> M.Assumption:
        return M.Assumption(name=node.name, title=node.title, condition=self.expr(node.condition),
                            source=node.meta.source or self.syntax.header.source, note=node.meta.note,
                            span=node.span, quotes=tuple(q.text for q in node.meta.quotes),
                            quote_spans=tuple(q.span for q in node.meta.quotes))

    def known_finding(self, node: ast.KnownFinding, names: tuple[str, ...]) -> M.KnownFinding:
        return M.KnownFinding(kind=node.kind, rules=names,
                              region=self.expr(node.region) if node.region is not None else None,
                              source=node.meta.source, note=node.meta.note, span=node.span,
                              rule_spans=tuple(r.span for r in node.rules),
                              quotes=tuple(q.text for q in node.meta.quotes),
                              quote_spans=tuple(q.span for q in node.meta.quotes))

    # ------------------------------------------------------------ validity and versions
    def period_test(self, period: tuple, span: ast.Span) -> E.Expr | None:
        """The test of the peildatum against a period (both ends included), or None when it is open."""
        start, end = period
        if start is None and end is None:
            return None
        peil = E.Peildatum(T.DATUM, span)
        if start is not None and end is not None:
            return E.Between(peil, self.day(start, span), self.day(end, span), True, "ligt van ... tot en met",
                             T.JANEE, span, frozenset())
        if start is not None:
            return E.Compare(">=", "niet voor", peil, self.day(start, span), True, T.JANEE, span, frozenset())
        return E.Compare("<=", "uiterlijk", peil, self.day(end, span), True, T.JANEE, span, frozenset())

    @staticmethod
    def day(value, span: ast.Span) -> E.Const:
        return E.Const(value, T.DATUM, day_text(value), span)

    def versions(self, rule) -> tuple[E.Version, ...]:
        """The versions of a rule with a validity (none for a rule always in force), each with its
        own lowered `van toepassing als`."""
        if not any(v.meta.validity is not None or v.meta.amendment is not None for v in rule.versions):
            return ()
        group = self.checked.rules[rule.group].node if rule.group else None
        out = []
        for node, (start, end) in zip(rule.versions, rule.periods, strict=True):
            meta = node.meta
            source = meta.source or (group.meta.source if group else None) or self.syntax.header.source
            applicable = self.expr(meta.applicable) if meta.applicable is not None else None
            words = meta.validity.words if meta.validity is not None else ""
            out.append(E.Version(start, end, source, meta.amendment.title if meta.amendment else None,
                                 (meta.validity or node).span, words, applicable, getattr(node, "title", None),
                                 node.span))
        return tuple(out)

    def tests(self, versions: tuple[E.Version, ...]) -> list[E.Expr]:
        """A fresh test of the peildatum per version (a version always in force: a written ja)."""
        return [self.period_test((v.valid_from, v.valid_until), v.span)
                or E.Const(True, T.JANEE, "ja", v.span) for v in versions]

    def select(self, versions: tuple[E.Version, ...], choices: list[E.Expr], t: T.Type | None = None) -> E.Expr:
        """One expression per version -> the one of the version in force (itself when there is one)."""
        if len(choices) == 1:
            return choices[0]
        first = choices[0]
        return E.Versions(tuple(self.tests(versions)), tuple(choices), versions, t or first.type, first.span,
                          frozenset().union(*(c.inputs for c in choices)))

    def own_gate(self, rule) -> M.Gate | None:
        """The rule's own gate: its `van toepassing als` and its validity (per version: the version's
        period and its own condition; a rule in force nowhere else is niet van toepassing there)."""
        if rule.name in self.version_info:
            return self.gates.get(rule.name)
        versions = self.version_info[rule.name] = self.versions(rule)
        node = rule.node
        if not versions:
            if node.meta.applicable is None:
                return None
            condition: E.Expr = self.expr(node.meta.applicable)
        elif all(v.applicable is None for v in versions):
            period = (versions[0].valid_from, versions[-1].valid_until)
            test = self.period_test(period, versions[0].span)
            if test is None:
                return None
            condition = test
        else:
            parts = [_all_of([t, v.applicable]) for t, v in zip(self.tests(versions), versions, strict=True)]
            condition = parts[0] if len(parts) == 1 else E.Or(tuple(parts), T.JANEE, node.span,
                                                               frozenset().union(*(p.inputs for p in parts)))
        self.gates[rule.name] = M.Gate(rule.name, condition, condition.span)
        return self.gates[rule.name]

    # ------------------------------------------------------------ rules
    def common(self, rule, index: int) -> dict:
        node = rule.node
        group_rule = self.checked.rules[rule.group] if rule.group else None
        group = group_rule.node if group_rule else None
        gates = [g for g in ((self.own_gate(group_rule) if group_rule else None), self.own_gate(rule))
                 if g is not None]
        source = node.meta.source or (group.meta.source if group else None) or self.syntax.header.source
        deps = frozenset(d for d in rule.deps if d in self.checked.rules)
        inputs = frozenset().union(*(g.condition.inputs for g in gates), *(self.rules[d].inputs for d in deps),
                                   (d for d in rule.deps if d in self.fields))
        bound = node.meta.bound or (group.meta.bound if group else None)
        quotes = [q for version in rule.versions for q in version.meta.quotes]
        return {"name": node.name, "title": getattr(node, "title", None), "source": source, "note": node.meta.note,
                "gates": tuple(gates), "deps": deps, "inputs": inputs, "span": node.span, "index": index,
                "quotes": tuple(q.text for q in quotes), "quote_spans": tuple(q.span for q in quotes),
                "bound": M.Party(bound.party) if bound else None,
                "versions": self.version_info.get(rule.name, ())}

    def rule(self, rule, index: int) -> M.Rule:
        node, common = rule.node, self.common(rule, index)
        versions: tuple[E.Version, ...] = common["versions"]
        if rule.kind == "eis":
            strength = M.Strength.HARD if node.strength == "vereist" else M.Strength.SOFT
            tests = self.tests(versions) if len(rule.versions) > 1 else [None]
            several = len(rule.versions) > 1
            exceptions = tuple(M.Exception_(e.words, _all_of([test, self.expr(e.condition)]), e.span,
                                            number if several else None)
                               for number, (test, version) in enumerate(zip(tests, rule.versions, strict=True))
                               for e in version.exceptions)
            condition = self.select(versions, [self.expr(v.condition) for v in rule.versions])
            return M.Requirement(condition=condition, group=rule.group, type=T.JANEE, exceptions=exceptions,
                                 strength=strength, **common)
        if rule.kind == "groep":  # only the hard eisen decide the group; the soft ones are advice
            return M.Group(members=tuple(r.name for r in node.requirements if r.strength == "vereist"),
                           advice=tuple(r.name for r in node.requirements if r.strength != "vereist"),
                           type=T.JANEE, **common)
        if rule.kind in ("berekening", "bevoegdheid"):
            if node.power is not None and common["bound"] is None:  # a power is the insurer's unless said
                common["bound"] = M.Party.VERZEKERAAR
            t = _typed(rule.type, rule.name)
            return M.Calculation(expr=self.select(versions, [self.expr(v.expr) for v in rule.versions], t),
                                 type=t, power=node.power, **common)
        if rule.kind == "beslissing":
            return self.decision(rule, common)
        if rule.kind == "termijn":
            return self.timeline(rule, common)
        raise TypeError(f"unknown rule kind {rule.kind}")

    def decision(self, rule, common: dict) -> M.Decision:
        """The rows of every version in order, each with its version's test (and its own validity)
        in its condition; the `anders` of the version in force."""
        versions: tuple[E.Version, ...] = common["versions"]
        several = len(rule.versions) > 1
        tests = self.tests(versions) if several else [None] * len(rule.versions)
        rows: list[M.Row] = []
        node = rule.node
        keys = [_key(v) for v in node.priority]
        agree: dict[tuple, int] = {}
        for number, (test, version) in enumerate(zip(tests, rule.versions, strict=True)):
            for r in version.rows:
                own = self.period_test(validity_dates(r.validity), r.validity.span) if r.validity else None
                condition = _all_of([test, own, self.expr(r.condition)])
                rank = keys.index(_key(_ranked(r, node))) if keys else None
                same = agree.setdefault(tuple(_key(v) for v in _outcomes(r)), len(rows)) \
                    if node.hit_policy == "om het even" else None
                rows.append(M.Row(len(rows), condition, self.expr(r.outcome), r.source, r.span, *_quotes(r),
                                  number if several else None, rank, same))
        t = _typed(rule.type, rule.name)
        otherwise = None
        last = rule.node.otherwise
        if last is not None:
            outcome = self.select(versions, [self.expr(v.otherwise.outcome) for v in rule.versions], t)
            if node.hit_policy == "aantal" and isinstance(outcome, E.Const) and outcome.type.kind != "aantal":
                outcome = E.Const(int(outcome.value), T.AANTAL, outcome.text, outcome.span)   # `anders 0`: a count
            otherwise = M.Row(len(rows), None, outcome, last.source, last.span, *_quotes(last))
        return M.Decision(hit_policy=M.HitPolicy(rule.node.hit_policy), rows=tuple(rows), otherwise=otherwise,
                          type=t, table=node.table, outputs=node.outputs,
                          priority=tuple(literal_value(v) for v in node.priority),
                          priority_output=node.priority_output, partial=node.partial is not None,
                          partial_note=node.partial.reason if node.partial is not None else None, **common)

    def timeline(self, rule, common: dict) -> M.Timeline:
        versions: tuple[E.Version, ...] = common["versions"]
        kind = M.TimelineKind(rule.node.kind)
        parts = [self.timeline_parts(node) for node in rule.versions]
        subjects = [p[0] for p in parts]
        same_subject = all(isinstance(s, E.Input) and s.name == subjects[0].name for s in subjects)  # type: ignore[union-attr]
        subject = subjects[0] if same_subject else self.select(versions, subjects)
        slots = []
        for i in (1, 2, 3):
            choices = [p[i] for p in parts]
            slots.append(None if choices[0] is None else self.select(versions, choices))  # type: ignore[arg-type]
        start, end, base = slots
        if base is not None and parts[0][3] is parts[0][1]:   # `binnen`: it counts from its start
            start = base
        strict = kind in (M.TimelineKind.VOOR, M.TimelineKind.VAN_TOT)
        exact = kind is M.TimelineKind.OP
        period = None
        if kind is M.TimelineKind.PERIODE:   # its strict and exact follow from the period's words
            first = self.periods[rule.versions[0]]
            strict, exact = period_bounds(first, first.span)[2:]
            period = first if len(rule.versions) == 1 else None
        return M.Timeline(subject=subject, words=kind, start=start, end=end, base=base,
                          strict=strict, exact=exact, type=T.JANEE, period=period, **common)

    def timeline_parts(self, node: ast.Timeline) -> tuple[E.Expr, E.Expr | None, E.Expr | None, E.Expr | None]:
        """(subject, start, end, base) of one version of a termijn, durations applied."""
        kind = M.TimelineKind(node.kind)
        args = [self.expr(a) for a in node.args]
        start = end = base = None
        if kind in (M.TimelineKind.UITERLIJK, M.TimelineKind.VOOR, M.TimelineKind.OP):
            end = args[0]
        elif kind is M.TimelineKind.NIET_VOOR:
            start = args[0]
        elif kind is M.TimelineKind.BINNEN:
            base = start = args[1]
            end = self.shift(args[1], args[0], +1, node.span)
        elif kind is M.TimelineKind.TEN_MINSTE_VOOR:
            base = args[1]
            end = self.shift(args[1], args[0], -1, node.span)
        elif kind is M.TimelineKind.PERIODE:
            period = args[0]
            assert isinstance(period, E.PeriodLength)
            self.periods[node] = period
            start, end = period_bounds(period, period.span)[:2]
            return period.end, start, end, None
        else:
            start, end = args
        return self.expr(node.subject), start, end, base

    # ------------------------------------------------------------ examples
    def example(self, example: ast.Example) -> M.Example:
        givens = {}
        peil = None
        for given in example.givens:
            if given.name == "peildatum":
                peil = literal_value(given.value)
            else:
                givens[given.name] = literal_value(given.value, self.fields[given.name].type)
        expectations = []
        for e in example.expectations:
            rule = self.rules[e.name]
            if e.status is not None or e.value is None:  # the parser gives either a status or a value
                value, text = None, e.status or ""
            else:
                value, text = literal_value(e.value, getattr(rule, "type", None)), e.value.text
            expectations.append(M.Expectation(e.name, M.Status(e.status) if e.status else None, value, text, e.span))
        return M.Example(example.title, givens, peil, tuple(expectations), example.meta.source, example.span)

    # ------------------------------------------------------------ netwerkeisen and voorkeuren
    def network(self) -> N.Network | None:
        """The network rules and rankings (`dsl.core.network`), or None when the policy has none."""
        syntax = self.syntax
        if not syntax.networks and not syntax.rankings:
            return None
        return N.Network(tuple(self.network_rule(r) for r in syntax.networks),
                         tuple(self.ranking(r) for r in syntax.rankings))

    def network_rule(self, node: ast.NetworkRule) -> N.NetworkRule:
        count = int(node.count.value) if node.count is not None and isinstance(node.count.value, Decimal) else None
        share = node.share.value if node.share is not None and isinstance(node.share.value, Decimal) else None
        return N.NetworkRule(
            name=node.name, title=node.title, source=node.meta.source or self.syntax.header.source,
            note=node.meta.note, quotes=tuple(q.text for q in node.meta.quotes),
            quote_spans=tuple(q.span for q in node.meta.quotes),
            bound=M.Party(node.meta.bound.party) if node.meta.bound else None,
            strength=M.Strength.HARD if node.strength == "vereist" else M.Strength.SOFT,
            group_by=tuple(n.name for n in node.group_by), noun=node.noun,
            scope=self.expr(node.scope.condition) if node.scope is not None else None,
            condition=self.expr(node.condition), quantifier=N.Quantifier(node.quantifier), count=count,
            share=share, span=node.span, written=_text_between(self.syntax.text, node.quantifier_span, node.condition.span),
            scope_written=_text_between(self.syntax.text, node.scope.span, node.scope.span) if node.scope else "")

    def ranking(self, node: ast.Ranking) -> N.Ranking:
        criteria = tuple(N.Criterion(direction=N.Direction(c.direction), expr=self.expr(c.expr), source=c.source,
                                     quotes=tuple(q.text for q in c.quotes), span=c.span) for c in node.criteria)
        quotes = [*node.meta.quotes, *(q for c in node.criteria for q in c.quotes)]
        return N.Ranking(
            name=node.name, title=node.title, source=node.meta.source or self.syntax.header.source,
            note=node.meta.note, quotes=tuple(q.text for q in quotes), quote_spans=tuple(q.span for q in quotes),
            group_by=tuple(n.name for n in node.group_by), noun=node.scope.noun if node.scope else None,
            scope=self.expr(node.scope.condition) if node.scope is not None else None, criteria=criteria,
            span=node.span)

    # ------------------------------------------------------------ expressions
    def type_of(self, node) -> T.Type:
        t = self.types.get(node)
        if t is None:
            raise TypeError(f"untyped expression at {node.span}: the checker must type every expression")
        return t

    def shift(self, base: E.Expr, amount: E.Expr, direction: int, span) -> E.Shift:
        unit = _unit(amount.type)
        return E.Shift(base, amount, direction, unit, base.type if unit != "seconden" else T.TIJDSTIP, span,
                       base.inputs | amount.inputs)

    def expr(self, node) -> E.Expr:
        method = _LOWERINGS.get(type(node))
        if method is None:  # every expression class of the syntax tree has a lowering; a missing one is a bug
            raise TypeError(f"no lowering for {type(node).__name__}")
        return method(self, node)

    def many(self, nodes) -> tuple[tuple[E.Expr, ...], frozenset[str]]:
        lowered = tuple(self.expr(n) for n in nodes)
        return lowered, frozenset().union(*(e.inputs for e in lowered))

    def x_Name(self, node: ast.Name) -> E.Expr:
        field = self.fields.get(node.name)
        if field is not None and field.type.kind == "per periode":   # its value on the day being tested
            element = field.type.element
            assert element is not None   # the checker gives a gegeven per periode its element type
            day: E.Expr = self.period_day if self.period_day is not None else E.Peildatum(T.DATUM, node.span)
            return E.OnDay(node.name, day, element, node.span, frozenset((node.name,)))
        if field is not None and field.type.kind == "per jaar":   # in `in elk van de afgelopen N jaar`
            if self.year_offset is None:   # the checker refuses a gegeven per jaar read as one value
                raise TypeError(f"a value per year read as one value at {node.span}")
            return self.year_value(node.name, self.year_offset, node.span)
        if node.name in self.fields:
            return E.Input(node.name, self.fields[node.name].type, node.span, frozenset((node.name,)))
        rule = self.rules[node.name]
        seen = T.JANEE if rule.kind in _YES_NO_KINDS else _typed(getattr(rule, "type", None), rule.name)
        return E.RuleRef(node.name, seen, node.span, rule.inputs)

    def x_Satisfies(self, node: ast.Satisfies) -> E.Expr:
        rule = self.rules[node.name]
        ref = E.RuleRef(node.name, T.JANEE, node.span, rule.inputs)
        return E.Not(ref, T.JANEE, node.span, ref.inputs) if node.negated else ref

    def x_Peildatum(self, node: ast.Peildatum) -> E.Expr:
        return E.Peildatum(T.DATUM, node.span)

    def x_Literal(self, node: ast.Literal) -> E.Expr:
        t = self.type_of(node)
        value: Any = node.value
        if isinstance(node.value, tuple):  # a duur: (amount, unit)
            value = T.duration_count(*node.value)
        elif t == T.AANTAL and isinstance(node.value, Decimal):
            value = int(node.value)
        return E.Const(value, t, node.text, node.span)

    def x_Compare(self, node: ast.Compare) -> E.Expr:
        left, right = self.expr(node.left), self.expr(node.right)
        moments = left.type.kind in T.MOMENTS or right.type.kind in T.MOMENTS
        return E.Compare(node.op, node.words, left, right, moments, T.JANEE, node.span, left.inputs | right.inputs)

    def x_Member(self, node: ast.Member) -> E.Expr:
        (operand, *options), inputs = self.many((node.operand, *node.options))
        return E.Member(operand, tuple(options), node.negated, T.JANEE, node.span, inputs)

    def x_Between(self, node: ast.Between) -> E.Expr:
        (operand, low, high), inputs = self.many((node.operand, node.low, node.high))
        return E.Between(operand, low, high, node.high_inclusive, node.words, T.JANEE, node.span, inputs)

    def x_Each(self, node: ast.Each) -> E.Expr:
        (collection, right), inputs = self.many((node.collection, node.right))
        return E.Each(collection, node.op, node.words, right, T.JANEE, node.span, inputs)

    def x_Weekly(self, node: ast.Weekly) -> E.Expr:
        operand = self.expr(node.operand)
        return E.Weekly(operand, tuple(node.days), node.start, node.end, node.end_inclusive, node.words,
                        T.JANEE, node.span, operand.inputs)

    def x_BoolOp(self, node: ast.BoolOp) -> E.Expr:
        items, inputs = self.many(node.items)
        cls = E.And if node.op == "en" else E.Or
        return cls(items, T.JANEE, node.span, inputs)

    def x_Not(self, node: ast.Not) -> E.Expr:
        operand = self.expr(node.operand)
        return E.Not(operand, T.JANEE, node.span, operand.inputs)

    def x_Known(self, node: ast.Known) -> E.Expr:
        operand = self.expr(node.operand)
        return E.Known(operand, node.negated, node.words, T.JANEE, node.span, operand.inputs)

    def x_Arith(self, node: ast.Arith) -> E.Expr:
        left, right = self.expr(node.left), self.expr(node.right)
        t = self.type_of(node)
        if left.type.kind in T.MOMENTS and right.type.kind == "duur":
            shifted = self.shift(left, right, -1 if node.op == "-" else +1, node.span)
            return E.Shift(shifted.base, shifted.amount, shifted.direction, shifted.unit, t, node.span,
                           shifted.inputs)
        if left.type.kind in T.MOMENTS and right.type.kind in T.MOMENTS:
            return E.MomentDiff(left, right, _unit(t), t, node.span, left.inputs | right.inputs)
        if node.op == "^" and isinstance(left, E.Const) and isinstance(right, E.Const):
            value = E.power_value(left.value, right.value, whole=t.kind == "aantal")   # `10 tot de macht 6`
            if value is not None:
                return E.Const(value, t, f"{left.text} tot de macht {right.text}", node.span)
        return E.Arith(node.op, left, right, t, node.span, left.inputs | right.inputs)

    def x_Neg(self, node: ast.Neg) -> E.Expr:
        operand = self.expr(node.operand)
        return E.Neg(operand, self.type_of(node), node.span, operand.inputs)

    def x_PercentOf(self, node: ast.PercentOf) -> E.Expr:
        (percent, base), inputs = self.many((node.percent, node.base))
        return E.PercentOf(percent, base, self.type_of(node), node.span, inputs)

    def x_Shift(self, node: ast.Shift) -> E.Expr:
        base, amount = self.expr(node.base), self.expr(node.amount)
        return E.Shift(base, amount, node.direction, _unit(amount.type), self.type_of(node), node.span,
                       base.inputs | amount.inputs)

    def x_DayOf(self, node: ast.DayOf) -> E.Expr:
        base = self.expr(node.base)
        return E.DayOf(node.number, base, self.type_of(node), node.span, base.inputs)

    def x_Aggregate(self, node: ast.Aggregate) -> E.Expr:
        operand = self.expr(node.operand)
        bound = self.expr(node.where_bound) if node.where_bound is not None else None
        inputs = operand.inputs | (bound.inputs if bound is not None else frozenset())
        return E.Aggregate(node.func, operand, node.where_op, node.where_words, bound, self.type_of(node),
                           node.span, inputs)

    def x_ListExpr(self, node: ast.ListExpr) -> E.Expr:
        items = tuple(self.expr(i) for i in node.items)
        return E.ListOf(items, self.type_of(node), node.span, frozenset().union(*(i.inputs for i in items)))

    def x_YearDate(self, node: ast.YearDate) -> E.Expr:
        return E.YearDate(node.month, node.day, node.offset, node.text, T.DATUM, node.span)

    def x_PeriodLength(self, node: ast.PeriodLength) -> E.Expr:
        """The length of a period as the comparison it means (`dsl.core.expr.PeriodLength`): the
        first day after the period against the start shifted by the length."""
        start, end, length = self.expr(node.start), self.expr(node.end), self.expr(node.length)
        after = self.shift(end, _one_day(node.end.span), +1, node.end.span) if node.end_counted else end
        limit = self.shift(start, length, +1, node.span)
        return E.PeriodLength(node.op, node.words, after, limit, True, T.JANEE, node.span,
                              start.inputs | end.inputs | length.inputs, start, end, node.end_counted, length)

    # ------------------------------------------------------------ values per year
    def year_value(self, name: str, offset: int, span: ast.Span) -> E.YearValue:
        """The value of gegeven per jaar `name` in the peildatum's year moved by `offset`."""
        element = self.fields[name].type.element
        assert element is not None   # the checker gives a gegeven per jaar its element type
        return E.YearValue(name, offset, None, year_words(offset), element, span, frozenset((name,)))

    def x_YearValue(self, node: ast.YearValue) -> E.Expr:
        return E.YearValue(node.name.name, node.offset, node.year, node.words, self.type_of(node), node.span,
                           frozenset((node.name.name,)))

    def x_YearsOf(self, node: ast.YearsOf) -> E.Expr:
        """`omzet over de afgelopen N jaar`: the lijst of its values in the N years before the
        peildatum's year, the oldest first (onbekend when one of them is)."""
        items = tuple(self.year_value(node.name.name, -k, node.span) for k in range(node.count, 0, -1))
        return E.ListOf(items, self.type_of(node), node.span, frozenset((node.name.name,)))

    def x_EachYear(self, node: ast.EachYear) -> E.Expr:
        """`in elk van de afgelopen N jaar: c`: c for the year before the peildatum's, and the one
        before that, ... (N times), joined with Kleene `en`: niet voldaan as soon as one year fails,
        onbekend when no year fails and one is unknown."""
        items = []
        for k in range(1, node.count + 1):
            self.year_offset = -k
            try:
                items.append(self.expr(node.body))
            finally:
                self.year_offset = None
        return E.And(tuple(items), T.JANEE, node.span, frozenset().union(*(i.inputs for i in items)))

    def x_Throughout(self, node: ast.Throughout) -> E.Expr:
        """`gedurende de periode van A tot en met B: c` (`dsl.core.expr.Throughout`): c with each
        gegeven per periode read on the day the node tests."""
        start, end = self.expr(node.period.start), self.expr(node.period.end)
        day = E.PeriodDay(T.DATUM, node.period.span)
        outer, self.period_day = self.period_day, day
        try:
            condition = self.expr(node.body)
        finally:
            self.period_day = outer
        histories = tuple(dict.fromkeys(n.name for n in E.walk(condition) if isinstance(n, E.OnDay) and n.day is day))
        return E.Throughout(start, end, node.period.end_counted, day, condition, histories, node.period.words,
                            T.JANEE, node.span, start.inputs | end.inputs | condition.inputs)

    def x_Round(self, node: ast.Round) -> E.Expr:
        operand = self.expr(node.operand)
        if node.places is None:  # the parser reports a number of decimals that is not whole
            raise TypeError(f"rounding without a number of decimals at {node.span}")
        return E.Round(operand, node.places, E.RoundMode(node.mode), node.words, self.type_of(node), node.span,
                       operand.inputs)


# The lowering of each expression class of the syntax tree (tests check that none is missing).
_LOWERINGS: dict[type, Callable[[_Lowering, Any], E.Expr]] = {
    ast.Name: _Lowering.x_Name, ast.Satisfies: _Lowering.x_Satisfies, ast.Peildatum: _Lowering.x_Peildatum,
    ast.Literal: _Lowering.x_Literal, ast.Compare: _Lowering.x_Compare, ast.Member: _Lowering.x_Member,
    ast.Between: _Lowering.x_Between, ast.Each: _Lowering.x_Each, ast.Weekly: _Lowering.x_Weekly,
    ast.BoolOp: _Lowering.x_BoolOp, ast.Not: _Lowering.x_Not, ast.Known: _Lowering.x_Known, ast.Arith: _Lowering.x_Arith,
    ast.Neg: _Lowering.x_Neg, ast.PercentOf: _Lowering.x_PercentOf, ast.Shift: _Lowering.x_Shift,
    ast.DayOf: _Lowering.x_DayOf, ast.Aggregate: _Lowering.x_Aggregate, ast.Round: _Lowering.x_Round,
    ast.YearDate: _Lowering.x_YearDate, ast.ListExpr: _Lowering.x_ListExpr, ast.PeriodLength: _Lowering.x_PeriodLength,
    ast.YearValue: _Lowering.x_YearValue, ast.YearsOf: _Lowering.x_YearsOf, ast.EachYear: _Lowering.x_EachYear,
    ast.Throughout: _Lowering.x_Throughout,
}
LOWERED_CLASSES = frozenset(_LOWERINGS)
