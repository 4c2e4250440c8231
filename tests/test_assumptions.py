"""Declared assumptions (`aanname`, issue 15 item 4): parsed and checked with Dutch messages, respected
by the solver and the search, and named at evaluation when a case violates one."""

from __future__ import annotations

import json

import pytest

from dsl.analysis import Budget, check_policy
from dsl.cli import main
from dsl.errors import BeleidError
from dsl.explain import closing_summary
from dsl.policy import compile_text

LIGDAGEN = """beleid "Ligdagen"

gegevens
  opname  : datum "datum van opname"
  ontslag : datum "datum van ontslag"
  omzet   : bedrag

berekening ligdagen "Aantal ligdagen" = ontslag - opname

beslissing tarief "Tarief per ligdag" (eerste treffer)
  als ligdagen is ten minste 0 dagen dan € 100
"""

ASSUMED = LIGDAGEN + """
aanname ontslag_na_opname "Ontslag ligt niet vóór opname"
  bron "§ 3.1"
  citaat "De zorgaanbieder ontslaat de cliënt na de opname."
  ontslag is niet voor opname
"""

BUDGET = Budget(max_examples=200, seconds=600)


def _kinds(report):
    return sorted(f.kind for f in report.findings)


def test_an_assumption_removes_findings_whose_every_witness_violates_it():
    plain = check_policy(compile_text(LIGDAGEN, "ligdagen.beleid"), budget=BUDGET)
    assert _kinds(plain) == ["buiten_bereik", "gat"]   # negative ligdagen, and a gap for ontslag < opname
    assumed = check_policy(compile_text(ASSUMED, "ligdagen.beleid"), budget=BUDGET)
    assert _kinds(assumed) == []


def test_the_search_skips_cases_that_violate_an_assumption():
    plain = check_policy(compile_text(LIGDAGEN, "ligdagen.beleid"), method="hypothesis", budget=BUDGET)
    assert "gat" in _kinds(plain)
    assumed = check_policy(compile_text(ASSUMED, "ligdagen.beleid"), method="hypothesis", budget=BUDGET)
    assert "gat" not in _kinds(assumed)


def test_an_assumption_keeps_real_findings():
    text = ASSUMED.replace("als ligdagen is ten minste 0 dagen dan € 100", "als ligdagen is ten minste 1 dagen dan € 100")
    report = check_policy(compile_text(text, "ligdagen.beleid"), budget=BUDGET)
    gaps = report.of_kind("gat")
    assert len(gaps) == 1 and gaps[0].case["ontslag"] == gaps[0].case["opname"]   # discharged on the day itself


def test_a_case_that_violates_an_assumption_is_named_at_evaluation():
    policy = compile_text(ASSUMED, "ligdagen.beleid")
    case = {"opname": "5 januari 2024", "ontslag": "1 januari 2024", "omzet": "€ 10"}
    for _ in range(3):   # the first case, then the compiled loader and the generated entry
        outcome = policy.evaluate(case)
        assert outcome["ligdagen"].value == -4   # the rules are still evaluated
        (violation,) = outcome.violations
        assert violation.message == (
            "Aanname geschonden: Ontslag ligt niet vóór opname (aanname 'ontslag_na_opname', regel 13, bron § 3.1); "
            "in deze casus: opname = 5 januari 2024, ontslag = 1 januari 2024. De regels zijn wel berekend, maar "
            "het beleid gaat uit van casussen waarvoor deze aanname geldt.")
    assert outcome.to_dict()["aannames_geschonden"][0]["gegevens"] == {"opname": "5 januari 2024",
                                                                        "ontslag": "1 januari 2024"}
    assert violation.message in closing_summary(policy.evaluate(case, trace=True))


def test_a_case_that_holds_or_leaves_the_data_out_violates_nothing():
    policy = compile_text(ASSUMED, "ligdagen.beleid")
    assert policy.evaluate({"opname": "1 januari 2024", "ontslag": "1 januari 2024"}).violations == ()
    assert policy.evaluate({"opname": "1 januari 2024"}).violations == ()   # onbekend violates nothing
    assert policy.evaluate({"opname": "1 januari 2024"}).to_dict()["aannames_geschonden"] == []


def test_evalueer_names_the_violation_and_exits_5(tmp_path, capsys):
    path = tmp_path / "ligdagen.beleid"
    path.write_text(ASSUMED, encoding="utf-8")
    case = tmp_path / "casus.json"
    case.write_text(json.dumps({"opname": "5 januari 2024", "ontslag": "1 januari 2024"}), encoding="utf-8")
    assert main(["evalueer", str(path), "--casus", str(case)]) == 5
    out, err = capsys.readouterr()
    assert "Aanname geschonden: Ontslag ligt niet vóór opname (aanname 'ontslag_na_opname', regel 13" in out
    assert "de casus schendt 1 aanname van het beleid: ontslag_na_opname" in err
    assert main(["evalueer", str(path), "--casus", str(case), "--json"]) == 5
    data = json.loads(capsys.readouterr().out)
    assert [v["naam"] for v in data["aannames_geschonden"]] == ["ontslag_na_opname"]
    case.write_text(json.dumps({"opname": "1 januari 2024", "ontslag": "5 januari 2024"}), encoding="utf-8")
    assert main(["evalueer", str(path), "--casus", str(case)]) == 0


@pytest.mark.parametrize("condition, message", [
    ("ontslag is niet voor opnme", "x.beleid:14:24: fout: onbekende naam 'opnme'"),
    ("ligdagen is ten minste 0 dagen",
     "x.beleid:14:3: fout: een aanname gaat over de gegevens van een casus; 'ligdagen' is een regel"),
    ("ontslag is ten minste € 5", "x.beleid:14:3: fout:"),
    ("omzet", "x.beleid:14:3: fout:"),
])
def test_mistakes_in_an_assumption_get_dutch_messages_with_line_and_column(condition, message):
    with pytest.raises(BeleidError) as err:
        compile_text(LIGDAGEN + f'\naanname a "A"\n  {condition}\n', "x.beleid")
    assert message in err.value.render()


def test_a_syntax_error_in_an_assumption_names_line_and_column():
    with pytest.raises(BeleidError) as err:
        compile_text(LIGDAGEN + '\naanname "zonder naam"\n  ontslag is niet voor opname\n', "x.beleid")
    assert "x.beleid:13:9: fout:" in err.value.render()


def test_an_assumption_name_is_taken():
    with pytest.raises(BeleidError) as err:
        compile_text(LIGDAGEN + '\naanname ligdagen "A"\n  ontslag is niet voor opname\n', "x.beleid")
    assert "x.beleid:13:1: fout: 'ligdagen' is al eerder gedeclareerd (regel 8)" in err.value.render()
