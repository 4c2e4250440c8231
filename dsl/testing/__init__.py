"""dsl.testing: property-based and exact consistency checks for Beleidstaal policies.

Public API (everything a reviewer or a test author needs):

  cases(policy, *, fields, fixed, boundaries, missing)   Hypothesis strategy of case dicts,
                                                         biased to t−ε, t, t+ε of every threshold
  ordered_pairs(policy, field, ...)                      two cases differing only in `field`
  thresholds(model)                                      constants each gegeven is compared with
  check_policy(policy, *, method, budget, domain)        gaps, overlaps, shadowed rows, impossible
                                                         requirements and timelines, ... ->
                                                         ConsistencyReport of Findings
  coverage(policy)                                       what the voorbeelden reach -> CoverageReport
  diff_policies(old, new)                                semantic difference -> PolicyDiff
  render(blocks, fmt), consistency_blocks, coverage_blocks, diff_blocks, write
                                                         Dutch reports as text, Markdown or HTML
  Budget, Domain                                         search budget; which cases the solver counts
  policy_property(policy, ...)                           decorator for user-written properties

The exact checks use z3 (`dsl.testing.smt`); what it cannot encode is searched with Hypothesis
within a `Budget` and the report says so. The pytest plugin is `dsl.testing.plugin`.
"""

import importlib

# Two functions share their module's name; they are imported now so the name means the function.
from dsl.testing.coverage import coverage
from dsl.testing.thresholds import thresholds

# Loaded on first use: the pytest plugin imports this package at every pytest start, and the
# solver and report modules take a quarter of a second to import.
_HOME = {
    "check_policy": "checks", "diff_policies": "diff",
    "ConsistencyReport": "findings", "Finding": "findings", "policy_property": "plugin",
    "consistency_blocks": "report", "coverage_blocks": "report", "diff_blocks": "report",
    "render": "report", "write": "report", "Budget": "search", "Domain": "smt",
    "cases": "strategies", "ordered_pairs": "strategies",
}


def __getattr__(name: str):
    if name in _HOME:
        return getattr(importlib.import_module(f"dsl.testing.{_HOME[name]}"), name)
    raise AttributeError(f"module 'dsl.testing' has no attribute {name!r}")


__all__ = [
    "Budget", "ConsistencyReport", "Domain", "Finding", "cases", "check_policy", "consistency_blocks",
    "coverage", "coverage_blocks", "diff_blocks", "diff_policies", "ordered_pairs", "policy_property",
    "render", "thresholds", "write",
]
