"""Small builders for Python `ast` nodes used by the code generator, and span stamping."""

from __future__ import annotations

import ast as py

from dsl.span import Span


def _n(name: str, store: bool = False) -> py.Name:
    return py.Name(id=name, ctx=py.Store() if store else py.Load())


def _c(value) -> py.Constant:
    return py.Constant(value=value)


def _call(fn: str, *args) -> py.Call:
    return py.Call(func=_n(fn), args=list(args), keywords=[])


def _is(a, b, negate=False) -> py.Compare:
    return py.Compare(left=a, ops=[py.IsNot() if negate else py.Is()], comparators=[b])


def _if(test, body, orelse) -> py.IfExp:
    return py.IfExp(test=test, body=body, orelse=orelse)


def _assign(name: str, value) -> py.Assign:
    return py.Assign(targets=[_n(name, store=True)], value=value)


def _or(*tests):
    return tests[0] if len(tests) == 1 else py.BoolOp(op=py.Or(), values=list(tests))


def _stamp(node, span: Span):
    """Give a generated node the policy line and column of `span` (if it has none yet). Nodes
    inside it without a location inherit the nearest located ancestor's when the module is
    checked (`dsl.compiler.check_generated`), so every node ends up located without a second
    walk over the tree."""
    if span and span.line and "lineno" in node._attributes and not hasattr(node, "lineno"):
        node.lineno, node.col_offset = span.line, max(0, span.column - 1)
        node.end_lineno, node.end_col_offset = span.end_line, span.end_column
    return node


_SIMPLE = (py.Name, py.Constant)
