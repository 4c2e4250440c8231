"""Compiler: the core model (`dsl.core.Policy`) -> Python code objects built with the `ast` module.

Contract: `compile_model(policy)` returns a `Compiled` with two plain functions,
`evaluate(inputs, peil)` and `evaluate_traced(inputs, peil, R)`, and the table of trace steps.
`inputs` is a tuple of typed values in gegevens order (None = onbekend); both functions return
`(statuses, values, details)`, three tuples in `policy.rules` order (see
`dsl.compiler.generator`). The traced variant wraps every expression and rule in
`R(id, value)`, so one flat trace records each step; `steps[id]` names its node and rule. Guarantees: no text of the policy ever becomes Python source: names become generated
locals (`v0`, `r3`, ...), strings become `ast.Constant`, Decimals and dates are bound through
the namespace; the generated tree is checked against an allow-list of node types (without
binary operators: arithmetic runs in `dsl.runtime.values`, exact or onbekend) and of
callable names (`dsl.runtime.values.EXPORTS`) before it is compiled; every generated node
carries the line and column of the policy text it came from, and the policy text is
registered with `linecache` under its file name.
"""

from __future__ import annotations

import ast as py
import linecache
import sys
import threading
from collections.abc import Callable
from typing import Any

from dsl.compiler.expressions import STATUS_NAMES, ExpressionGenerator, TraceStep
from dsl.compiler.generator import Generator
from dsl.core.model import Policy
from dsl.runtime import values as rtv


class Compiled:
    """The compiled functions of one policy. `evaluate` is built at load time; the traced
    variant and its table of trace ids (`nodes`) are generated on first use, so loading a
    policy pays only for the code it always needs."""

    def __init__(self, model: Policy, evaluate, module: py.Module, namespace: dict, consts: dict):
        self.model, self.evaluate, self._namespace, self._consts = model, evaluate, namespace, consts
        self._modules = [module]
        self._traced: tuple[Callable, tuple[TraceStep, ...]] | None = None
        self._assumptions: Callable | None = None
        self._lock = threading.Lock()

    def _traced_parts(self) -> tuple[Callable, tuple[TraceStep, ...]]:
        if self._traced is None:
            with self._lock:
                if self._traced is None:
                    self._traced = self._build_traced()
        return self._traced

    @property
    def module(self) -> py.Module:
        """The generated, checked module defining `evaluate` (read, never changed, by `fused`)."""
        return self._modules[0]

    @property
    def namespace(self) -> dict:
        """The names the generated functions run with: runtime functions, statuses, constants."""
        return self._namespace

    @property
    def assumptions(self) -> Callable:
        """`check(inputs, peil)` -> the value of each aanname's condition (ja, nee or None for
        onbekend), in `model.assumptions` order; generated on first use (see `compile_conditions`)."""
        if self._assumptions is None:
            with self._lock:
                if self._assumptions is None:
                    self._assumptions = compile_conditions(self.model, [a.condition for a in self.model.assumptions])
        return self._assumptions

    @property
    def evaluate_traced(self) -> Callable:
        return self._traced_parts()[0]

    @property
    def steps(self) -> tuple[TraceStep, ...]:
        """Trace id -> the core node (expression or rule) and the rule it belongs to."""
        return self._traced_parts()[1]

    @property
    def nodes(self) -> tuple:
        """Trace id -> the core node (expression or rule) of that step."""
        return tuple(step.node for step in self.steps)

    @property
    def source(self) -> str:
        """The generated module (both functions) as Python text, for inspection and golden tests."""
        self._traced_parts()
        return "\n\n".join(py.unparse(m) for m in self._modules)

    def _build_traced(self) -> tuple[Callable, tuple[TraceStep, ...]]:
        generator = Generator(self.model, traced=True, consts=self._consts)
        module = py.Module(body=[generator.function("evaluate_traced")], type_ignores=[])
        function = _load(module, self.model, self._namespace, self._consts)["evaluate_traced"]
        self._modules.append(module)
        return function, tuple(generator.steps)


def compile_model(model: Policy) -> Compiled:
    """Generate, check and compile the evaluation function of a policy (the traced one on demand)."""
    namespace: dict[str, object] = dict(rtv.EXPORTS)
    namespace.update({name: status for status, name in STATUS_NAMES.items()})
    namespace["__builtins__"] = {}
    consts: dict = {}
    module = py.Module(body=[Generator(model, traced=False, consts=consts).function("evaluate")], type_ignores=[])
    _load(module, model, namespace, consts)
    linecache.cache[model.filename] = (len(model.text), None,
                                              model.text.splitlines(True), model.filename)
    return Compiled(model, namespace["evaluate"], module, namespace, consts)


def compile_conditions(model: Policy, conditions, name: str = "conditions") -> Callable:
    """A generated function `name(inputs, peil)` giving the value of each condition over the
    gegevens (`inputs` in gegevens order, as `evaluate` takes them): a tuple of ja, nee or None
    (onbekend), built, checked and compiled as `evaluate` is. The conditions read no rule (an
    `aanname` names none, the checker sees to that)."""
    namespace: dict[str, object] = dict(rtv.EXPORTS)
    namespace.update({status_name: status for status, status_name in STATUS_NAMES.items()})
    namespace["__builtins__"] = {}
    consts: dict = {}
    generator = ExpressionGenerator(model, traced=False, consts=consts)
    body: list[py.stmt] = []
    fields = list(model.fields)
    if fields:
        target = py.Tuple(elts=[py.Name(id=generator.locals[f], ctx=py.Store()) for f in fields], ctx=py.Store())
        body.append(py.Assign(targets=[target], value=py.Name(id="inputs", ctx=py.Load())))
    values = [generator.expr(condition) for condition in conditions]
    body.append(py.Return(value=py.Tuple(elts=values, ctx=py.Load())))
    extra: dict = {"type_params": []} if sys.version_info >= (3, 12) else {}
    function = py.FunctionDef(name=name, args=py.arguments(posonlyargs=[], args=[py.arg(arg="inputs"), py.arg(arg="peil")],
                                                           kwonlyargs=[], kw_defaults=[], defaults=[]),
                              body=body, decorator_list=[], returns=None, **extra)
    return _load(py.Module(body=[function], type_ignores=[]), model, namespace, consts)[name]


def _load(module: py.Module, model: Policy, namespace: dict, consts: dict) -> dict:
    """Check a generated module against the allow-list, compile it under the policy's file name
    and run its definitions in `namespace` (which holds only runtime functions and constants)."""
    check_generated(module, set(namespace) | set(consts.values()))
    code = compile(module, model.filename, "exec")
    namespace.update({name: value for value, name in _const_items(consts)})
    exec(code, namespace)
    return namespace


def _const_items(consts):
    return [(key[1], name) for key, name in consts.items()]


# ---------------------------------------------------------------- allow-list
_ALLOWED: set[type[py.AST]] = {
    py.Module, py.FunctionDef, py.arguments, py.arg, py.Return, py.Assign, py.If, py.Expr,
    py.Name, py.Load, py.Store, py.Constant, py.Call, py.Compare, py.IfExp, py.NamedExpr,
    py.Tuple, py.UnaryOp, py.BoolOp, py.Or, py.And, py.Not, py.USub,
    py.Lambda,   # the condition of `gedurende ...`, called by the runtime for each day it tests
    py.Is, py.IsNot, py.Eq, py.NotEq, py.Lt, py.LtE, py.Gt, py.GtE, py.In, py.NotIn,
}  # no BinOp: arithmetic is a runtime call (exact or onbekend), never Python's operators
# per allowed node type: the fields that may hold nodes, and whether it carries a location
_SHAPES = {kind: (kind._fields, "lineno" in kind._attributes) for kind in _ALLOWED}


def check_generated(module: py.Module, callables: set) -> None:
    """Refuse any node type outside the allow-list and any call to a non-runtime name; give a
    node without a location its nearest located ancestor's (one pass over the tree)."""
    callables = callables | {"R"}
    shapes, call, constant, node_type = _SHAPES, py.Call, py.Constant, py.AST
    stack: list[tuple[Any, Any]] = [(module, None)]
    pop, push = stack.pop, stack.append
    while stack:
        node, parent = pop()
        kind = type(node)
        shape = shapes.get(kind)
        if shape is None:
            raise AssertionError(f"generated code contains a forbidden node: {kind.__name__}")
        fields, located = shape
        if kind is call:
            if type(node.func) is not py.Name or node.func.id not in callables:
                raise AssertionError(f"generated code calls a non-runtime name: {py.dump(node.func)}")
            if node.keywords:
                raise AssertionError("generated calls take no keyword arguments")
        elif kind is constant and not isinstance(node.value, (str, int, bool, type(None))):
            raise AssertionError(f"unexpected constant type {type(node.value).__name__}")
        own = node.__dict__   # (an AST node keeps its fields and its location there)
        if located:
            if "lineno" not in own:
                node.lineno, node.col_offset = (parent.lineno, parent.col_offset) if parent else (1, 0)
                node.end_lineno, node.end_col_offset = node.lineno, node.col_offset
            parent = node
        for field in fields:
            value = own.get(field)
            if type(value) is list:
                for item in value:
                    if isinstance(item, node_type):
                        push((item, parent))
            elif isinstance(value, node_type):
                push((value, parent))
