"""Steps of an explanation for conditions: values, rule text and a Dutch sentence per step.

Contract: `Explainer(outcome)` reads the outcome's one trace (evaluating again with a trace if
it has none) and answers, for any expression node of the core model, its value (a gegeven from
the case, a written value from the node, every other node from the trace), its text as
written, how its operands are called, and a Dutch sentence saying why it came out as it did.
A node that was never evaluated (Kleene short-circuit) is "niet bekeken"; an unknown one names
the missing gegevens it depends on. How a node was written (`dsl.explain.text.Form`) decides
its sentence; rule-level views are in `dsl.explain.rules` and `dsl.explain`.

A step's sentence is made when the step is; its `children` (the parts of a condition, the rows
of a decision) are `LaterSteps`, made when first looked at: most views (JSON, summaries, "waarom
niet" of a group, a notebook listing the rules) never open them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, NamedTuple, overload

from dsl.core import expr as E
from dsl.core import model as M
from dsl.core.model import RuleKind, Status
from dsl.explain.periods import period_length_words
from dsl.explain.text import (
    COMPARE,
    FACT,
    JUNCTION,
    KNOWN,
    MEMBER,
    MOMENT,
    NAMED,
    NOT,
    RULE,
    SATISFIES,
    WEEKLY,
    Form,
    Reading,
    RuleReading,
    wording,
)
from dsl.literals import WEEKDAYS
from dsl.runtime.calendar import OutsideCalendar
from dsl.runtime.calendar import shift as calendar_shift
from dsl.runtime.formatting import format_amount
from dsl.span import Span

NOT_EVALUATED: Any = object()
ONBEKEND = Status.ONBEKEND   # a module name: see FACT in dsl.explain.text
_TEMPLATES_FAIL = {
    "<=": "{l} is {lv}, {words} {rv} is toegestaan",
    ">=": "{l} is {lv}, {words} {rv} is vereist",
    "<": "{l} is {lv}, dat moet {words} {rv} zijn",
    ">": "{l} is {lv}, dat moet {words} {rv} zijn",
    "==": "{l} is {lv}, niet {rv}",
    "!=": "{l} is {lv}, dat mag niet",
}
_TEMPLATES_OK = "{l} is {lv}, dat is {words} {rv}"
_RESULT_WORDS = {True: "ja", False: "nee", None: "onbekend"}


class Step(NamedTuple):
    """One step of an explanation: what was evaluated, with which values, and what came out.
    (Immutable; a named tuple because an explanation builds hundreds of them per case.)"""

    kind: str                 # eis, groep, beslissing, termijn, berekening, or "voorwaarde"
    name: str | None
    text: str                 # the rule text as written in the policy
    result: str               # a Dutch result word: voldaan, ja, nee, onbekend, niet bekeken, ...
    sentence: str             # one Dutch sentence saying why
    values: tuple = ()        # (what, formatted value) pairs
    source: str | None = None
    span: Span | None = None
    children: Sequence[Step] = ()


# `new_step(Step, (kind, name, ...))` makes a Step without the named tuple's Python-level
# `__new__` (measured: 0.8 -> 0.2 µs; an explanation makes a few hundred).
new_step = tuple.__new__


class LaterSteps(Sequence[Step]):
    """Steps made on first use, by `make(explainer, arg)`, then kept; otherwise a tuple of
    steps (without a closure per instance: an explanation makes a hundred of these)."""

    __slots__ = ("_make", "_explainer", "_arg", "_steps")

    def __init__(self, make: Callable[[Explainer, Any], tuple[Step, ...]], explainer: Explainer, arg: Any):
        self._make, self._explainer, self._arg = make, explainer, arg
        self._steps: tuple[Step, ...] | None = None

    def _all(self) -> tuple[Step, ...]:
        if self._steps is None:  # (two threads may both make them; the steps are equal)
            self._steps = self._make(self._explainer, self._arg)
        return self._steps

    @overload
    def __getitem__(self, index: int) -> Step: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[Step, ...]: ...

    def __getitem__(self, index: int | slice) -> Step | tuple[Step, ...]:
        return self._all()[index]

    def __len__(self) -> int:
        return len(self._all())

    def __iter__(self) -> Iterator[Step]:
        return iter(self._all())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and self._all() == tuple(other)

    def __hash__(self) -> int:
        return hash(self._all())

    def __repr__(self) -> str:
        return repr(self._all())


class Explainer:
    """Values, text and sentences for the nodes of one traced outcome (module contract)."""

    def __init__(self, outcome):
        if outcome.trace is None:
            outcome = outcome.policy.evaluate(outcome.case, trace=True)
        self.outcome = outcome
        self.policy = outcome.policy
        self.model: M.Policy = outcome.policy.model
        self.wording = wording(self.model)
        self.read: Callable[[E.Expr], Reading] = self.wording.read
        self.format = self.wording.format
        self.moment = self.wording.moment
        self.data: dict = outcome.case.data
        self.peil = outcome.case.peil
        self.missing = frozenset(outcome.case.missing)
        self._value_of = outcome.trace.value_of
        self._statuses, self._index = outcome.statuses, outcome.policy.index
        self._by_rule: dict[str, frozenset[str]] = {}  # the missing gegevens behind each rule
        self.not_applicable: dict[tuple, str] = {}     # "Niet van toepassing: ..." by the gates it names

    # ------------------------------------------------------------ values and text
    def value(self, node: E.Expr) -> Any:
        """A node's value in this case; NOT_EVALUATED when evaluation never reached it. The
        leaves are not traced: a gegeven is read from the case, a written value from the node."""
        if isinstance(node, E.Input):
            return self.data.get(node.name)
        if isinstance(node, E.Const):
            return node.value
        if isinstance(node, E.Peildatum):
            return self.peil
        return self._value_of(node, NOT_EVALUATED)

    def fmt(self, node: E.Expr, value: Any = NOT_EVALUATED) -> str:
        value = self.value(node) if value is NOT_EVALUATED else value
        if value is NOT_EVALUATED:
            return "niet bekeken"
        if value is None:
            return "onbekend"
        return self.format(value, node.type)

    def text(self, node) -> str:
        """The policy text of a node's span (an expression, rule, row or gate), on one line."""
        return self.wording.text(node)

    def form(self, node: E.Expr) -> Form:
        return self.read(node).form

    def label(self, node: E.Expr) -> str:
        """How a value is called in a sentence: a gegeven's label, else its name in words;
        a written value is "grens" (the threshold it is compared with)."""
        if isinstance(node, E.YearValue):
            return self.year_label(node)
        return self.read(node).label

    def year_label(self, node: E.YearValue) -> str:
        """One year's value of a gegeven per jaar, named with its calendar year: "omzet per
        kalenderjaar in 2023" (the year relative to the peildatum in words without one)."""
        year = E.history_year(self.peil, node.offset, node.year)
        return f"{self.read(node).label} {f'in {year}' if year is not None else node.words}"

    @staticmethod
    def result_word(value) -> str:
        if value is NOT_EVALUATED:
            return "niet bekeken"
        return _RESULT_WORDS.get(value, str(value))

    def status_of(self, name: str) -> Status:
        return self._statuses[self._index[name]]

    # ------------------------------------------------------------ conditions
    def condition(self, node: E.Expr) -> Step:
        """The step of a condition (or any expression): its value, the values of its operands,
        its sentence; an `en`/`of`/`niet` has the steps of its parts as children."""
        value = self.value(node)
        reading = self.read(node)
        form = reading.form
        children: Sequence[Step] = ()
        values: tuple = ()
        if form is JUNCTION:
            assert isinstance(node, (E.And, E.Or))
            children = self.conditions(node.items)
        elif form is Form.THROUGHOUT:   # the condition, with the values of the day that decided
            assert isinstance(node, E.Throughout)
            children = self.conditions((node.condition,))
            values = tuple([(self.read(n).label, self.fmt(n)) for n in (node.start, node.end)])
        elif form is NOT:
            assert isinstance(node, E.Not)
            children = self.conditions((node.operand,))
        elif reading.operands:
            values = tuple([(self.read(n).label, self.fmt(n)) for n in reading.operands])
        elif isinstance(node, E.Round) and value is not NOT_EVALUATED:
            values = ((self.label(node.operand), self.exact(node.operand)),)   # what was rounded
        if value is NOT_EVALUATED or value is None or value is True or value is False:
            word = self.result_word(value)
        else:
            word = self.fmt(node, value)
        return new_step(Step, ("voorwaarde", None, reading.text, word, self._sentence(node, reading, value), values,
                               None, node.span, children))

    def conditions(self, nodes: Sequence[E.Expr]) -> LaterSteps:
        """The condition steps of `nodes`, made when first looked at."""
        return LaterSteps(Explainer.condition_steps, self, nodes)

    def condition_steps(self, nodes: Sequence[E.Expr]) -> tuple[Step, ...]:
        """The condition steps of `nodes`, now."""
        return tuple([self.condition(n) for n in nodes])

    def sentence(self, node: E.Expr, value) -> str:
        """The sentence of a node that came out as `value`."""
        return self._sentence(node, self.read(node), value)

    def _sentence(self, node: E.Expr, reading: Reading, value) -> str:
        if value is NOT_EVALUATED:
            return "Niet bekeken: de uitkomst lag al vast."
        form = reading.form
        if form is Form.THROUGHOUT:
            assert isinstance(node, E.Throughout)
            return self.throughout_sentence(node, value)
        if form is COMPARE:
            assert isinstance(node, E.Compare)
            return self.compare_sentence(node, value)
        if form is MOMENT:
            return f"{reading.text} is {self.fmt(node)}" + self.clamp_note(node)
        if value is None and form is WEEKLY:
            assert isinstance(node, E.Weekly)
            if self.value(node.operand) not in (None, NOT_EVALUATED):
                return f"Onbekend: {self.weekly_moment(node)}, maar de kloktijd ontbreekt."
        if value is None:
            return self.unknown(node)
        if form in NAMED and isinstance(value, bool):
            return ("Voldoet: " if value else "Voldoet niet: ") + self.describe(node) + "."
        if value is False:
            return f"Klopt niet: {self.reason(node)}."
        if value is True and form is WEEKLY:
            assert isinstance(node, E.Weekly)
            return f"Klopt: {self.weekly_moment(node)}; dat {node.words}."
        if value is True and form is KNOWN:
            assert isinstance(node, E.Known)
            return f"Klopt: {self.known_fact(node)}."
        if value is True and form is MEMBER:
            assert isinstance(node, E.Member)
            options = ", ".join(self.fmt(o) for o in node.options)
            return (f"Klopt: {self.label(node.operand)} is {self.fmt(node.operand)}, dat is "
                    f"{'geen' if node.negated else 'een'} van {options}.")
        if value is True:
            return f"Klopt: {reading.text}."
        if isinstance(node, E.Round):
            return self.rounding_sentence(node)
        return f"{reading.text} is {self.fmt(node)}."

    def throughout_sentence(self, node: E.Throughout, value) -> str:
        """"Voldoet niet: op 1 juli 2023 niet voldaan: de WTZa-toelating is nee (vanaf 1 juli 2023).":
        the day that decided (the one the condition was evaluated on last) and the values then."""
        if value is True:
            day = self.value(node.day)
            held = self.held_on(node, None) if not isinstance(day, date) else ""
            return f"Voldoet: op elke dag van {self.period_words(node)}" + (f" ({held})" if held else "") + "."
        return ("Voldoet niet: " if value is False else "Onbekend: ") + self.throughout_reason(node, value) + "."

    def period_words(self, node: E.Throughout) -> str:
        """"de periode van 1 januari 2023 tot en met 31 december 2023" (with the values of the case)."""
        until = "tot en met" if node.end_counted else "tot"
        return f"de periode van {self.fmt(node.start)} {until} {self.fmt(node.end)}"

    def throughout_reason(self, node: E.Throughout, value) -> str:
        """Why `gedurende ...` is not voldaan (`value` False) or onbekend (None), without the first word."""
        day = self.value(node.day)
        known_day = isinstance(day, date)
        held = self.held_on(node, day if known_day else None)
        if value is False:
            when = f"op {self.moment(day)}" if known_day else "op elke dag"
            return f"{when} niet voldaan" + (f": {held}" if held else "")
        start, end = self.value(node.start), self.value(node.end)
        if start is None or end is None:
            missing = self.missing_in(node.start if start is None else node.end)
            cause = f" (ontbrekende gegevens: {', '.join(missing)})" if missing else ""
            return (f"{'het begin' if start is None else 'het einde'} van de periode is onbekend{cause}, en de "
                    "voorwaarde is niet op elke dag dezelfde")
        if isinstance(start, date) and isinstance(end, date) and E.last_day(start, end, node.end_counted) is None:
            return f"{self.period_words(node)} heeft geen enkele dag (het einde ligt vóór het begin)"
        when = f"op {self.moment(day)}" if known_day else "op een dag van de periode"
        return f"{when} is de voorwaarde onbekend" + (f": {held}" if held else "")

    def held_on(self, node: E.Throughout, day: date | None) -> str:
        """The values of the gegevens per periode on `day`, each with the day it holds from:
        "de WTZa-toelating is nee (vanaf 1 juli 2023)"."""
        parts = []
        seen: set[str] = set()
        for part in E.walk(node.condition):
            if not isinstance(part, E.OnDay) or part.day is not node.day or part.name in seen:
                continue
            seen.add(part.name)
            value = self.value(part)
            history = self.data.get(part.name)
            since = None
            if day is not None and isinstance(history, tuple):
                since = next((d for d, _ in reversed(history) if d <= day), None)
            if since is not None and since != E.EVERY_DAY and value is not NOT_EVALUATED:
                note = f" (vanaf {self.moment(since)})"
            elif since is None and day is not None and isinstance(history, tuple) and history:
                note = f" (de casus geeft pas een waarde vanaf {self.moment(history[0][0])})"
            else:
                note = ""
            parts.append(f"{self.read(part).label} is {self.fmt(part, value)}{note}")
        return "; ".join(parts)

    def rounding_sentence(self, node: E.Round) -> str:
        """"€ 38,3088 afgerond op centen is € 38,31.": the value before rounding in every digit (an
        amount is otherwise shown in cents, which would hide what was rounded)."""
        return f"{self.exact(node.operand)} {node.words} is {self.fmt(node)}."

    def exact(self, node: E.Expr) -> str:
        """A node's value with every digit it has (`fmt` shows an amount in cents)."""
        value = self.value(node)
        if node.type.kind == "bedrag" and isinstance(value, Decimal):
            return format_amount(value)
        return self.fmt(node, value)

    def unknown(self, node: E.Expr | M.Rule) -> str:
        """"Onbekend: ontbrekende gegevens: a, b."; when no gegeven is missing, the part that made
        it unknown ("Onbekend: deling door nul: aantal_clienten is 0.")."""
        missing = self.missing_in(node)
        if missing:
            return "Onbekend: ontbrekende gegevens: " + ", ".join(missing) + "."
        cause = self.unknown_cause(node)
        return f"Onbekend: {cause}." if cause else "Onbekend."

    def unknown_rule(self, rule: M.Rule, reading: RuleReading) -> str:
        """`unknown(rule)` of a rule whose `RuleReading` is `reading`, ending in the reading's
        `tail` instead of a full stop; the common ways inline: an eis on gegevens alone whose
        missing gegevens are those of its own parts. The sentence of a set of missing gegevens is
        made once per rule (`RuleReading.unknown`): cases of one table mostly miss the same ones."""
        missing = self.missing
        if rule.inputs.isdisjoint(missing):
            found: frozenset[str] | None = frozenset()
        else:
            found = self._by_rule.get(rule.name)
            if found is None and not rule.deps:
                found = self._by_rule[rule.name] = (missing.intersection(reading.own_facts) if reading.plain
                                                    else self._missing_of_own(rule))
            elif found is None:
                found = self._missing_of_rule(rule)
        if found:
            return reading.unknown[found]
        cause = self.unknown_cause(rule)
        return (f"Onbekend: {cause}" if cause else "Onbekend") + reading.tail

    def unknown_cause(self, node: E.Expr | M.Rule) -> str | None:
        """Why a node (or a calculation) with every gegeven known came out unknown: a division by
        zero, a result beyond exact arithmetic or the calendar, or another rule that is unknown;
        the innermost such part, in the order of the text."""
        for root in _bodies(node):
            named = None
            if isinstance(node, M.Timeline):   # its bounds are written inside the rule's own text
                named = {id(node.end): "de uiterste datum", id(node.start): "het begin"}.get(id(root))
            cause = self._unknown_part(root, named)
            if cause:
                return cause
        return None

    def _unknown_part(self, root: E.Expr, named: str | None = None) -> str | None:
        for part in E.walk(root):
            if isinstance(part, E.RuleRef) and self.status_of(part.name) is ONBEKEND:
                rule = self.model.rules[part.name]
                missing = self.missing_in(rule)
                inner = ("ontbrekende gegevens: " + ", ".join(missing)) if missing else self.unknown_cause(rule)
                return f"'{rule.title or part.name}' is onbekend" + (f" ({inner})" if inner else "")
            if isinstance(part, (E.Input, E.Const, E.Peildatum)) or self.value(part) is not None:
                continue
            if isinstance(part, E.Throughout) and self.value(part) is None:   # the day (or the bound) that decided
                return self.throughout_reason(part, None)
            if isinstance(part, E.OnDay):   # no day to read it on, or the history starts after it
                day, history = self.value(part.day), self.data.get(part.name)
                label = part.name
                if not isinstance(day, date):
                    return f"{label} verandert in de tijd en zonder peildatum is niet bekend welke waarde geldt"
                if isinstance(history, tuple) and history:
                    return (f"{label} heeft op {self.moment(day)} nog geen waarde (de casus geeft pas een waarde "
                            f"vanaf {self.moment(history[0][0])})")
                return f"{label} is op {self.moment(day)} niet bekend"
            known = [self.value(c) for c in E.children(part)]
            if any(v is None or v is NOT_EVALUATED for v in known):
                continue   # a part of it is the cause: found further down the walk
            if isinstance(part, E.Arith) and part.op == "/" and known[1] == 0:
                return f"deling door nul: {self.text(part.right)} is 0"
            if isinstance(part, E.YearValue):   # the case gives no value for that year
                return f"{self.year_label(part)} is niet bekend"
            what = named if named and part is root else self.text(part)
            if isinstance(part, E.Shift) and part.unit == "werkdagen":
                return f"{what} valt buiten de jaren waarvoor werkdagen bekend zijn (1966 tot en met 2100)"
            if isinstance(part, E.Shift):
                return f"{what} valt buiten de kalender (jaar 1 tot en met 9999)"
            return f"{self.text(part)} valt buiten wat exact te rekenen is (meer dan 38 cijfers)"
        return None

    def compare_sentence(self, node: E.Compare, value) -> str:
        if isinstance(node, E.PeriodLength) and value is not None:
            return ("Voldoet: " if value else "Voldoet niet: ") + self.period_text(node) + "."
        if value is None:
            missing = self.missing_in(node)
            cause = None if missing else self.unknown_cause(node)
            return "Onbekend: " + (", ".join(missing) + " ontbreekt" if missing else cause or "een waarde is onbekend") + "."
        if value:
            parts = self._compare_parts(node, plain_is=True)
            return ("Voldoet: " + _TEMPLATES_OK.format(**parts)).replace("  ", " ") + "."
        return "Voldoet niet: " + self.reason(node) + "."

    def _compare_parts(self, node: E.Compare, plain_is: bool = False) -> dict[str, str]:
        """The pieces of a comparison's sentence; with `plain_is`, a bare "is" is left out of
        "dat is {words} {rv}" (it would read "dat is is 3")."""
        words = "" if plain_is and node.words == "is" else node.words
        return {"l": self.label(node.left), "lv": self.fmt(node.left), "words": words,
                "rv": self.fmt(node.right) + self.clamp_note(node.right)}

    def describe(self, node: E.Expr) -> str:
        """A short Dutch description of a condition with its value: "<label>: ja"."""
        if self.form(node) in NAMED:
            return f"{self.label(node)}: {self.fmt(node)}"
        return self.text(node)

    def reason(self, node: E.Expr) -> str:
        """Why a condition that came out false is false, without the "Voldoet niet" prefix."""
        form = self.form(node)
        if isinstance(node, E.PeriodLength):
            return self.period_text(node)
        if form is COMPARE:
            assert isinstance(node, E.Compare)
            return _TEMPLATES_FAIL[node.op].format(**self._compare_parts(node)).replace("  ", " ")
        if form is JUNCTION:
            assert isinstance(node, (E.And, E.Or))
            failing = [i for i in node.items if self.value(i) is False]
            return "; ".join(self.reason(i) for i in failing) or self.text(node)
        if form is NOT:
            assert isinstance(node, E.Not)
            return f"het tegendeel geldt: {self.text(node.operand)}"
        if form is KNOWN:
            assert isinstance(node, E.Known)
            return self.known_fact(node)
        if form is MEMBER:
            assert isinstance(node, E.Member)
            return f"{self.label(node.operand)} is {self.fmt(node.operand)}, " + (
                "dat is een van " if node.negated else "dat is geen van ") + ", ".join(
                self.fmt(o) for o in node.options)
        if form is WEEKLY:
            assert isinstance(node, E.Weekly)
            return self.weekly_reason(node)
        if form is SATISFIES:
            ref = node.operand if isinstance(node, E.Not) else node
            assert isinstance(ref, E.RuleRef)
            rule = self.model.rules[ref.name]
            return f"'{rule.title or rule.name}' is {self.status_of(ref.name)}"
        if form is RULE:
            assert isinstance(node, E.RuleRef)
            return f"'{self.label(node)}' is {self.status_of(node.name)}"
        if form is FACT:
            return self.describe(node)
        if form is Form.THROUGHOUT:
            assert isinstance(node, E.Throughout)
            return self.throughout_reason(node, False)
        values = ", ".join(f"{self.label(n)} is {self.fmt(n)}" for n in self.read(node).operands)
        return f"{self.text(node)} klopt niet" + (f" ({values})" if values else "")

    def period_text(self, node: E.PeriodLength, end: Any = NOT_EVALUATED) -> str:
        """"de periode van 1 januari 2020 tot en met 31 december 2020 duurt 1 jaar; ten hoogste één
        jaar": the period with its length in words, then what the policy asks of it. `end`: the
        value of the last day when the caller has it (a termijn's event)."""
        start = self.value(node.start)
        end = self.value(node.end) if end is NOT_EVALUATED else end
        after = end
        if node.end_counted and isinstance(end, date):
            after = end + timedelta(days=1) if end < date.max else None
        until = "tot en met" if node.end_counted else "tot"
        text = f"de periode van {self.fmt(node.start, start)} {until} {self.fmt(node.end, end)}"
        if isinstance(start, date) and isinstance(after, date):
            t = node.length.type
            words = period_length_words(start, after, t.unit or "dagen", t.declared)
            text += f" duurt {words}" if words is not None else " eindigt voordat ze begint"
        length = self.text(node.length) if isinstance(node.length, E.Const) else self.fmt(node.length)
        return f"{text}; {node.words} {length}" if node.words else f"{text}; precies {length}"

    def known_fact(self, node: E.Known) -> str:
        """What `x is bekend` found: "'omzet' is niet bekend" or "'omzet' is bekend: € 200,00"."""
        value = self.value(node.operand)
        if value is None:
            return f"'{self.text(node.operand)}' is niet bekend"
        return f"'{self.text(node.operand)}' is bekend: {self.fmt(node.operand, value)}"

    def weekly_reason(self, node: E.Weekly) -> str:
        value = self.value(node.operand)
        outside_days = value not in (None, NOT_EVALUATED) and value.weekday() not in node.days
        window = node.words.replace("valt op ", "", 1)
        if node.start is not None:
            days, _, hours = window.partition(" van ")
            window = days if outside_days else "van " + hours
        on = "op " if outside_days or node.start is None else ""
        return f"{self.weekly_moment(node)}; dat valt niet {on}{window}"

    def weekly_moment(self, node: E.Weekly) -> str:
        """"<label> is <moment>, een vrijdag" for the operand of `valt op`."""
        value = self.value(node.operand)
        text = f"{self.label(node.operand)} is {self.fmt(node.operand)}"
        if value in (None, NOT_EVALUATED):
            return text
        return f"{text}, een {WEEKDAYS[value.weekday()]}"

    # ------------------------------------------------------------ month ends
    def clamp_note(self, node: E.Expr) -> str:
        """When a calendar-month shift (`1 maand na x`, `x + 1 maand`, `x - 1 maand`, the end of
        a `binnen`/`ten minste voor` termijn) landed on a missing day, say which rule applied."""
        if not isinstance(node, E.Shift) or node.unit != "maanden" or self.value(node) is None:
            return ""  # an unknown shift (its end outside the calendar, say) landed nowhere
        base, amount = self.value(node.base), self.value(node.amount)
        if base in (None, NOT_EVALUATED) or amount in (None, NOT_EVALUATED):
            return ""
        try:
            _, note = calendar_shift(base, amount * node.direction, "maanden")
        except OutsideCalendar:
            return ""
        return f" ({note})" if note else ""

    def month_end_notes(self, shifts: Sequence[E.Shift]) -> str:
        """The month-end notes of these shifts, once each."""
        if not shifts:
            return ""
        return "".join(dict.fromkeys(n for n in map(self.clamp_note, shifts) if n))

    # ------------------------------------------------------------ missing gegevens
    def missing_in(self, node: E.Expr | M.Rule) -> list[str]:
        """The missing gegevens that made a node (or a rule) unknown, sorted: only parts that
        are unknown or were never evaluated are followed, through other rules whose result is
        unknown too (a known part is not the cause)."""
        if node.inputs.isdisjoint(self.missing):
            return []  # nothing it reads is missing, not even through the rules it uses
        if isinstance(node, M.RuleBase):
            found = self._by_rule.get(node.name)   # often known already: a group's eisen, a rule used before
            if found is None and not node.deps:    # the most common: an eis on gegevens alone
                found = self._by_rule[node.name] = self._missing_of_own(node)
            return sorted(found if found is not None else self._missing_of_rule(node))
        return sorted(self._missing_of_expr(node))

    def _missing_of_expr(self, node: E.Expr) -> set[str]:
        missing = self.missing
        if isinstance(node, (E.Input, E.OnDay, E.YearValue)):  # the most common part: `vereist x`
            return {node.name} if node.name in missing else set()
        leaves = self.read(node).leaves
        if leaves is not None:  # the next most common: `x is ten minste 1`, what the walk would find
            if node.inputs.isdisjoint(missing):
                return set()
            value = self._value_of(node, NOT_EVALUATED)
            return {name for name in leaves if name in missing} if value is None or value is NOT_EVALUATED else set()
        found: set[str] = set()
        stack: list[E.Expr] = [node]
        while stack:
            n = stack.pop()
            if isinstance(n, (E.Input, E.OnDay, E.YearValue)):   # a gegeven, also one per periode or per jaar
                if n.name in missing:
                    found.add(n.name)
            elif isinstance(n, E.RuleRef):
                found |= self._missing_through(n.name)
            elif not n.inputs.isdisjoint(missing):
                value = self._value_of(n, NOT_EVALUATED)
                if value is None or value is NOT_EVALUATED:
                    stack.extend(E.children(n))
        return found

    def _missing_through(self, name: str) -> frozenset[str]:
        """What another rule contributes: the missing gegevens behind it when it is unknown."""
        rule = self.model.rules[name]
        unknown = self.status_of(name) is ONBEKEND or (
            rule.kind is RuleKind.CALCULATION and self.outcome.value(name) is None)
        return self._missing_of_rule(rule) if unknown else frozenset()

    def _missing_of_rule(self, rule: M.Rule) -> frozenset[str]:
        """The missing gegevens behind a rule's own parts (and a group's eisen), once per rule.
        The rules it uses come first, one after another in the model's order (dependency order),
        so a long chain of rules each using the next needs no deep recursion."""
        found = self._by_rule.get(rule.name)
        if found is None and not rule.deps:   # the most common: an eis on gegevens alone
            found = self._by_rule[rule.name] = self._missing_of_own(rule)
        elif found is None:
            for name in self._unfollowed(rule.name):
                self._by_rule[name] = self._missing_of_own(self.model.rules[name])
            found = self._by_rule[rule.name]
        return found

    def _unfollowed(self, name: str) -> list[str]:
        """`name` and the rules it uses (directly or through others) not followed yet, in model order."""
        found, stack = {name}, [name]
        while stack:
            for dep in self.model.rules[stack.pop()].deps:
                if dep not in found and dep not in self._by_rule:
                    found.add(dep)
                    stack.append(dep)
        return sorted(found, key=self._index.__getitem__)

    def _missing_of_own(self, rule: M.Rule) -> frozenset[str]:
        missing = self.missing
        if rule.inputs.isdisjoint(missing):
            return frozenset()
        reading = self.wording.rule(rule)
        parts = missing.intersection(reading.own_facts)  # `vereist x`: no walk needed
        if reading.plain:
            return parts
        if reading.flat is not None:   # `vereist x is ten minste 1`: what `_missing_of_expr` finds, inline
            value_of = self._value_of
            for part, names in reading.flat:
                if not part.inputs.isdisjoint(missing):
                    value = value_of(part, NOT_EVALUATED)
                    if value is None or value is NOT_EVALUATED:
                        parts |= missing.intersection(names)
            return parts
        for part in reading.own_rest:
            if not part.inputs.isdisjoint(missing):   # (a part that reads no missing gegeven adds none)
                parts |= self._missing_of_expr(part)
        if isinstance(rule, M.Group):   # its eisen, most of them on gegevens alone (`plain`): done here
            rules, by_rule, read_rule = self.model.rules, self._by_rule, self.wording.rule
            for member in rule.members:
                found = by_rule.get(member)
                if found is None:
                    eis = rules[member]
                    if eis.inputs.isdisjoint(missing):
                        continue
                    own = read_rule(eis)
                    if own.plain:
                        found = by_rule[member] = missing.intersection(own.own_facts)
                    else:
                        found = self._missing_of_rule(eis)
                if found:
                    parts |= found
        return frozenset(parts)


def _bodies(node: E.Expr | M.Rule) -> tuple[E.Expr, ...]:
    """The expressions a rule's own outcome comes from (an expression is its own)."""
    return M.own_expressions(node) if isinstance(node, M.RuleBase) else (node,)
