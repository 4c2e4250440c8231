"""Encoding a policy's core model for the z3 SMT solver, and reading witnesses back as cases.

Contract: `Encoder(model, domain)` turns expressions and rules into z3 terms; anything it
cannot encode raises `Unsupported` (with a Dutch reason and the span), and the checks then fall
back to a Hypothesis search. `Encoder.case(z3_model, names)` reads a satisfying assignment back
as a case dict that `policy.evaluate` accepts (Decimal, never float).

Encoding (exact, no rounding):
  bedrag       Int, in cents              percentage, getal   Real
  aantal       Int                        ja/nee              Bool
  datum        Int, the date's ordinal    tijdstip            Int, ordinal * 86400 + seconds
  duur         Int, in its base unit      keuze               Int, index of the option
  tekst        String
  lijst        length + `Domain.max_list` elements (`list_of`: applications of `naam[#]`, `naam[]`)
Arithmetic is linear where the policy is (z3 also accepts products of two gegevens, but may
answer "unknown" on them, which is reported as undecided). `afgerond op ...` is exact: the value
in rounding steps, `ToInt` (the floor) and the mode's rule for a half, sign-aware. Calendar months
(a written count) and working days are exact as the runtime counts them (`dsl.analysis.calendar_smt`:
tables of the runtime's own calendar); `elk van`, `som/aantal/minimum/maximum/gemiddelde van` (also
`dat ... is`) over a lijst gegeven or a written list `[a; b]` are exact for lists of at most
`Domain.max_list` elements, an assumption `Encoder.assumptions()` states. Not encoded: a number of
months from the case, months after a moment without fixed bounds (`day_range`), a list outside an
aggregate, and a date compared with a date-time on the same day.

Unknown facts: the solver reasons about complete cases (every gegeven known). Kleene's third
value is deliberately not modelled: a case with an unknown fact gives "onbekend" by design, and
that is never a gap or an overlap. So `x is bekend` and `x is onbekend` are refused (on complete
cases they are constant, and a finding drawn from that would be wrong for a case with a missing
gegeven), except `x is bekend` as a guard in an `en` whose other items read `x` (`x is bekend en
x is kleiner dan 5`, an imported DMN table), which is left out. Division by zero (which gives
"onbekend" at run time) is excluded from witnesses by a guard and reported by its own check.
`check(solver)` is every check of the analysis: z3 turns a Ctrl-C during a check into the
answer "unknown" ("interrupted from keyboard" or "canceled"); `check` raises the `KeyboardInterrupt` again, so
an interrupt always stops the analysis instead of turning into a search.
The `Domain` says which complete cases count: a gegeven with a declared range (`van X tot en met Y`)
lies in it; otherwise, by default, amounts, numbers, counts and durations are not negative, a
percentage gegeven lies in 0..100 %, and dates lie in 1900..2199; a lijst has at most 10 elements.
"""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import assert_never

import attrs
import z3

from dsl import types as T
from dsl.analysis import calendar_smt
from dsl.analysis.interrupts import raise_if_interrupted
from dsl.analysis.rule_encoding import RuleEncoding, Unsupported
from dsl.analysis.thresholds import constant
from dsl.case import written
from dsl.compiler.expressions import SHIFTS
from dsl.core import expr as E
from dsl.core.model import Calculation, Policy
from dsl.runtime import values as rtv
from dsl.runtime.formatting import format_duration_count
from dsl.span import Span, text_at
from dsl.types import Type

__all__ = ["Domain", "Encoder", "Unsupported", "free_fields"]

DAY = 86400
_ONLY_WHEN_MISSING = ("'is bekend' en 'is onbekend' hangen af van ontbrekende gegevens, en de solver rekent "
                      "met volledige casussen")


_MAKERS = {"bedrag": z3.Int, "aantal": z3.Int, "datum": z3.Int, "tijdstip": z3.Int, "duur": z3.Int, "keuze": z3.Int,
           "percentage": z3.Real, "getal": z3.Real, "ja/nee": z3.Bool, "tekst": z3.String}


def _unguarded(items: tuple[E.Expr, ...]) -> list[E.Expr]:
    """The items of an `en` without its guards: a `x is bekend` of a gegeven that another item
    reads (on a complete case that guard is ja, and it keeps no case out that the test lets in)."""
    read = [item.inputs for item in items]
    return [item for i, item in enumerate(items)
            if not (isinstance(item, E.Known) and not item.negated and isinstance(item.operand, E.Input)
                    and any(item.operand.name in inputs for j, inputs in enumerate(read) if j != i))]


@attrs.frozen
class Domain:
    """Which complete cases the exact checks consider (see the module docstring)."""

    nonnegative: bool = True
    percent_max: Decimal | None = Decimal(100)
    first_year: int = 1900
    last_year: int = 2199
    max_list: int = 10      # the most elements a lijst has in the solver's cases (an assumption of its proofs)


def check(solver: z3.Solver, seconds: float | None = None) -> z3.CheckSatResult:
    """`solver.check()`, but a Ctrl-C that z3 caught during the check is raised again.

    z3 answers "interrupted from keyboard" or, depending on where the check was, "canceled";
    "canceled" is also its answer when a timeout fires, so with a timeout of `seconds` it counts
    as an interrupt only when it came clearly before the timeout. z3's own Ctrl-C handling is off
    (`dsl.analysis.interrupts`): a Ctrl-C ends the analysis when the running check returns, and one
    a destructor swallowed is raised here."""
    raise_if_interrupted()
    start = time.monotonic()
    answer = solver.check()
    raise_if_interrupted()
    if answer == z3.unknown:
        reason = solver.reason_unknown()
        early = seconds is None or time.monotonic() - start < 0.9 * seconds
        if reason == "interrupted from keyboard" or (reason == "canceled" and early):
            raise KeyboardInterrupt
    return answer


def _seconds(value) -> int:
    if isinstance(value, datetime):
        return value.toordinal() * DAY + value.hour * 3600 + value.minute * 60 + value.second
    return value.toordinal() * DAY


def _real(value) -> z3.ArithRef:
    return z3.RealVal(format(Decimal(value), "f"))


def _decimal(fraction: Fraction) -> Decimal:
    """A rational as an exact Decimal when it terminates, else rounded to 12 places."""
    den = fraction.denominator
    for p in (2, 5):
        while den % p == 0:
            den //= p
    exact = Decimal(fraction.numerator) / Decimal(fraction.denominator)
    return exact if den == 1 else round(exact, 12)


def dag_nodes(*terms, skip=None):
    """Every node of z3 terms once, children before their parents: (id, ast, argument ids,
    the name if it is a gegeven (an uninterpreted constant) else None, its declaration's kind or
    None). Read with z3's C API, not its Python objects: a term of a calendar table has tens of
    thousands of shared nodes, and `ExprRef.children()` made a Python object for every argument
    of every node (4 of the 14 s of the six-months proof in tests/test_consistency_exact.py; now
    1.7 s). The raw pointers stay valid while the terms live (they hold their arguments). A node
    whose id is in `skip` is left out, and not entered."""
    if not terms:
        return []
    ctx = terms[0].ctx_ref()
    get_id, kind_of, num_args, arg = z3.Z3_get_ast_id, z3.Z3_get_ast_kind, z3.Z3_get_app_num_args, z3.Z3_get_app_arg
    apps = (z3.Z3_APP_AST, z3.Z3_NUMERAL_AST)
    nodes, done = [], set()
    stack: list = [(t.as_ast(), False) for t in reversed(terms)]
    while stack:
        a, expanded = stack.pop()
        key = get_id(ctx, a)
        if key in done or (skip is not None and key in skip):
            continue
        kind = kind_of(ctx, a)
        if kind in apps:
            args = [arg(ctx, a, i) for i in range(num_args(ctx, a))]
        elif kind == z3.Z3_QUANTIFIER_AST:
            args = [z3.Z3_get_quantifier_body(ctx, a)]
        else:
            args = []
        if not expanded and args:
            stack.append((a, True))
            stack.extend((c, False) for c in args)
            continue
        done.add(key)
        name, op = None, None
        if kind in apps:
            decl = z3.Z3_get_app_decl(ctx, a)
            op = z3.Z3_get_decl_kind(ctx, decl)
            if not args and op == z3.Z3_OP_UNINTERPRETED:
                symbol = z3.Z3_get_decl_name(ctx, decl)   # as `FuncDeclRef.name()` reads it
                name = f"k!{z3.Z3_get_symbol_int(ctx, symbol)}" \
                    if z3.Z3_get_symbol_kind(ctx, symbol) == z3.Z3_INT_SYMBOL else z3.Z3_get_symbol_string(ctx, symbol)
        nodes.append((key, a, [get_id(ctx, c) for c in args], name, op))
    return nodes


# the gegevens of every subterm `free_fields` walked, by term id, so a subterm shared between terms
# (a calendar table: tens of thousands of nodes, in every formula of a check that uses the shift) is
# walked once: the six-months gap of tests/test_consistency_exact.py walked it seven times. The terms
# walked are kept (so no id is reused while it is remembered); past a bound everything is forgotten
_NAMES: dict[int, frozenset[str]] = {}
_WALKED: list = []
_NAMES_MAX = 300_000   # nodes; the six-months table is about 20 000
_NONE: frozenset[str] = frozenset()


def free_fields(term) -> set[str]:
    """The names of the gegevens (uninterpreted constants) a z3 term mentions."""
    if term.ctx is not z3.main_ctx():   # the ids are those of one context
        return {name for _, _, _, name, _ in dag_nodes(term) if name is not None}
    key = term.get_id()
    found = _NAMES.get(key)
    if found is None:
        if len(_NAMES) > _NAMES_MAX:
            _NAMES.clear()
            _WALKED.clear()
        for node, _, args, name, _ in dag_nodes(term, skip=_NAMES):
            if name is not None:
                _NAMES[node] = frozenset((name,))
                continue
            parts = [part for part in (_NAMES[a] for a in args) if part]
            _NAMES[node] = _NONE if not parts else parts[0] if len(parts) == 1 else frozenset().union(*parts)
        _WALKED.append(term)
        found = _NAMES[key]
    return set(found)


class Encoder(RuleEncoding):
    """Encodes the expressions and rules of one model; `guards` collects `divisor ≠ 0`."""

    def __init__(self, model: Policy, domain: Domain | None = None):
        self.model, self.domain = model, domain or Domain()
        self.vars: dict[str, z3.ExprRef] = {}
        self.lists: dict[str, tuple[z3.ArithRef, list]] = {}   # lijst gegeven -> (length, elements)
        self.guards: list = []
        self.divisions: list = []       # (E.Arith node, z3 divisor)
        self._busy: list[str] = []
        self._encoded: dict = {}
        # a shift's term (for calendar months, a table over the whole calendar) with the policy's own
        # words for it ("6 maanden na opname"), for texts a person reads (`regions.relation_text`)
        self.words: dict[int, tuple[z3.ExprRef, str]] = {}

    # ------------------------------------------------------------ variables and domain
    def var(self, name: str):
        if name not in self.vars:
            field = self.model.fields[name]
            maker = _MAKERS.get(field.type.kind)
            if maker is None:
                raise Unsupported(f"gegeven '{name}' is een {field.type}", field.span)
            self.vars[name] = maker(name)
        return self.vars[name]

    def list_of(self, node: E.Expr) -> tuple[z3.ArithRef, list]:
        """(length, elements) of a lijst: a written list `[a; 2; b]` (its items), or a gegeven of the
        case, with at most `Domain.max_list` elements. The length and the elements of a gegeven are
        applications of functions named after it (`naam[#]`, `naam[]`), not constants, so the
        analysis of regions and relations (which reads the constants of a formula) passes them by:
        a region is drawn per plain gegeven."""
        if isinstance(node, E.ListOf):
            element = node.type.element
            return z3.IntVal(len(node.items)), [self.expr(item, want=element) for item in node.items]
        if not (isinstance(node, E.Input) and node.type.kind == "lijst" and node.type.element is not None):
            raise Unsupported("alleen een lijst uit de casus wordt exact gecontroleerd", node.span)
        name = node.name
        if name not in self.lists:
            element = node.type.element
            maker = _MAKERS.get(element.kind)
            if maker is None:
                raise Unsupported(f"gegeven '{name}' is een {node.type}", node.span)
            sort = maker("__element").sort()
            items = z3.Function(f"{name}[]", z3.IntSort(), sort)
            length = z3.Function(f"{name}[#]", z3.IntSort(), z3.IntSort())(z3.IntVal(0))
            self.lists[name] = (length, [items(z3.IntVal(i)) for i in range(self.domain.max_list)])
        return self.lists[name]

    def assumptions(self) -> list[str]:
        """What the exact checks take for granted beyond the policy itself, in Dutch (empty when
        nothing): the bound on the length of a lijst, when one was encoded."""
        if not self.lists:
            return []
        names = ", ".join(sorted(self.lists))
        return [f"De solver rekent met lijsten van ten hoogste {self.domain.max_list} elementen ({names}); "
                "wat hij over die lijsten bewijst, geldt voor langere lijsten niet vanzelf."]

    def constraints(self) -> list:
        """The domain of every gegeven, created for all of them so witnesses are complete."""
        out = []
        for name, field in self.model.fields.items():
            t = field.type
            if t.kind == "lijst" and t.element is not None:
                try:
                    length, items = self.list_of(E.Input(name, t, field.span, frozenset({name})))
                except Unsupported:
                    continue
                out.append(z3.And(length >= 0, length <= self.domain.max_list))
                for item in items:
                    out.extend(self._domain(item, t.element))
                continue
            try:
                v = self.var(name)
            except Unsupported:
                continue
            out.extend(self._domain(v, t))
        return out

    def _domain(self, v, t: Type) -> list:
        """The values a gegeven (or an element of a lijst) of type `t` may have: its declared range
        (`van X tot en met Y`) where it has one, else the `Domain`'s defaults."""
        out, d = [], self.domain
        if t.bounds is not None and t.kind in ("bedrag", "percentage", "getal", "aantal"):
            low, high = t.bounds
            return [v >= self.const(low, t), v <= self.const(high, t)]
        if t.kind in ("bedrag", "percentage", "getal", "aantal", "duur") and d.nonnegative:
            out.append(v >= 0)
        if t.kind == "percentage" and d.percent_max is not None:
            out.append(v <= _real(d.percent_max))
        if t.kind == "keuze":
            out.append(z3.And(v >= 0, v < len(t.options)))
        if t.kind in ("datum", "tijdstip"):
            first, last = date(d.first_year, 1, 1).toordinal(), date(d.last_year, 12, 31).toordinal()
            scale = DAY if t.kind == "tijdstip" else 1
            out.append(z3.And(v >= first * scale, v < (last + 1) * scale))
        return out

    def grid(self, names) -> list:
        """Prefer readable witnesses: hundredths for Real gegevens (exact Decimals), whole
        declared units for a duration (minutes for `duur in minuten`, not 901 seconden)."""
        out = []
        for name in names:
            v = self.vars.get(name)
            if v is not None and z3.is_real(v):
                k = z3.Int(f"__grid_{name}")
                out.append(z3.ToReal(k) == v * 100)
            t = self.model.fields[name].type if name in self.model.fields else None
            if v is not None and t is not None and t.kind == "duur" and t.declared:
                factor = T.DURATION_FAMILY[t.declared][1]
                if factor > 1:
                    out.append(v % factor == 0)
        for name, (_, items) in self.lists.items():   # every lijst: its elements are not among `names`
            for k, item in enumerate(items):
                if z3.is_real(item):
                    out.append(z3.ToReal(z3.Int(f"__grid_{name}_{k}")) == item * 100)
        return out

    def near(self, names, low: date, high: date) -> list:
        """Prefer witness dates between `low` and `high` (around the policy's own dates)."""
        out = []
        for name in names:
            v, kind = self.vars.get(name), self.model.fields[name].type.kind
            if v is not None and kind in ("datum", "tijdstip"):
                scale = DAY if kind == "tijdstip" else 1
                out.append(z3.And(v >= low.toordinal() * scale, v < (high.toordinal() + 1) * scale))
        for name, (_, items) in self.lists.items():
            element = self.model.fields[name].type.element
            if element is not None and element.kind in ("datum", "tijdstip"):
                scale = DAY if element.kind == "tijdstip" else 1
                out += [z3.And(item >= low.toordinal() * scale, item < (high.toordinal() + 1) * scale) for item in items]
        return out

    # ------------------------------------------------------------ reading a witness back
    def case(self, m: z3.ModelRef, names) -> dict:
        """Values of `names` in a z3 model, as a case dict for `policy.evaluate`: each value as
        a case writes it (`dsl.case.written`: a percentage between 0 and 1 as "0,5%", since the
        case loader refuses a bare 0.5 as ambiguous)."""
        out = {}
        for name in names:
            t = self.model.fields[name].type
            if name in self.lists and t.element is not None:
                length, items = self.lists[name]
                count = m.eval(length, model_completion=True).as_long()
                out[name] = written([self._value(m.eval(item, model_completion=True), t.element)
                                     for item in items[:count]], t)
                continue
            if name not in self.vars:
                continue
            value = m.eval(self.vars[name], model_completion=True)
            out[name] = written(self._value(value, t), t)
        return out

    @staticmethod
    def _value(value, t: Type):
        kind = t.kind
        if kind == "ja/nee":
            return z3.is_true(value)
        if kind == "tekst":
            return value.as_string()
        if kind in ("percentage", "getal"):
            return _decimal(value.as_fraction())
        number = value.as_long()
        if kind == "bedrag":
            return Decimal(number).scaleb(-2)
        if kind == "keuze":
            return t.options[number]
        if kind == "datum":
            return date.fromordinal(number)
        if kind == "tijdstip":
            return datetime.fromordinal(number // DAY) + timedelta(seconds=number % DAY)
        if kind == "duur":
            return format_duration_count(number, t)
        return number

    # ------------------------------------------------------------ expressions
    def expr(self, node: E.Expr, want: Type | None = None):
        """The z3 term of an expression; `want` is the type expected for a bare written value."""
        match node:
            case E.Const():
                return self.literal(node, want)
            case E.Input():
                return self.var(node.name)
            case E.RuleRef():
                return self.rule_value(node.name, node.span)
            case E.Peildatum():
                raise Unsupported("de peildatum wordt niet exact gecontroleerd", node.span)
            case E.Compare():
                return self.compare(node)
            case E.Member():
                operand = self.expr(node.operand)
                hit = z3.Or(*[operand == self.expr(o, want=node.operand.type) for o in node.options])
                return z3.Not(hit) if node.negated else hit
            case E.Between():
                return self.between(node)
            case E.Weekly():
                return self.weekly(node)
            case E.And():
                return z3.And(*[self.cond(i) for i in _unguarded(node.items)])
            case E.Or():
                return z3.Or(*[self.cond(i) for i in node.items])
            case E.Not():
                if any(isinstance(part, E.Known) for part in E.walk(node.operand)):
                    raise Unsupported(_ONLY_WHEN_MISSING, node.span)
                return z3.Not(self.cond(node.operand))
            case E.Known():
                return self.known(node)
            case E.Arith():
                return self.arith(node)
            case E.Neg():
                return -self.expr(node.operand)
            case E.PercentOf():
                return self.expr(node.percent) * self.expr(node.base) / 100
            case E.Shift():
                return self.shift(node)
            case E.MomentDiff():
                return self.moment_diff(node)
            case E.DayOf():
                return self.expr(node.base) + (node.number - 1) * _scale(node.base.type)
            case E.Each():
                return self.each(node)
            case E.Aggregate():
                return self.aggregate(node)
            case E.ListOf():
                raise Unsupported("een lijst [...] wordt alleen binnen 'elk van' en 'som van' enzovoort exact "
                                  "gecontroleerd", node.span)
            case E.Round():
                return self.rounding(node)
            case E.YearDate():
                raise Unsupported(f"'{node.text}' hangt af van de peildatum, die niet exact gecontroleerd wordt",
                                  node.span)
            case E.YearValue():
                raise Unsupported("een gegeven met een waarde per jaar wordt niet exact gecontroleerd", node.span)
            case E.OnDay() | E.Throughout() | E.PeriodDay():
                raise Unsupported("een gegeven met een waarde per periode (en 'gedurende de periode van ...') wordt "
                                  "niet exact gecontroleerd", node.span)
            case E.Versions():
                raise Unsupported("welke versie geldt, hangt af van de peildatum, die niet exact gecontroleerd wordt",
                                  node.span)
            case _:
                assert_never(node)

    def known(self, node: E.Known) -> z3.BoolRef:
        """`x is bekend` on its own is refused: on complete cases it is always ja (`x is
        onbekend` always nee), so an eis `vereist x is bekend` would be reported as always voldaan
        and a row `als x is onbekend` as one that never holds, which is true only of complete
        cases. As a guard (`x is bekend en x is kleiner dan 5`, the form of an imported DMN
        table) it is left out of its `en` (`_unguarded`): there it changes nothing a complete case
        can show."""
        raise Unsupported(_ONLY_WHEN_MISSING, node.span)

    def cond(self, node: E.Expr) -> z3.BoolRef:
        term = self.expr(node)
        if not z3.is_bool(term):
            raise Unsupported("geen voorwaarde", node.span)
        return term

    def literal(self, node: E.Const, want: Type | None = None):
        if node.value is None:
            raise Unsupported(f"waarde '{node.text}' wordt niet exact gecontroleerd", node.span)
        return self.const(node.value, want or node.type)

    def const(self, value, t: Type | None):
        kind = t.kind if t is not None else None
        if isinstance(value, bool):
            return z3.BoolVal(value)
        if isinstance(value, str):
            if t is not None and kind == "keuze":
                if value not in t.options:
                    return z3.IntVal(-1)   # an option no case can have
                return z3.IntVal(t.options.index(value))
            return z3.StringVal(value)
        if isinstance(value, datetime) or (kind == "tijdstip" and isinstance(value, date)):
            return z3.IntVal(_seconds(value))
        if isinstance(value, date):
            return z3.IntVal(value.toordinal())
        if kind == "bedrag":
            cents = Decimal(value) * 100
            return z3.IntVal(int(cents)) if cents == cents.to_integral_value() else _real(cents)
        if kind in ("aantal", "duur") and value == int(value):
            return z3.IntVal(int(value))
        return _real(value)

    def compare(self, node: E.Compare):
        lt, rt = node.left.type, node.right.type
        left, right = self.expr(node.left, want=rt), self.expr(node.right, want=lt)
        left, right = self.moments(left, lt, right, rt, node.span)
        return _compare(node.op, left, right)

    def moments(self, left, lt: Type | None, right, rt: Type | None, span: Span) -> tuple:
        """Bring two moments to one scale, following `dsl.runtime.values.moment_cmp`."""
        kinds = (lt.kind if lt else None, rt.kind if rt else None)
        if kinds == ("tijdstip", "datum"):
            return left / DAY, right
        if kinds == ("datum", "tijdstip"):
            raise Unsupported("een datum vergeleken met een tijdstip is op dezelfde dag onbepaald", span)
        return left, right

    def between(self, node: E.Between):
        t = node.operand.type
        value = self.expr(node.operand)
        v1, low = self.moments(value, t, self.expr(node.low, want=t), node.low.type, node.span)
        v2, high = self.moments(value, t, self.expr(node.high, want=t), node.high.type, node.span)
        return z3.And(v1 >= low, v2 <= high if node.high_inclusive else v2 < high)

    def weekly(self, node: E.Weekly):
        """Exact: a moment is an ordinal day (times DAY plus seconds for a tijdstip), and
        `date.fromordinal(1)` is a Monday, so the weekday is (day - 1) mod 7."""
        value = self.expr(node.operand)
        if node.operand.type.kind == "tijdstip":
            day, seconds = value / DAY, value % DAY
        elif node.start is None:
            day, seconds = value, None
        else:
            raise Unsupported("een datum heeft geen kloktijd", node.span)
        weekday = (day - 1) % 7
        on_day = z3.Or(*[weekday == d for d in node.days])
        if node.start is None:
            return on_day
        return z3.And(on_day, seconds >= node.start,
                      seconds <= node.end if node.end_inclusive else seconds < node.end)

    def arith(self, node: E.Arith):
        left, right = self.expr(node.left, want=node.left.type), self.expr(node.right, want=node.right.type)
        if node.op == "+":
            return left + right
        if node.op == "-":
            return left - right
        if node.op == "*":
            return left * right
        if node.op == "^":
            n = node.right.value if isinstance(node.right, E.Const) else None
            if not (isinstance(n, (int, Decimal)) and n == int(n) and 0 <= n <= 8):
                raise Unsupported("'tot de macht' met een macht uit de casus of een negatieve macht", node.span)
            result = z3.IntVal(1) if z3.is_int(left) else z3.RealVal(1)
            for _ in range(int(n)):
                result = result * left
            return result
        self.guards.append(right != 0)
        self.divisions.append((node, right))
        return (z3.ToReal(left) if z3.is_int(left) else left) / right

    def rounding(self, node: E.Round):
        """`afgerond op ...`, exactly: the value counted in rounding steps (a bedrag is encoded in
        cents, so `centen` is a step of 1 and `hele euro's` of 100), rounded to a whole number of
        steps with `ToInt` (the floor) by the mode's rule (`_round_whole`), and counted back."""
        value = self.expr(node.operand, want=node.operand.type)
        decimals = 2 if node.type.kind == "bedrag" else 0   # the decimals one unit of the encoding has
        shift = node.places - decimals
        if node.type.kind == "aantal" or (z3.is_int(value) and shift >= 0):
            return value   # a whole count of cents (or units) is already round
        real = z3.ToReal(value) if z3.is_int(value) else value
        steps = _round_whole(real * _real(Decimal(1).scaleb(shift)), node.mode)
        if shift <= 0:
            return steps * 10 ** -shift   # whole cents (or units): an Int
        return z3.ToReal(steps) / _real(Decimal(1).scaleb(shift))

    def shift(self, node: E.Shift):
        """A moment moved by a duration: days and seconds by arithmetic; calendar months and working
        days as the runtime counts them (`dsl.analysis.calendar_smt`: exact over the whole calendar,
        a date-time keeping its time of day). Where the runtime gives no moment (a year outside
        1..9999, working days outside the years whose holidays it knows), a guard keeps such cases
        out, as a division by zero is kept out. A shift of a gegeven keeps the policy's words for it
        (`words`)."""
        fixed = self.fixed_shift(node)
        if fixed is not None:
            return fixed
        shifted = self._moved(node)
        words = text_at(self.model.text, node.span)
        if words:
            self.words.setdefault(shifted.get_id(), (shifted, words))
        return shifted

    def _moved(self, node: E.Shift):
        base, amount = self.expr(node.base), self.expr(node.amount)
        amount = amount if node.direction > 0 else -amount
        if node.unit == "dagen":
            return base + amount * _scale(node.base.type)
        if node.unit == "seconden":
            return (base if node.base.type.kind == "tijdstip" else base * DAY) + amount
        written_count = constant(node.amount, self.model)
        count = node.direction * int(written_count) if written_count is not None else None
        timed = node.base.type.kind == "tijdstip"
        day = base / DAY if timed else base
        if node.unit == "maanden":
            days = self.day_range(node.base)
            if count is None or days is None:
                raise Unsupported("een aantal kalendermaanden uit de casus, of na een datum zonder vaste grenzen, "
                                  "wordt niet exact gecontroleerd", node.span)
            low, high = (min(max(1, d), _LAST_ORDINAL) for d in days)
            years = (date.fromordinal(low).year, date.fromordinal(high).year)
            value, known, facts = calendar_smt.add_months(day, count, years)
        elif node.unit == "werkdagen":
            value, known, facts = calendar_smt.add_working_days(day, count if count is not None else amount)
        else:
            raise Unsupported(f"rekenen met {node.unit} wordt niet exact gecontroleerd", node.span)
        self.guards.extend(g for g in (known, *facts) if not z3.is_true(z3.simplify(g)))
        return value * DAY + base % DAY if timed else value

    def day_range(self, node: E.Expr) -> tuple[int, int] | None:
        """The least and the greatest day number a moment can have in the solver's cases (a
        tijdstip by its day), or None when the policy does not bound it: a gegeven lies in the
        `Domain`'s years, a written moment is itself, a shift by a written count moves the range."""
        match node:
            case E.Input() if node.type.kind in ("datum", "tijdstip"):
                return (date(self.domain.first_year, 1, 1).toordinal(), date(self.domain.last_year, 12, 31).toordinal())
            case E.Const() if isinstance(node.value, date):
                return node.value.toordinal(), node.value.toordinal()
            case E.DayOf():
                inner = self.day_range(node.base)
                return None if inner is None else (inner[0] + node.number - 1, inner[1] + node.number - 1)
            case E.RuleRef():
                rule = self.model.rules[node.name]
                if isinstance(rule, Calculation) and not rule.gates:
                    return self.day_range(rule.expr)
                return None
            case E.Shift():
                inner, count = self.day_range(node.base), constant(node.amount, self.model)
                if inner is None or count is None:
                    return None
                n = node.direction * int(count)
                low, high = {"dagen": (n, n), "seconden": (n // DAY, -(-n // DAY)),
                             "maanden": calendar_smt.month_offsets(n),
                             "werkdagen": calendar_smt.working_offsets(n)}.get(node.unit) or (None, None)
                if low is None or high is None:
                    return None
                return inner[0] + low, inner[1] + high
        return None

    def fixed_shift(self, node: E.Shift):
        """A shift of a fixed moment by a fixed duration, computed by the runtime itself."""
        base, amount = constant(node.base, self.model), constant(node.amount, self.model)
        if base is None or amount is None:
            return None
        value = rtv.EXPORTS[SHIFTS[node.unit]](base, node.direction * amount)
        return self.const(value, node.type)

    def each(self, node: E.Each):
        """`elk van lijst op waarde`: every element within the length passes (an empty list does)."""
        length, items = self.list_of(node.collection)
        element = node.collection.type.element
        right = self.expr(node.right, want=element)
        return z3.And(*[z3.Implies(length > k, self._element_test(node.op, item, element, right, node.right.type,
                                                                  node.span))
                        for k, item in enumerate(items)])

    def _element_test(self, op: str, item, element: Type | None, right, right_t: Type | None, span: Span):
        if element is not None and element.kind in ("keuze", "ja/nee") and op not in ("==", "!="):
            raise Unsupported(f"een {element.kind} geordend vergelijken wordt niet exact gecontroleerd", span)
        left, right = self.moments(item, element, right, right_t, span)
        return _compare(op, left, right)

    def aggregate(self, node: E.Aggregate):
        """`som/aantal/minimum/maximum/gemiddelde van lijst [dat op waarde is]` over the elements
        within the length (that pass the test). An empty minimum, maximum or gemiddelde is onbekend
        at run time: a guard keeps such cases out, as a division by zero is kept out. `gemiddelde` is
        the exact quotient (the runtime rounds it to 28 significant digits, as every division)."""
        length, items = self.list_of(node.operand)
        element = node.operand.type.element
        chosen = [length > k for k in range(len(items))]
        if node.where_op is not None and node.where_bound is not None:
            bound = self.expr(node.where_bound, want=element)
            chosen = [z3.And(c, self._element_test(node.where_op, item, element, bound, node.where_bound.type,
                                                   node.span))
                      for c, item in zip(chosen, items, strict=True)]
        count = z3.Sum(*[z3.If(c, 1, 0) for c in chosen]) if chosen else z3.IntVal(0)
        if node.func == "aantal":
            return count
        if element is None or element.kind not in ("bedrag", "percentage", "getal", "aantal", "duur", "datum",
                                                   "tijdstip"):
            raise Unsupported(f"'{node.func} van' een lijst van {element} wordt niet exact gecontroleerd", node.span)
        if node.func in ("som", "gemiddelde"):
            zero = z3.IntVal(0) if items and z3.is_int(items[0]) else z3.RealVal(0)
            total = z3.Sum(*[z3.If(c, item, zero) for c, item in zip(chosen, items, strict=True)]) if items else zero
            if node.func == "som":
                return total
            self.guards.append(count > 0)
            return (z3.ToReal(total) if z3.is_int(total) else total) / z3.ToReal(count)
        self.guards.append(z3.Or(*chosen) if chosen else z3.BoolVal(False))
        best, seen = items[0], z3.BoolVal(False)
        for c, item in zip(chosen, items, strict=True):
            better = item < best if node.func == "minimum" else item > best
            best = z3.If(c, z3.If(z3.Or(z3.Not(seen), better), item, best), best)
            seen = z3.Or(seen, c)
        return best

    def moment_diff(self, node: E.MomentDiff):
        """`left - right` in whole days (a date-time counts by its day) or in seconds."""
        left, right = self.expr(node.left), self.expr(node.right)
        lk, rk = node.left.type.kind, node.right.type.kind
        if node.unit == "dagen":
            return (left / DAY if lk == "tijdstip" else left) - (right / DAY if rk == "tijdstip" else right)
        return (left if lk == "tijdstip" else left * DAY) - (right if rk == "tijdstip" else right * DAY)


_LAST_ORDINAL = date.max.toordinal()


def _scale(t: Type) -> int:
    """One day in the units a moment of type `t` is counted in (86400 seconds for a tijdstip,
    1 day for a datum)."""
    return DAY if t.kind == "tijdstip" else 1


_HALF = z3.RealVal("1/2")


def _round_whole(x: z3.ArithRef, mode: E.RoundMode) -> z3.ArithRef:
    """The Int nearest to the Real `x` by `mode` (`dsl.core.expr.round_decimal` at 0 places):
    `ToInt` is the floor; a half goes away from zero (rekenkundig) or to the even neighbour."""
    if mode is E.RoundMode.DOWN:
        return z3.ToInt(x)
    if mode is E.RoundMode.UP:
        return -z3.ToInt(-x)
    if mode is E.RoundMode.HALF_UP:
        return z3.If(x >= 0, z3.ToInt(x + _HALF), -z3.ToInt(-x + _HALF))
    floor = z3.ToInt(x)
    rest = x - z3.ToReal(floor)
    return z3.If(rest > _HALF, floor + 1, z3.If(rest < _HALF, floor, z3.If(floor % 2 == 0, floor, floor + 1)))


def _compare(op: str, left, right):
    return {"<": lambda: left < right, "<=": lambda: left <= right, ">": lambda: left > right,
            ">=": lambda: left >= right, "==": lambda: left == right, "!=": lambda: left != right}[op]()
