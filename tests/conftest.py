"""Shared fixtures: the shipped policies, and a helper to compile small policies inline."""

from __future__ import annotations

from pathlib import Path

import pytest

from dsl.policy import compile_text, load_policy

ROOT = Path(__file__).resolve().parent.parent
POLICIES = ROOT / "policies"
WIJKVERPLEGING = POLICIES / "wijkverpleging_2024.beleid"


@pytest.fixture(scope="session")
def wijkverpleging():
    return load_policy(WIJKVERPLEGING)


@pytest.fixture
def compile_policy():
    """Compile policy text given without the `beleid "..."` header line."""
    def build(body: str, title: str = "Test"):
        return compile_text(f'beleid "{title}"\n' + body, "test.beleid")
    return build


@pytest.fixture(scope="session")
def wijkverpleging_policy(wijkverpleging):
    """The same policy, for Hypothesis tests (function-scoped fixtures are not reset per example)."""
    return wijkverpleging
