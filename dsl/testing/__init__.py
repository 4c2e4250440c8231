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

from dsl.testing.checks import check_policy
from dsl.testing.coverage import coverage
from dsl.testing.diff import diff_policies
from dsl.testing.findings import ConsistencyReport, Finding
from dsl.testing.plugin import policy_property
from dsl.testing.report import consistency_blocks, coverage_blocks, diff_blocks, render, write
from dsl.testing.search import Budget
from dsl.testing.smt import Domain
from dsl.testing.strategies import cases, ordered_pairs
from dsl.testing.thresholds import thresholds

__all__ = [
    "Budget", "ConsistencyReport", "Domain", "Finding", "cases", "check_policy", "consistency_blocks",
    "coverage", "coverage_blocks", "diff_blocks", "diff_policies", "ordered_pairs", "policy_property",
    "render", "thresholds", "write",
]
