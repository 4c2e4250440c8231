"""Evaluation of the shipped district-nursing policy on real cases: statuses, values, dates."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from tests.conftest import POLICIES


def test_provider_with_too_much_subcontracting(wijkverpleging):
    outcome = wijkverpleging.evaluate(POLICIES / "casussen/wijkverpleging_thuiszorg_noord.json")
    assert outcome["onderaanneming"].status == "niet voldaan"
    assert outcome["minimumeisen"].status == "niet voldaan"
    assert outcome["overeenkomst"].value == "standaardovereenkomst"
    assert outcome["overeenkomst"].source == "Benchmark; De standaardovereenkomst"
    assert outcome["t_reactie_nieuw"].status == "niet gehaald"      # 8 december 17:30, the window ends at 17:00
    assert outcome["t_nieuw_aanbod"].status == "gehaald"
    assert outcome["ander_zorgpersoneel"].status == "niet van toepassing"
    assert outcome["prijsindexatie"].value == Decimal("7.77")


def test_small_provider_asking_for_a_higher_ceiling(wijkverpleging):
    outcome = wijkverpleging.evaluate(POLICIES / "casussen/wijkverpleging_kleine_aanbieder.yaml")
    assert outcome["overeenkomst"].value == "cliëntvolgende overeenkomst"
    assert outcome["signaalgrens_plafond"].value == Decimal("175000")
    assert outcome["verzoek_ophoging"].status == "voldaan"
    assert outcome["tien_fte"].status == "niet voldaan"
    answer = outcome["antwoord_ophoging"]
    # the answer's date was not entered and the peildatum is past the deadline: not "niet gehaald"
    assert (answer.status, answer.deadline, answer.start) == ("verstreken zonder datum", date(2024, 6, 17),
                                                              date(2024, 5, 27))


def test_a_deadline_passed_without_a_date_is_not_a_known_miss(wijkverpleging):
    """"Verstreken zonder datum" (no date entered, peildatum past the end) and "niet gehaald" (the
    date is known and late) are different facts; a rule that asks whether the deadline was met
    sees the first as unknown, the second as nee."""
    base = {"aanvraag_compleet": "27 mei 2024", "peildatum": "1 juli 2024"}
    without = wijkverpleging.evaluate(base)["antwoord_ophoging"].status
    late = wijkverpleging.evaluate({**base, "bericht_ophoging": "18 juni 2024"})["antwoord_ophoging"].status
    in_time = wijkverpleging.evaluate({**base, "bericht_ophoging": "17 juni 2024"})["antwoord_ophoging"].status
    assert (without, late, in_time) == ("verstreken zonder datum", "niet gehaald", "gehaald")
    assert (without.truth, late.truth, in_time.truth) == (None, False, True)


@pytest.mark.parametrize("omzet, expected", [
    ("€ 249.999,99", "cliëntvolgende overeenkomst"),
    ("€ 250.000", None),
    ("€ 250.000,01", "standaardovereenkomst"),
])
def test_contract_type_at_the_revenue_boundary(wijkverpleging, omzet, expected):
    outcome = wijkverpleging.evaluate({"soort_aanbieder": "instelling", "omzet_2023": omzet,
                                       "uitgesloten_van_benchmark": False, "benchmarkscore": "overig"})
    assert outcome["overeenkomst"].value == expected
    assert outcome["overeenkomst"].status == ("geen uitkomst" if expected is None else "bepaald")


def test_unknown_condition_never_falls_through_to_a_later_row(wijkverpleging):
    outcome = wijkverpleging.evaluate({"soort_aanbieder": "zzp", "omzet_2023": 10})
    assert outcome["overeenkomst"].status == "onbekend"   # bestaande_zzp_overeenkomst is unknown


def test_deadline_with_a_time(wijkverpleging):
    on_time = wijkverpleging.evaluate({"overeenstemming": "22 december 2023 17:00"})
    late = wijkverpleging.evaluate({"overeenstemming": datetime(2023, 12, 22, 17, 1)})
    undecided = wijkverpleging.evaluate({"overeenstemming": "2023-12-22"})
    assert on_time["t_overeenstemming"].status == "gehaald"
    assert late["t_overeenstemming"].status == "niet gehaald"
    assert undecided["t_overeenstemming"].status == "onbekend"


def test_trace_and_plain_evaluation_agree(wijkverpleging):
    case = POLICIES / "casussen/wijkverpleging_thuiszorg_noord.json"
    plain, traced = wijkverpleging.evaluate(case), wijkverpleging.evaluate(case, trace=True)
    assert (plain.statuses, plain.values, plain.details) == (traced.statuses, traced.values, traced.details)
    assert len(traced.trace) > 50 and plain.trace is None


def test_outcome_as_json(wijkverpleging):
    data = wijkverpleging.evaluate({"omzet_2023": 5}).to_dict()
    assert data["regels"]["overeenkomst"]["status"] == "onbekend"
    assert data["regels"]["antwoord_ophoging"]["uiterste_datum"] is None
    assert "soort_aanbieder" in data["ontbrekende_gegevens"]


def test_overlap_under_unique_can_be_expected_in_a_voorbeeld(compile_policy):
    from dsl.examples import run_examples

    policy = compile_policy('gegevens\n  n : aantal\nbeslissing d "D" (uniek)\n'
                            '  als n is ten minste 1 dan "a"\n  als n is ten minste 2 dan "b"\n'
                            'voorbeeld "overlap" gegeven n = 2 verwacht d = meerdere regels\n')
    assert [r.passed for r in run_examples(policy)] == [True]


def test_mismatch_shows_money_exactly(compile_policy):
    from dsl.examples import run_examples

    policy = compile_policy('gegevens\n  b : bedrag\nberekening q = b / 3\n'
                            'voorbeeld "v" gegeven b = € 756,425 verwacht q = € 252,14\n')
    mismatch = run_examples(policy)[0].mismatches[0]
    assert (mismatch.expected, mismatch.actual) == ("€ 252,14", "€ 252,1416666666666666666666667")


def test_calculation_that_does_not_apply(compile_policy):
    policy = compile_policy('gegevens\n  a : ja/nee\n  n : aantal\n'
                            'berekening b "B"\n  van toepassing als a\n  = n * € 1\n')
    assert policy.evaluate({"a": False, "n": 3})["b"].status == "niet van toepassing"
    assert policy.evaluate({"n": 3})["b"].status == "onbekend"
    assert policy.evaluate({"a": True, "n": 3})["b"].value == 3


@pytest.mark.parametrize("fte, status", [
    ([1, "0,2", "0,5"], "voldaan"), ([1, "0,2"], "niet voldaan"), (["0,3", "0,3"], "voldaan"), ([], "niet voldaan"),
    ([1, None], "onbekend"),
])
def test_filtered_aggregate_counts_only_passing_elements(compile_policy, fte, status):
    policy = compile_policy('gegevens\n  f : lijst van getal\neisen g "G"\n'
                            '  eis e "E" vereist (aantal van f dat ten minste 0,3 is) is ten minste 2\n')
    if None in fte:
        from dsl.case import Case
        values = tuple(Decimal(str(v)) if v is not None else None for v in fte)
        case = Case((values,), None, (), {"f": values})
        assert policy.evaluate(case)["e"].status == status
    else:
        assert policy.evaluate({"f": fte})["e"].status == status


def test_json_values_carry_their_dutch_text(wijkverpleging):
    data = wijkverpleging.evaluate({"jaar_plusovereenkomst": "2023", "zorgkostenplafond": 250000}).to_dict()
    assert data["regels"]["looptijd_plusovereenkomst"]["waarde_tekst"] == "2 jaar"
    assert data["regels"]["signaalgrens_plafond"]["waarde_tekst"] == "€ 175.000,00"
