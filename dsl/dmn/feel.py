"""FEEL, the expression language of DMN, as far as Beleidstaal can say it: parsed and written out.

Contract: `parse_tests(text, names)` reads the FEEL *simple unary tests* of a decision-table cell
(`-`, `< 5`, `>= date("2024-01-01")`, `[1..10]`, `(1..10]`, `"a","b"`, `not("a")`, `null`, `Other Input`)
and `parse_expression(text, names)` a *simple expression* (numbers, strings, booleans, dates,
date-times, names, `+ - * /`, parentheses, unary minus, comparisons, `x = null`, `and`, `or`, `not(...)`) into the small syntax below; `names` are
the DMN names in scope (they may contain spaces: "Monthly Salary"), matched longest first.
`render_tests(tests, operand, rename)` and `render_value(value, rename)` write the Beleidstaal
text (`leeftijd is ten minste 18`, `risico is een van "Low", "Medium"`), with `rename` mapping a
DMN name to its Beleidstaal name (`a ** b` as `a tot de macht b`); `guarded_tests` writes a cell
with DMN's meaning for a missing input (`x is bekend en x is ten minste 18`). Everything else FEEL
has (functions, contexts, lists, `if`, `?`, paths `a.b` (unless `rename` resolves them: an output
of a decision with several), durations, times of day, ordering of strings) raises
`FeelUnsupported` with a Dutch `reason` naming what is missing; the importer names the element.

>>> from decimal import Decimal
>>> render_tests(parse_tests('>= 18', ()), "leeftijd", str)
'leeftijd is ten minste 18'
>>> render_tests(parse_tests('"Medium","Low"', ()), "risico", str)
'risico is een van "Medium", "Low"'
>>> render_tests(parse_tests('(1..10]', ()), "x", str)
'x is groter dan 1 en x is ten hoogste 10'
>>> guarded_tests(parse_tests('< 5', ()), "x", str), guarded_tests(parse_tests('not("a")', ()), "y", str)
('x is bekend en x is kleiner dan 5', '(y is onbekend of y is geen van "a")')
>>> render_value(parse_expression('Monthly Salary * 12.5', ("Monthly Salary",)), lambda n: "salaris")
'salaris * 12,5'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

import attrs

__all__ = ["AnyValue", "Binary", "Compare", "FeelUnsupported", "Interval", "IsNull", "Literal", "Missing", "Name", "Negate",
           "Negation", "Test", "Tests", "Value", "CONDITIONS", "Logic", "NotCall", "Relation", "cell_values",
           "dutch_number", "guarded_tests", "holds_for_missing", "literal_kind", "parse_expression", "parse_tests",
           "render_literal", "render_tests", "render_value"]


class FeelUnsupported(Exception):
    """FEEL that Beleidstaal cannot say (yet); `reason` is Dutch and names what is missing."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


# ---------------------------------------------------------------- syntax

@attrs.frozen
class Literal:
    kind: str            # the Beleidstaal type: "getal", "tekst", "ja/nee", "datum", "tijdstip"
    value: Decimal | str | bool | date | datetime


@attrs.frozen
class Name:
    name: str            # the DMN name, as written


@attrs.frozen
class Binary:
    op: str              # + - * /
    left: Value
    right: Value


@attrs.frozen
class Negate:
    operand: Value


@attrs.frozen
class Relation:
    """`left op right`, a comparison (op one of < <= > >= = !=)."""

    op: str
    left: Value
    right: Value


@attrs.frozen
class Logic:
    """`a and b and ...` or `a or b or ...`."""

    op: str              # "and" or "or"
    items: tuple[Value, ...]


@attrs.frozen
class NotCall:
    """`not(condition)`."""

    operand: Value


@attrs.frozen
class IsNull:
    """`x = null` (`x != null` when `negated`): whether a value is missing; never null itself."""

    operand: Value
    negated: bool


@attrs.frozen
class Call:
    """`max(a, b)`, `min(...)`, `sum(...)` over values written as arguments (not over a list)."""

    function: str
    args: tuple[Value, ...]


Value = Literal | Name | Binary | Negate | Relation | Logic | NotCall | IsNull | Call
_AGGREGATING = ("max", "min", "sum")
CONDITIONS = (Relation, Logic, NotCall, IsNull)


@attrs.frozen
class AnyValue:
    """`-`: the cell does not test this input."""


@attrs.frozen
class Compare:
    op: str              # < <= > >= = !=
    value: Value


@attrs.frozen
class Interval:
    low: Value
    high: Value
    low_closed: bool
    high_closed: bool


@attrs.frozen
class Missing:
    """`null` as a test: the input has no value (Beleidstaal: `x is onbekend`)."""


Test = Compare | Interval | Missing


@attrs.frozen
class Negation:
    """`not(t1, t2)`: none of the tests holds."""

    tests: tuple[Test, ...]


Tests = AnyValue | Negation | tuple[Test, ...]   # a tuple: one of the tests holds


# ---------------------------------------------------------------- tokens

_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<number>[0-9]+(?:\.[0-9]+)?|\.[0-9]+)
  | (?P<string>"(?:[^"\\]|\\.)*")
  | (?P<op>\.\.|<=|>=|!=|\*\*|[-+*/<>=(),\[\]{}.?:])
  | (?P<word>[^\W\d][\w'?]*)
""", re.VERBOSE)

_KEYWORDS = frozenset({"true", "false", "null", "not", "and", "or", "if", "then", "else", "for", "some", "every",
                       "in", "function", "instance", "between", "satisfies", "return"})


@attrs.frozen
class _Token:
    kind: str            # number, string, op, name, keyword, function, end
    text: str


def _tokens(text: str, names: Iterable[str]) -> list[_Token]:
    known = sorted({n for n in names if n}, key=len, reverse=True)
    found, i = [], 0
    while i < len(text):
        name = next((n for n in known if text.startswith(n, i) and not _continues(text, i + len(n))), None)
        if name is not None:
            found.append(_Token("name", name))
            i += len(name)
            continue
        call = re.compile(r"(date and time|date|time|duration)\s*\(").match(text, i)
        if call:
            found.append(_Token("function", call.group(1)))
            i = call.end() - 1
            continue
        match = _TOKEN.match(text, i)
        if match is None:
            raise FeelUnsupported(f"het teken '{text[i]}' in FEEL")
        i = match.end()
        kind = match.lastgroup or ""
        if kind == "space":
            continue
        if kind == "word":
            kind = "keyword" if match.group() in _KEYWORDS else "name"
        found.append(_Token(kind, match.group()))
    found.append(_Token("end", ""))
    return found


def _continues(text: str, i: int) -> bool:
    return i < len(text) and (text[i].isalnum() or text[i] in "_'?")


# ---------------------------------------------------------------- parsing

class _Parser:
    def __init__(self, text: str, names: Iterable[str]):
        self.tokens = _tokens(text, names)
        self.i = 0

    @property
    def peek(self) -> _Token:
        return self.tokens[self.i]

    def take(self) -> _Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def expect(self, text: str) -> None:
        token = self.take()
        if token.text != text:
            raise FeelUnsupported(f"FEEL die hier '{text}' verwacht, niet '{token.text or 'het einde'}'")

    def at(self, *texts: str) -> bool:
        return self.peek.kind in ("op", "keyword") and self.peek.text in texts

    def done(self) -> None:
        if self.peek.kind != "end":
            raise FeelUnsupported(_unsupported_word(self.peek))

    # expressions, loosest binding first
    def expression(self) -> Value:
        return self.logic("or", self.conjunction)

    def conjunction(self) -> Value:
        return self.logic("and", self.comparison)

    def logic(self, op: str, part) -> Value:
        items = [part()]
        while self.at(op):
            self.take()
            items.append(part())
        return items[0] if len(items) == 1 else Logic(op, tuple(items))

    def comparison(self) -> Value:
        if self.at("not") and self.tokens[self.i + 1].text == "(":
            self.take()
            self.take()
            inner = self.expression()
            self.expect(")")
            return NotCall(inner)
        if self.at("=", "!=", "<", "<=", ">", ">="):
            raise FeelUnsupported("een vergelijking zonder linkerkant")
        left = self.additive()
        if self.at("=", "!=", "<", "<=", ">", ">="):
            op = self.take().text
            if op in ("=", "!=") and self.at("null"):
                self.take()
                return IsNull(left, op == "!=")
            return Relation(op, left, self.additive())
        if self.at("between", "in", "instance"):
            raise FeelUnsupported(f"FEEL '{self.peek.text}' in een uitdrukking")
        return left

    def additive(self) -> Value:
        left = self.term()
        while self.at("+", "-"):
            op = self.take().text
            left = Binary(op, left, self.term())
        return left

    def term(self) -> Value:
        left = self.unary()
        while self.at("*", "/"):
            op = self.take().text
            left = Binary(op, left, self.unary())
        return left

    def unary(self) -> Value:
        if self.at("-"):
            self.take()
            inner = self.unary()
            if isinstance(inner, Literal) and isinstance(inner.value, Decimal):
                return Literal("getal", -inner.value)
            return Negate(inner)
        return self.power()

    def power(self) -> Value:
        """`a ** b`: tighter than `*` and than a minus sign before it, from the right."""
        base = self.primary()
        if self.at("**"):
            self.take()
            return Binary("**", base, self.unary())
        return base

    def primary(self) -> Value:
        token = self.take()
        if token.kind == "number":
            return Literal("getal", Decimal(token.text))
        if token.kind == "string":
            return Literal("tekst", _string(token.text))
        if token.kind == "keyword" and token.text in ("true", "false"):
            return Literal("ja/nee", token.text == "true")
        if token.kind == "function":
            return self.call(token.text)
        if token.kind == "name":
            return self.name(token)
        if token.text == "(":
            inner = self.expression()
            self.expect(")")
            return inner
        raise FeelUnsupported(_unsupported_word(token))

    def name(self, token: _Token) -> Name | Call:
        if self.at("(") and token.text in _AGGREGATING:
            self.take()
            args = [self.expression()]
            while self.at(","):
                self.take()
                args.append(self.expression())
            self.expect(")")
            return Call(token.text, tuple(args))
        if self.at("("):
            raise FeelUnsupported(f"de FEEL-functie '{token.text}'")
        if self.at("."):   # a component of a structured value: `Approval.Status`, resolved by the caller
            self.take()
            component = self.take()
            if component.kind != "name" or self.at("."):
                raise FeelUnsupported(f"gestructureerde invoer ('{token.text}.{component.text}…')")
            return Name(f"{token.text}.{component.text}")
        if self.peek.kind == "name":   # two names in a row: a name with spaces that is not in scope
            raise FeelUnsupported(f"de onbekende naam '{token.text} {self.peek.text}'")
        return Name(token.text)

    def call(self, function: str) -> Literal:
        self.expect("(")
        argument = self.take()
        self.expect(")")
        if function in ("time", "duration"):
            raise FeelUnsupported("een tijd van de dag (time)" if function == "time" else "een duur (duration)")
        if argument.kind != "string":
            raise FeelUnsupported(f"{function}(...) met iets anders dan een tekst")
        return _moment(function, _string(argument.text))

    # unary tests
    def tests(self) -> Tests:
        if self.at("-") and self.tokens[self.i + 1].kind == "end":
            return AnyValue()
        if self.at("not"):
            self.take()
            self.expect("(")
            inner = self.positive()
            self.expect(")")
            self.done()
            return Negation(inner)
        found = self.positive()
        self.done()
        return found

    def positive(self) -> tuple[Test, ...]:
        found = [self.test()]
        while self.at(","):
            self.take()
            found.append(self.test())
        return tuple(found)

    def test(self) -> Test:
        if self.at("null"):
            self.take()
            return Missing()
        if self.at("?"):
            raise FeelUnsupported("een test met '?' (willekeurige FEEL)")
        if self.at("<", "<=", ">", ">=", "=", "!="):
            op = self.take().text
            return Compare(op, self.unary())
        if self.at("[", "(", "]"):
            return self.interval()
        value = self.additive()
        if self.at("=", "!=", "<", "<=", ">", ">=", "and", "or"):
            raise FeelUnsupported("een voorwaarde als test (willekeurige FEEL)")
        return Compare("=", value)

    def interval(self) -> Interval:
        opening = self.take().text
        low = self.unary()
        if not self.at(".."):
            raise FeelUnsupported("een uitdrukking tussen haakjes als test (verwacht een bereik a..b)")
        self.take()
        high = self.unary()
        closing = self.take().text
        if closing not in ("]", ")", "["):
            raise FeelUnsupported(f"een bereik dat eindigt op '{closing}'")
        return Interval(low, high, opening == "[", closing == "]")


def _unsupported_word(token: _Token) -> str:
    if token.kind == "end":
        return "een onvolledige FEEL-uitdrukking"
    if token.text == "[":
        return "een lijst ([...])"
    if token.text == "{":
        return "een context ({...})"
    if token.text == "null":
        return "null als waarde"
    if token.kind == "keyword":
        return f"FEEL '{token.text}'"
    return f"FEEL '{token.text}' op deze plaats"


_ESCAPES = {'"': '"', "\\": "\\", "'": "'", "n": "\n", "t": "\t", "r": "\r"}


def _string(token: str) -> str:
    body, out, i = token[1:-1], [], 0
    while i < len(body):
        if body[i] == "\\" and i + 1 < len(body):
            nxt = body[i + 1]
            if nxt == "u" and re.fullmatch(r"[0-9a-fA-F]{4}", body[i + 2:i + 6]):
                out.append(chr(int(body[i + 2:i + 6], 16)))
                i += 6
                continue
            out.append(_ESCAPES.get(nxt, nxt))
            i += 2
            continue
        out.append(body[i])
        i += 1
    return "".join(out)


def _moment(function: str, text: str) -> Literal:
    try:
        if function == "date":
            return Literal("datum", date.fromisoformat(text))
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise FeelUnsupported(f"de ongeldige {'datum' if function == 'date' else 'datum-tijd'} \"{text}\"") from None
    if moment.tzinfo is not None:
        raise FeelUnsupported(f"een tijdstip met tijdzone (\"{text}\")")
    if moment.second or moment.microsecond:
        raise FeelUnsupported(f"een tijdstip met seconden (\"{text}\")")
    return Literal("tijdstip", moment)


def parse_tests(text: str, names: Iterable[str]) -> Tests:
    """The unary tests of a cell (see the module contract); an empty cell means `-`."""
    if not text.strip():
        return AnyValue()
    return _Parser(text, names).tests()


def parse_expression(text: str, names: Iterable[str]) -> Value:
    """A FEEL simple expression (see the module contract)."""
    parser = _Parser(text, names)
    value = parser.expression()
    parser.done()
    return value


# ---------------------------------------------------------------- Beleidstaal text

Rename = Callable[[str], str]

_WORDS = {"<": "is kleiner dan", "<=": "is ten hoogste", ">": "is groter dan", ">=": "is ten minste", "=": "is",
          "!=": "is niet"}
_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2, "**": 3}


def dutch_number(value: Decimal) -> str:
    """A number in Beleidstaal's Dutch notation: a decimal comma, no thousands separators.

    >>> dutch_number(Decimal("1234.50")), dutch_number(Decimal("-0.5")), dutch_number(Decimal("1E+3"))
    ('1234,50', '-0,5', '1000')
    """
    text = format(value, "f")
    return text.replace(".", ",")


def render_literal(literal: Literal) -> str:
    value = literal.value
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, Decimal):
        return dutch_number(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if "\n" in value or "\\" in value or "\r" in value:
        raise FeelUnsupported("een tekst met een regelovergang of backslash")
    return '"' + value.replace('"', '\\"') + '"'


def render_value(value: Value, rename: Rename, parent: int = 0) -> str:
    """Beleidstaal text for a FEEL simple expression; parentheses only where needed."""
    match value:
        case Literal():
            return render_literal(value)
        case Name():
            renamed = rename(value.name)
            if "." in renamed:   # a component the caller could not resolve
                raise FeelUnsupported(f"gestructureerde invoer ('{value.name.partition('.')[0]}.…')")
            return renamed
        case Negate():
            return "-" + render_value(value.operand, rename, 3)
        case Binary() if value.op == "**":   # `a tot de macht b`; a negative base between brackets
            base = render_value(value.left, rename, 4)
            if isinstance(value.left, Negate) or (isinstance(value.left, Literal) and isinstance(
                    value.left.value, Decimal) and value.left.value < 0):
                base = f"({base})"
            text = f"{base} tot de macht {render_value(value.right, rename, 3)}"
            return f"({text})" if parent > 3 else text
        case Binary():
            level = _PRECEDENCE[value.op]
            text = (f"{render_value(value.left, rename, level)} {value.op} "
                    f"{render_value(value.right, rename, level + 1)}")
            return f"({text})" if level < parent else text
        case Relation():
            _refuse_text_order(value.op, value.right)
            _refuse_text_order(value.op, value.left)
            return f"{render_value(value.left, rename)} {_WORDS[value.op]} {render_value(value.right, rename)}"
        case Logic():
            joiner = " en " if value.op == "and" else " of "
            return joiner.join(f"({render_value(i, rename)})" if isinstance(i, Logic) else render_value(i, rename)
                               for i in value.items)
        case NotCall():
            return f"niet ({render_value(value.operand, rename)})"
        case IsNull():
            operand = render_value(value.operand, rename, 1)
            operand = f"({operand})" if isinstance(value.operand, CONDITIONS) else operand
            return f"{operand} is {'bekend' if value.negated else 'onbekend'}"
        case Call():   # a beslissing of the caller's (`rename.aggregate`), or refused
            helper = getattr(rename, "aggregate", None)
            if helper is None:
                raise FeelUnsupported(f"de FEEL-functie '{value.function}'")
            return helper(value.function, [render_value(a, rename) for a in value.args])
    raise TypeError(f"geen FEEL-waarde: {value!r}")


def render_tests(tests: Tests, operand: str, rename: Rename) -> str | None:
    """The condition a cell puts on `operand` (Beleidstaal text), or None for `-`. A list of
    tests is a disjunction, so it is put in parentheses when it has more than one part."""
    if isinstance(tests, AnyValue):
        return None
    if isinstance(tests, Negation):
        if all(isinstance(t, Missing) for t in tests.tests):
            return f"{operand} is bekend"
        if all(isinstance(t, Compare) and t.op == "=" for t in tests.tests):
            return f"{operand} is geen van {_options(tests.tests, rename)}"
        return f"niet ({_disjunction(tests.tests, operand, rename)})"
    if len(tests) > 1 and all(isinstance(t, Compare) and t.op == "=" for t in tests):
        return f"{operand} is een van {_options(tests, rename)}"
    text = _disjunction(tests, operand, rename)
    return f"({text})" if len(tests) > 1 else text


def guarded_tests(tests: Tests, operand: str, rename: Rename) -> str | None:
    """`render_tests` with DMN's meaning for a missing input: the cell holds for a missing
    (null) input exactly when FEEL's unary test does, never onbekend. FEEL gives `null = v` false,
    `null != v` true and `null < v` null; a list of tests holds when one is true, `not(...)` when
    the list is false; `null` tests the missing value itself. So a cell that holds for null
    becomes `(x is onbekend of <test>)`, any other `x is bekend en <test>`; a cell that tests
    `null` itself needs no guard. This follows the specification (DMN 1.5, 10.3.2.5: an ordering
    comparison with null is null, so `not(< 5)` does not hold for null); feelin (bpmn-io's FEEL)
    agrees on every other cell form but lets a `not(...)` with an ordering (`not(< 5)`,
    `not("a", < 5)`) hold for null."""
    text = render_tests(tests, operand, rename)
    if text is None or isinstance(tests, AnyValue):
        return text
    items = tests.tests if isinstance(tests, Negation) else tests
    if any(isinstance(t, Missing) for t in items):
        return text
    if holds_for_missing(tests):
        return f"({operand} is onbekend of {text})"
    return f"{operand} is bekend en {text}"


def holds_for_missing(tests: Tests) -> bool:
    """Whether FEEL's unary tests hold for a null input (see `guarded_tests`)."""
    if isinstance(tests, AnyValue):
        return True
    if isinstance(tests, Negation):   # not(...) holds when every test is false: only `= v` is
        return all(isinstance(t, Compare) and t.op == "=" for t in tests.tests)
    return any(isinstance(t, Missing) or (isinstance(t, Compare) and t.op == "!=") for t in tests)


def _options(tests: Iterable[Test], rename: Rename) -> str:
    return ", ".join(render_value(t.value, rename) for t in tests if isinstance(t, Compare))


def _disjunction(tests: tuple[Test, ...], operand: str, rename: Rename) -> str:
    parts = [_one(t, operand, rename) for t in tests]
    if len(parts) == 1:
        return parts[0]
    return " of ".join(parts)


def _one(test: Test, operand: str, rename: Rename) -> str:
    if isinstance(test, Missing):
        return f"{operand} is onbekend"
    if isinstance(test, Compare):
        _refuse_text_order(test.op, test.value)
        return f"{operand} {_WORDS[test.op]} {render_value(test.value, rename)}"
    _refuse_text_order("<", test.low)
    low, high = render_value(test.low, rename), render_value(test.high, rename)
    if test.low_closed:
        return f"{operand} ligt van {low} {'tot en met' if test.high_closed else 'tot'} {high}"
    upper = "is ten hoogste" if test.high_closed else "is kleiner dan"
    return f"{operand} is groter dan {low} en {operand} {upper} {high}"


def _refuse_text_order(op: str, value: Value) -> None:
    if op in ("<", "<=", ">", ">=") and isinstance(value, Literal) and value.kind == "tekst":
        raise FeelUnsupported("teksten ordenen met <, >, <= of >= (Beleidstaal vergelijkt teksten alleen op "
                              "gelijkheid)")


def literal_kind(value: Value) -> str | None:
    """The Beleidstaal type of a FEEL value made of literals only, or None when it uses a name."""
    match value:
        case Literal():
            return value.kind
        case Negate():
            return literal_kind(value.operand)
        case Binary():
            return literal_kind(value.left) or literal_kind(value.right)
        case Name():
            return None
        case Relation() | Logic() | NotCall() | IsNull():
            return "ja/nee"
        case Call():
            return next((k for k in map(literal_kind, value.args) if k), None)
    raise TypeError(f"geen FEEL-waarde: {value!r}")


def cell_values(tests: Tests) -> list[Value]:
    """Every value a cell's tests compare with (to infer an input's type from its cells)."""
    if isinstance(tests, AnyValue):
        return []
    items = tests.tests if isinstance(tests, Negation) else tests
    found: list[Value] = []
    for t in items:
        if isinstance(t, Compare):
            found.append(t.value)
        elif isinstance(t, Interval):
            found.extend((t.low, t.high))
    return found


def check_number(text: str) -> Decimal | None:
    """`text` as a Decimal, or None when it is no number (for TCK values)."""
    try:
        return Decimal(text.strip())
    except InvalidOperation:
        return None
