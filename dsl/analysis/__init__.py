"""dsl.analysis: exact and searched consistency checks, coverage and semantic difference.

Public API (everything a reviewer needs; all of it reads the core model, `dsl.core`):

  check_policy(policy, *, method, budget, domain)        gaps, overlaps, shadowed rows, impossible
                                                         requirements and timelines, boundaries
                                                         drawn differently across rules, rules
                                                         said twice, ... -> ConsistencyReport of
                                                         Findings (with their Regions)
  consistency_json(report, model)                        the report as JSON (docs/consistentie.schema.json)
  coverage(policy)                                       what the voorbeelden reach -> CoverageReport
  diff_policies(old, new)                                semantic difference -> PolicyDiff
  thresholds(model)                                      constants each gegeven is compared with
  render(blocks, fmt), consistency_blocks, coverage_blocks, diff_blocks, write
                                                         Dutch reports as text, Markdown or HTML
  Budget, Domain                                         search budget (and the count bound of the
                                                         regions listed per defect); which cases the
                                                         solver counts
  compare.compare(report, model, previous)               mark findings nieuw / eerder gemeld against a
                                                         report saved earlier (`--vergelijk`)

Every gap and overlap is listed region by region (`dsl.analysis.regions`), and unknown inputs are
analysed with Kleene's three values (`dsl.analysis.unknowns`): which gegevens can make a rule
onbekend, and rows an unknown blocks.

The exact checks encode the policy for z3 (`dsl.analysis.smt`, rules in
`dsl.analysis.rule_encoding`); what the solver cannot encode is searched with Hypothesis
(`dsl.analysis.search`, drawing from `dsl.testing.strategies.cases`) within a `Budget`, and the
report says so. `dsl.analysis.cli` runs them for `beleid controleer --consistentie`, `beleid test
--dekking` and `beleid verschil`. z3 and Hypothesis are the `analyse` extra; they load when a
check or a search first needs them.
"""

import importlib

# Two functions share their module's name; they are imported now so the name means the function
# (neither needs z3 or Hypothesis).
from dsl.analysis.coverage import coverage
from dsl.analysis.thresholds import thresholds

# Loaded on first use: the solver, the search and the reports take a while to import.
_HOME = {
    "check_policy": "checks", "diff_policies": "diff",
    "ConsistencyReport": "findings", "Finding": "findings", "Region": "findings", "consistency_json": "jsonreport",
    "consistency_blocks": "report", "coverage_blocks": "coverage", "diff_blocks": "diff",
    "render": "report", "write": "report", "Budget": "search", "Domain": "smt",
}


def __getattr__(name: str):
    if name in _HOME:
        return getattr(importlib.import_module(f"dsl.analysis.{_HOME[name]}"), name)
    raise AttributeError(f"module 'dsl.analysis' has no attribute {name!r}")


__all__ = [
    "Budget", "ConsistencyReport", "Domain", "Finding", "Region", "check_policy", "consistency_blocks",
    "consistency_json", "coverage",
    "coverage_blocks", "diff_blocks", "diff_policies", "render", "thresholds", "write",
]
