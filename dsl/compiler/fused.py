"""The public path in one generated function: a dict of facts -> a `Case` and the raw outcome.

Contract: `compile_fused(model, compiled, result_type, fixed)` returns `evaluate_data(data)`,
giving a filled `result_type` object (the public `Outcome`: its statuses, values, details and
loaded inputs) for a Mapping the compiled case loader would load without a problem, and None for any
other (an unknown key, a value that does not convert), which the caller then hands to the
ordinary loader for its exact error. It is the case loader's statements
(`dsl.case.loader.loading_statements`) followed by the body of the compiled `evaluate`
(`Compiled.module`), so there is one meaning: both parts are the trees already generated and
checked for the two separate functions; the glue (an assignment, a return, a tuple) holds no
policy text. Fusing saves two calls, the evaluator's unpack of the inputs (the loader has already put each in
the local the evaluator reads) and making the Case (now made when first asked for), which is a
third of the cost of a small policy (benchmarks/bench_public.py); for a large policy that gain is
lost in the evaluation, so `FUSE_LIMIT` bounds the rules fused (compiling 10,000 rules twice took
seconds).
"""

from __future__ import annotations

import ast as py
from collections.abc import Callable
from typing import Any

from dsl.case.loader import check_loading, loading_statements
from dsl.compiler import Compiled

FUSE_LIMIT = 400  # rules; above it the public path calls the loader and `evaluate` separately


def compile_fused(model, compiled: Compiled, result_type: type, fixed: dict[str, Any]) -> Callable | None:
    """`evaluate_data(data)` for `model`, or None when the policy is larger than `FUSE_LIMIT`.

    The function returns a new `result_type` object (made without calling its `__init__`)
    whose slots `statuses`, `values` and `details` (the raw outcome), `_inputs` and `_peil`
    (the loaded values, from which the case is made when asked for) it fills, and each slot
    named in `fixed` with that value; or None for data the loader would not load without a problem."""
    if len(model.rules) > FUSE_LIMIT or not model.fields:   # (nothing to load: nothing to gain)
        return None
    problem = py.Return(value=py.Constant(value=None))
    loading, namespace = loading_statements(model, problem, [], make_case=False)
    check_loading(_module("check", loading), namespace)
    evaluate = compiled.module.body[0]
    assert isinstance(evaluate, py.FunctionDef) and evaluate.name == "evaluate"
    unpack, *steps, final = evaluate.body
    assert isinstance(unpack, py.Assign) and isinstance(final, py.Return) and isinstance(final.value, py.Tuple)
    _refuse_shadowing(loading, steps, namespace)
    glue: dict[str, Any] = {"result_type": result_type, **{f"fixed_{slot}": value for slot, value in fixed.items()}}
    scope = {**compiled.namespace, **namespace}
    clashes = list(scope.keys() & glue.keys())
    clashes += [name for name in namespace.keys() & compiled.namespace.keys() - {"__builtins__"}
                if namespace[name] is not compiled.namespace[name]]
    assert not clashes, f"case loader, evaluator and result bind the same names differently: {clashes}"
    scope.update(glue)
    # the evaluator's own unpack of `inputs` reads the locals the loader has just assigned (`v0`,
    # `v1`, ... in gegevens order): it is left out; any other unpack reads the loader's `values`
    prologue: list[py.stmt] = [] if _unpacks_loaded(unpack, len(model.fields)) else [
        py.Assign(targets=unpack.targets, value=_load("values"))]
    slots = dict(zip(("statuses", "values", "details"), final.value.elts, strict=True))
    slots.update(_inputs=_load("values"), _peil=_load("peil"))
    slots.update({slot: _load(f"fixed_{slot}") for slot in fixed})
    result = [py.Assign(targets=[py.Name(id="result", ctx=py.Store())],
                        value=py.Call(func=_load("blank"), args=[_load("result_type")], keywords=[]))]
    result += [py.Assign(targets=[py.Attribute(value=_load("result"), attr=slot, ctx=py.Store())], value=value)
               for slot, value in slots.items()]
    module = _module("evaluate_data", [*loading, *prologue, *steps, *result, py.Return(value=_load("result"))])
    py.fix_missing_locations(module)
    exec(compile(module, model.filename, "exec"), scope)  # both parts checked against their allow-lists
    return scope["evaluate_data"]


def _unpacks_loaded(unpack: py.Assign, count: int) -> bool:
    """Whether `unpack` is `v0, v1, ..., v<count-1> = inputs`: the names the loader assigns."""
    [target] = unpack.targets
    return isinstance(target, py.Tuple) and [getattr(e, "id", None) for e in target.elts] == [
        f"v{i}" for i in range(count)]


def _load(name: str) -> py.Name:
    return py.Name(id=name, ctx=py.Load())


def _module(name: str, body: list[py.stmt]) -> py.Module:
    args = py.arguments(posonlyargs=[], args=[py.arg(arg="data")], kwonlyargs=[], kw_defaults=[], defaults=[])
    return py.Module(body=[py.FunctionDef(name=name, args=args, body=body, decorator_list=[], returns=None)],
                     type_ignores=[])


def _refuse_shadowing(loading: list[py.stmt], steps: list[py.stmt], namespace: dict) -> None:
    """A local of the evaluator may not share its name with a global the loading statements read
    (it would make that global a local of the fused function)."""
    stored = {node.id for stmt in steps for node in py.walk(stmt)
              if isinstance(node, py.Name) and isinstance(node.ctx, py.Store)}
    read = {node.id for stmt in loading for node in py.walk(stmt)
            if isinstance(node, py.Name) and isinstance(node.ctx, py.Load) and node.id in namespace}
    assert not stored & read, f"evaluator locals shadow case loader globals: {sorted(stored & read)}"
    assert not stored & {"peil", "result", "values"}, "the evaluator overwrites a local of the fused function"
