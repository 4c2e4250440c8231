"""Bounded Hypothesis search over the cases of a policy: the fallback for what z3 cannot encode.

Contract: `search(policy, predicate, budget, fields=...)` draws boundary-aware complete cases
(`dsl.testing.strategies.cases`, the strategy users write their properties with) and returns the
first case dict for which `predicate(outcome)` holds, or None when the budget ran out. Only the
generate phase runs: no shrinking (shrunk examples collapse onto boundaries and say little about
the defect), no example database, no health checks. A found case is always re-evaluated by the compiled policy, so it is a real
counterexample; not finding one proves nothing, and reports say so.

The `Budget` bounds every search: `max_examples` cases and at most `seconds` of wall-clock
time. Defaults come from the environment variables BELEID_ZOEK_VOORBEELDEN (default 2000)
and BELEID_ZOEK_SECONDEN (default 20), so the command line can be tuned without flags. Its
`seed` (BELEID_ZOEK_ZAAD, default 0) makes a search reproducible: the same policy and budget
draw the same cases in the same order, so a report does not change between runs (unless the
time limit cuts a search short); another seed explores other cases.
"""

from __future__ import annotations

import contextlib
import os
import time

import attrs
from hypothesis import HealthCheck, Phase, Verbosity, given, seed, settings

from dsl.testing.strategies import cases

__all__ = ["Budget", "search"]


def _env_int(name: str, default: int, minimum: int = 1) -> int:
    try:
        return max(minimum, int(os.environ.get(name, default)))
    except ValueError:
        return default


@attrs.frozen
class Budget:
    """How much random search a check may spend (see the module docstring)."""

    max_examples: int = attrs.field(factory=lambda: _env_int("BELEID_ZOEK_VOORBEELDEN", 2000))
    seconds: float = attrs.field(factory=lambda: float(_env_int("BELEID_ZOEK_SECONDEN", 20)))
    seed: int = attrs.field(factory=lambda: _env_int("BELEID_ZOEK_ZAAD", 0, minimum=0))

    def __attrs_post_init__(self):
        if self.max_examples < 1 or self.seconds <= 0:
            raise ValueError(f"een zoekbudget heeft minstens 1 voorbeeld en een positieve tijd nodig, "
                             f"niet max_examples={self.max_examples}, seconds={self.seconds}")


class _Found(Exception):
    pass


class _OutOfTime(Exception):
    pass


def search(policy, predicate, budget: Budget | None = None, *, fields=None, fixed=None):
    """The first generated case whose outcome satisfies `predicate`, or None."""
    budget = budget or Budget()
    strategy = cases(policy, fields=fields, fixed=fixed)
    found: list = []
    stop_at = time.monotonic() + budget.seconds

    @settings(max_examples=budget.max_examples, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck), verbosity=Verbosity.quiet)
    @seed(budget.seed)
    @given(strategy)
    def probe(case):
        if found:
            raise _Found
        if time.monotonic() > stop_at:
            raise _OutOfTime
        if predicate(policy.evaluate(case)):
            found.append(case)
            raise _Found

    with contextlib.suppress(_Found, _OutOfTime):
        probe()
    return found[0] if found else None


def sweep(policy, observe, budget: Budget | None = None, *, fields=None) -> int:
    """Evaluate up to the budget's cases, calling `observe(case, outcome)`; returns the count."""
    budget = budget or Budget()
    stop_at, count = time.monotonic() + budget.seconds, [0]

    @settings(max_examples=budget.max_examples, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck), verbosity=Verbosity.quiet)
    @seed(budget.seed)
    @given(cases(policy, fields=fields))
    def probe(case):
        if time.monotonic() > stop_at:
            raise _OutOfTime
        count[0] += 1
        observe(case, policy.evaluate(case))

    with contextlib.suppress(_OutOfTime):
        probe()
    return count[0]
