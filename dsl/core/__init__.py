"""The core model: the one typed description of what a policy means.

Contract: `dsl.core.lower.lower(checked)` turns the checker's output into a `Policy` (rules in
`dsl.core.model`, expressions in `dsl.core.expr`). Every back end (the Python code generator, the
batch engines, the z3 encoder) and every view (explanations, what-if, coverage, diff, the kernel)
reads this model and never the syntax tree. A new back end is one visitor over `Expr` plus one
function per rule kind; see docs/architectuur.md.
"""

from dsl.core.expr import Expr, Version
from dsl.core.model import (
    STATUS_ORDER,
    STATUSES,
    Calculation,
    Decision,
    Example,
    Expectation,
    Field,
    Gate,
    Group,
    HitPolicy,
    Overlap,
    Party,
    Policy,
    Requirement,
    Row,
    Rule,
    RuleKind,
    Status,
    Strength,
    Timeline,
    TimelineKind,
    is_advice,
    is_power,
    is_verdict,
)

__all__ = [
    "STATUSES", "STATUS_ORDER", "Calculation", "Decision", "Example", "Expectation", "Expr", "Field", "Gate",
    "Group", "HitPolicy", "Overlap", "Party", "Policy", "Requirement", "Row", "Rule", "RuleKind", "Status", "Strength",
    "Timeline", "TimelineKind", "Version", "is_advice", "is_power", "is_verdict",
]
