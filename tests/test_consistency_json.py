"""`beleid controleer --consistentie --json`: one JSON object that follows the published schema
(docs/consistentie.schema.json) for every shipped policy, witnesses a case file accepts, and the
exit code that follows the findings that are not recorded as the document's own."""

from __future__ import annotations

import functools
import json
import re
from datetime import date, datetime
from pathlib import Path
from types import SimpleNamespace

import attrs
import pytest

from dsl.analysis import check_policy
from dsl.analysis.cli import run_consistency
from dsl.analysis.findings import KINDS
from dsl.analysis.jsonreport import consistency_json
from dsl.policy import compile_text
from tests.conftest import shipped

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "docs" / "consistentie.schema.json").read_text(encoding="utf-8"))
POLICIES = sorted((ROOT / "policies").glob("*.beleid"))


@functools.cache
def _validator():
    """The schema's validator, made when a test uses it: jsonschema's import builds a grammar
    (rfc3987_syntax) for 2 s, which a worker that runs none of these tests need not spend collecting."""
    from jsonschema import Draft202012Validator

    return Draft202012Validator(SCHEMA)

MIXED = '''beleid "gemengd"
gegevens
  omzet : bedrag
  aandeel : percentage
  ratio : getal
  start : datum
  moment : tijdstip
  wachttijd : duur in dagen
  soort : keuze uit "instelling", "zzp"
  n : aantal
beslissing tier "Tier" (uniek)
  als omzet is kleiner dan € 250.000 en aandeel is kleiner dan 0,5% dan "klein"
  als omzet is groter dan € 250.000 dan "groot"
  als soort is "zzp" en ratio is groter dan 0,25 en start is na 1 maart 2024
     en moment is voor 1 maart 2024 9:30 uur en wachttijd is ten hoogste 14 dagen en n is ten minste 2
    dan "zzp"
'''


def _args(**kwargs):
    values = {"json": True, "zoek_voorbeelden": 50, "zoek_seconden": None, "zoek_zaad": None, "rapport": None}
    return SimpleNamespace(**{**values, **kwargs})


def _run_json(policy, capsys, **kwargs):
    code = run_consistency(_args(**kwargs), policy)
    captured = capsys.readouterr()
    return code, json.loads(captured.out), captured.err


def test_the_schema_is_valid_and_names_every_kind():
    from jsonschema import Draft202012Validator

    Draft202012Validator.check_schema(SCHEMA)
    kinds = SCHEMA["$defs"]["bevinding"]["properties"]["soort"]["enum"]
    assert kinds == list(KINDS)


@pytest.mark.parametrize("path", POLICIES, ids=lambda p: p.stem)
def test_every_shipped_policy_gives_json_that_follows_the_schema(path, capsys):
    policy = shipped(path)
    code, report, _ = _run_json(policy, capsys)
    errors = sorted(_validator().iter_errors(report), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]
    assert report["nieuw"] == sum(1 for f in report["bevindingen"] if not f["bekend"])
    assert code == (1 if report["nieuw"] else 0)
    for finding in report["bevindingen"]:
        assert set(finding["bron"]) == set(finding["regels"])
        assert all(finding["bron"][name] == policy.model.rules[name].source for name in finding["regels"])
        if finding["getuige"] is not None:   # a case file accepts the witness exactly as written
            case = policy.load_case(finding["getuige"])
            assert not case.missing or set(case.missing) <= set(policy.model.fields) - set(finding["getuige"])


def test_witness_values_are_written_as_a_case_file_writes_them(capsys):
    policy = compile_text(MIXED, "gemengd.beleid")
    code, report, _ = _run_json(policy, capsys)
    assert code == 1 and not list(_validator().iter_errors(report))
    gap = next(f for f in report["bevindingen"] if f["soort"] == "gat")
    assert gap["regels"] == ["tier"] and gap["methode"] == "solver" and gap["bevestigd"] is True
    witness = gap["getuige"]
    assert re.fullmatch(r"€ \d{1,3}(\.\d{3})*,\d\d", witness["omzet"])
    assert re.fullmatch(r"\d+(,\d+)?%", witness["aandeel"]) and re.fullmatch(r"\d+(,\d+)?", witness["ratio"])
    assert date.fromisoformat(witness["start"]) and datetime.fromisoformat(witness["moment"])
    assert re.fullmatch(r"\d+ dagen", witness["wachttijd"])
    assert isinstance(witness["n"], int) and witness["soort"] in ("instelling", "zzp")
    assert policy.evaluate(witness)["tier"].status == "geen uitkomst"
    regions = {g["gegeven"]: g for g in gap["gebieden"]}
    assert regions["omzet"]["tekst"].startswith("omzet")


def test_the_exit_code_counts_only_findings_not_recorded_as_known(capsys):
    policy = compile_text(MIXED, "gemengd.beleid")
    report = check_policy(policy)
    assert report.findings and len(report.new) == len(report.findings)
    known = attrs.evolve(report, findings=tuple(attrs.evolve(f, known=True) for f in report.findings))
    assert known.new == []
    as_json = consistency_json(known, policy.model)
    assert as_json["nieuw"] == 0 and all(f["bekend"] for f in as_json["bevindingen"])
    assert not list(_validator().iter_errors(as_json))


def test_a_clean_policy_exits_0_with_an_empty_list_and_messages_stay_off_stdout(tmp_path, capsys):
    policy = compile_text('beleid "schoon"\ngegevens\n  x : bedrag\nbeslissing d "D" (uniek)\n'
                          '  als x is kleiner dan € 10 dan "a"\n  anders "b"\n', "schoon.beleid")
    out = tmp_path / "rapport.md"
    code, report, err = _run_json(policy, capsys, rapport=str(out))
    assert code == 0 and report["bevindingen"] == [] and report["nieuw"] == 0
    assert f"Rapport geschreven naar {out}" in err
    assert "Geen bevindingen" in out.read_text(encoding="utf-8")
