"""The public path in one generated function: `policy.evaluate(dict)` -> the `Outcome`, in one call.

Contract: `compile_fused(model, compiled, result_type, fixed, general, internal)` returns
`evaluate(case, trace=False)`, the function `CompiledPolicy.evaluate` gives once the policy is
prepared (`CompiledPolicy.prepare`, by itself after `dsl.policy.GENERATE_AFTER` cases). For a plain dict that the compiled case loader loads without a problem it returns a filled
`result_type` object (the public `Outcome`: its statuses, values, details and loaded inputs); any
other call (a trace asked for, a `Case`, a path, a dict subclass such as a case file) and any dict
the loader would not load (an unknown key, a value that does not convert) goes to
`general(case, trace)`, the ordinary path, which gives the exact result or error. A failure that
is no `BeleidError` (a defect in Beleidstaal) is raised as `internal(err)`, as the ordinary path
does. The body is the case loader's statements (`dsl.case.loader.loading_statements`) followed by
the body of the compiled `evaluate` (`Compiled.module`), so there is one meaning: both parts are
the trees already generated and checked for the two separate functions; the glue (the dispatch,
the try, an assignment, a return, a tuple) holds no policy text. Fusing saves the calls between
the layers, the evaluator's unpack of the inputs (the loader has already put each in the local the
evaluator reads) and making the Case (now made when first asked for), which is a third of the cost
of a small policy (benchmarks/bench_public.py); for a large policy that gain is lost in the
evaluation, so `FUSE_LIMIT` bounds the rules fused (compiling 10,000 rules twice took seconds).
"""

from __future__ import annotations

import ast as py
from collections.abc import Callable
from typing import Any

from dsl.case.conversion import REMEMBERED
from dsl.case.loader import bounding_statements, check_loading, inline_memories, loading_statements
from dsl.compiler import Compiled
from dsl.errors import BeleidError

FUSE_LIMIT = 400  # rules; above it the public path calls the loader and `evaluate` separately


def compile_fused(model, compiled: Compiled, result_type: type, fixed: dict[str, Any],
                  general: Callable, internal: Callable[[Exception], BaseException]) -> Callable | None:
    """`evaluate(case, trace=False)` for `model`, or None when the policy is larger than `FUSE_LIMIT`.

    The function returns a new `result_type` object (made without calling its `__init__`)
    whose slots `statuses`, `values` and `details` (the raw outcome), `_inputs` and `_peil`
    (the loaded values, from which the case is made when asked for) it fills, and each slot
    named in `fixed` with that value; or what `general(case, trace)` returns (see the module
    contract)."""
    if len(model.rules) > FUSE_LIMIT or not model.fields:   # (nothing to load: nothing to gain)
        return None
    problem = py.Return(value=py.Call(func=_load("general"), args=[_load("data"), _load("trace")], keywords=[]))
    loading, namespace = loading_statements(model, problem, [], make_case=False, bound=False)
    memories = inline_memories(model)
    bounding = bounding_statements(memories)
    check_loading(_module("check", [*bounding, *loading]), {**namespace, "general": general, "trace": False})
    evaluate = compiled.module.body[0]
    assert isinstance(evaluate, py.FunctionDef) and evaluate.name == "evaluate"
    unpack, *steps, final = evaluate.body
    assert isinstance(unpack, py.Assign) and isinstance(final, py.Return) and isinstance(final.value, py.Tuple)
    _refuse_shadowing(loading, steps, namespace)
    glue: dict[str, Any] = {"result_type": result_type, "general": general, "internal": internal,
                            "BeleidError": BeleidError, "Exception": Exception, "dict": dict,
                            **{f"fixed_{slot}": value for slot, value in fixed.items()}}
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
    body = [*loading, *prologue, *steps, *result, py.Return(value=_load("result"))]
    # the memories of texts the loading statements read in their own code are checked for their
    # bound once every `every` cases rather than at each text they remember (measured: 4 % of a
    # case of the small policy of the benchmark, with every text new); a case adds at most
    # memories[m] texts to memory m, so each holds at most a quarter more than REMEMBERED
    every = max(1, REMEMBERED // (4 * max(memories.values()))) if memories else 0
    module = py.Module(body=[_maker(_entry(body, every, bounding), every)], type_ignores=[])
    py.fix_missing_locations(module)
    exec(compile(module, model.filename, "exec"), scope)  # both parts checked against their allow-lists
    return scope["make"]()


def _maker(entry: py.FunctionDef, every: int) -> py.FunctionDef:
    """`def make(): countdown = every - 1; <entry>; return evaluate`: the entry with the count
    of cases to the next check of the memories' bound in its closure."""
    return py.FunctionDef(name="make", args=_arguments([]), body=[
        py.Assign(targets=[py.Name(id="countdown", ctx=py.Store())], value=py.Constant(value=every - 1)),
        entry, py.Return(value=_load("evaluate"))], decorator_list=[], returns=None)


def _entry(body: list[py.stmt], every: int, bounding: list[py.stmt]) -> py.FunctionDef:
    """`def evaluate(case, trace=False)`: `general(case, trace)` unless `case` is a plain dict
    and no trace is asked for; else `data = case`, every `every` cases (if any) the `bounding`
    statements, and `body`, in a try that lets a BeleidError pass and raises any other exception
    as `internal(err)`, from it."""
    general = py.Return(value=py.Call(func=_load("general"), args=[_load("case"), _load("trace")], keywords=[]))
    other = py.BoolOp(op=py.Or(), values=[_load("trace"), py.Compare(
        left=py.Call(func=_load("type"), args=[_load("case")], keywords=[]), ops=[py.IsNot()],
        comparators=[_load("dict")])])
    passes = py.ExceptHandler(type=_load("BeleidError"), name=None, body=[py.Raise(exc=None, cause=None)])
    defect = py.ExceptHandler(type=_load("Exception"), name="err", body=[py.Raise(
        exc=py.Call(func=_load("internal"), args=[_load("err")], keywords=[]), cause=_load("err"))])
    count: list[py.stmt] = []
    if every:
        count = [py.Nonlocal(names=["countdown"]),
                 py.AugAssign(target=py.Name(id="countdown", ctx=py.Store()), op=py.Sub(), value=py.Constant(value=1)),
                 py.If(test=py.Compare(left=_load("countdown"), ops=[py.Lt()], comparators=[py.Constant(value=0)]),
                       body=[py.Assign(targets=[py.Name(id="countdown", ctx=py.Store())],
                                       value=py.Constant(value=every - 1)), *bounding], orelse=[])]
    guarded = py.Try(body=[py.Assign(targets=[py.Name(id="data", ctx=py.Store())], value=_load("case")), *count[1:],
                           *body], handlers=[passes, defect], orelse=[], finalbody=[])
    args = _arguments(["case", "trace"], [py.Constant(value=False)])
    doc = py.Expr(value=py.Constant(value=_DOC))
    return py.FunctionDef(name="evaluate", args=args,
                          body=[doc, *count[:1], py.If(test=other, body=[general], orelse=[]), guarded],
                          decorator_list=[], returns=None)


_DOC = ("evaluate(case, trace=False) -> Outcome: the policy's generated public path (dsl.compiler.fused); "
        "see CompiledPolicy.evaluate.")


def _arguments(names: list[str], defaults: list[py.expr] | None = None) -> py.arguments:
    return py.arguments(posonlyargs=[], args=[py.arg(arg=name) for name in names], kwonlyargs=[], kw_defaults=[],
                        defaults=defaults or [])


def _unpacks_loaded(unpack: py.Assign, count: int) -> bool:
    """Whether `unpack` is `v0, v1, ..., v<count-1> = inputs`: the names the loader assigns."""
    [target] = unpack.targets
    return isinstance(target, py.Tuple) and [getattr(e, "id", None) for e in target.elts] == [
        f"v{i}" for i in range(count)]


def _load(name: str) -> py.Name:
    return py.Name(id=name, ctx=py.Load())


def _module(name: str, body: list[py.stmt]) -> py.Module:
    return py.Module(body=[py.FunctionDef(name=name, args=_arguments(["data"]), body=body, decorator_list=[],
                                          returns=None)], type_ignores=[])


def _refuse_shadowing(loading: list[py.stmt], steps: list[py.stmt], namespace: dict) -> None:
    """A local of the evaluator may not share its name with a global the loading statements read
    (it would make that global a local of the fused function), nor with a local of the glue."""
    stored = {node.id for stmt in steps for node in py.walk(stmt)
              if isinstance(node, py.Name) and isinstance(node.ctx, py.Store)}
    read = {node.id for stmt in loading for node in py.walk(stmt)
            if isinstance(node, py.Name) and isinstance(node.ctx, py.Load) and node.id in namespace}
    assert not stored & read, f"evaluator locals shadow case loader globals: {sorted(stored & read)}"
    assert not stored & {"peil", "result", "values", "data", "case", "trace", "err", "countdown"}, \
        "the evaluator overwrites a local of the fused function"
