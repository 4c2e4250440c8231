"""Judgements, who is bound, soft obligations and the insurer's powers (issue 13, items 1 and 2).

Each construct is tested on what a user sees: the outcome of the shipped wijkverpleging policy on a
real case, the lines `beleid evalueer` and `beleid controleer` print, the JSON, the exit code under
`--streng`, and the Dutch errors of the checker.
"""

from __future__ import annotations

import json

import pytest

from dsl.core.model import Party, RuleKind, Status, Strength, is_advice, is_power, is_verdict
from dsl.errors import BeleidError
from dsl.policy import compile_text
from tests.conftest import WIJKVERPLEGING, beleid, shipped

SMALL = '''beleid "Verplichtingen"
  verzekeraar "Coöperatie VGZ"

gegevens
  onvoldoende_aanbod : ja/nee "er is onvoldoende aanbod in de regio"
                       oordeel van "VGZ" toelichting "naar ons oordeel"
  fte                : getal "fte niveau 6 in loondienst"
  vijf_minuten       : ja/nee "inzicht in de 5-minuten registratie"
  tekort             : ja/nee "te weinig gecontracteerde aanbieders" oordeel van "VGZ"
  aanvraag           : datum
  bericht            : datum

eisen nieuw "Nieuwe zorgaanbieders"   voor de aanbieder
  eis aanbod "Onvoldoende aanbod" vereist onvoldoende_aanbod
  eis fte_eis "Minimaal 1 fte" vereist fte is ten minste 1
  eis registratie "Wij verwachten inzicht" verwacht vijf_minuten

termijn antwoord "Bericht binnen 3 weken"   voor de verzekeraar
  bericht binnen 3 weken na aanvraag

bevoegdheid bijcontracteren "VGZ mag bijcontracteren"
  behoudt zich het recht voor als tekort
'''


@pytest.fixture(scope="module")
def wijk():
    return shipped(WIJKVERPLEGING)


@pytest.fixture
def small(tmp_path):
    path = tmp_path / "verplichtingen.beleid"
    path.write_text(SMALL, encoding="utf-8")
    return path


def _case(tmp_path, **values) -> str:
    path = tmp_path / "casus.json"
    path.write_text(json.dumps(values, ensure_ascii=False), encoding="utf-8")
    return str(path)


def _errors(text: str) -> str:
    with pytest.raises(BeleidError) as caught:
        compile_text(text, "fout.beleid")
    return caught.value.render()


# ---------------------------------------------------------------- judgements
def test_a_judgement_names_who_judges_and_why_and_is_read_as_an_input(wijk):
    field = wijk.model.fields["onvoldoende_aanbod_regio"]
    assert field.is_judgement and field.judged_by == "VGZ"
    assert "naar ons oordeel" in (field.judgement_note or "")
    assert not wijk.model.fields["fte_niveau_6_loondienst"].is_judgement
    outcome = wijk.evaluate({"nieuwe_zorgaanbieder": True, "onvoldoende_aanbod_regio": False})
    assert outcome.status("onvoldoende_aanbod") is Status.NIET_VOLDAAN


def test_controleer_counts_judgements_apart_from_facts_and_powers_apart_from_calculations(small):
    run = beleid("controleer", small)
    assert run.returncode == 0, run.stderr
    assert ("6 gegevens, waarvan 2 oordelen, 3 eisen (waarvan 1 verwachting), 1 groep, 1 bevoegdheid, "
            "1 termijn, 0 voorbeelden") in run.stdout


def test_the_shipped_policy_counts_its_oordelen_verwachtingen_and_bevoegdheden():
    run = beleid("controleer", WIJKVERPLEGING)
    assert "waarvan 18 oordelen" in run.stdout
    assert "(waarvan 6 verwachtingen)" in run.stdout and "8 bevoegdheden" in run.stdout


# ---------------------------------------------------------------- soft obligations
def test_an_expectation_not_followed_is_niet_voldaan_but_does_not_fail_its_group(wijk):
    case = {"aanvaardt_algemene_voorwaarden": True, "vijf_minuten_registratie": False,
            "rekening_met_clientprofielen": True, "hulpmiddelen_voorliggend_aan_zorg": True,
            "gebruikt_onplanbare_nachtzorg": True, "zoveel_mogelijk_loondienst": True}
    outcome = wijk.evaluate(case)
    assert outcome.status("vijf_minuten") is Status.NIET_VOLDAAN
    assert outcome.status("transparantie") is Status.VOLDAAN
    failed_hard = wijk.evaluate(case | {"aanvaardt_algemene_voorwaarden": False, "vijf_minuten_registratie": True})
    assert failed_hard.status("transparantie") is Status.NIET_VOLDAAN
    assert failed_hard.reason("transparantie") == "algemene_voorwaarden"


def test_the_group_holds_only_its_hard_eisen_and_keeps_the_soft_ones_as_advice(wijk):
    group = wijk.model.rules["transparantie"]
    assert group.members == ("algemene_voorwaarden",)
    assert set(group.advice) == {"vijf_minuten", "clientprofielen", "hulpmiddelen_voorliggend", "loondienst",
                                 "onplanbare_nachtzorg"}
    assert wijk.model.rules["hulpmiddelen_voorliggend"].strength is Strength.SOFT   # `streeft naar`
    assert is_advice(wijk.model.rules["vijf_minuten"]) and not is_verdict(wijk.model.rules["vijf_minuten"])
    assert wijk.model.rules["algemene_voorwaarden"].strength is Strength.HARD


def test_an_unknown_expectation_leaves_the_group_to_its_hard_eisen(wijk):
    outcome = wijk.evaluate({"aanvaardt_algemene_voorwaarden": True})
    assert outcome.status("vijf_minuten") is Status.ONBEKEND
    assert outcome.status("transparantie") is Status.VOLDAAN


def test_streng_does_not_count_advice_but_does_count_a_hard_eis(small, tmp_path):
    advice_only = _case(tmp_path, onvoldoende_aanbod=True, fte=1, vijf_minuten=False, tekort=False,
                        aanvraag="1 maart 2024", bericht="5 maart 2024")
    run = beleid("evalueer", small, "--casus", advice_only, "--streng")
    assert run.returncode == 0, run.stderr
    assert "Advies (verwacht, geen verplichting), niet gevolgd: Wij verwachten inzicht (registratie)." in run.stdout
    hard = _case(tmp_path, onvoldoende_aanbod=True, fte="0,5", vijf_minuten=False, tekort=False,
                 aanvraag="1 maart 2024", bericht="5 maart 2024")
    run = beleid("evalueer", small, "--casus", hard, "--streng")
    assert run.returncode == 4
    assert "fte_eis (niet voldaan)" in run.stderr and "nieuw (niet voldaan)" in run.stderr
    assert "registratie" not in run.stderr


def test_a_group_of_only_expectations_is_refused_with_its_place():
    text = ('beleid "x"\ngegevens\n  a : ja/nee\neisen g "G"\n  eis e "E" verwacht a\n')
    message = _errors(text)
    assert "fout.beleid:4:1: fout: groep 'g' heeft alleen verwachtingen" in message
    assert "maak er met 'vereist' een harde eis van" in message


def test_the_consistency_check_reads_only_the_hard_eisen_of_a_group(tmp_path):
    path = tmp_path / "zacht.beleid"
    path.write_text('beleid "x"\ngegevens\n  fte : getal\n'
                    'eisen g "G"\n  eis veel "Veel" vereist fte is ten minste 5\n'
                    '  eis weinig "Weinig" verwacht fte is ten hoogste 3\n', encoding="utf-8")
    run = beleid("controleer", path, "--consistentie")
    assert "spreken elkaar tegen" not in run.stdout
    hard = tmp_path / "hard.beleid"
    hard.write_text(path.read_text(encoding="utf-8").replace("verwacht fte", "vereist fte"), encoding="utf-8")
    run = beleid("controleer", hard, "--consistentie")
    assert "De eisen 'veel' en 'weinig' van groep 'g' spreken elkaar tegen" in run.stdout


# ---------------------------------------------------------------- who is bound
def test_who_is_bound_comes_from_the_rule_else_its_group(wijk):
    rules = wijk.model.rules
    assert rules["antwoord_ophoging"].bound is Party.VERZEKERAAR
    assert rules["t_inschrijving"].bound is Party.AANBIEDER
    assert rules["fte_niveau_6"].bound is Party.AANBIEDER                 # from its group
    assert rules["verhoging_met_toestemming"].bound is Party.VERZEKERAAR  # its own, in a group of the aanbieder
    assert rules["aanvullende_zorginkoop"].bound is Party.AANBIEDER
    assert rules["overeenkomst"].bound is None


def test_evalueer_names_whose_obligation_is_not_in_order(small, tmp_path):
    late = _case(tmp_path, onvoldoende_aanbod=True, fte=1, vijf_minuten=True, tekort=False,
                 aanvraag="1 maart 2024", bericht="23 maart 2024")
    run = beleid("evalueer", small, "--casus", late)
    assert "Niet in orde, verplichting van de verzekeraar: Bericht binnen 3 weken (niet gehaald)." in run.stdout
    assert "Niet in orde, verplichting van de zorgaanbieder" not in run.stdout
    assert "Niet gehaald: bericht op 23 maart 2024; vanaf 1 maart 2024, uiterste moment 22 maart 2024; " \
           "verplichting van de verzekeraar." in run.stdout


def test_bound_on_a_calculation_is_an_error_with_its_place():
    message = _errors('beleid "x"\ngegevens\n  a : getal\nberekening b "B" voor de aanbieder = a + 1\n')
    assert "fout.beleid:4:18: fout: een berekening 'b' bindt niemand" in message


# ---------------------------------------------------------------- powers
def test_a_power_is_ja_or_nee_never_a_verdict(wijk):
    rule = wijk.model.rules["extra_aanbieders"]
    assert is_power(rule) and rule.kind is RuleKind.CALCULATION and rule.bound is Party.VERZEKERAAR
    assert rule.power == "behoudt zich het recht voor" and not is_verdict(rule)
    may = wijk.evaluate({"onvoldoende_gecontracteerd": True})
    assert (may.status("extra_aanbieders"), may.value("extra_aanbieders")) == (Status.BEPAALD, True)
    assert wijk.evaluate({"onvoldoende_gecontracteerd": False}).value("extra_aanbieders") is False
    assert wijk.evaluate({}).status("extra_aanbieders") is Status.ONBEKEND


def test_a_power_of_the_provider_applies_only_where_it_says(wijk):
    assert wijk.model.rules["inzet_niveau_2"].bound is Party.AANBIEDER
    assert wijk.evaluate({"zet_ander_zorgpersoneel_in": False}).status("inzet_niveau_2") is Status.NVT
    over = wijk.evaluate({"zet_ander_zorgpersoneel_in": True, "aandeel_ander_personeel": "21%"})
    assert over.value("inzet_niveau_2") is False


def test_evalueer_says_what_the_insurer_may_do_and_which_inputs_are_judgements(small, tmp_path):
    case = _case(tmp_path, onvoldoende_aanbod=True, fte=1, vijf_minuten=True, tekort=True,
                 aanvraag="1 maart 2024", bericht="5 maart 2024")
    run = beleid("evalueer", small, "--casus", case, "--streng")
    assert run.returncode == 0, run.stderr
    assert ("Bevoegdheid van de verzekeraar (behoudt zich het recht voor): VGZ mag bijcontracteren — "
            "in dit geval: mag.") in run.stdout
    assert ("Oordelen, geen feiten: onvoldoende_aanbod = ja (beoordeeld door VGZ); "
            "tekort = ja (beoordeeld door VGZ).") in run.stdout


def test_a_power_needs_a_yes_or_no_condition():
    message = _errors('beleid "x"\ngegevens\n  a : getal\nbevoegdheid b "B" mag als a + 1\n')
    assert "fout.beleid:4:27: fout: de voorwaarde na 'mag als' moet ja of nee opleveren" in message


def test_a_power_is_a_name_of_its_own_kind_in_messages():
    message = _errors('beleid "x"\ngegevens\n  a : ja/nee\nbevoegdheid a "B" mag als a\n')
    assert "'a' is al eerder gedeclareerd" in message


# ---------------------------------------------------------------- JSON
def test_json_says_strength_party_power_and_judgements(small, tmp_path):
    case = _case(tmp_path, onvoldoende_aanbod=True, fte=1, vijf_minuten=False, tekort=False)
    run = beleid("evalueer", small, "--casus", case, "--json")
    data = json.loads(run.stdout)
    rules = data["regels"]
    assert rules["registratie"]["sterkte"] == "verwacht" and rules["fte_eis"]["sterkte"] == "vereist"
    assert rules["registratie"]["verplichting_van"] == "aanbieder"
    assert rules["antwoord"]["verplichting_van"] == "verzekeraar"
    power = rules["bijcontracteren"]
    assert (power["soort"], power["bevoegdheid"], power["mag"], power["verplichting_van"]) == (
        "berekening", "behoudt zich het recht voor", False, "verzekeraar")
    assert data["oordelen"] == {"onvoldoende_aanbod": {"door": "VGZ", "toelichting": "naar ons oordeel"},
                                "tekort": {"door": "VGZ"}}
