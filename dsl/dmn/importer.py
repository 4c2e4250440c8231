"""DMN → Beleidstaal: a DMN model as a readable `.beleid`, or Dutch messages naming what is missing.

Contract: `import_model(model)` takes a `dsl.dmn.xml.Model` and returns an `Imported`: the policy
text (checked: it compiles, else the problem is reported), the mapping of every DMN name to its
Beleidstaal name (kept in the text as a comment block too) and the type of every gegeven. The
translation:
  - inputData → `gegevens`, typed from their typeRef (through itemDefinitions; a string type with
    allowed values becomes `keuze uit`); an input without a type gets the type its table cells
    imply (strings, numbers, booleans, dates), else `tekst`;
  - a decision table → a `beslissing` with its hit policy in Dutch: UNIQUE `(uniek)`, FIRST
    `(eerste treffer)`, ANY `(om het even)`, PRIORITY `(voorrang "a", "b")` and OUTPUT ORDER
    `(alle, op volgorde van voorrang ...)` in the order of the outputValues (of the first output that
    has them), COLLECT with SUM, COUNT, MIN, MAX `(som)`, `(aantal)`, `(minimum)`, `(maximum)`,
    COLLECT `(alle)` and RULE ORDER `(alle, in regelvolgorde)` (the short forms U, F, A, P, C, R, O
    too); each rule a row `als <cell> en <cell> ... dan <output>`; several outputs are named
    outcomes (`dan status = "Approved", rate = "Best"`, each name in the mapping), and FEEL's
    `Decision.Output` is that name; `-` cells leave their input untested; a rule of only `-` cells is
    `anders` under FIRST (rules after it never apply; `als ja` when it is the first) and `als ja`
    otherwise; the defaultOutputEntries are `anders`;
  - a literal expression that is a FEEL simple expression → a `berekening`;
  - a name with spaces or capitals → a lower-case identifier with underscores ("Approval Status" →
    `approval_status`, "isAffordable" → `is_affordable`), never a keyword, never taken twice.
Everything else (PRIORITY without outputValues, an unnamed output beside others, boxed contexts, invocations, business
knowledge models, imports, structured or list types, FEEL beyond simple tests and expressions) is
refused: a `BeleidError` whose diagnostics each name the DMN element (kind, name or id, place in
the DMN file) and what Beleidstaal lacks for it. All problems of a model are reported at once.

Null semantics, a choice per table (`NullChoice`): in DMN a test on a missing input does not hold
and the table moves on; in Beleidstaal a row whose condition is unknown makes the decision
`onbekend`. Under "dmn" (the default) every cell is guarded (`feel.guarded_tests`: `x is bekend en
x is kleiner dan 5`, or `(x is onbekend of ...)` for a cell FEEL lets hold on null, such as
`not("a")`), so the imported table gives DMN's answer for a missing input too; under "beleidstaal"
the cells are written as they are and a missing input makes the decision onbekend. The header of
the text says which meaning each table has (`NULL_NOTES`); `Imported.nulls` records it. A cell
`null` is `x is onbekend` under both. For cases whose inputs are all given the two are the same.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable, Mapping

import attrs

from dsl.dmn import feel
from dsl.dmn.xml import DecisionTable, DmnDecision, DmnInput, LiteralExpression, Model, TableRule, Unsupported
from dsl.errors import BeleidError, Diagnostic
from dsl.span import Span

__all__ = ["NULL_NOTES", "NULL_SEMANTICS", "Imported", "NullChoice", "identifier", "import_model"]

DMN_NULLS, BELEIDSTAAL_NULLS = "dmn", "beleidstaal"
NULL_SEMANTICS = (DMN_NULLS, BELEIDSTAAL_NULLS)
NULL_NOTES = {
    DMN_NULLS: "een test op een ontbrekend gegeven geldt niet en de tabel gaat verder (elke test is "
               "bewaakt met 'is bekend')",
    BELEIDSTAAL_NULLS: "een regel die een ontbrekend gegeven test, maakt de beslissing onbekend (tenzij een "
                       "ander deel van de regel al nee is)",
}
_MEANING_NAMES = {DMN_NULLS: "als in DMN", BELEIDSTAAL_NULLS: "als in Beleidstaal"}


@attrs.frozen
class NullChoice:
    """Which meaning a missing input has in each imported table: `default` ("dmn" or
    "beleidstaal") for every table, `tables` for some (by the DMN name of the decision or its
    Beleidstaal name)."""

    default: str = DMN_NULLS
    tables: Mapping[str, str] = attrs.field(factory=dict)

_HIT_POLICIES = {"UNIQUE": "uniek", "FIRST": "eerste treffer", "ANY": "om het even", "COLLECT": "alle",
                 "RULE ORDER": "alle, in regelvolgorde", "COLLECT SUM": "som", "COLLECT COUNT": "aantal",
                 "COLLECT MIN": "minimum", "COLLECT MAX": "maximum"}
_ORDERED_HIT_POLICIES = {"PRIORITY": "voorrang", "OUTPUT ORDER": "alle, op volgorde van voorrang"}
_SHORT_HIT_POLICIES = {"U": "UNIQUE", "F": "FIRST", "A": "ANY", "P": "PRIORITY", "C": "COLLECT", "R": "RULE ORDER",
                       "O": "OUTPUT ORDER"}
_BASE_TYPES = {"number": "getal", "string": "tekst", "boolean": "ja/nee", "date": "datum", "dateTime": "tijdstip",
               "date and time": "tijdstip"}
_MISSING_TYPES = {"time": "een tijd van de dag (time)", "dayTimeDuration": "een duur (days and time duration)",
                  "days and time duration": "een duur (days and time duration)",
                  "yearMonthDuration": "een duur (years and months duration)",
                  "years and months duration": "een duur (years and months duration)",
                  "context": "een context", "list": "een lijst", "function": "een functie"}
_KINDS = {"inputData": "invoer", "decision": "beslissing", "decisionTable": "beslistabel", "rule": "regel",
          "input": "invoerkolom", "output": "uitvoerkolom", "literalExpression": "uitdrukking",
          "itemDefinition": "type", "businessKnowledgeModel": "business knowledge model",
          "decisionService": "decision service", "import": "import", "context": "boxed context",
          "invocation": "invocation", "relation": "relation", "list": "boxed list",
          "functionDefinition": "functiedefinitie", "conditional": "boxed conditional", "filter": "boxed filter",
          "iterator": "boxed iterator", "for": "boxed for", "every": "boxed every", "some": "boxed some"}


@attrs.frozen
class Imported:
    """The result of an import: the policy text, DMN name → Beleidstaal name for the inputs and
    the decisions, and each gegeven's Beleidstaal type ("getal", "tekst", "keuze", ...)."""

    text: str
    inputs: dict[str, str]
    decisions: dict[str, str]
    types: dict[str, str]
    # of a decision table with several outputs: DMN output name -> the Beleidstaal name of that outcome
    outputs: dict[str, dict[str, str]] = attrs.Factory(dict)
    # of each imported table (by its Beleidstaal name): the meaning of a missing input, "dmn" or "beleidstaal"
    nulls: dict[str, str] = attrs.Factory(dict)


def import_model(model: Model, check: bool = True, nulls: NullChoice | None = None) -> Imported:
    """The model as Beleidstaal (see the module contract); with `check`, the text is compiled
    first so a translation Beleidstaal refuses is reported here, as an import problem. `nulls`
    chooses the meaning of a missing input per table (DMN's by default)."""
    translator = _Translator(model, nulls or NullChoice())
    imported = translator.run()
    if translator.problems:
        raise BeleidError(translator.problems, model.filename, model.text)
    if check:
        _compile(imported, model)
    return imported


def identifier(name: str, taken: Iterable[str] = ()) -> str:
    """A Beleidstaal name for a DMN name: lower case, words joined by `_`, camelCase split, not a
    keyword and not in `taken` (a number is added then).

    >>> identifier("Approval Status"), identifier("isAffordable"), identifier("Monthly Salary (EUR)")
    ('approval_status', 'is_affordable', 'monthly_salary_eur')
    >>> identifier("is"), identifier("2nd input"), identifier("age", ["age"])
    ('is_dmn', 'n_2nd_input', 'age_2')
    """
    text = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name)
    text = re.sub(r"[^0-9a-zA-Z_\u00C0-\u024F]+", "_", text).strip("_").lower()
    text = re.sub(r"_+", "_", text) or "naam"
    if not re.match(r"[a-zA-Z_\u00C0-\u024F]", text):
        text = "n_" + text
    if _is_keyword(text):
        text += "_dmn"
    base, n, taken = text, 1, set(taken)
    while text in taken:
        n += 1
        text = f"{base}_{n}"
    return text


def _is_keyword(text: str) -> bool:
    from dsl.vocabulary import vocabulary

    return any(re.fullmatch(p.pattern, text, re.IGNORECASE) for p in vocabulary().phrases)


def _compile(imported: Imported, model: Model) -> None:
    from dsl.policy import compile_text

    try:
        compile_text(imported.text, model.filename + " (als beleid)")
    except BeleidError as err:
        raise BeleidError([Diagnostic("dmn", "het model kon niet als beleid worden geschreven:\n" + err.render())],
                          model.filename) from None


# ---------------------------------------------------------------- the translation

def _string(text: str) -> str:
    return '"' + " ".join(text.split()).replace("\\", "/").replace('"', '\\"') + '"'


class _Translator:
    def __init__(self, model: Model, nulls: NullChoice):
        self.model = model
        self.problems: list[Diagnostic] = []
        self.inputs: dict[str, str] = {}
        self.decisions: dict[str, str] = {}
        self.taken: list[str] = []
        taken = self.taken
        items: list[DmnInput | DmnDecision] = [*model.inputs, *model.decisions]
        for item in items:
            target = self.inputs if isinstance(item, DmnInput) else self.decisions
            target[item.name] = identifier(item.name, taken)
            taken.append(target[item.name])
        self.scope = (*self.inputs, *self.decisions)
        self.types: dict[str, str] = {}
        self.type_text: dict[str, str] = {}
        self.outputs: dict[str, dict[str, str]] = {}
        self.names = _Names(self)
        self.helpers: list[str] = []   # the beslissingen that FEEL's max, min and sum became
        self.nulls = self.null_choices(nulls)   # by DMN decision name, for every decision table

    def null_choices(self, nulls: NullChoice) -> dict[str, str]:
        """The meaning of a missing input per decision table (by DMN name); a choice that names
        no table of the model, or no meaning, is a problem."""
        tables = [d.name for d in self.model.decisions if isinstance(d.logic, DecisionTable)]
        by_name = {**{self.decisions[t]: t for t in tables}, **{t: t for t in tables}}
        chosen = dict.fromkeys(tables, nulls.default)
        for meaning in {nulls.default, *nulls.tables.values()} - set(NULL_SEMANTICS):
            self.problems.append(Diagnostic("dmn", f"'{meaning}' is geen betekenis van ontbrekende gegevens "
                                                   "(kies dmn of beleidstaal)"))
        for name, meaning in nulls.tables.items():
            if name in by_name:
                chosen[by_name[name]] = meaning
                continue
            known = ", ".join(self.decisions[t] for t in tables) or "geen"
            self.problems.append(Diagnostic("dmn", f"'{name}' is geen beslistabel van het model "
                                                   f"(de beslistabellen: {known})"))
        return chosen

    def refuse(self, kind: str, ident: str | None, name: str | None, span: Span, what: str) -> None:
        label = _KINDS.get(kind, kind)
        named = f" '{name}'" if name else ""
        named += f" (id {ident})" if ident else ""
        self.problems.append(Diagnostic("dmn", f"{label}{named}: niet te importeren: {what}", span))

    def aggregate(self, function: str, args: list[str]) -> str:
        """FEEL `max(a, b)`, `min(...)`, `sum(...)` over written arguments: a beslissing that collects
        them (`(maximum)`, `(minimum)`, `(som)`, a row `als ja dan a` per argument); its name."""
        words = {"max": "maximum", "min": "minimum", "sum": "som"}[function]
        name = identifier(f"{words} {len(self.helpers) + 1}", self.taken)
        self.taken.append(name)
        title = _string(f"{function}({', '.join(args)})")
        self.helpers.append("\n".join([f"beslissing {name} {title} ({words})",
                                       *(f"  als ja dan {a}" for a in args)]))
        return name

    def rename(self, name: str) -> str:
        found = self.inputs.get(name) or self.decisions.get(name)
        whole, _, part = name.partition(".")
        if found is None and part:
            found = self.outputs.get(whole, {}).get(part)
            if found is None:
                raise feel.FeelUnsupported(f"gestructureerde invoer ('{whole}.…')")
        if found is None:
            raise feel.FeelUnsupported(f"de naam '{name}', die geen invoer of beslissing van het model is")
        return found

    def run(self) -> Imported:
        for other in self.model.others:
            self.refuse(other.kind, other.id, other.name, other.span, _other_reason(other))
        for data in self.model.inputs:
            self.input_type(data)
        sections = [self.decision(d) for d in self.model.decisions]
        text = self.assemble([*self.helpers, *(s for s in sections if s)])
        nulls = {self.decisions[name]: meaning for name, meaning in self.nulls.items()}
        return Imported(text, dict(self.inputs), dict(self.decisions), dict(self.types), dict(self.outputs), nulls)

    # ------------------------------------------------------------ gegevens

    def input_type(self, data: DmnInput) -> None:
        name = self.inputs[data.name]
        try:
            kind, text = self.resolve(data.type_ref, set())
        except feel.FeelUnsupported as err:
            self.refuse("inputData", data.id, data.name, data.span, f"type: {err.reason}")
            return
        if kind is None:
            kind = self.inferred(data.name) or "tekst"
            text = kind
        self.types[name], self.type_text[name] = kind, text or kind

    def resolve(self, type_ref: str | None, seen: set[str]) -> tuple[str | None, str | None]:
        """(kind, type text) of a typeRef; (None, None) when it does not say."""
        if type_ref is None or type_ref in ("Any", "any"):
            return None, None
        bare = type_ref.rpartition(":")[2] if type_ref.startswith(("feel:", "FEEL:")) else type_ref
        if bare in _BASE_TYPES:
            return _BASE_TYPES[bare], _BASE_TYPES[bare]
        if bare in _MISSING_TYPES:
            raise feel.FeelUnsupported(_MISSING_TYPES[bare])
        item = self.model.item_definitions.get(type_ref)
        if item is None or type_ref in seen:
            raise feel.FeelUnsupported(f"'{type_ref}' (onbekend type)")
        if item.components:
            raise feel.FeelUnsupported(f"'{type_ref}': een gestructureerd type ({', '.join(item.components)})")
        if item.collection:
            raise feel.FeelUnsupported(f"'{type_ref}': een lijst")
        kind, text = self.resolve(item.type_ref, seen | {type_ref})
        if kind == "tekst" and item.allowed:
            options = _allowed_strings(item.allowed)
            if options:
                return "keuze", "keuze uit " + ", ".join(_string(o) for o in options)
        return kind, text

    def inferred(self, name: str) -> str | None:
        """The type the cells testing `name` imply (the first literal found), or None."""
        for decision in self.model.decisions:
            table = decision.logic
            if not isinstance(table, DecisionTable):
                continue
            for column, clause in enumerate(table.inputs):
                if clause.expression.strip() != name:
                    continue
                for rule in table.rules:
                    kind = _cell_kind(rule, column, self.scope)
                    if kind:
                        return kind
        return None

    # ------------------------------------------------------------ decisions

    def decision(self, decision: DmnDecision) -> str | None:
        logic = decision.logic
        if isinstance(logic, DecisionTable):
            return self.table(decision, logic)
        if isinstance(logic, LiteralExpression):
            return self.literal(decision, logic)
        if isinstance(logic, Unsupported):
            self.refuse(logic.kind, logic.id, decision.name, logic.span,
                        f"een {_KINDS.get(logic.kind, logic.kind)} als beslislogica (Beleidstaal kent alleen "
                        "beslistabellen en enkelvoudige uitdrukkingen)")
        else:
            self.refuse("decision", decision.id, decision.name, decision.span, "een beslissing zonder beslislogica")
        return None

    def literal(self, decision: DmnDecision, logic: LiteralExpression) -> str | None:
        try:
            value = feel.render_value(feel.parse_expression(logic.text, self.scope), self.names)
        except feel.FeelUnsupported as err:
            self.refuse("literalExpression", logic.id, decision.name, logic.span, err.reason)
            return None
        source = f" bron {_string(decision.description)}" if decision.description else ""
        return f"berekening {self.decisions[decision.name]} {_string(decision.label or decision.name)}{source} = {value}"

    def table(self, decision: DmnDecision, table: DecisionTable) -> str | None:
        before = len(self.problems)
        if not table.outputs:
            self.refuse("decisionTable", table.id, decision.name, table.span, "een tabel zonder uitvoerkolom")
        elif len(table.outputs) > 1:
            self.name_outputs(decision, table)
        words = self.hit_policy(decision, table)
        operands = [self.operand(decision, table, i) for i in range(len(table.inputs))]
        if len(self.problems) > before:
            return None
        rows = self.rows(decision, table, operands)
        if rows is None or len(self.problems) > before:
            return None
        head = f"beslissing {self.decisions[decision.name]} {_string(decision.label or decision.name)} ({words})"
        if decision.description:
            head += f"   bron {_string(decision.description)}"
        return "\n".join([head, *rows])

    def name_outputs(self, decision: DmnDecision, table: DecisionTable) -> None:
        """The Beleidstaal name of each output of a table with several (`dan status = ..., rate = ...`)."""
        names: dict[str, str] = {}
        for clause in table.outputs:
            if not clause.name:
                self.refuse("output", clause.id, decision.name, clause.span,
                            "een uitvoerkolom zonder naam in een tabel met meerdere uitkomsten")
                continue
            names[clause.name] = identifier(clause.name, self.taken)
            self.taken.append(names[clause.name])
        self.outputs[decision.name] = names

    def hit_policy(self, decision: DmnDecision, table: DecisionTable) -> str:
        """The words of the hit policy: `uniek`, `som`, ...; under PRIORITY and OUTPUT ORDER with the
        order of the output values (of the first output that lists them)."""
        policy = " ".join(table.hit_policy.upper().replace("_", " ").split())
        policy = _SHORT_HIT_POLICIES.get(policy, policy)
        if policy == "COLLECT" and table.aggregation:
            policy = f"COLLECT {table.aggregation.upper()}"
        if policy in _HIT_POLICIES:
            return _HIT_POLICIES[policy]
        if policy not in _ORDERED_HIT_POLICIES:
            self.refuse("decisionTable", table.id, decision.name, table.span, f"de hit policy {policy} (onbekend in DMN)")
            return ""
        for clause in table.outputs:
            if not clause.allowed:
                continue
            try:
                values = [feel.render_value(v, self.names) for v in
                          feel.cell_values(feel.parse_tests(clause.allowed, self.scope))]
            except feel.FeelUnsupported as err:
                self.refuse("output", clause.id, decision.name, clause.span,
                            f"de uitvoerwaarden '{clause.allowed}': {err.reason}")
                return ""
            named = self.outputs.get(decision.name, {}).get(clause.name or "")
            return f"{_ORDERED_HIT_POLICIES[policy]} {named + ': ' if named else ''}{', '.join(values)}"
        self.refuse("decisionTable", table.id, decision.name, table.span,
                    f"de hit policy {policy} zonder uitvoerwaarden (outputValues): de voorrang volgt hun volgorde")
        return ""

    def operand(self, decision: DmnDecision, table: DecisionTable, column: int) -> str:
        clause = table.inputs[column]
        try:
            value = feel.parse_expression(clause.expression, self.scope)
            text = feel.render_value(value, self.names)
        except feel.FeelUnsupported as err:
            self.refuse("input", clause.id, clause.label or clause.expression, clause.span,
                        f"de invoeruitdrukking '{clause.expression}': {err.reason}")
            return ""
        return f"({text})" if isinstance(value, (feel.Binary, *feel.CONDITIONS)) else text

    def rows(self, decision: DmnDecision, table: DecisionTable, operands: list[str]) -> list[str] | None:
        first = table.hit_policy.upper() == "FIRST"
        lines: list[str] = []
        for rule in table.rules:
            condition = self.condition(decision, table, rule, operands)
            outcome = self.outcomes(decision, table, rule.outputs, rule.id, rule.span)
            if condition is False or outcome is None:
                continue
            note = f"   bron {_string(rule.description)}" if rule.description else ""
            note += f"   # {' '.join(rule.annotation.split())}" if rule.annotation else ""
            if condition is None and first:   # under FIRST no rule after one that always holds ever applies
                lines.append(f"  anders {outcome}{note}" if lines else f"  als ja dan {outcome}{note}")
                return lines
            lines.append(f"  als {condition or 'ja'} dan {outcome}{note}")
        defaults = [clause.default for clause in table.outputs]
        if any(defaults) and not all(defaults):
            self.refuse("decisionTable", table.id, decision.name, table.span,
                        "een defaultOutputEntry bij sommige uitvoerkolommen en niet bij alle")
        elif defaults and all(defaults):
            outcome = self.outcomes(decision, table, tuple(d or "" for d in defaults), table.outputs[0].id,
                                    table.outputs[0].span)
            if outcome is not None:
                lines.append(f"  anders {outcome}")
        if not lines:
            self.refuse("decisionTable", table.id, decision.name, table.span, "een tabel zonder regels (een beslissing heeft ten minste één regel)")
            return None
        return lines

    def condition(self, decision: DmnDecision, table: DecisionTable, rule: TableRule,
                  operands: list[str]) -> str | bool | None:
        """The row condition; None when every cell is `-`; False when a cell was refused."""
        if len(rule.inputs) != len(operands):
            self.refuse("rule", rule.id, decision.name, rule.span,
                        f"{len(rule.inputs)} invoercellen bij {len(operands)} invoerkolommen")
            return False
        parts = []
        render = feel.guarded_tests if self.nulls.get(decision.name) == DMN_NULLS else feel.render_tests
        for cell, operand in zip(rule.inputs, operands):
            try:
                text = render(feel.parse_tests(cell, self.scope), operand, self.names)
            except feel.FeelUnsupported as err:
                self.refuse("rule", rule.id, decision.name, rule.span, f"de test '{cell}': {err.reason}")
                return False
            if text:
                parts.append(text)
        return " en ".join(parts) if parts else None

    def outcomes(self, decision: DmnDecision, table: DecisionTable, texts: tuple[str, ...], ident: str,
                 span: Span) -> str | None:
        """A row's outcome: one value, or of a table with several outputs each named."""
        names = self.outputs.get(decision.name)
        if names is None:
            return self.outcome(decision, texts[0] if texts else "", ident, span)
        if len(texts) != len(table.outputs):
            self.refuse("rule", ident, decision.name, span,
                        f"{len(texts)} uitvoercellen bij {len(table.outputs)} uitvoerkolommen")
            return None
        parts = []
        for clause, text in zip(table.outputs, texts, strict=True):
            value = self.outcome(decision, text, ident, span, named=True)
            if value is None:
                return None
            parts.append(f"{names[clause.name or '']} = {value}")
        return ", ".join(parts)

    def outcome(self, decision: DmnDecision, text: str, ident: str, span: Span, named: bool = False) -> str | None:
        if not text.strip() or text.strip() == "null":
            self.refuse("rule", ident, decision.name, span, "een lege uitkomst (null)")
            return None
        try:
            value = feel.parse_expression(text, self.scope)
            shown = feel.render_value(value, self.names)
        except feel.FeelUnsupported as err:
            self.refuse("rule", ident, decision.name, span, f"de uitkomst '{text}': {err.reason}")
            return None
        # a named outcome is a value: a comparison stands between brackets
        return f"({shown})" if named and isinstance(value, (feel.Binary, *feel.CONDITIONS)) else shown

    # ------------------------------------------------------------ the text

    def assemble(self, sections: list[str]) -> str:
        model = self.model
        lines = [f"# Geïmporteerd uit het DMN {model.version}-model {_string(model.name)} "
                 f"({model.filename.rpartition('/')[2]}) met `beleid dmn importeer`.",
                 "# DMN-namen (Beleidstaal-naam = DMN-naam):"]
        for name, ident in (*self.inputs.items(), *self.decisions.items()):
            lines.append(f"#   {ident} = {_string(name)}")
            for output, named in self.outputs.get(name, {}).items():
                lines.append(f"#   {named} = {_string(name)}, uitvoer {_string(output)}")
        if self.nulls:
            lines.append("# Ontbrekende gegevens, per beslistabel (docs/dmn.md, \"Ontbrekende gegevens: de keuze\"):")
            lines += [f"#   {self.decisions[name]}: {_MEANING_NAMES[meaning]} (--null {meaning})"
                      for name, meaning in self.nulls.items() if meaning in NULL_NOTES]
            for meaning in dict.fromkeys(self.nulls.values()):
                if meaning in NULL_NOTES:
                    note = f"{_MEANING_NAMES[meaning][0].upper()}{_MEANING_NAMES[meaning][1:]}: {NULL_NOTES[meaning]}."
                    lines += [f"# {line}" for line in textwrap.wrap(note, 96)]
        lines += ["", f"beleid {_string(model.name or 'DMN-model')}", ""]
        if self.inputs:
            lines.append("gegevens")
            width = max(len(i) for i in self.inputs.values())
            labels = {d.name: d.label or d.name for d in model.inputs}
            for name, ident in self.inputs.items():
                if ident in self.type_text:
                    lines.append(f"  {ident.ljust(width)} : {self.type_text[ident]} {_string(labels[name])}")
            lines.append("")
        for section in sections:
            lines += [section, ""]
        return "\n".join(lines)


class _Names:
    """The translator's renaming as `dsl.dmn.feel` calls it, with `aggregate` for max, min, sum."""

    def __init__(self, translator: _Translator):
        self.translator = translator

    def __call__(self, name: str) -> str:
        return self.translator.rename(name)

    def aggregate(self, function: str, args: list[str]) -> str:
        return self.translator.aggregate(function, args)


def _cell_kind(rule: TableRule, column: int, scope: tuple[str, ...]) -> str | None:
    if column >= len(rule.inputs):
        return None
    try:
        values = feel.cell_values(feel.parse_tests(rule.inputs[column], scope))
    except feel.FeelUnsupported:
        return None
    return next((k for k in map(feel.literal_kind, values) if k), None)


def _allowed_strings(text: str) -> list[str] | None:
    """The strings of an allowed-values list of string literals, else None."""
    try:
        tests = feel.parse_tests(text, ())
    except feel.FeelUnsupported:
        return None
    if not isinstance(tests, tuple):
        return None
    found = []
    for t in tests:
        if not (isinstance(t, feel.Compare) and t.op == "=" and isinstance(t.value, feel.Literal)
                and isinstance(t.value.value, str)):
            return None
        found.append(t.value.value)
    return found


def _other_reason(other: Unsupported) -> str:
    if other.kind == "businessKnowledgeModel":
        return "een business knowledge model (herbruikbare functie); Beleidstaal kent nog geen functies"
    if other.kind == "import":
        return "een import van een ander model"
    return f"een {other.kind}"
