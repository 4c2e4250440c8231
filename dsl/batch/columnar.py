"""Columnar back ends: the core model compiled to column expressions, once for every engine.

Contract: `ColumnarPlan(policy)` walks the core model and produces `stages`: lists of named column
expressions which, applied in order (each stage after the stages of every rule and gate it
reads), add per rule its status code (`__s<i>`, the index of its `Status` in `STATUS_CODES`), for an
eis or groep its reason code (`__r<i>`, the index of its code in `dsl.core.reasons.reasons`), its
value (`__x<i>`, decisions and calculations) and its detail (`__d<i>`: a decision's row, a
termijn's end moment, and `__b<i>` its start). The meaning is the core model's, written here
once; an engine (Polars in `dsl.batch.polars_rules`, Spark in `dsl.batch.spark_rules`) only
supplies the primitives: columns, typed literals, a guarded `case`, casts, date arithmetic and
list operations. Rules every engine must follow:
  - Kleene logic: `&`, `|` and `~` on nulls as in SQL (null & false = false);
  - a decision row whose condition is null makes the decision unknown: every row is guarded by
    an explicit null test, so a null condition never falls through to the next row; each hit
    policy is read from the core model (`dsl.core.model.HitPolicy`: the rows in `in_order`,
    `Row.agree` under om het even), and a sum, count, minimum or maximum of the rows that hold is
    computed here; a list result (`alle`) is computed per case;
  - money, percentages and numbers are exact decimals: before `*` both operands are cast to the
    sum of their scales, before `+`/`-` to the larger scale; `x% van y` is exact; never a float;
  - `afgerond op ...` rounds at the operand's own scale to its places by the named mode, exactly
    as `dsl.core.expr.round_decimal` (a value with no more decimals than that is left as it is);
  - dates against date-times follow `dsl.runtime.values.moment_cmp` (undecidable on the same day);
  - calendar months clamp to the end of a short month; working days follow the Algemene
    termijnenwet calendar of `dsl.runtime.calendar`.
What an engine cannot express exactly raises `Unsupported` (with a Dutch reason): general
division (which the per-case path computes to 28 digits) and comparisons of list elements with
a value from the case; the caller then evaluates per case.
"""

from __future__ import annotations

import operator
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cache, reduce
from typing import Any, assert_never

from dsl.core import expr as E
from dsl.core import model as M
from dsl.core.model import ROW_NONE, ROW_NVT, ROW_OVERLAP, ROW_UNKNOWN, Status
from dsl.core.reasons import APPLICABILITY_UNKNOWN, EXCEPTION_UNKNOWN, reasons
from dsl.core.reasons import parts as reason_parts
from dsl.runtime.calendar import FIRST_YEAR, LAST_YEAR, non_working_reason
from dsl.types import MOMENTS, Type

STATUS_CODES: tuple[Status, ...] = tuple(Status)
CODE = {status: i for i, status in enumerate(STATUS_CODES)}
STATUS_LABELS: tuple[str, ...] = tuple(status.value for status in STATUS_CODES)
EXTRA_COLUMNS = ("ontbrekende_gegevens", "geweigerd")


def rule_outputs(model: M.Policy) -> list[tuple[str, str, str]]:
    """The output layout every engine writes: per rule, in order, (output column, internal
    column, role), the role being "status", "reason" (eisen and groepen: the code of
    `dsl.core.reasons`), "value" (decisions, calculations), "row" (a decision's row, counted
    from 1), "end" or "start" (a termijn's bounds)."""
    layout = []
    for i, (name, rule) in enumerate(model.rules.items()):
        layout.append((name, f"__s{i}", "status"))
        if rule.kind in (M.RuleKind.REQUIREMENT, M.RuleKind.GROUP):
            layout.append((f"{name}.reden", f"__r{i}", "reason"))
        if rule.kind in (M.RuleKind.DECISION, M.RuleKind.CALCULATION):
            layout.append((f"{name}.waarde", f"__x{i}", "value"))
        if rule.kind is M.RuleKind.DECISION:
            layout.append((f"{name}.regel", f"__d{i}", "row"))
        if rule.kind is M.RuleKind.TIMELINE:
            layout += [(f"{name}.uiterste_datum", f"__d{i}", "end"), (f"{name}.begin", f"__b{i}", "start")]
    return layout


def key_output(key: str, model: M.Policy) -> str:
    """The output name of an input column that is not a gegeven: its own, or `invoer.<key>` when
    it would collide with a result column."""
    taken = {name for name, _, _ in rule_outputs(model)} | set(EXTRA_COLUMNS)
    return f"invoer.{key}" if key in taken else key


# Decimal scales of the batch columns; a value with more decimals refuses its row.
SCALES = {"bedrag": 4, "percentage": 8, "getal": 8}
_MAX_WORKDAYS = 35_370   # more working days than 1966 to 2100 hold: onbekend at once, as per case
_DATUM = Type("datum")

Col = Any   # an engine's column expression


class Unsupported(Exception):
    """A construct a columnar back end cannot evaluate exactly; the message is Dutch."""


@cache
def holiday_list(first_year: int = FIRST_YEAR, last_year: int = LAST_YEAR) -> tuple[date, ...]:
    """The Algemene termijnenwet's non-working weekdays (holidays and decree days) of the years
    the per-case calendar knows."""
    day, last, found = date(first_year, 1, 1), date(last_year, 12, 31), []
    while day <= last:
        if day.weekday() < 5 and non_working_reason(day) is not None:
            found.append(day)
        day += timedelta(days=1)
    return tuple(found)


def type_scale(t: Type) -> int:
    return SCALES.get(t.kind, 0)


def scale_of(node: E.Expr, policy: M.Policy) -> int:
    """The decimal scale that holds an expression's value exactly: a written value keeps its
    own, a product the sum of its operands', a sum the larger, `p% van b` two more than the
    product, another rule's value the scale of what that rule computes."""
    match node:
        case E.Const() if isinstance(node.value, Decimal):
            exponent = node.value.as_tuple().exponent
            return max(type_scale(node.type), -exponent if isinstance(exponent, int) else 0)
        case E.Arith() if node.op == "^":
            n = _small_power(node)
            return type_scale(node.type) if n is None else scale_of(node.left, policy) * n
        case E.Arith():
            left, right = scale_of(node.left, policy), scale_of(node.right, policy)
            return left + right if node.op == "*" else max(left, right)
        case E.Neg():
            return scale_of(node.operand, policy)
        case E.PercentOf():
            return scale_of(node.percent, policy) + scale_of(node.base, policy) + 2
        case E.Round():
            return min(node.places, scale_of(node.operand, policy))
        case E.Versions():
            return max(scale_of(choice, policy) for choice in node.choices)
        case E.ListOf():
            return max(scale_of(item, policy) for item in node.items)
        case E.RuleRef():
            rule = policy.rules[node.name]
            if isinstance(rule, M.Calculation):
                return scale_of(rule.expr, policy)
            if isinstance(rule, M.Decision):
                return max((scale_of(r.outcome, policy) for r in rule.all_rows), default=0)
    return type_scale(node.type)


class ColumnarPlan:
    """The stages of column expressions that evaluate a policy (see the module contract)."""

    def __init__(self, policy: M.Policy):
        self.policy = policy
        self.index = {name: i for i, name in enumerate(policy.rules)}
        self.gate_columns: dict[str, str] = {}
        self.depth: dict[str, int] = {}
        self.columns: dict[tuple[int, int], list[Col]] = {}
        for rule in policy.rules.values():
            self._plan(rule)
        self.stages = [self.columns[d] for d in sorted(self.columns)]

    # ------------------------------------------------------------ engine primitives
    def col(self, name: str) -> Col:
        raise TypeError(f"{type(self).__name__} has no column primitive")

    def named(self, expr: Col, name: str) -> Col:
        raise TypeError(f"{type(self).__name__} cannot name a column")

    def lit(self, value: Any, t: Type, scale: int = 0) -> Col:
        raise TypeError(f"{type(self).__name__} has no literal primitive")

    def code(self, value: int) -> Col:
        """A small integer (status code or row marker)."""
        raise TypeError(f"{type(self).__name__} has no code primitive")

    def wide_code(self, value: int) -> Col:
        """A 16-bit integer (a reason code: a large group has more than 127)."""
        raise TypeError(f"{type(self).__name__} has no wide code primitive")

    def null(self) -> Col:
        raise TypeError(f"{type(self).__name__} has no null")

    def case(self, branches: list[tuple[Col, Col]], otherwise: Col) -> Col:
        """The value of the first branch whose condition is true (a null condition is not true)."""
        raise TypeError(f"{type(self).__name__} has no case primitive")

    def is_null(self, expr: Col) -> Col:
        raise TypeError(f"{type(self).__name__} has no null test")

    def fill_false(self, expr: Col) -> Col:
        raise TypeError(f"{type(self).__name__} cannot fill nulls")

    def count_true(self, exprs: list[Col]) -> Col:
        raise TypeError(f"{type(self).__name__} cannot count")

    def least(self, exprs: list[Col], smallest: bool) -> Col:
        """The smallest (or largest) of the values that are not null; null when all are."""
        raise TypeError(f"{type(self).__name__} has no least/greatest")

    def decimal(self, expr: Col, scale: int) -> Col:
        raise TypeError(f"{type(self).__name__} has no decimal cast")

    def whole_arith(self, op: str, left: Col, right: Col) -> Col:
        """`left op right` (+, -, *) of two whole numbers (aantal, duur), which must never wrap
        round past 2^63: an engine either computes it exactly or stops the query (Spark in ANSI
        mode raises; Polars overrides this), and the caller computes that table per case."""
        return _ARITH[op](left, right)

    def round_decimal(self, expr: Col, scale: int, places: int, mode: E.RoundMode) -> Col:
        """A decimal of scale `scale` rounded to `places` (fewer) decimals by `mode`, exactly."""
        raise TypeError(f"{type(self).__name__} cannot round")

    def to_date(self, expr: Col) -> Col:
        raise TypeError(f"{type(self).__name__} has no date part")

    def at_midnight(self, expr: Col) -> Col:
        raise TypeError(f"{type(self).__name__} cannot make a date-time")

    def add_days(self, base: Col, days: Col, t: Type) -> Col:
        """`base` (of type `t`, a date or a date-time) moved by whole days, keeping its type."""
        raise TypeError(f"{type(self).__name__} cannot add days")

    def add_seconds(self, base: Col, seconds: Col) -> Col:
        raise TypeError(f"{type(self).__name__} cannot add seconds")

    def add_months(self, base: Col, months: Col, t: Type) -> Col:
        """`base` (of type `t`) moved by calendar months, clamped to the end of a short month."""
        raise TypeError(f"{type(self).__name__} cannot add months")

    def add_working_days(self, day: Col, n: Col) -> Col:
        raise TypeError(f"{type(self).__name__} cannot add working days")

    def with_time_of(self, day: Col, moment: Col) -> Col:
        raise TypeError(f"{type(self).__name__} cannot combine a date and a time")

    def days_between(self, a: Col, b: Col) -> Col:
        raise TypeError(f"{type(self).__name__} cannot count days")

    def seconds_between(self, a: Col, b: Col) -> Col:
        raise TypeError(f"{type(self).__name__} cannot count seconds")

    def weekday(self, moment: Col) -> Col:
        """Monday 1 .. Sunday 7."""
        raise TypeError(f"{type(self).__name__} has no weekday")

    def seconds_of_day(self, moment: Col) -> Col:
        raise TypeError(f"{type(self).__name__} has no time of day")

    def list_test(self, values: Col, test) -> Col:
        """Per element `test(element)`, as a list (null stays null)."""
        raise TypeError(f"{type(self).__name__} has no list operations")

    def list_any(self, values: Col) -> Col:
        raise TypeError(f"{type(self).__name__} has no list operations")

    def list_filter(self, values: Col, test) -> Col:
        raise TypeError(f"{type(self).__name__} has no list operations")

    def list_aggregate(self, func: str, values: Col) -> Col:
        """len, sum, min or max of a list."""
        raise TypeError(f"{type(self).__name__} has no list operations")

    def element_decimal(self, element: Col, scale: int) -> Col:
        return self.decimal(element, scale)

    def element(self) -> Col:
        raise TypeError(f"{type(self).__name__} has no list element")

    def scale(self, node: E.Expr) -> int:
        return scale_of(node, self.policy)

    # ------------------------------------------------------------ planning
    def _refs(self, exprs) -> set[str]:
        found: set[str] = set()
        for root in exprs:
            found |= {n.name for n in E.walk(root) if isinstance(n, E.RuleRef)}
        return found

    def _add(self, depth: int, exprs: list[Col], phase: int = 0) -> None:
        """Columns of one depth; phase 1 holds columns that read a phase-0 column of their rule."""
        if exprs:
            self.columns.setdefault((depth, phase), []).extend(exprs)

    def _gate(self, gate: M.Gate) -> tuple[str, int]:
        if gate.name not in self.gate_columns:
            depth = 1 + max((self.depth[r] for r in self._refs([gate.condition])), default=0)
            column = f"__g{len(self.gate_columns)}"
            self.gate_columns[gate.name] = column
            self.depth[column] = depth
            self._add(depth, [self.named(self.expr(gate.condition), column)])
        column = self.gate_columns[gate.name]
        return column, self.depth[column]

    def _plan(self, rule: M.Rule) -> None:
        gates = [self._gate(g) for g in rule.gates]
        refs = self._refs(self._roots(rule)) | (set(rule.members) if isinstance(rule, M.Group) else set())
        depth = 1 + max([self.depth[r] for r in refs] + [d for _, d in gates], default=0)
        self.depth[rule.name] = depth
        gate = reduce(operator.and_, [self.col(c) for c, _ in gates]) if gates else None
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

    # ------------------------------------------------------------ rules
    def names(self, rule: M.Rule) -> tuple[str, str, str, str]:
        i = self.index[rule.name]
        return f"__s{i}", f"__x{i}", f"__d{i}", f"__b{i}"

    def status(self, status: Status) -> Col:
        return self.code(CODE[status])

    def rule(self, rule: M.Rule, gate: Col | None) -> tuple[list[Col], list[Col]]:
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

    def gated(self, gate: Col | None, status: Col) -> Col:
        if gate is None:
            return status
        return self.case([(~gate, self.status(Status.NVT)), (self.is_null(gate), self.status(Status.ONBEKEND))],
                         status)

    def truth(self, cond: Col, yes: Status, no: Status) -> Col:
        return self.case([(cond, self.status(yes)), (~cond, self.status(no))], self.status(Status.ONBEKEND))

    def requirement(self, rule: M.Requirement, gate: Col | None) -> tuple[list[Col], list[Col]]:
        s, *_ = self.names(rule)
        parts = [self.expr(rule.condition)] + [self.expr(e.condition) for e in rule.exceptions]
        status = self.truth(reduce(operator.or_, parts), Status.VOLDAAN, Status.NIET_VOLDAAN)
        return [self.named(self.gated(gate, status), s)], [self.requirement_reason(rule, gate)]

    def requirement_reason(self, rule: M.Requirement, gate: Col | None) -> Col:
        """The reason code (`dsl.core.reasons`) as the index of the code in `reasons(rule)`."""
        code = self._reason_codes(rule)
        if len(reason_parts(rule)) == 1 and not rule.exceptions:   # the status says it all
            known = code["?1"]
            unknown_only = self.case([(self.is_null(gate), code[APPLICABILITY_UNKNOWN])], known) \
                if gate is not None else known
            return self._reason(rule, code["1"], unknown_only)
        parts = [self.expr(p) for p in reason_parts(rule)]
        failing = self.case([(~p, code[str(k)]) for k, p in enumerate(parts, 1)], self.null())
        unknown: list[tuple[Col, Col]] = []
        if gate is not None:
            unknown.append((self.is_null(gate), code[APPLICABILITY_UNKNOWN]))
        if rule.exceptions:   # a part is nee, yet the eis is onbekend: an uitzondering is unknown
            unknown.append((reduce(operator.or_, [self.fill_false(~p) for p in parts]), code[EXCEPTION_UNKNOWN]))
        unknown += [(self.is_null(p), code[f"?{k}"]) for k, p in enumerate(parts, 1)]
        return self._reason(rule, failing, self.case(unknown, self.null()))

    def group(self, rule: M.Group, gate: Col | None) -> tuple[list[Col], list[Col]]:
        s, *_ = self.names(rule)
        members = [self.col(self.names(self.policy.rules[m])[0]) for m in rule.members]

        def any_is(status: Status) -> Col:
            return reduce(operator.or_, [m == CODE[status] for m in members])

        status = self.case([(any_is(Status.NIET_VOLDAAN), self.status(Status.NIET_VOLDAAN)),
                            (any_is(Status.ONBEKEND), self.status(Status.ONBEKEND))], self.status(Status.VOLDAAN))
        code = self._reason_codes(rule)
        failing = self.case([(m == CODE[Status.NIET_VOLDAAN], code[name]) for name, m in zip(rule.members, members)],
                            self.null())
        unknown = [(self.is_null(gate), code[APPLICABILITY_UNKNOWN])] if gate is not None else []
        unknown += [(m == CODE[Status.ONBEKEND], code[f"?{name}"]) for name, m in zip(rule.members, members)]
        return [self.named(self.gated(gate, status), s)], [self._reason(rule, failing, self.case(unknown, self.null()))]

    def _reason_codes(self, rule: M.Rule) -> dict[str, Col]:
        return {reason.code: self.wide_code(k) for k, reason in enumerate(reasons(self.policy, rule))}

    def _reason(self, rule: M.Rule, failing: Col, unknown: Col) -> Col:
        status = self.col(self.names(rule)[0])
        return self.named(self.case([(status == CODE[Status.NIET_VOLDAAN], failing),
                                     (status == CODE[Status.ONBEKEND], unknown)], self.null()),
                          f"__r{self.index[rule.name]}")

    def calculation(self, rule: M.Calculation, gate: Col | None) -> tuple[list[Col], list[Col]]:
        s, x, *_ = self.names(rule)
        value = self.expr(rule.expr)
        if gate is not None:
            value = self.case([(gate, value)], self.null())
        known = self.case([(~self.is_null(self.col(x)), self.status(Status.BEPAALD))], self.status(Status.ONBEKEND))
        status = known if gate is None else self.case([(~gate, self.status(Status.NVT))], known)
        return [self.named(value, x)], [self.named(status, s)]

    def decision(self, rule: M.Decision, gate: Col | None) -> tuple[list[Col], list[Col]]:
        s, x, d, _ = self.names(rule)
        conds = [self.expr(r.condition) for r in rule.rows if r.condition is not None]
        fallback = self.code(rule.otherwise.index if rule.otherwise is not None else ROW_NONE)
        branches: list[tuple[Col, Col]] = []
        if gate is not None:
            branches += [(~gate, self.code(ROW_NVT)), (self.is_null(gate), self.code(ROW_UNKNOWN))]
        policy = rule.hit_policy
        any_unknown = reduce(operator.or_, [self.is_null(c) for c in conds]) if conds else None
        if policy is M.HitPolicy.UNIQUE or policy is M.HitPolicy.ANY:
            branches.append((self.count_true(self.disagreeing(rule, conds)) > 1, self.code(ROW_OVERLAP)))
            if any_unknown is not None:
                branches.append((any_unknown, self.code(ROW_UNKNOWN)))
            branches += [(self.fill_false(c), self.code(i)) for i, c in enumerate(conds)]
        elif policy.single:   # the first that holds, in the order the hit policy looks at the rows
            for r in rule.in_order:
                c = conds[r.index]
                branches += [(self.is_null(c), self.code(ROW_UNKNOWN)), (c, self.code(r.index))]
        else:   # every row counts: an unknown one makes the decision unknown; the row shown is the first that holds
            if policy.aggregate == "lijst":
                raise Unsupported(f"een lijst als uitkomst ({policy}) wordt per casus berekend")
            if any_unknown is not None:
                branches.append((any_unknown, self.code(ROW_UNKNOWN)))
            branches += [(self.fill_false(conds[r.index]), self.code(r.index)) for r in rule.in_order]
        chosen = self.case(branches, fallback) if branches else fallback
        row = self.col(d)
        value = self.row_value(row, rule) if policy.single else self.collected(row, rule, conds)
        status = self.case([(row >= 0, self.status(Status.BEPAALD)), (row == ROW_NONE, self.status(Status.GEEN_UITKOMST)),
                            (row == ROW_OVERLAP, self.status(Status.MEERDERE)), (row == ROW_NVT, self.status(Status.NVT))],
                           self.status(Status.ONBEKEND))
        return [self.named(chosen, d)], [self.named(value, x), self.named(status, s)]

    def disagreeing(self, rule: M.Decision, conds: list[Col]) -> list[Col]:
        """Per group of rows that must not hold together, whether one of them holds: under uniek
        every row is its own group; under om het even the rows that agree (`Row.agree`) are one."""
        if rule.hit_policy is M.HitPolicy.UNIQUE:
            return [self.fill_false(c) for c in conds]
        groups: dict[int | None, list[Col]] = {}
        for r in rule.rows:
            groups.setdefault(r.agree, []).append(self.fill_false(conds[r.index]))
        return [reduce(operator.or_, members) for members in groups.values()]

    def collected(self, row: Col, rule: M.Decision, conds: list[Col]) -> Col:
        """Under som, aantal, minimum, maximum: what the rows that hold give together (`anders`
        when none does); an outcome that is unknown makes a sum, minimum or maximum unknown."""
        kind = rule.hit_policy.aggregate
        holds = [self.fill_false(c) for c in conds]
        otherwise = rule.otherwise
        if kind == "aantal":   # + 0 as an aantal: the count in the column type of every aantal
            total = self.count_true(holds) + self.lit(0, rule.type)
        else:
            scale = max((self.scale(r.outcome) for r in rule.all_rows), default=0)
            exact = rule.type.kind in SCALES
            outcomes = [self.decimal(self.expr(r.outcome), scale) if exact else self.expr(r.outcome) for r in rule.rows]
            unknown = reduce(operator.or_, [h & self.is_null(o) for h, o in zip(holds, outcomes, strict=True)])
            if kind == "som":
                zero = self.lit(Decimal(0) if exact else 0, rule.type, scale)
                parts = [self.case([(h, o)], zero) for h, o in zip(holds, outcomes, strict=True)]
                summed = reduce(operator.add, parts)
                total = self.case([(unknown, self.null())], self.decimal(summed, scale) if exact else summed)
            else:
                picked = [self.case([(h, o)], self.null()) for h, o in zip(holds, outcomes, strict=True)]
                total = self.case([(unknown, self.null())], self.least(picked, kind == "minimum"))
        branches = []
        if otherwise is not None:
            fallback = self.expr(otherwise.outcome)
            if rule.type.kind in SCALES:
                fallback = self.decimal(fallback, max((self.scale(r.outcome) for r in rule.all_rows), default=0))
            branches.append((row == otherwise.index, fallback))
        return self.case([*branches, (row >= 0, total)], self.null())

    def row_value(self, row: Col, rule: M.Decision) -> Col:
        """The outcome of the decision's row numbered `row`; null for a row marker (no row)."""
        if not rule.all_rows:
            return self.null()
        return self.case([(row == r.index, self.expr(r.outcome)) for r in rule.all_rows], self.null())

    def timeline(self, rule: M.Timeline, gate: Col | None) -> tuple[list[Col], list[Col]]:
        s, _, d, b = self.names(rule)
        event, event_t = self.expr(rule.subject), rule.subject.type
        bounds = [(rule.start, b), (rule.end, d)]
        unknown_bound = reduce(operator.or_, [self.is_null(self.col(name)) for node, name in bounds if node is not None])
        ok_start = None
        late = None
        no_event = self.status(Status.ONBEKEND)
        if rule.end is not None:
            passed = self.moment_cmp(self.col("peildatum"), _DATUM, self.col(d), rule.end.type)
            over = (passed >= 0) if rule.strict else (passed > 0)
            no_event = self.case([(self.is_null(passed), self.status(Status.ONBEKEND)),
                                  (over, self.status(Status.VERSTREKEN_ZONDER_DATUM))],
                                 self.status(Status.NOG_NIET))
            c = self.moment_cmp(event, event_t, self.col(d), rule.end.type)
            late = (c >= 0) if rule.strict else (c > 0)
        if rule.start is not None:
            ok_start = self.moment_cmp(event, event_t, self.col(b), rule.start.type) >= 0
        if rule.exact:
            assert rule.end is not None
            ok = self.moment_cmp(event, event_t, self.col(d), rule.end.type) == 0
        elif ok_start is None:
            assert late is not None  # a termijn has a start, an end, or both
            ok = ~late
        else:
            ok = ok_start if late is None else ok_start & ~late
        status = self.case([(unknown_bound, self.status(Status.ONBEKEND)), (self.is_null(event), no_event)],
                           self.truth(ok, Status.GEHAALD, Status.NIET_GEHAALD))
        first = []
        for node, name in bounds:
            value = self.expr(node) if node is not None else self.lit(None, _DATUM)
            if gate is not None:
                value = self.case([(gate, value)], self.null())
            first.append(self.named(value, name))
        return first, [self.named(self.gated(gate, status), s)]

    # ------------------------------------------------------------ expressions
    def rule_value(self, name: str) -> Col:
        rule = self.policy.rules[name]
        s, x, *_ = self.names(rule)
        if rule.kind in (M.RuleKind.REQUIREMENT, M.RuleKind.GROUP, M.RuleKind.TIMELINE):
            timeline = rule.kind is M.RuleKind.TIMELINE
            yes = CODE[Status.GEHAALD if timeline else Status.VOLDAAN]
            no = CODE[Status.NIET_GEHAALD if timeline else Status.NIET_VOLDAAN]
            status = self.col(s)
            return self.case([((status == yes) | (status == CODE[Status.NVT]), self.lit(True, Type("ja/nee"))),
                              (status == no, self.lit(False, Type("ja/nee")))], self.lit(None, Type("ja/nee")))
        return self.col(x)

    def expr(self, node: E.Expr) -> Col:
        match node:
            case E.Input():
                return self.col(node.name)
            case E.RuleRef():
                return self.rule_value(node.name)
            case E.Peildatum():
                return self.col("peildatum")
            case E.Const():
                return self.lit(node.value, node.type, self.scale(node))
            case E.Compare():
                return self.compare(node.op, node.left, node.right, node.moments)
            case E.Member():
                operand = self.expr(node.operand)
                hit = reduce(operator.or_, [operand == self.expr(o) for o in node.options])
                hit = self.case([(self.is_null(operand), self.lit(None, Type("ja/nee")))], hit)
                return ~hit if node.negated else hit
            case E.Between():
                low = self.compare(">=", node.operand, node.low, _moments(node.operand, node.low))
                high = self.compare("<=" if node.high_inclusive else "<", node.operand, node.high,
                                    _moments(node.operand, node.high))
                return low & high
            case E.Weekly():
                return self.weekly(node)
            case E.Each():
                return self.each(node)
            case E.And():
                return reduce(operator.and_, [self.expr(i) for i in node.items])
            case E.Or():
                return reduce(operator.or_, [self.expr(i) for i in node.items])
            case E.Not():
                return ~self.expr(node.operand)
            case E.Known():   # never null itself
                missing = self.is_null(self.expr(node.operand))
                return missing if node.negated else ~missing
            case E.Arith():
                return self.arith(node)
            case E.Neg():
                return -self.expr(node.operand)
            case E.PercentOf():
                scale = self.scale(node.percent) + self.scale(node.base)
                product = self.decimal(self.expr(node.percent), scale) * self.decimal(self.expr(node.base), scale)
                return self.decimal(self.decimal(product, scale + 2) / self.lit(Decimal(100), Type("getal")), scale + 2)
            case E.Shift():
                return self.shift(node)
            case E.MomentDiff():
                left, right = self.expr(node.left), self.expr(node.right)
                if node.unit == "dagen":
                    return self.days_between(self.day(left, node.left.type), self.day(right, node.right.type))
                return self.seconds_between(self.moment(left, node.left.type), self.moment(right, node.right.type))
            case E.DayOf():
                day = self.add_days(self.expr(node.base), self.lit(node.number - 1, Type("aantal")), node.base.type)
                return self.in_calendar(day, node.base.type)
            case E.Aggregate():
                return self.aggregate(node)
            case E.ListOf():   # null when an item is (as per case); decimals at one scale
                items = [self.expr(i) for i in node.items]
                if node.type.element is not None and node.type.element.kind in SCALES:
                    scale = self.scale(node)
                    items = [self.decimal(item, scale) for item in items]
                return self.case([(self.any_of([self.is_null(i) for i in items]), self.null())], self.list_of(items))
            case E.Round():
                return self.rounding(node)
            case E.YearDate():
                return self.year_date(self.col("peildatum"), node.month, node.day, node.offset)
            case E.YearValue():
                target = (self.lit(node.year, Type("aantal")) if node.offset is None
                          else self.year_of(self.col("peildatum")) + node.offset)
                return self.year_value(self.col(node.name), target)
            case E.Versions():
                return self.versions(node)
            case E.OnDay():
                return self.on_day(node)
            case E.Throughout():
                return self.throughout(node)
            case E.PeriodDay():
                raise Unsupported("de dag van 'gedurende de periode van ...' wordt per casus berekend")
            case _:
                assert_never(node)

    def versions(self, node: E.Versions) -> Col:
        """The choice of the first version whose test of the peildatum is true; null when none is.
        Decimal choices are brought to one scale (the largest of them)."""
        scale = self.scale(node) if node.type.kind in SCALES else None
        choices = [self.expr(c) if scale is None else self.decimal(self.expr(c), scale) for c in node.choices]
        return self.case([(self.expr(test), choice) for test, choice in zip(node.conditions, choices, strict=True)],
                         self.null() if scale is None else self.decimal(self.null(), scale))

    def throughout(self, node: E.Throughout) -> Col:
        """`gedurende de periode van A tot en met B: c` for a row whose gegevens per periode each
        hold one value on every day (the only rows an engine evaluates: `dsl.batch.changing_rows`
        finds the others, which Polars sends to the per-case path and Spark refuses). On such a
        row every day of the period gives c the same value, so the answer is c, except that a
        period without a day (B before A; `tot A`) is onbekend (`dsl.runtime.values.throughout`).
        A and B are datums (the checker refuses other bounds)."""
        start, end = self.expr(node.start), self.expr(node.end)
        empty = (end < start) if node.end_counted else (end <= start)   # null with a bound onbekend: c
        return self.case([(empty, self.null())], self.expr(node.condition))

    def on_day(self, node: E.OnDay) -> Col:
        """The value of a gegeven per periode on its day. This portable form is for rows whose
        histories are one value on every day (see `throughout`): that value, whatever the day; an
        engine that can pick a pair by a day of the row overrides it (Spark)."""
        return self.constant_value(self.col(node.name))

    def constant_value(self, history: Col) -> Col:
        """The value of a history ((dag, waarde) pairs) that is one value from `E.EVERY_DAY` on;
        null for any other history (a row with one is never evaluated here, see `throughout`)."""
        raise Unsupported("een gegeven met een waarde per periode wordt per casus berekend")

    def list_of(self, items: list[Col]) -> Col:
        """A list column of the items' values (`[a; 2; b]`)."""
        raise Unsupported("een lijst [...] wordt per casus berekend")

    def any_of(self, tests: list[Col]) -> Col:
        """True when one of the (never null) tests is."""
        return reduce(operator.or_, tests)

    def year_of(self, day: Col) -> Col:
        """The calendar year of a date (null for null)."""
        raise Unsupported("een gegeven met een waarde per jaar wordt per casus berekend")

    def year_value(self, history: Col, year: Col) -> Col:
        """The value a gegeven per jaar (a list of (jaar, waarde) pairs) gives for `year`; null
        when it gives none or `year` is null (`dsl.runtime.values.year_value`)."""
        raise Unsupported("een gegeven met een waarde per jaar wordt per casus berekend")

    def year_date(self, peil: Col, month: int, day: int, offset: int) -> Col:
        """`day month` of the peildatum's year moved by `offset` years (null without a peildatum).
        This portable form picks the year among the calendar's years with a `case`; an engine with
        a date constructor overrides it (Spark: `make_date`)."""
        return self.case([((peil >= self.lit(date(year, 1, 1), _DATUM)) & (peil <= self.lit(date(year, 12, 31), _DATUM)),
                           self.lit(date(year + offset, month, day), _DATUM))
                          for year in range(FIRST_YEAR, LAST_YEAR + 1)], self.lit(None, _DATUM))

    def day(self, value: Col, t: Type) -> Col:
        return self.to_date(value) if t.kind == "tijdstip" else value

    def moment(self, value: Col, t: Type) -> Col:
        return value if t.kind == "tijdstip" else self.at_midnight(value)

    def moment_cmp(self, a: Col, a_t: Type, b: Col, b_t: Type) -> Col:
        """-1, 0 or 1 comparing two moments, null when undecidable (a date against a date-time on
        the same day), as `dsl.runtime.values.moment_cmp`."""
        if a_t.kind == b_t.kind:
            left, right = a, b
        else:
            left, right = self.day(a, a_t), self.day(b, b_t)
        sign = self.case([(left < right, self.code(-1)), (left > right, self.code(1)), (left == right, self.code(0))],
                         self.null())
        if a_t.kind == "datum" and b_t.kind == "tijdstip":
            return self.case([(left == right, self.null())], sign)
        return sign

    def compare(self, op: str, left_node: E.Expr, right_node: E.Expr, moments: bool) -> Col:
        left, right = self.expr(left_node), self.expr(right_node)
        if moments:
            return _OPS[op](self.moment_cmp(left, left_node.type, right, right_node.type), 0)
        if left_node.type.kind in SCALES or right_node.type.kind in SCALES:
            scale = max(self.scale(left_node), self.scale(right_node))
            left, right = self.decimal(left, scale), self.decimal(right, scale)
        return _OPS[op](left, right)

    def arith(self, node: E.Arith) -> Col:
        if node.op == "/":
            raise Unsupported("een deling wordt per casus berekend (exact tot 28 cijfers)")
        if node.op == "^":
            return self.power(node)
        left, right = self.expr(node.left), self.expr(node.right)
        if node.type.kind in ("aantal", "duur") and node.left.type.kind not in SCALES \
                and node.right.type.kind not in SCALES:
            return self.whole_arith(node.op, left, right)
        if node.op == "*":
            scale = self.scale(node.left) + self.scale(node.right)
        else:
            scale = max(self.scale(node.left), self.scale(node.right))
        return self.decimal(_ARITH[node.op](self.decimal(left, scale), self.decimal(right, scale)), scale)

    def power(self, node: E.Arith) -> Col:
        """`a tot de macht n` for a written n from 0 to 8: a times itself, exactly as `*`; any
        other power is computed per case."""
        n = _small_power(node)
        if n is None:
            raise Unsupported("'tot de macht' met een macht uit de casus, negatief of groter dan 8 wordt per "
                              "casus berekend")
        if n == 0:
            one = self.lit(1 if node.type.kind == "aantal" else Decimal(1), node.type)
            return self.case([(self.is_null(self.expr(node.left)), self.null())], one)
        product: E.Expr = node.left
        for _ in range(n - 1):
            product = E.Arith("*", product, node.left, node.type, node.span, node.inputs)
        return self.arith(product) if isinstance(product, E.Arith) else self.expr(product)

    def rounding(self, node: E.Round) -> Col:
        """`afgerond op ...`: the operand at its own scale rounded to `places`; a whole number (an
        aantal) and a value with no more decimals than `places` are left as they are."""
        value = self.expr(node.operand)
        scale = self.scale(node.operand)
        if node.operand.type.kind not in SCALES or node.places >= scale:
            return value
        rounded = self.round_decimal(self.decimal(value, scale), scale, node.places, node.mode)
        return self.decimal(rounded, node.places)

    def shift(self, node: E.Shift) -> Col:
        base, amount = self.expr(node.base), self.expr(node.amount)
        if node.direction < 0:
            amount = -amount
        if node.unit == "dagen":
            return self.in_calendar(self.add_days(base, amount, node.base.type), node.base.type)
        if node.unit == "seconden":
            return self.in_calendar(self.add_seconds(self.moment(base, node.base.type), amount), Type("tijdstip"))
        if node.unit == "maanden":
            return self.in_calendar(self.add_months(base, amount, node.base.type), node.base.type)
        # working days only within the years whose holidays are known (dsl.runtime.values.shift_workdays)
        day = self.day(base, node.base.type)
        far = (amount > _MAX_WORKDAYS) | (amount < -_MAX_WORKDAYS)
        moved = self.add_working_days(day, self.case([(far, self.lit(0, Type("aantal")))], amount))
        first, last = self.lit(date(FIRST_YEAR, 1, 1), _DATUM), self.lit(date(LAST_YEAR, 12, 31), _DATUM)
        outside = far | (day < first) | (day > last) | (moved < first) | (moved > last)
        moved = self.case([(~(amount == 0) & outside, self.null())], moved)
        return self.with_time_of(moved, base) if node.base.type.kind == "tijdstip" else moved

    def in_calendar(self, moment: Col, t: Type) -> Col:
        """Null for a moment before year 1 or after 9999 (`dsl.runtime.values`: onbekend)."""
        low: date
        high: date
        if t.kind == "tijdstip":
            low, high = datetime(1, 1, 1), datetime(9999, 12, 31, 23, 59, 59)
        else:
            low, high, t = date(1, 1, 1), date(9999, 12, 31), _DATUM
        return self.case([((moment < self.lit(low, t)) | (moment > self.lit(high, t)), self.null())], moment)

    def weekly(self, node: E.Weekly) -> Col:
        value = self.expr(node.operand)
        day = self.weekday(value)
        on_day = reduce(operator.or_, [day == d + 1 for d in node.days])
        unknown = self.lit(None, Type("ja/nee"))
        if node.start is None:
            return self.case([(self.is_null(value), unknown)], on_day)
        if node.operand.type.kind != "tijdstip":
            return self.case([(self.is_null(value), unknown), (~on_day, self.lit(False, Type("ja/nee")))], unknown)
        seconds = self.seconds_of_day(value)
        assert node.end is not None
        inside = (seconds >= node.start) & ((seconds <= node.end) if node.end_inclusive else (seconds < node.end))
        return self.case([(self.is_null(value), unknown), (~on_day, self.lit(False, Type("ja/nee")))], inside)

    def element_test(self, op: str, element_type: Type, bound: E.Expr):
        """`element op bound` for every element of a list, for a bound written in the policy."""
        if not isinstance(bound, E.Const):
            raise Unsupported("een lijst vergeleken met een waarde uit de casus wordt per casus berekend")
        right = self.expr(bound)
        scale = max(type_scale(element_type), self.scale(bound))
        decimal = element_type.kind in SCALES or bound.type.kind in SCALES

        def test(element: Col) -> Col:
            if decimal:
                return _OPS[op](self.element_decimal(element, scale), self.decimal(right, scale))
            return _OPS[op](element, right)
        return test

    def each(self, node: E.Each) -> Col:
        """Kleene "for all": false as soon as one element fails, unknown if one is unknown."""
        values = self.expr(node.collection)
        assert node.collection.type.element is not None
        tests = self.list_test(values, self.element_test(node.op, node.collection.type.element, node.right))
        fails = self.list_any(self.list_test(tests, lambda e: ~e))
        unknown = self.list_any(self.list_test(tests, self.is_null))
        yes_no = Type("ja/nee")
        return self.case([(self.is_null(values), self.lit(None, yes_no)), (fails, self.lit(False, yes_no)),
                          (unknown, self.lit(None, yes_no))], self.lit(True, yes_no))

    def aggregate(self, node: E.Aggregate) -> Col:
        values = self.expr(node.operand)
        any_null = self.list_any(self.list_test(values, self.is_null))
        if node.where_bound is not None:
            assert node.operand.type.element is not None and node.where_op is not None
            keep = self.element_test(node.where_op, node.operand.type.element, node.where_bound)
            values = self.case([(any_null, self.null())], self.list_filter(values, keep))
        if node.func == "aantal":
            return self.list_aggregate("len", values)
        if node.func in ("minimum", "maximum"):
            picked = self.list_aggregate("min" if node.func == "minimum" else "max", values)
            return self.case([(any_null | (self.list_aggregate("len", values) == 0), self.null())], picked)
        if node.func == "som":
            return self.case([(any_null, self.null())], self.list_aggregate("sum", values))
        raise Unsupported(f"'{node.func} van' wordt per casus berekend")


_OPS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge, "==": operator.eq,
        "!=": operator.ne}
_ARITH = {"+": operator.add, "-": operator.sub, "*": operator.mul}


def _small_power(node: E.Arith) -> int | None:
    """The power of `a tot de macht n` when it is written and from 0 to 8, else None."""
    n = node.right.value if isinstance(node.right, E.Const) else None
    if isinstance(n, (int, Decimal)) and n == int(n) and 0 <= n <= 8:
        return int(n)
    return None


def _moments(a: E.Expr, b: E.Expr) -> bool:
    return a.type.kind in MOMENTS or b.type.kind in MOMENTS
