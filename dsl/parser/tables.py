"""Parser, the tabular form of a beslissing: `invoer a | b` and rows of cells (`| ten hoogste 5 | - |
dan x`), built into the same `ast.Row`s as `als a is ten hoogste 5 dan x`.

A cell is a comparison without its subject; the column's expression is its subject. `-` is any
value (an unknown one too): the cell adds no test, as a test left out of `als ... en ...`. A row
with a cell too many or too few is a problem with its place. The table is sugar: the checker, the
core model and every back end see the rows as if written with `als`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs
from lark import Token
from lark.tree import Meta

from dsl import ast
from dsl.errors import Diagnostic

Maker = Callable[[ast.Expr], ast.Expr]


@attrs.frozen
class Columns:
    """`invoer a | b`: the column expressions, and where the head is written."""

    exprs: tuple[ast.Expr, ...]
    span: ast.Span


@attrs.frozen
class Cell:
    """One cell: how it tests its column's value (None for `-`), and where it is written."""

    make: Maker | None
    span: ast.Span


@attrs.frozen
class TableRow:
    """A row of cells, its outcome (one, or named ones) and its items (bron, citaat, geldig)."""

    cells: tuple[Cell, ...]
    outcome: Any
    items: tuple[Any, ...]
    meta: Meta


def rows_of(columns: Columns, table_rows: list[TableRow], problems: list[Diagnostic],
            build_row: Callable[[Meta, ast.Expr | None, Any, Any], ast.Row],
            chain: Callable[[str, tuple[ast.Expr, ...], ast.Span], ast.Expr],
            span_of: Callable[[Meta], ast.Span]) -> list[ast.Row]:
    """The `ast.Row`s of a tabular beslissing; a row with the wrong number of cells is a problem."""
    rows = []
    width = len(columns.exprs)
    for row in table_rows:
        span = span_of(row.meta)
        if len(row.cells) != width:
            problems.append(Diagnostic(
                "literal", f"deze rij heeft {_cells(len(row.cells))}, de tabel {_columns(width)} "
                f"(invoer op regel {columns.span.line})", span,
                hint="geef per kolom één cel; '-' is: elke waarde"))
            continue
        tests = tuple(cell.make(column) for cell, column in zip(row.cells, columns.exprs) if cell.make is not None)
        if not tests:
            condition: ast.Expr = ast.Literal("ja/nee", True, "-", span)
        elif len(tests) == 1:
            condition = tests[0]
        else:
            first, last = row.cells[0].span, row.cells[-1].span
            condition = chain("en", tests, ast.Span(first.line, first.column, last.end_line, last.end_column))
        rows.append(build_row(row.meta, condition, row.outcome, list(row.items)))
    return rows


def _cells(n: int) -> str:
    return "1 cel" if n == 1 else f"{n} cellen"


def _columns(n: int) -> str:
    return "1 kolom" if n == 1 else f"{n} kolommen"


def _keep(children: list) -> list:
    return [c for c in children if not isinstance(c, Token)]


class TableRules:
    """The builder's callbacks for the tabular form (mixed into `dsl.parser.builder.Builder`)."""

    span_of: Callable[[Meta], ast.Span]
    comparisons: dict[str, str]

    def table_columns(self, meta: Meta, children: list) -> Columns:
        return Columns(tuple(c for c in children if not isinstance(c, Token)), self.span_of(meta))

    def table_row(self, meta: Meta, children: list) -> TableRow:
        cells = tuple(c for c in children if isinstance(c, Cell))
        rest = [c for c in children if not isinstance(c, (Cell, Token))]
        outcome, *items = rest
        return TableRow(cells, outcome, tuple(items), meta)

    def any_cell(self, meta: Meta, children: list) -> Cell:
        return Cell(None, self.span_of(meta))

    def cell_eq(self, meta: Meta, children: list) -> Cell:
        span, (right,) = self.span_of(meta), children
        return Cell(lambda x: ast.Compare("==", "is", x, right, span), span)

    def cell_compare(self, meta: Meta, children: list) -> Cell:
        span, (op, right) = self.span_of(meta), children
        words = " ".join(str(op).split()).lower()
        return Cell(lambda x: ast.Compare(self.comparisons[words], words, x, right, span), span)

    def cell_member(self, meta: Meta, children: list) -> Cell:
        span, values = self.span_of(meta), children[-1]
        return Cell(lambda x: ast.Member(x, values, False, span), span)

    def cell_not_member(self, meta: Meta, children: list) -> Cell:
        span, values = self.span_of(meta), children[-1]
        return Cell(lambda x: ast.Member(x, values, True, span), span)

    def cell_known(self, meta: Meta, children: list) -> Cell:
        span = self.span_of(meta)
        return Cell(lambda x: ast.Known(x, False, "is bekend", span), span)

    def cell_not_known(self, meta: Meta, children: list) -> Cell:
        span = self.span_of(meta)
        words = "is " + " ".join(" ".join(str(tok).split()).lower() for tok in children)
        return Cell(lambda x: ast.Known(x, True, words, span), span)

    def cell_between(self, meta: Meta, children: list) -> Cell:
        span, (low, high) = self.span_of(meta), _keep(children)
        return Cell(lambda x: ast.Between(x, low, high, True, "ligt tussen", span), span)

    def cell_range_incl(self, meta: Meta, children: list) -> Cell:
        span, (low, high) = self.span_of(meta), _keep(children)
        return Cell(lambda x: ast.Between(x, low, high, True, "ligt van ... tot en met", span), span)

    def cell_range_excl(self, meta: Meta, children: list) -> Cell:
        span, (low, high) = self.span_of(meta), _keep(children)
        return Cell(lambda x: ast.Between(x, low, high, False, "ligt van ... tot", span), span)
