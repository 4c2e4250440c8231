"""Code generator: one visitor over the typed model producing a Python `ast.FunctionDef`.

Contract: `Generator(model, traced, consts).function(name)` returns the definition of
`name(inputs, peil[, R])`. Expressions follow Kleene logic with None as "onbekend": an unknown
operand gives an unknown result; `en` is false as soon as one part is false and `of` true as
soon as one part is true. Operands are evaluated once (walrus temporaries). With `traced`,
every expression and rule result passes through `R(id, value)`, and `nodes[id]` is the AST
node of that step. Rule statements are in `dsl.compiler.rules`.
"""

from __future__ import annotations

import ast as py
from decimal import Decimal

from dsl import ast
from dsl import types as T
from dsl.compiler.pyast import _SIMPLE, _c, _call, _if, _is, _n, _or, _stamp
from dsl.compiler.rules import RuleStatements

_OPS = {"<": py.Lt, "<=": py.LtE, ">": py.Gt, ">=": py.GtE, "==": py.Eq, "!=": py.NotEq}
_BINOPS = {"+": py.Add, "-": py.Sub, "*": py.Mult, "/": py.Div}
SHIFTS = {"dagen": "shift_days", "maanden": "shift_months", "seconden": "shift_seconds",
           "werkdagen": "shift_workdays"}
_AGGREGATES = {"som": "agg_sum", "aantal": "agg_count", "minimum": "agg_min", "maximum": "agg_max",
               "gemiddelde": "agg_avg"}


def duration_count(value) -> int:
    """A (amount, unit) duration literal as a count in its family's base unit."""
    amount, unit = value
    return amount * T.DURATION_FAMILY[unit][1]


class Generator(RuleStatements):
    def __init__(self, model, traced: bool, consts: dict):
        self.model, self.traced, self.consts = model, traced, consts
        self.const_names = set(consts.values())
        self.nodes: list = []
        self.ids: dict = {}
        self.temp_count = 0
        self.locals: dict[str, str] = {}
        for i, name in enumerate(model.fields):
            self.locals[name] = f"v{i}"
        for i, name in enumerate(model.rules):
            self.locals[name] = f"r{i}"

    # ------------------------------------------------------------ plumbing
    def temp(self) -> str:
        self.temp_count += 1
        return f"t{self.temp_count}"

    def const(self, value) -> py.expr:
        if isinstance(value, (str, bool, int)) or value is None:
            return _c(value)
        key = (type(value).__name__, value)
        if key not in self.consts:
            self.consts[key] = f"k{len(self.consts)}"
            self.const_names.add(self.consts[key])
        return _n(self.consts[key])

    def record(self, node, expr: py.expr) -> py.expr:
        """In traced mode, wrap `expr` as `R(id, expr)` where id names `node`."""
        if not self.traced or isinstance(node, (ast.Literal, ast.Peildatum)) or (
                isinstance(node, ast.Name) and node.name in self.model.fields):
            return expr  # values known without running: the literal, or the case itself
        key = id(node)
        if key not in self.ids:
            self.ids[key] = len(self.nodes)
            self.nodes.append(node)
        return _call("R", _c(self.ids[key]), expr)

    def bind(self, expr: py.expr) -> tuple[py.expr, py.expr]:
        """(first use, later uses) of an operand: a walrus temporary unless it is simple."""
        if isinstance(expr, _SIMPLE):
            return expr, expr
        name = self.temp()
        return py.NamedExpr(target=_n(name, store=True), value=expr), _n(name)

    def unknown_guard(self, operands: list[py.expr], body_fn) -> py.expr:
        """`None if any operand is None else body(operands)`; constants are not tested."""
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

    def type_of(self, node) -> T.Type | None:
        return self.model.types.get(node)

    # ------------------------------------------------------------ expressions
    def expr(self, node) -> py.expr:
        method = getattr(self, "x_" + type(node).__name__, None)
        if method is None:  # every AST expression class has a generator; a missing one is a bug
            raise TypeError(f"no code generator for {type(node).__name__}")
        return _stamp(self.record(node, method(node)), node.span)

    def x_Name(self, node: ast.Name):
        if node.name in self.model.fields:
            return _n(self.locals[node.name])
        return self.rule_value(node.name)

    def x_Peildatum(self, node):
        return _n("peil")

    def x_Literal(self, node: ast.Literal):
        if node.kind == "duur":
            return _c(duration_count(node.value))
        value = node.value
        if node.kind == "getal" and isinstance(value, Decimal) and value == value.to_integral_value():
            t = self.type_of(node)
            if t == T.AANTAL:
                return _c(int(value))
        return self.const(value)

    def x_Compare(self, node: ast.Compare):
        lt, rt_ = self.type_of(node.left), self.type_of(node.right)
        left, right = self.expr(node.left), self.expr(node.right)
        if lt is not None and rt_ is not None and (lt.kind in T.MOMENTS or rt_.kind in T.MOMENTS):
            return _call("moment_test", _c(node.op), left, right)
        op = _OPS[node.op]()
        return self.unknown_guard([left, right], lambda a, b: py.Compare(left=a, ops=[op], comparators=[b]))

    def x_Member(self, node: ast.Member):
        options = py.Tuple(elts=[self.expr(o) for o in node.options], ctx=py.Load())
        op = py.NotIn() if node.negated else py.In()
        return self.unknown_guard([self.expr(node.operand)],
                                  lambda a: py.Compare(left=a, ops=[op], comparators=[options]))

    def x_Between(self, node: ast.Between):
        return _call("between", self.expr(node.operand), self.expr(node.low), self.expr(node.high),
                     _c(node.high_inclusive))

    def x_Weekly(self, node: ast.Weekly):
        mask = sum(1 << day for day in node.days)
        return _call("weekly", self.expr(node.operand), _c(mask), _c(node.start), _c(node.end),
                     _c(node.end_inclusive))

    def x_Each(self, node: ast.Each):
        return _call("each", _c(node.op), self.expr(node.collection), self.expr(node.right))

    def x_BoolOp(self, node: ast.BoolOp):
        items = [self.expr(i) for i in node.items]
        return self.kleene(node.op == "en", items)

    def kleene(self, conjunction: bool, items: list[py.expr]) -> py.expr:
        """Kleene `en` (conjunction) or `of` over items, short-circuiting on the deciding value."""
        decisive = _c(not conjunction)   # False decides `en`, True decides `of`
        bound = [self.bind(i) for i in items]
        result = _if(_or(*[_is(later, _c(None)) for _, later in bound]), _c(None), _c(conjunction))
        for first, _later in reversed(bound):
            result = _if(_is(first, decisive), decisive, result)
        return result

    def x_Not(self, node: ast.Not):
        return self.unknown_guard([self.expr(node.operand)], lambda a: py.UnaryOp(op=py.Not(), operand=a))

    def x_Satisfies(self, node: ast.Satisfies):
        value = self.rule_value(node.name)
        if not node.negated:
            return value
        return self.unknown_guard([value], lambda a: py.UnaryOp(op=py.Not(), operand=a))

    def x_Arith(self, node: ast.Arith):
        lt, rt_ = self.type_of(node.left), self.type_of(node.right)
        left, right = self.expr(node.left), self.expr(node.right)
        if lt.kind in T.MOMENTS and rt_.kind == "duur":
            if node.op == "-":
                right = self.unknown_guard([right], lambda a: py.UnaryOp(op=py.USub(), operand=a))
            return _call(SHIFTS[rt_.unit], left, right)
        if lt.kind in T.MOMENTS and rt_.kind in T.MOMENTS:
            fn = "moment_diff_days" if self.type_of(node).unit == "dagen" else "moment_diff_seconds"
            return _call(fn, left, right)
        op = _BINOPS[node.op]()
        if node.op == "/":
            return self.unknown_guard([left, right], lambda a, b: _if(
                py.Compare(left=b, ops=[py.Eq()], comparators=[_c(0)]), _c(None),
                py.BinOp(left=a, op=op, right=b)))
        return self.unknown_guard([left, right], lambda a, b: py.BinOp(left=a, op=op, right=b))

    def x_Neg(self, node: ast.Neg):
        return self.unknown_guard([self.expr(node.operand)], lambda a: py.UnaryOp(op=py.USub(), operand=a))

    def x_PercentOf(self, node: ast.PercentOf):
        hundred = self.const(Decimal(100))
        return self.unknown_guard([self.expr(node.percent), self.expr(node.base)], lambda p, b: py.BinOp(
            left=py.BinOp(left=p, op=py.Mult(), right=b), op=py.Div(), right=hundred))

    def x_Shift(self, node: ast.Shift):
        return self.shift(node.amount, node.base, node.direction)

    def shift(self, amount_node, base_node, direction: int) -> py.expr:
        unit = self.type_of(amount_node).unit
        amount = self.expr(amount_node)
        if direction < 0:
            if isinstance(amount, py.Constant):
                amount = _c(-amount.value)
            else:
                amount = self.unknown_guard([amount], lambda a: py.UnaryOp(op=py.USub(), operand=a))
        return _call(SHIFTS[unit], self.expr(base_node), amount)

    def x_DayOf(self, node: ast.DayOf):
        return _call("day_of", self.expr(node.base), _c(node.number))

    def x_Aggregate(self, node: ast.Aggregate):
        values = self.expr(node.operand)
        if node.where_bound is not None:
            values = _call("where", _c(node.where_op), values, self.expr(node.where_bound))
        return _call(_AGGREGATES[node.func], values)

    # ------------------------------------------------------------ function
    def function(self, name: str) -> py.FunctionDef:
        body: list = []
        fields = list(self.model.fields)
        if fields:
            target = py.Tuple(elts=[_n(self.locals[f], store=True) for f in fields], ctx=py.Store())
            body.append(py.Assign(targets=[target], value=_n("inputs")))
        for rule in self.model.rules.values():
            body.extend(self.rule(rule))
        body.append(py.Return(value=py.Tuple(elts=[self.result(r) for r in self.model.rules.values()],
                                             ctx=py.Load())))
        args = [py.arg(arg="inputs"), py.arg(arg="peil")] + ([py.arg(arg="R")] if self.traced else [])
        return py.FunctionDef(name=name, args=py.arguments(posonlyargs=[], args=args, kwonlyargs=[],
                                                           kw_defaults=[], defaults=[]),
                              body=body, decorator_list=[], returns=None, type_params=[])

