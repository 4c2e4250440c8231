"""Rules that say the same thing twice: two eisen with equivalent conditions (proved by z3, also
when written differently), and a row repeated in another decision; restating a rule on purpose
(`voldoet aan`) and rows that only look alike are no finding."""

from __future__ import annotations

from dsl.analysis import Budget, check_policy
from dsl.policy import compile_text

SMALL = Budget(max_examples=100, seconds=600)

TWICE = '''beleid "dubbel"
gegevens
  omzet : bedrag
  n : aantal
  j : ja/nee
eisen a "A"
  eis omzet_hoog "Omzet" vereist omzet is groter dan € 250.000 en n is ten minste 2
  eis verwijzing "Verwijzing" vereist voldoet aan omzet_hoog
  eis ander_getal "Ander" vereist omzet is groter dan € 250.000 en n is ten minste 3
eisen b "B"
  eis omzet_nogmaals "Nogmaals" vereist n is groter dan 1 en omzet is ten minste € 250.000,01
  eis met_uitzondering "Uitzondering" vereist j tenzij n is ten minste 2
  eis zonder "Zonder" vereist j of n is groter dan 1
'''


def _check(text):
    policy = compile_text(text, "t.beleid")
    return check_policy(policy, budget=SMALL)


def test_two_eisen_with_equivalent_conditions_are_one_finding():
    report = _check(TWICE)
    found = sorted(f.names for f in report.findings if f.kind == "dubbele_eis")
    # written differently, equal for every case (amounts in cents, counts whole)
    assert found == [("met_uitzondering", "zonder"), ("omzet_hoog", "omzet_nogmaals")]
    finding = next(f for f in report.findings if f.names == ("omzet_hoog", "omzet_nogmaals"))
    assert "Eis 'omzet_nogmaals' herhaalt eis 'omzet_hoog'" in finding.message
    assert [label for label, _ in finding.spans] == ["omzet_hoog", "omzet_nogmaals"]


def test_eisen_that_apply_in_different_cases_are_not_the_same():
    text = TWICE.replace('eisen b "B"', 'eisen b "B"\n  van toepassing als j')
    found = {f.names for f in _check(text).findings if f.kind == "dubbele_eis"}
    assert ("omzet_hoog", "omzet_nogmaals") not in found


ROWS = '''beleid "rijen"
gegevens
  omzet : bedrag
  soort : keuze uit "instelling", "zzp"
beslissing tarief "Tarief" (eerste treffer)
  als soort is "zzp" en omzet is kleiner dan € 100.000 dan "laag"
  als omzet is ten minste € 100.000 dan "hoog"
  anders "midden"
beslissing tarief_bijlage "Tarief in de bijlage" (eerste treffer)
  als omzet is kleiner dan € 100.000 en soort is niet "instelling" dan "laag"
  als omzet is ten minste € 100.000 dan "anders hoog"
  anders "midden"
'''


def test_a_row_repeated_in_another_decision():
    report = _check(ROWS)
    (finding,) = [f for f in report.findings if f.kind == "herhaalde_rij"]
    assert finding.names == ("tarief", "tarief_bijlage")
    assert "Rij 1 van beslissing 'tarief_bijlage' herhaalt rij 1 van beslissing 'tarief'" in finding.message
    # the second rows have the same condition but another outcome: not a repetition


def test_a_row_repeated_under_a_different_applicability_is_not_a_repetition():
    text = ROWS.replace('beslissing tarief_bijlage "Tarief in de bijlage" (eerste treffer)',
                        'beslissing tarief_bijlage "Tarief in de bijlage" (eerste treffer)\n'
                        '  van toepassing als omzet is ten minste € 50.000')
    assert not [f for f in _check(text).findings if f.kind == "herhaalde_rij"]
