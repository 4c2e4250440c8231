"""Every voorbeeld of every shipped policy passes, and every policy checks cleanly."""

from __future__ import annotations

import pytest

from dsl.examples import run_examples
from tests.conftest import POLICIES, shipped

FILES = sorted(POLICIES.rglob("*.beleid"))
_LOADED = {file: shipped(file) for file in FILES}
_RESULTS = {file: {r.title: r for r in run_examples(policy)} for file, policy in _LOADED.items()}


def _examples():
    for file, results in _RESULTS.items():
        for title in results:
            yield pytest.param(file, title, id=f"{file.stem}: {title}")


@pytest.mark.parametrize("file, title", list(_examples()))
def test_voorbeeld(file, title):
    result = _RESULTS[file][title]  # each policy is loaded and its voorbeelden run once
    assert result.passed, [(m.name, m.expected, m.actual) for m in result.mismatches]


@pytest.mark.parametrize("file", FILES, ids=lambda f: f.stem)
def test_policy_has_sources_and_examples(file):
    policy = _LOADED[file]
    assert len(policy.model.examples) >= 10
    for rule in policy.model.rules.values():
        assert policy.source_of(rule), f"{rule.name} heeft geen bron"


@pytest.mark.parametrize("case", sorted((POLICIES / "casussen").glob("*.*")), ids=lambda p: p.name)
def test_case_files_load_against_their_policy(case):
    stem = case.stem
    matches = [f for f in FILES if stem.startswith(f.stem.split("_20")[0])]
    assert matches, f"geen beleid voor casus {case.name}"
    policy = _LOADED[matches[0]]
    outcome = policy.evaluate(case, trace=True)
    assert outcome.results
