"""What an author sees when a voorbeeld fails: not only that, but why (the rule's explanation)."""

from __future__ import annotations

from pathlib import Path

from dsl.cli import main

ROOT = Path(__file__).resolve().parent.parent
SMALL = (ROOT / "benchmarks" / "eligibility_contract.beleid").read_text(encoding="utf-8")


def test_a_failing_voorbeeld_explains_the_rule_that_differed(tmp_path, capsys):
    wrong = tmp_path / "fout.beleid"
    wrong.write_text(SMALL.replace('overeenkomst = "standaardovereenkomst"', 'overeenkomst = "plusovereenkomst"', 1),
                     encoding="utf-8")
    assert main(["test", str(wrong)]) == 1
    out = capsys.readouterr().out
    assert f'{wrong}:59:12: overeenkomst: verwacht "plusovereenkomst", maar is "standaardovereenkomst"\n    waarom:\n' \
           '      • overeenkomst: Soort overeenkomst  ["standaardovereenkomst"]' in out
    # the row the author expected, and what stopped it, in the case's own values
    assert ('als omzet_2023 is groter dan € 250.000 en benchmarkscore is "beste" dan "plusovereenkomst"  [geldt niet]\n'
            '            Geldt niet: uitkomst van de benchmark is "overig", niet "beste".') in out
    assert out.rstrip().endswith("2 voorbeelden in 1 bestand: 1 geslaagd, 1 mislukt")


def test_diepte_0_shows_only_the_rule(tmp_path, capsys):
    wrong = tmp_path / "fout.beleid"
    wrong.write_text(SMALL.replace("minimumeisen = voldaan", "minimumeisen = niet voldaan", 1), encoding="utf-8")
    assert main(["test", str(wrong), "--diepte", "0"]) == 1
    out = capsys.readouterr().out
    assert "minimumeisen: verwacht niet voldaan, maar is voldaan\n    waarom:\n      ✔ minimumeisen: Minimumeisen  [voldaan]\n" \
           "          Voldoet: alle 6 eisen zijn voldaan of niet van toepassing." in out
    assert "aanspraak_vv" not in out   # the members are one level down
