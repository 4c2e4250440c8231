"""The Polars back end: the core model compiled to Polars expressions, one column per rule.

Contract: `PolarsPlan(policy).stages` is a list of lists of named `pl.Expr`; applied in order
with `with_columns` to the typed inputs of `dsl.batch.columns` (a rule's stage comes after the
stages of every rule and gate it reads), they add, per rule, its status
code (`__s<i>`, an Int8: the index of the `Status` in `STATUS_CODES`), its value (`__x<i>`,
decisions and calculations), its detail (`__d<i>`: a decision's row, a termijn's end moment,
and `__b<i>` its start). The meaning is the core model's, emitted once:
  - Kleene logic: Polars' `&`, `|` and `~` are Kleene on nulls (null & false = false);
    comparisons and arithmetic with a null give null;
  - a decision row whose condition is null makes the decision unknown: every row is guarded by
    an explicit `is_null()` test, so a null condition never falls through to the next row;
  - money, percentages and numbers are exact decimals: before `*` both operands are cast to the
    sum of their scales, before `+`/`-` to the larger scale, `x% van y` adds two decimals; a
    product never goes through a float;
  - calendar months clamp to the end of a short month (`dt.offset_by`), working days follow the
    Algemene termijnenwet calendar of `dsl.runtime.calendar` (passed as the holiday list);
  - dates against date-times follow `dsl.runtime.values.moment_cmp`.
What the emitter cannot express exactly raises `Unsupported` (with a Dutch reason): general
division (whose exact decimal result the per-case path computes to 28 digits), conditions over
list elements, and anything else new; the caller then evaluates per case.
"""

from __future__ import annotations

import operator
from datetime import date, timedelta
from decimal import Decimal
from functools import cache, reduce
from typing import Any, assert_never

import polars as pl

from dsl.batch.columns import PRECISION, SCALES
from dsl.core import expr as E
from dsl.core import model as M
from dsl.core.model import ROW_NONE, ROW_NVT, ROW_OVERLAP, ROW_UNKNOWN, Status
from dsl.runtime.calendar import non_working_reason
from dsl.types import MOMENTS, Type

STATUS_CODES: tuple[Status, ...] = tuple(Status)
CODE = {status: i for i, status in enumerate(STATUS_CODES)}
_COMPARE = {"<": "lt", "<=": "le", ">": "gt", ">=": "ge", "==": "eq", "!=": "ne"}


class Unsupported(Exception):
    """A construct the Polars back end cannot evaluate exactly; the message is Dutch."""


@cache
def holiday_list(first_year: int = 1966, last_year: int = 2100) -> tuple[date, ...]:
    """The Algemene termijnenwet's non-working weekdays (holidays and decree days) of the years
    the per-case calendar knows, for `dt.add_business_days`."""
    day, last, found = date(first_year, 1, 1), date(last_year, 12, 31), []
    while day <= last:
        if day.weekday() < 5 and non_working_reason(day) is not None:
            found.append(day)
        day += timedelta(days=1)
    return tuple(found)


def _code(status: Status) -> pl.Expr:
    return pl.lit(CODE[status], dtype=pl.Int8)


def _scale(t: Type) -> int:
    return SCALES.get(t.kind, 0)


def scale_of(node: E.Expr) -> int:
    """The decimal scale an expression's value is held at: a written value keeps its own."""
    if isinstance(node, E.Const) and isinstance(node.value, Decimal):
        exponent = node.value.as_tuple().exponent
        return max(_scale(node.type), -exponent if isinstance(exponent, int) else 0)
    return _scale(node.type)


def _decimal(scale: int) -> pl.Decimal:
    return pl.Decimal(PRECISION, scale)


class PolarsPlan:
    """The stages of `with_columns` that evaluate a policy (see the module contract)."""

    def __init__(self, policy: M.Policy):
        self.policy = policy
        self.index = {name: i for i, name in enumerate(policy.rules)}
        self.gate_columns: dict[str, str] = {}
        self.depth: dict[str, int] = {}
        self.columns: dict[tuple[int, int], list[pl.Expr]] = {}
        for rule in policy.rules.values():
            self._plan(rule)
        self.stages = [self.columns[d] for d in sorted(self.columns)]

    # ------------------------------------------------------------ planning
    def _refs(self, exprs) -> set[str]:
        found: set[str] = set()
        for root in exprs:
            found |= {n.name for n in E.walk(root) if isinstance(n, E.RuleRef)}
        return found

    def _add(self, depth: int, exprs: list[pl.Expr], phase: int = 0) -> None:
        """Columns of one depth; phase 1 holds columns that read a phase-0 column of their rule."""
        if exprs:
            self.columns.setdefault((depth, phase), []).extend(exprs)

    def _gate(self, gate: M.Gate) -> tuple[str, int]:
        if gate.name not in self.gate_columns:
            depth = 1 + max((self.depth[r] for r in self._refs([gate.condition])), default=0)
            column = f"__g{len(self.gate_columns)}"
            self.gate_columns[gate.name] = column
            self.depth[column] = depth
            self._add(depth, [self.expr(gate.condition).alias(column)])
        column = self.gate_columns[gate.name]
        return column, self.depth[column]

    def _plan(self, rule: M.Rule) -> None:
        gates = [self._gate(g) for g in rule.gates]
        refs = self._refs(self._roots(rule)) | (set(rule.members) if isinstance(rule, M.Group) else set())
        depth = 1 + max([self.depth[r] for r in refs] + [d for _, d in gates], default=0)
        self.depth[rule.name] = depth
        gate = None
        for column, _ in gates:
            gate = pl.col(column) if gate is None else gate & pl.col(column)
        first, then = self.rule(rule, gate)
        self._add(depth, first)
        self._add(depth, then, phase=1)

    @staticmethod
    def _roots(rule: M.Rule) -> list[E.Expr]:
        match rule:
            case M.Calculation():
                return [rule.expr]
            case M.Requirement():
                return [rule.condition, *(e.condition for e in rule.exceptions)]
            case M.Group():
                return []
            case M.Decision():
                return [e for row in rule.all_rows for e in (row.condition, row.outcome) if e is not None]
            case M.Timeline():
                return [rule.subject, *rule.bounds]
            case _:
                assert_never(rule)

    # ------------------------------------------------------------ rule columns
    def names(self, rule: M.Rule) -> tuple[str, str, str, str]:
        i = self.index[rule.name]
        return f"__s{i}", f"__x{i}", f"__d{i}", f"__b{i}"

    def rule(self, rule: M.Rule, gate: pl.Expr | None) -> tuple[list[pl.Expr], list[pl.Expr]]:
        """The columns of one rule: those computed from earlier columns, then those that read them."""
        match rule:
            case M.Calculation():
                return self.calculation(rule, gate)
            case M.Requirement():
                return self.requirement(rule, gate)
            case M.Group():
                return self.group(rule, gate)
            case M.Decision():
                return self.decision(rule, gate)
            case M.Timeline():
                return self.timeline(rule, gate)
            case _:
                assert_never(rule)

    @staticmethod
    def gated(gate: pl.Expr | None, status: pl.Expr) -> pl.Expr:
        if gate is None:
            return status
        return (pl.when(~gate).then(_code(Status.NVT)).when(gate.is_null()).then(_code(Status.ONBEKEND))
                .otherwise(status))

    def requirement(self, rule: M.Requirement, gate: pl.Expr | None) -> tuple[list[pl.Expr], list[pl.Expr]]:
        s, *_ = self.names(rule)
        parts = [self.expr(rule.condition)] + [self.expr(e.condition) for e in rule.exceptions]
        cond = parts[0]
        for part in parts[1:]:
            cond = cond | part
        status = (pl.when(cond).then(_code(Status.VOLDAAN)).when(~cond).then(_code(Status.NIET_VOLDAAN))
                  .otherwise(_code(Status.ONBEKEND)))
        return [self.gated(gate, status).alias(s)], []

    def group(self, rule: M.Group, gate: pl.Expr | None) -> tuple[list[pl.Expr], list[pl.Expr]]:
        s, *_ = self.names(rule)
        members = [pl.col(self.names(self.policy.rules[m])[0]) for m in rule.members]
        status = (pl.when(pl.any_horizontal([m == CODE[Status.NIET_VOLDAAN] for m in members]))
                  .then(_code(Status.NIET_VOLDAAN))
                  .when(pl.any_horizontal([m == CODE[Status.ONBEKEND] for m in members]))
                  .then(_code(Status.ONBEKEND)).otherwise(_code(Status.VOLDAAN)))
        return [self.gated(gate, status).alias(s)], []

    def calculation(self, rule: M.Calculation, gate: pl.Expr | None) -> tuple[list[pl.Expr], list[pl.Expr]]:
        s, x, *_ = self.names(rule)
        value = self.expr(rule.expr)
        if gate is not None:
            value = pl.when(gate).then(value).otherwise(None)
        known = pl.when(pl.col(x).is_not_null()).then(_code(Status.BEPAALD)).otherwise(_code(Status.ONBEKEND))
        status = known if gate is None else pl.when(~gate).then(_code(Status.NVT)).otherwise(known)
        return [value.alias(x)], [status.alias(s)]

    def decision(self, rule: M.Decision, gate: pl.Expr | None) -> tuple[list[pl.Expr], list[pl.Expr]]:
        s, x, d, _ = self.names(rule)
        conds = [self.expr(r.condition) for r in rule.rows if r.condition is not None]
        fallback = pl.lit(rule.otherwise.index if rule.otherwise is not None else ROW_NONE, dtype=pl.Int8)
        if rule.hit_policy is M.HitPolicy.UNIQUE:
            hits = pl.sum_horizontal([c.fill_null(False).cast(pl.Int8) for c in conds])
            row: Any = pl.when(hits > 1).then(pl.lit(ROW_OVERLAP, pl.Int8))
            row = row.when(pl.any_horizontal([c.is_null() for c in conds])).then(pl.lit(ROW_UNKNOWN, pl.Int8))
            for i, c in enumerate(conds):
                row = row.when(c.fill_null(False)).then(pl.lit(i, pl.Int8))
            chosen = row.otherwise(fallback)
        else:
            chain: Any = None
            for i, c in enumerate(conds):
                step = (pl.when(c.is_null()) if chain is None else chain.when(c.is_null()))
                chain = step.then(pl.lit(ROW_UNKNOWN, pl.Int8)).when(c).then(pl.lit(i, pl.Int8))
            chosen = chain.otherwise(fallback) if chain is not None else fallback
        if gate is not None:
            chosen = (pl.when(~gate).then(pl.lit(ROW_NVT, pl.Int8)).when(gate.is_null())
                      .then(pl.lit(ROW_UNKNOWN, pl.Int8)).otherwise(chosen))
        outcomes = [(r.index, self.expr(r.outcome)) for r in rule.all_rows]
        value: Any = None
        for index, outcome in outcomes:
            value = (pl.when(pl.col(d) == index) if value is None else value.when(pl.col(d) == index)).then(outcome)
        value_expr = value.otherwise(None) if value is not None else pl.lit(None)
        status = (pl.when(pl.col(d) >= 0).then(_code(Status.BEPAALD))
                  .when(pl.col(d) == ROW_NONE).then(_code(Status.GEEN_UITKOMST))
                  .when(pl.col(d) == ROW_OVERLAP).then(_code(Status.MEERDERE))
                  .when(pl.col(d) == ROW_NVT).then(_code(Status.NVT)).otherwise(_code(Status.ONBEKEND)))
        return [chosen.alias(d)], [value_expr.alias(x), status.alias(s)]

    def timeline(self, rule: M.Timeline, gate: pl.Expr | None) -> tuple[list[pl.Expr], list[pl.Expr]]:
        s, _, d, b = self.names(rule)
        event, event_t = self.expr(rule.subject), rule.subject.type
        start = self.expr(rule.start) if rule.start is not None else None
        end = self.expr(rule.end) if rule.end is not None else None
        peil = pl.col("peildatum")
        unknown_bound = pl.lit(False)
        if start is not None:
            unknown_bound = unknown_bound | start.is_null()
        if end is not None:
            unknown_bound = unknown_bound | end.is_null()
        if end is not None:
            assert rule.end is not None
            passed = moment_cmp(peil, _DATUM, pl.col(d), rule.end.type)
            over = (passed > 0) | (passed == 0) if rule.strict else passed > 0
            no_event = (pl.when(passed.is_null()).then(_code(Status.ONBEKEND)).when(over)
                        .then(_code(Status.NIET_GEHAALD)).otherwise(_code(Status.NOG_NIET)))
        else:
            no_event = _code(Status.ONBEKEND)
        ok_start = pl.lit(True)
        if start is not None:
            assert rule.start is not None
            ok_start = moment_cmp(event, event_t, pl.col(b), rule.start.type) >= 0
        late = pl.lit(False)
        if end is not None:
            assert rule.end is not None
            c = moment_cmp(event, event_t, pl.col(d), rule.end.type)
            late = c >= 0 if rule.strict else c > 0
        ok = ok_start & ~late
        if rule.exact:
            assert rule.end is not None
            ok = moment_cmp(event, event_t, pl.col(d), rule.end.type) == 0
        with_event = (pl.when(ok).then(_code(Status.GEHAALD)).when(~ok).then(_code(Status.NIET_GEHAALD))
                      .otherwise(_code(Status.ONBEKEND)))
        status = (pl.when(unknown_bound).then(_code(Status.ONBEKEND)).when(event.is_null()).then(no_event)
                  .otherwise(with_event))
        bounds = [(end if end is not None else pl.lit(None, dtype=pl.Date)).alias(d),
                  (start if start is not None else pl.lit(None, dtype=pl.Date)).alias(b)]
        if gate is not None:
            bounds = [pl.when(gate).then(e).otherwise(None).alias(n) for e, n in zip(bounds, (d, b))]
        return bounds, [self.gated(gate, status).alias(s)]

    # ------------------------------------------------------------ expressions
    def rule_value(self, name: str) -> pl.Expr:
        rule = self.policy.rules[name]
        s, x, *_ = self.names(rule)
        if rule.kind in (M.RuleKind.REQUIREMENT, M.RuleKind.GROUP, M.RuleKind.TIMELINE):
            yes = Status.VOLDAAN if rule.kind is not M.RuleKind.TIMELINE else Status.GEHAALD
            no = Status.NIET_VOLDAAN if rule.kind is not M.RuleKind.TIMELINE else Status.NIET_GEHAALD
            status = pl.col(s)
            return (pl.when((status == CODE[yes]) | (status == CODE[Status.NVT])).then(pl.lit(True))
                    .when(status == CODE[no]).then(pl.lit(False)).otherwise(pl.lit(None, dtype=pl.Boolean)))
        return pl.col(x)

    def expr(self, node: E.Expr) -> pl.Expr:
        match node:
            case E.Input():
                return pl.col(node.name)
            case E.RuleRef():
                return self.rule_value(node.name)
            case E.Peildatum():
                return pl.col("peildatum")
            case E.Const():
                return literal(node.value, node.type, scale_of(node))
            case E.Compare():
                return self.compare(node.op, node.left, node.right, node.moments)
            case E.Member():
                operand = self.expr(node.operand)
                hit = pl.any_horizontal([operand == self.expr(o) for o in node.options])
                hit = pl.when(operand.is_null()).then(None).otherwise(hit)
                return ~hit if node.negated else hit
            case E.Between():
                low = self.compare(">=", node.operand, node.low, _moments(node.operand, node.low))
                high = self.compare("<=" if node.high_inclusive else "<", node.operand, node.high,
                                    _moments(node.operand, node.high))
                return low & high
            case E.Weekly():
                return self.weekly(node)
            case E.And():
                return reduce(operator.and_, [self.expr(i) for i in node.items])
            case E.Or():
                return reduce(operator.or_, [self.expr(i) for i in node.items])
            case E.Each():
                return self.each(node)
            case E.Not():
                return ~self.expr(node.operand)
            case E.Arith():
                return self.arith(node)
            case E.Neg():
                return -self.expr(node.operand)
            case E.PercentOf():
                scale = scale_of(node.percent) + scale_of(node.base) + 2
                product = (self.expr(node.percent).cast(_decimal(scale)) * self.expr(node.base).cast(_decimal(scale)))
                return (product / pl.lit(Decimal(100), _decimal(0))).cast(_decimal(scale))
            case E.Shift():
                return self.shift(node)
            case E.MomentDiff():
                left, right = self.expr(node.left), self.expr(node.right)
                if node.unit == "dagen":
                    return (_day(left, node.left.type) - _day(right, node.right.type)).dt.total_days()
                return (_at_midnight(left, node.left.type) - _at_midnight(right, node.right.type)).dt.total_seconds()
            case E.DayOf():
                return self.expr(node.base) + pl.duration(days=node.number - 1)
            case E.Aggregate():
                return self.aggregate(node)
            case _:
                assert_never(node)

    def compare(self, op: str, left_node: E.Expr, right_node: E.Expr, moments: bool) -> pl.Expr:
        left, right = self.expr(left_node), self.expr(right_node)
        if moments:
            c = moment_cmp(left, left_node.type, right, right_node.type)
            return getattr(c, _COMPARE[op])(0)
        if left_node.type.kind in SCALES or right_node.type.kind in SCALES:
            scale = max(scale_of(left_node), scale_of(right_node))
            left, right = left.cast(_decimal(scale)), right.cast(_decimal(scale))
        return getattr(left, _COMPARE[op])(right)

    def arith(self, node: E.Arith) -> pl.Expr:
        if node.op == "/":
            raise Unsupported("een deling wordt per casus berekend (exact tot 28 cijfers)")
        left, right = self.expr(node.left), self.expr(node.right)
        lt, rt = node.left.type, node.right.type
        if node.type.kind in ("aantal", "duur") and lt.kind not in SCALES and rt.kind not in SCALES:
            return {"+": left + right, "-": left - right, "*": left * right}[node.op]
        if node.op == "*":
            scale = scale_of(node.left) + scale_of(node.right)
        else:
            scale = max(scale_of(node.left), scale_of(node.right))
        left, right = left.cast(_decimal(scale)), right.cast(_decimal(scale))
        return {"+": left + right, "-": left - right, "*": left * right}[node.op].cast(_decimal(scale))

    def shift(self, node: E.Shift) -> pl.Expr:
        base, amount = self.expr(node.base), self.expr(node.amount)
        if node.direction < 0:
            amount = -amount
        if node.unit == "dagen":
            return base + pl.duration(days=amount)
        if node.unit == "seconden":
            return _at_midnight(base, node.base.type) + pl.duration(seconds=amount)
        if node.unit == "maanden":
            return base.dt.offset_by(pl.format("{}mo", amount))
        # working days: the n-th working day after the base (the base itself not counted); a base
        # on a non-working day rolls back for a step forward and forward for a step back
        days = holiday_list()
        day = _day(base, node.base.type)
        forward = day.dt.add_business_days(amount, holidays=days, roll="backward")
        backward = day.dt.add_business_days(amount, holidays=days, roll="forward")
        moved = pl.when(amount == 0).then(day).when(amount > 0).then(forward).otherwise(backward)
        if node.base.type.kind == "tijdstip":
            return moved.dt.combine(base.dt.time())
        return moved

    def weekly(self, node: E.Weekly) -> pl.Expr:
        value = self.expr(node.operand)
        on_day = value.dt.weekday().is_in([d + 1 for d in node.days])
        if node.start is None:
            return pl.when(value.is_null()).then(None).otherwise(on_day)
        if node.operand.type.kind != "tijdstip":
            return pl.when(value.is_null()).then(None).when(~on_day).then(False).otherwise(None)
        seconds = value.dt.hour().cast(pl.Int64) * 3600 + value.dt.minute().cast(pl.Int64) * 60 + \
            value.dt.second().cast(pl.Int64)
        assert node.end is not None
        inside = (seconds >= node.start) & (seconds <= node.end if node.end_inclusive else seconds < node.end)
        return pl.when(value.is_null()).then(None).when(~on_day).then(False).otherwise(inside)

    def element_test(self, op: str, element_type: Type, bound: E.Expr) -> pl.Expr:
        """`element op bound` inside `list.eval`, for a bound written in the policy."""
        if not isinstance(bound, E.Const):
            raise Unsupported("een lijst vergeleken met een waarde uit de casus wordt per casus berekend")
        element, right = pl.element(), self.expr(bound)
        if element_type.kind in SCALES or bound.type.kind in SCALES:
            scale = max(_scale(element_type), scale_of(bound))
            element, right = element.cast(_decimal(scale)), right.cast(_decimal(scale))
        return getattr(element, _COMPARE[op])(right)

    def each(self, node: E.Each) -> pl.Expr:
        """Kleene "for all": false as soon as one element fails, unknown if one is unknown."""
        values = self.expr(node.collection)
        assert node.collection.type.element is not None
        test = values.list.eval(self.element_test(node.op, node.collection.type.element, node.right))
        fails = test.list.eval(pl.element().not_()).list.any()
        unknown = test.list.eval(pl.element().is_null()).list.any()
        return (pl.when(values.is_null()).then(pl.lit(None, pl.Boolean)).when(fails).then(pl.lit(False))
                .when(unknown).then(pl.lit(None, pl.Boolean)).otherwise(pl.lit(True)))

    def aggregate(self, node: E.Aggregate) -> pl.Expr:
        values = self.expr(node.operand)
        any_null = values.list.eval(pl.element().is_null()).list.any()
        if node.where_bound is not None:
            assert node.operand.type.element is not None and node.where_op is not None
            keep = self.element_test(node.where_op, node.operand.type.element, node.where_bound)
            values = pl.when(any_null).then(None).otherwise(values.list.eval(pl.element().filter(keep)))
        if node.func == "aantal":
            return values.list.len().cast(pl.Int64)
        if node.func in ("minimum", "maximum"):
            picked = values.list.min() if node.func == "minimum" else values.list.max()
            return pl.when(any_null | (values.list.len() == 0)).then(None).otherwise(picked)
        if node.func == "som":
            return pl.when(any_null).then(None).otherwise(values.list.sum())
        raise Unsupported(f"'{node.func} van' wordt per casus berekend")


_DATUM = Type("datum")


def _moments(a: E.Expr, b: E.Expr) -> bool:
    return a.type.kind in MOMENTS or b.type.kind in MOMENTS


def _day(value: pl.Expr, t: Type) -> pl.Expr:
    return value.dt.date() if t.kind == "tijdstip" else value


def _at_midnight(value: pl.Expr, t: Type) -> pl.Expr:
    return value if t.kind == "tijdstip" else value.cast(pl.Datetime("us"))


def moment_cmp(a: pl.Expr, a_t: Type, b: pl.Expr, b_t: Type) -> pl.Expr:
    """-1, 0 or 1 comparing two moments, null when undecidable (a date against a date-time on the
    same day), as `dsl.runtime.values.moment_cmp`."""
    if a_t.kind == b_t.kind:
        left, right = a, b
    else:
        left, right = _day(a, a_t), _day(b, b_t)
    sign = pl.when(left < right).then(pl.lit(-1, pl.Int8)).when(left > right).then(pl.lit(1, pl.Int8)) \
        .when(left == right).then(pl.lit(0, pl.Int8)).otherwise(pl.lit(None, pl.Int8))
    if a_t.kind == "datum" and b_t.kind == "tijdstip":
        return pl.when(left == right).then(pl.lit(None, pl.Int8)).otherwise(sign)
    return sign


def literal(value, t: Type, scale: int = 0) -> pl.Expr:
    """A typed literal: a decimal at its own scale, never a float."""
    if value is None:
        return pl.lit(None)
    if t.kind in SCALES:
        return pl.lit(Decimal(value), dtype=_decimal(scale))
    if t.kind in ("aantal", "duur"):
        return pl.lit(int(value), dtype=pl.Int64)
    if t.kind == "ja/nee":
        return pl.lit(bool(value), dtype=pl.Boolean)
    if t.kind == "datum":
        return pl.lit(value, dtype=pl.Date)
    if t.kind == "tijdstip":
        return pl.lit(value, dtype=pl.Datetime("us"))
    return pl.lit(value, dtype=pl.String)
