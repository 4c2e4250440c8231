"""pytest plugin: every `voorbeeld` in a .beleid file is a test item; properties over cases.

Contract: with the plugin active (entry point `beleidstaal`, or `pytest -p dsl.testing.plugin`),
pytest collects each `.beleid` file it meets as a file of tests, one item per voorbeeld, named
after the voorbeeld's title. A failing item reports, in Dutch, every expectation that did not
come out (file:line:column, expected, actual), the source line, and why the rule came out as it
did (`dsl.explain.why_not`). A policy with mistakes gives one failing item showing the
diagnostics. `--beleid-dekking` adds a coverage summary (`dsl.analysis.coverage`) of the
collected policies to the terminal report.

`policy_property(policy, ...)` turns a function into a Hypothesis test over generated cases:

    from dsl.testing import policy_property

    @policy_property("policies/wijkverpleging_2024.beleid", vary="omzet_2023", max_examples=200)
    def test_higher_revenue_never_lower_tier(low, high):
        tiers = ["cliëntvolgende overeenkomst", "standaardovereenkomst", "plusovereenkomst"]
        ...   # low and high are Outcomes of two cases that differ only in omzet_2023

Without `vary`, the function receives `(case, outcome)` for each generated case.

Importing the plugin (pytest does, at every start) loads neither Hypothesis nor z3: a project
that only evaluates policies runs its voorbeelden without the `analyse` extra. Hypothesis is
loaded when `policy_property` is first used.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, cast

import pytest

from dsl.errors import BeleidError

if TYPE_CHECKING:
    from dsl.examples import ExampleResult
    from dsl.policy import CompiledPolicy

__all__ = ["policy_property"]


def pytest_addoption(parser):
    group = parser.getgroup("beleidstaal")
    group.addoption("--beleid-dekking", action="store_true", default=False,
                    help="meld welke eisen, rijen, uitzonderingen en takken de voorbeelden (niet) raken")


def pytest_collect_file(parent, file_path):
    if file_path.suffix == ".beleid":
        return BeleidFile.from_parent(parent, path=file_path)
    return None


class VoorbeeldFailure(Exception):
    """A voorbeeld whose expectations did not all come out."""

    def __init__(self, result):
        super().__init__(result.title)
        self.result = result


class BeleidFile(pytest.File):
    policy: CompiledPolicy  # set when the file is collected
    _results: list[ExampleResult] | None = None

    def collect(self):
        from dsl.policy import load_policy

        try:
            self.policy = load_policy(self.path)
        except BeleidError as err:
            yield BrokenPolicyItem.from_parent(self, name="beleid", error=err)
            return
        self.config.stash.setdefault(_POLICIES, []).append(self.policy)
        for index, example in enumerate(self.policy.model.examples):
            yield VoorbeeldItem.from_parent(self, name=example.title, index=index)

    def results(self):
        """All voorbeelden of this file, evaluated once."""
        if self._results is None:
            from dsl.examples import run_examples

            self._results = run_examples(self.policy)
        return self._results


class BrokenPolicyItem(pytest.Item):
    def __init__(self, *, error, **kwargs):
        super().__init__(**kwargs)
        self.error = error

    def runtest(self):
        raise self.error

    def repr_failure(self, excinfo, style=None):
        return f"het beleid bevat fouten:\n{self.error.render()}"

    def reportinfo(self):
        return self.path, 0, f"beleid {self.path.name}"


class VoorbeeldItem(pytest.Item):
    def __init__(self, *, index, **kwargs):
        super().__init__(**kwargs)
        self.index = index

    @property
    def file(self) -> BeleidFile:
        return cast(BeleidFile, self.parent)  # a VoorbeeldItem is only made by a BeleidFile

    @property
    def example(self):
        return self.file.policy.model.examples[self.index]

    def runtest(self):
        result = self.file.results()[self.index]
        if not result.passed:
            raise VoorbeeldFailure(result)

    def repr_failure(self, excinfo, style=None):
        if not isinstance(excinfo.value, VoorbeeldFailure):
            return super().repr_failure(excinfo, style)
        return failure_text(self.file.policy, excinfo.value.result, str(self.path))

    def reportinfo(self):
        return self.path, self.example.span.line - 1, f"voorbeeld: {self.example.title}"


def failure_text(policy, result, filename: str) -> str:
    """The Dutch failure report of one voorbeeld."""
    from dsl.explain import render, why_not

    lines = policy.model.text.splitlines()
    out = [f"voorbeeld \"{result.title}\" ({filename}:{result.span.line}) mislukt:"]
    for m in result.mismatches:
        out.append(f"  {filename}:{m.span.line}:{m.span.column}: {m.name}: verwacht {m.expected}, maar is {m.actual}")
        if 0 < m.span.line <= len(lines):
            out.append(f"    {m.span.line:>4} | {lines[m.span.line - 1].strip()}")
        steps = why_not(result.outcome, m.name)
        if steps:
            out.append("  waarom:")
            out += ["    " + line for line in render(steps, max_depth=1).splitlines()]
    return "\n".join(out)


_POLICIES = pytest.StashKey[list]()


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not config.getoption("beleid_dekking", False):
        return
    from dsl.analysis.coverage import coverage, coverage_blocks
    from dsl.analysis.report import render

    policies = config.stash.get(_POLICIES, [])
    if policies:
        terminalreporter.write_sep("=", "dekking van de voorbeelden")
        terminalreporter.write(render(coverage_blocks([coverage(p) for p in policies]), "text"))


# ---------------------------------------------------------------- properties
def policy_property(policy, *, vary: str | None = None, max_examples: int = 100, fields=None,
                    fixed=None, boundaries: bool = True):
    """Decorator: a Hypothesis test of `fn(case, outcome)`, or of `fn(low, high)` with `vary`.

    `policy` is a CompiledPolicy or a path to a .beleid file. With `vary`, each example is a pair
    of cases that differ only in that gegeven (lower first, `ordered_pairs`), and `fn` gets the
    two Outcomes. `max_examples` bounds the run; the other options go to `cases`.
    """
    from hypothesis import given, settings

    from dsl.testing.strategies import cases, ordered_pairs

    if isinstance(policy, (str, Path)):
        from dsl.policy import load_policy

        policy = load_policy(policy)
    if vary is not None:
        strategy = ordered_pairs(policy, vary, fixed=fixed, boundaries=boundaries)
    else:
        strategy = cases(policy, fields=fields, fixed=fixed, boundaries=boundaries)

    def decorate(fn):
        @settings(max_examples=max_examples, deadline=None)
        @given(strategy)
        def test(example):
            if vary is not None:
                fn(policy.evaluate(example[0]), policy.evaluate(example[1]))
            else:
                fn(example, policy.evaluate(example))

        test.__name__, test.__doc__, test.__qualname__ = fn.__name__, fn.__doc__, fn.__qualname__
        test.__module__ = fn.__module__
        return test

    return decorate
