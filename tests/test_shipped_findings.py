"""The shipped policies report only findings recorded as the document's own (issue 15, item 5 and
its Done-when): `beleid controleer --consistentie` on each exits 0, every finding is `bekend`, no
record is stale, and the findings are exactly the ones policies/README.md lists per document (kind
and rules). A regression in a table with a recorded finding, or a new defect anywhere, fails here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dsl.cli import main

ROOT = Path(__file__).resolve().parent.parent

# Per shipped policy: the findings the document itself has, as (soort, regels). See
# policies/README.md, "Bevindingen van de consistentiecontrole", for the quotes.
EXPECTED: dict[str, set[tuple[str, tuple[str, ...]]]] = {
    "vgz_elv_grz_gzsp_2022": set(),
    "elv_grz_2023": {
        ("gat", ("categorie_elv",)),
        ("overlap", ("categorie_elv",)),
        ("grens", ("afspraak_elv", "categorie_elv", "kosten_boven_300000")),
    },
    "ggz_2020": {
        ("gat", ("plek_client",)),
        ("gat", ("bekostiging_verblijf",)),
        ("onbekend_blokkeert", ("niveau_gbggz",)),
        ("onbekend_blokkeert", ("niveau_sggz",)),
    },
    "msz_2023": {
        ("gat", ("plek_msr",)),
        ("onbekend_blokkeert", ("toegankelijkheid",)),
    },
    "wijkverpleging_2024": {
        ("gat", ("overeenkomst",)),
        ("onbekend_blokkeert", ("overeenkomst",)),
    },
}


_REPORTS: dict[str, tuple[int, str]] = {}


def _report(name: str, capsys) -> tuple[int, dict]:
    """`beleid controleer --consistentie --json` of a shipped policy: its exit code and report, run
    once per policy in this module (several tests read the report of wijkverpleging and elv: a
    search of 2,000 cases each time)."""
    if name not in _REPORTS:
        code = main(["controleer", str(ROOT / "policies" / f"{name}.beleid"), "--consistentie", "--json"])
        _REPORTS[name] = code, capsys.readouterr().out
    code, out = _REPORTS[name]
    return code, json.loads(out)


def test_every_shipped_policy_is_listed():
    assert {p.stem for p in (ROOT / "policies").glob("*.beleid")} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_shipped_policy_reports_only_the_documents_own_findings(name, capsys):
    code, report = _report(name, capsys)
    findings = report["bevindingen"]
    new = [(f["soort"], f["regels"], f["melding"]) for f in findings if not f["bekend"]]
    assert new == [], new                       # nothing new, and no stale record (bekend_vervallen)
    assert code == 0 and report["nieuw"] == 0
    assert {(f["soort"], tuple(sorted(f["regels"]))) for f in findings} == EXPECTED[name]
    for f in findings:                          # each recorded with its source and quote
        assert f["vastgelegd"].startswith("vastgelegd op regel") and "; bron " in f["vastgelegd"]
        assert '; citaat "' in f["vastgelegd"]


def test_the_known_gap_of_004_is_only_at_250000(capsys):
    _, report = _report("wijkverpleging_2024", capsys)
    gap = next(f for f in report["bevindingen"] if f["soort"] == "gat")
    assert gap["getuige"]["omzet_2023"] == "€ 250.000,00"
    assert all(any(g["tekst"] == "omzet_2023 = € 250.000,00" for g in box["gebieden"])
               for box in gap["alle_gebieden"])


def test_001_records_the_text_against_the_table_at_exactly_300000(capsys):
    _, report = _report("elv_grz_2023", capsys)
    border = next(f for f in report["bevindingen"] if f["soort"] == "grens")
    assert border["getuige"] == {"kosten_elv": "€ 300.000,00"} and border["bekend"]
    assert "groter dan" in border["melding"] and "ten minste" in border["melding"]


def test_a_planted_second_gap_in_a_table_with_a_recorded_gap_is_new(tmp_path, capsys):
    """The record of 001's table covers only amounts under € 300.000: a gap above it is new."""
    text = (ROOT / "policies" / "elv_grz_2023.beleid").read_text(encoding="utf-8")
    old = "als kosten_elv is ten minste € 300.000 en tabel_gelijk_of_minimaal"
    assert text.count(old) == 1
    edited = tmp_path / "elv.beleid"
    edited.write_text(text.replace(old, "als kosten_elv is groter dan € 300.000 en tabel_gelijk_of_minimaal"),
                      encoding="utf-8")
    code = main(["controleer", str(edited), "--consistentie", "--json"])
    report = json.loads(capsys.readouterr().out)
    new = [(f["soort"], f["regels"]) for f in report["bevindingen"] if not f["bekend"]]
    assert code == 1 and ("gat", ["categorie_elv"]) in new
