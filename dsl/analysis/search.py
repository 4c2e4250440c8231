"""Bounded Hypothesis search over the cases of a policy: the fallback for what z3 cannot encode.

Contract: `search(policy, predicate, budget, fields=...)` draws boundary-aware complete cases
(`dsl.testing.strategies.cases`, the strategy users write their properties with) and returns the
first case dict for which `predicate(outcome)` holds, or None when the budget ran out; a drawn
case that violates an `aanname` of the policy is skipped (it counts as tried, it is never a witness,
and a sweep does not observe it). Only the
generate phase runs: no shrinking (shrunk examples collapse onto boundaries and say little about
the defect), no example database, no health checks. A found case is always re-evaluated by the
compiled policy, so it is a real counterexample; not finding one proves nothing, and reports say so.
`explore(strategy, attempt, budget)` is the same loop for any strategy (the difference of two
versions draws from both): `attempt(drawn)` tries one or more cases and says how many.

Boundaries that depend on the case: `relative_bounds(model, names)` lists the comparisons of a
gegeven against a value computed from the case (a termijn's event against `10 werkdagen na X`,
`x is ten minste y + 5`); `nudged(outcome, bounds)` gives the cases with that gegeven moved just
below, onto and just above the value the evaluation computed (one cent, one day, one minute), so
a moved bound is found although the calendar is not encoded for the solver.

Witnesses: `simpler(value, t, marks)` lists values of type `t` simpler than `value`, simplest
first (0 or nee or the first option, then the thresholds `marks`, then `value` rounded ever less
coarsely), and `simplify(case, holds, candidates)` replaces each value by the first candidate that
keeps `holds(case)` true.

The `Budget` bounds every search by a number of cases, `max_examples` (BELEID_ZOEK_VOORBEELDEN,
default 2000): that count, and the `seed` (BELEID_ZOEK_ZAAD, default 0), decide which cases are
drawn in which order, so the same policy and budget find the same things on any machine. Time,
`seconds` (BELEID_ZOEK_SECONDEN, default 600), is only a safety net against a search that
would run for hours: a `Run` says whether it cut the search short (`timed_out`), and the reports
say so, since a search cut short by time depends on the machine. Another seed explores other cases.
`max_regions` (BELEID_MAX_GEBIEDEN, default 25) bounds how many regions of one gap or overlap
the exact checks list, again a count, not seconds.
`explore_run`, `search_run` and `sweep_run` give the whole `Run` (what was found, how many cases
were tried, whether time ran out); `explore`, `search` and `sweep` the part most callers need.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import attrs
from hypothesis import HealthCheck, Phase, Verbosity, given, seed, settings

from dsl.analysis.assumptions import violates
from dsl.analysis.thresholds import constant, neighbours
from dsl.core import expr as E
from dsl.core.model import Calculation, Decision, Group, Policy, Requirement, Rule, Timeline
from dsl.testing.strategies import cases
from dsl.types import Type

__all__ = ["Budget", "Run", "explore", "explore_run", "nudged", "relative_bounds", "search", "search_run", "simpler",
           "simplify", "sweep", "sweep_run"]

SAFETY_SECONDS = 600   # the default time cap: a safety net, not a budget


def _env_int(name: str, default: int, minimum: int = 1) -> int:
    try:
        return max(minimum, int(os.environ.get(name, default)))
    except ValueError:
        return default


@attrs.frozen
class Budget:
    """How much random search a check may spend (see the module docstring)."""

    max_examples: int = attrs.field(factory=lambda: _env_int("BELEID_ZOEK_VOORBEELDEN", 2000))
    seconds: float = attrs.field(factory=lambda: float(_env_int("BELEID_ZOEK_SECONDEN", SAFETY_SECONDS)))
    seed: int = attrs.field(factory=lambda: _env_int("BELEID_ZOEK_ZAAD", 0, minimum=0))
    # how many regions (boxes) of one gap or overlap the exact check lists (`dsl.analysis.regions`)
    max_regions: int = attrs.field(factory=lambda: _env_int("BELEID_MAX_GEBIEDEN", 25))

    def __attrs_post_init__(self):
        if self.max_examples < 1 or self.seconds <= 0 or self.max_regions < 1:
            raise ValueError(f"een zoekbudget heeft minstens 1 voorbeeld, 1 gebied en een positieve tijd nodig, "
                             f"niet max_examples={self.max_examples}, max_regions={self.max_regions}, "
                             f"seconds={self.seconds}")


class _Found(Exception):
    pass


class _Stop(Exception):
    """The budget is spent: its cases or its time."""


# ---------------------------------------------------------------- the search loop
@attrs.frozen
class Run:
    """One search: the first thing found (or None), how many cases were tried, and whether the
    time cap stopped it before its count of cases was reached (or it found something)."""

    found: Any
    cases: int
    timed_out: bool = False


def explore_run(strategy, attempt: Callable[[Any, int], tuple[Any, int]], budget: Budget | None = None) -> Run:
    """Draw from `strategy` until `attempt(drawn, room)` finds something, the budget's cases are
    tried or its time cap is reached. `attempt` tries at most `room` cases (the budget's rest) and
    returns (what it found or None, how many cases it tried)."""
    budget = budget or Budget()
    found: list = []
    tried = [0]
    late = [False]
    stop_at = time.monotonic() + budget.seconds

    @settings(max_examples=budget.max_examples, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck), verbosity=Verbosity.quiet)
    @seed(budget.seed)
    @given(strategy)
    def probe(drawn):
        if found:   # Hypothesis replays the example that raised: raise the same again
            raise _Found
        if tried[0] >= budget.max_examples:
            raise _Stop
        if time.monotonic() > stop_at:
            late[0] = True
            raise _Stop
        hit, count = attempt(drawn, budget.max_examples - tried[0])
        tried[0] += count
        if hit is not None:
            found.append(hit)
            raise _Found

    with contextlib.suppress(_Found, _Stop):
        probe()
    return Run(found[0] if found else None, tried[0], late[0])


def explore(strategy, attempt: Callable[[Any, int], tuple[Any, int]], budget: Budget | None = None) -> tuple[Any, int]:
    """`explore_run` as (the first thing found or None, the number of cases tried)."""
    run = explore_run(strategy, attempt, budget)
    return run.found, run.cases


def search_run(policy, predicate, budget: Budget | None = None, *, fields=None, fixed=None) -> Run:
    """Search for a generated case whose outcome satisfies `predicate`; `Run.found` is that case."""
    def attempt(case, _room):
        outcome = policy.evaluate(case)
        if violates(outcome):   # a case the document does not expect (an aanname is nee): no witness
            return None, 1
        return (case if predicate(outcome) else None), 1

    return explore_run(cases(policy, fields=fields, fixed=fixed), attempt, budget)


def search(policy, predicate, budget: Budget | None = None, *, fields=None, fixed=None):
    """The first generated case whose outcome satisfies `predicate`, or None."""
    return search_run(policy, predicate, budget, fields=fields, fixed=fixed).found


def sweep_run(policy, observe, budget: Budget | None = None, *, fields=None) -> Run:
    """Evaluate up to the budget's cases, calling `observe(case, outcome)` for each."""
    def attempt(case, _room):
        outcome = policy.evaluate(case)
        if not violates(outcome):   # cases that violate an aanname are not observed
            observe(case, outcome)
        return None, 1

    return explore_run(cases(policy, fields=fields), attempt, budget)


def sweep(policy, observe, budget: Budget | None = None, *, fields=None) -> int:
    """`sweep_run`, giving the number of cases evaluated."""
    return sweep_run(policy, observe, budget, fields=fields).cases


# ---------------------------------------------------------------- boundaries that depend on the case
def _expressions(rule: Rule) -> list[E.Expr]:
    """The conditions and expressions of one rule, its gates included."""
    out = [g.condition for g in rule.gates]
    match rule:
        case Requirement():
            out += [rule.condition, *[e.condition for e in rule.exceptions]]
        case Calculation():
            out.append(rule.expr)
        case Decision():
            out += [r.condition for r in rule.rows if r.condition is not None]
        case Timeline() | Group():
            pass
    return out


def _used(model: Policy, names: Iterable[str]) -> list[Rule]:
    """The rules `names` and every rule they use, directly or through others."""
    found, stack = set(names), list(names)
    while stack:
        for dep in model.rules[stack.pop()].deps:
            if dep not in found:
                found.add(dep)
                stack.append(dep)
    return [model.rules[n] for n in sorted(found, key=lambda n: model.rules[n].index)]


def relative_bounds(model: Policy, names: Iterable[str]) -> list[tuple[str, E.Expr]]:
    """(gegeven, expression) for each comparison, in the rules `names` and those they use, of a
    gegeven against an expression that depends on the case (see the module docstring)."""
    out: list[tuple[str, E.Expr]] = []

    def add(side: E.Expr, other: E.Expr | None) -> None:
        if isinstance(side, E.Input) and other is not None and constant(other, model) is None \
                and not any(n == side.name and o is other for n, o in out):
            out.append((side.name, other))

    for rule in _used(model, names):
        if isinstance(rule, Timeline):
            add(rule.subject, rule.start)
            add(rule.subject, rule.end)
        for expr in _expressions(rule):
            for node in E.walk(expr):
                if isinstance(node, E.Compare):
                    add(node.left, node.right)
                    add(node.right, node.left)
                elif isinstance(node, E.Between):
                    add(node.operand, node.low)
                    add(node.operand, node.high)
    return out


def _node_value(outcome, node: E.Expr) -> Any:
    """The value a node had in a traced evaluation (leaves are not traced: read from the case)."""
    if isinstance(node, E.Input):
        return outcome.case.data.get(node.name)
    if isinstance(node, E.Peildatum):
        return outcome.case.peil
    return outcome.trace.value_of(node, None)


def nudged(case: dict, outcome, bounds: list[tuple[str, E.Expr]], write: Callable[[str, Any], Any]) -> list[dict]:
    """Copies of `case` (evaluated, with a trace, into `outcome`), each with one gegeven of `bounds`
    moved just below, onto or just above the value its bound had in that evaluation;
    `write(name, value)` gives a value as a case writes it, or None when the gegeven cannot take it."""
    fields = outcome.policy.model.fields
    out = []
    for name, node in bounds:
        value = _node_value(outcome, node)
        if value is None or isinstance(value, (bool, str, tuple, list)):
            continue
        try:
            near = neighbours(value, fields[name].type.kind)
        except (ArithmeticError, OverflowError, TypeError, ValueError):  # a bound at the end of the calendar
            continue
        for value in near:
            shown = write(name, value)
            if shown is not None:
                out.append({**case, name: shown})
    return out


# ---------------------------------------------------------------- simpler witnesses
def _roundings(value: Decimal, smallest: int) -> list[Decimal]:
    """`value` rounded to 10^k, from the coarsest k that keeps it non-zero down to 10^smallest."""
    if value == 0:
        return []
    top = value.copy_abs().adjusted()
    return [value.quantize(Decimal(1).scaleb(k), rounding=ROUND_HALF_UP) if k < 0
            else (value / Decimal(10) ** k).to_integral_value(ROUND_HALF_UP) * Decimal(10) ** k
            for k in range(top, smallest - 1, -1)]


def _moments(value, kind: str) -> list:
    if kind == "datum" and isinstance(value, date):
        return [value.replace(month=1, day=1), value.replace(day=1)]
    if kind == "tijdstip" and isinstance(value, datetime):
        return [value.replace(hour=0, minute=0, second=0), value.replace(minute=0, second=0),
                value.replace(second=0)]
    return []


def simpler(value, t: Type, marks: Iterable = ()) -> list:
    """Values of type `t` to try instead of `value`, simplest first (see the module docstring)."""
    kind = t.kind
    if kind == "ja/nee":
        return [False]
    if kind == "keuze":
        return list(t.options[:1])
    marks = [m for m in marks if _same_kind(m, kind)]
    if kind in ("datum", "tijdstip"):
        return sorted(marks, key=lambda m: abs(_ordinal(m) - _ordinal(value))) + _moments(value, kind)
    if kind not in ("bedrag", "percentage", "getal", "aantal", "duur") or not isinstance(value, (int, Decimal)):
        return []
    marks = sorted(marks, key=lambda m: abs(Decimal(m) - Decimal(value)))
    smallest = -2 if kind in ("bedrag", "percentage", "getal") else 0
    rounded = _roundings(Decimal(value), smallest)
    if kind in ("aantal", "duur"):
        return [0, *[int(m) for m in marks if m == int(m)], *[int(r) for r in rounded]]
    return [Decimal(0), *marks, *rounded]


def _same_kind(mark, kind: str) -> bool:
    if kind == "datum":
        return isinstance(mark, date) and not isinstance(mark, datetime)
    if kind == "tijdstip":
        return isinstance(mark, datetime)
    return isinstance(mark, (int, Decimal)) and not isinstance(mark, bool) and mark >= 0


def _ordinal(moment) -> float:
    if isinstance(moment, datetime):
        return moment.toordinal() + (moment.hour * 3600 + moment.minute * 60 + moment.second) / 86400
    return moment.toordinal()


def simplify(case: dict, holds: Callable[[dict], bool], candidates: Mapping[str, Iterable], rounds: int = 2) -> dict:
    """`case` with each value of `candidates`, one gegeven after another, replaced by the first
    candidate (simplest first) for which `holds` still holds; a value stays when no candidate
    before it in the list does. A second round simplifies what the first made possible (a date
    that could move only after another one did)."""
    best = dict(case)
    options = {name: list(values) for name, values in candidates.items()}
    for _ in range(rounds):
        before = best
        for name, values in options.items():
            for value in values:
                if value == best.get(name):
                    break
                trial = {**best, name: value}
                if holds(trial):
                    best = trial
                    break
        if best == before:
            break
    return best
