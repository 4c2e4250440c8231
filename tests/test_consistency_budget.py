"""Search budgets are counts of cases: the same command finds the same findings on every run and
machine; the time cap is only a safety net, and a report says when it cut a search short."""

from __future__ import annotations

from dsl.analysis import Budget, check_policy
from dsl.analysis.jsonreport import consistency_json
from dsl.analysis.report import consistency_blocks, render
from dsl.policy import compile_text

# `begin + looptijd` is calendar arithmetic with a number of months from the case: the solver hands this decision to the search, which
# looks for a gap (found), for an overlap (none: it runs its whole count) and sweeps the rows.
SEARCHED = '''beleid "gezocht"
gegevens
  omzet : bedrag
  begin : datum
  looptijd : duur in maanden
beslissing d "D" (uniek)
  als begin + looptijd is na 1 maart 2024 en omzet is kleiner dan € 250.000 dan "klein"
  als begin + looptijd is na 1 maart 2024 en omzet is groter dan € 250.000 dan "groot"
  als begin + looptijd is ten hoogste 1 maart 2024 dan "vroeg"
'''


def _run(budget):
    policy = compile_text(SEARCHED, "gezocht.beleid")
    return policy, check_policy(policy, budget=budget)


def test_a_count_budget_finds_the_same_findings_on_every_run():
    budget = Budget(max_examples=150, seconds=600, seed=0)
    _, first = _run(budget)
    _, again = _run(budget)
    found = [(f.kind, f.rule, f.case, f.method) for f in first.findings]
    assert found == [(f.kind, f.rule, f.case, f.method) for f in again.findings]
    assert [f.kind for f in first.findings] == ["gat"] and first.findings[0].confirmed
    assert first.searches == again.searches and not first.timed_out
    whole = {s.what: s.cases for s in first.searches}
    assert whole["overlap"] == 150 and whole["rijen"] == 150   # nothing found: the whole count was tried
    assert 1 <= whole["gat"] <= 150


def test_the_count_bounds_the_search_and_is_reported():
    policy, report = _run(Budget(max_examples=40, seconds=600, seed=3))
    assert {s.what: s.cases for s in report.searches}["overlap"] == 40
    text = render(consistency_blocks(report, policy.model, SEARCHED))
    assert "ten hoogste 40 casussen per zoektocht, zaad 3" in text
    total = sum(s.cases for s in report.searches)
    assert f"De zoektocht probeerde {total} casussen in {len(report.searches)} zoektochten." in text
    assert "tijdgrens" not in text
    data = consistency_json(report, policy.model)["zoektocht"]
    assert (data["max_casussen"], data["zaad"], data["casussen"], data["tijdgrens_bereikt"]) == (40, 3, total, [])


def test_the_time_cap_is_a_safety_net_that_the_report_names():
    """A cap far below what one case takes stops every search before its count; the report says
    which searches it cut short and that the result may differ on another machine."""
    policy, report = _run(Budget(max_examples=10_000, seconds=1e-9, seed=0))
    assert report.timed_out and {s.rule for s in report.timed_out} == {"d"}
    text = render(consistency_blocks(report, policy.model, SEARCHED))
    assert "LET OP: de tijdgrens (1e-09 s, een vangnet) brak" in text
    assert "op een andere machine kan dit rapport daardoor anders zijn" in text
    late = consistency_json(report, policy.model)["zoektocht"]["tijdgrens_bereikt"]
    assert {entry["regel"] for entry in late} == {"d"}


def test_the_default_budget_is_a_count_with_a_generous_time_cap(monkeypatch):
    for name in ("BELEID_ZOEK_VOORBEELDEN", "BELEID_ZOEK_SECONDEN", "BELEID_ZOEK_ZAAD"):
        monkeypatch.delenv(name, raising=False)
    assert (Budget().max_examples, Budget().seconds, Budget().seed) == (2000, 600.0, 0)
    monkeypatch.setenv("BELEID_ZOEK_VOORBEELDEN", "75")
    assert Budget().max_examples == 75
