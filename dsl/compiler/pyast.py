"""Small builders for Python `ast` nodes used by the code generator, and span stamping."""

from __future__ import annotations

import ast as py

from dsl import ast

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


def _stamp(node, span: ast.Span):
    """Give a generated node, and its descendants that have no location yet, the policy line
    and column. Subtrees that were stamped before (by their own expression) are not entered,
    so stamping stays linear in the size of the tree."""
    if not span or not span.line:
        return node
    line, col, end_line, end_col = span.line, max(0, span.column - 1), span.end_line, span.end_column
    stack = [node]
    while stack:
        child = stack.pop()
        if "lineno" in child._attributes:
            if hasattr(child, "lineno"):
                continue
            child.lineno, child.col_offset, child.end_lineno, child.end_col_offset = line, col, end_line, end_col
        stack.extend(py.iter_child_nodes(child))
    return node


_SIMPLE = (py.Name, py.Constant)
