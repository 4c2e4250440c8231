"""What `beleid evalueer` hands a program: JSON that follows the published schema, and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dsl.cli import main
from dsl.core.model import RuleKind, Status

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "docs" / "uitvoer.schema.json").read_text(encoding="utf-8"))
CASES = sorted((ROOT / "policies" / "casussen").iterdir())
WIJK = ROOT / "policies" / "wijkverpleging_2024.beleid"
NOORD = ROOT / "policies" / "casussen" / "wijkverpleging_thuiszorg_noord.json"


def _validator_class():
    """jsonschema's Draft 2020-12 validator, imported when a test uses it: its import builds a grammar
    (rfc3987_syntax) for 2 s, which a worker that runs none of these tests need not spend collecting."""
    from jsonschema import Draft202012Validator

    return Draft202012Validator


def _policy_of(case: Path) -> Path:
    return next(p for p in sorted((ROOT / "policies").glob("*.beleid"))
                if case.name.startswith((p.stem + "_", p.stem.rsplit("_", 1)[0] + "_")))


def _run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_schema_is_a_valid_json_schema_and_names_every_status_and_kind():
    _validator_class().check_schema(SCHEMA)
    rule = SCHEMA["$defs"]["regel"]["properties"]
    assert set(rule["status"]["enum"]) == {str(s) for s in Status}
    assert set(rule["soort"]["enum"]) == {str(k) for k in RuleKind}


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_every_shipped_case_gives_json_that_follows_the_schema(capsys, case):
    code, out, _ = _run(capsys, "evalueer", _policy_of(case), "--casus", case, "--json")
    assert code == 0
    data = json.loads(out)
    errors = sorted(_validator_class()(SCHEMA).iter_errors(data), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]


def test_values_in_json_carry_their_type_and_unit(capsys):
    _, out, _ = _run(capsys, "evalueer", ROOT / "policies" / "msz_2023.beleid", "--casus",
                     ROOT / "policies" / "casussen" / "msz_2023_zbc.json", "--json")
    rule = json.loads(out)["regels"]["tachtig_procent_contractwaarde"]
    assert (rule["waarde"], rule["type"], rule["eenheid"], rule["waarde_tekst"]) == \
        ("1920000", "bedrag", "euro", "€ 1.920.000,00")


def test_streng_fails_a_case_that_is_not_in_order_and_names_what_first(capsys):
    code, _, err = _run(capsys, "evalueer", WIJK, "--casus", NOORD, "--diepte", "0", "--streng")
    assert code == 4
    assert err.startswith("beleid: --streng: 43 regels niet in orde: onderaanneming (niet voldaan), "
                          "minimumeisen (niet voldaan), t_reactie_nieuw (niet gehaald)")
    assert _run(capsys, "evalueer", WIJK, "--casus", NOORD, "--diepte", "0")[0] == 0   # without it: 0


SMALL = ROOT / "benchmarks" / "eligibility_contract.beleid"
GOOD = {"soort_aanbieder": "instelling", "omzet_2023": "€ 1.850.000", "uitgesloten_van_benchmark": False,
        "benchmarkscore": "overig", "agb_code_vv": True, "fte_niveau_6_loondienst": "3,5",
        "aandeel_onderaanneming": "20%", "verzekerd_bedrag": "€ 2.500.000", "ingang_verzekering": "2024-01-01",
        "voldoet_aan_wtza": True, "bestaande_zzp_overeenkomst": False}


def test_streng_passes_a_case_in_order_also_in_json(capsys, tmp_path):
    case = tmp_path / "casus.json"
    case.write_text(json.dumps(GOOD), encoding="utf-8")
    assert _run(capsys, "evalueer", SMALL, "--casus", case, "--streng", "--json")[0] == 0
    case.write_text(json.dumps(GOOD | {"aandeel_onderaanneming": "40%"}), encoding="utf-8")
    code, out, err = _run(capsys, "evalueer", SMALL, "--casus", case, "--streng", "--json")
    assert code == 4 and json.loads(out)["regels"]["onderaanneming"]["status"] == "niet voldaan"
    assert "2 regels niet in orde: onderaanneming (niet voldaan), minimumeisen (niet voldaan)" in err


def test_streng_over_a_table_counts_rows(capsys, tmp_path):
    rows = tmp_path / "casussen.jsonl"
    rows.write_text(json.dumps(GOOD) + "\n" + json.dumps(GOOD | {"omzet_2023": "€ 250.000"}) + "\n", encoding="utf-8")
    assert _run(capsys, "evalueer", SMALL, "--casussen", rows, "--uit", tmp_path / "uit.csv")[0] == 0
    code, _, err = _run(capsys, "evalueer", SMALL, "--casussen", rows, "--uit", tmp_path / "uit.csv", "--streng")
    assert code == 4   # € 250.000 is neither "kleiner dan" nor "groter dan": the table's gap
    assert "1 regel niet in orde: overeenkomst (1 rij)" in err


def test_json_with_wat_als_follows_the_schema(capsys):
    code, out, _ = _run(capsys, "evalueer", WIJK, "--casus", NOORD, "--json", "--wat-als")
    data = json.loads(out)
    assert code == 0 and len(data["wat_als"]) > 20
    errors = list(_validator_class()(SCHEMA).iter_errors(data))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]
