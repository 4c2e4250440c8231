"""Checker: a parsed `ast.Policy` -> a typed `Model`, or every problem at once.

Contract: `check(policy)` resolves every name (with a "bedoelde u ...?" hint for a misspelling),
types every expression and checks units (`dsl.types`), checks exceptions, decision tables
(consistent outcome types, `anders`), timelines (an event date against moments) and voorbeelden
(known names, fitting values, statuses that fit the rule), aannames and bekende bevindingen
(`dsl.checker.assumptions`), checks quotes (`citaat`: not empty,
only on a rule or a row of a decision table), refuses a negative duration counted
from a moment (`binnen -10 dagen na`), orders the rules so that each comes after what it uses and
reports cycles. A rule written more than once with its own validity (`geldig vanaf ...`, or in a
`wijziging`) has versions: they must not overlap nor leave a hole, and must be of one kind, form
and type (`dsl.checker.versions`). Rules are checked in that order, found without recursion, so a long chain of rules
that use each other costs no stack; expressions are walked recursively, which the parser's depth
limit (`dsl.parser.limits`) keeps safe. All problems are collected and raised together as one
`BeleidError`; no Python exception reaches the user for a policy mistake.
The `Model` is what every back end consumes: the AST plus a type for every expression, the
rules by name in evaluation order, and the gegevens with their types.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import assert_never

import attrs

from dsl import ast
from dsl import types as T
from dsl.checker.assumptions import AssumptionChecks
from dsl.checker.examples import check_examples
from dsl.checker.expressions import ExprChecker, positive_text
from dsl.checker.network import check_network
from dsl.checker.versions import Period, arrange, validity_dates, validity_problems
from dsl.errors import BeleidError, Diagnostic, suggest
from dsl.parser import reserved_words
from dsl.span import Span

# The Dutch word for each kind of rule, as users read it in messages.
RULE_KINDS: dict[type[ast.RuleNode], str] = {
    ast.Calculation: "berekening", ast.Requirement: "eis", ast.Group: "groep",
    ast.Decision: "beslissing", ast.Timeline: "termijn"}


@attrs.define
class Rule:
    """A named rule: its kind, AST node, result type, the names it uses, and its group. A rule
    written more than once, each time with its own validity, has `versions` (its declarations in
    time order; `node` is the first) and `periods` (when each is in force, both ends included,
    None for an open end); a rule written once has itself as its one version."""

    kind: str
    name: str
    node: ast.RuleNode
    type: T.Type | None = None
    deps: frozenset[str] = frozenset()
    group: str | None = None
    checked: bool = False
    versions: list[ast.RuleNode] = attrs.Factory(list)
    periods: list[Period] = attrs.Factory(list)


@attrs.define
class Model:
    """The checked policy: the syntax tree, the gegevens with their types, the rules in evaluation
    order and the type of every expression."""

    policy: ast.Policy
    fields: dict[str, tuple[ast.Field, T.Type]]
    rules: dict[str, Rule]
    types: dict[ast.Expr, T.Type]
    # each `bekende bevinding` with the rules it names (a table by its first outcome)
    known_findings: tuple[tuple[ast.KnownFinding, tuple[str, ...]], ...] = ()

    def field_type(self, name: str) -> T.Type:
        return self.fields[name][1]


def field_type(spec: ast.TypeSpec) -> T.Type:
    """The type of a gegeven as declared (the parser gives a duur its unit and a lijst its
    element); declared bounds are kept when `range_problems` finds none."""
    if spec.kind == "duur" and spec.unit is not None:
        return T.duration(spec.unit)
    if spec.kind == "keuze":
        return T.Type("keuze", options=spec.options)
    if spec.kind == "lijst" and spec.element is not None:
        return T.Type("lijst", element=field_type(spec.element))
    if spec.kind == "per jaar" and spec.element is not None:   # a value per calendar year
        return T.Type("per jaar", element=field_type(spec.element))
    if spec.kind == "per periode" and spec.element is not None:   # a value per dated period
        return T.Type("per periode", element=field_type(spec.element))
    if spec.bounds is not None and not range_problems(spec):
        low, high = (bound.value for bound in spec.bounds)
        assert isinstance(low, Decimal) and isinstance(high, Decimal)
        return T.Type(spec.kind, bounds=(low, high))
    return T.SIMPLE[spec.kind]


_BOUND_FORMS = {"bedrag": ("bedrag", "€ 0"), "percentage": ("percentage", "0%"), "getal": ("getal", "0"),
                "aantal": ("getal", "0")}


def range_problems(spec: ast.TypeSpec) -> list[tuple[Span, str, str]]:
    """What is wrong with a declared `van X tot en met Y`: (where, message, hint) each."""
    if spec.bounds is None:
        return []
    form = _BOUND_FORMS.get(spec.kind)
    if form is None:
        return [(spec.span, f"een {spec.kind} heeft geen bereik 'van ... tot en met ...'",
                 "alleen een bedrag, percentage, getal of aantal kan een bereik krijgen")]
    kind, example = form
    found = []
    for bound in spec.bounds:
        if bound.kind != kind or not isinstance(bound.value, Decimal):
            found.append((bound.span, f"'{bound.text}' past niet bij een {spec.kind}",
                          f"schrijf de grens als {kind}, zoals {example}"))
        elif spec.kind == "aantal" and bound.value != bound.value.to_integral_value():
            found.append((bound.span, f"'{bound.text}' is geen heel getal", "een aantal is een heel getal"))
    low, high = spec.bounds
    if not found and isinstance(low.value, Decimal) and isinstance(high.value, Decimal) and low.value > high.value:
        found.append((high.span, f"de bovengrens {high.text} ligt onder de ondergrens {low.text}",
                      "schrijf eerst de laagste waarde: van ... tot en met ..."))
    return found


def names_in(node: object) -> set[str]:
    """Every name an expression refers to (gegevens and rules), without checking them."""
    return {n.name for n in ast.walk(node) if isinstance(n, ast.Name | ast.Satisfies)}


def check(policy: ast.Policy) -> Model:
    """Check a policy; return its typed Model or raise BeleidError listing every problem."""
    checker = _Checker(policy)
    model = checker.run()
    if checker.problems:
        problems = sorted(checker.problems, key=lambda d: (d.span.line, d.span.column) if d.span else (0, 0))
        raise BeleidError(problems, policy.filename, policy.text)
    return model


class _Checker:
    def __init__(self, policy: ast.Policy):
        self.policy = policy
        self.problems: list[Diagnostic] = []
        self.types: dict[ast.Expr, T.Type] = {}
        self.fields: dict[str, tuple[ast.Field, T.Type]] = {}
        self.rules: dict[str, Rule] = {}
        self._cyclic: set[str] = set()   # rules already reported in a cycle
        self._seen: dict[str, Span] = {}   # every name declared, with where
        self._tables: dict[str, tuple[str, ...]] = {}   # a beslissing with named outcomes: their names
        self._daily: dict[str, str] = {}   # rules whose value depends on the day (kind), see `_check_rule`

    def fail(self, span: Span, message: str, hint: str | None = None, code: str = "name") -> None:
        self.problems.append(Diagnostic(code, message, span, hint))

    def run(self) -> Model:
        self._header()
        self._quotes()
        self._obligations()
        self._validities()
        self._declare()
        assumptions = AssumptionChecks(self)
        assumptions.declare()
        self._versions()
        for name in self._check_order():
            self._check_rule(name)
        order = self._order()
        assumptions.run()
        check_examples(self.policy, self.fields, self.rules, self.problems)
        check_network(self)
        return Model(self.policy, self.fields, {n: self.rules[n] for n in order}, self.types,
                     tuple(assumptions.known))

    def _header(self) -> None:
        header = self.policy.header
        if header.valid_from is None or header.valid_until is None:
            return
        first, last = header.valid_from.value, header.valid_until.value
        if isinstance(first, date) and isinstance(last, date) and first > last:
            self.fail(header.valid_from.span, "de geldigheid begint na haar einde",
                      "schrijf 'geldig van <begin> tot en met <einde>'", "header")

    # ------------------------------------------------------------ quotes
    def _quotes(self) -> None:
        """A `citaat` quotes the sentence a rule encodes: it must say something, and it stands on a
        rule (eis, groep, berekening, beslissing and its rows, termijn), not on the header of the
        policy nor on a voorbeeld (which encodes no sentence of the document)."""
        hint = "zet het citaat bij de regel die de zin codeert: een eis, groep, berekening, beslissing, " \
               "een rij van een beslissing of een termijn"
        for quote in self.policy.header.quotes:
            self.fail(quote.span, "een citaat hoort bij een regel, niet bij de kop van het beleid", hint, "citaat")
        for example in self.policy.examples:
            for quote in example.meta.quotes:
                self.fail(quote.span, f"een voorbeeld codeert geen zin van het document en heeft geen citaat "
                          f"(voorbeeld \"{example.title}\")", hint, "citaat")
        for quote in _rule_quotes(self.policy):
            if not quote.text.strip():
                self.fail(quote.span, "het citaat is leeg",
                          "neem de zin uit het document letterlijk over tussen de aanhalingstekens, of laat "
                          "de regel 'citaat' weg", "citaat")

    # ------------------------------------------------------------ obligations
    def _obligations(self) -> None:
        """Who a rule binds (`voor de aanbieder`) is said of an eis, groep, termijn or bevoegdheid,
        not of a berekening, beslissing or voorbeeld; an `oordeel van` names who judges; a groep
        has at least one hard eis (`vereist`): advice alone decides nothing."""
        hint = "schrijf 'voor de aanbieder' of 'voor de verzekeraar' bij een eis, groep, termijn of bevoegdheid"
        unbound: list[tuple[str, ast.Meta]] = [(f"voorbeeld \"{e.title}\"", e.meta) for e in self.policy.examples]
        unbound += [(f"berekening '{c.name}'", c.meta) for c in self.policy.calculations if c.power is None]
        unbound += [(f"beslissing '{d.name}'", d.meta) for d in self.policy.decisions]
        for what, meta in unbound:
            if meta.bound is not None:
                self.fail(meta.bound.span, f"een {what} bindt niemand: wie een regel verplicht, zegt een eis, "
                          "groep, termijn of bevoegdheid", hint, "verplichting")
        for f in self.policy.fields:
            if f.judgement is not None and not f.judgement.by.strip():
                self.fail(f.judgement.span, f"het oordeel over '{f.name}' noemt niet wie oordeelt",
                          "schrijf bijvoorbeeld: oordeel van \"de zorginkoper\"", "oordeel")
        for group in self.policy.groups:
            if group.meta.amendment is not None and any(g.name == group.name and g.meta.amendment is None
                                                        for g in self.policy.groups):
                continue   # eisen a wijziging adds to an existing groep: that groep has its hard eisen
            if group.requirements and all(r.strength != "vereist" for r in group.requirements):
                self.fail(group.span, f"groep '{group.name}' heeft alleen verwachtingen ('verwacht', 'streeft naar'); "
                          "een groep is voldaan als haar harde eisen voldaan zijn, en deze heeft er geen",
                          "zet de verwachting bij de groep van eisen waar zij bij hoort, of maak er met 'vereist' "
                          "een harde eis van", "verplichting")

    # ------------------------------------------------------------ declarations
    def _declare_name(self, name: str, span: Span, what: str) -> bool:
        """Claim a name for a gegeven or rule; a keyword or a name taken is reported."""
        if name.lower() in reserved_words():
            self.fail(span, f"'{name}' is een sleutelwoord en kan geen naam van een {what} zijn",
                      "kies een andere naam (de sleutelwoorden staan in docs/taal.md, 'Vorm')", "name")
        if name in self._seen:
            self.fail(span, f"'{name}' is al eerder gedeclareerd (regel {self._seen[name].line})",
                      "geef elke regel en elk gegeven een eigen naam", "duplicate")
            return False
        self._seen[name] = span
        return True

    def _declare(self) -> None:
        declare = self._declare_name
        for f in self.policy.fields:
            if declare(f.name, f.span, "gegeven"):
                self.fields[f.name] = (f, field_type(f.type))
                spec = (f.type.element if f.type.kind in ("lijst", "per jaar", "per periode") and f.type.element is not None
                        else f.type)
                for span, message, hint in range_problems(spec):
                    self.fail(span, message, hint, code="bereik")
                inner = f.type.element if f.type.kind == "lijst" else None
                while inner is not None and inner.kind == "lijst":
                    inner = inner.element
                if inner is not None and inner.kind in ("per jaar", "per periode"):   # nothing could read one
                    self.fail(f.type.span, f"een lijst van waarden {inner.kind} kan niet",
                              f"geef een gegeven met een waarde {inner.kind} (zoals '{f.name} : "
                              f"{inner.element.kind if inner.element else 'bedrag'} {inner.kind}'), of een lijst "
                              "van gewone waarden", code="type")
                if f.type.kind == "keuze" and len(set(f.type.options)) != len(f.type.options):
                    self.fail(f.type.span, "een keuze noemt dezelfde optie twee keer", code="keuze")
        for group in self.policy.groups:
            existing = self.rules.get(group.name)
            if existing is not None and existing.kind == "groep" and group.meta.amendment is not None:
                self._amend_group(existing, group)
                continue
            group_ok = declare(group.name, group.span, "groep")
            for req in group.requirements:
                self._declare_rule(req.name, "eis", req, group.name if group_ok else None)
            if group_ok:  # after its requirements, so the rules keep the order of the text
                self.rules[group.name] = Rule("groep", group.name, group, versions=[group])
        others: tuple[ast.Calculation | ast.Decision | ast.Timeline, ...] = (
            *self.policy.calculations, *self.policy.decisions, *self.policy.timelines)
        for node in others:
            if isinstance(node, ast.Decision):
                self._hit_policy(node)
            if isinstance(node, ast.Decision) and any(row.named for row in node.all_rows):
                self._declare_table(node)
            else:
                self._declare_rule(node.name, RULE_KINDS[type(node)], node, None)

    def _hit_policy(self, node: ast.Decision) -> None:
        """What a hit policy asks of the table as written (once per table, whatever its outcomes):
        `voorrang` names each outcome value once and every row's outcome is one of them (of the
        outcome it names, in a table with several); under `om het even` every outcome is a written
        value (so whether two rows agree is seen in the text)."""
        words = node.hit_policy
        if node.priority:
            self._priority(node)
        if words == "om het even":
            for row in node.all_rows:
                for value in [o.value for o in row.named] or [row.outcome]:
                    if not isinstance(value, ast.Literal):
                        self.fail(value.span, "onder (om het even) is elke uitkomst een geschreven waarde: dan is "
                                  "te zien of regels die tegelijk gelden hetzelfde geven",
                                  "schrijf de uitkomst als waarde (\"A\", € 50, 2 jaar), of kies (eerste treffer) "
                                  "of (uniek)", "hit policy")

    def _priority(self, node: ast.Decision) -> None:
        """The order of a `voorrang`: each value once, of the outcome it names; every row's
        outcome (of that outcome) one of them."""
        order = node.priority
        written = ", ".join(v.text for v in order)
        named = [o.name for o in node.all_rows[0].named] if node.all_rows and node.all_rows[0].named else []
        output = node.priority_output
        if named and output is None:
            self.fail(node.policy_span or node.span, f"beslissing '{node.name}' heeft {len(named)} uitkomsten "
                      f"({', '.join(named)}); de voorrang zegt niet van welke",
                      f"schrijf de naam van de uitkomst voor de volgorde: (voorrang {named[0]}: {written})",
                      "hit policy")
            return
        if output is not None and output not in named:
            self.fail(node.policy_span or node.span, f"'{output}' is geen uitkomst van beslissing '{node.name}'"
                      + (f" ({', '.join(named)})" if named else " (zij heeft één uitkomst zonder naam)"),
                      (suggest(output, named) or "noem een uitkomst uit de regels") if named else
                      f"schrijf (voorrang {written})", "hit policy")
            return
        keys = [_literal_key(v) for v in order]
        for i, listed in enumerate(order):
            if keys[i] in keys[:i]:
                self.fail(listed.span, f"{listed.text} staat twee keer in de voorrangsvolgorde",
                          "noem elke waarde één keer, de belangrijkste eerst", "hit policy")
        for row in node.all_rows:
            value: ast.Expr | None = next((o.value for o in row.named if o.name == output), None) \
                if output is not None else row.outcome
            if value is None:
                continue   # a row without that outcome: reported with the outcomes
            if not isinstance(value, ast.Literal):
                self.fail(value.span, "onder voorrang is de uitkomst een geschreven waarde uit de voorrangsvolgorde",
                          f"schrijf een van: {written}", "hit policy")
            elif _literal_key(value) not in keys:
                self.fail(value.span, f"de uitkomst {value.text} staat niet in de voorrangsvolgorde ({written})",
                          "noem haar in de volgorde, op haar plaats tussen de andere", "hit policy")

    def _declare_table(self, node: ast.Decision) -> None:
        """A beslissing with named outcomes (`dan soort = ..., duur = ...`) is one beslissing per
        outcome, each with the rows and hit policy of the table and its own outcome and type; other
        rules use each outcome by its name. The table's own name is claimed (nothing else may have
        it) but is not a rule: it has no single value."""
        if node.name not in self._tables and not self._declare_name(node.name, node.span, "beslissing"):
            return
        names, sound = self._table_outputs(node)
        self._tables[node.name] = tuple(dict.fromkeys((*self._tables.get(node.name, ()), *names)))
        keep = node.hit_policy == "om het even" or bool(node.priority)
        for name in names if sound else ():
            rows = tuple(_projected(r, name, keep) for r in node.rows)
            otherwise = _projected(node.otherwise, name, keep) if node.otherwise is not None else None
            projection = attrs.evolve(node, name=name, title=f"{node.title} ({name.replace('_', ' ')})", rows=rows,
                                      otherwise=otherwise, table=node.name, outputs=tuple(names))
            where = next(o.span for o in node.all_rows[0].named if o.name == name)
            self._declare_rule(name, "beslissing", projection, None, where)

    def _table_outputs(self, node: ast.Decision) -> tuple[list[str], bool]:
        """The names of a table's outcomes, as the first row gives them, and whether every row
        gives each of them once (else the problems are reported)."""
        rows = node.all_rows
        names = list(dict.fromkeys(o.name for o in rows[0].named))
        problems = len(self.problems)
        for row in rows:
            written = [o.name for o in row.named]
            where = "'anders'" if row.condition is None else "deze regel"
            if not row.named:
                self.fail(row.outcome.span, f"{where} geeft één uitkomst zonder naam, maar beslissing "
                          f"'{node.name}' geeft benoemde uitkomsten ({', '.join(names or written)})",
                          "geef in elke regel dezelfde uitkomsten: dan " +
                          ", ".join(f"{n} = ..." for n in names), "uitkomsten")
                continue
            for i, outcome in enumerate(row.named):
                if outcome.name in written[:i]:
                    self.fail(outcome.span, f"de uitkomst '{outcome.name}' staat twee keer in {where}",
                              "geef elke uitkomst één keer per regel", "uitkomsten")
                elif outcome.name not in names:
                    self.fail(outcome.span, f"de uitkomst '{outcome.name}' staat niet in de eerste regel van "
                              f"beslissing '{node.name}' ({', '.join(names)})",
                              "geef in elke regel dezelfde uitkomsten" + _suggestion(outcome.name, names),
                              "uitkomsten")
                elif outcome.name == node.name:
                    self.fail(outcome.span, f"de uitkomst '{outcome.name}' heeft de naam van haar beslissing",
                              "geef de beslissing een naam voor het geheel (zoals 'contract') en elke "
                              "uitkomst een eigen naam (zoals 'soort', 'duur')", "uitkomsten")
            missing = [n for n in names if n not in written]
            if row.named and missing:
                self.fail(row.span, f"{where} geeft de uitkomst{'en' if len(missing) > 1 else ''} "
                          f"{', '.join(missing)} niet", "geef in elke regel dezelfde uitkomsten: dan " +
                          ", ".join(f"{n} = ..." for n in names), "uitkomsten")
        return names, len(self.problems) == problems

    def _declare_rule(self, name: str, kind: str, node: ast.RuleNode, group: str | None,
                      where: Span | None = None) -> None:
        """Declare a rule, or add a version to the rule of that name: a later declaration is a
        version when it or the earlier one has its own validity (`geldig ...`, or a wijziging's)."""
        rule = self.rules.get(name)
        if rule is not None and rule.kind != "groep" and any(
                v.meta.validity is not None or v.meta.amendment is not None for v in (*rule.versions, node)):
            if kind == "eis" and rule.kind == "eis" and rule.group != group:
                self.fail(node.span, f"eis '{name}' staat al in groep '{rule.group}' (regel {rule.node.span.line}); "
                          "een nieuwe versie van een eis staat in dezelfde groep",
                          f"schrijf de nieuwe versie in 'eisen {rule.group} ...'", "versie")
                return
            rule.versions.append(node)
            return
        what = "bevoegdheid" if isinstance(node, ast.Calculation) and node.power else kind
        if self._declare_name(name, where or node.span, what):
            self.rules[name] = Rule(kind, name, node, group=group, versions=[node])

    def _amend_group(self, rule: Rule, block: ast.Group) -> None:
        """`eisen g ...` in a wijziging, g an existing groep: each eis in it is a new version of the
        eis of that name in g, or a new eis of g; both valid from the wijziging's date (or their
        own), with the block's bron unless they name their own. The groep itself stays as it is."""
        for meta_part, words in ((block.meta.applicable, "van toepassing als"), (block.meta.bound, "voor de ...")):
            if meta_part is not None:
                self.fail(meta_part.span, f"een wijziging van groep '{block.name}' verandert haar '{words}' niet",
                          "zet het bij de eisen die het betreft, of geef de groep een nieuwe naam", "versie")
        group = rule.node
        assert isinstance(group, ast.Group)
        added = []
        for req in block.requirements:
            meta = attrs.evolve(req.meta, validity=req.meta.validity or block.meta.validity,
                                source=req.meta.source or block.meta.source, amendment=block.meta.amendment)
            req = attrs.evolve(req, meta=meta)
            if req.name not in self.rules:
                added.append(req)
            self._declare_rule(req.name, "eis", req, block.name)
        if added:
            rule.node = attrs.evolve(group, requirements=(*group.requirements, *added))
            rule.versions = [rule.node]
            # keep the text order: the groep after its (new) eisen
            self.rules[block.name] = self.rules.pop(block.name)

    # ------------------------------------------------------------ validity and versions
    def _validities(self) -> None:
        """Every `geldig ...` names dates in order; a voorbeeld and an `anders` have none (a
        voorbeeld is evaluated on its peildatum; `anders` applies when no row does); a wijziging
        says from when it applies."""
        amendments: dict[Span, ast.Amendment] = {}
        metas = [m for g in self.policy.groups for m in (g.meta, *(r.meta for r in g.requirements))]
        others: tuple[ast.Calculation | ast.Decision | ast.Timeline, ...] = (
            *self.policy.calculations, *self.policy.decisions, *self.policy.timelines)
        metas += [n.meta for n in others]
        for meta in metas:
            if meta.validity is not None:
                self.problems.extend(validity_problems(meta.validity))
            if meta.amendment is not None:
                amendments[meta.amendment.span] = meta.amendment
        for amendment in amendments.values():
            if amendment.validity is None or validity_dates(amendment.validity)[0] is None:
                self.fail(amendment.span, f"de wijziging \"{amendment.title}\" zegt niet vanaf wanneer zij geldt",
                          "schrijf achter de titel 'geldig vanaf <datum>'", "geldigheid")
        for decision in self.policy.decisions:
            for row in decision.rows:
                if row.validity is not None:
                    self.problems.extend(validity_problems(row.validity))
            if decision.otherwise is not None and decision.otherwise.validity is not None:
                self.fail(decision.otherwise.validity.span, "'anders' geldt als geen regel geldt en heeft geen "
                          "eigen geldigheid", "geef de beslissing of haar regels een geldigheid", "geldigheid")
        for example in self.policy.examples:
            if example.meta.validity is not None:
                self.fail(example.meta.validity.span, "een voorbeeld heeft geen geldigheid: het wordt op zijn "
                          "peildatum gerekend", "schrijf 'gegeven peildatum = ...'", "geldigheid")

    def _versions(self) -> None:
        """Put the versions of each rule in time order with their periods; report overlaps, holes
        and versions of another kind or form."""
        for rule in self.rules.values():
            ordered, periods, problems = arrange(rule.name, rule.versions)
            self.problems.extend(problems)
            rule.versions, rule.periods = ordered, periods
            rule.node = ordered[0]

    # ------------------------------------------------------------ names
    def resolve(self, name: str, span: Span, requirement: bool = False) -> T.Type | None:
        if requirement:
            rule = self.rules.get(name)
            if rule is None or rule.kind not in ("eis", "groep"):
                names = [r.name for r in self.rules.values() if r.kind in ("eis", "groep")]
                self.fail(span, f"'{name}' is geen eis of groep van eisen", suggest(name, names))
                return None
            return self._rule_type(name)
        if name in self.fields:
            return self.fields[name][1]
        if name in self.rules:
            return self._rule_type(name)
        if name in self._tables:
            outputs = self._tables[name]
            self.fail(span, f"'{name}' is een beslissing met {len(outputs)} uitkomsten en heeft niet één waarde",
                      "gebruik een van haar uitkomsten: " + ", ".join(outputs), "uitkomsten")
            return None
        if name in {item.name for item in self.policy.networks} | {item.name for item in self.policy.rankings}:
            self.fail(span, f"'{name}' is een netwerkeis of voorkeur: die geldt voor een tabel van casussen en heeft "
                      "geen waarde in één casus", "gebruik de gegevens of regels waar zij over gaat", "netwerk")
            return None
        self.fail(span, f"onbekende naam '{name}'", suggest(name, [*self.fields, *self.rules]))
        return None

    def _rule_type(self, name: str) -> T.Type | None:
        """The type of a rule another rule refers to. `_check_order` checks every rule after the
        rules it refers to, so an unchecked one is a reference back into a cycle (reported there):
        its type is unknown."""
        rule = self.rules[name]
        return rule.type if rule.checked else None

    def _check_rule(self, name: str) -> None:
        rule = self.rules[name]
        exprs = ExprChecker(self.resolve, self.types, self.problems)
        exprs.daily_rules = self._daily
        types = [(version, self._type_of(version, exprs)) for version in rule.versions]
        rule.type = self._version_type(rule, types)
        rule.deps = frozenset(exprs.deps)
        rule.checked = True
        if (exprs.reads_day or rule.kind == "termijn" or len(rule.versions) > 1
                or any(getattr(v, "meta", None) is not None and v.meta.validity is not None for v in rule.versions)
                or any(d in self._daily for d in exprs.deps)):
            self._daily[name] = rule.kind   # its value may differ from day to day: not inside `gedurende`

    def _version_type(self, rule: Rule, types: list[tuple[ast.RuleNode, T.Type | None]]) -> T.Type | None:
        """The type of a rule over its versions: the same in each (the texts of every version when
        a beslissing chooses among texts)."""
        first_node, first = types[0]
        for node, t in types[1:]:
            if first is None or t is None:
                return None
            if first.kind == t.kind == "keuze" and rule.kind == "beslissing":
                first = T.Type("keuze", options=tuple(dict.fromkeys((*first.options, *t.options))))
            elif first != t:
                self.fail(node.span, f"de versies van '{rule.name}' moeten van één type zijn: deze is een {t}, "
                          f"die op regel {first_node.span.line}:{first_node.span.column} een {first}", code="versie")
        return first

    def _check_order(self) -> list[str]:
        """The rules in the order to check them: each after the rules its expressions refer to
        (declaration order otherwise), found without recursion, so a chain of a thousand rules that
        each use the next is no deeper than one. A reference back to a rule on the current path is a
        cycle, reported at that rule ("a -> b -> a")."""
        refs = {name: list(dict.fromkeys(r for v in rule.versions for r in _rule_references(v, self.rules)))
                for name, rule in self.rules.items()}
        order: list[str] = []
        done: set[str] = set()
        for first in self.rules:
            if first in done:
                continue
            path, pending = [first], [iter(refs[first])]
            while pending:
                target = next(pending[-1], None)
                if target is None:
                    done.add(path[-1])
                    order.append(path.pop())
                    pending.pop()
                elif target in path:
                    cycle = path[path.index(target):]
                    self._cyclic.update(cycle)
                    self.fail(self.rules[target].node.span,
                              f"deze regels gebruiken elkaar in een kring: {_cycle_text([*cycle, target])}",
                              code="cycle")
                elif target not in done:
                    path.append(target)
                    pending.append(iter(refs[target]))
        return order

    def _applicable(self, meta: ast.Meta, exprs: ExprChecker) -> None:
        if meta.applicable is not None:
            exprs.expect_bool(meta.applicable, "'van toepassing als'")

    # ------------------------------------------------------------ rule kinds
    def _type_of(self, node: ast.RuleNode, exprs: ExprChecker) -> T.Type | None:
        match node:
            case ast.Calculation():
                return self._calculation_type(node, exprs)
            case ast.Requirement():
                return self._requirement_type(node, exprs)
            case ast.Group():
                return self._group_type(node, exprs)
            case ast.Decision():
                return self._decision_type(node, exprs)
            case ast.Timeline():
                return self._timeline_type(node, exprs)
            case _:
                assert_never(node)

    def _calculation_type(self, node: ast.Calculation, exprs: ExprChecker) -> T.Type | None:
        self._applicable(node.meta, exprs)
        if node.power is not None:  # a bevoegdheid: may the party act in this case, ja or nee
            exprs.expect_bool(node.expr, f"de voorwaarde na '{node.power} als'")
            return T.JANEE
        return exprs.check(node.expr)

    def _requirement_type(self, node: ast.Requirement, exprs: ExprChecker) -> T.Type:
        group_name = self.rules[node.name].group if node.name in self.rules else None
        group = self.rules[group_name].node if group_name else None
        if group is not None and group.meta.applicable is not None:
            exprs.deps.update(names_in(group.meta.applicable))
        self._applicable(node.meta, exprs)
        exprs.expect_bool(node.condition, "de voorwaarde van een eis")
        for exc in node.exceptions:
            exprs.expect_bool(exc.condition, f"'{exc.words}'")
        return T.JANEE

    def _group_type(self, node: ast.Group, exprs: ExprChecker) -> T.Type:
        self._applicable(node.meta, exprs)
        exprs.deps.update(r.name for r in node.requirements)
        return T.JANEE

    def _decision_type(self, node: ast.Decision, exprs: ExprChecker) -> T.Type | None:
        self._applicable(node.meta, exprs)
        rows = [*node.rows, *([node.otherwise] if node.otherwise else [])]
        if node.hit_policy == "aantal" and node.otherwise is not None:   # `anders` gives the count itself
            rows = list(node.rows)
            counted = exprs.check(node.otherwise.outcome)
            outcome = node.otherwise.outcome
            whole = isinstance(outcome, ast.Literal) and isinstance(outcome.value, Decimal) \
                and outcome.value == outcome.value.to_integral_value() and outcome.value >= 0
            if counted is not None and counted.kind != "aantal" and not whole:
                self.fail(outcome.span, "onder (aantal) geeft 'anders' het aantal als geen regel geldt: een "
                          f"heel getal, maar dit is een {counted}", "schrijf bijvoorbeeld 'anders 0'", "type")
        outcome_types: list[tuple[ast.Row, T.Type | None]] = []
        for row in rows:
            if row.condition is not None:
                exprs.expect_bool(row.condition, "de voorwaarde na 'als'")
            outcome_types.append((row, exprs.check(row.outcome)))
        known = [(r, t) for r, t in outcome_types if t is not None]
        if not known:
            return None
        first_row, first = known[0]
        for row, t in known[1:]:
            if not (T.comparable(first, t) and (first.kind != "duur" or first.unit == t.unit)):
                self.fail(row.outcome.span, f"de uitkomsten van een beslissing moeten van één soort zijn: "
                          f"deze is een {t}, regel {first_row.span.line} een {first}", code="type")
        texts = [r.outcome.value for r in rows if isinstance(r.outcome, ast.Literal) and isinstance(r.outcome.value, str)
                 and r.outcome.kind == "tekst"]
        if len(texts) == len(rows):  # every outcome a text: the decision chooses among them
            first = T.Type("keuze", options=tuple(dict.fromkeys(texts)))
        return self._collected_type(node, first, first_row)

    def _collected_type(self, node: ast.Decision, t: T.Type, row: ast.Row) -> T.Type | None:
        """The type of what a beslissing gives under its hit policy: a row's outcome; the number of
        rows that apply (`aantal`); the sum, minimum or maximum of their outcomes; their list."""
        words = node.hit_policy
        if words == "aantal":
            return T.AANTAL
        if words.startswith("alle"):
            return T.Type("lijst", element=t)
        allowed = _AGGREGABLE.get(words)
        if allowed is not None and t.kind not in allowed:
            what = {"som": "telt bedragen, getallen, percentages en duren op",
                    "minimum": "kiest uit bedragen, getallen, percentages, duren, datums en tijdstippen",
                    "maximum": "kiest uit bedragen, getallen, percentages, duren, datums en tijdstippen"}[words]
            self.fail(row.outcome.span, f"({words}) van uitkomsten van het type {t} kan niet: ({words}) {what}",
                      "kies (eerste treffer), (uniek) of (alle) voor deze uitkomsten", "type")
            return None
        return t

    def _timeline_type(self, node: ast.Timeline, exprs: ExprChecker) -> T.Type:
        if node.kind == "periode":
            return self._period_timeline_type(node, exprs)
        self._applicable(node.meta, exprs)
        subject = exprs.check(node.subject)
        if subject is not None and subject.kind not in T.MOMENTS:
            self.fail(node.subject.span, f"'{node.subject.name}' is een {subject}; een termijn gaat over "
                      "een gebeurtenis met een datum of tijdstip", code="type")
        moments = node.args[1:] if node.kind in ("binnen", "ten minste voor") else node.args
        for arg in moments:
            t = exprs.check(arg)
            if t is not None and t.kind not in T.MOMENTS:
                self.fail(arg.span, f"hier hoort een datum of tijdstip, maar dit is een {t}", code="unit")
        if node.kind in ("binnen", "ten minste voor"):
            t = exprs.check(node.args[0])
            if t is not None and t.kind != "duur":
                self.fail(node.args[0].span, f"hier hoort een duur (zoals 3 weken), maar dit is een {t}",
                          code="unit")
            elif t is not None:
                before, after = ("binnen", "na") if node.kind == "binnen" else ("ten minste", "voor")
                written = f"{before} {positive_text(node.args[0])} {after} ..."
                exprs.expect_not_negative(node.args[0], f"een termijn telt de duur zonder minteken: schrijf '{written}'")
        return T.JANEE

    def _period_timeline_type(self, node: ast.Timeline, exprs: ExprChecker) -> T.Type:
        """`termijn t "...": de periode van A tot en met B duurt ten hoogste N`: B is the event (a
        gegeven with a date); a termijn cannot say that a length is *not* N."""
        self._applicable(node.meta, exprs)
        period = node.args[0]
        assert isinstance(period, ast.PeriodLength)   # the parser builds a period termijn with its period
        exprs.check(period)
        if not isinstance(period.end, ast.Name):
            self.fail(period.end.span, "in een termijn is het einde van de periode de gebeurtenis: een gegeven "
                      "met een datum", "noem het gegeven, of schrijf de periode als voorwaarde van een eis", "type")
        if period.op == "!=":
            self.fail(period.span, f"een termijn kan niet zeggen dat een periode '{period.words}' zo lang duurt",
                      "schrijf het als eis: vereist niet de periode van ... duurt ...", "type")
        return T.JANEE

    # ------------------------------------------------------------ order
    def _order(self) -> list[str]:
        """Rules in an order where each comes after the rules it uses (declaration order kept);
        a rule that uses itself through others (a group whose eis uses the group) is reported.
        A depth-first walk with its own stack: a long chain of rules needs no recursion."""
        done: list[str] = []
        placed: set[str] = set()
        reported: set[str] = set()
        for first in self.rules:
            if first in placed:
                continue
            path, pending = [first], [iter(sorted(self.rules[first].deps))]
            while pending:
                dep = next(pending[-1], None)
                if dep is None:
                    placed.add(path[-1])
                    done.append(path.pop())
                    pending.pop()
                elif dep in path:
                    self._report_order_cycle((*path[path.index(dep):], dep), reported)
                elif dep not in placed and dep in self.rules:
                    path.append(dep)
                    pending.append(iter(sorted(self.rules[dep].deps)))
        return done

    def _report_order_cycle(self, cycle: tuple[str, ...], reported: set[str]) -> None:
        """Report a cycle unless all of its rules are in one reported already (a group whose eisen
        each use the group is one knot, not a cycle per eis)."""
        if reported.issuperset(cycle) or any(n in self._cyclic for n in cycle):
            return
        reported.update(cycle)
        self.fail(self.rules[cycle[0]].node.span,
                  f"deze regels gebruiken elkaar in een kring: {_cycle_text(cycle)}", code="cycle")


_NUMBERS = ("bedrag", "getal", "aantal", "percentage", "duur")
_AGGREGABLE = {"som": _NUMBERS, "minimum": (*_NUMBERS, "datum", "tijdstip"),
               "maximum": (*_NUMBERS, "datum", "tijdstip")}


def _projected(row: ast.Row, name: str, keep: bool) -> ast.Row:
    """A row of a table with named outcomes, as a row of the beslissing of outcome `name`; with
    `keep`, the row keeps every named outcome (they are written values: a `voorrang` or
    `om het even` reads them to choose the row)."""
    value = next(o.value for o in row.named if o.name == name)
    return attrs.evolve(row, outcome=value, named=row.named if keep else ())


def _literal_key(value: ast.Literal) -> tuple[str, object]:
    """A written value as the key it is compared by: its kind and value (a number or bedrag by
    value, `1,0` and `1` alike)."""
    return (value.kind, value.value)


def _suggestion(name: str, names: Sequence[str]) -> str:
    hint = suggest(name, list(names))
    return f"; {hint}" if hint else ""


def _rule_quotes(policy: ast.Policy) -> list[ast.Quote]:
    """Every `citaat` on a rule or on a row of a decision table, in the order of the text."""
    metas: list[ast.Meta] = [m for g in policy.groups for m in (g.meta, *(r.meta for r in g.requirements))]
    others: tuple[ast.Calculation | ast.Decision | ast.Timeline, ...] = (
        *policy.calculations, *policy.decisions, *policy.timelines)
    metas += [node.meta for node in others]
    metas += [a.meta for a in policy.assumptions] + [k.meta for k in policy.known_findings]
    quotes = [q for meta in metas for q in meta.quotes]
    for decision in policy.decisions:
        for row in (*decision.rows, *([decision.otherwise] if decision.otherwise else [])):
            quotes.extend(row.quotes)
    return sorted(quotes, key=lambda q: (q.span.line, q.span.column))


def _cycle_text(cycle: Sequence[str]) -> str:
    """`a -> b -> a`; a long cycle shows its first and last five rules.

    >>> _cycle_text([f"q{i}" for i in range(40)] + ["q0"])
    'q0 -> q1 -> q2 -> q3 -> q4 -> ... (31 regels meer) -> q36 -> q37 -> q38 -> q39 -> q0'
    """
    if len(cycle) <= 12:
        return " -> ".join(cycle)
    return " -> ".join([*cycle[:5], f"... ({len(cycle) - 10} regels meer)", *cycle[-5:]])


def _rule_references(node: ast.RuleNode, rules: dict[str, Rule]) -> list[str]:
    """The rules a rule's own expressions name, in the order they are written, each once (a group's
    own expression is its `van toepassing als`; its eisen are rules of their own). Walked without
    recursion."""
    stack: list[object] = [node.meta.applicable] if isinstance(node, ast.Group) else [node]
    found: dict[str, None] = {}
    while stack:
        item = stack.pop()
        if isinstance(item, tuple):
            stack.extend(reversed(item))
        elif isinstance(item, ast.Name | ast.Satisfies):
            if item.name in rules:
                found[item.name] = None
        elif ast.is_node(item):
            stack.extend(getattr(item, f.name) for f in reversed(attrs.fields(type(item))) if f.name != "span")
    return list(found)
