"""Checking `aanname`, `bekende bevinding` and `bewust onvolledig`: what a policy says about its cases
and about the findings of the consistency check.

Contract: `AssumptionChecks(checker)` is run by the checker after every rule is typed:
  - an `aanname` has a ja/nee condition over the gegevens of a case (and the peildatum); it names
    no rule (an assumption is about what a case can be, not about what the rules make of it);
  - a `bekende bevinding` names a kind of finding (`FINDING_KINDS`: gat, overlap, ...; a
    misspelling gets "bedoelde u ...?") and the rules it is about (a table with several named
    outcomes by its own name: its first outcome, under which the check reports it), of a kind the
    finding can be about (a gap is of a beslissing without `anders`); its `waar` condition is a
    ja/nee over gegevens, as an aanname's;
  - `bewust onvolledig` stands on a beslissing that can leave a case undecided (no `anders`).
Problems are reported into the checker's list, with line and column, in Dutch. The kinds of
finding are listed here (the checker comes before the analysis that produces them); the analysis
(`dsl.analysis.findings.KINDS`) has the same keys, which tests/test_known_findings.py checks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dsl import ast
from dsl import types as T
from dsl.checker.expressions import ExprChecker
from dsl.errors import suggest
from dsl.span import Span

if TYPE_CHECKING:
    from dsl.checker import _Checker

# Every kind of finding a `bekende bevinding` can record, with the kinds of rule it is about
# (None: any rule). The keys are those of `dsl.analysis.findings.KINDS`.
_DECISION = ("beslissing",)
FINDING_KINDS: dict[str, tuple[str, ...] | None] = {
    "gat": _DECISION, "overlap": _DECISION, "overschaduwd": _DECISION, "onmogelijke_regel": _DECISION,
    "onbekend_blokkeert": _DECISION, "herhaalde_rij": _DECISION,
    "eis_onvervulbaar": ("eis",), "eis_altijd": ("eis",), "uitzondering_nooit": ("eis",),
    "uitzondering_overbodig": ("eis",), "dubbele_eis": ("eis",),
    "tegenstrijdig": ("eis", "groep"),
    "termijn_onmogelijk": ("termijn",), "volgorde_onmogelijk": ("termijn",),
    "nooit_van_toepassing": None, "deling_door_nul": None, "buiten_bereik": None, "grens": None,
    "andere_grenzen": None,
}


class AssumptionChecks:
    """See the module docstring."""

    def __init__(self, checker: _Checker):
        self.c = checker
        self.known: list[tuple[ast.KnownFinding, tuple[str, ...]]] = []

    def declare(self) -> None:
        """Claim the name of each aanname (no rule or gegeven may have it)."""
        for assumption in self.c.policy.assumptions:
            self.c._declare_name(assumption.name, assumption.span, "aanname")

    def run(self) -> None:
        for assumption in self.c.policy.assumptions:
            self._condition(assumption.condition, f"de voorwaarde van aanname '{assumption.name}'", "aanname")
        for decision in self.c.policy.decisions:
            if decision.partial is not None and decision.otherwise is not None:
                self.c.fail(decision.partial.span, f"beslissing '{decision.name}' heeft 'anders' en beslist dus "
                            "elke casus; 'bewust onvolledig' zegt dat zij sommige casussen open laat",
                            "laat 'bewust onvolledig' weg, of 'anders'", "onvolledig")
        for record in self.c.policy.known_findings:
            self._known(record)

    # ------------------------------------------------------------ conditions over gegevens
    def _condition(self, condition: ast.Expr, what: str, owner: str) -> None:
        def resolve(name: str, span: Span, requirement: bool = False) -> T.Type | None:
            if name in self.c.fields and not requirement:
                return self.c.fields[name][1]
            if name in self.c.rules or name in self.c._tables:
                self.c.fail(span, f"een {owner} gaat over de gegevens van een casus; '{name}' is een regel",
                            "schrijf de voorwaarde met de gegevens zelf (zoals 'ontslag is niet voor opname')",
                            owner)
                return None
            self.c.fail(span, f"onbekende naam '{name}'", suggest(name, list(self.c.fields)))
            return None

        ExprChecker(resolve, self.c.types, self.c.problems).expect_bool(condition, what)

    # ------------------------------------------------------------ bekende bevindingen
    def _known(self, record: ast.KnownFinding) -> None:
        if record.kind not in FINDING_KINDS:
            self.c.fail(record.kind_span, f"onbekende soort bevinding '{record.kind}'",
                        suggest(record.kind, list(FINDING_KINDS)) or "kies uit: " + ", ".join(FINDING_KINDS),
                        "bekende bevinding")
            return
        names: list[str] = []
        for ref in record.rules:
            name = self._rule_name(ref)
            if name is not None:
                names.append(name)
        if len(names) != len(record.rules):
            return
        allowed = FINDING_KINDS[record.kind]
        for ref, name in zip(record.rules, names, strict=True):
            kind = self.c.rules[name].kind
            if allowed is not None and kind not in allowed:
                self.c.fail(ref.span, f"een bevinding '{record.kind}' gaat over een {' of '.join(allowed)}, en "
                            f"'{ref.name}' is een {kind}", code="bekende bevinding")
                return
        if record.kind == "gat":
            node = self.c.rules[names[0]].node
            if isinstance(node, ast.Decision) and node.otherwise is not None:
                self.c.fail(record.rules[0].span, f"beslissing '{record.rules[0].name}' heeft 'anders' en dus geen "
                            "gat: deze bevinding kan nooit optreden", "laat de bekende bevinding weg",
                            "bekende bevinding")
                return
            if isinstance(node, ast.Decision) and node.partial is not None:
                self.c.fail(record.rules[0].span, f"beslissing '{record.rules[0].name}' is bewust onvolledig: haar "
                            "gaten zijn al geen bevinding", "laat de bekende bevinding of 'bewust onvolledig' weg",
                            "bekende bevinding")
                return
        if len(set(names)) != len(names):
            self.c.fail(record.span, "een bekende bevinding noemt dezelfde regel twee keer", code="bekende bevinding")
            return
        if record.region is not None:
            self._condition(record.region, "de voorwaarde na 'waar'", "bekende bevinding")
        self.known.append((record, tuple(names)))

    def _rule_name(self, ref: ast.Name) -> str | None:
        """The rule a bekende bevinding names: a rule, or a table with several outcomes (its first
        outcome, under which the consistency check reports the table)."""
        if ref.name in self.c.rules:
            return ref.name
        outputs = self.c._tables.get(ref.name)
        if outputs:
            return outputs[0]
        if ref.name in self.c.fields:
            self.c.fail(ref.span, f"'{ref.name}' is een gegeven; een bekende bevinding noemt de regels waar zij over "
                        "gaat", code="bekende bevinding")
            return None
        self.c.fail(ref.span, f"onbekende regel '{ref.name}'",
                    suggest(ref.name, [*self.c.rules, *self.c._tables]), "bekende bevinding")
        return None
