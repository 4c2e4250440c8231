"""Type and unit checking of expressions: one visitor method per AST expression class.

Contract: `ExprChecker.check(node)` returns the node's `Type` (or None after reporting a
problem), records it in `types`, records every name a rule depends on in `deps`, and reports
each problem once through `fail` with the span of the offending expression. It never raises
for a user mistake. Name lookup is delegated to the owning checker (`resolve`). `check` matches
every class of the closed union `ast.Expr`, so mypy reports an expression class left unhandled.
"""

from __future__ import annotations

import calendar
from decimal import Decimal
from typing import Protocol, assert_never

from dsl import ast
from dsl import types as T
from dsl.errors import Diagnostic, suggest
from dsl.literals import MONTHS
from dsl.span import Span

_ORDER_WORDS = {"<", "<=", ">", ">="}
_PERIOD_UNITS = ("dagen", "maanden")   # the families whose base unit a period's length counts in
_MOMENT_WORDS = ("uiterlijk", "voor", "vóór", "na", "op", "niet voor", "niet eerder dan", "vanaf",
                 "later dan", "eerder dan")   # words for a moment, not for a length
MAX_PLACES = 28   # the most decimals `afgerond op N decimalen` may keep (a Decimal's default precision)


class Resolve(Protocol):
    """Looks a name up for the checker: the Type of a gegeven or rule, or None after reporting it;
    with `requirement=True` the name must be an eis or a group of eisen."""

    def __call__(self, name: str, span: Span, requirement: bool = False) -> T.Type | None: ...


class ExprChecker:
    """Types the expressions of one rule. `resolve(name, span)` returns a Type or None."""

    def __init__(self, resolve: Resolve, types: dict[ast.Expr, T.Type], problems: list[Diagnostic]):
        self.resolve, self.types, self.problems = resolve, types, problems
        self.deps: set[str] = set()
        self.year_scope: ast.EachYear | None = None   # inside `in elk van de afgelopen N jaar: ...`
        self.year_scope_used = False   # a gegeven per jaar was read in that scope
        self.period_scope: ast.Throughout | None = None   # inside `gedurende de periode van ...: ...`
        self.reads_day = False   # reads the peildatum or a gegeven per periode on it (outside `gedurende`)
        self.daily_rules: dict[str, str] = {}   # rules whose value depends on the day (set by the checker)

    def fail(self, span: Span, message: str, hint: str | None = None, code: str = "type") -> None:
        self.problems.append(Diagnostic(code, message, span, hint))

    def check(self, node: ast.Expr) -> T.Type | None:
        result = self._dispatch(node)
        if result is not None:
            self.types[node] = result
        return result

    def _dispatch(self, node: ast.Expr) -> T.Type | None:
        match node:
            case ast.Name():
                return self.visit_Name(node)
            case ast.Peildatum():
                return self.visit_Peildatum(node)
            case ast.Literal():
                return self.visit_Literal(node)
            case ast.Compare():
                return self.visit_Compare(node)
            case ast.Member():
                return self.visit_Member(node)
            case ast.Between():
                return self.visit_Between(node)
            case ast.Each():
                return self.visit_Each(node)
            case ast.Weekly():
                return self.visit_Weekly(node)
            case ast.BoolOp():
                return self.visit_BoolOp(node)
            case ast.Not():
                return self.visit_Not(node)
            case ast.Known():
                return self.visit_Known(node)
            case ast.Satisfies():
                return self.visit_Satisfies(node)
            case ast.Arith():
                return self.visit_Arith(node)
            case ast.Neg():
                return self.visit_Neg(node)
            case ast.PercentOf():
                return self.visit_PercentOf(node)
            case ast.Shift():
                return self.visit_Shift(node)
            case ast.DayOf():
                return self.visit_DayOf(node)
            case ast.Aggregate():
                return self.visit_Aggregate(node)
            case ast.Round():
                return self.visit_Round(node)
            case ast.YearDate():
                return self.visit_YearDate(node)
            case ast.ListExpr():
                return self.visit_ListExpr(node)
            case ast.PeriodLength():
                return self.visit_PeriodLength(node)
            case ast.YearValue():
                return self.visit_YearValue(node)
            case ast.YearsOf():
                return self.visit_YearsOf(node)
            case ast.EachYear():
                return self.visit_EachYear(node)
            case ast.Throughout():
                return self.visit_Throughout(node)
            case _:  # an expression class without a handler is a bug in this module
                assert_never(node)

    def visit_YearDate(self, node: ast.YearDate) -> T.Type:
        """A day of the peildatum's year must exist in every year: not 29 februari, not 31 april."""
        self.refuse_in_period(node.span, f"'{node.text}'")
        self.reads_day = True
        if node.day == 29 and node.month == 2:
            self.fail(node.span, "29 februari bestaat niet in elk jaar", "noem een dag die elk jaar bestaat, "
                      "zoals 28 februari of 1 maart", code="literal")
        elif not 1 <= node.day <= calendar.monthrange(2024, node.month)[1]:
            self.fail(node.span, f"'{node.text}' bestaat niet: {MONTHS[node.month - 1]} heeft "
                      f"{calendar.monthrange(2024, node.month)[1]} dagen", code="literal")
        return T.DATUM

    def visit_PeriodLength(self, node: ast.PeriodLength) -> T.Type:
        """`de periode van A tot en met B duurt ten hoogste N`: A and B are dates (a period counts
        whole days), N a duration in days, weeks, months or years, not negative; the comparison
        word is one for a length ("ten hoogste", "korter dan", ...), not one for a moment."""
        for end, what in ((node.start, "het begin"), (node.end, "het einde")):
            t = self.check(end)
            if t is not None and t.kind != "datum":
                hint = ("een periode telt hele dagen; maak het gegeven een datum" if t.kind == "tijdstip"
                        else "bijvoorbeeld: de periode van begin_machtiging tot en met einde_machtiging duurt "
                        "ten hoogste één jaar")
                self.fail(end.span, f"{what} van een periode is een datum, maar dit is een {t}", hint, "unit")
        length = self.check(node.length)
        if length is not None and length.kind != "duur":
            self.fail(node.length.span, f"na 'duurt' hoort een duur (zoals zes maanden), maar dit is een {length}",
                      code="unit")
        elif length is not None and length.unit not in _PERIOD_UNITS:
            self.fail(node.length.span, f"de lengte van een periode telt in dagen, weken, maanden of jaren, niet in "
                      f"{length.declared or length.unit}",
                      "werkdagen en uren tellen niet als de dagen van een periode; schrijf een termijn "
                      "('... binnen 10 werkdagen na ...')", "unit")
        elif length is not None:
            self.expect_not_negative(node.length, f"schrijf de lengte zonder minteken: '{positive_text(node.length)}'")
        if node.words in _MOMENT_WORDS:
            better = {"<=": "ten hoogste", "<": "korter dan", ">": "langer dan", ">=": "ten minste",
                      "==": "(geen woord: 'duurt één jaar')"}.get(node.op, "ten hoogste")
            self.fail(node.span, f"'{node.words}' past bij een datum, niet bij de lengte van een periode",
                      f"schrijf 'duurt {better} ...'" if not better.startswith("(") else f"schrijf {better}",
                      "unit")
        return T.JANEE

    def expect_bool(self, node: ast.Expr, what: str) -> None:
        t = self.check(node)
        if t is not None and t != T.JANEE:
            self.fail(node.span, f"{what} moet ja of nee opleveren, maar dit is een {t}",
                      "gebruik een vergelijking, zoals 'x is ten minste 1'")

    # ------------------------------------------------------------ leaves
    def visit_Name(self, node: ast.Name) -> T.Type | None:
        self.deps.add(node.name)
        t = self.resolve(node.name, node.span)
        if t is not None and t.kind == "per periode":   # its value on the day: in `gedurende`, or the peildatum
            if self.period_scope is None:
                self.reads_day = True
            return t.element
        self.refuse_daily_rule(node.name, node.span)
        if t is not None and t.kind == "per jaar":
            if self.year_scope is not None:   # in `in elk van de afgelopen N jaar`: that year's value
                self.year_scope_used = True
                return t.element
            self.fail(node.span, f"'{node.name}' heeft een waarde per jaar ({t}) en is geen enkele waarde",
                      f"zeg welk jaar: '{node.name} in het vorige jaar', '{node.name} in 2023', 'in elk van de "
                      f"afgelopen 3 jaar: {node.name} is ...' of 'som van {node.name} over de afgelopen 3 jaar'",
                      "historie")
            return None
        return t

    # ------------------------------------------------------------ values per year
    def _history(self, name: ast.Name, written: str) -> T.Type | None:
        """The element type of the gegeven per jaar `name` (read as `written`), or None after
        saying why not: it is no such gegeven, or it stands in `in elk van de afgelopen N jaar`."""
        self.deps.add(name.name)
        t = self.resolve(name.name, name.span)
        if t is None:
            return None
        self.types[name] = t   # the gegeven itself, read for one year or several by the node around it
        if t.kind != "per jaar":
            self.fail(name.span, f"'{name.name}' heeft geen waarde per jaar (het is een {t}), dus geen '{written}'",
                      f"declareer het als '{name.name} : {t} per jaar', of gebruik '{name.name}' zelf", "historie")
            return None
        if self.year_scope is not None:
            self.fail(name.span, f"binnen '{self.year_scope.words}' staat '{name.name}' al voor de waarde van elk "
                      f"van die jaren; '{written}' past daar niet",
                      f"schrijf alleen '{name.name}', of zet deze vergelijking buiten '{self.year_scope.words}'",
                      "historie")
            return None
        return t.element

    def visit_YearValue(self, node: ast.YearValue) -> T.Type | None:
        """`omzet in het vorige jaar`, `omzet in 2023`: one year's value, of the element type."""
        if node.offset is not None:
            self.refuse_in_period(node.span, f"'{node.name.name} {node.words}'")
            self.reads_day = True
        return self._history(node.name, node.words)

    def visit_YearsOf(self, node: ast.YearsOf) -> T.Type | None:
        """`omzet over de afgelopen 3 jaar`: a lijst of the element type (for som, gemiddelde, elk van)."""
        self.refuse_in_period(node.span, f"'{node.name.name} over de afgelopen {node.count} jaar'")
        self.reads_day = True
        element = self._history(node.name, f"over de afgelopen {node.count} jaar")
        return None if element is None else T.Type("lijst", element=element)

    def visit_EachYear(self, node: ast.EachYear) -> T.Type:
        """`in elk van de afgelopen N jaar: c`: c is a ja/nee in which a gegeven per jaar stands
        for its value in each of those years; at least one gegeven per jaar must occur in it."""
        self.refuse_in_period(node.span, f"'{node.words}'")
        self.reads_day = True
        if self.year_scope is not None:
            self.fail(node.span, f"'{node.words}' staat al binnen '{self.year_scope.words}'",
                      "schrijf de jaren één keer: een vergelijking geldt dan voor elk van die jaren", "historie")
            return T.JANEE
        self.year_scope, self.year_scope_used = node, False
        before = len(self.problems)
        try:
            self.expect_bool(node.body, f"de voorwaarde na '{node.words}'")
            if not self.year_scope_used and len(self.problems) == before:
                self.fail(node.body.span, f"na '{node.words}' noemt de voorwaarde geen gegeven met een waarde per "
                          "jaar, dus is ze elk jaar dezelfde",
                          "noem een gegeven dat per jaar is gedeclareerd, zoals 'omzet : bedrag per jaar'", "historie")
        finally:
            self.year_scope = None
        return T.JANEE

    def visit_Peildatum(self, node: ast.Peildatum) -> T.Type:
        self.refuse_in_period(node.span, "de peildatum")
        self.reads_day = True
        return T.DATUM

    # ------------------------------------------------------------ values per period
    def refuse_in_period(self, span: Span, what: str) -> None:
        """Inside `gedurende ...: c`, c is tested day by day: what depends on the peildatum cannot stand there."""
        if self.period_scope is not None:
            self.fail(span, f"binnen '{self.period_scope.period.words}' wordt de voorwaarde per dag getoetst; "
                      f"{what} hangt af van de peildatum en past daar niet",
                      "noem in de voorwaarde alleen gegevens (een gegeven 'per periode' geldt dan per dag) en "
                      "vaste waarden", "periode")

    def refuse_daily_rule(self, name: str, span: Span) -> None:
        kind = self.daily_rules.get(name)
        if kind is not None:
            self.refuse_in_period(span, f"de {kind} '{name}' (die de peildatum of een gegeven per periode op de "
                                  "peildatum leest, of een eigen geldigheid heeft)")

    def visit_Throughout(self, node: ast.Throughout) -> T.Type:
        """`gedurende de periode van A tot en met B: c`: A and B are dates, c a ja/nee that is tested
        on every day of the period (a gegeven per periode stands for its value on that day)."""
        if self.period_scope is not None:
            if self.period_scope.period is not node.period:   # (a group's period around its own: the same)
                self.fail(node.span, f"'{node.period.words}' staat al binnen '{self.period_scope.period.words}'",
                          "toets één periode tegelijk", "periode")
            self.expect_bool(node.body, f"de voorwaarde na '{node.period.words}'")
            return T.JANEE
        before = len(self.problems)
        for bound, what in ((node.period.start, "het begin"), (node.period.end, "het einde")):
            t = self.check(bound)
            if t is not None and t.kind != "datum":
                hint = ("een periode telt hele dagen; maak het gegeven een datum" if t.kind == "tijdstip"
                        else "bijvoorbeeld: gedurende de periode van begin_overeenkomst tot en met einde_overeenkomst: ...")
                self.fail(bound.span, f"{what} van de periode na 'gedurende' is een datum, maar dit is een {t}",
                          hint, "periode")
        # a group's period stands before each of its eisen: say a problem in it once
        new = self.problems[before:]
        del self.problems[before:]
        self.problems.extend(p for p in new if p not in self.problems[:before])
        self.period_scope = node
        try:
            self.expect_bool(node.body, f"de voorwaarde na '{node.period.words}'")
        finally:
            self.period_scope = None
        return T.JANEE

    def visit_Literal(self, node: ast.Literal) -> T.Type | None:
        value = node.value
        if value is None:
            return None  # the parser reported the malformed literal
        if isinstance(value, tuple):  # a duur: (amount, unit)
            return T.duration(value[1])
        if node.kind == "getal" and isinstance(value, Decimal) and value == value.to_integral_value():
            return T.AANTAL
        return T.SIMPLE[node.kind]

    # ------------------------------------------------------------ comparisons
    def visit_Compare(self, node: ast.Compare) -> T.Type | None:
        left, right = self.check(node.left), self.check(node.right)
        if left is None or right is None:
            return T.JANEE
        if not T.comparable(left, right):
            self._incomparable(node, left, right)
        elif node.op in _ORDER_WORDS and not T.orderable(left):
            self.fail(node.span, f"'{node.words}' past niet bij een {left}",
                      "gebruik 'is' of 'is niet' voor ja/nee en teksten")
        else:
            self._check_choice(left, node.right)
            self._check_choice(right, node.left)
        return T.JANEE

    def _incomparable(self, node: ast.Expr, left: T.Type, right: T.Type) -> None:
        hint = None
        kinds = {left.kind, right.kind}
        number = _number_literal(node)
        if left.kind == right.kind == "duur":
            hint = "duren in dagen en in maanden zijn niet te vergelijken; reken vanaf een datum"
        elif kinds in ({"percentage", "getal"}, {"percentage", "aantal"}):
            hint = f"schrijf het percentage met een %-teken, zoals {dutch_number(number) if number else '33'}%"
        elif kinds in ({"bedrag", "getal"}, {"bedrag", "aantal"}):
            hint = (f"schrijf het bedrag met het euroteken: € {dutch_number(number)}" if number
                    else "schrijf een bedrag met het euroteken, zoals € 2.500.000")
        self.fail(node.span, f"een {left} kan niet vergeleken worden met een {right}", hint, "unit")

    def _check_choice(self, t: T.Type, other: ast.Expr) -> None:
        """A literal compared with a keuze must be one of its options."""
        if t.kind != "keuze" or not isinstance(other, ast.Literal) or not isinstance(other.value, str):
            return
        if other.value not in t.options:
            options = ", ".join(f'"{o}"' for o in t.options)
            hint = suggest(other.value, t.options) or f"kies uit {options}"
            self.fail(other.span, f'"{other.value}" is geen van de keuzes ({options})', hint, "keuze")

    def visit_Member(self, node: ast.Member) -> T.Type | None:
        t = self.check(node.operand)
        for option in node.options:
            ot = self.check(option)
            if t is not None and ot is not None:
                if not T.comparable(t, ot):
                    self._incomparable(option, t, ot)
                else:
                    self._check_choice(t, option)
        return T.JANEE

    def visit_Between(self, node: ast.Between) -> T.Type | None:
        t = self.check(node.operand)
        for bound in (node.low, node.high):
            bt = self.check(bound)
            if t is not None and bt is not None and not T.comparable(t, bt):
                self._incomparable(bound, t, bt)
        return T.JANEE

    def visit_Known(self, node: ast.Known) -> T.Type:
        """`x is bekend`: any value may be known or not; the test itself is always ja or nee."""
        self.check(node.operand)
        return T.JANEE

    def visit_Weekly(self, node: ast.Weekly) -> T.Type | None:
        t = self.check(node.operand)
        if t is not None and t.kind not in T.MOMENTS:
            self.fail(node.operand.span, f"'valt op' vraagt om een datum of tijdstip, maar dit is een {t}",
                      "bijvoorbeeld: melding valt op maandag tot en met vrijdag van 08:30 tot 17:00 uur", "unit")
        elif t is not None and t.kind == "datum" and node.start is not None:
            self.fail(node.operand.span, "een datum heeft geen kloktijd; de tijden vragen om een tijdstip",
                      "maak het gegeven een tijdstip, of laat 'van ... tot ...' weg", "unit")
        if node.start is not None and node.end is not None and node.start >= node.end:
            self.fail(node.span, "de begintijd ligt niet voor de eindtijd",
                      "een venster over middernacht: schrijf twee vensters met 'of'", "literal")
        return T.JANEE

    def visit_Each(self, node: ast.Each) -> T.Type | None:
        t = self.check(node.collection)
        right = self.check(node.right)
        if t is not None and t.kind != "lijst":
            self.fail(node.collection.span, f"'elk van' vraagt om een lijst, maar dit is een {t}")
        elif t is not None and t.element is not None and right is not None and not T.comparable(t.element, right):
            self._incomparable(node, t.element, right)
        return T.JANEE

    def visit_BoolOp(self, node: ast.BoolOp) -> T.Type | None:
        for item in node.items:
            self.expect_bool(item, f"elk deel van '{node.op}'")
        return T.JANEE

    def visit_Not(self, node: ast.Not) -> T.Type | None:
        self.expect_bool(node.operand, "wat na 'niet' staat")
        return T.JANEE

    def visit_Satisfies(self, node: ast.Satisfies) -> T.Type | None:
        self.deps.add(node.name)
        self.refuse_daily_rule(node.name, node.span)
        t = self.resolve(node.name, node.span, requirement=True)
        return T.JANEE if t is not None else None

    # ------------------------------------------------------------ arithmetic
    def visit_Arith(self, node: ast.Arith) -> T.Type | None:
        left, right = self.check(node.left), self.check(node.right)
        if left is None or right is None:
            return None
        if node.op == "^":
            return self.power(node, left, right)
        result = T.arith_result(node.op, left, right)
        if result is not None and left.kind in T.MOMENTS and right.kind == "duur":
            self.expect_not_negative(node.right, f"schrijf '... {'-' if node.op == '+' else '+'} "
                                     f"{positive_text(node.right)}'")
        if result is None:
            hint = None
            if node.op == "*" and "percentage" in (left.kind, right.kind):
                hint = "schrijf '70% van bedrag' voor een deel van een bedrag"
            self.fail(node.span, f"'{node.op}' kan niet met een {left} en een {right}", hint, "unit")
        return result

    def power(self, node: ast.Arith, base: T.Type, exponent: T.Type) -> T.Type | None:
        """`a tot de macht n`: a getal or aantal to a whole power (an aantal, or a whole number as
        written); an aantal to a written power of 0 or more stays an aantal."""
        if not T.is_numeric(base):
            self.fail(node.left.span, f"'tot de macht' rekent met getallen, maar dit is een {base}",
                      "een bedrag of percentage tot een macht heeft geen eenheid; reken met een getal", "unit")
            return None
        written = _whole_written(node.right)
        if exponent.kind != "aantal" and written is None:
            self.fail(node.right.span, f"de macht is een heel getal (een aantal of bijvoorbeeld 2), maar dit is een "
                      f"{exponent}", "een macht als 0,5 (een wortel) kan Beleidstaal niet exact rekenen", "unit")
            return None
        return T.AANTAL if base.kind == "aantal" and written is not None and written >= 0 else T.GETAL

    def visit_Neg(self, node: ast.Neg) -> T.Type | None:
        t = self.check(node.operand)
        if t is not None and not (T.is_numeric(t) or t.kind in ("bedrag", "percentage", "duur")):
            self.fail(node.span, f"een {t} kan niet negatief gemaakt worden", code="unit")
            return None
        return t

    def visit_PercentOf(self, node: ast.PercentOf) -> T.Type | None:
        p, base = self.check(node.percent), self.check(node.base)
        if p is not None and p.kind != "percentage":
            self.fail(node.percent.span, f"vóór 'van' hoort een percentage, maar dit is een {p}", code="unit")
            return None
        if base is not None and base.kind not in ("bedrag", "getal", "aantal"):
            self.fail(node.base.span, f"een percentage van een {base} kan niet", code="unit")
            return None
        return None if base is None else (T.GETAL if base == T.AANTAL else base)

    def visit_Shift(self, node: ast.Shift) -> T.Type | None:
        amount, base = self.check(node.amount), self.check(node.base)
        word = "na" if node.direction > 0 else "voor"
        if amount is not None and amount.kind != "duur":
            self.fail(node.amount.span, f"vóór '{word}' hoort een duur (zoals 3 weken), maar dit is een {amount}",
                      code="unit")
            return None
        if base is not None and base.kind not in T.MOMENTS:
            self.fail(node.base.span, f"na '{word}' hoort een datum, maar dit is een {base}", code="unit")
            return None
        if amount is None or base is None:
            return None
        self.expect_not_negative(node.amount, f"om {'terug' if node.direction > 0 else 'vooruit'} te rekenen "
                                 f"schrijf je '{positive_text(node.amount)} {'voor' if node.direction > 0 else 'na'} ...'")
        return T.TIJDSTIP if amount.unit == "seconden" else base

    def expect_not_negative(self, node: ast.Expr, hint: str) -> None:
        """A duration counted from a moment (`binnen 10 dagen na`, `3 weken voor`, `datum + 2 maanden`)
        that is written negative (`-10 dagen`, `0 dagen - 3 dagen`) is refused at the duration."""
        count = constant_duration(node)
        if count is not None and count < 0:
            written = _written(node)
            self.fail(node.span, "hier kan geen negatieve duur staan" + (f": {written}" if written else ""), hint,
                      "unit")

    def visit_DayOf(self, node: ast.DayOf) -> T.Type | None:
        base = self.check(node.base)
        if node.number < 1:
            self.fail(node.span, "de dagen van een periode tellen vanaf dag 1")
        if base is not None and base.kind not in T.MOMENTS:
            self.fail(node.base.span, f"'dag {node.number} van' vraagt om een datum, maar dit is een {base}",
                      code="unit")
            return None
        return base

    def visit_ListExpr(self, node: ast.ListExpr) -> T.Type | None:
        """`[a; 2; b]`: a list of one type (tekst and keuze make a list of tekst); a list in a list is
        not a value the language has."""
        types = [self.check(item) for item in node.items]
        if any(t is None for t in types):
            return None
        known = [t for t in types if t is not None]
        element = known[0]
        for item, t in zip(node.items, known):
            if t.kind == "lijst":
                self.fail(item.span, "een lijst kan geen lijst bevatten")
                return None
            if T.is_textual(t) and T.is_textual(element):
                if t != element:
                    element = T.TEKST
            elif T.is_numeric(t) and T.is_numeric(element):
                if t != element:      # an aantal among getallen: a list of getallen
                    element = T.GETAL
            elif t.kind != element.kind or (t.kind == "duur" and t.unit != element.unit):
                self.fail(item.span, f"de elementen van een lijst hebben één type: dit is een {t}, "
                          f"het eerste element een {known[0]}")
                return None
        return T.Type("lijst", element=element)

    def visit_Aggregate(self, node: ast.Aggregate) -> T.Type | None:
        t = self.check(node.operand)
        if t is None:
            return None
        if t.kind != "lijst":
            self.fail(node.span, f"'{node.func} van' vraagt om een lijst, maar dit is een {t}")
            return None
        element = t.element
        if element is None:  # a lijst always has an element type
            return None
        if node.where_bound is not None:
            bound = self.check(node.where_bound)
            if bound is not None and not T.comparable(element, bound):
                self._incomparable(node.where_bound, element, bound)
        if node.func == "aantal":
            return T.AANTAL
        if not (T.is_numeric(element) or element.kind in ("bedrag", "percentage", "duur")
                or (node.func in ("minimum", "maximum") and element.kind in T.MOMENTS)):
            self.fail(node.span, f"'{node.func} van' kan niet over een lijst van {element}", code="unit")
            return None
        if node.func == "gemiddelde" and T.is_numeric(element):
            return T.GETAL
        return element

    # ------------------------------------------------------------ rounding
    def visit_Round(self, node: ast.Round) -> T.Type | None:
        t = self.check(node.operand)
        if node.places is not None and node.places > MAX_PLACES:
            self.fail(node.suffix_span, f"afronden kan op ten hoogste {MAX_PLACES} decimalen, niet op {node.places}",
                      "schrijf bijvoorbeeld 'afgerond op 2 decimalen'", "literal")
        if t is None:
            return None
        problem = _rounding_problem(t, node.target)
        if problem is not None:
            self.fail(node.suffix_span, *problem, code="unit")
            return None
        return t


# What a rounding target fits, and the hint when it is written for another type.
_MONEY_TARGETS = ("centen", "hele euro's")
_ROUNDABLE = ("bedrag", "percentage", "getal", "aantal")


def _rounding_problem(t: T.Type, target: str) -> tuple[str, str] | None:
    """(message, hint) when `afgerond op <target>` does not fit a value of type `t`, else None."""
    if t.kind not in _ROUNDABLE:
        return (f"een {t} kan niet afgerond worden",
                "afronden kan bij een bedrag, een percentage of een getal, zoals '70% van x afgerond op centen'")
    if target in _MONEY_TARGETS and t.kind != "bedrag":
        return (f"'{target}' past alleen bij een bedrag, maar dit is een {t}",
                "rond een percentage of getal af op decimalen, zoals 'afgerond op 1 decimaal', "
                "of op 'hele getallen'")
    if target == "hele getallen" and t.kind == "bedrag":
        return ("een bedrag rond je af op centen of op hele euro's, niet op hele getallen",
                "schrijf 'afgerond op hele euro's' of 'afgerond op centen'")
    return None


def constant_duration(node: ast.Expr) -> int | None:
    """The count (in its family's base unit) of a duration written with constants only: `10 dagen`,
    `-3 weken`, `1 maand + 2 maanden`; None for anything else.

    >>> from dsl.span import NO_SPAN
    >>> constant_duration(ast.Neg(ast.Literal("duur", (3, "weken"), "3 weken", NO_SPAN), NO_SPAN))
    -21
    """
    match node:
        case ast.Literal(value=(int() as amount, str() as unit)):
            return T.duration_count(amount, unit)
        case ast.Neg(operand=operand):
            inner = constant_duration(operand)
            return None if inner is None else -inner
        case ast.Arith(op="+" | "-" as op, left=left, right=right):
            a, b = constant_duration(left), constant_duration(right)
            return None if a is None or b is None else a + b if op == "+" else a - b
        case _:
            return None


def _written(node: ast.Expr) -> str | None:
    """A negative duration as the author wrote it (`-10 dagen`), when it is a minus and a literal."""
    if isinstance(node, ast.Neg) and isinstance(node.operand, ast.Literal):
        return f"-{node.operand.text}"
    return None


def positive_text(node: ast.Expr) -> str:
    """A negative duration written without its minus sign (`10 dagen` for `-10 dagen`), for a hint."""
    if isinstance(node, ast.Neg) and isinstance(node.operand, ast.Literal):
        return node.operand.text
    return "<duur zonder minteken>"


def _number_literal(node: ast.Expr) -> Decimal | None:
    """The value of a plain number written in a comparison (either side) or as the option or bound
    `node` itself; a hint shows it in the unit it probably meant."""
    for part in (getattr(node, "left", None), getattr(node, "right", None), node):
        if isinstance(part, ast.Literal) and part.kind == "getal" and isinstance(part.value, Decimal):
            return part.value
    return None


def dutch_number(value: Decimal) -> str:
    """A number written the Dutch way, every digit kept: a dot between thousands, a decimal comma.

    >>> dutch_number(Decimal("2500000")), dutch_number(Decimal("2500.50")), dutch_number(Decimal("-0.3"))
    ('2.500.000', '2.500,50', '-0,3')
    """
    whole, _, fraction = format(value.copy_abs(), "f").partition(".")
    return ("-" if value < 0 else "") + f"{int(whole):,}".replace(",", ".") + (f",{fraction}" if fraction else "")


def _whole_written(node: ast.Expr) -> int | None:
    """The whole number a written exponent is (`2`, `-1`), else None."""
    sign = 1
    if isinstance(node, ast.Neg):
        node, sign = node.operand, -1
    if isinstance(node, ast.Literal) and isinstance(node.value, Decimal) and node.kind in ("getal", "aantal") \
            and node.value == node.value.to_integral_value():
        return sign * int(node.value)
    return None
