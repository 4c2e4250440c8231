"""Coverage of voorbeelden and the semantic diff between two versions of a policy."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from dsl.analysis import coverage, diff_policies
from dsl.analysis.report import coverage_blocks, diff_blocks, render
from dsl.policy import compile_text, load_policy

ROOT = Path(__file__).resolve().parent.parent

POLICY = '''beleid "dekking"
gegevens
  omzet : bedrag
  n : aantal
  kind : ja/nee
eisen g "G"
  eis minstens_twee "Twee" vereist n is ten minste 2 tenzij kind
beslissing tier "Tier" (eerste treffer)
  als omzet is kleiner dan € 250.000 dan "klein"
  als omzet is groter dan € 250.000 dan "groot"
  anders "precies"
voorbeeld "klein"
  gegeven omzet = € 100, n = 3, kind = nee
  verwacht tier = "klein", minstens_twee = voldaan
'''


def _items(report, kind):
    return {(i.label, i.hit) for i in report.items if i.kind == kind}


def test_coverage_lists_reached_and_unreached_parts():
    report = coverage(compile_text(POLICY, "dekking"))
    assert _items(report, "rij") == {('rij 1: dan "klein"', True), ('rij 2: dan "groot"', False),
                                     ('anders "precies"', False)}
    assert _items(report, "uitzondering") == {("tenzij kind", False)}
    branches = _items(report, "tak")
    assert ("'n is ten minste 2' waar", True) in branches and ("'n is ten minste 2' onwaar", False) in branches
    hit, total = report.counts()
    assert 0 < hit < total and len(report.missed()) == total - hit


def test_more_voorbeelden_reach_more():
    more = POLICY + '''voorbeeld "groot"
  gegeven omzet = € 300.000, n = 1, kind = ja
  verwacht tier = "groot", minstens_twee = voldaan
voorbeeld "grens"
  gegeven omzet = € 250.000, n = 1, kind = nee
  verwacht tier = "precies", minstens_twee = niet voldaan
'''
    report = coverage(compile_text(more, "meer"))
    assert all(hit for _, hit in _items(report, "rij"))
    assert _items(report, "uitzondering") == {("tenzij kind", True)}
    assert "Alle onderdelen worden door de voorbeelden bereikt" in render(coverage_blocks([report]))


def test_shipped_policy_coverage_runs():
    report = coverage(load_policy(ROOT / "policies" / "wijkverpleging_2024.beleid"))
    rows = {i.label: i.hit for i in report.items if i.rule == "overeenkomst" and i.kind == "rij"}
    assert all(rows.values()) and len(rows) == 5


NEW = POLICY.replace("€ 250.000", "€ 275.000").replace("ten minste 2", "ten minste 3").replace(
    'anders "precies"\n', 'anders "precies"\nberekening extra "nieuw" = omzet + € 1\n')


def test_diff_reports_changed_thresholds_added_rules_and_differing_cases():
    old, new = compile_text(POLICY, "oud"), compile_text(NEW, "nieuw")
    diff = diff_policies(old, new)
    texts = [c.text for c in diff.changes]
    assert "berekening 'extra' is toegevoegd" in texts
    assert any("'tier, rij 1': € 250.000 → € 275.000" in t for t in texts)
    assert any("'minstens_twee': 2 → 3" in t for t in texts)
    by_rule = {c.rule: c for c in diff.cases}
    assert set(by_rule) == {"tier", "minstens_twee", "g"}
    tier = by_rule["tier"]
    assert tier.method == "exact" and tier.old != tier.new
    assert Decimal("250000") <= tier.case["omzet"] <= Decimal("275000")
    assert by_rule["minstens_twee"].case["n"] == 2 and by_rule["minstens_twee"].case["kind"] is False


def test_identical_versions_have_no_differences():
    policy = compile_text(POLICY, "zelfde")
    diff = diff_policies(policy, compile_text(POLICY, "zelfde2"))
    assert diff.changes == () and diff.cases == ()
    assert "Geen inhoudelijke verschillen" in render(diff_blocks(diff), "md")


def test_verschil_command(tmp_path, capsys):
    from dsl.cli import main

    (tmp_path / "oud.beleid").write_text(POLICY, encoding="utf-8")
    (tmp_path / "nieuw.beleid").write_text(NEW, encoding="utf-8")
    out = tmp_path / "verschil.html"
    assert main(["verschil", str(tmp_path / "oud.beleid"), str(tmp_path / "nieuw.beleid"),
                 "--rapport", str(out)]) == 0
    assert "Casussen met een andere uitkomst" in capsys.readouterr().out
    assert "<table>" in out.read_text(encoding="utf-8")


def test_dekking_command(tmp_path, capsys):
    from dsl.cli import main

    (tmp_path / "d.beleid").write_text(POLICY, encoding="utf-8")
    assert main(["test", str(tmp_path), "--dekking"]) == 0
    out = capsys.readouterr().out
    assert "Nooit bereikt:" in out and "rij 2: dan \"groot\"" in out and "0 voorbeelden mislukt" in out
