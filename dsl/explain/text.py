"""How a policy reads: the text of each node, the form it was written in, values in Dutch.

Contract: `wording(policy)` gives the `Wording` of a core `Policy`, built on first use and kept
as long as the policy lives; nothing in it depends on a case. `read(node)` gives a node's
`Reading`: how it was written as far as a sentence cares (`Form`), its text on one line, how
its value is called ("grens" for a written value, a gegeven's label, a rule's title) and the
operands a condition step shows. `_form` is the one `match` over the core expression union in
`dsl.explain`: every other part asks for a node's `Form`. `format_typed(value, type)` formats a
runtime value the way explanations show it (text in quotes); `Wording.format` remembers what it
formatted for the policy, because Babel takes tens of microseconds a value.
"""

from __future__ import annotations

import enum
import weakref
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, assert_never

from dsl import types as T
from dsl.core import expr as E
from dsl.core import model as M
from dsl.core.model import Policy, Rule
from dsl.runtime.formatting import format_duration_count, format_value
from dsl.span import Span


class Form(enum.Enum):
    """How a node was written, as far as an explanation's sentence depends on it."""

    FACT = "gegeven"                # a gegeven, by its name
    RULE = "regel"                  # another rule, by its name
    SATISFIES = "voldoet aan"       # `voldoet aan X` or `voldoet niet aan X`
    WRITTEN = "waarde"              # a value written in the policy
    PEIL = "peildatum"
    COMPARE = "vergelijking"
    MEMBER = "een van"
    BETWEEN = "tussen"
    EACH = "elk"
    WEEKLY = "valt op"
    JUNCTION = "en/of"
    NOT = "niet"
    KNOWN = "bekend"                # `x is bekend`, `x is onbekend`
    MOMENT = "moment"               # `1 maand na x`, `dag 3 van x`: a moment written in words
    OTHER = "berekening"            # arithmetic, aggregates, `x + 1 maand`, `x afgerond op centen`
    THROUGHOUT = "gedurende"        # `gedurende de periode van A tot en met B: c`


# Form's members as module names for the modules that compare forms on every step: on Python 3.11
# reading `Form.FACT` is a descriptor call (measured 0.1 µs, a module name 0.02 µs), and an
# explanation compares forms a few hundred times per case.
FACT, RULE, SATISFIES, WRITTEN = Form.FACT, Form.RULE, Form.SATISFIES, Form.WRITTEN
COMPARE, MEMBER, WEEKLY, JUNCTION, NOT, MOMENT = Form.COMPARE, Form.MEMBER, Form.WEEKLY, Form.JUNCTION, Form.NOT, Form.MOMENT
KNOWN = Form.KNOWN
NAMED = (Form.FACT, Form.RULE)   # a gegeven or a rule, by its name


class Reading:
    """What is fixed about one node: how it was written (`form`), its text, how its value is
    called in a sentence (`label`), the values a condition step shows next to its result
    (`operands`), the calendar-month shifts inside it (whose month-end notes it may need) and,
    for a node whose parts are all gegevens and written values (`x is ten minste 1`), the names
    of those gegevens (`leaves`, else None: the missing gegevens behind it are found without a
    walk)."""

    __slots__ = ("node", "form", "text", "label", "operands", "month_shifts", "leaves")

    def __init__(self, node: E.Expr, form: Form, text: str, label: str, operands: tuple[E.Expr, ...],
                 month_shifts: tuple[E.Shift, ...], leaves: tuple[str, ...] | None = None):
        self.node = node
        self.form, self.text, self.label = form, text, label
        self.operands, self.month_shifts, self.leaves = operands, month_shifts, leaves


# Formatted values a policy remembers per type; beyond this many that memory starts afresh.
_FORMATTED_LIMIT = 20_000
# Sentences of an unknown rule a policy remembers per rule (one per set of missing gegevens).
UNKNOWN_REMEMBERED = 256


class _Made(dict):
    """key -> `make(key)`, made on first lookup; `memory[key]` of a key made before is one lookup
    in C, no Python call (an explanation asks a few hundred times per case). With a `limit`, a
    full memory starts afresh."""

    __slots__ = ("make", "limit")

    def __init__(self, make: Callable[[Any], Any], limit: int | None = None):
        super().__init__()
        self.make, self.limit = make, limit

    def __missing__(self, key: Any) -> Any:
        if self.limit is not None and len(self) >= self.limit:
            self.clear()
        value = self[key] = self.make(key)
        return value


class RuleReading:
    """What is fixed about one rule: its citation (" (bron, groep)"), its body (an eis's
    condition and exceptions, a decision's row conditions and outcomes, a termijn's subject and
    bounds, a formula), its own parts (its own `van toepassing als`, not its group's, then its
    body; `own_facts` the names of those parts that are a bare gegeven, `own_rest` the others that
    read a gegeven; `plain` when there are no others and the rule is no group: its missing
    gegevens are those of `own_facts`; `flat` when every other is a node on gegevens and
    written values alone, as (node, its gegevens) pairs, else None), the parts its step shows as
    children, and the calendar-month shifts whose month-end notes its sentence carries (a
    termijn's bounds, a formula). `obligation` is "; verplichting van ..." for a rule that says whom
    it binds (not on an eis that binds the same party as its group: the group says it once), and
    `tail` what ends its sentence: the obligation, the citation and the full stop; `advice` says
    whether it is a soft eis, `versioned` whether an eis's condition has versions; `unknown[missing]`
    the sentence said when it is onbekend because of the set `missing` of gegevens (made once, at
    most `UNKNOWN_REMEMBERED` kept)."""

    __slots__ = ("cite", "body", "own_facts", "own_rest", "plain", "flat", "shown", "month_shifts", "obligation",
                 "tail", "advice", "versioned", "unknown")

    def __init__(self, cite: str, body: tuple[E.Expr, ...], own: tuple[E.Expr, ...], shown: tuple[E.Expr, ...],
                 month_shifts: tuple[E.Shift, ...], group: bool = False, obligation: str = "",
                 advice: bool = False, versioned: bool = False):
        self.cite, self.body, self.shown, self.month_shifts = cite, body, shown, month_shifts
        self.obligation, self.tail = obligation, obligation + cite + "."
        self.advice, self.versioned = advice, versioned
        tail = self.tail
        self.unknown: dict[frozenset[str], str] = _Made(
            lambda missing: "Onbekend: ontbrekende gegevens: " + ", ".join(sorted(missing)) + tail, UNKNOWN_REMEMBERED)
        self.own_facts = tuple(p.name for p in own if isinstance(p, E.Input))
        self.own_rest = tuple(p for p in own if not isinstance(p, E.Input) and p.inputs)  # (no gegeven: none missing)
        self.plain = not self.own_rest and not group
        leaves = [(p, _leaves(p)) for p in self.own_rest]
        self.flat: tuple[tuple[E.Expr, tuple[str, ...]], ...] | None = None
        if not group and all(names is not None for _, names in leaves):
            self.flat = tuple((p, names) for p, names in leaves if names is not None)


class Wording:
    """The static reading of one policy (see the module contract); caches per node.
    `read(node)` gives the `Reading` of an expression node of this policy, `rule(rule)` the
    `RuleReading` of one of its rules, each made once."""

    __slots__ = ("fields", "rules", "lines", "shown_rules", "_texts", "read", "rule", "_formatted",
                 "_moments", "__weakref__")

    def __init__(self, policy: Policy):
        # Not the policy itself: it is the key this is remembered by, and a value that refers
        # to its key keeps both alive for ever (`weakref.WeakKeyDictionary`).
        self.fields, self.rules = policy.fields, policy.rules
        self.lines = policy.text.splitlines()
        # The rules an explanation lists, in the order of the text (an eis is shown in its group).
        self.shown_rules = tuple(r.name for r in policy.source_order() if r.kind is not M.RuleKind.REQUIREMENT)
        self._texts: dict[Span, str] = {}
        self.read: Callable[[E.Expr], Reading] = _Made(self._reading).__getitem__   # by node (by identity)
        self.rule: Callable[[Rule], RuleReading] = _Made(self._rule_reading).__getitem__
        self._formatted: dict[int, dict[Any, str]] = {}  # by id of the type: the policy keeps it alive
        self._moments: dict[Any, str] = _Made(
            lambda v: _format(v, T.TIJDSTIP if isinstance(v, datetime) else T.DATUM), _FORMATTED_LIMIT)

    def _rule_reading(self, rule: Rule) -> RuleReading:
        body = _body(rule)
        own = (*(g.condition for g in rule.gates), *body)   # a group's gate too: its missing facts count
        shown: tuple[E.Expr, ...] = body
        if isinstance(rule, M.Requirement) and not rule.exceptions and \
                self.read(rule.condition).form in (Form.FACT, Form.RULE):
            shown = ()  # "vereist agb_code_vv": the sentence already says it all
        elif isinstance(rule, M.Timeline):
            shown = tuple(b for b in _written_bounds(rule) if not isinstance(b, E.Const))
        noted = rule.bounds if isinstance(rule, M.Timeline) else body if isinstance(rule, M.Calculation) else ()
        shifts = tuple(dict.fromkeys(s for n in noted for s in self.read(n).month_shifts))
        versioned = isinstance(rule, M.Requirement) and isinstance(rule.condition, E.Versions)
        return RuleReading(self._citation(rule), body, own, shown, shifts, isinstance(rule, M.Group),
                           self._obligation(rule), M.is_advice(rule), versioned)

    def _obligation(self, rule: Rule) -> str:
        """"; verplichting van de zorgaanbieder" for a rule that says whom it binds; not on an eis
        that binds the same party as its group (the group says it once)."""
        if rule.bound is None:
            return ""
        if isinstance(rule, M.Requirement) and rule.group is not None and self.rules[rule.group].bound is rule.bound:
            return ""
        return f"; {rule.bound.obligation}"

    def _citation(self, rule: Rule) -> str:
        """" (source, group title)"; the group's title is left out when the source names it."""
        parts = [rule.source]
        if isinstance(rule, M.Requirement) and rule.group:
            title = self.rules[rule.group].display
            source = rule.source
            words = set(source.lower().replace(",", " ").replace(";", " ").split()) if source else set()
            if not source or not set(title.lower().split()) <= words:
                parts.append(title)
        shown = [p for p in parts if p]
        return f" ({', '.join(shown)})" if shown else ""

    def _reading(self, node: E.Expr) -> Reading:
        form = self._form(node)
        text = self.text(node)
        shifts = tuple(n for n in E.walk(node) if isinstance(n, E.Shift) and n.unit == "maanden")
        return Reading(node, form, text, self._label(node, form, text), self._operands(node, form), shifts,
                       _leaves(node))

    def _label(self, node: E.Expr, form: Form, text: str) -> str:
        if form is Form.WRITTEN:
            return "grens"  # a written value is the threshold it is compared with
        if form is Form.FACT:
            assert isinstance(node, (E.Input, E.YearValue, E.OnDay))
            field = self.fields[node.name]   # an oordeel says who judges: it is an assessment, not a fact
            return field.description if field.judged_by is None else f"{field.description} (beoordeeld door {field.judged_by})"
        if form is Form.RULE:
            assert isinstance(node, E.RuleRef)
            return self.rules[node.name].display
        if form is Form.PEIL:
            return "de peildatum"
        return text

    def text(self, node: Any) -> str:
        """The policy text of a node's span, on one line ("" for a node without a place)."""
        span = node.span
        text = self._texts.get(span)
        if text is None:
            text = self._texts[span] = self._slice(span)
        return text

    def _slice(self, span: Span) -> str:
        if not span or not span.line:
            return ""
        lines = self.lines
        if span.line == span.end_line:
            return lines[span.line - 1][span.column - 1:span.end_column]
        parts = [lines[span.line - 1][span.column - 1:]]
        parts += lines[span.line:span.end_line - 1]
        parts.append(lines[span.end_line - 1][:span.end_column])
        return " ".join(" ".join(p.split()) for p in parts)

    def format(self, value: Any, t: T.Type) -> str:
        """`format_typed(value, t)`, remembered per policy: Babel takes tens of microseconds a
        value, and a policy shows the same thresholds and facts case after case. Values are
        remembered per type object (two duration types that differ only in the unit written
        are equal, so the identity is used); within one type equal values format alike (an
        aantal is never a ja/nee, so 1 and True do not meet)."""
        if isinstance(value, tuple):  # a list: not hashable in general, and rare
            return _format(value, t)
        known = self._formatted.get(id(t))
        if known is None:
            known = self._formatted[id(t)] = _Made(lambda v: _format(v, t), _FORMATTED_LIMIT)
        return known[value]

    def moment(self, value: date) -> str:
        """A termijn's date or moment as its sentence shows it ("1 maart 2024", "1 maart 2024
        10:00 uur"), remembered (a date and its midnight are not equal, so never mixed up)."""
        return self._moments[value]

    def _form(self, node: E.Expr) -> Form:
        """How a node was written: the one `match` over the expression union in explanations."""
        match node:
            case E.Input():
                return Form.FACT
            case E.RuleRef():
                # `voldoet aan X` lowers to the same node as the bare name X; its span says which
                return Form.RULE if self.text(node) == node.name else Form.SATISFIES
            case E.Peildatum():
                return Form.PEIL
            case E.Const():
                return Form.WRITTEN
            case E.Compare():
                return Form.COMPARE
            case E.Member():
                return Form.MEMBER
            case E.Between():
                return Form.BETWEEN
            case E.Each():
                return Form.EACH
            case E.Weekly():
                return Form.WEEKLY
            case E.And() | E.Or():
                return Form.JUNCTION
            case E.Not():
                # `voldoet niet aan X` is Not(RuleRef) with the span of the whole phrase
                satisfies = isinstance(node.operand, E.RuleRef) and node.operand.span == node.span
                return Form.SATISFIES if satisfies else Form.NOT
            case E.Known():
                return Form.KNOWN
            case E.Shift():
                # `1 maand na x` puts the amount first; `x + 1 maand` reads as arithmetic
                amount, base = node.amount.span, node.base.span
                in_words = (amount.line, amount.column) < (base.line, base.column)
                return Form.MOMENT if in_words else Form.OTHER
            case E.DayOf() | E.YearDate():
                return Form.MOMENT
            case E.YearValue():   # one year's value of a gegeven per jaar: named with its year
                return Form.FACT
            case E.OnDay():       # a gegeven per periode on a day: named as the gegeven
                return Form.FACT
            case E.Throughout():
                return Form.THROUGHOUT
            case E.PeriodDay():
                return Form.OTHER
            case (E.Arith() | E.Neg() | E.PercentOf() | E.MomentDiff() | E.Aggregate() | E.Round() | E.Versions()
                  | E.ListOf()):
                return Form.OTHER
            case _:
                assert_never(node)

    @staticmethod
    def _operands(node: E.Expr, form: Form) -> tuple[E.Expr, ...]:
        match form:
            case Form.COMPARE:
                assert isinstance(node, E.Compare)
                if isinstance(node, E.PeriodLength):   # its begin and end, not the moments it compares
                    return (node.start, node.end)
                return (node.left, node.right)
            case Form.MEMBER | Form.WEEKLY | Form.KNOWN:
                assert isinstance(node, (E.Member, E.Weekly, E.Known))
                return (node.operand,)
            case Form.BETWEEN:
                assert isinstance(node, E.Between)
                return (node.operand, node.low, node.high)
            case Form.EACH:
                assert isinstance(node, E.Each)
                return (node.collection, node.right)
        return ()


def _leaves(node: E.Expr) -> tuple[str, ...] | None:
    """The gegevens among the parts of a node whose parts are all leaves (gegevens, written
    values, the peildatum); None for a leaf itself, a rule reference or a deeper node. A gegeven
    per periode or per jaar read on its day or year is its own gegeven."""
    if isinstance(node, (E.OnDay, E.YearValue)):
        return (node.name,)
    parts = E.children(node)
    if not parts or not all(isinstance(p, (E.Input, E.Const, E.Peildatum)) for p in parts):
        return None
    return tuple(p.name for p in parts if isinstance(p, E.Input))


def _body(rule: Rule) -> tuple[E.Expr, ...]:
    match rule:
        case M.Requirement():
            return (rule.condition, *(e.condition for e in rule.exceptions))
        case M.Calculation():
            return (rule.expr,)
        case M.Decision():
            return tuple(p for row in rule.all_rows for p in (row.condition, row.outcome) if p is not None)
        case M.Timeline():
            return (rule.subject, *rule.bounds)
        case M.Group():
            return ()
        case _:
            assert_never(rule)


def _written_bounds(rule: M.Timeline) -> tuple[E.Expr, ...]:
    """The bounds as the termijn writes them: `binnen D na X` and `ten minste D voor X` give
    (D, X) (the end moment is computed from them); the other forms their moments in order."""
    if rule.period is not None:   # `de periode van A tot en met B duurt ...`: its begin and its length
        return (rule.period.start, rule.period.length)
    if rule.words in (M.TimelineKind.BINNEN, M.TimelineKind.TEN_MINSTE_VOOR):
        end = rule.end.choices[0] if isinstance(rule.end, E.Versions) else rule.end   # (versions: as first written)
        assert isinstance(end, E.Shift) and rule.base is not None
        return (end.amount, rule.base)
    return rule.bounds


_WORDINGS: weakref.WeakKeyDictionary[Policy, Wording] = weakref.WeakKeyDictionary()


def wording(policy: Policy) -> Wording:
    """The `Wording` of a policy, built on first use."""
    found = _WORDINGS.get(policy)
    if found is None:
        found = _WORDINGS[policy] = Wording(policy)
    return found


def format_typed(value: Any, t: T.Type | None) -> str:
    """A known value of type `t` in Dutch as an explanation shows it: text and choices in
    quotes, a duration in the unit the policy wrote, a list as [a; b]."""
    return _format(value, t)


def _format(value: Any, t: T.Type | None) -> str:
    if t is None:
        return str(value)
    if t.kind == "duur":
        return format_duration_count(value, t)
    if t.kind == "lijst":
        element = t.element
        assert element is not None
        return "[" + "; ".join("onbekend" if v is None else format_value(v, element.kind) if element.kind != "duur"
                               else format_duration_count(v, element) for v in value) + "]"
    if t.kind == "getal" and isinstance(value, int):
        return format_value(value, "aantal")
    if t.kind in ("tekst", "keuze"):
        return f'"{value}"'
    return format_value(value, t.kind)
