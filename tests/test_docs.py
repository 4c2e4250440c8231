"""The language reference runs: every ```beleid block in docs/taal.md compiles and its voorbeelden pass."""

from __future__ import annotations

import re

import pytest

from dsl.examples import run_examples
from dsl.policy import compile_text
from tests.conftest import ROOT

BLOCKS = re.findall(r"```beleid\n(.*?)```", (ROOT / "docs/taal.md").read_text(encoding="utf-8"), re.S)


def test_reference_has_an_example_per_construct():
    assert len(BLOCKS) >= 8


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_reference_example_runs(index):
    policy = compile_text(BLOCKS[index], f"docs/taal.md#{index}")
    for result in run_examples(policy):
        assert result.passed, (result.title, result.mismatches)
