"""Every voorbeeld of every shipped policy passes, and every policy checks cleanly."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

from dsl.examples import ExampleResult, run_examples
from tests.conftest import POLICIES, shipped

FILES = sorted(POLICIES.rglob("*.beleid"))


@functools.cache
def _results(file: Path) -> dict[str, ExampleResult]:
    """The voorbeelden of a shipped policy, run once, when a test first asks for them (not while the
    tests are collected: under `pytest -n 2` both workers collect every file, and the one that does
    not run this file ran all 549 voorbeelden for nothing; a failure here is a failing test, not a
    file that cannot be collected)."""
    return {r.title: r for r in run_examples(shipped(file))}


def _examples():
    for file in FILES:
        for example in shipped(file).model.examples:
            yield pytest.param(file, example.title, id=f"{file.stem}: {example.title}")


@pytest.mark.parametrize("file, title", list(_examples()))
def test_voorbeeld(file, title):
    result = _results(file)[title]  # each policy's voorbeelden are run once
    assert result.passed, [(m.name, m.expected, m.actual) for m in result.mismatches]


@pytest.mark.parametrize("file", FILES, ids=lambda f: f.stem)
def test_policy_has_sources_and_examples(file):
    policy = shipped(file)
    assert len(policy.model.examples) >= 10
    for rule in policy.model.rules.values():
        assert policy.source_of(rule), f"{rule.name} heeft geen bron"


@pytest.mark.parametrize("case", sorted((POLICIES / "casussen").glob("*.*")), ids=lambda p: p.name)
def test_case_files_load_against_their_policy(case):
    stem = case.stem
    matches = [f for f in FILES if stem.startswith(f.stem.split("_20")[0])]
    assert matches, f"geen beleid voor casus {case.name}"
    policy = shipped(matches[0])
    outcome = policy.evaluate(case, trace=True)
    assert outcome.results
