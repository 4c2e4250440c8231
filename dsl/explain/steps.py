"""Steps of an explanation for conditions: values, rule text and a Dutch sentence per step.

Contract: `Explainer(outcome)` reads the outcome's one trace (evaluating again with a trace if
it has none) and answers, for any expression node of the policy, its value, its text as
written, how its operands are called, and a Dutch sentence saying why it came out as it did.
A node that was never evaluated (Kleene short-circuit) is "niet bekeken"; an unknown one names
the missing gegevens it depends on. Rule-level views are in `dsl.explain`.
"""

from __future__ import annotations

import attrs

from dsl import ast
from dsl import types as T
from dsl.literals import WEEKDAYS
from dsl.runtime.calendar import shift as calendar_shift
from dsl.runtime.formatting import format_duration_count, format_value

NOT_EVALUATED = object()
_TEMPLATES_FAIL = {
    "<=": "{l} is {lv}, {words} {rv} is toegestaan",
    ">=": "{l} is {lv}, {words} {rv} is vereist",
    "<": "{l} is {lv}, dat moet {words} {rv} zijn",
    ">": "{l} is {lv}, dat moet {words} {rv} zijn",
    "==": "{l} is {lv}, niet {rv}",
    "!=": "{l} is {lv}, dat mag niet",
}
_TEMPLATES_OK = "{l} is {lv}, dat is {words} {rv}"


@attrs.frozen
class Step:
    """One step of an explanation: what was evaluated, with which values, and what came out."""

    kind: str                 # eis, groep, beslissing, termijn, berekening, or "voorwaarde"
    name: str | None
    text: str                 # the rule text as written in the policy
    result: str               # a Dutch result word: voldaan, ja, nee, onbekend, niet bekeken, ...
    sentence: str             # one Dutch sentence saying why
    values: tuple = ()        # (what, formatted value) pairs
    source: str | None = None
    span: ast.Span | None = None
    children: tuple = ()


class Explainer:
    def __init__(self, outcome):
        if outcome.trace is None:
            outcome = outcome.policy.evaluate(outcome.case, trace=True)
        self.outcome = outcome
        self.policy = outcome.policy
        self.model = outcome.policy.model
        nodes = outcome.policy.compiled.nodes
        self.values = {id(nodes[i]): v for i, v in outcome.trace}
        self.lines = self.model.policy.text.splitlines()

    # ------------------------------------------------------------ values and text
    def value(self, node):
        if isinstance(node, ast.Literal):
            return _literal_value(node)
        if isinstance(node, ast.Name) and node.name in self.model.fields:
            return self.outcome.case.data.get(node.name)
        if isinstance(node, ast.Peildatum):
            return self.outcome.case.peil
        return self.values.get(id(node), NOT_EVALUATED)

    def fmt(self, node, value=NOT_EVALUATED) -> str:
        value = self.value(node) if value is NOT_EVALUATED else value
        if value is NOT_EVALUATED:
            return "niet bekeken"
        t = self.model.types.get(node)
        if value is None:
            return "onbekend"
        if t is None:
            return str(value)
        if t.kind == "duur":
            return format_duration_count(value, t)
        if t.kind == "lijst":
            return "[" + "; ".join(format_value(v, t.element.kind) if t.element.kind != "duur"
                                   else format_duration_count(v, t.element) for v in value) + "]"
        if t.kind == "getal" and isinstance(value, int):
            return format_value(value, "aantal")
        if t.kind in ("tekst", "keuze"):
            return f'"{value}"'
        return format_value(value, t.kind)

    def text(self, node) -> str:
        """The policy text of a node's span, on one line."""
        span = node.span
        if not span or not span.line:
            return ""
        if span.line == span.end_line:
            return self.lines[span.line - 1][span.column - 1:span.end_column]
        parts = [self.lines[span.line - 1][span.column - 1:]]
        parts += self.lines[span.line:span.end_line - 1]
        parts.append(self.lines[span.end_line - 1][:span.end_column])
        return " ".join(" ".join(p.split()) for p in parts)

    def label(self, node) -> str:
        """How a value is called in a sentence: a gegeven's label, else its name in words;
        a written value is "grens" (the threshold it is compared with)."""
        if isinstance(node, ast.Literal):
            return "grens"
        if isinstance(node, ast.Name):
            if node.name in self.model.fields:
                field = self.model.fields[node.name][0]
                return field.label or node.name.replace("_", " ")
            rule = self.model.rules.get(node.name)
            title = getattr(rule.node, "title", None) if rule else None
            return title or node.name.replace("_", " ")
        if isinstance(node, ast.Peildatum):
            return "de peildatum"
        return self.text(node)

    @staticmethod
    def result_word(value) -> str:
        if value is NOT_EVALUATED:
            return "niet bekeken"
        return {True: "ja", False: "nee", None: "onbekend"}.get(value, str(value))

    # ------------------------------------------------------------ conditions
    def condition(self, node) -> Step:
        value = self.value(node)
        children, values = (), ()
        if isinstance(node, ast.BoolOp):
            children = tuple(self.condition(i) for i in node.items)
        elif isinstance(node, ast.Not):
            children = (self.condition(node.operand),)
        else:
            values = tuple((self.label(n), self.fmt(n)) for n in _operands(node))
        word = self.result_word(value) if value is NOT_EVALUATED or isinstance(value, bool) or value is None \
            else self.fmt(node, value)
        return Step("voorwaarde", None, self.text(node), word,
                    self.sentence(node, value), values, None, node.span, children)

    def sentence(self, node, value) -> str:
        if value is NOT_EVALUATED:
            return "Niet bekeken: de uitkomst lag al vast."
        if isinstance(node, ast.Compare):
            return self.compare_sentence(node, value)
        if isinstance(node, ast.Shift) or isinstance(node, ast.DayOf):
            return f"{self.text(node)} is {self.fmt(node)}" + self.clamp_note(node)
        if value is None and isinstance(node, ast.Weekly) and self.value(node.operand) not in (None, NOT_EVALUATED):
            return f"Onbekend: {self.weekly_moment(node)}, maar de kloktijd ontbreekt."
        if value is None:
            missing = self.missing_in(node)
            return "Onbekend" + (": ontbrekende gegevens: " + ", ".join(missing) + "." if missing else ".")
        if isinstance(node, ast.Name) and isinstance(value, bool):
            return ("Voldoet: " if value else "Voldoet niet: ") + self.describe(node) + "."
        if value is False:
            return f"Klopt niet: {self.reason(node)}."
        if value is True and isinstance(node, ast.Weekly):
            return f"Klopt: {self.weekly_moment(node)}; dat {node.words}."
        if value is True and isinstance(node, ast.Member):
            return (f"Klopt: {self.label(node.operand)} is {self.fmt(node.operand)}, dat is "
                    + ("geen" if node.negated else "een") + " van " + ", ".join(self.fmt(o) for o in node.options) + ".")
        if value is True:
            return f"Klopt: {self.text(node)}."
        return f"{self.text(node)} is {self.fmt(node)}."

    def compare_sentence(self, node: ast.Compare, value) -> str:
        if value is None:
            missing = self.missing_in(node)
            return "Onbekend: " + (", ".join(missing) + " ontbreekt" if missing else "een waarde is onbekend") + "."
        parts = dict(l=self.label(node.left), lv=self.fmt(node.left), words=node.words,
                     rv=self.fmt(node.right) + self.clamp_note(node.right))
        if node.words == "is":
            parts["words"] = ""
        if value:
            return ("Voldoet: " + _TEMPLATES_OK.format(**parts)).replace("  ", " ") + "."
        return "Voldoet niet: " + self.reason(node) + "."

    def describe(self, node) -> str:
        """A short Dutch description of a condition with its value: "<label>: ja"."""
        if isinstance(node, ast.Name):
            return f"{self.label(node)}: {self.fmt(node)}"
        return self.text(node)

    def reason(self, node) -> str:
        """Why a condition that came out false is false, without the "Voldoet niet" prefix."""
        if isinstance(node, ast.Compare):
            parts = dict(l=self.label(node.left), lv=self.fmt(node.left), words=node.words,
                         rv=self.fmt(node.right) + self.clamp_note(node.right))
            return _TEMPLATES_FAIL[node.op].format(**parts).replace("  ", " ")
        if isinstance(node, ast.BoolOp):
            failing = [i for i in node.items if self.value(i) is False]
            return "; ".join(self.reason(i) for i in failing) or self.text(node)
        if isinstance(node, ast.Not):
            return f"het tegendeel geldt: {self.text(node.operand)}"
        if isinstance(node, ast.Member):
            return f"{self.label(node.operand)} is {self.fmt(node.operand)}, " + (
                "dat is een van " if node.negated else "dat is geen van ") + ", ".join(
                self.fmt(o) for o in node.options)
        if isinstance(node, ast.Weekly):
            value = self.value(node.operand)
            outside_days = value not in (None, NOT_EVALUATED) and value.weekday() not in node.days
            window = node.words.replace("valt op ", "", 1)
            if node.start is not None:
                days, _, hours = window.partition(" van ")
                window = days if outside_days else "van " + hours
            return f"{self.weekly_moment(node)}; dat valt niet {'op ' if outside_days or node.start is None else ''}{window}"
        if isinstance(node, ast.Satisfies):
            rule = self.model.rules[node.name]
            status = self.outcome.results[node.name].status
            return f"'{getattr(rule.node, 'title', node.name)}' is {status}"
        if isinstance(node, ast.Name) and node.name in self.model.rules:
            return f"'{self.label(node)}' is {self.outcome.results[node.name].status}"
        if isinstance(node, ast.Name):
            return self.describe(node)
        values = ", ".join(f"{label} is {value}" for label, value in
                           ((self.label(n), self.fmt(n)) for n in _operands(node)))
        return f"{self.text(node)} klopt niet" + (f" ({values})" if values else "")

    def weekly_moment(self, node: ast.Weekly) -> str:
        """"<label> is <moment>, een vrijdag" for the operand of `valt op`."""
        value = self.value(node.operand)
        text = f"{self.label(node.operand)} is {self.fmt(node.operand)}"
        if value in (None, NOT_EVALUATED):
            return text
        return f"{text}, een {WEEKDAYS[value.weekday()]}"

    def clamp_note(self, node) -> str:
        """When a calendar-month shift (`1 maand na x`, `x + 1 maand`, `x - 1 maand`) landed on a
        missing day, say which rule applied."""
        if isinstance(node, ast.Shift):
            base_node, amount_node, direction = node.base, node.amount, node.direction
        elif isinstance(node, ast.Arith) and node.op in "+-":
            base_node, amount_node, direction = node.left, node.right, 1 if node.op == "+" else -1
        else:
            return ""
        amount_t = self.model.types.get(amount_node)
        base_t = self.model.types.get(base_node)
        if amount_t is None or amount_t.kind != "duur" or amount_t.unit != "maanden":
            return ""
        if base_t is None or base_t.kind not in T.MOMENTS:
            return ""
        base, amount = self.value(base_node), self.value(amount_node)
        if base in (None, NOT_EVALUATED) or amount in (None, NOT_EVALUATED):
            return ""
        _, note = calendar_shift(base, amount * direction, "maanden")
        return f" ({note})" if note else ""

    def clamp_notes(self, node) -> str:
        """The month-end notes of every calendar-month shift inside `node`, once each."""
        notes = [self.clamp_note(n) for n in ast.walk(node)]
        return "".join(dict.fromkeys(n for n in notes if n))

    def missing_in(self, node) -> list[str]:
        """The missing gegevens that made a node unknown: only unknown parts are followed,
        through other rules whose result is unknown too."""
        found: set[str] = set()
        seen: set[str] = set()

        def walk(n):
            if isinstance(n, tuple):
                for item in n:
                    walk(item)
                return
            if not attrs.has(type(n)) or isinstance(n, ast.Span):
                return
            if isinstance(n, (ast.Name, ast.Satisfies)):
                self._missing_name(n.name, found, seen, walk)
                return
            value = self.values.get(id(n), NOT_EVALUATED)
            if value is not None and value is not NOT_EVALUATED and not _is_rule(n):
                return  # a known part is not the cause
            for field in attrs.fields(type(n)):
                walk(getattr(n, field.name))

        walk(node)
        return sorted(found)

    def _missing_name(self, name, found, seen, walk) -> None:
        if name in self.outcome.case.missing:
            found.add(name)
        elif name in self.model.rules and name not in seen:
            seen.add(name)
            result = self.outcome.results[name]
            if result.status == "onbekend" or (result.kind == "berekening" and result.value is None):
                walk(self.model.rules[name].node)


def _is_rule(node) -> bool:
    return isinstance(node, (ast.Requirement, ast.Group, ast.Calculation, ast.Decision, ast.Timeline,
                             ast.Row, ast.Meta, ast.Exception_))


def _literal_value(node: ast.Literal):
    if node.kind == "duur":
        amount, unit = node.value
        return amount * T.DURATION_FAMILY[unit][1]
    return node.value


def _operands(node) -> tuple:
    if isinstance(node, ast.Compare):
        return (node.left, node.right)
    if isinstance(node, ast.Member):
        return (node.operand,)
    if isinstance(node, ast.Between):
        return (node.operand, node.low, node.high)
    if isinstance(node, ast.Each):
        return (node.collection, node.right)
    if isinstance(node, ast.Weekly):
        return (node.operand,)
    return ()

