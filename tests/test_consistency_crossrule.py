"""Checks across rules: a boundary two rules draw on different sides (document 001: `groter dan
€ 300.000` in the text, `ten minste € 300.000` in the table), and an eis and a decision row with
the same condition but other boundaries. Each finding names every rule and every source."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from dsl.analysis import Budget, check_policy
from dsl.analysis.crossrule import bounds, skeleton
from dsl.analysis.jsonreport import consistency_json
from dsl.analysis.report import consistency_blocks, render
from dsl.policy import compile_text
from tests.conftest import shipped

ROOT = Path(__file__).resolve().parent.parent
SMALL = Budget(max_examples=100, seconds=600)


def _check(text):
    policy = compile_text(text, "t.beleid")
    return policy, check_policy(policy, budget=SMALL)


def _kinds(report, kind):
    return [f for f in report.findings if f.kind == kind]


def test_document_001_more_than_against_at_least_300000_is_one_finding_naming_both_rules():
    policy = shipped(ROOT / "policies" / "elv_grz_2023.beleid")
    report = check_policy(policy, budget=SMALL)
    names = {"kosten_boven_300000", "categorie_elv", "afspraak_elv"}   # the table's two outcomes, one finding
    found = [f for f in _kinds(report, "grens") if names <= set(f.names)]
    assert len(found) == 1
    finding = found[0]
    assert finding.case == {"kosten_elv": Decimal("300000")} and finding.confirmed is True
    assert "groter dan" in finding.message and "ten minste" in finding.message
    labels = [label for label, _ in finding.spans]
    assert {"kosten_boven_300000 (eis)", "categorie_elv (rij 1)", "afspraak_elv (rij 1)"} <= set(labels)
    text = render(consistency_blocks(report, policy.model, policy.model.text))
    model = policy.model
    for name in sorted(names):
        assert f"{name}: {model.rules[name].source}" in text
    as_json = next(f for f in consistency_json(report, model)["bevindingen"] if f["soort"] == "grens"
                   and "kosten_boven_300000" in f["regels"])
    assert as_json["getuige"] == {"kosten_elv": "€ 300.000,00"}
    assert set(as_json["bron"]) == names and as_json["methode"] == "regels"
    assert "Hoe: gelezen uit de regels zelf (dezelfde waarde, andere grenswoorden); bevestigd door de casus" in text
    assert as_json["gebieden"] == [{"gegeven": "kosten_elv", "soort": "waarde", "tekst": "kosten_elv = € 300.000,00",
                                    "waarde": "€ 300.000,00"}]


STRICTNESS = '''beleid "grenzen"
gegevens
  x : bedrag
  start : datum
  n : aantal
berekening drempel "Drempel" = € 50.000 * 2
eisen g "G"
  eis boven "Boven" bron "§ 1" vereist x is groter dan € 100.000
  eis begin_vanaf "Vanaf" bron "§ 2" vereist start is vanaf 1 maart 2024
  eis gelijkwaardig "Gelijkwaardig" vereist n is groter dan 4
beslissing tabel "Tabel" (uniek)
  bron "§ 3 (tabel)"
  als x is ten minste drempel dan "groot"
  als x is kleiner dan drempel dan "klein"
beslissing periode "Periode" (eerste treffer)
  als start is na 1 maart 2024 dan "later"
  anders "eerder"
beslissing hoeveel "Aantal" (uniek)
  als n is ten minste 5 dan "veel"
  als n is ten hoogste 4 dan "weinig"
'''


def test_the_same_constant_on_different_sides_in_different_rules():
    _, report = _check(STRICTNESS)
    found = {f.case and next(iter(f.case)): f for f in _kinds(report, "grens")}
    assert set(found) == {"x", "start"}, [f.message for f in report.findings]
    money = found["x"]   # € 50.000 * 2 is a constant: the same boundary as € 100.000
    assert money.names == ("boven", "tabel") and money.case == {"x": Decimal("100000")}
    assert money.confirmed is True
    assert "in 'tabel' (kleiner dan, ten minste) hoort € 100.000,00 bij de bovenkant" in money.message
    assert "in 'boven' (groter dan) bij de onderkant" in money.message
    moment = found["start"]   # `vanaf` counts 1 maart 2024 in, `na` does not
    assert moment.names == ("begin_vanaf", "periode") and moment.case == {"start": date(2024, 3, 1)}
    assert moment.confirmed is True
    # `groter dan 4` and `ten minste 5` split the aantallen in the same place: no finding for n


def test_bands_that_abut_differently_in_two_decisions():
    text = '''beleid "banden"
gegevens
  p : percentage
beslissing a "A" (uniek)
  als p is kleiner dan 10% dan "laag"
  als p is ten minste 10% dan "hoog"
beslissing b "B" (uniek)
  als p is ten hoogste 10% dan "laag"
  als p is groter dan 10% dan "hoog"
'''
    policy, report = _check(text)
    (finding,) = report.findings
    assert finding.kind == "grens" and finding.names == ("a", "b")
    assert finding.case == {"p": Decimal("10")} and finding.confirmed is True
    assert policy.evaluate(finding.case)["a"].value != policy.evaluate(finding.case)["b"].value


def test_a_rule_split_both_ways_itself_is_its_own_gap_not_a_cross_rule_finding():
    text = '''beleid "zelf"
gegevens
  x : aantal
beslissing d "D" (uniek)
  als x is kleiner dan 10 dan "a"
  als x is groter dan 10 dan "b"
eisen g "G"
  eis e "E" vereist x is ten minste 10
'''
    _, report = _check(text)
    assert [f.kind for f in report.findings] == ["gat"]


SAME_SHAPE = '''beleid "vorm"
gegevens
  omzet : bedrag
  soort : keuze uit "instelling", "zzp"
  j : ja/nee
eisen g "G"
  eis groot "Groot" vereist omzet is ten minste € 250.000 en soort is "zzp"
  eis gelijk "Gelijk" vereist omzet is groter dan € 100.000 en j
beslissing d "D" (eerste treffer)
  als omzet is ten minste € 275.000 en soort is "zzp" dan "groot"
  als omzet is ten minste € 100.000,01 en j dan "gelijk"
  anders "anders"
'''


def test_an_eis_and_a_row_with_the_same_condition_and_other_boundaries():
    _, report = _check(SAME_SHAPE)
    (finding,) = _kinds(report, "andere_grenzen")
    assert finding.names == ("groot", "d")
    assert [label for label, _ in finding.spans] == ["groot (eis)", "d (rij 1)"]
    assert Decimal(250000) <= finding.case["omzet"] < Decimal(275000) and finding.case["soort"] == "zzp"
    assert finding.confirmed is True
    # `groter dan € 100.000` and `ten minste € 100.000,01` are the same condition on amounts in cents
    assert not any("gelijk" in f.names for f in report.findings)


def test_bounds_and_skeletons_read_the_core_model():
    policy = compile_text(SAME_SHAPE, "vorm.beleid")
    found = {(b.rule, b.where, b.field, b.value, b.upper) for b in bounds(policy.model)}
    assert ("groot", "eis", "omzet", Decimal(250000), True) in found
    assert ("gelijk", "eis", "omzet", Decimal(100000), False) in found
    rules = policy.model.rules
    assert skeleton(rules["groot"].condition) == skeleton(rules["d"].rows[0].condition)
    assert skeleton(rules["groot"].condition) != skeleton(rules["gelijk"].condition)
