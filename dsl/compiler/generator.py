"""Code generator: the core model of a policy -> one Python `ast.FunctionDef`.

Contract: `Generator(policy, traced, consts).function(name)` returns the definition of
`name(inputs, peil[, R])` -> `(statuses, values, details)`, three tuples in the order of
`policy.rules`: each rule's `Status`, its value (a decision's or calculation's, else None) and
its details (a decision's row index or marker, a termijn's (end, start), else None). Each
rule kind has one method computing the rule into its locals; `rule_value(name)` is the value a
rule has when another rule uses it (a requirement or timeline counts as ja/nee: voldaan,
gehaald and niet van toepassing are ja; onbekend stays onbekend). Each gate is computed once per
case, just before the first rule it governs. Expressions are in `dsl.compiler.expressions`.

Locals of rule number i: `r{i}` its status, `x{i}` its value, `d{i}` its detail (a decision's
row, a termijn's end moment), `b{i}` a termijn's start moment, `g{k}` gate number k.
"""

from __future__ import annotations

import ast as py
import sys
from datetime import date, datetime, timedelta
from typing import assert_never

from dsl.compiler.expressions import ExpressionGenerator
from dsl.compiler.pyast import _assign, _c, _call, _if, _is, _n, _or, _stamp
from dsl.core import expr as E
from dsl.core import model as M
from dsl.core.model import ROW_NONE, ROW_NVT, ROW_OVERLAP, ROW_UNKNOWN, Status


def _eq(a, value):
    return py.Compare(left=a, ops=[py.Eq()], comparators=[_c(value)])


def _tuple(*elts):
    return py.Tuple(elts=list(elts), ctx=py.Load())


def _guarded_comparison(expr: py.expr) -> tuple[py.expr, py.Compare] | None:
    """(unknown test, comparison) of `None if <unknown test> else <comparison>`, the form
    `unknown_guard` gives a comparison (whose result is always a bool), or None for any other."""
    if (type(expr) is py.IfExp and type(expr.body) is py.Constant and expr.body.value is None
            and type(expr.orelse) is py.Compare):
        return expr.test, expr.orelse
    return None


def _condition(row: M.Row):
    assert row.condition is not None   # only `anders` has none, and it is not among a decision's rows
    return row.condition


def _eq_expr(a: py.expr, b: py.expr) -> py.Compare:
    return py.Compare(left=a, ops=[py.Eq()], comparators=[b])


def _suffix(local: str) -> str:
    return local[1:]


class Generator(ExpressionGenerator):
    def __init__(self, policy: M.Policy, traced: bool, consts: dict):
        super().__init__(policy, traced, consts)
        self.gate_locals: dict[str, str] = {}
        self.pending: list[py.stmt] = []

    # ------------------------------------------------------------ function
    def function(self, name: str) -> py.FunctionDef:
        body: list[py.stmt] = []
        fields = list(self.policy.fields)
        if fields:
            target = py.Tuple(elts=[_n(self.locals[f], store=True) for f in fields], ctx=py.Store())
            body.append(py.Assign(targets=[target], value=_n("inputs")))
        for rule in self.policy.rules.values():
            self.current_rule = rule.name
            body.extend(self.rule(rule))
        rules = list(self.policy.rules.values())
        parts: list[py.expr] = [py.Tuple(elts=[getter(r) for r in rules], ctx=py.Load())
                                for getter in (self.status_local, self.value_local, self.detail_local)]
        body.append(py.Return(value=py.Tuple(elts=parts, ctx=py.Load())))
        args = [py.arg(arg="inputs"), py.arg(arg="peil")] + ([py.arg(arg="R")] if self.traced else [])
        extra: dict = {"type_params": []} if sys.version_info >= (3, 12) else {}
        return py.FunctionDef(name=name, args=py.arguments(posonlyargs=[], args=args, kwonlyargs=[],
                                                           kw_defaults=[], defaults=[]),
                              body=body, decorator_list=[], returns=None, **extra)

    # ------------------------------------------------------------ what a rule gives
    def status_local(self, rule: M.Rule) -> py.expr:
        return _n(self.locals[rule.name])

    def value_local(self, rule: M.Rule) -> py.expr:
        if rule.kind in (M.RuleKind.DECISION, M.RuleKind.CALCULATION):
            return _n("x" + _suffix(self.locals[rule.name]))
        return _c(None)

    def detail_local(self, rule: M.Rule) -> py.expr:
        i = _suffix(self.locals[rule.name])
        if rule.kind is M.RuleKind.DECISION:
            return _n("d" + i)
        if rule.kind is M.RuleKind.TIMELINE:
            return _tuple(_n("d" + i), _n("b" + i))
        return _c(None)

    def rule_value(self, name: str) -> py.expr:
        """A rule's value as another rule sees it (see the module contract)."""
        rule = self.policy.rules[name]
        local = _n(self.locals[name])
        if rule.kind in (M.RuleKind.REQUIREMENT, M.RuleKind.GROUP):
            yes, no = Status.VOLDAAN, Status.NIET_VOLDAAN
        elif rule.kind is M.RuleKind.TIMELINE:
            yes, no = Status.GEHAALD, Status.NIET_GEHAALD
        else:
            return self.value_local(rule)
        return _if(_or(_is(local, self.const(yes)), _is(local, self.const(Status.NVT))), _c(True),
                   _if(_is(local, self.const(no)), _c(False), _c(None)))

    def rule(self, rule: M.Rule) -> list[py.stmt]:
        self.pending = []
        statements = self.kind_statements(rule)
        statements = self.pending + statements
        if self.traced:
            result = _tuple(self.status_local(rule), self.value_local(rule), self.detail_local(rule))
            statements.append(py.Expr(value=self.record(rule, result)))
        for statement in statements:
            _stamp(statement, rule.span)
        return statements

    def kind_statements(self, rule: M.Rule) -> list:
        match rule:
            case M.Calculation():
                return self.calculation(rule)
            case M.Requirement():
                return self.requirement(rule)
            case M.Group():
                return self.group(rule)
            case M.Decision():
                return self.decision(rule)
            case M.Timeline():
                return self.timeline(rule)
            case _:
                assert_never(rule)

    # ------------------------------------------------------------ gates
    def applicability(self, rule: M.Rule) -> py.expr | None:
        """The Kleene `en` of the rule's gates (each computed once per case), or None."""
        if not rule.gates:
            return None
        names: list[py.expr] = []
        for gate in rule.gates:
            if gate.name not in self.gate_locals:
                local = f"g{len(self.gate_locals)}"
                self.gate_locals[gate.name] = local
                owner, self.current_rule = self.current_rule, gate.name  # its steps belong to its rule
                self.pending.append(_stamp(_assign(local, self.expr(gate.condition)), gate.span))
                self.current_rule = owner
            names.append(_n(self.gate_locals[gate.name]))
        return names[0] if len(names) == 1 else self.kleene(True, names)

    def gated(self, rule, when_applicable, not_applicable, unknown):
        """`not_applicable if app is False else (unknown if app is None else when_applicable)`."""
        app = self.applicability(rule)
        if app is None:
            return when_applicable
        first, later = self.bind(app)
        return _if(_is(first, _c(False)), not_applicable, _if(_is(later, _c(None)), unknown, when_applicable))

    def status(self, test_true, test_false, yes: Status, no: Status) -> py.expr:
        return _if(test_true, self.const(yes), _if(test_false, self.const(no), self.const(Status.ONBEKEND)))

    # ------------------------------------------------------------ kinds
    def calculation(self, rule: M.Calculation) -> list:
        status, value = self.locals[rule.name], "x" + _suffix(self.locals[rule.name])
        app = self.applicability(rule)
        known = _if(_is(_n(value), _c(None), negate=True), self.const(Status.BEPAALD), self.const(Status.ONBEKEND))
        if app is None:
            return [_assign(value, self.expr(rule.expr)), _assign(status, known)]
        flag = self.temp()
        return [_assign(flag, app),
                _assign(value, _if(_is(_n(flag), _c(True)), self.expr(rule.expr), _c(None))),
                _assign(status, _if(_is(_n(flag), _c(False)), self.const(Status.NVT), known))]

    def requirement(self, rule: M.Requirement) -> list:
        parts = [self.expr(rule.condition)] + [self.expr(e.condition) for e in rule.exceptions]
        cond = parts[0] if len(parts) == 1 else self.kleene(False, parts)
        guarded = _guarded_comparison(cond)
        status: py.expr
        if guarded is not None:  # `None if a is None else a >= k`: test the comparison itself, no temporary
            unknown, comparison = guarded
            status = _if(unknown, self.const(Status.ONBEKEND),
                         _if(comparison, self.const(Status.VOLDAAN), self.const(Status.NIET_VOLDAAN)))
        else:
            first, later = self.bind(cond)
            status = self.status(_is(first, _c(True)), _is(later, _c(False)), Status.VOLDAAN, Status.NIET_VOLDAAN)
        value = self.gated(rule, status, self.const(Status.NVT), self.const(Status.ONBEKEND))
        return [_assign(self.locals[rule.name], value)]

    def group(self, rule: M.Group) -> list:
        members = _tuple(*[_n(self.locals[name]) for name in rule.members])

        def member_of(status: Status) -> py.expr:
            return py.Compare(left=self.const(status), ops=[py.In()], comparators=[members])

        status = _if(member_of(Status.NIET_VOLDAAN), self.const(Status.NIET_VOLDAAN),
                     _if(member_of(Status.ONBEKEND), self.const(Status.ONBEKEND), self.const(Status.VOLDAAN)))
        value = self.gated(rule, status, self.const(Status.NVT), self.const(Status.ONBEKEND))
        return [_assign(self.locals[rule.name], value)]

    def timeline(self, rule: M.Timeline) -> list:
        i = _suffix(self.locals[rule.name])
        start = self.expr(rule.start) if rule.start is not None else _c(None)
        end = self.expr(rule.end) if rule.end is not None else _c(None)
        call = self.timeline_on_fixed_days(rule)
        if call is None:
            call = self.timeline_between_days(rule)
        if call is None:
            call = _call("timeline", self.expr(rule.subject), start, end, _c(rule.start is not None),
                         _c(rule.end is not None), _c(rule.strict), _c(rule.exact), _n("peil"))
        value = self.gated(rule, call, _tuple(self.const(Status.NVT), _c(None), _c(None)),
                           _tuple(self.const(Status.ONBEKEND), _c(None), _c(None)))
        target = py.Tuple(elts=[_n(p + i, store=True) for p in "rdb"], ctx=py.Store())
        return [py.Assign(targets=[target], value=value)]

    def timeline_on_fixed_days(self, rule: M.Timeline) -> py.expr | None:
        """`timeline(...)` written out inline for the common termijn: a datum or tijdstip against
        bounds that are moments written in the policy, with `timeline`'s meaning (see
        dsl/runtime/values.py): the event in [start, end] (end excluded when strict; exactly on
        it for `op`) is gehaald; without an event the peildatum against the end decides; a day
        against a time on that same day is undecided. The comparisons are chosen per pair of
        types, so each is between two days or two times; a day event against a time bound (the
        one undecidable pair) is left to the runtime call. None when the termijn is not of this
        kind (the runtime call computes it)."""
        kind = rule.subject.type.kind
        fixed = [b.value if isinstance(b, E.Const) and isinstance(b.value, date) else None for b in rule.bounds]
        if kind not in ("datum", "tijdstip") or not fixed or any(v is None or v in (date.max, datetime.max)
                                                                 for v in fixed):
            return None
        start = fixed.pop(0) if rule.start is not None else None
        end = fixed.pop(0) if rule.end is not None else None
        days_only = type(start) is not datetime and type(end) is not datetime
        if kind == "datum" and not days_only:   # a day against a time bound: the runtime decides
            return None

        def result(status: Status) -> py.expr:
            return self.const((status, end, start))

        first, event = self.event(rule)
        met = result(Status.GEHAALD), result(Status.NIET_GEHAALD)
        day_known: py.expr
        absent: py.expr
        if days_only:
            day_known = _if(self.in_time(rule, event, self.bound(start), self.bound(end)), *met)
        else:
            day_known = _call("timeline", event, self.const(start), self.const(end), _c(start is not None),
                              _c(end is not None), _c(rule.strict), _c(rule.exact), _n("peil"))
        if kind == "datum":
            known = day_known
        else:   # a tijdstip given as a time, else as a day
            known = _if(_is(_call("type_of", event), self.const(datetime)),
                        _if(self.in_time_of_day(rule, event, start, end), *met), day_known)
        if type(end) is datetime:   # the peildatum is a day: on the end's own day it is undecided
            day = self.const(end.date())
            absent = _if(py.BoolOp(op=py.Or(), values=[_is(_n("peil"), _c(None)), _eq_expr(_n("peil"), day)]),
                         result(Status.ONBEKEND),
                         _if(py.Compare(left=_n("peil"), ops=[py.Gt()], comparators=[day]),
                             result(Status.VERSTREKEN_ZONDER_DATUM), result(Status.NOG_NIET)))
        else:
            absent = self.without_event(rule, self.bound(end), result)
        return _if(_is(first, _c(None)), absent, known)

    def timeline_between_days(self, rule: M.Timeline) -> py.expr | None:
        """`timeline(...)` written out inline for a datum against bounds computed per case that are
        datums too (`binnen 3 weken na aanvraag`): every comparison is between two days. Each bound
        is computed once (a walrus) and may be onbekend, which makes the status onbekend; the
        result carries the computed bounds, as the runtime's does. None for other termijnen."""
        if rule.subject.type.kind != "datum" or not rule.bounds or any(b.type.kind != "datum" for b in rule.bounds):
            return None
        computed: list[py.expr] = []

        def computed_once(bound: E.Expr | None) -> py.expr | None:
            if bound is None:
                return None
            name = self.temp()
            computed.append(py.NamedExpr(target=_n(name, store=True), value=self.expr(bound)))
            return _n(name)

        start, end = computed_once(rule.start), computed_once(rule.end)

        def result(status: Status) -> py.expr:
            return _tuple(self.const(status), end or _c(None), start or _c(None))

        first, event = self.event(rule)
        known = _if(self.in_time(rule, event, start, end), result(Status.GEHAALD), result(Status.NIET_GEHAALD))
        absent = self.without_event(rule, end, result)
        # the bounds first (`None in (s := ..., e := ...)`): an onbekend bound makes the status onbekend
        unknown_bound = py.Compare(left=_c(None), ops=[py.In()], comparators=[_tuple(*computed)])
        return _if(unknown_bound, result(Status.ONBEKEND), _if(_is(first, _c(None)), absent, known))

    # ------------------------------------------------------------ parts of an inlined termijn
    def bound(self, value) -> py.expr | None:
        """A bound written in the policy as a constant (None: the termijn has no such bound)."""
        return None if value is None else self.const(value)

    def event(self, rule: M.Timeline) -> tuple[py.expr, py.Name]:
        """(its first use, later uses) of the termijn's event: a name, or a walrus on the first use."""
        subject = self.expr(rule.subject)
        if isinstance(subject, py.Name):
            return subject, _n(subject.id)
        temp = self.temp()
        return py.NamedExpr(target=_n(temp, store=True), value=subject), _n(temp)

    def in_time(self, rule: M.Timeline, event: py.expr, start: py.expr | None, end: py.expr | None) -> py.Compare:
        """`start <= event <= end` (`<` before a strict end; `event == end` for `op`), the event and
        the bounds of one kind (days, or times)."""
        before_end = py.Lt() if rule.strict else py.LtE()
        if rule.exact:
            assert end is not None
            return py.Compare(left=event, ops=[py.Eq()], comparators=[end])
        if start is None:
            assert end is not None
            return py.Compare(left=event, ops=[before_end], comparators=[end])
        if end is None:
            return py.Compare(left=event, ops=[py.GtE()], comparators=[start])
        return py.Compare(left=start, ops=[py.LtE(), before_end], comparators=[event, end])

    def in_time_of_day(self, rule: M.Timeline, event: py.expr, start, end) -> py.expr:
        """`in_time` for an event that is a time, against fixed bounds: a time bound as it is, a day
        bound as the times from its midnight to the next (the time's day against that day)."""
        def at(day, next_day: bool = False) -> py.expr:   # a time bound, or a day's (next) midnight
            if type(day) is datetime:
                return self.const(day)
            midnight = datetime(day.year, day.month, day.day)
            return self.const(midnight + timedelta(days=1) if next_day else midnight)

        first = None if start is None else at(start)
        if end is None or type(end) is datetime or rule.strict:
            return self.in_time(rule, event, first, None if end is None else at(end))
        if rule.exact:   # on that day: from its midnight to the next
            return py.Compare(left=at(end), ops=[py.LtE(), py.Lt()], comparators=[event, at(end, True)])
        last = at(end, True)   # `uiterlijk <day>`: before the next midnight
        return (py.Compare(left=event, ops=[py.Lt()], comparators=[last]) if first is None
                else py.Compare(left=first, ops=[py.LtE(), py.Lt()], comparators=[event, last]))

    def without_event(self, rule: M.Timeline, end: py.expr | None, result) -> py.expr:
        """Without an event, the peildatum (a day) against an end that is a day: verstreken zonder
        datum after it (on it too for a strict end), nog niet verstreken before; onbekend without a
        peildatum or an end."""
        if end is None:
            return result(Status.ONBEKEND)
        over = py.Compare(left=_n("peil"), ops=[py.GtE() if rule.strict else py.Gt()], comparators=[end])
        return _if(_is(_n("peil"), _c(None)), result(Status.ONBEKEND),
                   _if(over, result(Status.VERSTREKEN_ZONDER_DATUM), result(Status.NOG_NIET)))

    def decision(self, rule: M.Decision) -> list:
        i = _suffix(self.locals[rule.name])
        value, row, status = "x" + i, "d" + i, "r" + i

        def pick(outcome, index, state=Status.BEPAALD):
            """The value, row (a number, or an expression giving it) and status."""
            at = _c(index) if isinstance(index, int) else index
            return [_assign(value, outcome), _assign(row, at), _assign(status, self.const(state))]

        if rule.otherwise is not None:   # under alle: the list of its one outcome
            outcome = self.expr(rule.otherwise.outcome)
            fallback = pick(_tuple(outcome) if rule.hit_policy.aggregate == "lijst" else outcome, rule.otherwise.index)
        else:
            fallback = pick(_c(None), ROW_NONE, Status.GEEN_UITKOMST)
        unknown = pick(_c(None), ROW_UNKNOWN, Status.ONBEKEND)
        policy = rule.hit_policy
        if policy is M.HitPolicy.UNIQUE:
            body = self.unique_rows(rule.rows, pick, fallback, unknown)
        elif policy is M.HitPolicy.ANY:
            body = self.any_rows(rule.rows, pick, fallback, unknown)
        elif policy.single:
            body = self.first_rows(rule.in_order, pick, fallback, unknown)
        else:
            body = self.collect_rows(rule, pick, fallback, unknown)
        app = self.applicability(rule)
        if app is None:
            return body
        not_applicable = pick(_c(None), ROW_NVT, Status.NVT)
        flag = self.temp()
        return [_assign(flag, app),
                py.If(test=_is(_n(flag), _c(True)), body=body,
                      orelse=[py.If(test=_is(_n(flag), _c(False)), body=not_applicable, orelse=unknown)])]

    def first_rows(self, rows, pick, fallback, unknown):
        body = fallback
        for row in reversed(rows):
            flag = self.temp()
            body = [_assign(flag, self.expr(row.condition)),
                    py.If(test=_is(_n(flag), _c(True)), body=pick(self.expr(row.outcome), row.index),
                          orelse=[py.If(test=_is(_n(flag), _c(False)), body=body, orelse=unknown)])]
        return body

    def by_row(self, flag: str, rows, pick, fallback):
        """`if flag == i: <row i's outcome> elif ...: else <fallback>`."""
        chain = fallback
        for row in reversed(rows):
            chain = [py.If(test=_eq(_n(flag), row.index), body=pick(self.expr(row.outcome), row.index),
                           orelse=chain)]
        return chain

    def any_rows(self, rows, pick, fallback, unknown):
        flag = self.temp()
        matches = _tuple(*[self.expr(r.condition) for r in rows])
        agree = _tuple(*[_c(r.agree) for r in rows])
        overlap = pick(_c(None), ROW_OVERLAP, Status.MEERDERE)
        return [_assign(flag, _call("any_pick", matches, agree, _tuple(*[_c(r.index) for r in rows]))),
                py.If(test=_eq(_n(flag), ROW_OVERLAP), body=overlap,
                      orelse=[py.If(test=_eq(_n(flag), ROW_UNKNOWN), body=unknown,
                                    orelse=self.by_row(flag, rows, pick, fallback))])]

    def collect_rows(self, rule: M.Decision, pick, fallback, unknown):
        """Every row's condition (in `in_order`), then the aggregate of the outcomes of the rows
        that hold; an outcome is computed only for a row that holds."""
        rows = rule.in_order
        flags = [self.temp() for _ in rows]
        statements: list[py.stmt] = [_assign(f, self.expr(_condition(r))) for f, r in zip(flags, rows, strict=True)]
        matches, first = _tuple(*[_n(f) for f in flags]), self.temp()
        kind = rule.hit_policy.aggregate
        outcomes = _tuple(*[_c(1) if kind == "aantal" else _if(_is(_n(f), _c(True)), self.expr(r.outcome), _c(None))
                            for f, r in zip(flags, rows, strict=True)])
        found = pick(_call("collected", _c(kind), matches, outcomes), _n(first))   # the row: the first that holds
        statements += [_assign(first, _call("collect_pick", matches, _tuple(*[_c(r.index) for r in rows]))),
                       py.If(test=_eq(_n(first), ROW_UNKNOWN), body=unknown,
                             orelse=[py.If(test=_eq(_n(first), ROW_NONE), body=fallback, orelse=found)])]
        return statements

    def unique_rows(self, rows, pick, fallback, unknown):
        flag = self.temp()
        matches = _tuple(*[self.expr(r.condition) for r in rows])
        chain = self.by_row(flag, rows, pick, fallback)
        overlap = pick(_c(None), ROW_OVERLAP, Status.MEERDERE)
        return [_assign(flag, _call("unique_pick", matches)),
                py.If(test=_eq(_n(flag), ROW_OVERLAP), body=overlap,
                      orelse=[py.If(test=_eq(_n(flag), ROW_UNKNOWN), body=unknown, orelse=chain)])]
