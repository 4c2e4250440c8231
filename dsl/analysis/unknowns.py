"""Unknown inputs: which missing gegevens can make a rule `onbekend`, and rows blocked by one.

Contract (a mixin of `dsl.analysis.checks._Checks`): `check_unknowns()` adds to the report
  - per beslissing and eis the solver can encode, the gegevens that can make it `onbekend` on
    their own (`Unknowable(rule, inputs)`: there is a case where that gegeven is the only one of
    the rule's gegevens that is missing, and the rule is onbekend);
  - a finding `onbekend_blokkeert` for a beslissing (eerste treffer, voorrang) in which an earlier row is
    onbekend for a case while a later row would decide it: the rows before are false, the row is
    onbekend because one gegeven is missing, and a later row that does not read that gegeven is
    true (the rows between false). `anders` does not count: it decides only because no row holds. The document may well give an answer there (the zzp row of
    `overeenkomst` that stops testing the soort of aanbieder blocks every instelling whose
    `bestaande_zzp_overeenkomst` is missing). Its regions say, per gegeven, "onbekend" or the
    values it has, listed region by region like gaps (`dsl.analysis.regions`), with a witness
    case that leaves the missing gegevens out; the compiled policy confirms it is onbekend.

Encoding: the compiled code's three-valued semantics (Kleene `en`/`of`/`niet`, an unknown operand
makes a comparison or a sum unknown, a row whose condition is unknown makes a decision unknown,
an unknown `van toepassing als` makes the rule unknown, a group is niet voldaan when one eis is,
else onbekend when one is) with one extra ja/nee per gegeven, "is bekend" (`known(name)`); the policy's own `x is bekend`
is that term, never onbekend. A
condition is a pair (surely true, surely false); unknown is neither. Values come from the
two-valued encoding (`dsl.analysis.smt.Encoder`): by monotonicity of Kleene logic, a value that is
known for a case with missing gegevens is the value of every completion of it. A rule that uses a
beslissing stays exact: the beslissing's value is known when a row decides it (`anders` too), and
is any value otherwise. Division by zero is left to its own check (excluded by a guard).
A lijst is known or missing as a whole (`elk van` and the aggregates are onbekend when it is; an
empty minimum, maximum or gemiddelde is excluded by a guard, as a division by zero). Every hit
policy of `dsl.core.model.HitPolicy` is analysed as the compiled code picks a row: eerste treffer
and voorrang in `Decision.in_order` (a row blocked by an unknown is a finding under both); uniek
and om het even are onbekend when a row is unknown and no two rows that hold give `meerdere
regels` (under om het even: rows that hold and disagree); som, aantal, minimum, maximum and alle
as soon as one row is unknown (a row that holds never makes another one irrelevant, so no row is
"blocked" there). Termijnen, the peildatum and what the solver cannot encode are not analysed
here, nor a rule that uses more than `MAX_BELOW` other rules (the report notes how many were left
out).
"""

from __future__ import annotations

from typing import Any, assert_never

import attrs
import z3

from dsl.analysis.findings import Region
from dsl.analysis.regions import around_box, merge, relation_names, relation_sexpr, relations_of
from dsl.analysis.smt import Encoder, Unsupported
from dsl.analysis.solving import CheckContext, Undecided
from dsl.core import expr as E
from dsl.core.model import Calculation, Decision, Group, HitPolicy, Requirement, Rule, Status, Timeline

__all__ = ["UnknownChecks", "Unknowable", "known"]

Pair = tuple[Any, Any]   # (surely true, surely false)
# A rule that uses more rules than this (directly or through others) is not analysed: its terms
# grow with the chain below it, and each solver call would cost that much again. A count, so the
# same policy gives the same report on any machine.
MAX_BELOW = 60
_TRUE, _FALSE = z3.BoolVal(True), z3.BoolVal(False)


@attrs.frozen
class Unknowable:
    """The gegevens that can, each on its own, make `rule` onbekend."""

    rule: str
    inputs: tuple[str, ...]


def known(name: str) -> z3.BoolRef:
    """The ja/nee "gegeven `name` is bekend" (shared with `dsl.analysis.compare`)."""
    return z3.Bool(f"{name}?bekend")


class _ValueEncoder(Encoder):
    """The two-valued encoding, where a beslissing that may give no outcome (no `anders`, `uniek`,
    `om het even`) still has a value: its outcome where the rows decide it, any value otherwise. Used
    only together with the "is bekend" terms of `_Kleene`, which say when the value counts. Under
    every hit policy as `dsl.core.model.HitPolicy` says: one row's outcome (the first that holds in
    `Decision.in_order`), or the som, aantal, minimum or maximum of the rows that hold; a list of
    outcomes (`alle`) is not encoded."""

    def decision_value(self, rule: Decision):
        t = rule.type
        rows = rule.in_order
        kind = rule.hit_policy.aggregate
        if kind == "lijst":
            raise Unsupported(f"de lijst van uitkomsten van beslissing '{rule.name}' wordt niet exact gecontroleerd",
                              rule.span)
        if not rows:
            raise Unsupported(f"beslissing '{rule.name}' heeft geen rijen", rule.span)
        conds = [self.cond(_condition(row)) for row in rows]
        if kind == "aantal":
            outcomes = [z3.IntVal(1) for _ in rows]
        else:
            outcomes = [self.expr(row.outcome, want=t) for row in rows]
        if rule.otherwise is not None:
            value = self.expr(rule.otherwise.outcome, want=t)
        else:
            value = z3.FreshConst(outcomes[0].sort(), f"{rule.name}?geen")
        if kind is None:
            for cond, outcome in zip(reversed(conds), reversed(outcomes), strict=True):
                value = z3.If(cond, outcome, value)
            return value
        if kind in ("som", "aantal"):
            total = z3.Sum(*[z3.If(c, o, o * 0) for c, o in zip(conds, outcomes, strict=True)])
        else:
            total, seen = outcomes[0], z3.BoolVal(False)
            for c, o in zip(conds, outcomes, strict=True):
                better = o < total if kind == "minimum" else o > total
                total = z3.If(c, z3.If(z3.Or(z3.Not(seen), better), o, total), total)
                seen = z3.Or(seen, c)
        return z3.If(z3.Or(*conds), total, value)


def _condition(row) -> E.Expr:
    assert row.condition is not None   # only `anders` has none, and it is not among a beslissing's rows
    return row.condition


class _Kleene:
    """Three-valued terms of conditions and rules (see the module docstring)."""

    def __init__(self, model, enc: _ValueEncoder):
        self.model, self.enc = model, enc
        self._rules: dict[str, tuple[Pair, Any, Any]] = {}   # name -> ((true, false), value known, onbekend)

    # ------------------------------------------------------------ expressions
    def known_value(self, node: E.Expr):
        match node:
            case E.Const():
                return _TRUE
            case E.Input():
                if node.type.kind == "lijst":
                    self.enc.list_of(node)
                else:
                    self.enc.var(node.name)
                return known(node.name)
            case E.RuleRef():
                return self.rule(node.name)[1]
            case E.Peildatum() | E.YearDate() | E.Versions() | E.YearValue() | E.OnDay() | E.Throughout() | E.PeriodDay():
                raise Unsupported("onbekende waarden hier niet geanalyseerd", node.span)
            case E.Aggregate() | E.ListOf():
                # an empty minimum, maximum or gemiddelde is kept out by the encoder's guard
                return z3.And(*[self.known_value(c) for c in E.children(node)])
            case E.Compare() | E.Member() | E.Between() | E.Weekly() | E.And() | E.Or() | E.Not() | E.Each():
                true, false = self.cond(node)
                return z3.Or(true, false)
            case E.Known():
                return _TRUE   # `x is bekend` is never onbekend
            case E.Arith() | E.Neg() | E.PercentOf() | E.Shift() | E.MomentDiff() | E.DayOf() | E.Round():
                return z3.And(*[self.known_value(c) for c in E.children(node)])
            case _:
                assert_never(node)

    def cond(self, node: E.Expr) -> Pair:
        match node:
            case E.And():
                parts = [self.cond(i) for i in node.items]
                return z3.And(*[t for t, _ in parts]), z3.Or(*[f for _, f in parts])
            case E.Or():
                parts = [self.cond(i) for i in node.items]
                return z3.Or(*[t for t, _ in parts]), z3.And(*[f for _, f in parts])
            case E.Not():
                true, false = self.cond(node.operand)
                return false, true
            case E.Known():
                has_value = self.known_value(node.operand)
                return (z3.Not(has_value), has_value) if node.negated else (has_value, z3.Not(has_value))
            case E.RuleRef():
                (true, false), _, _ = self.rule(node.name)
                if self.model.rules[node.name].kind in ("eis", "groep", "termijn"):
                    return true, false
                value = self.enc.cond(node)
                is_known = self.rule(node.name)[1]
                return z3.And(is_known, value), z3.And(is_known, z3.Not(value))
            case _:
                value = self.enc.cond(node)
                is_known = z3.And(*[self.known_value(c) for c in E.children(node)]) if E.children(node) \
                    else self.known_value(node)
                return z3.And(is_known, value), z3.And(is_known, z3.Not(value))

    # ------------------------------------------------------------ rules
    def gates(self, rule: Rule) -> Pair:
        parts = [self.cond(g.condition) for g in rule.gates]
        return z3.And(*[t for t, _ in parts]), z3.Or(*[f for _, f in parts])

    def rule(self, name: str) -> tuple[Pair, Any, Any]:
        """((surely ja, surely nee) as other rules see it, value known, status onbekend)."""
        if name not in self._rules:
            # the rules it depends on first, in model (dependency) order: no deep recursion
            found, stack = {name}, [name]
            while stack:
                for dep in self.model.rules[stack.pop()].deps:
                    if dep not in found and dep not in self._rules:
                        found.add(dep)
                        stack.append(dep)
            for needed in sorted(found, key=lambda n: self.model.rules[n].index):
                self._rules[needed] = self._rule(self.model.rules[needed])
        return self._rules[name]

    def _rule(self, rule: Rule) -> tuple[Pair, Any, Any]:
        app, nvt = self.gates(rule)
        undecided = z3.And(z3.Not(app), z3.Not(nvt))
        match rule:
            case Calculation():
                value_known = z3.And(app, self.known_value(rule.expr))
                onbekend = z3.Or(undecided, z3.And(app, z3.Not(value_known)))
                return (_FALSE, _FALSE), value_known, onbekend
            case Requirement():
                parts = [self.cond(rule.condition)] + [self.cond(e.condition) for e in rule.exceptions]
                true, false = z3.Or(*[t for t, _ in parts]), z3.And(*[f for _, f in parts])
                return self._truth(app, nvt, true, false)
            case Group():
                parts = []
                for member in rule.members:
                    if not isinstance(self.model.rules[member], Requirement | Group):
                        raise Unsupported(f"groep '{rule.name}' met een termijn", rule.span)
                    parts.append(self.rule(member)[0])
                return self._truth(app, nvt, z3.And(*[t for t, _ in parts]), z3.Or(*[f for _, f in parts]))
            case Decision():
                return self._decision(rule, app, undecided)
            case Timeline():
                raise Unsupported("een termijn hangt af van de peildatum", rule.span)
            case _:
                assert_never(rule)

    @staticmethod
    def _truth(app, nvt, true, false) -> tuple[Pair, Any, Any]:
        yes, no = z3.Or(nvt, z3.And(app, true)), z3.And(app, false)
        return (yes, no), z3.Or(yes, no), z3.And(z3.Not(yes), z3.Not(no))

    def rows(self, rule: Decision) -> list[Pair]:
        """(surely true, surely false) per row, in `Decision.in_order`."""
        return [self.cond(_condition(r)) for r in rule.in_order]

    def _decision(self, rule: Decision, app, undecided) -> tuple[Pair, Any, Any]:
        """A beslissing's terms under its hit policy (`dsl.core.model.HitPolicy`, as the compiled
        code picks a row): first treffer and voorrang look at the rows in order, an unknown row
        before the first that holds makes it onbekend; uniek and om het even are onbekend when a row
        is unknown and no two rows that hold give `meerdere regels`; a collecting policy (som,
        aantal, minimum, maximum, alle) is onbekend as soon as one row is unknown."""
        rows = self.rows(rule)
        order = rule.in_order
        policy = rule.hit_policy
        kind = policy.aggregate
        outcomes = [_TRUE if kind == "aantal" else self.known_value(r.outcome) for r in order]
        other = self.known_value(rule.otherwise.outcome) if rule.otherwise is not None else _FALSE
        nothing = z3.And(*[f for _, f in rows])
        open_any = z3.Or(*[z3.And(z3.Not(t), z3.Not(f)) for t, f in rows])
        if policy in (HitPolicy.FIRST, HitPolicy.PRIORITY):
            before: list = []
            decided: list = []
            unknown: list = []
            for (true, false), outcome in zip(rows, outcomes, strict=True):
                decided.append(z3.And(*before, true, outcome))
                unknown.append(z3.And(*before, z3.Not(true), z3.Not(false)))
                before.append(false)
            decided.append(z3.And(*before, other))
            value_known, open_rows = z3.Or(*decided), z3.Or(*unknown)
        elif policy is HitPolicy.UNIQUE:
            hits = z3.Sum(*[z3.If(t, 1, 0) for t, _ in rows]) if rows else z3.IntVal(0)
            open_rows = z3.And(hits <= 1, open_any)
            value_known = z3.Or(*[z3.And(t, o, *[f for k, (_, f) in enumerate(rows) if k != i])
                                  for i, ((t, _), o) in enumerate(zip(rows, outcomes, strict=True))],
                                z3.And(nothing, other))
        elif policy is HitPolicy.ANY:
            clash = z3.Or(*[z3.And(rows[i][0], rows[j][0]) for i in range(len(rows)) for j in range(i + 1, len(rows))
                            if order[i].agree != order[j].agree])
            open_rows = z3.And(z3.Not(clash), open_any)
            all_decided = z3.And(*[z3.Or(t, f) for t, f in rows])
            first = [z3.And(t, o, *[f for _, f in rows[:i]]) for i, ((t, _), o) in enumerate(zip(rows, outcomes, strict=True))]
            value_known = z3.And(z3.Not(clash), all_decided, z3.Or(*first, z3.And(nothing, other)))
        else:
            open_rows = open_any
            all_decided = z3.And(*[z3.Or(t, f) for t, f in rows])
            # som, minimum, maximum: the outcome of every row that holds is known; aantal, alle: counted
            given = [z3.Implies(t, o) for (t, _), o in zip(rows, outcomes, strict=True)] if kind in (
                "som", "minimum", "maximum") else []
            value_known = z3.And(all_decided, z3.Or(z3.And(z3.Or(*[t for t, _ in rows]), *given),
                                                    z3.And(nothing, other)))
        value_known = z3.And(app, value_known)
        onbekend = z3.Or(undecided, z3.And(app, open_rows))
        return (_FALSE, _FALSE), value_known, onbekend


class UnknownChecks(CheckContext):
    """The checks of unknown inputs (see the module docstring)."""

    unknowns: list[Unknowable]

    def check_unknowns(self) -> None:
        self.unknowns = []
        if self.method == "hypothesis":
            return
        enc = _ValueEncoder(self.model, self.enc.domain)
        kleene = _Kleene(self.model, enc)
        below: dict[str, frozenset] = {}
        skipped = 0
        for rule in self.model.rules.values():   # model order: a rule's dependencies come first
            below[rule.name] = frozenset(rule.deps).union(*[below.get(d, frozenset()) for d in rule.deps])
            if not isinstance(rule, Decision | Requirement):
                continue
            if isinstance(rule, Decision) and rule.name != rule.lead:
                continue   # a table's other outputs share its rows: analysed once, under its lead
            if len(below[rule.name]) > MAX_BELOW:
                skipped += 1
                continue
            enc.guards = []
            try:
                _, _, onbekend = kleene.rule(rule.name)
                blocks = self._blocking(kleene, rule) if isinstance(rule, Decision) else []
                guards = list(enc.guards)
                self._unknowable(rule, onbekend, guards)
                if isinstance(rule, Decision):
                    for i, formula in blocks:
                        self._blocked(rule, i, [*guards, formula])
            except (Unsupported, Undecided):   # what the solver cannot say is not analysed here
                continue
        if skipped:
            self.notes.append(f"{skipped} regels gebruiken elk meer dan {MAX_BELOW} andere regels; welke ontbrekende "
                              "gegevens ze onbekend maken, is voor die regels niet nagegaan.")

    # ------------------------------------------------------------ which gegevens
    def _unknowable(self, rule: Rule, onbekend, guards) -> None:
        names = self._encoded(rule.inputs)
        found = []
        s = self.solver
        s.push()   # the rule's terms once; each gegeven in turn as an assumption
        try:
            s.add(*guards, onbekend)
            for name in names:
                answer = s.check(*[known(n) for n in names if n != name], z3.Not(known(name)))
                if answer == z3.unknown and s.reason_unknown() in ("interrupted from keyboard", "canceled"):
                    raise KeyboardInterrupt
                if answer == z3.sat:
                    found.append(name)
        finally:
            s.pop()
        if found:
            self.unknowns.append(Unknowable(rule.name, tuple(found)))

    def _encoded(self, inputs) -> list[str]:
        """The gegevens among `inputs` the solver encodes (a lijst too), in the model's order."""
        return [n for n in self.model.fields if n in inputs and (n in self.enc.vars or n in self.enc.lists)]

    # ------------------------------------------------------------ rows blocked by an unknown
    def _blocking(self, kleene: _Kleene, rule: Decision) -> list[tuple[int, Any]]:
        """(row, formula) per row of a beslissing under eerste treffer or voorrang (rows in
        `Decision.in_order`) that can block a later one. Under the other hit policies every row
        counts whatever the others say (`HitPolicy`): an unknown row makes the beslissing onbekend
        even when another holds, so no row is "later"; which gegevens can do that, `_unknowable` says."""
        if rule.hit_policy not in (HitPolicy.FIRST, HitPolicy.PRIORITY):
            return []
        app, _ = kleene.gates(rule)
        rows = kleene.rows(rule)
        # decides[j]: a row from j on decides without a missing gegeven of its own (the rows before
        # it false); built from the back, so each row is in the formula once
        decides: list = [_FALSE] * (len(rows) + 1)
        for j in range(len(rows) - 1, -1, -1):
            condition = rule.in_order[j].condition
            needs = [known(n) for n in self._encoded(condition.inputs if condition is not None else ())]
            true, false = rows[j]
            decides[j] = z3.Or(z3.And(true, *needs), z3.And(false, decides[j + 1]))
        out, before = [], _TRUE
        for i, (true, false) in enumerate(rows):
            if i + 1 < len(rows):
                out.append((i, z3.And(app, before, z3.Not(true), z3.Not(false), decides[i + 1])))
            before = z3.And(before, false)
        return out

    def _blocked(self, rule: Decision, i: int, formulas: list) -> None:
        """Row i (of `Decision.in_order`) blocking a later row, as a finding with its regions."""
        names = self._encoded(rule.inputs)
        row = rule.in_order[i]
        # one gegeven missing at a time: the rows it blocks, not every combination of gaps in a case
        formulas = [*formulas, z3.Sum(*[z3.If(known(n), 0, 1) for n in names]) == 1]
        if not self.sat(*formulas):
            return
        merged = merge(self._blocked_boxes(rule, row.index, names, formulas))
        if not merged:
            return
        missing = sorted({r.field for _, regions in merged for r in regions if r.values and None in r.values},
                         key=list(self.model.fields).index)
        gone = (", ".join(missing[:-1]) + " of " if len(missing) > 1 else "") + missing[-1] + " ontbreekt"
        spread = f" (in {len(merged)} gebieden)" if len(merged) > 1 else ""
        found, regions = merged[0]
        self.add("onbekend_blokkeert", rule.name,
                 f"Rij {row.index + 1} van beslissing '{rule.name}' is onbekend als {gone}{spread}, terwijl een latere "
                 "rij die dat gegeven niet gebruikt de casus zou beslissen: de beslissing wordt onbekend.",
                 [(f"rij {row.index + 1}", row.span), ("beslissing", rule.span)], found,
                 lambda o: o[rule.name].status == Status.ONBEKEND, regions=regions,
                 boxes=tuple((f[0], r) for f, r in merged))

    def _blocked_boxes(self, rule: Decision, i: int, names: list[str], formulas: list) -> list:
        """The boxes (witness, regions) of row i blocking, as `dsl.analysis.regions.all_regions` lists
        them, with the "is bekend" flags of each witness kept fixed in its box."""
        boxes: list = []
        outside: list = []
        stopped = False
        atoms = relations_of(formulas)
        relations = {relation_sexpr(atom): set(relation_names(atom)) for atom in atoms}
        while True:
            found = self.witness(rule.name, *formulas, *outside)
            if found is None:
                break
            if len(boxes) >= self.budget.max_regions:
                stopped = True
                break
            m = found[2]
            missing = [n for n in names if z3.is_false(m.eval(known(n), model_completion=True))]
            flags = [known(n) == z3.BoolVal(n not in missing) for n in names]
            regions, member = around_box(self, formulas, found, given=flags, relations=atoms)
            regions = tuple(Region(r.field, values=(None,)) if r.field in missing and r.relation is None else r
                            for r in regions if r.relation is None or not set(missing) & relations.get(r.relation, set()))
            regions += tuple(Region(n, values=(None,)) for n in missing if n not in {r.field for r in regions})
            case = {n: v for n, v in found[0].items() if n not in missing}
            boxes.append(((case, tuple(n for n in found[1] if n in names), m), _ordered(self.model, regions)))
            outside.append(z3.Not(z3.And(member, *flags)))
        if stopped:
            self.region_limits.append((rule.name, f"onbekend in rij {i + 1}"))
            self.notes.append(f"De gebieden waar rij {i + 1} van beslissing '{rule.name}' door een onbekend gegeven "
                              f"blokkeert, zijn niet alle genoemd: de telgrens van {self.budget.max_regions} gebieden "
                              "(Budget.max_regions) hield de opsomming tegen.")
        return boxes


def _ordered(model, regions) -> tuple[Region, ...]:
    order = {n: k for k, n in enumerate(model.fields)}
    return tuple(sorted(regions, key=lambda r: (r.relation is not None, order.get(r.field, 0))))
