"""Tree builder: Lark's parse tree -> `dsl.ast` nodes, one callback per grammar rule.

Contract: `Builder(filename, text).transform(tree)` returns an `ast.Policy` whose every node has
a span; literals are converted here (Dutch numbers, money, dates, durations) and a malformed
literal becomes a Diagnostic in `problems` instead of an exception. Names are not resolved.
"""

from __future__ import annotations

from decimal import Decimal

from lark import Token, Transformer, v_args

from dsl import ast
from dsl.errors import Diagnostic
from dsl.literals import (
    NUMBER_WORDS,
    WEEKDAYS,
    LiteralError,
    parse_date,
    parse_datetime,
    parse_money,
    parse_number,
    parse_percentage,
)
from dsl.types import UNIT_ALIASES


def _span(meta) -> ast.Span:
    if getattr(meta, "empty", True):
        return ast.NO_SPAN
    return ast.Span(meta.line, meta.column, meta.end_line, max(meta.column, meta.end_column - 1))


def _tok_span(tok: Token) -> ast.Span:
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
}


def _nodes(children):
    """The children that are not keyword tokens (tokens of value-bearing types are kept)."""
    return [c for c in children if not isinstance(c, Token) or c.type in _VALUE_TOKENS]


_VALUE_TOKENS = {"NAME", "STRING", "NUMBER", "STATUS", "HIT_POLICY", "UNIT", "SIMPLE_TYPE"}


@v_args(meta=True)
class Builder(Transformer):
    """Builds AST nodes bottom-up, one callback per grammar rule; collects literal problems."""

    def __init__(self, filename: str, text: str):
        super().__init__()
        self.filename, self.text, self.problems = filename, text, []

    def _literal(self, parse, tok: Token, kind: str, text: str | None = None):
        text = str(tok) if text is None else text
        try:
            value = parse(text)
        except LiteralError as err:
            self.problems.append(Diagnostic("literal", str(err), _tok_span(tok)))
            value = None
        return ast.Literal(kind, value, text, _tok_span(tok))

    # ------------------------------------------------------------ structure
    def start(self, meta, children):
        header, *sections = children
        by_type = {cls: [] for cls in (ast.Field, ast.Group, ast.Calculation, ast.Decision,
                                       ast.Timeline, ast.Example)}
        for section in sections:
            for item in section if isinstance(section, list) else [section]:
                by_type[type(item)].append(item)
        return ast.Policy(header, *(tuple(v) for v in by_type.values()),
                          filename=self.filename, text=self.text)

    def header(self, meta, children):
        title, *items = _nodes(children)
        info = dict(items)
        valid = info.get("geldig", (None, None))
        return ast.Header(_unquote(title), info.get("verzekeraar"), info.get("zorgsoort"),
                          valid[0], valid[1], info.get("bron"), info.get("toelichting"), _span(meta))

    def verzekeraar(self, meta, children):
        return ("verzekeraar", _unquote(_nodes(children)[0]))

    def zorgsoort(self, meta, children):
        return ("zorgsoort", _unquote(_nodes(children)[0]))

    def geldig(self, meta, children):
        low, high = _nodes(children)
        return ("geldig", (low, high))

    def bron(self, meta, children):
        return ("bron", _unquote(_nodes(children)[0]))

    def toelichting(self, meta, children):
        return ("toelichting", _unquote(_nodes(children)[0]))

    def applicable(self, meta, children):
        return ("applicable", _nodes(children)[0])

    def _meta(self, items) -> ast.Meta:
        info = dict(i for i in items if isinstance(i, tuple))
        return ast.Meta(info.get("bron"), info.get("toelichting"), info.get("applicable"))

    # ------------------------------------------------------------ gegevens
    def gegevens(self, meta, children):
        return _nodes(children)

    def gegeven(self, meta, children):
        name, type_spec, *label = _nodes(children)
        label = label[0] if label else None
        return ast.Field(str(name), type_spec, _unquote(label) if label else None, _span(meta))

    def simple_type(self, meta, children):
        return ast.TypeSpec(_words(children[0]), _span(meta))

    def duration_type(self, meta, children):
        unit = children[-1] if isinstance(children[-1], Token) and children[-1].type == "UNIT" else None
        canonical = UNIT_ALIASES[_words(unit)] if unit else "dagen"
        return ast.TypeSpec("duur", _span(meta), unit=canonical)

    def choice_type(self, meta, children):
        options = tuple(_unquote(t) for t in _nodes(children))
        return ast.TypeSpec("keuze", _span(meta), options=options)

    def list_type(self, meta, children):
        return ast.TypeSpec("lijst", _span(meta), element=_nodes(children)[0])

    # ------------------------------------------------------------ rules
    def eisen(self, meta, children):
        name, title, *rest = _nodes(children)
        reqs = tuple(r for r in rest if isinstance(r, ast.Requirement))
        return ast.Group(str(name), _unquote(title), self._meta(rest), reqs, _span(meta))

    def eis(self, meta, children):
        name, title, *rest = _nodes(children)
        exceptions = tuple(r for r in rest if isinstance(r, ast.Exception_))
        condition = [r for r in rest if not isinstance(r, (tuple, ast.Exception_))][0]
        return ast.Requirement(str(name), _unquote(title), self._meta(rest), condition,
                               exceptions, _span(meta))

    def exception(self, meta, children):
        return ast.Exception_(_words(children[0]), children[1], _span(meta))

    def berekening(self, meta, children):
        name, *rest = _nodes(children)
        title = _unquote(rest.pop(0)) if rest and isinstance(rest[0], Token) else None
        return ast.Calculation(str(name), title, self._meta(rest[:-1]), rest[-1], _span(meta))

    def beslissing(self, meta, children):
        name, title, *rest = _nodes(children)
        policy = next((r for r in rest if isinstance(r, Token)), None)
        rows = tuple(r for r in rest if isinstance(r, ast.Row) and not getattr(r, "_otherwise", False))
        other = next((r[1] for r in rest if isinstance(r, tuple) and r[0] == "anders"), None)
        return ast.Decision(str(name), _unquote(title), _words(policy) if policy else "eerste treffer",
                            self._meta(rest), rows, other, _span(meta))

    def hit_policy(self, meta, children):
        return _nodes(children)[0]

    def row(self, meta, children):
        cond, outcome, *source = _nodes(children)
        return ast.Row(cond, outcome, source[0][1] if source else None, _span(meta))

    def otherwise(self, meta, children):
        outcome, *source = _nodes(children)
        return ("anders", ast.Row(None, outcome, source[0][1] if source else None, _span(meta)))

    def termijn(self, meta, children):
        name, title, *rest = _nodes(children)
        subject_tok = [r for r in rest if isinstance(r, Token)][-1]
        kind, args = rest[-1]
        subject = ast.Name(str(subject_tok), _tok_span(subject_tok))
        return ast.Timeline(str(name), _unquote(title), self._meta(rest), subject, kind, args,
                            _span(meta))

    # ------------------------------------------------------------ timing
    def _timing(kind):
        def build(self, meta, children):
            return (kind, tuple(c for c in _nodes(children) if not isinstance(c, Token)))
        return build

    deadline_le = _timing("uiterlijk")
    deadline_lt = _timing("voor")
    deadline_eq = _timing("op")
    not_before = _timing("niet voor")
    within_after = _timing("binnen")
    at_least_before = _timing("ten minste voor")
    window_incl = _timing("van tot en met")
    window_excl = _timing("van tot")

    # ------------------------------------------------------------ voorbeeld
    def voorbeeld(self, meta, children):
        title, *rest = _nodes(children)
        givens = tuple(r for r in rest if isinstance(r, ast.Assignment))
        expects = tuple(r for r in rest if isinstance(r, ast.Expectation))
        return ast.Example(_unquote(title), self._meta(rest), givens, expects, _span(meta))

    def assign(self, meta, children):
        name, value = _nodes(children)
        return ast.Assignment(str(name), value, _span(meta))

    def assign_peildatum(self, meta, children):
        return ast.Assignment("peildatum", children[-1], _span(meta))

    def expectation(self, meta, children):
        name, value = _nodes(children)
        if isinstance(value, Token) and value.type == "STATUS":
            return ast.Expectation(str(name), _words(value), None, _span(meta))
        if isinstance(value, ast.UnknownLiteral):
            return ast.Expectation(str(name), "onbekend", None, _span(meta))
        return ast.Expectation(str(name), None, value, _span(meta))

    def unknown_lit(self, meta, children):
        return ast.UnknownLiteral(_span(meta))

    def neg_literal(self, meta, children):
        lit = children[-1]
        if isinstance(lit.value, Decimal):
            return ast.Literal(lit.kind, -lit.value, "-" + lit.text, _span(meta))
        if lit.kind == "duur" and lit.value:
            return ast.Literal(lit.kind, (-lit.value[0], lit.value[1]), "-" + lit.text, _span(meta))
        self.problems.append(Diagnostic("literal", f"'-' past niet voor '{lit.text}'", _span(meta)))
        return lit

    def list_lit(self, meta, children):
        return ast.ListLiteral(tuple(c for c in children if c is not None), _span(meta))

    # ------------------------------------------------------------ expressions
    def or_(self, meta, children):
        items = tuple(c for c in children if not isinstance(c, Token))
        return items[0] if len(items) == 1 else ast.BoolOp("of", items, _span(meta))

    def and_(self, meta, children):
        items = tuple(c for c in children if not isinstance(c, Token))
        return items[0] if len(items) == 1 else ast.BoolOp("en", items, _span(meta))

    def not_(self, meta, children):
        return ast.Not(children[-1], _span(meta))

    def all_of(self, meta, children):
        return ast.BoolOp("en", tuple(_nodes(children)), _span(meta))

    def any_of(self, meta, children):
        return ast.BoolOp("of", tuple(_nodes(children)), _span(meta))

    def cmp_op(self, meta, children):
        return children[0]

    def compare(self, meta, children):
        left, _is, op, right = children
        words = _words(op)
        return ast.Compare(COMPARISONS[words], words, left, right, _span(meta))

    def compare_eq(self, meta, children):
        left, _is, right = children
        return ast.Compare("==", "is", left, right, _span(meta))

    def member(self, meta, children):
        return ast.Member(children[0], children[-1], False, _span(meta))

    def not_member(self, meta, children):
        return ast.Member(children[0], children[-1], True, _span(meta))

    def value_list(self, meta, children):
        return tuple(_nodes(children))

    def between(self, meta, children):
        operand, _l, _t, low, _en, high = children
        return ast.Between(operand, low, high, True, "ligt tussen", _span(meta))

    def range_incl(self, meta, children):
        operand, _l, _v, low, _t, high = children
        return ast.Between(operand, low, high, True, "ligt van ... tot en met", _span(meta))

    def range_excl(self, meta, children):
        operand, _l, _v, low, _t, high = children
        return ast.Between(operand, low, high, False, "ligt van ... tot", _span(meta))

    def each(self, meta, children):
        _elk, collection, _is, op, right = children
        words = _words(op)
        return ast.Each(collection, COMPARISONS[words], words, right, _span(meta))

    def weekly(self, meta, children):
        operand, _valt, (days, day_words), *hours = children
        start = end = None
        inclusive, words = False, f"valt op {day_words}"
        if hours:
            start, end, inclusive, hour_words = hours[0]
            words += f" {hour_words}"
        return ast.Weekly(operand, days, start, end, inclusive, words, _span(meta))

    def weekdays(self, meta, children):
        names = [_words(t) for t in children if t.type == "WEEKDAY"]
        first = WEEKDAYS.index(names[0])
        last = WEEKDAYS.index(names[-1])
        days = tuple((first + i) % 7 for i in range((last - first) % 7 + 1))
        return days, " tot en met ".join(names) if len(names) > 1 else names[0]

    def clock_hours(self, meta, children):
        times = [t for t in children if t.type == "TIME"]
        inclusive = any(t.type == "TOT_EN_MET" for t in children)
        seconds = []
        for tok in times:
            hour, minute = (int(p) for p in str(tok).replace(".", ":").split(":"))
            if hour > 23 or minute > 59:
                self.problems.append(Diagnostic(
                    "literal", f"'{tok}' is geen geldige tijd: uren lopen van 0 tot en met 23, "
                    "minuten van 0 tot en met 59", _tok_span(tok)))
            seconds.append(hour * 3600 + minute * 60)
        a, b = (f"{str(t).replace('.', ':'):0>5}" for t in times)
        return seconds[0], seconds[1], inclusive, f"van {a} {'tot en met' if inclusive else 'tot'} {b} uur"

    def satisfies(self, meta, children):
        return ast.Satisfies(str(children[-1]), False, _span(meta))

    def not_satisfies(self, meta, children):
        return ast.Satisfies(str(children[-1]), True, _span(meta))

    def after(self, meta, children):
        return ast.Shift(children[0], children[2], +1, _span(meta))

    def before(self, meta, children):
        return ast.Shift(children[0], children[2], -1, _span(meta))

    def arith(self, meta, children):
        left, op, right = children
        return ast.Arith(str(op), left, right, _span(meta))

    def neg(self, meta, children):
        return ast.Neg(children[-1], _span(meta))

    def percent_of(self, meta, children):
        return ast.PercentOf(children[0], children[2], _span(meta))

    def name(self, meta, children):
        return ast.Name(str(children[0]), _span(meta))

    def peildatum(self, meta, children):
        return ast.Peildatum(_span(meta))

    def day_of(self, meta, children):
        _dag, number, _van, base = children
        return ast.DayOf(int(parse_number(str(number))), base, _span(meta))

    def aggregate(self, meta, children):
        func = _words(children[0]).split()[0]
        return ast.Aggregate(func, children[1], _span(meta))

    def aggregate_where(self, meta, children):
        agg, operand, _dat, op, bound, _is = children
        words = _words(op)
        return ast.Aggregate(_words(agg).split()[0], operand, _span(meta), COMPARISONS[words], words, bound)

    # ------------------------------------------------------------ literals
    def money(self, meta, children):
        text = str(children[0])
        return self._literal(parse_money, children[0], "bedrag", text.replace(",-", ""))

    def percent(self, meta, children):
        return self._literal(parse_percentage, children[0], "percentage")

    def number(self, meta, children):
        return self._literal(parse_number, children[0], "getal")

    def number_word(self, meta, children):
        tok = children[0]
        return ast.Literal("getal", Decimal(NUMBER_WORDS[_words(tok)]), str(tok), _tok_span(tok))

    def string(self, meta, children):
        return ast.Literal("tekst", _unquote(children[0]), str(children[0]), _span(meta))

    def boolean(self, meta, children):
        return ast.Literal("ja/nee", _words(children[0]) == "ja", str(children[0]), _span(meta))

    def duration(self, meta, children):
        amount, unit = children
        if amount.type == "NUMBER_WORD":
            value = NUMBER_WORDS[_words(amount)]
        else:
            number = parse_number(str(amount))
            if number != number.to_integral_value():
                self.problems.append(Diagnostic(
                    "literal", f"een duur is een heel aantal, niet '{amount}'", _span(meta),
                    hint="schrijf bijvoorbeeld '36 uur' in plaats van '1,5 dag'"))
            value = int(number)
        text = self.text_of(meta)
        return ast.Literal("duur", (value, UNIT_ALIASES[_words(unit)]), text, _span(meta))

    def date_words(self, meta, children):
        return self._date_literal(meta, parse_date, "datum")

    def date_num(self, meta, children):
        return self._date_literal(meta, parse_date, "datum")

    def datetime_lit(self, meta, children):
        return self._date_literal(meta, parse_datetime, "tijdstip")

    def _date_literal(self, meta, parse, kind):
        text = self.text_of(meta)
        try:
            value = parse(text)
        except LiteralError as err:
            self.problems.append(Diagnostic("literal", str(err), _span(meta)))
            value = None
        return ast.Literal(kind, value, text, _span(meta))

    def text_of(self, meta) -> str:
        return " ".join(self.text[meta.start_pos:meta.end_pos].split())
