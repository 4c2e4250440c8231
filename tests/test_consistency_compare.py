"""`beleid controleer --consistentie --json --vergelijk VORIG.json`: every gap and overlap as
regions, and a report compared with one saved earlier marks each finding nieuw or eerder gemeld
by region, not by witness; the exit code follows the new findings only (issue 15, item 1)."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

from dsl.analysis.cli import run_consistency
from dsl.policy import compile_text
from tests.test_consistency_json import _validator
from tests.test_consistency_mutants import excerpt

ROOT = Path(__file__).resolve().parent.parent
FULL = (ROOT / "policies" / "elv_grz_2023.beleid").read_text(encoding="utf-8")
# the other tests use the ELV table and the eisen around it (tests/test_consistency_mutants.py), which
# have the same findings in a fraction of the time
ELV = excerpt(ROOT / "policies" / "elv_grz_2023.beleid", ["maatwerkcriteria_elv", "categorie_elv"])


def _args(**kwargs):
    values = {"json": True, "zoek_voorbeelden": 20, "zoek_seconden": None, "zoek_zaad": None, "rapport": None,
              "vergelijk": None}
    return SimpleNamespace(**{**values, **kwargs})


def _run(text, capsys, **kwargs):
    policy = compile_text(text, "elv_grz_2023.beleid")
    code = run_consistency(_args(**kwargs), policy)
    captured = capsys.readouterr()
    return code, (json.loads(captured.out) if captured.out.strip() else None), captured.err


def test_a_second_gap_in_a_table_with_a_known_one_is_new(tmp_path, capsys):
    """Issue 15's first example, on a copy of the whole shipped policy: 'ten minste € 300.000' turned
    into 'groter dan' in the Basis row of afspraak_elv_tabel (categorie_elv, afspraak_elv), which already has a gap."""
    code, before, _ = _run(FULL, capsys)
    assert code == 0   # the shipped policy records its findings as the document's own
    assert not list(_validator().iter_errors(before))
    (gap,) = [f for f in before["bevindingen"] if f["soort"] == "gat"]
    # under € 300.000 (recorded); 'neither column' is excluded by the aanname tabel_gelijk_of_afwijkend
    assert gap["regels"] == ["categorie_elv"] and gap["bekend"]
    assert all(any(g["tekst"] == "kosten_elv < € 300.000,00" for g in box["gebieden"]) for box in gap["alle_gebieden"])
    saved = tmp_path / "vorig.json"
    saved.write_text(json.dumps(before), encoding="utf-8")

    planted = FULL.replace("als kosten_elv is ten minste € 300.000 en tabel_gelijk_of_minimaal",
                          "als kosten_elv is groter dan € 300.000 en tabel_gelijk_of_minimaal", 1)
    code, after, _ = _run(planted, capsys, vergelijk=str(saved))
    # new: the second gap, and the record of the text-against-table border, which no longer holds (the
    # edited table now splits € 300.000 both ways itself: its own gap, no border finding)
    assert code == 1 and after["nieuw"] == 2
    (stale,) = [f for f in after["bevindingen"] if f["soort"] == "bekend_vervallen"]
    assert stale["regels"] == ["kosten_boven_300000", "categorie_elv", "afspraak_elv"]
    (new,) = [f for f in after["bevindingen"] if f["vergelijking"] == "nieuw" and f is not stale]
    assert new["soort"] == "gat" and new["regels"] == ["categorie_elv"]
    # the new region is the one at exactly € 300.000 with a 'gelijk of minimaal' table row
    texts = [[g["tekst"] for g in box["gebieden"]] for box in new["alle_gebieden"]]
    assert any("kosten_elv ≤ € 300.000,00" in t and "tabel_afwijking is nee" in t for t in texts), texts
    assert not list(_validator().iter_errors(after))
    assert all(f["vergelijking"] == "eerder gemeld" for f in after["bevindingen"] if f is not new and f is not stale)


def test_a_moved_witness_is_not_new(tmp_path, capsys):
    """The previous report's gap had another witness (written by hand here): the region is the same,
    so the finding is eerder gemeld."""
    _, before, _ = _run(ELV, capsys)
    for finding in before["bevindingen"]:
        if finding["soort"] == "gat":
            for box in finding["alle_gebieden"]:
                box["getuige"] = {"kosten_elv": "€ 1,00"}
            finding["getuige"] = {"kosten_elv": "€ 1,00"}
    saved = tmp_path / "vorig.json"
    saved.write_text(json.dumps(before), encoding="utf-8")
    code, after, _ = _run(ELV, capsys, vergelijk=str(saved))
    assert code == 0 and after["nieuw"] == 0 and after["vergeleken_met"] == str(saved)
    assert {f["vergelijking"] for f in after["bevindingen"]} == {"eerder gemeld"}
    assert not list(_validator().iter_errors(after))


def test_a_region_missing_from_the_previous_report_is_new(tmp_path, capsys):
    _, before, _ = _run(ELV, capsys)
    (gap,) = [f for f in before["bevindingen"] if f["soort"] == "gat"]
    gap["alle_gebieden"] = gap["alle_gebieden"][:1]
    gap["gebieden"] = gap["alle_gebieden"][0]["gebieden"]
    saved = tmp_path / "vorig.json"
    saved.write_text(json.dumps(before), encoding="utf-8")
    code, after, _ = _run(ELV, capsys, vergelijk=str(saved))
    assert code == 1 and [f["soort"] for f in after["bevindingen"] if f["vergelijking"] == "nieuw"] == ["gat"]


def test_an_unreadable_previous_report_is_said_in_dutch(tmp_path, capsys):
    broken = tmp_path / "kapot.json"
    broken.write_text("{niet json", encoding="utf-8")
    code, out, err = _run(ELV, capsys, vergelijk=str(broken))
    assert code == 1 and out is None
    assert err == f"beleid: het vorige rapport {broken} is geen JSON (regel 1, kolom 2)\n"
    other = tmp_path / "ander.json"
    other.write_text('{"bevindingen": 3}', encoding="utf-8")
    code, _, err = _run(ELV, capsys, vergelijk=str(other))
    assert code == 1 and "geen rapport van 'beleid controleer --consistentie --json'" in err
    code, _, err = _run(ELV, capsys, vergelijk=str(tmp_path / "weg.json"))
    assert code == 1 and err.startswith(f"beleid: kan het vorige rapport {tmp_path / 'weg.json'} niet lezen: ")
    assert "Traceback" not in err


def test_the_text_report_marks_new_and_earlier_findings(tmp_path, capsys):
    _, before, _ = _run(ELV, capsys)
    saved = tmp_path / "vorig.json"
    saved.write_text(json.dumps(before), encoding="utf-8")
    planted = ELV.replace("als kosten_elv is ten minste € 300.000 en tabel_gelijk_of_minimaal",
                          "als kosten_elv is groter dan € 300.000 en tabel_gelijk_of_minimaal", 1)
    policy = compile_text(planted, "elv_grz_2023.beleid")
    code = run_consistency(_args(json=False, vergelijk=str(saved)), policy)
    out = capsys.readouterr().out
    assert code == 1
    assert f"Vergeleken met {saved}: 1 nieuw, " in out
    assert "gat (geen regel van toepassing): categorie_elv (nieuw)" in out
    assert ("overlap (meerdere regels onder 'uniek', of met een andere uitkomst onder 'om het even'): "
            "categorie_elv (eerder gemeld)") in out
    assert "Gebieden (3):" in out


def test_a_second_contradiction_in_a_group_is_its_own_finding_and_new(tmp_path, capsys):
    one = '''beleid "tegenstrijdig"
gegevens
  p : percentage
  q : bedrag
eisen g "G"
  eis a "A" vereist p is ten hoogste 10%
  eis b "B" vereist p is ten minste 20%
  eis c "C" vereist q is ten hoogste € 5
'''
    two = one + "  eis d \"D\" vereist q is ten minste € 6\n"
    _, before, _ = _run(one, capsys)
    saved = tmp_path / "vorig.json"
    saved.write_text(json.dumps(before), encoding="utf-8")
    code, after, _ = _run(two, capsys, vergelijk=str(saved))
    pairs = [(f["plaatsen"][0]["label"], f["plaatsen"][1]["label"], f["vergelijking"])
             for f in after["bevindingen"] if f["soort"] == "tegenstrijdig"]
    assert pairs == [("a", "b", "eerder gemeld"), ("c", "d", "nieuw")] and code == 1
