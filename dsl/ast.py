"""The syntax tree of a Beleidstaal policy: frozen attrs classes, each with its source span.

Contract: `dsl.parser` builds these nodes and nothing else does; every node carries a `Span`
(1-based line and column of its first and last character). Nodes hold the author's words
(the Dutch comparison phrase, the literal as written) so later stages can quote them. Names
are not resolved and types are not checked here: that is `dsl.checker`'s job.
"""

from __future__ import annotations

from typing import Any

import attrs

from dsl.span import NO_SPAN, Span  # noqa: F401 - every node carries a Span



# ---------------------------------------------------------------- expressions
@attrs.frozen(slots=True, eq=True, hash=True)
class Name:
    name: str
    span: Span


@attrs.frozen(slots=True, eq=True, hash=True)
class Peildatum:
    """The evaluation date of a case (`peildatum`), given in the case itself."""

    span: Span


@attrs.frozen(slots=True, eq=True, hash=True)
class Literal:
    """A written value. `kind` is a type name ("bedrag", "percentage", "getal", "tekst",
    "ja/nee", "datum", "tijdstip", "duur"); for "duur" `value` is (amount, unit)."""

    kind: str
    value: Any
    text: str
    span: Span


@attrs.frozen(slots=True, eq=True, hash=True)
class UnknownLiteral:
    """`onbekend` in a voorbeeld: the fact is deliberately left out."""

    span: Span


@attrs.frozen(slots=True, eq=True, hash=True)
class ListLiteral:
    items: tuple
    span: Span


@attrs.frozen(slots=True, eq=True, hash=True)
class Compare:
    """`left is <words> right`; `op` is one of < <= > >= == != ."""

    op: str
    words: str
    left: Any
    right: Any
    span: Span


@attrs.frozen(slots=True, eq=True, hash=True)
class Member:
    operand: Any
    options: tuple
    negated: bool
    span: Span


@attrs.frozen(slots=True, eq=True, hash=True)
class Between:
    """`x ligt tussen a en b` (both ends included) or `ligt van a tot [en met] b`."""

    operand: Any
    low: Any
    high: Any
    high_inclusive: bool
    words: str
    span: Span


@attrs.frozen(slots=True, eq=True, hash=True)
class Each:
    """`elk van lijst is <words> grens`: every element of a list satisfies the comparison."""

    collection: Any
    op: str
    words: str
    right: Any
    span: Span


@attrs.frozen(slots=True, eq=True, hash=True)
class Weekly:
    """`x valt op maandag tot en met vrijdag [van 08:30 tot 17:00 uur]`: a window that recurs
    every week. `days` are weekday numbers (Monday 0) in calendar order from the first day
    written, wrapping past Sunday; `start`/`end` are seconds after midnight or both None."""

    operand: Any
    days: tuple
    start: Any
    end: Any
    end_inclusive: bool
    words: str
    span: Span


@attrs.frozen(slots=True, eq=True, hash=True)
class BoolOp:
    """`en` / `of` over two or more operands (also `alle van (...)`, `minstens een van (...)`)."""

    op: str
    items: tuple
    span: Span


@attrs.frozen(slots=True, eq=True, hash=True)
class Not:
    operand: Any
    span: Span


@attrs.frozen(slots=True, eq=True, hash=True)
class Satisfies:
    """`voldoet aan eis_of_groep` (or `voldoet niet aan`)."""

    name: str
    negated: bool
    span: Span


@attrs.frozen(slots=True, eq=True, hash=True)
class Arith:
    op: str
    left: Any
    right: Any
    span: Span


@attrs.frozen(slots=True, eq=True, hash=True)
class Neg:
    operand: Any
    span: Span


@attrs.frozen(slots=True, eq=True, hash=True)
class PercentOf:
    """`70% van plafond`."""

    percent: Any
    base: Any
    span: Span


@attrs.frozen(slots=True, eq=True, hash=True)
class Shift:
    """`3 weken na datum` (direction +1) or `4 weken voor datum` (direction -1)."""

    amount: Any
    base: Any
    direction: int
    span: Span


@attrs.frozen(slots=True, eq=True, hash=True)
class DayOf:
    """`dag 121 van opname`: the start day is day 1."""

    number: int
    base: Any
    span: Span


@attrs.frozen(slots=True, eq=True, hash=True)
class Aggregate:
    """`som van`, `aantal van`, `minimum van`, `maximum van`, `gemiddelde van` a list, optionally
    of the elements that pass a comparison: `aantal van fte dat ten minste 0,3 is`."""

    func: str
    operand: Any
    span: Span
    where_op: str | None = None
    where_words: str | None = None
    where_bound: Any = None


# ---------------------------------------------------------------- declarations
@attrs.frozen(slots=True, eq=True, hash=True)
class TypeSpec:
    """A gegeven's type: `kind` is a type name; `unit` for duur, `options` for keuze,
    `element` for a lijst."""

    kind: str
    span: Span
    unit: str | None = None
    options: tuple = ()
    element: TypeSpec | None = None


@attrs.frozen(slots=True, eq=True, hash=True)
class Field:
    name: str
    type: TypeSpec
    label: str | None
    span: Span


@attrs.frozen(slots=True, eq=True, hash=True)
class Meta:
    """What every rule may carry: a source, an explanatory note, an applicability condition."""

    source: str | None = None
    note: str | None = None
    applicable: Any = None


@attrs.frozen(slots=True, eq=True, hash=True)
class Exception_:
    """`tenzij c` or `met uitzondering van c`: when c holds, the requirement is lifted."""

    words: str
    condition: Any
    span: Span


@attrs.frozen(slots=True, eq=True, hash=True)
class Requirement:
    name: str
    title: str
    meta: Meta
    condition: Any
    exceptions: tuple
    span: Span


@attrs.frozen(slots=True, eq=True, hash=True)
class Group:
    name: str
    title: str
    meta: Meta
    requirements: tuple
    span: Span


@attrs.frozen(slots=True, eq=True, hash=True)
class Calculation:
    name: str
    title: str | None
    meta: Meta
    expr: Any
    span: Span


@attrs.frozen(slots=True, eq=True, hash=True)
class Row:
    condition: Any
    outcome: Any
    source: str | None
    span: Span


@attrs.frozen(slots=True, eq=True, hash=True)
class Decision:
    name: str
    title: str
    hit_policy: str
    meta: Meta
    rows: tuple
    otherwise: Row | None
    span: Span


@attrs.frozen(slots=True, eq=True, hash=True)
class Timeline:
    """`termijn naam "titel": gebeurtenis <kind> ...`; `kind` is one of "uiterlijk", "voor",
    "op", "niet voor", "binnen", "ten minste voor", "van tot en met", "van tot"; `args`
    holds the expressions the kind needs (a moment, or a duration and a moment, or two moments)."""

    name: str
    title: str
    meta: Meta
    subject: Name
    kind: str
    args: tuple
    span: Span


@attrs.frozen(slots=True, eq=True, hash=True)
class Assignment:
    name: str
    value: Any
    span: Span


@attrs.frozen(slots=True, eq=True, hash=True)
class Expectation:
    """`naam = waarde` in a voorbeeld; `status` is set for voldaan, niet gehaald, etc."""

    name: str
    status: str | None
    value: Any
    span: Span


@attrs.frozen(slots=True, eq=True, hash=True)
class Example:
    title: str
    meta: Meta
    givens: tuple
    expectations: tuple
    span: Span


@attrs.frozen(slots=True, eq=True, hash=True)
class Header:
    title: str
    insurer: str | None
    care_type: str | None
    valid_from: Any
    valid_until: Any
    source: str | None
    note: str | None
    span: Span


@attrs.frozen(slots=True, eq=True, hash=True)
class Policy:
    header: Header
    fields: tuple
    groups: tuple
    calculations: tuple
    decisions: tuple
    timelines: tuple
    examples: tuple
    filename: str
    text: str = attrs.field(repr=False, eq=False)


def walk(node):
    """Every AST node below (and including) `node`, depth first; tuples are walked through."""
    if isinstance(node, tuple):
        for item in node:
            yield from walk(item)
        return
    if not attrs.has(type(node)) or isinstance(node, Span):
        return
    yield node
    for field in attrs.fields(type(node)):
        if field.name != "span":
            yield from walk(getattr(node, field.name))
