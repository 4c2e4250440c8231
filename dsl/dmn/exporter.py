"""Beleidstaal → DMN: the beslissingen of a policy as DMN 1.3 XML, from the core model only.

Contract: `export_policy(policy)` takes a core `Policy` and returns DMN 1.3 XML text (namespace
https://www.omg.org/spec/DMN/20191111/MODEL/) that validates against OMG's DMN13.xsd and loads in
dmn-moddle without warnings. Every beslissing becomes a `decision` with a `decisionTable`
(its hit policy as `HitPolicy.dmn` says: `uniek` → UNIQUE, `som` → COLLECT SUM, ...; a `voorrang`
writes its order as the outputValues of the output it orders); a table with several named outcomes
is one decision with an output per outcome, read elsewhere as `table.outcome`; the berekeningen they use become decisions with a
literal expression; the gegevens they read become `inputData` (a `keuze uit` gets an
itemDefinition with its allowed values). The Beleidstaal name is the DMN name (so FEEL refers to
it as written) and the title its `label`. A row's condition is split into its `en`-parts: a part
that tests one gegeven or rule against written values becomes a unary-test cell in that input's
column (`< 5`, `[1..10)`, `"a","b"`, `not("x")`, `true`; a lower and an upper bound on the same
input in one row make one range); any other part becomes a column of its own whose input
expression is the part in FEEL and whose cell is `true`; an untested column is `-`. `anders` is a
last rule of `-` cells under FIRST and the outputs' defaultOutputEntry under any other; a row's
`bron` is its description.

What DMN 1.3 cannot say is refused with a Dutch message at the rule's place in the policy (a
`BeleidError`): `van toepassing als`, eisen, groepen and termijnen used by a beslissing,
`peildatum`, working days, lists, weekly windows, `dag N van`, aggregates, rounding other than half
to even (or whole numbers up or down), and names that are FEEL keywords.

Meaning: where every gegeven a table tests is known, the DMN table gives what the beslissing
gives. Where one is missing, DMN lets the tests on it fail and moves on while Beleidstaal makes
the beslissing onbekend (docs/dmn.md), unless the row says what a missing value means: `x is
bekend` guarding a test of `x` is DMN's own meaning and is left out of the cell, `x is onbekend`
is the cell `null`, `x is bekend` alone `not(null)`, and `(x is onbekend of <test>)` the cell
`null, <test>` (or `<test>` itself where it is a `not(...)`, which holds for null in DMN). So a
table imported with DMN's meaning of missing inputs comes back as the DMN table it was.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, datetime
from decimal import Decimal
from typing import assert_never

import attrs

from dsl.core import expr as E
from dsl.core.expr import Expr, constant_value
from dsl.core.model import Calculation, Decision, HitPolicy, Policy, Row
from dsl.errors import BeleidError, Diagnostic
from dsl.span import Span
from dsl.types import Type

__all__ = ["DMN13", "FEEL13", "export_policy"]

DMN13 = "https://www.omg.org/spec/DMN/20191111/MODEL/"
FEEL13 = "https://www.omg.org/spec/DMN/20191111/FEEL/"
_FEEL_WORDS = frozenset({"true", "false", "null", "not", "and", "or", "if", "then", "else", "for", "some", "every",
                         "in", "function", "instance", "of", "between", "satisfies", "return", "date", "time",
                         "duration", "string", "number", "list", "context"})
_TYPE_REFS = {"bedrag": "number", "percentage": "number", "getal": "number", "aantal": "number",
              "ja/nee": "boolean", "tekst": "string", "datum": "date", "tijdstip": "dateTime"}
_DURATION_REFS = {"dagen": "days and time duration", "seconden": "days and time duration",
                  "maanden": "years and months duration"}
_FEEL_OPS = {"<": "<", "<=": "<=", ">": ">", ">=": ">=", "==": "=", "!=": "!="}
_FLIPPED = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}


class _Refused(Exception):
    def __init__(self, span: Span, message: str):
        super().__init__(message)
        self.span = span
        self.message = message


def _q(local: str) -> str:
    # Elements are built without a namespace and the root declares DMN's as the default: ET's
    # own `default_namespace` refuses the (unqualified) attributes every DMN element has.
    return local


def _sub(parent: ET.Element, local: str, **attributes: str | None) -> ET.Element:
    return ET.SubElement(parent, _q(local), {k: v for k, v in attributes.items() if v is not None})


def _text(parent: ET.Element, local: str, text: str) -> ET.Element:
    holder = _sub(parent, local)
    _sub(holder, "text").text = text
    return holder


def export_policy(policy: Policy) -> str:
    """The policy's beslissingen as DMN 1.3 XML text (see the module contract)."""
    exporter = _Exporter(policy)
    root = exporter.run()
    if exporter.problems:
        raise BeleidError(exporter.problems, policy.filename, policy.text)
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


# ---------------------------------------------------------------- FEEL text

def feel_literal(value, t: Type, span: Span) -> str:
    """A runtime value of type `t` as a FEEL literal."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if t.kind == "duur" and isinstance(value, int):
        letter = {"dagen": "D", "maanden": "M", "seconden": "S"}.get(t.unit or "")
        if letter is None:
            raise _Refused(span, f"een duur in {t.unit}: DMN kent geen werkdagen")
        sign, count = ("-" if value < 0 else ""), abs(value)
        return f'duration("{sign}PT{count}S")' if letter == "S" else f'duration("{sign}P{count}{letter}")'
    if isinstance(value, (int, Decimal)):
        return format(Decimal(value), "f")
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, datetime):
        return f'date and time("{value.replace(tzinfo=None).isoformat(timespec="seconds")}")'
    if isinstance(value, date):
        return f'date("{value.isoformat()}")'
    raise _Refused(span, f"de waarde {value!r} van type {t} kan DMN niet schrijven")


def _name(name: str, span: Span) -> str:
    if name in _FEEL_WORDS:
        raise _Refused(span, f"de naam '{name}' is een sleutelwoord van FEEL; kies een andere naam om te exporteren")
    return name


def _reference(name: str, span: Span, policy: Policy) -> str:
    """A rule as FEEL names it: an outcome of a table with several is a component of the table's
    decision (`contract.soort`)."""
    rule = policy.rules[name]
    if isinstance(rule, Decision) and rule.table is not None:
        return f"{_name(rule.table, span)}.{_name(name, span)}"
    return _name(name, span)


def _decision_name(policy: Policy, name: str) -> str:
    """The DMN decision a rule is part of: its own, or its table's."""
    rule = policy.rules[name]
    return rule.table if isinstance(rule, Decision) and rule.table is not None else name


def feel(expr: Expr, refs: set[str], policy: Policy) -> str:
    """An expression as FEEL (parenthesised where it combines); `refs` collects the rules it uses."""
    match expr:
        case E.Input():
            return _name(expr.name, expr.span)
        case E.RuleRef():
            refs.add(expr.name)
            return _reference(expr.name, expr.span, policy)
        case E.Const():
            return feel_literal(expr.value, expr.type, expr.span)
        case E.Peildatum():
            raise _Refused(expr.span, "peildatum: DMN kent geen evaluatiedatum")
        case E.Compare():
            return f"({feel(expr.left, refs, policy)} {_FEEL_OPS[expr.op]} {feel(expr.right, refs, policy)})"
        case E.Member():
            operand = feel(expr.operand, refs, policy)
            alternatives = " or ".join(f"{operand} = {feel(o, refs, policy)}" for o in expr.options)
            return f"not({alternatives})" if expr.negated else f"({alternatives})"
        case E.Between():
            operand = feel(expr.operand, refs, policy)
            upper = "<=" if expr.high_inclusive else "<"
            return (f"({operand} >= {feel(expr.low, refs, policy)} and "
                    f"{operand} {upper} {feel(expr.high, refs, policy)})")
        case E.And() | E.Or():
            joiner = " and " if isinstance(expr, E.And) else " or "
            return "(" + joiner.join(feel(i, refs, policy) for i in expr.items) + ")"
        case E.Not():
            return f"not({feel(expr.operand, refs, policy)})"
        case E.Known():
            return f"({feel(expr.operand, refs, policy)} {'=' if expr.negated else '!='} null)"
        case E.Arith():
            op = "**" if expr.op == "^" else expr.op
            return f"({feel(expr.left, refs, policy)} {op} {feel(expr.right, refs, policy)})"
        case E.Neg():
            return f"-{feel(expr.operand, refs, policy)}"
        case E.PercentOf():
            return f"({feel(expr.percent, refs, policy)} / 100 * {feel(expr.base, refs, policy)})"
        case E.Round():
            return _round(expr, feel(expr.operand, refs, policy))
        case E.Shift():
            return _shift(expr, feel(expr.base, refs, policy))
        case E.MomentDiff():
            raise _Refused(expr.span, "het verschil tussen twee datums (een duur) kan deze export nog niet schrijven")
        case E.Each():
            raise _Refused(expr.span, "'elk van' over een lijst kan deze export nog niet schrijven")
        case E.Weekly():
            raise _Refused(expr.span, "'valt op' (weekdagen en kloktijden) kan deze export nog niet schrijven")
        case E.DayOf():
            raise _Refused(expr.span, "'dag N van' kan deze export nog niet schrijven")
        case E.ListOf():
            return "[" + ", ".join(feel(i, refs, policy) for i in expr.items) + "]"
        case E.Aggregate():
            raise _Refused(expr.span, f"'{expr.func} van' een lijst kan deze export nog niet schrijven")
        case E.YearDate():
            raise _Refused(expr.span, f"'{expr.text}' hangt af van de peildatum; DMN kent geen evaluatiedatum")
        case E.YearValue():
            raise _Refused(expr.span, "een gegeven met een waarde per jaar (en 'in elk van de afgelopen ... jaar') kan "
                           "deze export niet schrijven: DMN kent geen waarde per jaar en geen evaluatiedatum")
        case E.Versions():
            raise _Refused(expr.span, "een regel met versies hangt af van de peildatum; DMN kent geen evaluatiedatum")
        case E.OnDay() | E.Throughout() | E.PeriodDay():
            raise _Refused(expr.span, "een gegeven met een waarde per periode (en 'gedurende de periode van ...') kan "
                           "deze export niet schrijven: DMN kent geen waarde per periode en geen evaluatiedatum")
        case _:
            assert_never(expr)


def _round(expr: E.Round, operand: str) -> str:
    if expr.mode is E.RoundMode.HALF_EVEN:
        return f"decimal({operand}, {expr.places})"
    if expr.places == 0 and expr.mode is E.RoundMode.DOWN:
        return f"floor({operand})"
    if expr.places == 0 and expr.mode is E.RoundMode.UP:
        return f"ceiling({operand})"
    raise _Refused(expr.span, f"'{expr.words}' ({expr.mode}): DMN 1.3 rondt alleen half naar even af "
                              "(of naar boven/beneden op hele getallen)")


def _shift(expr: E.Shift, base: str) -> str:
    amount = constant_value(expr.amount)
    letter = {"dagen": "D", "maanden": "M", "seconden": "S"}.get(expr.unit)
    if letter is None or amount is None:
        raise _Refused(expr.span, "een verschuiving met werkdagen of met een berekende duur kan deze export nog "
                                  "niet schrijven")
    period = f"PT{amount}S" if letter == "S" else f"P{amount}{letter}"
    return f"({base} {'+' if expr.direction > 0 else '-'} duration(\"{period}\"))"


# ---------------------------------------------------------------- decision tables

@attrs.define
class _Column:
    expression: str
    type_ref: str
    label: str | None
    span: Span


@attrs.frozen
class _Test:
    op: str              # a FEEL comparison, "in", "between", "true", "false", "null", "null-or" (`null, <test>`),
                         # "bekend" (`not(null)`) or "" (the cell text as is)
    text: str


class _Exporter:
    def __init__(self, policy: Policy):
        self.policy = policy
        self.problems: list[Diagnostic] = []
        self.root = ET.Element(_q("definitions"))
        self.inputs: set[str] = set()

    def refuse(self, span: Span, message: str) -> None:
        self.problems.append(Diagnostic("dmn", f"niet naar DMN te exporteren: {message}", span))

    def run(self) -> ET.Element:
        policy = self.policy
        title = policy.title or "beleid"
        self.root.attrib.update({"xmlns": DMN13, "id": "definitions", "name": title, "namespace": f"urn:beleidstaal:{_slug(title)}",
                                 "expressionLanguage": FEEL13, "typeLanguage": FEEL13,
                                 "exporter": "Beleidstaal (beleid dmn exporteer)", "exporterVersion": "1"})
        decisions = [r for r in policy.source_order() if isinstance(r, Decision)]
        if not decisions:
            self.refuse(Span(1, 1, 1, 1), "het beleid heeft geen beslissingen")
        elements: list[ET.Element] = []
        done: set[str] = set()
        todo: list[str] = [d.name for d in decisions]
        while todo:
            name = todo.pop(0)
            if name in done:
                continue
            done.add(name)
            rule = policy.rules[name]
            if isinstance(rule, Decision):
                done.update(rule.outputs)
            element, refs = self.rule(name)
            if element is not None:
                elements.append(element)
            todo += sorted(refs - done)
        self.item_definitions()
        self.root.extend(elements)
        self.input_data()
        return self.root

    def item_definitions(self) -> None:
        for name in sorted(self.inputs, key=lambda n: self.policy.fields[n].index):
            t = self.policy.fields[name].type
            if t.kind == "keuze":
                item = _sub(self.root, "itemDefinition", id=f"t_{name}", name=f"t_{name}")
                _sub(item, "typeRef").text = "string"
                _text(item, "allowedValues", ", ".join(feel_literal(o, t, Span(1, 1, 1, 1)) for o in t.options))

    def input_data(self) -> None:
        for name in sorted(self.inputs, key=lambda n: self.policy.fields[n].index):
            field = self.policy.fields[name]
            try:
                type_ref = self.type_ref(field.type, field.span, name)
            except _Refused as err:
                self.refuse(err.span, f"gegeven '{name}': {err.message}")
                continue
            data = _sub(self.root, "inputData", id=f"i_{name}", name=name, label=field.label)
            _sub(data, "variable", id=f"i_{name}_v", name=name, typeRef=type_ref)

    def type_ref(self, t: Type, span: Span, name: str | None = None) -> str:
        if t.kind == "keuze":
            return f"t_{name}" if name else "string"
        found = _TYPE_REFS.get(t.kind) or (_DURATION_REFS.get(t.unit or "") if t.kind == "duur" else None)
        if found is None:
            raise _Refused(span, f"het type {t} kan deze export nog niet schrijven")
        return found

    def rule(self, name: str) -> tuple[ET.Element | None, set[str]]:
        rule = self.policy.rules[name]
        refs: set[str] = set()
        try:
            if rule.gates:
                raise _Refused(rule.span, f"'{name}' heeft 'van toepassing als'; DMN kent geen 'niet van toepassing'")
            if isinstance(rule, Decision):
                element = self.decision(rule, refs)
            elif isinstance(rule, Calculation) and rule.power is None:
                element = self.head(rule.name, rule.title, rule.source, rule.type, rule.span)
                _text(element, "literalExpression", feel(rule.expr, refs, self.policy)).set("id", f"d_{name}_e")
                self.requirements(element, (rule.expr,), refs)
            else:
                raise _Refused(rule.span, f"een beslissing gebruikt {rule.kind} '{name}'; alleen beslissingen en "
                                          "berekeningen gaan naar DMN")
        except _Refused as err:
            self.refuse(err.span, err.message)
            return None, refs
        return element, refs

    def head(self, name: str, title: str | None, source: str | None, t: Type, span: Span) -> ET.Element:
        element = ET.Element(_q("decision"), {"id": f"d_{_name(name, span)}", "name": name})
        if title:
            element.set("label", title)
        if source:
            _sub(element, "description").text = source
        type_ref = self.type_ref(t, span) if t.kind not in ("keuze", "lijst") else "string" if t.kind == "keuze" else None
        _sub(element, "variable", id=f"d_{name}_v", name=name, typeRef=type_ref)   # a list: no typeRef
        return element

    def requirements(self, element: ET.Element, exprs: tuple[Expr, ...], refs: set[str]) -> None:
        """informationRequirements for the rules used and the gegevens read directly (written
        after the logic, when `refs` is complete), inserted after the variable."""
        read = sorted({n.name for e in exprs for n in E.walk(e) if isinstance(n, E.Input)})
        self.inputs.update(read)
        position = 2 if element.find(_q("description")) is not None else 1
        decisions = sorted({_decision_name(self.policy, r) for r in refs})
        for kind, names, prefix in (("requiredDecision", decisions, "d_"), ("requiredInput", read, "i_")):
            for n in names:
                requirement = ET.Element(_q("informationRequirement"), {"id": f"{element.get('id')}_req_{prefix}{n}"})
                ET.SubElement(requirement, _q(kind), {"href": f"#{prefix}{n}"})
                element.insert(position, requirement)
                position += 1

    def outputs(self, rule: Decision) -> list[Decision]:
        """The beslissingen a table gives: itself, or each outcome of a table with several."""
        found = [self.policy.rules[n] for n in rule.outputs] if rule.outputs else [rule]
        return [d for d in found if isinstance(d, Decision)]

    def decision(self, rule: Decision, refs: set[str]) -> ET.Element:
        outputs = self.outputs(rule)
        name = rule.table or rule.name
        if len(outputs) > 1:   # a structured result: its type is the outputs' component names
            element = ET.Element(_q("decision"), {"id": f"d_{_name(name, rule.span)}", "name": name})
            if rule.title:
                element.set("label", rule.title.removesuffix(f" ({rule.name.replace('_', ' ')})"))
            if rule.source:
                _sub(element, "description").text = rule.source
            _sub(element, "variable", id=f"d_{name}_v", name=name)
        else:
            element = self.head(rule.name, rule.title, rule.source, rule.type, rule.span)
        hit, aggregation = rule.hit_policy.dmn
        table = _sub(element, "decisionTable", id=f"d_{name}_t", hitPolicy=hit, aggregation=aggregation)
        columns: dict[str, _Column] = {}
        cells = [self.row_cells(row, columns, refs) for row in rule.rows]
        for i, column in enumerate(columns.values()):
            clause = _sub(table, "input", id=f"d_{name}_in{i + 1}", label=column.label)
            expression = _sub(clause, "inputExpression", id=f"d_{name}_in{i + 1}_e", typeRef=column.type_ref)
            _sub(expression, "text").text = column.expression
        otherwise = rule.otherwise
        for k, out in enumerate(outputs):
            suffix = f"_out{k + 1}" if len(outputs) > 1 else "_out"
            output = _sub(table, "output", id=f"d_{name}{suffix}", name=out.name, typeRef=self.output_type(out))
            if rule.priority and (rule.priority_output or rule.name) == out.name:   # the order voorrang follows
                _text(output, "outputValues", ", ".join(feel_literal(v, out.rows[0].outcome.type, out.span)
                                                        for v in rule.priority)).set("id", f"d_{name}{suffix}_values")
            if out.otherwise is not None and rule.hit_policy is not HitPolicy.FIRST:
                _text(output, "defaultOutputEntry", feel(out.otherwise.outcome, refs, self.policy)).set(
                    "id", f"d_{name}{suffix}_default")
        rows = list(zip(rule.rows, cells))
        if otherwise is not None and rule.hit_policy is HitPolicy.FIRST:
            rows.append((otherwise, {}))
        for n, (row, row_cells) in enumerate(rows):
            values = [_same_row(out, row).outcome for out in outputs]
            self.table_rule(table, name, n, row, [row_cells.get(k, "-") for k in columns], values, refs)
        own = [e for out in outputs for row in out.all_rows for e in (row.condition, row.outcome) if e is not None]
        self.requirements(element, tuple(own), refs)
        return element

    def output_type(self, out: Decision) -> str:
        """The typeRef of an output column: of one row's outcome (an element of a list result)."""
        t = out.rows[0].outcome.type
        return self.type_ref(t, out.span) if t.kind != "keuze" else "string"

    def table_rule(self, table: ET.Element, name: str, n: int, row: Row, cells: list[str], values: list[Expr],
                   refs: set[str]) -> None:
        element = _sub(table, "rule", id=f"d_{name}_r{n + 1}")
        if row.source:
            _sub(element, "description").text = row.source
        for i, cell in enumerate(cells):
            _text(element, "inputEntry", cell).set("id", f"d_{name}_r{n + 1}_i{i + 1}")
        for k, value in enumerate(values):
            suffix = f"_o{k + 1}" if len(values) > 1 else "_o"
            _text(element, "outputEntry", feel(value, refs, self.policy)).set("id", f"d_{name}_r{n + 1}{suffix}")

    def row_cells(self, row: Row, columns: dict[str, _Column], refs: set[str]) -> dict[str, str]:
        """The cells of one row, by column key (columns are added as they are first met)."""
        if row.condition is None:
            return {}
        parts = row.condition.items if isinstance(row.condition, E.And) else (row.condition,)
        tests: dict[str, list[_Test]] = {}
        for part in parts:
            key, test = self.classify(part, columns, refs)
            tests.setdefault(key, []).append(test)
        cells: dict[str, str] = {}
        for key, found in tests.items():
            found = _without_guards(found)
            merged = _merge(found)
            if merged is not None:
                cells[key] = merged
                continue
            cells[key] = found[0].text   # several tests on one input that make no range: one column each
            for extra in found[1:]:
                extra_key = f"{key}#{len(columns)}"
                columns[extra_key] = attrs.evolve(columns[key])
                cells[extra_key] = extra.text
        return cells

    def classify(self, part: Expr, columns: dict[str, _Column], refs: set[str]) -> tuple[str, _Test]:
        """The column a condition part tests and its cell test."""
        found = _simple_test(part)
        if found is not None:
            operand, test = found
            key = f"{type(operand).__name__}:{operand.name}"
            if key not in columns:
                label = None
                if isinstance(operand, E.Input):
                    label = self.policy.fields[operand.name].label
                    type_ref = self.type_ref(operand.type, operand.span, operand.name)
                else:
                    refs.add(operand.name)
                    type_ref = self.type_ref(operand.type, operand.span) if operand.type.kind != "keuze" else "string"
                columns[key] = _Column(_reference(operand.name, operand.span, self.policy) if isinstance(
                    operand, E.RuleRef) else _name(operand.name, operand.span), type_ref, label, operand.span)
            return key, test
        text = feel(part, refs, self.policy)
        key = f"expr:{text}"
        columns.setdefault(key, _Column(text, "boolean", None, part.span))
        return key, _Test("true", "true")


def _same_row(output: Decision, row: Row) -> Row:
    """The row of another outcome of the same table that stands where `row` stands."""
    if row.condition is None:
        assert output.otherwise is not None   # every outcome of a table has `anders` when one has
        return output.otherwise
    return output.rows[row.index]


def _simple_test(part: Expr) -> tuple[E.Input | E.RuleRef, _Test] | None:
    """(operand, unary test) when `part` tests one gegeven or rule against written values."""
    match part:
        case E.Known(operand=E.Input() | E.RuleRef() as operand):
            return operand, (_Test("null", "null") if part.negated else _Test("bekend", "not(null)"))
        case E.Or(items=(E.Known(negated=True, operand=E.Input() | E.RuleRef() as operand), other)):
            found = _simple_test(other)   # `(x is onbekend of <test of x>)`: DMN's `null, <test>`
            if found is None or type(found[0]) is not type(operand) or found[0].name != operand.name:
                return None
            test = found[1]
            return operand, (test if _holds_for_null(test) else _Test("null-or", f"null, {test.text}"))
        case E.Input() | E.RuleRef() if part.type.kind == "ja/nee":
            return part, _Test("true", "true")
        case E.Not(operand=E.Input() | E.RuleRef() as operand) if operand.type.kind == "ja/nee":
            return operand, _Test("false", "false")
        case E.Compare():
            if _operand(part.left) and _constant(part.right):
                return part.left, _compare_test(part.op, part.right)   # type: ignore[return-value]
            if _operand(part.right) and _constant(part.left):
                return part.right, _compare_test(_FLIPPED[part.op], part.left)   # type: ignore[return-value]
        case E.Member() if _operand(part.operand) and all(_constant(o) for o in part.options):
            options = ",".join(_literal(o) for o in part.options)
            return part.operand, _Test("in", f"not({options})" if part.negated else options)   # type: ignore[return-value]
        case E.Between() if _operand(part.operand) and _constant(part.low) and _constant(part.high):
            close = "]" if part.high_inclusive else ")"
            return part.operand, _Test("between", f"[{_literal(part.low)}..{_literal(part.high)}{close}")  # type: ignore[return-value]
    return None


def _holds_for_null(test: _Test) -> bool:
    """Whether DMN's cell holds for a missing (null) input: `null`, and a `not(...)` of written
    values (FEEL's `null = v` is false, so none of them holds and the negation does)."""
    return test.op in ("null", "null-or") or test.text.startswith("not(")


def _without_guards(tests: list[_Test]) -> list[_Test]:
    """The tests of one input in one row without its `is bekend` guards where another test makes
    them DMN's own meaning (a test that does not hold for a missing input)."""
    others = [t for t in tests if t.op != "bekend"]
    if others and len(others) < len(tests) and not any(_holds_for_null(t) for t in others):
        return others
    return tests


def _operand(expr: Expr) -> bool:
    return isinstance(expr, (E.Input, E.RuleRef))


def _constant(expr: Expr) -> bool:
    return isinstance(expr, E.Const) or (isinstance(expr, E.Neg) and isinstance(expr.operand, E.Const))


def _literal(expr: Expr) -> str:
    value = constant_value(expr)
    return feel_literal(value, expr.type, expr.span)


def _compare_test(op: str, value: Expr) -> _Test:
    literal = _literal(value)
    if op == "==":
        return _Test("=", literal)
    if op == "!=":
        return _Test("!=", f"not({literal})")
    return _Test(op, f"{_FEEL_OPS[op]} {literal}")


def _merge(tests: list[_Test]) -> str | None:
    """One cell for the tests of a row on one input: the test itself, or a lower and an upper
    bound as a range (`>= 1` and `< 10` → `[1..10)`); None when they make no single cell."""
    if len(tests) == 1:
        return tests[0].text
    if len(tests) != 2:
        return None
    low = next((t for t in tests if t.op in (">", ">=")), None)
    high = next((t for t in tests if t.op in ("<", "<=")), None)
    if low is None or high is None:
        return None
    opening = "[" if low.op == ">=" else "("
    closing = "]" if high.op == "<=" else ")"
    return f"{opening}{low.text.split(' ', 1)[1]}..{high.text.split(' ', 1)[1]}{closing}"


def _slug(title: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in title.lower()).strip("-") or "beleid"
