"""Tree builder: Lark's parse tree -> `dsl.ast` nodes, one callback per grammar rule.

Contract: `Builder(filename, text).transform(tree)` returns an `ast.Policy` whose every node has
a span; literals are converted here (Dutch numbers, money, dates, durations) and a malformed
literal becomes a Diagnostic in `problems` instead of an exception. Names are not resolved.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from functools import partial
from typing import Any, TypeAlias, TypeVar

import attrs
from lark import Token, Tree
from lark.tree import Meta

from dsl import ast
from dsl.errors import Diagnostic
from dsl.literals import (
    MONTHS,
    NUMBER_WORDS,
    WEEKDAYS,
    LiteralError,
    parse_date,
    parse_datetime,
    parse_money,
    parse_number,
    parse_percentage,
)
from dsl.parser.limits import CHAIN_WIDTH
from dsl.parser.tables import Columns, TableRow, TableRules, rows_of
from dsl.types import UNIT_ALIASES

# The children of a rule as Lark hands them over: tokens, nodes built by the callbacks below, and
# the tuples some callbacks return. Their shape per rule is fixed by the grammar, not by a type;
# each callback unpacks them and returns a typed node.
Children: TypeAlias = list[Any]
N = TypeVar("N")


def _span(meta: Meta) -> ast.Span:
    if meta.empty:  # a rule that matched nothing has no position
        return ast.NO_SPAN
    return ast.Span(meta.line, meta.column, meta.end_line, max(meta.column, meta.end_column - 1))


def _tok_span(tok: Token) -> ast.Span:
    # Lark leaves a token's position None only for tokens it makes itself (never from the text).
    if tok.line is None or tok.column is None or tok.end_line is None or tok.end_column is None:
        return ast.NO_SPAN
    return ast.Span(tok.line, tok.column, tok.end_line, max(tok.column, tok.end_column - 1))


def _words(tok: Token) -> str:
    return " ".join(str(tok).split()).lower()


def _unquote(tok: Token) -> str:
    return str(tok)[1:-1].replace('\\"', '"').replace("\\\\", "\\")


# Comparison phrases -> operator
COMPARISONS = {
    "groter dan of gelijk aan": ">=", "kleiner dan of gelijk aan": "<=",
    "niet gelijk aan": "!=", "niet": "!=", "gelijk aan": "==",
    "groter dan": ">", "meer dan": ">", "langer dan": ">", "later dan": ">", "na": ">",
    "kleiner dan": "<", "minder dan": "<", "korter dan": "<", "eerder dan": "<",
    "voor": "<", "vóór": "<",
    "ten hoogste": "<=", "tenhoogste": "<=", "uiterlijk": "<=",
    "ten minste": ">=", "tenminste": ">=",
    # the words of a termijn, in a condition too
    "niet voor": ">=", "niet eerder dan": ">=", "vanaf": ">=", "op": "==",
}


def _nodes(children: Children) -> Children:
    """The children that are not keyword tokens (tokens of value-bearing types are kept)."""
    return [c for c in children if not isinstance(c, Token) or c.type in _VALUE_TOKENS]


_VALUE_TOKENS = {"NAME", "STRING", "NUMBER", "STATUS", "HIT_POLICY", "AGGREGATION", "UNIT", "SIMPLE_TYPE"}


@attrs.frozen
class _HitPolicy:
    """A beslissing's hit policy as the builder passes it on: its words, the order of outcome
    values it names (`voorrang`), the named outcome that order is of, and where it is written."""

    words: str
    order: tuple[ast.Literal, ...] = ()
    output: str | None = None
    span: ast.Span | None = None


def _of_type(items: Iterable[object], cls: type[N]) -> tuple[N, ...]:
    return tuple(item for item in items if isinstance(item, cls))


def _meta(items: Iterable[object]) -> ast.Meta:
    """The `bron`, `toelichting` and `van toepassing als` among a rule's items (the last one wins),
    and its `citaat`s (all of them, in the order written)."""
    items = list(items)
    info = {item[0]: item[1] for item in items if isinstance(item, tuple)}
    return ast.Meta(info.get("bron"), info.get("toelichting"), info.get("applicable"), _quotes(items),
                    info.get("bound"), info.get("validity"))


def _quotes(items: Iterable[object]) -> tuple[ast.Quote, ...]:
    return tuple(item[1] for item in items if isinstance(item, tuple) and item[0] == "citaat")


def _row_validity(items: Iterable[object]) -> ast.Validity | None:
    """The last `geldig ...` written after a row of a decision table."""
    found = [item[1] for item in items if isinstance(item, tuple) and item[0] == "validity"]
    return found[-1] if found else None


def _amended(node: N, amendment: ast.Amendment) -> N:
    """A rule written in a wijziging: the wijziging's validity and bron unless it says its own."""
    meta: ast.Meta = node.meta  # type: ignore[attr-defined]
    meta = attrs.evolve(meta, validity=meta.validity or amendment.validity, source=meta.source or amendment.source,
                        amendment=amendment)
    return attrs.evolve(node, meta=meta)  # type: ignore[misc]


# How a year-relative date names its year, and the years it lies from the peildatum's.
YEAR_OFFSETS = {"lopende": 0, "vorige": -1, "volgende": 1}
HISTORY_OFFSETS = {"lopende": 0, "vorige": -1, "voorvorige": -2}   # `omzet in het vorige jaar`


def _row_source(items: Iterable[object]) -> str | None:
    """The last `bron` written after a row of a decision table."""
    sources = [item[1] for item in items if isinstance(item, tuple) and item[0] == "bron"]
    return sources[-1] if sources else None


def _chain(op: str, items: tuple[ast.Expr, ...], span: ast.Span) -> ast.BoolOp:
    """`a en b en c ...`; a chain of more than `CHAIN_WIDTH` parts becomes a chain of shorter chains
    of about equal length (the same meaning: `en` and `of` are associative, also when a part is
    unknown), so that 1,000 parts nest three levels deep instead of a thousand."""
    while len(items) > CHAIN_WIDTH:
        count = -(-len(items) // CHAIN_WIDTH)   # chains needed, rounded up
        size, extra = divmod(len(items), count)
        parts, start = [], 0
        for i in range(count):
            part = items[start:start + size + (i < extra)]
            start += len(part)
            parts.append(ast.BoolOp(op, part, _covering(part)))
        items = tuple(parts)
    return ast.BoolOp(op, items, span)


def _covering(items: tuple[ast.Expr, ...]) -> ast.Span:
    first, last = items[0].span, items[-1].span
    return ast.Span(first.line, first.column, last.end_line, last.end_column)


@attrs.frozen
class _Strength:
    """How strongly an eis binds, as written: "vereist" (also for `:`), "verwacht", "streeft naar"."""

    words: str


# A timing clause of a termijn: its kind and the expressions it needs.
Timing: TypeAlias = tuple[str, tuple[ast.Expr, ...]]


def _unbuilt(rule: str, meta: Meta, children: list) -> Tree:
    """A grammar rule without a method of its own stays a Lark tree (its parent reads it)."""
    return Tree(rule, children, meta)


def _timing(kind: str) -> Callable[[Builder, Meta, Children], Timing]:
    def build(self: Builder, meta: Meta, children: Children) -> Timing:
        return (kind, tuple(c for c in _nodes(children) if not isinstance(c, Token)))
    return build


class Builder(TableRules):
    """Builds AST nodes bottom-up, one method per grammar rule, each called with the rule's
    `Meta` (its position) and its children already built; collects literal problems. The
    tabular form of a beslissing comes from `dsl.parser.tables`."""

    span_of = staticmethod(_span)
    comparisons = COMPARISONS

    def __init__(self, filename: str, text: str):
        self.filename, self.text = filename, text
        self.problems: list[Diagnostic] = []

    def transform(self, tree: Tree) -> ast.Policy:
        """The policy of a parse tree, built bottom-up without recursion (any depth of brackets),
        as Lark's `Transformer_NonRecursive` builds it; a token is passed on as it is. Each rule's
        method is looked up once per tree (Lark's transformer looks it up at every node, and under
        its `v_args` each lookup makes a new wrapper: building wijkverpleging_2024's tree took
        60-70 ms that way, 30-40 ms this way)."""
        order: list = []
        todo: list = [tree]
        while todo:   # the nodes in reverse postfix order
            node = todo.pop()
            order.append(node)
            if isinstance(node, Tree):
                todo += node.children
        methods: dict[str, Callable[[Meta, list], object]] = {}
        stack: list = []
        for node in reversed(order):
            if not isinstance(node, Tree):
                stack.append(node)
                continue
            size = len(node.children)
            if size:
                children = stack[-size:]
                del stack[-size:]
            else:
                children = []
            method = methods.get(node.data)
            if method is None:
                method = methods[node.data] = getattr(self, node.data, None) or partial(_unbuilt, node.data)
            stack.append(method(node.meta, children))
        (policy,) = stack
        return policy

    def _literal(self, parse: Callable[[str], ast.LiteralValue], tok: Token, kind: str,
                 text: str | None = None) -> ast.Literal:
        text = str(tok) if text is None else text
        value: ast.LiteralValue
        try:
            value = parse(text)
        except LiteralError as err:
            self.problems.append(Diagnostic("literal", str(err), _tok_span(tok)))
            value = None
        return ast.Literal(kind, value, text, _tok_span(tok))

    # ------------------------------------------------------------ structure
    def start(self, meta: Meta, children: Children) -> ast.Policy:
        header, *sections = children
        items = [item for section in sections for item in (section if isinstance(section, list) else [section])]
        return ast.Policy(header, _of_type(items, ast.Field), _of_type(items, ast.Group),
                          _of_type(items, ast.Calculation), _of_type(items, ast.Decision),
                          _of_type(items, ast.Timeline), _of_type(items, ast.Example),
                          filename=self.filename, text=self.text, assumptions=_of_type(items, ast.Assumption),
                          known_findings=_of_type(items, ast.KnownFinding), networks=_of_type(items, ast.NetworkRule),
                          rankings=_of_type(items, ast.Ranking))

    def header(self, meta: Meta, children: Children) -> ast.Header:
        title, *items = _nodes(children)
        info = dict(items)
        valid = info.get("geldig", (None, None))
        return ast.Header(_unquote(title), info.get("verzekeraar"), info.get("zorgsoort"),
                          valid[0], valid[1], info.get("bron"), info.get("toelichting"), _span(meta),
                          _quotes(items))

    def verzekeraar(self, meta: Meta, children: Children) -> tuple[str, str]:
        return ("verzekeraar", _unquote(_nodes(children)[0]))

    def zorgsoort(self, meta: Meta, children: Children) -> tuple[str, str]:
        return ("zorgsoort", _unquote(_nodes(children)[0]))

    def geldig(self, meta: Meta, children: Children) -> tuple[str, tuple[ast.Literal, ast.Literal]]:
        low, high = _nodes(children)
        return ("geldig", (low, high))

    def bron(self, meta: Meta, children: Children) -> tuple[str, str]:
        return ("bron", _unquote(_nodes(children)[0]))

    def toelichting(self, meta: Meta, children: Children) -> tuple[str, str]:
        return ("toelichting", _unquote(_nodes(children)[0]))

    def citaat(self, meta: Meta, children: Children) -> tuple[str, ast.Quote]:
        return ("citaat", ast.Quote(_unquote(_nodes(children)[0]), _span(meta)))

    def applicable(self, meta: Meta, children: Children) -> tuple[str, ast.Expr]:
        return ("applicable", _nodes(children)[0])

    # ------------------------------------------------------------ validity and amendments
    def valid_from(self, meta: Meta, children: Children) -> tuple[str, ast.Validity]:
        words = _words(children[1])
        if words != "vanaf":
            self.problems.append(Diagnostic("literal", f"'geldig {words}' zegt niet vanaf wanneer de regel geldt",
                                            _tok_span(children[1]), hint="schrijf 'geldig vanaf <datum>'"))
        return ("validity", ast.Validity(children[-1], None, self.text_of(meta), _span(meta)))

    def valid_until(self, meta: Meta, children: Children) -> tuple[str, ast.Validity]:
        return ("validity", ast.Validity(None, children[-1], self.text_of(meta), _span(meta)))

    def valid_between(self, meta: Meta, children: Children) -> tuple[str, ast.Validity]:
        low, high = _nodes(children)
        return ("validity", ast.Validity(low, high, self.text_of(meta), _span(meta)))

    def wijziging(self, meta: Meta, children: Children) -> list[object]:
        title, *rest = _nodes(children)
        info: dict[str, Any] = dict(item for item in rest if isinstance(item, tuple))
        amendment = ast.Amendment(_unquote(title), info.get("validity"), info.get("bron"), _span(meta))
        return [_amended(item, amendment) for item in rest if not isinstance(item, tuple)]

    def bound(self, meta: Meta, children: Children) -> tuple[str, ast.Bound]:
        party = _words(children[0]).split()[-1]
        return ("bound", ast.Bound("verzekeraar" if party == "verzekeraar" else "aanbieder", _span(meta)))

    # ------------------------------------------------------------ gegevens
    def gegevens(self, meta: Meta, children: Children) -> list[ast.Field]:
        return _nodes(children)

    def gegeven(self, meta: Meta, children: Children) -> ast.Field:
        name, type_spec, *rest = _nodes(children)
        label = [r for r in rest if isinstance(r, Token)]
        judgement = next((r for r in rest if isinstance(r, ast.Judgement)), None)
        return ast.Field(str(name), type_spec, _unquote(label[0]) if label else None, _span(meta), judgement)

    def judgement(self, meta: Meta, children: Children) -> ast.Judgement:
        texts = [_unquote(t) for t in _nodes(children)]
        return ast.Judgement(texts[0], texts[1] if len(texts) > 1 else None, _span(meta))

    def simple_type(self, meta: Meta, children: Children) -> ast.TypeSpec:
        bounds = children[1] if len(children) > 1 else None
        return ast.TypeSpec(_words(children[0]), _span(meta), bounds=bounds)

    def value_range(self, meta: Meta, children: Children) -> tuple[ast.Literal, ast.Literal]:
        low, high = _nodes(children)
        return low, high

    def duration_type(self, meta: Meta, children: Children) -> ast.TypeSpec:
        unit = children[-1] if isinstance(children[-1], Token) and children[-1].type == "UNIT" else None
        canonical = UNIT_ALIASES[_words(unit)] if unit else "dagen"
        return ast.TypeSpec("duur", _span(meta), unit=canonical)

    def choice_type(self, meta: Meta, children: Children) -> ast.TypeSpec:
        options = tuple(_unquote(t) for t in _nodes(children))
        return ast.TypeSpec("keuze", _span(meta), options=options)

    def list_type(self, meta: Meta, children: Children) -> ast.TypeSpec:
        return ast.TypeSpec("lijst", _span(meta), element=_nodes(children)[0])

    def history_type(self, meta: Meta, children: Children) -> ast.TypeSpec:
        """`bedrag per jaar`: a value per calendar year, each of the element type."""
        element = self.simple_type(meta, [c for c in children if not (isinstance(c, Token) and c.type == "PER_JAAR")])
        return ast.TypeSpec("per jaar", _span(meta), element=element)

    def period_history_type(self, meta: Meta, children: Children) -> ast.TypeSpec:
        """`ja/nee per periode`: a value per dated period (from a day on, until the next), of the element type."""
        element = self.simple_type(meta, [c for c in children
                                          if not (isinstance(c, Token) and c.type == "PER_PERIODE")])
        return ast.TypeSpec("per periode", _span(meta), element=element)

    # ------------------------------------------------------------ rules
    def eisen(self, meta: Meta, children: Children) -> ast.Group:
        name, title, *rest = _nodes(children)
        reqs = tuple(r for r in rest if isinstance(r, ast.Requirement))
        during = next((r for r in reversed(rest) if isinstance(r, ast.During)), None)
        if during is not None:   # each eis holds on every day of the period: the same node as written out
            reqs = tuple(attrs.evolve(r, condition=ast.Throughout(during, r.condition, r.condition.span))
                         for r in reqs)
        return ast.Group(str(name), _unquote(title), _meta(rest), reqs, _span(meta), during)

    def during(self, meta: Meta, children: Children) -> ast.During:
        """`gedurende de periode van A tot en met B` (or `tot B`: B not counted)."""
        _words_tok, start, until, end = children
        counted = _words(until) == "tot en met"
        return ast.During(start, end, counted, self.text_of(meta), _span(meta))

    def throughout(self, meta: Meta, children: Children) -> ast.Throughout:
        """`gedurende de periode van A tot en met B: <voorwaarde>`."""
        during, body = _nodes(children)
        return ast.Throughout(during, body, _span(meta))

    def period_lit(self, meta: Meta, children: Children) -> ast.PeriodHistoryLiteral:
        """`[vanaf 1 januari 2023: ja; vanaf 1 juli 2023: nee]`: a value per period in a voorbeeld."""
        entries = tuple(c for c in children if isinstance(c, tuple))
        days = [day.value for day, _ in entries]
        for i, day in enumerate(days):
            if day is not None and day in days[:i]:
                self.problems.append(Diagnostic("literal", f"de dag {entries[i][0].text} staat twee keer in de "
                                                "waarden per periode", entries[i][0].span,
                                                "geef elke begindag één waarde"))
        return ast.PeriodHistoryLiteral(entries, self.text_of(meta), _span(meta))

    def period_entry(self, meta: Meta, children: Children) -> tuple[ast.Literal, ast.Value]:
        words, day, value = children
        if _words(words) != "vanaf":
            self.problems.append(Diagnostic("literal", f"een waarde per periode begint met 'vanaf', niet met "
                                            f"'{_words(words)}'", _tok_span(words),
                                            "schrijf bijvoorbeeld [vanaf 1 januari 2023: ja; vanaf 1 juli 2023: nee]"))
        return day, value

    def eis(self, meta: Meta, children: Children) -> ast.Requirement:
        name, title, *rest = _nodes(children)
        exceptions = tuple(r for r in rest if isinstance(r, ast.Exception_))
        strength = next(r for r in rest if isinstance(r, _Strength))
        condition = next(r for r in rest if not isinstance(r, tuple | ast.Exception_ | _Strength))
        return ast.Requirement(str(name), _unquote(title), _meta(rest), condition,
                               exceptions, _span(meta), strength.words)

    def strength(self, meta: Meta, children: Children) -> _Strength:
        return _Strength(_words(children[0]) if children else "vereist")   # `:` is `vereist`

    def exception(self, meta: Meta, children: Children) -> ast.Exception_:
        return ast.Exception_(_words(children[0]), children[1], _span(meta))

    def berekening(self, meta: Meta, children: Children) -> ast.Calculation:
        name, *rest = _nodes(children)
        title = _unquote(rest.pop(0)) if rest and isinstance(rest[0], Token) else None
        return ast.Calculation(str(name), title, _meta(rest[:-1]), rest[-1], _span(meta))

    def bevoegdheid(self, meta: Meta, children: Children) -> ast.Calculation:
        """A power is a calculation of a ja/nee: whether the party may do this in the case."""
        words = next(_words(c) for c in children if isinstance(c, Token) and c.type in ("MAG_ALS", "RECHT_VOOR_ALS"))
        name, title, *rest = _nodes(children)
        return ast.Calculation(str(name), _unquote(title), _meta(rest[:-1]), rest[-1], _span(meta),
                               words.removesuffix(" als"))

    def beslissing(self, meta: Meta, children: Children) -> ast.Decision:
        name, title, *rest = _nodes(children)
        policy = next((r for r in rest if isinstance(r, _HitPolicy)), None) or _HitPolicy("eerste treffer")
        rows = _of_type(rest, ast.Row)  # the `anders` row comes as ("anders", row)
        columns = next((r for r in rest if isinstance(r, Columns)), None)
        if columns is not None:
            rows = tuple(rows_of(columns, list(_of_type(rest, TableRow)), self.problems, self._row, _chain, _span))
        other = next((r[1] for r in rest if isinstance(r, tuple) and r[0] == "anders"), None)
        partial = next((r for r in rest if isinstance(r, ast.Partial)), None)
        return ast.Decision(str(name), _unquote(title), policy.words, _meta(rest), rows, other, _span(meta),
                            priority=policy.order, priority_output=policy.output, policy_span=policy.span,
                            partial=partial)

    def partial(self, meta: Meta, children: Children) -> ast.Partial:
        reason = [c for c in children if isinstance(c, Token) and c.type == "STRING"]
        return ast.Partial(_unquote(reason[0]) if reason else None, _span(meta))

    # ------------------------------------------------------------ aannames and bekende bevindingen
    def aanname(self, meta: Meta, children: Children) -> ast.Assumption:
        name, title, *rest = _nodes(children)
        return ast.Assumption(str(name), _unquote(title), _meta(rest[:-1]), rest[-1], _span(meta))

    def bekende_bevinding(self, meta: Meta, children: Children) -> ast.KnownFinding:
        names = [c for c in children if isinstance(c, Token) and c.type == "NAME"]
        rest = [c for c in children if not isinstance(c, Token)]
        region = next((r[1] for r in rest if isinstance(r, tuple) and r[0] == "waar"), None)
        return ast.KnownFinding(str(names[0]), _tok_span(names[0]),
                                tuple(ast.Name(str(n), _tok_span(n)) for n in names[1:]), _meta(rest), region,
                                _span(meta))

    def finding_region(self, meta: Meta, children: Children) -> tuple[str, ast.Expr]:
        return ("waar", _nodes(children)[0])

    def hit_policy(self, meta: Meta, children: Children) -> _HitPolicy:
        return _HitPolicy(_words(_nodes(children)[0]), span=_span(meta))

    def priority_policy(self, meta: Meta, children: Children) -> _HitPolicy:
        output, order = children[-1]
        return _HitPolicy("voorrang", order, output, _span(meta))

    def collect_policy(self, meta: Meta, children: Children) -> _HitPolicy:
        ordered = any(isinstance(c, Token) and c.type == "IN_REGELVOLGORDE" for c in children)
        return _HitPolicy("alle, in regelvolgorde" if ordered else "alle", span=_span(meta))

    def output_order_policy(self, meta: Meta, children: Children) -> _HitPolicy:
        output, order = children[-1]
        return _HitPolicy("alle, op volgorde van voorrang", order, output, _span(meta))

    def priority_order(self, meta: Meta, children: Children) -> tuple[str | None, tuple[ast.Literal, ...]]:
        named = next((c for c in children if isinstance(c, Token) and c.type == "NAME"), None)
        return (str(named) if named is not None else None), tuple(c for c in children if isinstance(c, ast.Literal))

    def row(self, meta: Meta, children: Children) -> ast.Row:
        cond, outcome, *items = _nodes(children)
        return self._row(meta, cond, outcome, items)

    def otherwise(self, meta: Meta, children: Children) -> tuple[str, ast.Row]:
        outcome, *items = _nodes(children)
        return ("anders", self._row(meta, None, outcome, items))

    @staticmethod
    def _row(meta: Meta, cond: ast.Expr | None, outcome: Any, items: Children) -> ast.Row:
        named: tuple[ast.NamedOutcome, ...] = outcome if isinstance(outcome, tuple) else ()
        value = named[0].value if named else outcome
        return ast.Row(cond, value, _row_source(items), _span(meta), _quotes(items), _row_validity(items), named)

    def named_outcomes(self, meta: Meta, children: Children) -> tuple[ast.NamedOutcome, ...]:
        return tuple(_of_type(children, ast.NamedOutcome))

    def named_outcome(self, meta: Meta, children: Children) -> ast.NamedOutcome:
        name, value = _nodes(children)
        return ast.NamedOutcome(str(name), value, _span(meta))

    def termijn(self, meta: Meta, children: Children) -> ast.Timeline:
        name, title, *rest = _nodes(children)
        subject_tok = [r for r in rest if isinstance(r, Token)][-1]
        kind, args = rest[-1]
        subject = ast.Name(str(subject_tok), _tok_span(subject_tok))
        return ast.Timeline(str(name), _unquote(title), _meta(rest), subject, kind, args,
                            _span(meta))

    def period_termijn(self, meta: Meta, children: Children) -> ast.Timeline:
        """`termijn naam "titel": de periode van A tot en met B duurt ten hoogste N`: the end of the
        period is the event (the checker asks that it is a gegeven)."""
        name, title, *rest = _nodes(children)
        period = rest[-1]
        end = period.end
        subject = end if isinstance(end, ast.Name) else ast.Name("", end.span)
        return ast.Timeline(str(name), _unquote(title), _meta(rest), subject, "periode", (period,), _span(meta))

    # ------------------------------------------------------------ timing
    deadline_le = _timing("uiterlijk")
    deadline_lt = _timing("voor")
    deadline_eq = _timing("op")
    not_before = _timing("niet voor")
    within_after = _timing("binnen")
    at_least_before = _timing("ten minste voor")
    window_incl = _timing("van tot en met")
    window_excl = _timing("van tot")

    # ------------------------------------------------------------ netwerkeis, voorkeur
    def netwerkeis(self, meta: Meta, children: Children) -> ast.NetworkRule:
        name, title, *rest = _nodes(children)
        group_by = next((r[1] for r in rest if isinstance(r, tuple) and r[0] == "per"), ())
        scope = next((r for r in rest if isinstance(r, ast.RowScope)), None)
        strength = next(r for r in rest if isinstance(r, _Strength))
        quantifier, count, share, noun, condition, span = next(r[1] for r in rest if isinstance(r, tuple)
                                                               and r[0] == "kwantor")
        info = [r for r in rest if isinstance(r, tuple) and r[0] not in ("per", "kwantor")]
        return ast.NetworkRule(str(name), _unquote(title), _meta(info), group_by, scope, strength.words, quantifier,
                               count, share, noun, condition, _span(meta), span)

    def grouping(self, meta: Meta, children: Children) -> tuple[str, tuple[ast.Name, ...]]:
        return ("per", tuple(ast.Name(str(t), _tok_span(t)) for t in children if t.type == "NAME"))

    def row_scope(self, meta: Meta, children: Children) -> ast.RowScope:
        noun, condition = _nodes(children)
        return ast.RowScope(str(noun), condition, _span(meta))

    def q_every(self, meta: Meta, children: Children) -> tuple[str, tuple]:
        noun, condition = _nodes(children)
        return ("kwantor", ("elke", None, None, str(noun), condition, _tok_span(children[0])))

    def _quantifier_words(self, tok: Token) -> str:
        words = _words(tok).replace("tenminste", "ten minste").replace("tenhoogste", "ten hoogste")
        if words not in ("ten minste", "ten hoogste"):
            self.problems.append(Diagnostic(
                "netwerk", f"'{words}' telt geen rijen: een netwerkeis vraagt 'elke', 'ten minste' of 'ten hoogste'",
                _tok_span(tok), hint="schrijf bijvoorbeeld: vereist ten minste 1 aanbieder waarvoor levert_nachtzorg"))
        return words

    def q_count(self, meta: Meta, children: Children) -> tuple[str, tuple]:
        words, count, noun, condition = children[0], children[1], children[2], children[-1]
        literal = (self._literal(parse_number, count, "getal") if count.type == "NUMBER"
                   else ast.Literal("getal", Decimal(NUMBER_WORDS[_words(count)]), str(count), _tok_span(count)))
        return ("kwantor", (self._quantifier_words(words), literal, None, str(noun), condition, _tok_span(words)))

    def q_share(self, meta: Meta, children: Children) -> tuple[str, tuple]:
        words, share, noun, condition = children[0], children[1], children[3], children[-1]
        literal = self._literal(parse_percentage, share, "percentage")
        return ("kwantor", (self._quantifier_words(words), None, literal, str(noun), condition, _tok_span(words)))

    def voorkeur(self, meta: Meta, children: Children) -> ast.Ranking:
        name, title, *rest = _nodes(children)
        group_by = next((r[1] for r in rest if isinstance(r, tuple) and r[0] == "per"), ())
        scope = next((r for r in rest if isinstance(r, ast.RowScope)), None)
        info = [r for r in rest if isinstance(r, tuple) and r[0] != "per"]
        return ast.Ranking(str(name), _unquote(title), _meta(info), group_by, scope,
                           _of_type(rest, ast.Criterion), _span(meta))

    def criterion(self, meta: Meta, children: Children) -> ast.Criterion:
        direction = _words(children[1])
        expr, *rest = _nodes(children[2:])
        return ast.Criterion(direction, expr, _row_source(rest), _quotes(rest), _span(meta))

    # ------------------------------------------------------------ voorbeeld
    def voorbeeld(self, meta: Meta, children: Children) -> ast.Example:
        title, *rest = _nodes(children)
        givens, expects = _of_type(rest, ast.Assignment), _of_type(rest, ast.Expectation)
        return ast.Example(_unquote(title), _meta(rest), givens, expects, _span(meta))

    def assign(self, meta: Meta, children: Children) -> ast.Assignment:
        name, value = _nodes(children)
        return ast.Assignment(str(name), value, _span(meta))

    def assign_peildatum(self, meta: Meta, children: Children) -> ast.Assignment:
        return ast.Assignment("peildatum", children[-1], _span(meta))

    def expectation(self, meta: Meta, children: Children) -> ast.Expectation:
        name, value = _nodes(children)
        if isinstance(value, Token) and value.type == "STATUS":
            return ast.Expectation(str(name), _words(value), None, _span(meta))
        if isinstance(value, ast.UnknownLiteral):
            return ast.Expectation(str(name), "onbekend", None, _span(meta))
        return ast.Expectation(str(name), None, value, _span(meta))

    def unknown_lit(self, meta: Meta, children: Children) -> ast.UnknownLiteral:
        return ast.UnknownLiteral(_span(meta))

    def neg_literal(self, meta: Meta, children: Children) -> ast.Literal:
        lit: ast.Literal = children[-1]
        if isinstance(lit.value, Decimal):
            return ast.Literal(lit.kind, -lit.value, "-" + lit.text, _span(meta))
        if lit.kind == "duur" and isinstance(lit.value, tuple):
            amount, unit = lit.value
            return ast.Literal(lit.kind, (-amount, unit), "-" + lit.text, _span(meta))
        self.problems.append(Diagnostic("literal", f"'-' past niet voor '{lit.text}'", _span(meta)))
        return lit

    def list_lit(self, meta: Meta, children: Children) -> ast.ListLiteral:
        return ast.ListLiteral(tuple(c for c in children if c is not None), self.text_of(meta), _span(meta))

    def history_lit(self, meta: Meta, children: Children) -> ast.HistoryLiteral:
        """`[2021: € 1.200.000; 2022: onbekend]`: a value per year in a voorbeeld."""
        entries = tuple(c for c in children if isinstance(c, tuple))
        years = [year for year, _ in entries]
        for i, year in enumerate(years):
            if year in years[:i]:
                self.problems.append(Diagnostic("literal", f"het jaar {year} staat twee keer in de waarden per jaar",
                                                _span(meta), "geef elk jaar één waarde"))
        return ast.HistoryLiteral(entries, self.text_of(meta), _span(meta))

    def year_entry(self, meta: Meta, children: Children) -> tuple[int, ast.Value]:
        year, value = _nodes(children)
        return self._year(year, meta), value

    def _year(self, token, meta: Meta) -> int:
        """A calendar year as written (1 to 9999); another number is a problem of the text."""
        year = self._whole(token, meta, "een jaar is een heel getal, zoals 2023", "schrijf bijvoorbeeld 'in 2023'")
        if not 1 <= year <= 9999:
            self.problems.append(Diagnostic("literal", f"{token} is geen jaartal", _tok_span(token),
                                            "schrijf een jaar zoals 2023"))
            return 1
        return year

    def _years_count(self, count, unit, meta: Meta) -> int:
        """The N of `de afgelopen N jaar`: a whole number of at least 1, counted in years."""
        n = self._whole(count, meta, "het aantal jaren is een heel getal", "schrijf bijvoorbeeld 'de afgelopen 3 jaar'")
        if UNIT_ALIASES[_words(unit)] != "jaren":
            self.problems.append(Diagnostic("unit", f"'de afgelopen {count} {unit}' telt in jaren, niet in {_words(unit)}",
                                            _tok_span(unit), f"schrijf 'de afgelopen {count} jaar': een gegeven per "
                                            "jaar heeft één waarde per kalenderjaar"))
        if not 1 <= n <= 100:
            self.problems.append(Diagnostic("literal", f"'de afgelopen {count} jaar' moet 1 tot en met 100 jaar zijn",
                                            _tok_span(count)))
            return 1
        return n

    def year_value_rel(self, meta: Meta, children: Children) -> ast.YearValue:
        """`omzet in het vorige jaar`: one year's value, relative to the peildatum's year."""
        name, words = children
        offset = HISTORY_OFFSETS[_words(words).split()[2]]
        return ast.YearValue(ast.Name(str(name), _tok_span(name)), offset, None, _words(words), _span(meta))

    def year_value_abs(self, meta: Meta, children: Children) -> ast.YearValue:
        """`omzet in 2023`: the value of one calendar year."""
        name, _in, year = children
        return ast.YearValue(ast.Name(str(name), _tok_span(name)), None, self._year(year, meta), f"in {year}",
                             _span(meta))

    def years_of(self, meta: Meta, children: Children) -> ast.YearsOf:
        """`omzet over de afgelopen 3 jaar`: the lijst of the last N years' values."""
        name, _over, count, unit = children
        return ast.YearsOf(ast.Name(str(name), _tok_span(name)), self._years_count(count, unit, meta), _span(meta))

    def each_year(self, meta: Meta, children: Children) -> ast.EachYear:
        """`in elk van de afgelopen 3 jaar: <voorwaarde>`."""
        phrase, count, unit, *rest = children
        body = rest[-1]
        words = f"{_words(phrase)} {count} {_words(unit)}"
        return ast.EachYear(self._years_count(count, unit, meta), body, words, _span(meta))

    # ------------------------------------------------------------ expressions
    def or_(self, meta: Meta, children: Children) -> ast.Expr:
        items = tuple(c for c in children if not isinstance(c, Token))
        return items[0] if len(items) == 1 else _chain("of", items, _span(meta))

    def and_(self, meta: Meta, children: Children) -> ast.Expr:
        items = tuple(c for c in children if not isinstance(c, Token))
        return items[0] if len(items) == 1 else _chain("en", items, _span(meta))

    def not_(self, meta: Meta, children: Children) -> ast.Not:
        return ast.Not(children[-1], _span(meta))

    def all_of(self, meta: Meta, children: Children) -> ast.BoolOp:
        return _chain("en", tuple(_nodes(children)), _span(meta))

    def any_of(self, meta: Meta, children: Children) -> ast.BoolOp:
        return _chain("of", tuple(_nodes(children)), _span(meta))

    def cmp_op(self, meta: Meta, children: Children) -> Token:
        return children[0]

    def compare(self, meta: Meta, children: Children) -> ast.Compare:
        left, _is, op, right = children
        words = _words(op)
        return ast.Compare(COMPARISONS[words], words, left, right, _span(meta))

    def period_length(self, meta: Meta, children: Children) -> ast.PeriodLength:
        """`de periode van A tot en met B duurt [woorden] N`."""
        _de, start, until, end, _duurt, *rest = children
        op_tok = rest[0] if len(rest) == 2 else None
        words = _words(op_tok) if op_tok is not None else ""
        return ast.PeriodLength(start, end, _words(until) == "tot en met", COMPARISONS[words] if words else "==",
                                words, rest[-1], _span(meta))

    def compare_eq(self, meta: Meta, children: Children) -> ast.Compare:
        left, _is, right = children
        return ast.Compare("==", "is", left, right, _span(meta))

    def known(self, meta: Meta, children: Children) -> ast.Known:
        return ast.Known(children[0], False, "is bekend", _span(meta))

    def not_known(self, meta: Meta, children: Children) -> ast.Known:
        words = " ".join(_words(tok) for tok in children[1:])
        return ast.Known(children[0], True, words, _span(meta))

    def member(self, meta: Meta, children: Children) -> ast.Member:
        return ast.Member(children[0], children[-1], False, _span(meta))

    def not_member(self, meta: Meta, children: Children) -> ast.Member:
        return ast.Member(children[0], children[-1], True, _span(meta))

    def list_expr(self, meta: Meta, children: Children) -> ast.ListExpr:
        return ast.ListExpr(tuple(_nodes(children)), _span(meta))

    def value_list(self, meta: Meta, children: Children) -> tuple[ast.Expr, ...]:
        return tuple(_nodes(children))

    def between(self, meta: Meta, children: Children) -> ast.Between:
        operand, _l, _t, low, _en, high = children
        return ast.Between(operand, low, high, True, "ligt tussen", _span(meta))

    def range_incl(self, meta: Meta, children: Children) -> ast.Between:
        operand, _l, _v, low, _t, high = children
        return ast.Between(operand, low, high, True, "ligt van ... tot en met", _span(meta))

    def range_excl(self, meta: Meta, children: Children) -> ast.Between:
        operand, _l, _v, low, _t, high = children
        return ast.Between(operand, low, high, False, "ligt van ... tot", _span(meta))

    def range_within(self, meta: Meta, children: Children) -> ast.Between:
        """`x ligt binnen 3 weken na y`: from y up to and including 3 weeks after it, as a termijn
        `binnen ... na` counts (the day of y itself included)."""
        operand, _l, _b, amount, _na, base = children
        first, last = amount.span, base.span
        shifted = ast.Shift(amount, base, +1, ast.Span(first.line, first.column, last.end_line, last.end_column))
        return ast.Between(operand, base, shifted, True, "ligt binnen ... na", _span(meta))

    def each(self, meta: Meta, children: Children) -> ast.Each:
        _elk, collection, _is, op, right = children
        words = _words(op)
        return ast.Each(collection, COMPARISONS[words], words, right, _span(meta))

    def weekly(self, meta: Meta, children: Children) -> ast.Weekly:
        operand, _valt, (days, day_words), *hours = children
        start = end = None
        inclusive, words = False, f"valt op {day_words}"
        if hours:
            start, end, inclusive, hour_words = hours[0]
            words += f" {hour_words}"
        return ast.Weekly(operand, days, start, end, inclusive, words, _span(meta))

    def weekdays(self, meta: Meta, children: Children) -> tuple[tuple[int, ...], str]:
        names = [_words(t) for t in children if t.type == "WEEKDAY"]
        first = WEEKDAYS.index(names[0])
        last = WEEKDAYS.index(names[-1])
        days = tuple((first + i) % 7 for i in range((last - first) % 7 + 1))
        return days, " tot en met ".join(names) if len(names) > 1 else names[0]

    def clock_hours(self, meta: Meta, children: Children) -> tuple[int, int, bool, str]:
        times = [t for t in children if t.type == "TIME"]
        inclusive = any(t.type == "TOT_EN_MET" for t in children)
        seconds: list[int] = []
        for tok in times:
            hour, minute = (int(p) for p in str(tok).replace(".", ":").split(":"))
            if hour > 23 or minute > 59:
                self.problems.append(Diagnostic(
                    "literal", f"'{tok}' is geen geldige tijd: uren lopen van 0 tot en met 23, "
                    "minuten van 0 tot en met 59", _tok_span(tok)))
            seconds.append(hour * 3600 + minute * 60)
        a, b = (f"{str(t).replace('.', ':'):0>5}" for t in times)
        return seconds[0], seconds[1], inclusive, f"van {a} {'tot en met' if inclusive else 'tot'} {b} uur"

    def satisfies(self, meta: Meta, children: Children) -> ast.Satisfies:
        return ast.Satisfies(str(children[-1]), False, _span(meta))

    def not_satisfies(self, meta: Meta, children: Children) -> ast.Satisfies:
        return ast.Satisfies(str(children[-1]), True, _span(meta))

    def after(self, meta: Meta, children: Children) -> ast.Shift:
        return ast.Shift(children[0], children[2], +1, _span(meta))

    def before(self, meta: Meta, children: Children) -> ast.Shift:
        return ast.Shift(children[0], children[2], -1, _span(meta))

    def arith(self, meta: Meta, children: Children) -> ast.Arith:
        left, op, right = children
        return ast.Arith(str(op), left, right, _span(meta))

    def power(self, meta: Meta, children: Children) -> ast.Arith:
        """`a tot de macht b`: an Arith with op "^"."""
        return ast.Arith("^", children[0], children[-1], _span(meta))

    def neg(self, meta: Meta, children: Children) -> ast.Neg:
        return ast.Neg(children[-1], _span(meta))

    def percent_of(self, meta: Meta, children: Children) -> ast.PercentOf:
        return ast.PercentOf(children[0], children[2], _span(meta))

    def name(self, meta: Meta, children: Children) -> ast.Name:
        return ast.Name(str(children[0]), _span(meta))

    def peildatum(self, meta: Meta, children: Children) -> ast.Peildatum:
        return ast.Peildatum(_span(meta))

    def day_of(self, meta: Meta, children: Children) -> ast.DayOf:
        _dag, number, _van, base = children
        day = self._whole(number, meta, "een dagnummer is een heel getal", "schrijf bijvoorbeeld 'dag 121 van opname'")
        return ast.DayOf(day, base, _span(meta))

    def year_date(self, meta: Meta, children: Children) -> ast.YearDate:
        """`1 oktober van het lopende jaar`: a day of the peildatum's year (or the one before or after)."""
        number, month, year = children
        day = self._whole(number, meta, "een dag van de maand is een heel getal", "schrijf bijvoorbeeld '1 oktober'")
        offset = YEAR_OFFSETS[_words(year).split()[2]]
        return ast.YearDate(MONTHS.index(_words(month)) + 1, day, offset, self.text_of(meta), _span(meta))

    def _whole(self, token, meta: Meta, message: str, hint: str) -> int:
        """A whole number as written (digits or words); a fraction or a malformed number is a
        problem of the text (reported with the others), read as 1 to go on without a second
        message about the same number."""
        if token.type == "NUMBER_WORD":
            return NUMBER_WORDS[_words(token)]
        try:
            number = parse_number(str(token))
        except LiteralError as err:
            self.problems.append(Diagnostic("literal", str(err), _span(meta)))
            return 1
        if number != number.to_integral_value():
            self.problems.append(Diagnostic("literal", f"{message}, niet '{token}'", _span(meta), hint=hint))
        return int(number)

    def aggregate(self, meta: Meta, children: Children) -> ast.Aggregate:
        func = _words(children[0]).split()[0]
        return ast.Aggregate(func, children[1], _span(meta))

    def aggregate_where(self, meta: Meta, children: Children) -> ast.Aggregate:
        agg, operand, _dat, op, bound, _is = children
        words = _words(op)
        return ast.Aggregate(_words(agg).split()[0], operand, _span(meta), COMPARISONS[words], words, bound)

    # ------------------------------------------------------------ rounding
    def round_(self, meta: Meta, children: Children) -> ast.Round:
        """`x [mode] afgerond op <target> [mode]`: the mode is written before `afgerond` (part of
        the AFGEROND_OP phrase), after the target, or not at all (rekenkundig)."""
        operand, afgerond, (target, places), *after = children
        start = _tok_span(afgerond)
        span = _span(meta)
        suffix = ast.Span(start.line, start.column, span.end_line, span.end_column)
        words = " ".join(self.text[afgerond.start_pos:meta.end_pos].split()).lower()
        modes = [m for m in (_words(afgerond).removesuffix("afgerond op").strip(), *map(_words, after)) if m]
        if len(modes) > 1:
            self.problems.append(Diagnostic(
                "literal", f"de afrondingswijze staat er twee keer: '{modes[0]}' en '{modes[1]}'", suffix,
                hint=f"noem de wijze één keer, zoals 'afgerond op {target} {modes[-1]}'"))
        return ast.Round(operand, target, places, modes[0] if modes else "rekenkundig", words, suffix, span)

    def round_cents(self, meta: Meta, children: Children) -> tuple[str, int]:
        return ("centen", 2)

    def round_euros(self, meta: Meta, children: Children) -> tuple[str, int]:
        return ("hele euro's", 0)

    def round_whole(self, meta: Meta, children: Children) -> tuple[str, int]:
        return ("hele getallen", 0)

    def round_places(self, meta: Meta, children: Children) -> tuple[str, int | None]:
        amount = children[0]
        if amount.type == "NUMBER_WORD":
            return ("decimalen", NUMBER_WORDS[_words(amount)])
        try:
            number = parse_number(str(amount))
        except LiteralError as err:
            self.problems.append(Diagnostic("literal", str(err), _tok_span(amount)))
            return ("decimalen", None)
        if number != number.to_integral_value():
            self.problems.append(Diagnostic(
                "literal", f"een aantal decimalen is een heel getal, niet '{amount}'", _tok_span(amount),
                hint="schrijf bijvoorbeeld 'afgerond op 2 decimalen'"))
            return ("decimalen", None)
        return ("decimalen", int(number))

    def round_mode(self, meta: Meta, children: Children) -> Token:
        return children[0]

    # ------------------------------------------------------------ literals
    def money(self, meta: Meta, children: Children) -> ast.Literal:
        text = str(children[0])
        return self._literal(parse_money, children[0], "bedrag", text.replace(",-", ""))

    def percent(self, meta: Meta, children: Children) -> ast.Literal:
        return self._literal(parse_percentage, children[0], "percentage")

    def number(self, meta: Meta, children: Children) -> ast.Literal:
        return self._literal(parse_number, children[0], "getal")

    def number_word(self, meta: Meta, children: Children) -> ast.Literal:
        tok = children[0]
        return ast.Literal("getal", Decimal(NUMBER_WORDS[_words(tok)]), str(tok), _tok_span(tok))

    def string(self, meta: Meta, children: Children) -> ast.Literal:
        return ast.Literal("tekst", _unquote(children[0]), str(children[0]), _span(meta))

    def boolean(self, meta: Meta, children: Children) -> ast.Literal:
        return ast.Literal("ja/nee", _words(children[0]) == "ja", str(children[0]), _span(meta))

    def duration(self, meta: Meta, children: Children) -> ast.Literal:
        amount, unit = children
        value = self._whole(amount, meta, "een duur is een heel aantal",
                            "schrijf bijvoorbeeld '36 uur' in plaats van '1,5 dag'")
        text = self.text_of(meta)
        return ast.Literal("duur", (value, UNIT_ALIASES[_words(unit)]), text, _span(meta))

    def date_words(self, meta: Meta, children: Children) -> ast.Literal:
        return self._date_literal(meta, parse_date, "datum")

    def date_num(self, meta: Meta, children: Children) -> ast.Literal:
        return self._date_literal(meta, parse_date, "datum")

    def datetime_lit(self, meta: Meta, children: Children) -> ast.Literal:
        return self._date_literal(meta, parse_datetime, "tijdstip")

    def _date_literal(self, meta: Meta, parse: Callable[[str], ast.LiteralValue], kind: str) -> ast.Literal:
        text = self.text_of(meta)
        value: ast.LiteralValue
        try:
            value = parse(text)
        except LiteralError as err:
            self.problems.append(Diagnostic("literal", str(err), _span(meta)))
            value = None
        return ast.Literal(kind, value, text, _span(meta))

    def text_of(self, meta: Meta) -> str:
        return " ".join(self.text[meta.start_pos:meta.end_pos].split())
