"""The syntax tree of a Beleidstaal policy: frozen attrs classes, each with its source span.

Contract: `dsl.parser` builds these nodes and nothing else does; every node carries a `Span`
(1-based line and column of its first and last character). Nodes hold the author's words
(the Dutch comparison phrase, the literal as written) so later stages can quote them. Names
are not resolved and types are not checked here: that is `dsl.checker`'s job.
The expressions of a rule form the closed union `Expr`; a stage that reads them matches every
class of it (`EXPR_CLASSES`), so a new expression class is a type error until it is handled.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import TypeAlias, TypeGuard, get_args

import attrs

from dsl.span import NO_SPAN as NO_SPAN  # every node carries a Span; the parser uses NO_SPAN
from dsl.span import Span

# What a `Literal` holds: a Decimal (bedrag, percentage in percent points, getal), text, ja/nee,
# a date or a date-time, a duration as (amount, canonical unit), or None when the parser
# reported the literal as malformed.
LiteralValue: TypeAlias = Decimal | str | bool | date | datetime | tuple[int, str] | None


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
    value: LiteralValue
    text: str
    span: Span


@attrs.frozen(slots=True, eq=True, hash=True)
class UnknownLiteral:
    """`onbekend` in a voorbeeld: the fact is deliberately left out."""

    span: Span


@attrs.frozen(slots=True, eq=True, hash=True)
class ListLiteral:
    """`[0,5; 0,8]` in a voorbeeld; `text` is the list as written (spaces normalised)."""

    items: tuple[Value, ...]
    text: str
    span: Span


@attrs.frozen(slots=True, eq=True, hash=True)
class HistoryLiteral:
    """`[2021: € 1.200.000; 2022: onbekend]` in a voorbeeld: a value per year (a gegeven `... per
    jaar`); `entries` are (year, value) in the order written, `text` the whole as written."""

    entries: tuple[tuple[int, Value], ...]
    text: str
    span: Span


@attrs.frozen(slots=True, eq=True, hash=True)
class PeriodHistoryLiteral:
    """`[vanaf 1 januari 2023: ja; vanaf 1 juli 2023: nee]` in a voorbeeld: a value per period (a
    gegeven `... per periode`); `entries` are (first day as written, value) in the order written."""

    entries: tuple[tuple[Literal, Value], ...]
    text: str
    span: Span


@attrs.frozen(slots=True, eq=True, hash=True)
class Compare:
    """`left is <words> right`; `op` is one of < <= > >= == != ."""

    op: str
    words: str
    left: Expr
    right: Expr
    span: Span


@attrs.frozen(slots=True, eq=True, hash=True)
class Member:
    operand: Expr
    options: tuple[Expr, ...]
    negated: bool
    span: Span


@attrs.frozen(slots=True, eq=True, hash=True)
class Between:
    """`x ligt tussen a en b` (both ends included) or `ligt van a tot [en met] b`."""

    operand: Expr
    low: Expr
    high: Expr
    high_inclusive: bool
    words: str
    span: Span


@attrs.frozen(slots=True, eq=True, hash=True)
class Each:
    """`elk van lijst is <words> grens`: every element of a list satisfies the comparison."""

    collection: Expr
    op: str
    words: str
    right: Expr
    span: Span


@attrs.frozen(slots=True, eq=True, hash=True)
class Weekly:
    """`x valt op maandag tot en met vrijdag [van 08:30 tot 17:00 uur]`: a window that recurs
    every week. `days` are weekday numbers (Monday 0) in calendar order from the first day
    written, wrapping past Sunday; `start`/`end` are seconds after midnight or both None."""

    operand: Expr
    days: tuple[int, ...]
    start: int | None
    end: int | None
    end_inclusive: bool
    words: str
    span: Span


@attrs.frozen(slots=True, eq=True, hash=True)
class BoolOp:
    """`en` / `of` over two or more operands (also `alle van (...)`, `minstens een van (...)`)."""

    op: str
    items: tuple[Expr, ...]
    span: Span


@attrs.frozen(slots=True, eq=True, hash=True)
class Not:
    operand: Expr
    span: Span


@attrs.frozen(slots=True, eq=True, hash=True)
class Known:
    """`x is bekend` (`negated` false) or `x is onbekend` / `x is niet bekend` (true): whether a
    value is known; `words` as written ("is bekend", "is onbekend", "is niet bekend")."""

    operand: Expr
    negated: bool
    words: str
    span: Span


@attrs.frozen(slots=True, eq=True, hash=True)
class Satisfies:
    """`voldoet aan eis_of_groep` (or `voldoet niet aan`)."""

    name: str
    negated: bool
    span: Span


@attrs.frozen(slots=True, eq=True, hash=True)
class Arith:
    """`left op right`; op is "+", "-", "*", "/" or "^" (`tot de macht`)."""

    op: str
    left: Expr
    right: Expr
    span: Span


@attrs.frozen(slots=True, eq=True, hash=True)
class Neg:
    operand: Expr
    span: Span


@attrs.frozen(slots=True, eq=True, hash=True)
class PercentOf:
    """`70% van plafond`."""

    percent: Expr
    base: Expr
    span: Span


@attrs.frozen(slots=True, eq=True, hash=True)
class Shift:
    """`3 weken na datum` (direction +1) or `4 weken voor datum` (direction -1)."""

    amount: Expr
    base: Expr
    direction: int
    span: Span


@attrs.frozen(slots=True, eq=True, hash=True)
class DayOf:
    """`dag 121 van opname`: the start day is day 1."""

    number: int
    base: Expr
    span: Span


@attrs.frozen(slots=True, eq=True, hash=True)
class Aggregate:
    """`som van`, `aantal van`, `minimum van`, `maximum van`, `gemiddelde van` a list, optionally
    of the elements that pass a comparison: `aantal van fte dat ten minste 0,3 is`."""

    func: str
    operand: Expr
    span: Span
    where_op: str | None = None
    where_words: str | None = None
    where_bound: Expr | None = None


@attrs.frozen(slots=True, eq=True, hash=True)
class ListExpr:
    """`[a; 2; b]`: a list of the values of its items, in the order written."""

    items: tuple[Expr, ...]
    span: Span


@attrs.frozen(slots=True, eq=True, hash=True)
class Round:
    """`operand afgerond op <target> [mode]`: `target` is "centen", "hele euro's", "hele getallen"
    or "decimalen"; `places` the decimals kept (centen 2, hele euro's and hele getallen 0, else the
    number written, None when it is not a whole number); `mode` the rounding as written
    ("rekenkundig" when none is). `words` is the suffix as written, on one line and in lower case
    ("afgerond op hele euro's naar beneden"), `suffix_span` where it stands."""

    operand: Expr
    target: str
    places: int | None
    mode: str
    words: str
    suffix_span: Span
    span: Span


@attrs.frozen(slots=True, eq=True, hash=True)
class YearDate:
    """`1 oktober van het lopende jaar` (`offset` 0), `van het vorige jaar` (-1), `van het volgende
    jaar` (+1): a day of the year of the calculation date (the peildatum). `month` is 1..12;
    `text` the date as written."""

    month: int
    day: int
    offset: int
    text: str
    span: Span


@attrs.frozen(slots=True, eq=True, hash=True)
class PeriodLength:
    """`de periode van start tot en met end duurt <words> length`: the length of a period compared
    with a duration. `end_counted`: the last day belongs to the period (`tot en met`), not with
    `tot`; `op` is one of < <= > >= == != ("==" when no comparison word is written), `words` the
    comparison word as written ("ten hoogste", "" for none)."""

    start: Expr
    end: Expr
    end_counted: bool
    op: str
    words: str
    length: Expr
    span: Span


@attrs.frozen(slots=True, eq=True, hash=True)
class YearValue:
    """One year's value of a gegeven with a value per year: `omzet in het vorige jaar` (`offset`
    -1 from the peildatum's year; `lopende` 0, `voorvorige` -2) or `omzet in 2023` (`year`; then
    `offset` is None). `words` as written after the name ("in het vorige jaar", "in 2023")."""

    name: Name
    offset: int | None
    year: int | None
    words: str
    span: Span


@attrs.frozen(slots=True, eq=True, hash=True)
class YearsOf:
    """`omzet over de afgelopen 3 jaar`: the lijst of a gegeven's values in the last `count`
    calendar years before the peildatum's year, the oldest first (`som van ...`, `elk van ...`)."""

    name: Name
    count: int
    span: Span


@attrs.frozen(slots=True, eq=True, hash=True)
class EachYear:
    """`in elk van de afgelopen 3 jaar: <voorwaarde>`: the condition holds in each of the last
    `count` calendar years before the peildatum's year; in it, a gegeven with a value per year
    stands for its value in that year. `words` as written up to the condition."""

    count: int
    body: Expr
    words: str
    span: Span


@attrs.frozen(slots=True, eq=True, hash=True)
class During:
    """`gedurende de periode van start tot en met end` (`end_counted`; `tot`: the day `end` itself
    is not part of it): the period of a `Throughout`, or of every eis of a group (`Group.during`).
    `words` as written."""

    start: Expr
    end: Expr
    end_counted: bool
    words: str
    span: Span


@attrs.frozen(slots=True, eq=True, hash=True)
class Throughout:
    """`gedurende de periode van A tot en met B: <voorwaarde>`: the condition holds on every day
    of the period; in it a gegeven `per periode` stands for its value on that day. The parser
    also puts one around the condition of every eis of a group with a `During` in its header."""

    period: During
    body: Expr
    span: Span


# The expressions of a rule: a closed union that every stage reading expressions matches exhaustively.
# `ListLiteral` and `UnknownLiteral` are not expressions: they only stand in a voorbeeld (`Value`).
Expr: TypeAlias = (Name | Peildatum | Literal | Compare | Member | Between | Each | Weekly | BoolOp | Not
                   | Known | Satisfies | Arith | Neg | PercentOf | Shift | DayOf | Aggregate | Round | YearDate
                   | ListExpr | PeriodLength | YearValue | YearsOf | EachYear | Throughout)
EXPR_CLASSES: tuple[type, ...] = get_args(Expr)
# A value written in a voorbeeld (`gegeven x = ...`, `verwacht y = ...`).
Value: TypeAlias = Literal | ListLiteral | UnknownLiteral | HistoryLiteral | PeriodHistoryLiteral


# ---------------------------------------------------------------- declarations
@attrs.frozen(slots=True, eq=True, hash=True)
class TypeSpec:
    """A gegeven's type: `kind` is a type name; `unit` for duur, `options` for keuze,
    `element` for a lijst, `bounds` for a declared range of a number type."""

    kind: str
    span: Span
    unit: str | None = None
    options: tuple[str, ...] = ()
    element: TypeSpec | None = None
    bounds: tuple[Literal, Literal] | None = None   # `van X tot en met Y`: the values a case may give


@attrs.frozen(slots=True, eq=True, hash=True)
class Judgement:
    """`oordeel van "de zorginkoper" [toelichting "..."]` after a gegeven: its value is an
    assessment someone makes (naar ons oordeel, significant, tijdig), not a fact of the case."""

    by: str
    note: str | None
    span: Span


@attrs.frozen(slots=True, eq=True, hash=True)
class Field:
    name: str
    type: TypeSpec
    label: str | None
    span: Span
    judgement: Judgement | None = None


@attrs.frozen(slots=True, eq=True, hash=True)
class Quote:
    """`citaat "..."`: a sentence of the source document, word for word, that a rule encodes.
    Not an expression: it holds text only, so walking the tree does not enter it."""

    text: str
    span: Span


@attrs.frozen(slots=True, eq=True, hash=True)
class Bound:
    """`voor de aanbieder` / `voor de verzekeraar`: the party a rule binds. `party` is
    "aanbieder" or "verzekeraar" (`voor de zorgaanbieder` is the aanbieder)."""

    party: str
    span: Span


@attrs.frozen(slots=True, eq=True, hash=True)
class Validity:
    """`geldig vanaf D`, `geldig tot en met D` or `geldig van D1 tot en met D2` on a rule, a row of
    a decision or a wijziging: the calculation dates (both ends included) on which it is in force.
    `words` is the clause as written ("geldig vanaf 23 oktober 2023")."""

    valid_from: Literal | None
    valid_until: Literal | None
    words: str
    span: Span


@attrs.frozen(slots=True, eq=True, hash=True)
class Amendment:
    """`wijziging "titel" geldig vanaf D ... einde wijziging`: the amendment a rule was written in.
    Its validity and bron are already the defaults of each rule in it (`Meta.validity`,
    `Meta.source`); they are kept here for messages and explanations."""

    title: str
    validity: Validity | None
    source: str | None
    span: Span


@attrs.frozen(slots=True, eq=True, hash=True)
class Meta:
    """What every rule may carry: a source, an explanatory note, an applicability condition, the
    sentences of the document it encodes (`citaat`, several allowed, in the order written),
    the party it binds (`voor de aanbieder`; the last one written wins), its own validity
    (`geldig vanaf ...`; in a wijziging the wijziging's unless it says its own) and the wijziging
    it was written in."""

    source: str | None = None
    note: str | None = None
    applicable: Expr | None = None
    quotes: tuple[Quote, ...] = ()
    bound: Bound | None = None
    validity: Validity | None = None
    amendment: Amendment | None = None


@attrs.frozen(slots=True, eq=True, hash=True)
class Exception_:
    """`tenzij c` or `met uitzondering van c`: when c holds, the requirement is lifted."""

    words: str
    condition: Expr
    span: Span


@attrs.frozen(slots=True, eq=True, hash=True)
class Requirement:
    """`eis naam "titel" vereist ...` (a hard obligation), or with `verwacht` / `streeft naar`
    (a soft one: `strength` holds the word as written, "vereist" for `vereist` and `:`)."""

    name: str
    title: str
    meta: Meta
    condition: Expr
    exceptions: tuple[Exception_, ...]
    span: Span
    strength: str = "vereist"


@attrs.frozen(slots=True, eq=True, hash=True)
class Group:
    name: str
    title: str
    meta: Meta
    requirements: tuple[Requirement, ...]
    span: Span
    during: During | None = None   # `gedurende de periode van ...` in its header (also in each eis)


@attrs.frozen(slots=True, eq=True, hash=True)
class Calculation:
    """`berekening naam "titel" = expr`, or a power: `bevoegdheid naam "titel" mag als expr`
    (`power` holds the words as written, "mag" or "behoudt zich het recht voor"; None for a
    berekening). A power is a ja/nee calculation: may the party do this in this case."""

    name: str
    title: str | None
    meta: Meta
    expr: Expr
    span: Span
    power: str | None = None


@attrs.frozen(slots=True, eq=True, hash=True)
class NamedOutcome:
    """`naam = waarde` after `dan` or `anders`: one of the named outcomes of a beslissing that gives
    several (`dan soort = "raamcontract", duur = 4 jaar`)."""

    name: str
    value: Expr
    span: Span


@attrs.frozen(slots=True, eq=True, hash=True)
class Row:
    """`als condition dan outcome`; the `anders` row has no condition. `validity`: the row's own
    `geldig ...` (outside it the row does not apply). A row of a beslissing with several outcomes
    has them in `named` (in the order written) and the first one's value as `outcome`."""

    condition: Expr | None
    outcome: Expr
    source: str | None
    span: Span
    quotes: tuple[Quote, ...] = ()
    validity: Validity | None = None
    named: tuple[NamedOutcome, ...] = ()


@attrs.frozen(slots=True, eq=True, hash=True)
class Decision:
    """`beslissing naam "titel" (hit policy) ...`; `hit_policy` is its words as written, in one
    spelling ("eerste treffer", "uniek", "om het even", "voorrang", "som", "aantal", "minimum",
    "maximum", "alle", "alle, in regelvolgorde", "alle, op volgorde van voorrang"). A beslissing whose rows give several named
    outcomes is checked as one beslissing per outcome (the checker builds them): each has the
    outcome's name, the rows with that outcome, `table` the name of the beslissing as written and
    `outputs` the names of all its outcomes."""

    name: str
    title: str
    hit_policy: str
    meta: Meta
    rows: tuple[Row, ...]
    otherwise: Row | None
    span: Span
    table: str | None = None
    outputs: tuple[str, ...] = ()
    priority: tuple[Literal, ...] = ()     # `(voorrang "a", "b")`, `(alle, op volgorde van voorrang ...)`
    priority_output: str | None = None     # `(voorrang soort: ...)`: the named outcome the order is of
    policy_span: Span | None = None        # where the hit policy is written
    partial: Partial | None = None         # `bewust onvolledig`: a case no row applies to is no finding

    @property
    def all_rows(self) -> tuple[Row, ...]:
        return (*self.rows, self.otherwise) if self.otherwise is not None else self.rows


@attrs.frozen(slots=True, eq=True, hash=True)
class Partial:
    """`bewust onvolledig ["reden"]` on a beslissing: the document decides only some cases, on purpose."""

    reason: str | None
    span: Span


@attrs.frozen(slots=True, eq=True, hash=True)
class Assumption:
    """`aanname naam "titel" [bron ...] <voorwaarde>`: what the document takes for granted of every
    case (`ontslag is niet voor opname`). Its `meta` holds bron, toelichting and citaten only."""

    name: str
    title: str
    meta: Meta
    condition: Expr
    span: Span


@attrs.frozen(slots=True, eq=True, hash=True)
class KnownFinding:
    """`bekende bevinding <soort> in regel[, regel] [bron ...] [waar <voorwaarde>]`: a finding of the
    consistency check recorded as the document's own; `kind` is the finding's key (gat, overlap,
    ...), `rules` the rules it is about, `region` the cases it is narrowed to (None: all of them)."""

    kind: str
    kind_span: Span
    rules: tuple[Name, ...]
    meta: Meta
    region: Expr | None
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
    args: tuple[Expr, ...]
    span: Span


@attrs.frozen(slots=True, eq=True, hash=True)
class RowScope:
    """`onder de aanbieders waarvoor c`: the rows of the table a netwerkeis or voorkeur is about."""

    noun: str
    condition: Expr
    span: Span


@attrs.frozen(slots=True, eq=True, hash=True)
class NetworkRule:
    """`netwerkeis naam "titel" [per a en b] [onder de ... waarvoor s] vereist <kwantor>`: a rule
    over the rows of a table, per group. `quantifier` is "elke", "ten minste" or "ten hoogste" (the
    words as written, `quantifier_span` where); `count` a number of rows, or `share` a percentage
    of the rows in scope; `noun` the word for a row ("aanbieder")."""

    name: str
    title: str
    meta: Meta
    group_by: tuple[Name, ...]
    scope: RowScope | None
    strength: str
    quantifier: str
    count: Literal | None
    share: Literal | None
    noun: str
    condition: Expr
    span: Span
    quantifier_span: Span


@attrs.frozen(slots=True, eq=True, hash=True)
class Criterion:
    """`eerst laagste x`, `dan hoogste x`, `dan met c` in a voorkeur: `direction` is "laagste",
    "hoogste" or "met" (rows for which c is ja come first)."""

    direction: str
    expr: Expr
    source: str | None
    quotes: tuple[Quote, ...]
    span: Span


@attrs.frozen(slots=True, eq=True, hash=True)
class Ranking:
    """`voorkeur naam "titel" [per ...] [onder de ... waarvoor s] eerst ... dan ...`: an order of
    the rows of each group by its criteria, the first criterion first."""

    name: str
    title: str
    meta: Meta
    group_by: tuple[Name, ...]
    scope: RowScope | None
    criteria: tuple[Criterion, ...]
    span: Span


@attrs.frozen(slots=True, eq=True, hash=True)
class Assignment:
    name: str
    value: Value
    span: Span


@attrs.frozen(slots=True, eq=True, hash=True)
class Expectation:
    """`naam = waarde` in a voorbeeld; `status` is set for voldaan, niet gehaald, onbekend etc.,
    `value` otherwise."""

    name: str
    status: str | None
    value: Literal | ListLiteral | None
    span: Span


@attrs.frozen(slots=True, eq=True, hash=True)
class Example:
    title: str
    meta: Meta
    givens: tuple[Assignment, ...]
    expectations: tuple[Expectation, ...]
    span: Span


@attrs.frozen(slots=True, eq=True, hash=True)
class Header:
    title: str
    insurer: str | None
    care_type: str | None
    valid_from: Literal | None
    valid_until: Literal | None
    source: str | None
    note: str | None
    span: Span
    quotes: tuple[Quote, ...] = ()   # not allowed on the header: the checker says so


@attrs.frozen(slots=True, eq=True, hash=True)
class Policy:
    header: Header
    fields: tuple[Field, ...]
    groups: tuple[Group, ...]
    calculations: tuple[Calculation, ...]
    decisions: tuple[Decision, ...]
    timelines: tuple[Timeline, ...]
    examples: tuple[Example, ...]
    filename: str
    text: str = attrs.field(repr=False, eq=False)
    assumptions: tuple[Assumption, ...] = ()
    known_findings: tuple[KnownFinding, ...] = ()
    networks: tuple[NetworkRule, ...] = ()   # `netwerkeis`: rules over a table of cases
    rankings: tuple[Ranking, ...] = ()       # `voorkeur`: orders of the rows of a table


# A declaration that `dsl.checker` turns into a named rule.
RuleNode: TypeAlias = Requirement | Group | Calculation | Decision | Timeline
# Every class of the syntax tree.
Node: TypeAlias = (Expr | Value | TypeSpec | Field | Meta | Exception_ | RuleNode | Row | NamedOutcome | Assignment
                   | Expectation
                   | Example | Header | Policy | Validity | Amendment | Partial | Assumption | KnownFinding
                   | RowScope | NetworkRule | Criterion | Ranking | During)
NODE_CLASSES: tuple[type, ...] = get_args(Node)
# The same as a set, for `is_node`: no node class has a subclass (tests/test_parser.py checks), so a
# value's own type says it; `isinstance` with the tuple tried all 56 classes for a value that is
# none of them (a name, a span, a number: most of what a walk meets), 2.0 µs against 0.08 µs.
NODE_TYPES: frozenset[type] = frozenset(NODE_CLASSES)


def is_node(value: object) -> TypeGuard[Node]:
    """Whether `value` is a node of the syntax tree (a Span, a token or a tuple is not)."""
    return type(value) in NODE_TYPES


def walk(node: object) -> Iterator[Node]:
    """Every AST node below (and including) `node`, depth first; tuples are walked through."""
    if isinstance(node, tuple):
        for item in node:
            yield from walk(item)
        return
    if not is_node(node):
        return
    yield node
    for field in attrs.fields(type(node)):
        if field.name != "span":
            yield from walk(getattr(node, field.name))
