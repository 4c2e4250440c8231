"""The corpus of planted defects (issue 15, "Done when"): each defect, planted into a copy of part of
a shipped policy that already has findings, is reported as new when the report is compared with
the report of the unplanted copy (`--vergelijk`); each clean edit reports nothing new.

The corpus is tests/data/mutanten/mutanten.toml: uitsneden (a shipped policy's header and gegevens
with the blocks of a few rules and what they use) and mutants (one edit each)."""

from __future__ import annotations

import functools
import re
import tomllib
from pathlib import Path

import pytest

from dsl.analysis import Budget, check_policy
from dsl.analysis.compare import compare
from dsl.analysis.jsonreport import consistency_json
from dsl.policy import compile_text

ROOT = Path(__file__).resolve().parent.parent
CORPUS = tomllib.loads((ROOT / "tests" / "data" / "mutanten" / "mutanten.toml").read_text(encoding="utf-8"))
EXCERPTS = {e["naam"]: e for e in CORPUS["uitsnede"]}
PLANTED = [m for m in CORPUS["mutant"] if "soort" in m]
CLEAN = [m for m in CORPUS["mutant"] if "soort" not in m]
BUDGET = Budget(max_examples=20, seconds=600)
_TOP = re.compile(r"^[a-z]")


def _blocks(text: str) -> list[tuple[int, list[str]]]:
    """The top-level blocks of a policy text: (first line number, lines); a comment at the left
    margin belongs to the block before it."""
    blocks: list[tuple[int, list[str]]] = [(1, [])]
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        if _TOP.match(line):
            blocks.append((number, []))
        blocks[-1][1].append(line)
    return blocks


def excerpt(path: Path, names: list[str]) -> str:
    """The header, the gegevens and the blocks declaring `names` and every rule they use (from
    the shipped policy's own model), in the policy's order."""
    from dsl.policy import load_policy

    text = path.read_text(encoding="utf-8")
    model = load_policy(path).model
    wanted, stack = set(names), list(names)
    while stack:
        rule = model.rules[stack.pop()]
        for dep in (*rule.deps, *([rule.group] if getattr(rule, "group", None) else [])):
            if dep not in wanted:
                wanted.add(dep)
                stack.append(dep)
    lines = {model.rules[n].span.line for n in wanted}
    out = []
    blocks = _blocks(text)
    for k, (start, block) in enumerate(blocks):
        end = blocks[k + 1][0] if k + 1 < len(blocks) else start + len(block)
        first = block[0].split()[0] if block and block[0].strip() else ""
        if first in ("beleid", "gegevens", "") or any(start <= line < end for line in lines):
            out.extend(block)
    return "".join(out)


@functools.cache
def _excerpt(name: str) -> str:
    spec = EXCERPTS[name]
    return excerpt(ROOT / "policies" / spec["beleid"], spec["regels"])


@functools.cache
def _baseline(name: str) -> dict:
    policy = compile_text(_excerpt(name), f"{name}.beleid")
    return consistency_json(check_policy(policy, budget=BUDGET), policy.model)


def _compared(mutant: dict):
    text = _excerpt(mutant["uitsnede"])
    assert text.count(mutant["oud"]) == 1, f"'{mutant['oud']}' staat niet precies één keer in de uitsnede"
    edited = text.replace(mutant["oud"], mutant["nieuw"])
    policy = compile_text(edited, f"{mutant['uitsnede']}.beleid")
    report = check_policy(policy, budget=BUDGET)
    return compare(report, policy.model, _baseline(mutant["uitsnede"]), edited, "vorig.json")


def test_every_excerpt_already_has_findings():
    for name in EXCERPTS:
        assert _baseline(name)["bevindingen"], name


@pytest.mark.parametrize("mutant", PLANTED, ids=lambda m: m["naam"])
def test_a_planted_defect_is_reported_as_new(mutant):
    report = _compared(mutant)
    new = [(f.kind, f.rule) for f in report.findings if f.earlier is False]
    assert (mutant["soort"], mutant["regel"]) in new, (new, [(f.kind, f.rule) for f in report.findings])
    planted = next(f for f in report.findings if f.earlier is False and (f.kind, f.rule) ==
                   (mutant["soort"], mutant["regel"]))
    assert planted.confirmed is not False
    assert len(report.new) >= 1


@pytest.mark.parametrize("mutant", CLEAN, ids=lambda m: m["naam"])
def test_a_clean_edit_reports_nothing_new(mutant):
    report = _compared(mutant)
    assert report.findings, "the excerpt's own findings are still there"
    assert report.new == [], [(f.kind, f.rule, f.message) for f in report.new]
    assert all(f.earlier for f in report.findings)
