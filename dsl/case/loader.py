"""The compiled case loader of one policy: a Mapping -> a `Case`, fast for typed values.

Contract: see `compile_case_loader`; errors are those of `dsl.case.reading.load_case`, word for
word, because any problem hands the whole case to it. A typed value passes straight through only
when `convert` would give it back unchanged, so the default ranges (no negative bedrag, a
percentage 0 or within 1–100, no tijdstip with a time zone) are tested on the fast path too, as
cheaply as measured (benchmarks/bench_public.py): a bedrag by `is_signed` (a call costs half a
comparison; -0 takes the slow path, which gives the same value), a percentage by one chained
comparison with Decimal constants bound in the namespace (a Decimal compared with an int took
three times as long) that also stands in for `is_finite`: NaN raises InvalidOperation there, which
hands the case to `load_case` like any other problem.
"""

from __future__ import annotations

import ast as py
import gc
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any

from dsl import types as T
from dsl.case.conversion import (
    FAST_READERS,
    INLINE_READERS,
    MAX_ITEMS,
    REMEMBERED,
    YEARS,
    _says_unknown,
    convert,
    exact,
)
from dsl.case.reading import load_case
from dsl.case.values import PEILDATUM, Case, CaseValueError


# ---------------------------------------------------------------- the compiled loader
def compile_case_loader(model):
    """The loader of one policy: `load(data, complete=False, source="<casus>") -> Case`, with
    the contract of `load_case(model, data, complete, source)` (see the module docstring)."""
    enabled = gc.isenabled()
    gc.disable()  # many small nodes and no cycles: a collection would rescan a large policy's heap each time
    try:
        module, namespace = case_loader_module(model)
        code = compile(module, f"<casuslader {model.filename}>", "exec")
    finally:
        if enabled:
            gc.enable()
    exec(code, namespace)  # the tree was checked against the allow-list
    return namespace["load_case"]


def case_loader_module(model) -> tuple[py.Module, dict]:
    """The checked module defining `load_case` for `model.fields`, and the namespace it runs in."""
    refer = py.Return(value=_call("refer", _n("data"), _n("complete"), _n("source")))
    incomplete = py.BoolOp(op=py.And(), values=[_n("complete"), _compare(_c(None), py.In(), _n("values"))])
    body, namespace = loading_statements(model, refer, [py.If(test=incomplete, body=[refer], orelse=[])])
    args = py.arguments(posonlyargs=[], args=[py.arg(arg=a) for a in ("data", "complete", "source")],
                        kwonlyargs=[], kw_defaults=[], defaults=[_c(False), _c("<casus>")])
    function = py.FunctionDef(name="load_case", args=args, body=[*body, py.Return(value=_n("case"))],
                              decorator_list=[], returns=None)
    module = py.Module(body=[function], type_ignores=[])
    check_loading(module, namespace)
    return module, namespace


def loading_statements(model, on_problem: py.stmt, after_values: list[py.stmt],
                       make_case: bool = True, bound: bool = True) -> tuple[list[py.stmt], dict]:
    """The statements that read `data` into the locals `v0`, `v1`, ... (gegevens order), `peil`,
    `values` and (with `make_case`) `case`, and the namespace they need. They run `on_problem` (a return) for any
    value that does not convert and for a key that is no gegeven, and `after_values` once
    `values` is known. Checked against the allow-list by whoever compiles them (`check_loading`).
    With `bound`, a text read in the loader's own code is remembered only after its memory is
    checked for its bound (`REMEMBERED`); without, whoever runs the statements bounds the
    memories (`inline_memories`, `bounding_statements`)."""
    namespace: dict[str, Any] = {
        "__builtins__": {}, "type": type, "int": int, "str": str, "tuple": tuple, "list": list,
        "Decimal": Decimal, "date": date, "datetime": datetime, "finite": Decimal.is_finite,
        "strip": str.strip, "lower": str.lower, "as_list": _as_list, "given": _convert_given,
        **{name: reader for kind, (known, new) in FAST_READERS.items()
           for name, reader in ((f"known_{_READER_NAMES[kind]}", known), (f"new_{_READER_NAMES[kind]}", new))
           if reader is not None},
        "len": len, "convert": convert, "DATUM": T.DATUM, "CaseValueError": CaseValueError, "blank": object.__new__,
        "Case": Case, "names": tuple(model.fields),
        "dec_0": Decimal(0), "dec_1": Decimal(1), "dec_100": Decimal(100), "signed": Decimal.is_signed,
        "utcoffset": datetime.utcoffset, "InvalidOperation": InvalidOperation,
        "refer": partial(load_case, model),
        **{f"{which}_{_READER_NAMES[kind]}": value for kind, (check, memory) in INLINE_READERS.items()
           for which, value in (("check", check), ("memory", memory))},
        "remembered": REMEMBERED, "forget": dict.clear, "exact": exact, "years": YEARS,
        "from_iso": date.fromisoformat,
    }
    fields = []
    for i, field in enumerate(model.fields.values()):
        namespace[f"type_{i}"] = field.type
        if field.type.kind == "keuze":
            namespace[f"options_{i}"] = frozenset(field.type.options)
        fields.append(_field_statement(field.name, field.type, i, bound))
    count = len(model.fields)
    x = _n("x")
    peil = _given(PEILDATUM, "peil", (_type_is(x, "date"), x), _call("convert", x, _n("DATUM")), _plain("datum"))
    values = py.Tuple(elts=[_n(f"v{i}") for i in range(count)], ctx=_LOAD)
    problems = py.Tuple(elts=[_n("CaseValueError"), _n("InvalidOperation")], ctx=_LOAD)
    # a key that is no gegeven shows as len(data) + absent > gegevens + 1 (peildatum); the absent
    # keys are counted rather than the present ones because a typical case gives most gegevens
    keys = py.BinOp(left=_call("len", _n("data")), op=py.Add(), right=_n("absent"))
    body = [
        _assign("absent", _c(0)),
        py.Try(body=[*fields, peil], handlers=[py.ExceptHandler(type=problems, name=None, body=[on_problem])],
               orelse=[], finalbody=[]),
        py.If(test=_compare(keys, py.NotEq(), _c(count + 1)), body=[on_problem], orelse=[]),
        _assign("values", values),
        *after_values,
    ]
    if make_case:
        body.append(_assign("case", _call("blank", _n("Case"))))
        body += [py.Assign(targets=[py.Attribute(value=_n("case"), attr=slot, ctx=_STORE)], value=value)
                 for slot, value in (("_values", _n("values")), ("_peil", _n("peil")), ("_names", _n("names")),
                                     ("_missing", _c(None)), ("_data", _c(None)))]
    return body, namespace


def _given(key: str, local: str, typed: tuple[py.expr, py.expr] | None, slow: py.expr,
           plain: py.expr | None = None) -> py.If:
    """`if key in data: x = data[key]; local = value if test else y if plain else None if x is None
    else slow` (with `typed` = (test, value), tested first: no typed test passes None; then
    `plain`, the reading of plain text into `y`, which fails for None), else `local = None;
    absent += 1`."""
    read = py.Assign(targets=[_n("x", store=True)], value=py.Subscript(value=_n("data"), slice=_c(key), ctx=_LOAD))
    value = _if(_compare(_n("x"), py.Is(), _c(None)), _c(None), slow)
    if plain is not None:
        value = _if(plain, _n("y"), value)
    if typed is not None:
        value = _if(typed[0], typed[1], value)
    absent = py.AugAssign(target=_n("absent", store=True), op=py.Add(), value=_c(1))
    return py.If(test=_compare(_c(key), py.In(), _n("data")), body=[read, _assign(local, value)],
                 orelse=[_assign(local, _c(None)), absent])


def _plain(kind: str) -> py.expr | None:
    """`type(x) is str and ((y := known(x)) is not None or (y := new(x)) is not None)`: plain
    text read by the readers of `kind` (`FAST_READERS`: the texts read before, then a new one),
    or None when `kind` has no reader."""
    if kind not in FAST_READERS:
        return None
    x, name = _n("x"), _READER_NAMES[kind]
    found: list[py.expr] = [_compare(py.NamedExpr(target=_n("y", store=True), value=_call(f"{which}_{name}", x)),
                                     py.IsNot(), _c(None))
                            for which, reader in zip(("known", "new"), FAST_READERS[kind]) if reader is not None]
    read = found[0] if len(found) == 1 else py.BoolOp(op=py.Or(), values=found)
    return py.BoolOp(op=py.And(), values=[_type_is(x, "str"), read])


_READER_NAMES = {"bedrag": "money", "percentage": "percentage", "getal": "number", "aantal": "count",
                 "ja/nee": "bool", "datum": "day", "tijdstip": "moment"}


def _field_statement(name: str, t: T.Type, i: int, bound: bool = True) -> py.If:
    """The value of one gegeven: straight through when it has its runtime type, read here when
    it is plain text (see `_text_statements`), else through `given` (that is, `convert`)."""
    x = _n("x")
    slow: py.expr = _call("given", x, _n(f"type_{i}"))
    if _declared_bounds(t):   # the shortcuts hold the default ranges: `convert` checks declared ones
        return _given(name, f"v{i}", None, slow)
    if t.kind in _DECIMAL_KINDS:
        whole: py.expr = _type_is(x, "int")
        if t.kind == "bedrag":
            whole = py.BoolOp(op=py.And(), values=[whole, _compare(x, py.GtE(), _c(0))])
        elif t.kind == "percentage":
            whole = py.BoolOp(op=py.And(), values=[whole, _between(_c(0), x, _c(100))])
        slow = _if(whole, _call("Decimal", x), slow)
    typed = _typed_test(t, i)
    if t.kind not in FAST_READERS or typed is None:
        return _given(name, f"v{i}", typed, slow)
    # if typed: v = x / elif text: read it / else: None or `slow` (tested in this order, so that a
    # typed value takes one test and text, the other common form, two)
    local = f"v{i}"
    other = _assign(local, _if(_compare(x, py.Is(), _c(None)), _c(None), slow))
    is_text = _compare(_n("c"), py.Is(), _n("str")) if _keep_type(typed[0]) else _type_is(x, "str")
    text = py.If(test=is_text, body=_text_statements(t.kind, local, i, bound), orelse=[other])
    read = py.Assign(targets=[_n("x", store=True)], value=py.Subscript(value=_n("data"), slice=_c(name), ctx=_LOAD))
    absent = py.AugAssign(target=_n("absent", store=True), op=py.Add(), value=_c(1))
    return py.If(test=_compare(_c(name), py.In(), _n("data")),
                 body=[read, py.If(test=typed[0], body=[_assign(local, typed[1])], orelse=[text])],
                 orelse=[_assign(local, _c(None)), absent])


def _keep_type(test: py.expr) -> bool:
    """Make the `type(x)` that `test` calls first `(c := type(x))`, so that the test for text
    after it reads `c` rather than calling `type` again; whether it did (a test that begins with
    no `type(x)`, such as `x is True or x is False`, is left as it is)."""
    while isinstance(test, py.BoolOp):
        test = test.values[0]
    if isinstance(test, py.Compare) and isinstance(test.left, py.Call) and getattr(test.left.func, "id", None) == "type":
        test.left = py.NamedExpr(target=_n("c", store=True), value=test.left)
        return True
    return False


def _text_statements(kind: str, local: str, i: int, bound: bool = True) -> list[py.stmt]:
    """Text `x` of a gegeven of `kind` into `local`: a text read before (`known_*`, one lookup
    in C), else a new one, read here in the common forms of an amount, a number, a percentage or
    a datum in words (`_inline_read`), else by the `new_*` reader of the kind, else by `given`
    (the text "onbekend", other forms, and the message of a refused one)."""
    name = _READER_NAMES[kind]
    slow = _assign(local, _call("given", _n("x"), _n(f"type_{i}")))
    found: py.expr = _call(f"known_{name}", _n("x"))
    if kind == "ja/nee":   # "ja" and "nee" by comparing text (cheaper than the lookup); other words looked up
        found = _if(_compare(_n("x"), py.Eq(), _c("ja")), _c(True),
                    _if(_compare(_n("x"), py.Eq(), _c("nee")), _c(False), found))
    known = _assign(local, found)
    unread = _compare(_n(local), py.Is(), _c(None))
    other: list[py.stmt] = [slow]
    if FAST_READERS[kind][1] is not None and kind not in _READ_INLINE_ONLY:
        other = [_assign(local, _call(f"new_{name}", _n("x"))), py.If(test=unread, body=[slow], orelse=[])]
    new = _inline_read(kind, local, other, bound) if kind in INLINE_READERS else other
    return [known, py.If(test=unread, body=new, orelse=[])]


# the kinds whose inline reading reads all that their `new_*` reader reads (the same regular expression)
_READ_INLINE_ONLY = frozenset({"bedrag", "getal"})


def _inline_read(kind: str, local: str, other: list[py.stmt], bound: bool = True) -> list[py.stmt]:
    """`if <found>: <bound memory>; local = memory[x] = <value> else: other` (without `bound`
    the caller bounds the memory: see `loading_statements`), reading as the readers of
    `dsl.case.conversion` do, with the check and memory of `INLINE_READERS` (`check_*`, `memory_*`):
    - an amount: found `(y := check(x)) is not None`, value `exact(y[1] without its thousands
      dots, its decimal comma a point)` (`_new_money`);
    - a number: found `check(x) is not None`, value `exact(x so changed)` (`_new_number`);
    - a percentage of 1 to 99: found `(y := check(x)) is not None`, value `exact(y[1] with its
      comma a point)` (what `_new_percentage` gives; any other percentage goes on to it);
    - a datum in words: found `(y := check(x[:-4])) is not None and (z := x[-4:]) in years`,
      value `from_iso(z + y)` (y is "-04-01" for "1 april "), which always exists (a day and
      month of every year, a year of `YEARS`); any other datum goes on to `_new_day`."""
    name = _READER_NAMES[kind]
    memory = _n(f"memory_{name}")
    x, y = _n("x"), _n("y")
    check = _call(f"check_{name}", py.Subscript(value=x, slice=py.Slice(upper=_c(-4)), ctx=_LOAD)
                  if kind == "datum" else x)
    found: py.expr = _compare(check if kind == "getal" else py.NamedExpr(target=_n("y", store=True), value=check),
                              py.IsNot(), _c(None))
    value: py.expr
    if kind == "datum":
        year = py.NamedExpr(target=_n("z", store=True),
                            value=py.Subscript(value=x, slice=py.Slice(lower=_c(-4)), ctx=_LOAD))
        found = py.BoolOp(op=py.And(), values=[found, _compare(year, py.In(), _n("years"))])
        value = _call("from_iso", py.BinOp(left=_n("z"), op=py.Add(), right=y))
    else:
        digits: py.expr = x if kind == "getal" else py.Subscript(value=y, slice=_c(1), ctx=_LOAD)
        for old, new in (((".", ""), (",", ".")) if kind != "percentage" else ((",", "."),)):
            digits = py.Call(func=py.Attribute(value=digits, attr="replace", ctx=_LOAD), args=[_c(old), _c(new)],
                             keywords=[])
        value = _call("exact", digits)
    remember = py.Assign(targets=[_n(local, store=True), py.Subscript(value=memory, slice=x, ctx=_STORE)],
                         value=value)
    return [py.If(test=found, body=[*(bounding_statements([memory.id]) if bound else []), remember], orelse=other)]


def inline_memories(model) -> dict[str, int]:
    """The memories that the loader's own readings of `model`'s gegevens write to (by their name
    in the namespace), each with the number of gegevens that write to it: what one case adds to
    it at most."""
    found: dict[str, int] = {}
    for field in model.fields.values():
        t = field.type
        if t.kind in INLINE_READERS and not _declared_bounds(t):   # (as `_field_statement` decides)
            name = f"memory_{_READER_NAMES[t.kind]}"
            found[name] = found.get(name, 0) + 1
    return found


def bounding_statements(memories) -> list[py.stmt]:
    """`if len(memory) >= remembered: forget(memory)` for each memory named: a full memory is
    emptied, so that it holds at most `REMEMBERED` texts and what is added before the next check."""
    return [py.If(test=_compare(_call("len", _n(name)), py.GtE(), _n("remembered")),
                  body=[py.Expr(value=_call("forget", _n(name)))], orelse=[]) for name in memories]


def _declared_bounds(t: T.Type) -> bool:
    return t.bounds is not None or (t.element is not None and t.element.bounds is not None)


def _typed_test(t: T.Type, i: int) -> tuple[py.expr, py.expr] | None:
    """(test, value) for `x` that already has the runtime type of `t` (what `_typed` tells for a
    list's items), or None when there is no such shortcut."""
    x, kind = _n("x"), t.kind
    if kind in _DECIMAL_KINDS:
        test: list[py.expr] = [_type_is(x, "Decimal")]
        if kind == "percentage":  # 0, or 1 to 100: a bare number strictly between 0 and 1 is ambiguous
            test.append(py.BoolOp(op=py.Or(), values=[_between(_n("dec_1"), x, _n("dec_100")),
                                                      _compare(x, py.Eq(), _n("dec_0"))]))
        else:
            test.append(_call("finite", x))
            if kind == "bedrag":
                test.append(py.UnaryOp(op=py.Not(), operand=_call("signed", x)))
        return py.BoolOp(op=py.And(), values=test), x
    if kind == "aantal":
        return py.BoolOp(op=py.And(), values=[_type_is(x, "int"), _compare(x, py.GtE(), _c(0))]), x
    if kind == "ja/nee":
        return py.BoolOp(op=py.Or(), values=[_compare(x, py.Is(), _c(True)), _compare(x, py.Is(), _c(False))]), x
    if kind == "datum":
        return _type_is(x, "date"), x
    if kind == "tijdstip":
        naive = py.BoolOp(op=py.And(), values=[_type_is(x, "datetime"),
                                                _compare(_call("utcoffset", x), py.Is(), _c(None))])
        return py.BoolOp(op=py.Or(), values=[_type_is(x, "date"), naive]), x
    if kind == "keuze":
        return py.BoolOp(op=py.And(), values=[_type_is(x, "str"), _compare(x, py.In(), _n(f"options_{i}"))]), x
    if kind == "tekst":
        spoken = _compare(_call("lower", _call("strip", x)), py.NotEq(), _c("onbekend"))
        return py.BoolOp(op=py.And(), values=[_type_is(x, "str"), spoken]), x
    if kind == "duur":
        factor = T.DURATION_FAMILY[t.declared or t.unit or ""][1]
        return _type_is(x, "int"), (x if factor == 1 else py.BinOp(left=x, op=py.Mult(), right=_c(factor)))
    if kind == "lijst":
        return py.BoolOp(op=py.Or(), values=[_type_is(x, "tuple"), _type_is(x, "list")]), _call("as_list", x, _n(f"type_{i}"))
    return None


_DECIMAL_KINDS = frozenset({"bedrag", "percentage", "getal"})


def _convert_given(raw, t: T.Type):
    """A value not yet of its runtime type: None for "onbekend", else `convert(raw, t)`."""
    return None if _says_unknown(raw, t) else convert(raw, t)


def _as_list(raw: list | tuple, t: T.Type) -> tuple:
    """A lijst: a tuple whose items all have their runtime type is kept, else each is converted."""
    element = t.element
    if (type(raw) is tuple and element is not None and len(raw) <= MAX_ITEMS
            and all(_typed(item, element) for item in raw)):
        return raw
    return convert(raw, t)


def _typed(value, t: T.Type) -> bool:
    """Whether `value` already is what `convert(value, t)` would give (the generated fast paths)."""
    kind, cls = t.kind, type(value)
    if kind in _DECIMAL_KINDS:
        if cls is not Decimal or not value.is_finite():
            return False
        if kind == "percentage":
            return value == 0 or 1 <= value <= 100
        return kind == "getal" or value >= 0
    if kind == "aantal":
        return cls is int and value >= 0
    if kind == "duur":
        return cls is int and T.DURATION_FAMILY[t.declared or t.unit or ""][1] == 1
    if kind in ("tekst", "keuze"):
        return cls is str and (kind == "tekst" or value in t.options)
    return (kind == "ja/nee" and cls is bool) or (kind == "datum" and cls is date) or (
        kind == "tijdstip" and (cls is date or (cls is datetime and value.utcoffset() is None)))


# ---------------------------------------------------------------- node builders and the allow-list
_LOAD, _STORE = py.Load(), py.Store()  # shared, as CPython's own parser shares them


def _n(name: str, store: bool = False) -> py.Name:
    return py.Name(id=name, ctx=_STORE if store else _LOAD)


def _c(value) -> py.Constant:
    return py.Constant(value=value)


def _call(fn: str, *args: py.expr) -> py.Call:
    return py.Call(func=_n(fn), args=list(args), keywords=[])


def _compare(left: py.expr, op: py.cmpop, right: py.expr) -> py.Compare:
    return py.Compare(left=left, ops=[op], comparators=[right])


def _between(low: py.expr, x: py.expr, high: py.expr) -> py.Compare:
    """`low <= x <= high`, one chained comparison."""
    return py.Compare(left=low, ops=[py.LtE(), py.LtE()], comparators=[x, high])


def _type_is(x: py.expr, cls: str) -> py.Compare:
    return _compare(_call("type", x), py.Is(), _n(cls))


def _if(test: py.expr, body: py.expr, orelse: py.expr) -> py.IfExp:
    return py.IfExp(test=test, body=body, orelse=orelse)


def _assign(name: str, value: py.expr) -> py.Assign:
    return py.Assign(targets=[_n(name, store=True)], value=value)


_ALLOWED = frozenset({
    py.Module, py.FunctionDef, py.arguments, py.arg, py.If, py.Try, py.ExceptHandler, py.Assign, py.Return,
    py.Name, py.Load, py.Store, py.Constant, py.Call, py.Compare, py.IfExp, py.BoolOp, py.And, py.Or,
    py.NamedExpr, py.Subscript, py.Tuple, py.Attribute, py.BinOp, py.Mult, py.AugAssign, py.Add,
    py.In, py.Is, py.IsNot, py.NotEq, py.GtE, py.LtE, py.Eq, py.UnaryOp, py.Not, py.Expr, py.Slice,
})
_METHODS = frozenset({"replace"})   # the only attribute read: str.replace on the text being read
_LOCALS = frozenset({"data", "complete", "source", "x", "y", "z", "c", "peil", "values", "absent", "case"})


def check_loading(module: py.Module, namespace: dict) -> None:
    """Refuse a node type outside the allow-list, a constant other than str/int/bool/None, a
    name that is neither a generated local nor bound in the namespace, and a call of a name
    outside the namespace; give every node line 1 (the loader has no policy text to point to).
    One pass with a stack: `ast.walk` and `fix_missing_locations` took a second at 1,000 gegevens."""
    stack: list[py.AST] = [module]
    pop, push = stack.pop, stack.append
    while stack:
        node = pop()
        kind = type(node)
        if kind not in _ALLOWED:
            raise AssertionError(f"generated case loader contains a forbidden node: {kind.__name__}")
        if isinstance(node, py.Constant) and type(node.value) not in (str, int, bool, type(None)):
            raise AssertionError(f"unexpected constant type {type(node.value).__name__}")
        if isinstance(node, py.Name) and not _bound(node.id, namespace):
            raise AssertionError(f"generated case loader uses an unbound name: {node.id}")
        if isinstance(node, py.Call) and (node.keywords or not (
                (isinstance(node.func, py.Name) and node.func.id in namespace) or _is_method(node.func))):
            raise AssertionError(f"generated case loader calls a name outside its namespace: {py.dump(node.func)}")
        if isinstance(node, py.Attribute) and not (
                (node.attr in Case.__slots__ and type(node.ctx) is py.Store) or _is_method(node)):
            raise AssertionError(f"generated case loader uses an attribute other than a Case slot: {node.attr}")
        if isinstance(node, (py.stmt, py.expr, py.arg, py.excepthandler)):
            node.lineno = node.end_lineno = 1
            node.col_offset = node.end_col_offset = 0
        for field in node._fields:
            value = getattr(node, field, None)
            if type(value) is list:
                for item in value:
                    if isinstance(item, py.AST):
                        push(item)
            elif isinstance(value, py.AST):
                push(value)


def _is_method(node: py.AST) -> bool:
    """`<expr>.replace` read (to be called): the one method the loader calls, on a text."""
    return isinstance(node, py.Attribute) and node.attr in _METHODS and type(node.ctx) is py.Load


def _bound(name: str, namespace: dict) -> bool:
    return name in namespace or name in _LOCALS or (name[0] == "v" and name[1:].isdigit())
