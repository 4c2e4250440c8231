"""Code generation for expressions: one visitor over the core expression union -> Python `ast`.

Contract: `ExpressionGenerator.expr(node)` returns a Python expression computing a core
expression from the locals of the generated function (`v{i}` the gegevens, `peil`, the locals of
earlier rules). Expressions follow Kleene logic with None as "onbekend": an unknown operand
gives an unknown result; `en` is false as soon as one part is false and `of` true as soon as one
part is true. Arithmetic is a call of the runtime (`num_add`, `whole_mul`, `percent_of`, ...:
exact or onbekend, see `dsl.runtime.values`), never Python's operators, which round a Decimal to
28 digits or raise; `afgerond op ...` is `round_to` with the places and the mode's words. Operands
are evaluated once (walrus temporaries). With `traced`, every expression passes through
`R(id, value)`, and `steps[id]` says which node and which rule that step belongs to. Values that
are not str/int/bool/None are bound through the namespace (`consts`), never written into the code.
Rule statements and the function are in `dsl.compiler.generator`.
"""

from __future__ import annotations

import ast as py
from decimal import Decimal
from typing import assert_never

import attrs

from dsl.compiler.pyast import _SIMPLE, _c, _call, _if, _is, _n, _or, _stamp
from dsl.core import expr as E
from dsl.core.model import Policy, Status
from dsl.runtime import values as rtv

_OPS = {"<": py.Lt, "<=": py.LtE, ">": py.Gt, ">=": py.GtE, "==": py.Eq, "!=": py.NotEq}
# Arithmetic is a runtime call (exact or onbekend), chosen by the type of the result.
_DECIMAL_OPS = {"+": "num_add", "-": "num_sub", "*": "num_mul"}
_WHOLE_OPS = {"+": "whole_add", "-": "whole_sub", "*": "whole_mul"}
_WHOLE_KINDS = frozenset({"aantal", "duur"})
SHIFTS = {"dagen": "shift_days", "maanden": "shift_months", "seconden": "shift_seconds",
          "werkdagen": "shift_workdays"}
_AGGREGATES = {"som": "agg_sum", "aantal": "agg_count", "minimum": "agg_min", "maximum": "agg_max",
               "gemiddelde": "agg_avg"}
# Statuses are bound in the namespace of generated code under these names.
STATUS_NAMES = {status: "S_" + status.name for status in Status}


@attrs.frozen(slots=True)
class TraceStep:
    """What one trace id stands for: an expression or a rule of the core model, and the rule
    whose evaluation it is part of (a gate belongs to the rule that declares it)."""

    node: object
    rule: str


_DECIMAL_KINDS = frozenset({"bedrag", "percentage", "getal"})


class ExpressionGenerator:
    def __init__(self, policy: Policy, traced: bool, consts: dict):
        self.policy, self.traced, self.consts = policy, traced, consts
        self.const_names = set(consts.values()) | set(STATUS_NAMES.values())
        self.steps: list[TraceStep] = []
        self.ids: dict[int, int] = {}
        self.temp_count = 0
        self.current_rule = ""
        self.locals: dict[str, str] = {}
        self.day_names: dict[int, str] = {}   # a `PeriodDay` -> the parameter of its condition's function
        for i, name in enumerate(policy.fields):
            self.locals[name] = f"v{i}"
        for i, name in enumerate(policy.rules):
            self.locals[name] = f"r{i}"

    # ------------------------------------------------------------ plumbing
    def temp(self) -> str:
        self.temp_count += 1
        return f"t{self.temp_count}"

    def const(self, value) -> py.expr:
        if isinstance(value, Status):
            return _n(STATUS_NAMES[value])
        if isinstance(value, (str, bool, int)) or value is None:
            return _c(value)
        key = (type(value).__name__, value)
        if key not in self.consts:
            self.consts[key] = f"k{len(self.consts)}"
            self.const_names.add(self.consts[key])
        return _n(self.consts[key])

    def record(self, node, expr: py.expr) -> py.expr:
        """In traced mode, wrap `expr` as `R(id, expr)` where id names `node`."""
        if not self.traced or isinstance(node, E.LEAVES):
            return expr  # values known without running: the literal, or the case itself
        key = id(node)
        if key not in self.ids:
            self.ids[key] = len(self.steps)
            self.steps.append(TraceStep(node, self.current_rule))
        return _call("R", _c(self.ids[key]), expr)

    def bind(self, expr: py.expr) -> tuple[py.expr, py.expr]:
        """(first use, later uses) of an operand: a walrus temporary unless it is simple."""
        if isinstance(expr, _SIMPLE):
            return expr, expr
        name = self.temp()
        return py.NamedExpr(target=_n(name, store=True), value=expr), _n(name)

    def unknown_guard(self, operands: list[py.expr], body_fn) -> py.expr:
        """`None if any operand is None else body(operands)`; constants are not tested (a constant
        folded to None, such as `1 / 0`, makes the whole expression None)."""
        if any(isinstance(expr, py.Constant) and expr.value is None for expr in operands):
            return _c(None)
        laters, tests = [], []
        for expr in operands:
            first, later = self.bind(expr)
            laters.append(later)
            constant = isinstance(expr, py.Constant) or (
                isinstance(expr, py.Name) and expr.id in self.const_names)
            if not constant:
                tests.append(_is(first, _c(None)))
        body = body_fn(*laters)
        return _if(_or(*tests), _c(None), body) if tests else body

    def negate(self, expr: py.expr) -> py.expr:
        if isinstance(expr, py.Constant) and isinstance(expr.value, int):
            return _c(-expr.value)
        return self.unknown_guard([expr], lambda a: py.UnaryOp(op=py.USub(), operand=a))

    # ------------------------------------------------------------ expressions
    def expr(self, node: E.Expr) -> py.expr:
        return _stamp(self.record(node, self.lower(node)), node.span)

    def lower(self, node: E.Expr) -> py.expr:
        match node:
            case E.Input():
                return _n(self.locals[node.name])
            case E.RuleRef():
                return self.rule_value(node.name)
            case E.Peildatum():
                return _n("peil")
            case E.Const():
                return self.const(node.value)
            case E.Compare():
                return self.compare(node)
            case E.Member():
                options = py.Tuple(elts=[self.expr(o) for o in node.options], ctx=py.Load())
                op = py.NotIn() if node.negated else py.In()
                return self.unknown_guard([self.expr(node.operand)],
                                          lambda a: py.Compare(left=a, ops=[op], comparators=[options]))
            case E.Between():
                return _call("between", self.expr(node.operand), self.expr(node.low), self.expr(node.high),
                             _c(node.high_inclusive))
            case E.Weekly():
                return _call("weekly", self.expr(node.operand), _c(node.mask), _c(node.start), _c(node.end),
                             _c(node.end_inclusive))
            case E.Each():
                return _call("each", _c(node.op), self.expr(node.collection), self.expr(node.right))
            case E.And() | E.Or():
                return self.kleene(isinstance(node, E.And), [self.expr(i) for i in node.items])
            case E.Not():
                return self.unknown_guard([self.expr(node.operand)], lambda a: py.UnaryOp(op=py.Not(), operand=a))
            case E.Known():   # never onbekend: `x is not None` (`x is None` for `is onbekend`)
                return _is(self.expr(node.operand), _c(None), negate=not node.negated)
            case E.Arith():
                return self.arith(node)
            case E.Neg():
                # `-x` would round a Decimal to 28 digits
                return self.arithmetic("whole_neg" if node.type.kind in _WHOLE_KINDS else "num_neg", node.operand)
            case E.PercentOf():
                return self.arithmetic("percent_of", node.percent, node.base)
            case E.Shift():
                amount = self.expr(node.amount)
                if node.direction < 0:
                    amount = self.negate(amount)
                return _call(SHIFTS[node.unit], self.expr(node.base), amount)
            case E.MomentDiff():
                fn = "moment_diff_days" if node.unit == "dagen" else "moment_diff_seconds"
                return _call(fn, self.expr(node.left), self.expr(node.right))
            case E.DayOf():
                return _call("day_of", self.expr(node.base), _c(node.number))
            case E.Aggregate():
                values = self.expr(node.operand)
                if node.where_bound is not None:
                    values = _call("where", _c(node.where_op), values, self.expr(node.where_bound))
                return _call(_AGGREGATES[node.func], values)
            case E.Round():
                return self.rounding(node)
            case E.YearDate():
                return _call("year_date", _n("peil"), _c(node.month), _c(node.day), _c(node.offset))
            case E.YearValue():   # the gegeven per jaar, read for one year
                return _call("year_value", _n(self.locals[node.name]), _n("peil"), _c(node.offset), _c(node.year))
            case E.PeriodDay():   # the parameter of the condition's function (`throughout`)
                return _n(self.day_names[id(node)])
            case E.OnDay():       # a gegeven per periode on a day
                return _call("period_value", _n(self.locals[node.name]), self.expr(node.day))
            case E.Throughout():
                return self.throughout(node)
            case E.Versions():
                return self.versions(node)
            case E.ListOf():      # a tuple, as a list gegeven is; onbekend when an item is
                return self.unknown_guard([self.list_item(i, node) for i in node.items],
                                          lambda *items: py.Tuple(elts=list(items), ctx=py.Load()))
            case _:
                assert_never(node)

    def list_item(self, item: E.Expr, node: E.ListOf) -> py.expr:
        """An item of `[a; 2; b]`; an aantal among getallen becomes a Decimal like the others."""
        element = node.type.element
        if item.type.kind == "aantal" and element is not None and element.kind != "aantal":
            if isinstance(item, E.Const):
                return self.const(Decimal(item.value))
            return _call("as_decimal", self.expr(item))
        return self.expr(item)

    def throughout(self, node: E.Throughout) -> py.expr:
        """`throughout(start, end, end_counted, (histories), lambda d: condition)`: the runtime
        calls the condition for each day it tests (`dsl.runtime.values.throughout`)."""
        name = self.day_names.setdefault(id(node.day), f"dag{len(self.day_names)}")   # (d<i> is a rule's detail)
        condition = py.Lambda(args=py.arguments(posonlyargs=[], args=[py.arg(arg=name)], kwonlyargs=[],
                                                kw_defaults=[], defaults=[]),
                              body=self.expr(node.condition))
        histories = py.Tuple(elts=[_n(self.locals[h]) for h in node.histories], ctx=py.Load())
        return _call("throughout", self.expr(node.start), self.expr(node.end), _c(node.end_counted), histories,
                     condition)

    def versions(self, node: E.Versions) -> py.expr:
        """`c0 if t0 is True else (c1 if t1 is True else None)`: only the version in force runs."""
        result: py.expr = _c(None)
        for test, choice in reversed(list(zip(node.conditions, node.choices, strict=True))):
            result = _if(_is(self.expr(test), _c(True)), self.expr(choice), result)
        return result

    def rule_value(self, name: str) -> py.expr:
        """How another rule's value is read; the rule generator knows the locals of rules."""
        raise TypeError(f"a rule value ({name}) is read outside a policy function")

    def compare(self, node: E.Compare) -> py.expr:
        left, right = self.operand(node.left, node.right), self.operand(node.right, node.left)
        if node.moments and not (node.left.type.kind == node.right.type.kind == "datum"):
            # a date-time and a date on the same day cannot be ordered: the runtime decides; two
            # dates compare as plain values
            return _call("moment_test", _c(node.op), left, right)
        op = _OPS[node.op]()
        return self.unknown_guard([left, right], lambda a, b: py.Compare(left=a, ops=[op], comparators=[b]))

    def operand(self, node: E.Expr, other: E.Expr) -> py.expr:
        """A comparison's operand; a whole-number constant met by a decimal is bound as a Decimal
        (the same order, and Decimal against Decimal compares three times faster than with int)."""
        if (type(node) is E.Const and type(node.value) is int and other.type is not None
                and other.type.kind in _DECIMAL_KINDS):
            return self.const(Decimal(node.value))
        return self.expr(node)

    def arith(self, node: E.Arith) -> py.expr:
        """A runtime call: exact or onbekend, never rounded or raising (`dsl.runtime.values`);
        a quotient is the one rounded result, and always a Decimal."""
        if node.op == "/":
            fn = "num_div"
        elif node.op == "^":
            fn = "whole_pow" if node.type.kind == "aantal" else "num_pow"
        else:
            fn = (_WHOLE_OPS if node.type.kind in _WHOLE_KINDS else _DECIMAL_OPS)[node.op]
        return self.arithmetic(fn, node.left, node.right)

    def arithmetic(self, fn: str, *operands: E.Expr) -> py.expr:
        """The call of runtime function `fn` on `operands`; on written values only (`6,37% + 1,4%`)
        the value that call gives, computed once here."""
        written = [o.value for o in operands if isinstance(o, E.Const)]
        if len(written) == len(operands):
            return self.const(rtv.EXPORTS[fn](*written))
        return _call(fn, *(self.expr(o) for o in operands))

    def rounding(self, node: E.Round) -> py.expr:
        """`round_to(operand, places, mode)`; on a written value, the rounded value itself."""
        if isinstance(node.operand, E.Const):
            return self.const(rtv.round_to(node.operand.value, node.places, node.mode.value))
        return _call("round_to", self.expr(node.operand), _c(node.places), _c(node.mode.value))

    def kleene(self, conjunction: bool, items: list[py.expr]) -> py.expr:
        """Kleene `en` (conjunction) or `of` over items, short-circuiting on the deciding value."""
        decisive = _c(not conjunction)   # False decides `en`, True decides `of`
        bound = [self.bind(i) for i in items]
        result = _if(_or(*[_is(later, _c(None)) for _, later in bound]), _c(None), _c(conjunction))
        for first, _later in reversed(bound):
            result = _if(_is(first, decisive), decisive, result)
        return result
