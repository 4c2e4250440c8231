"""Exact checks of requirements, groups, timelines and calculations (a mixin of `checks._Checks`).

Contract: each `check_<kind>(rule)` (requirement, group, timeline, calculation) encodes the rule
with the solver; when a finding exists it is added with a witness case (see `dsl.analysis.checks`
for the list of checks). A rule the solver cannot encode is listed as a fallback and, where a
concrete case can show the defect, searched with Hypothesis (`search_*`); what a search did not
find is a note, never a finding.
"""

from __future__ import annotations

from decimal import Decimal

import z3

from dsl.analysis.findings import Checked
from dsl.analysis.solving import CheckContext, rule_fields
from dsl.analysis.thresholds import constant, expressions, own_gate, timeline_moments
from dsl.core import expr as E
from dsl.core.expr import walk
from dsl.core.model import Calculation, Group, Requirement, Rule, Status, Timeline

_RANGE = {"bedrag": "negatief", "aantal": "negatief", "duur": "negatief", "percentage": "buiten 0%–100%"}


class RuleChecks(CheckContext):
    """The checks of requirements, groups, timelines and calculations."""

    # ------------------------------------------------------------ requirements
    def check_requirement(self, rule: Requirement):
        def build():
            app = self.enc.applicability(rule)
            return ([app] if app is not None else [], self.enc.cond(rule.condition),
                    [self.enc.cond(e.condition) for e in rule.exceptions])

        encoded = self.encode(rule, build)
        if encoded is None:
            return self.note_unencoded(rule)
        (base, cond, excs), guards = encoded
        base = base + guards
        if own_gate(rule) is not None and not self.sat(*base):
            return self.add("nooit_van_toepassing", rule.name, f"Eis '{rule.name}' is nooit van toepassing: "
                            "de voorwaarde na 'van toepassing als' is nooit waar.", [("eis", rule.span)])
        holds = z3.Or(cond, *excs)
        status = lambda o: o[rule.name].status  # noqa: E731
        if not self.sat(*base, holds):
            self.add("eis_onvervulbaar", rule.name, f"Eis '{rule.name}' kan nooit voldaan worden: geen "
                     "enkele casus voldoet aan de voorwaarde (of een uitzondering).", [("eis", rule.span)],
                     self.witness(rule.name, *base), lambda o: status(o) == Status.NIET_VOLDAAN)
        elif not self.sat(*base, z3.Not(holds)):
            self.add("eis_altijd", rule.name, f"Eis '{rule.name}' is altijd voldaan (waar zij van toepassing "
                     "is): geen enkele casus voldoet er niet aan.", [("eis", rule.span)],
                     self.witness(rule.name, *base), lambda o: status(o) == Status.VOLDAAN)
        for k, exc in enumerate(excs):
            self.check_exception(rule, base, cond, exc, rule.exceptions[k])
        self.checked.append(Checked(rule.name, "vervulbaar, altijd waar, uitzonderingen", "exact"))

    def check_exception(self, rule: Requirement, base, cond, exc, node):
        where = [("uitzondering", node.span), ("eis", rule.span)]
        if not self.sat(*base, exc):
            self.add("uitzondering_nooit", rule.name, f"De uitzondering '{node.words} ...' van eis "
                     f"'{rule.name}' kan nooit gelden.", where, self.witness(rule.name, *base))
        elif not self.sat(*base, exc, z3.Not(cond)):
            self.add("uitzondering_overbodig", rule.name, f"De uitzondering '{node.words} ...' van eis "
                     f"'{rule.name}' maakt nooit iets uit: als zij geldt, is de eis zelf al voldaan.", where,
                     self.witness(rule.name, *base, exc), lambda o: o[rule.name].status == Status.VOLDAAN)

    def note_unencoded(self, rule):
        self.checked.append(Checked(rule.name, "niet exact te controleren", "geen"))

    # ------------------------------------------------------------ groups
    def check_group(self, rule: Group):
        def build():
            app = self.enc.applicability(rule)
            return ([app] if app is not None else [],
                    [self.enc.rule_value(m, self.model.rules[m].span) for m in rule.members])

        encoded = self.encode(rule, build)
        if encoded is None:
            return self.note_unencoded(rule)
        (base, members), guards = encoded
        base = base + guards
        if not self.sat(*base):
            return self.add("nooit_van_toepassing", rule.name, f"Groep '{rule.name}' is nooit van toepassing.",
                            [("groep", rule.span)])
        if not self.sat(*base, *members):
            self.group_conflict(rule, base, members)
        self.checked.append(Checked(rule.name, "tegenstrijdige eisen", "exact"))

    def group_conflict(self, rule: Group, base, members):
        """Every pair of eisen that can each be met but not together (one finding per pair, so a
        second contradiction in a group that has one is not hidden)."""
        reqs = [self.model.rules[m] for m in rule.members]
        for i in range(len(members)):
            for j in range(i + 1, len(members)):
                if self.sat(*base, members[i]) and self.sat(*base, members[j]) and \
                        not self.sat(*base, members[i], members[j]):
                    self.add("tegenstrijdig", rule.name, f"De eisen '{reqs[i].name}' en '{reqs[j].name}' van groep "
                             f"'{rule.name}' spreken elkaar tegen: geen casus voldoet aan beide.",
                             [(reqs[i].name, reqs[i].span), (reqs[j].name, reqs[j].span)],
                             self.witness(rule.name, *base, members[i]),
                             lambda o: o[rule.name].status == Status.NIET_VOLDAAN)

    # ------------------------------------------------------------ timelines
    def check_timeline(self, rule: Timeline):
        def build():
            app = self.enc.applicability(rule)
            return [app] if app is not None else [], self.enc.timeline_met(rule)

        encoded = self.encode(rule, build)
        if encoded is None:
            return self.note_unencoded(rule)
        (base, met), guards = encoded
        if not self.sat(*base, *guards, met):
            self.add("termijn_onmogelijk", rule.name, f"Termijn '{rule.name}' kan nooit gehaald worden: er is "
                     "geen moment dat aan het venster voldoet.", [("termijn", rule.span)],
                     self.witness(rule.name, *base, *guards), lambda o: o[rule.name].status == Status.NIET_GEHAALD)
        self.checked.append(Checked(rule.name, "venster haalbaar", "exact"))

    def timeline_pairs(self):
        """(dependent, other) timelines: bounds use the other's event, or both share an event."""
        timelines = [r for r in self.model.rules.values() if isinstance(r, Timeline)]
        subjects: dict[str, list[Timeline]] = {}
        for t in timelines:
            if isinstance(t.subject, E.Input):
                subjects.setdefault(t.subject.name, []).append(t)
        for t in timelines:
            used = {n.name for m in timeline_moments(t) for n in walk(m) if isinstance(n, E.Input)}
            for name in sorted(used):
                for other in subjects.get(name, ()):
                    yield t, other
        for group in subjects.values():
            for i, a in enumerate(group):
                for b in group[i + 1:]:
                    yield a, b

    def check_order(self):
        if self.method == "hypothesis":
            return
        for first, second in self.timeline_pairs():
            self.check_pair(first, second)

    def check_pair(self, first: Timeline, second: Timeline):
        encoded = self.encode(first, lambda: (self.enc.timeline_met(first), self.enc.timeline_met(second)))
        if encoded is None:
            return
        (met1, met2), guards = encoded
        if self.sat(*guards, met1) and self.sat(*guards, met2) and not self.sat(*guards, met1, met2):
            self.add("volgorde_onmogelijk", first.name, f"Termijn '{first.name}' kan niet gehaald worden als "
                     f"termijn '{second.name}' gehaald is: hun volgorde is onmogelijk.",
                     [(first.name, first.span), (second.name, second.span)],
                     self.witness(first.name, *guards, met2),
                     lambda o: o[first.name].status == Status.NIET_GEHAALD)

    # ------------------------------------------------------------ calculations
    def check_calculation(self, rule: Calculation):
        t = rule.type
        if t is None or t.kind not in _RANGE:
            return
        encoded = self.encode(rule, lambda: (self.enc.applicability(rule), self.enc.expr(rule.expr)))
        if encoded is None:
            return self.search_range(rule)
        (app, value), guards = encoded
        base = ([app] if app is not None else []) + guards
        outside = value < 0 if t.kind != "percentage" else z3.Or(value < 0, value > 100)
        if self.sat(*base, outside):
            self.add("buiten_bereik", rule.name, f"Berekening '{rule.name}' ({t}) kan {_RANGE[t.kind]} worden.",
                     [("berekening", rule.span)], self.witness(rule.name, *base, outside),
                     lambda o: _outside(o[rule.name].value, t.kind))
        self.checked.append(Checked(rule.name, "bereik", "exact"))

    def search_range(self, rule: Calculation):
        kind = rule.type.kind
        case = self.search(rule.name, "bereik", lambda o: _outside(o[rule.name].value, kind),
                           sorted(rule_fields(self.model, rule.name)))
        if case is not None:
            self.add("buiten_bereik", rule.name, f"Berekening '{rule.name}' ({rule.type}) kan "
                     f"{_RANGE[kind]} worden.", [("berekening", rule.span)], (case, ()),
                     lambda o: _outside(o[rule.name].value, kind), method="zoektocht")
        self.checked.append(Checked(rule.name, "bereik", "zoektocht"))

    def check_divisions(self):
        for name, expr in expressions(self.model):
            for node in walk(expr):
                if isinstance(node, E.Arith) and node.op == "/":
                    self.check_division(self.model.rules[name], node)

    def check_division(self, rule: Rule, node: E.Arith):
        divisor = constant(node.right, self.model)
        if divisor is not None:
            if divisor == 0:
                self.add("deling_door_nul", rule.name, f"In '{rule.name}' wordt altijd door nul gedeeld.",
                         [("deling", node.span)])
            return
        encoded = self.encode(rule, lambda: (self.enc.applicability(rule), self.enc.expr(node.right)))
        if encoded is None:
            return self.search_division(rule, node)
        (app, right), _guards = encoded  # the divisor itself is the question here
        found = self.witness(rule.name, *([app] if app is not None else []), right == 0)
        if found is not None:
            self.add("deling_door_nul", rule.name, f"In '{rule.name}' kan door nul gedeeld worden; de uitkomst "
                     "is dan onbekend.", [("deling", node.span), (str(rule.kind), rule.span)], found,
                     lambda o: o[rule.name].status == Status.ONBEKEND)

    def search_division(self, rule: Rule, node: E.Arith):
        case = self.search(rule.name, "deling door nul", lambda o: o[rule.name].status == Status.ONBEKEND,
                           sorted(rule_fields(self.model, rule.name)))
        if case is not None:
            self.add("deling_door_nul", rule.name, f"In '{rule.name}' kan de uitkomst onbekend worden "
                     "(deling door nul) bij een volledige casus.", [("deling", node.span)], (case, ()),
                     lambda o: o[rule.name].status == Status.ONBEKEND, method="zoektocht")


def _outside(value, kind: str) -> bool:
    if not isinstance(value, (int, Decimal)) or isinstance(value, bool):
        return False
    return value < 0 or (kind == "percentage" and value > 100)
