"""The `aanname`s of a policy in the analysis: constraints for the solver, a filter for the search.

Contract: `assumption_constraints(enc, model)` gives the z3 formula of each aanname's condition
(`Encoder.cond`), to be added wherever a solver is set up beside the `Domain` (`dsl.analysis.solving`,
`dsl.analysis.compare`): the exact checks then consider only cases for which every aanname holds, so
a gap or overlap whose every case violates one is not reported. An aanname the solver cannot express
is returned in `skipped` with the reason (the exact checks do without it; the report says so).
`violates(outcome)` says whether an evaluated case violates an aanname: the searches
(`dsl.analysis.search`) skip such a case; it needs no z3. What an aanname means is decided in the core model
(`dsl.core.model.Assumption`); both read its one condition.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs

from dsl.core.model import Assumption, Policy

if TYPE_CHECKING:
    from dsl.analysis.smt import Encoder

__all__ = ["AssumptionConstraints", "assumption_constraints", "violates"]


@attrs.frozen
class AssumptionConstraints:
    """The solver's formulas of the aannames it can express, and those it cannot, with why."""

    formulas: tuple[Any, ...] = ()
    skipped: tuple[tuple[Assumption, str], ...] = ()

    def notes(self) -> list[str]:
        """A Dutch note per aanname the solver leaves out."""
        return [f"Aanname '{a.name}' (regel {a.span.line}) kan de solver niet uitdrukken ({reason}); de exacte "
                "controles houden er geen rekening mee, de zoektocht wel." for a, reason in self.skipped]


def assumption_constraints(enc: Encoder, model: Policy) -> AssumptionConstraints:
    """See the module docstring. The encoder's guards are left as they were (a division in an
    aanname's condition guards nothing of a check)."""
    from dsl.analysis.smt import Unsupported  # z3 only where a solver is set up, not for `violates`

    formulas, skipped = [], []
    for assumption in model.assumptions:
        saved = list(enc.guards)
        try:
            formulas.append(enc.cond(assumption.condition))
        except Unsupported as err:
            skipped.append((assumption, err.reason))
        finally:
            enc.guards = saved
    return AssumptionConstraints(tuple(formulas), tuple(skipped))


def violates(outcome) -> bool:
    """Whether the evaluated case violates an aanname of its policy (`Outcome.violations`)."""
    return bool(outcome.policy.model.assumptions) and bool(outcome.violations)
