"""Compiler: a checked `Model` -> Python code objects built with the `ast` module.

Contract: `compile_model(model)` returns a `Compiled` with two plain functions,
`evaluate(inputs, peil)` and `evaluate_traced(inputs, peil, R)`, and the table of trace ids.
`inputs` is a tuple of typed values in gegevens order (None = onbekend); both functions return
one result per rule in `model.rules` order (see `dsl.runtime.values` for the result shapes).
The traced variant wraps every expression and rule in `R(id, value)`, so one flat trace records
each step. Guarantees: no text of the policy ever becomes Python source: names become generated
locals (`v0`, `r3`, ...), strings become `ast.Constant`, Decimals and dates are bound through
the namespace; the generated tree is checked against an allow-list of node types and of
callable names (`dsl.runtime.values.EXPORTS`) before it is compiled; every generated node
carries the line and column of the policy text it came from, and the policy text is
registered with `linecache` under its file name.
"""

from __future__ import annotations

import ast as py
import linecache
import attrs

from dsl.checker import Model
from dsl.compiler.generator import Generator
from dsl.runtime import values as rtv



@attrs.frozen
class Compiled:
    evaluate: object
    evaluate_traced: object
    nodes: tuple            # trace id -> AST node (expression or rule)
    module: py.Module = attrs.field(repr=False, eq=False)

    @property
    def source(self) -> str:
        """The generated module as Python text, for inspection and golden tests."""
        return py.unparse(self.module)


def compile_model(model: Model) -> Compiled:
    """Generate, check and compile both evaluation functions of a model."""
    namespace = dict(rtv.EXPORTS)
    consts: dict = {}
    plain = Generator(model, traced=False, consts=consts).function("evaluate")
    traced_gen = Generator(model, traced=True, consts=consts)
    traced = traced_gen.function("evaluate_traced")
    module = py.Module(body=[plain, traced], type_ignores=[])
    check_generated(module, set(namespace) | set(consts.values()))
    filename = model.policy.filename
    code = compile(module, filename, "exec")
    linecache.cache[filename] = (len(model.policy.text), None,
                                 model.policy.text.splitlines(True), filename)
    namespace.update({name: value for value, name in _const_items(consts)})
    namespace["__builtins__"] = {}
    exec(code, namespace)  # noqa: S102 - the tree was checked against the allow-list above
    return Compiled(namespace["evaluate"], namespace["evaluate_traced"], tuple(traced_gen.nodes), module)


def _const_items(consts):
    return [(key[1], name) for key, name in consts.items()]


# ---------------------------------------------------------------- allow-list
_ALLOWED = {
    py.Module, py.FunctionDef, py.arguments, py.arg, py.Return, py.Assign, py.If, py.Expr,
    py.Name, py.Load, py.Store, py.Constant, py.Call, py.Compare, py.IfExp, py.NamedExpr,
    py.Tuple, py.BinOp, py.UnaryOp, py.BoolOp, py.Or, py.And, py.Not, py.USub,
    py.Is, py.IsNot, py.Eq, py.NotEq, py.Lt, py.LtE, py.Gt, py.GtE, py.In, py.NotIn,
    py.Add, py.Sub, py.Mult, py.Div,
}


def check_generated(module: py.Module, callables: set) -> None:
    """Refuse any node type outside the allow-list and any call to a non-runtime name; give a
    node without a location its parent's (one pass over the tree)."""
    callables = callables | {"R"}
    stack = [(module, None)]
    while stack:
        node, parent = stack.pop()
        kind = type(node)
        if kind not in _ALLOWED:
            raise AssertionError(f"generated code contains a forbidden node: {kind.__name__}")
        if kind is py.Call:
            if type(node.func) is not py.Name or node.func.id not in callables:
                raise AssertionError(f"generated code calls a non-runtime name: {py.dump(node.func)}")
            if node.keywords:
                raise AssertionError("generated calls take no keyword arguments")
        elif kind is py.Constant and not isinstance(node.value, (str, int, bool, type(None))):
            raise AssertionError(f"unexpected constant type {type(node.value).__name__}")
        if "lineno" in node._attributes and not hasattr(node, "lineno"):
            source = parent if parent is not None and hasattr(parent, "lineno") else None
            node.lineno, node.col_offset = (source.lineno, source.col_offset) if source else (1, 0)
            node.end_lineno, node.end_col_offset = node.lineno, node.col_offset
        located = node if hasattr(node, "lineno") else parent
        stack.extend((child, located) for child in py.iter_child_nodes(node))
