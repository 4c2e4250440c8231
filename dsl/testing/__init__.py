"""dsl.testing: helpers for the tests users write about their own policies.

Public API:

  cases(policy, *, fields, fixed, boundaries, missing)   Hypothesis strategy of case dicts,
                                                         biased to t−ε, t, t+ε of every threshold
  ordered_pairs(policy, field, ...)                      two cases differing only in `field`
  field_values(policy, name, ...)                        values of one gegeven
  policy_property(policy, ...)                           decorator for properties over cases

The pytest plugin (`dsl.testing.plugin`, entry point `beleidstaal`) collects every voorbeeld of a
.beleid file as a test. The consistency analysis (z3, search, coverage, difference, reports)
is `dsl.analysis`.

Names load on first use: pytest imports this package with its plugin at every start, and a
project that only evaluates policies may not have Hypothesis (the `analyse` extra) installed.
"""

import importlib

_HOME = {"cases": "strategies", "field_values": "strategies", "ordered_pairs": "strategies",
         "policy_property": "plugin"}


def __getattr__(name: str):
    if name in _HOME:
        return getattr(importlib.import_module(f"dsl.testing.{_HOME[name]}"), name)
    raise AttributeError(f"module 'dsl.testing' has no attribute {name!r}")


__all__ = ["cases", "field_values", "ordered_pairs", "policy_property"]
