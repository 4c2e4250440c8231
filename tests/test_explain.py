"""Explanations: Dutch sentences per step, why-not for decisions, missing facts for unknowns."""

from __future__ import annotations

import pytest

from dsl.explain import explain, render, rule_step, summary, why_not
from dsl.explain.steps import Explainer


def sentence(policy, case, name):
    outcome = policy.evaluate(case, trace=True)
    return rule_step(Explainer(outcome), name).sentence


def test_failing_requirement_sentence(compile_policy):
    policy = compile_policy('gegevens\n  aandeel_onderaanneming : percentage\n'
                            'eisen minimumeisen "Minimumeisen wijkverpleging" bron "Bijlage 2"\n'
                            '  eis onder "Ten hoogste 33% onderaanneming"\n'
                            '    vereist aandeel_onderaanneming is ten hoogste 33%\n')
    assert sentence(policy, {"aandeel_onderaanneming": "41%"}, "onder") == (
        "Voldoet niet: aandeel onderaanneming is 41%, ten hoogste 33% is toegestaan "
        "(Bijlage 2, Minimumeisen wijkverpleging).")
    assert sentence(policy, {"aandeel_onderaanneming": 33}, "onder") == (
        "Voldoet: aandeel onderaanneming is 33%, dat is ten hoogste 33% (Bijlage 2, Minimumeisen wijkverpleging).")
    assert sentence(policy, {}, "onder") == (
        "Onbekend: ontbrekende gegevens: aandeel_onderaanneming (Bijlage 2, Minimumeisen wijkverpleging).")


def test_an_unknown_rule_names_the_gegevens_this_case_misses_when_its_sentence_is_remembered(compile_policy, monkeypatch):
    """The sentence of an onbekend eis is remembered per set of missing gegevens (and per eis);
    another case missing others gets its own, and a full memory starts afresh."""
    import dsl.explain.text

    policy = compile_policy('gegevens\n  a : getal\n  b : getal\n'
                            'eisen g "G" bron "B"\n'
                            '  eis beide "Beide"\n    vereist a is ten minste 1 en b is ten minste 1\n'
                            '  eis ander "Ander"\n    vereist a is ten minste 2 en b is ten minste 2\n')
    monkeypatch.setattr(dsl.explain.text, "UNKNOWN_REMEMBERED", 2)
    said = {"a": "Onbekend: ontbrekende gegevens: a (B, G).", "b": "Onbekend: ontbrekende gegevens: b (B, G).",
            "ab": "Onbekend: ontbrekende gegevens: a, b (B, G)."}
    for given in ({"b": 5}, {"a": 5}, {}, {"b": 5}, {}, {"a": 5}):
        missing = "".join(sorted({"a", "b"} - set(given)))
        assert sentence(policy, given, "beide") == said[missing]
        assert sentence(policy, given, "ander") == said[missing]
    reading = Explainer(policy.evaluate({}, trace=True)).wording.rule(policy.model.rules["beide"])
    assert 1 <= len(reading.unknown) <= 2


GOLDEN = [  # (case, rule, sentence) on the shipped policy
    ({"fte_niveau_6_loondienst": "0,5"}, "fte_niveau_6",
     "Voldoet niet: fte indicerend wijkverpleegkundige niveau 6 in loondienst is 0,5, ten minste 1 is vereist "
     "(Bijlagen, Minimumeisen voor wijkverpleging)."),
    ({"verzekerden_in_zorg_2023": 1, "alleen_medische_kindzorg": True}, "twee_verzekerden",
     "Voldoet: de uitzondering geldt (tenzij alleen_medische_kindzorg) "
     "(Bijlagen, Minimumeisen voor wijkverpleging)."),
    ({"zet_ander_zorgpersoneel_in": False}, "tien_fte",
     "Niet van toepassing: zet 'ander zorgpersoneel' in (niveau 2, helpenden, stagiaires, leerlingen): nee."),
    ({"soort_aanbieder": "instelling", "omzet_2023": "€ 120.000"}, "overeenkomst",
     "Uitkomst: \"cliëntvolgende overeenkomst\" (regel 2) (De verschillende typen overeenkomst)."),
    ({"soort_aanbieder": "instelling", "omzet_2023": 250000}, "overeenkomst",
     "Geen uitkomst: geen enkele regel is van toepassing en er is geen 'anders'."),
    ({"aanvraag_compleet": "2024-03-01", "bericht_ophoging": "2024-03-23"}, "antwoord_ophoging",
     "Niet gehaald: datum waarop de zorgaanbieder bericht kreeg over de ophoging op 23 maart 2024; "
     "vanaf 1 maart 2024, uiterste moment 22 maart 2024; verplichting van de verzekeraar (Aanvullende zorginkoop)."),
    ({"aanvraag_compleet": "2024-03-01", "peildatum": "2024-03-10"}, "antwoord_ophoging",
     "Nog niet verstreken: vanaf 1 maart 2024, uiterste moment 22 maart 2024; peildatum 10 maart 2024; "
     "verplichting van de verzekeraar (Aanvullende zorginkoop)."),
    ({"peildatum": "2024-01-01"}, "prijsindexatie",
     "Prijsindexatie wijkverpleging 2024 = 6,37% + extra_tariefopslag = 7,77%. Versie geldig vanaf 23 oktober 2023 "
     "(Wijzigingen en aanvullingen inkoopbeleid (23-10-2023)), bron Wijzigingen en aanvullingen inkoopbeleid "
     "(23-10-2023)."),
    ({"peildatum": "2023-10-22"}, "prijsindexatie",
     "Prijsindexatie wijkverpleging 2024 = 6,37% = 6,37%. Versie geldig tot en met 22 oktober 2023, bron "
     "Wijzigingen en aanvullingen inkoopbeleid (23-10-2023)."),
    ({"peildatum": "2023-10-22"}, "extra_tariefopslag",
     "Niet van toepassing: de regel geldt vanaf 23 oktober 2023, en de peildatum is 22 oktober 2023."),
    ({}, "prijsindexatie", "Onbekend: de regel geldt tot en met 22 oktober 2023; vanaf 23 oktober 2023, en de casus "
                           "noemt geen peildatum om te zien welke versie geldt."),
]


def test_golden_sentences(wijkverpleging):
    for case, rule, expected in GOLDEN:
        assert sentence(wijkverpleging, case, rule) == expected, rule


def test_why_not_lists_each_row_that_did_not_apply(wijkverpleging):
    outcome = wijkverpleging.evaluate({"soort_aanbieder": "instelling", "omzet_2023": "€ 3.000.000",
                                       "uitgesloten_van_benchmark": False, "benchmarkscore": "overig"})
    rows = why_not(outcome, "overeenkomst")
    assert [(r.name, r.result) for r in rows] == [
        ("regel 1", "geldt niet"), ("regel 2", "geldt niet"), ("regel 3", "geldt niet"), ("regel 4", "geldt niet")]
    assert rows[1].sentence == ("Geldt niet: verwachte omzet wijkverpleging bij VGZ in 2023 is € 3.000.000,00, "
                                "dat moet kleiner dan € 250.000,00 zijn.")
    assert rows[3].sentence == 'Geldt niet: uitkomst van de benchmark is "overig", niet "beste".'


def test_why_not_for_a_group_lists_failing_requirements(wijkverpleging):
    outcome = wijkverpleging.evaluate({"aandeel_onderaanneming": 40, "fte_niveau_6_loondienst": 2})
    names = [s.name for s in why_not(outcome, "minimumeisen")]
    assert "onderaanneming" in names and "fte_niveau_6" not in names


def test_short_circuited_steps_say_not_evaluated(wijkverpleging):
    outcome = wijkverpleging.evaluate({"verzekerd_bedrag": "€ 1", "ingang_verzekering": "2020-01-01"}, trace=True)
    step = rule_step(Explainer(outcome), "aansprakelijkheid")
    assert step.children[0].result == "nee"
    assert step.sentence.startswith("Voldoet niet: verzekerd bedrag bedrijfs- en beroepsaansprakelijkheid per "
                                    "gebeurtenis is € 1,00, ten minste € 2.500.000,00 is vereist")


def test_month_clamping_is_never_silent(compile_policy):
    policy = compile_policy('gegevens\n  start : datum\n  einde : datum\n'
                            'eisen g "G"\n  eis e "E" vereist einde is uiterlijk 1 maand na start\n')
    text = sentence(policy, {"start": "2023-01-31", "einde": "2023-03-01"}, "e")
    assert "31 februari 2023 bestaat niet; de laatste dag van de maand is genomen: 28 februari 2023" in text


def test_views_derive_from_one_trace(wijkverpleging):
    outcome = wijkverpleging.evaluate({"omzet_2023": 1, "peildatum": "2024-01-01"}, trace=True)
    steps = explain(outcome)
    assert [s.name for s in steps][:4] == ["minimumeisen", "geen_handhaving_igj", "ander_zorgpersoneel", "ptz"]
    text = render(steps, max_depth=0)
    assert "✔ prijsindexatie: Prijsindexatie wijkverpleging 2024  [7,77%]" not in text  # a calculation has a bullet
    assert "• prijsindexatie: Prijsindexatie wijkverpleging 2024  [7,77%]" in text
    assert len(summary(outcome)) == len(wijkverpleging.model.rules)


def test_strict_deadline_is_named_as_before(compile_policy):
    policy = compile_policy('gegevens\n  e : datum\ntermijn t "T" e voor 1 januari 2023\n')
    assert sentence(policy, {"e": "2023-01-01"}, "t") == "Niet gehaald: e op 1 januari 2023; vóór 1 januari 2023."


def test_rows_after_an_unknown_row_are_not_blamed_on_an_earlier_outcome(compile_policy):
    policy = compile_policy('gegevens\n  a : ja/nee\n  b : ja/nee\n'
                            'beslissing d "D"\n  als a dan "x"\n  als b dan "y"\n')
    outcome = policy.evaluate({"b": True}, trace=True)
    rows = rule_step(Explainer(outcome), "d").children
    assert rows[1].sentence == "Niet bekeken: een eerdere regel was onbekend, dus de uitkomst ook."


def test_what_if_finds_the_exact_boundary(wijkverpleging):
    from dsl.explain.whatif import suggestions_for

    outcome = wijkverpleging.evaluate({"soort_aanbieder": "instelling", "omzet_2023": "€ 250.000",
                                       "aandeel_onderaanneming": "33,5%"})
    sentences = [s.sentence for s in suggestions_for(outcome)]
    assert ("Als aandeel van de zorg geleverd door onderaannemers (DigiMV) 33% is (nu 33,5%), dan: "
            "'Maximaal 33% van de zorg door onderaannemers' wordt voldaan.") in sentences
    assert any("€ 249.999,99" in s and "cliëntvolgende overeenkomst" in s for s in sentences)


def test_month_end_notes_in_deadlines_and_calculations(compile_policy):
    policy = compile_policy('gegevens\n  opname : datum\n  ontslag : datum\n  start : datum\n'
                            'termijn zes_maanden "Zes maanden" ontslag uiterlijk zes maanden na opname\n'
                            'berekening plus "Een maand later" = start + 1 maand\n'
                            'berekening min "Een maand eerder" = start - 1 maand\n')
    outcome = policy.evaluate({"opname": "2023-08-31", "ontslag": "2024-03-01", "start": "2023-03-31"}, trace=True)
    ex = Explainer(outcome)
    assert rule_step(ex, "zes_maanden").sentence == (
        "Niet gehaald: ontslag op 1 maart 2024; uiterste moment 29 februari 2024 (31 februari 2024 bestaat niet; "
        "de laatste dag van de maand is genomen: 29 februari 2024).")
    assert rule_step(ex, "plus").sentence == "Een maand later = start + 1 maand = 30 april 2023 (31 april 2023 " \
        "bestaat niet; de laatste dag van de maand is genomen: 30 april 2023)."
    assert rule_step(ex, "min").sentence.endswith("(31 februari 2023 bestaat niet; de laatste dag van de maand "
                                                   "is genomen: 28 februari 2023).")


def test_calculation_is_shown_by_title_with_the_reason_of_its_condition(compile_policy):
    policy = compile_policy('gegevens\n  start : datum\nberekening laat "Laat begonnen" = start is na 1 juni 2024\n'
                            'berekening zonder = start is na 1 juni 2024\n')
    ex = Explainer(policy.evaluate({"start": "2024-05-01"}, trace=True))
    step = rule_step(ex, "laat")
    assert (step.text, step.result) == ("Laat begonnen", "nee")
    assert step.sentence == ("Laat begonnen = start is na 1 juni 2024 = nee. "
                             "Voldoet niet: start is 1 mei 2024, dat moet na 1 juni 2024 zijn.")
    assert rule_step(ex, "zonder").text == "start is na 1 juni 2024"
    ex = Explainer(policy.evaluate({"start": "2024-07-01"}, trace=True))
    assert rule_step(ex, "laat").sentence == ("Laat begonnen = start is na 1 juni 2024 = ja. "
                                              "Voldoet: start is 1 juli 2024, dat is na 1 juni 2024.")


def test_month_end_note_on_a_deadline_counted_from_a_moment(compile_policy):
    """`binnen 1 maand na` and `ten minste 1 maand voor` compute their end moment; when that
    lands on a missing day the sentence says so, as for `uiterlijk 1 maand na`."""
    policy = compile_policy('gegevens\n  start : datum\n'
                            'termijn t_binnen "Binnen" start binnen 1 maand na 31 januari 2023\n'
                            'termijn t_voor "Ten minste" start ten minste 1 maand voor 31 maart 2023\n')
    ex = Explainer(policy.evaluate({"start": "2023-03-01"}, trace=True))
    note = "(31 februari 2023 bestaat niet; de laatste dag van de maand is genomen: 28 februari 2023)"
    assert rule_step(ex, "t_binnen").sentence == (
        f"Niet gehaald: start op 1 maart 2023; vanaf 31 januari 2023, uiterste moment 28 februari 2023 {note}.")
    assert rule_step(ex, "t_voor").sentence == (
        f"Niet gehaald: start op 1 maart 2023; uiterste moment 28 februari 2023 {note}.")


VORMEN = ('gegevens\n  a : ja/nee "a gegeven"\n  b : bedrag\n'
          'eisen basis "Basis"\n  eis heeft_a "Heeft a"\n    vereist a\n'
          'eisen verder "Verder"\n'
          '  eis via_naam "Via naam"\n    vereist heeft_a\n'
          '  eis via_voldoet "Via voldoet aan"\n    vereist voldoet aan heeft_a\n'
          '  eis via_niet "Via voldoet niet aan"\n    vereist voldoet niet aan heeft_a\n'
          '  eis hoog "Bedrag hoog"\n    vereist b is ten minste € 100 of niet a\n')


@pytest.mark.parametrize("case, rule, expected", [
    ({"a": True}, "via_naam", "Voldoet: Heeft a: ja (Verder)."),
    ({"a": True}, "via_voldoet", "Voldoet: voldoet aan heeft_a (Verder)."),
    ({"a": True}, "via_niet", "Voldoet niet: 'Heeft a' is voldaan (Verder)."),
    ({"a": False}, "via_naam", "Voldoet niet: 'Heeft a' is niet voldaan (Verder)."),
    ({"a": False}, "via_niet", "Voldoet: voldoet niet aan heeft_a (Verder)."),
    ({"a": True, "b": 50}, "hoog",
     "Voldoet niet: b is € 50,00, ten minste € 100,00 is vereist; het tegendeel geldt: a (Verder)."),
    ({}, "via_niet", "Onbekend: ontbrekende gegevens: a (Verder)."),   # found through the rule it uses
    ({}, "hoog", "Onbekend: ontbrekende gegevens: a, b (Verder)."),
])
def test_a_rule_used_by_name_and_by_voldoet_aan(compile_policy, case, rule, expected):
    """A rule used by its name reads as "<title>: ja"; `voldoet (niet) aan` as written."""
    assert sentence(compile_policy(VORMEN), case, rule) == expected


def test_the_parts_of_a_step_are_made_when_looked_at(wijkverpleging):
    """Every step of the whole tree can be opened and rendered, for every voorbeeld."""
    from dsl.examples import run_examples

    for result in run_examples(wijkverpleging):
        steps = explain(wijkverpleging.evaluate(result.outcome.case, trace=True))
        text = render(steps, max_depth=99)
        opened = [s for step in steps for s in _walk(step)]
        assert all(s.sentence in text for s in opened if s.kind != "voorwaarde"), result.title
        assert all(f"{s.text}  [{s.result}]" in text for s in opened), result.title


def _walk(step):
    yield step
    for child in step.children:
        yield from _walk(child)


def test_an_explained_policy_is_freed_when_no_longer_used(compile_policy):
    """What explanations remember about a policy (its wording, formatted values) goes with it:
    the notebook compiles a new policy for every edit. (`compile_text` keeps the model of its last
    few texts, `dsl.policy.RECENT_TEXTS`: it goes when as many other texts were compiled.)"""
    import gc
    import weakref

    from dsl.policy import RECENT_TEXTS

    policy = compile_policy(VORMEN)
    render(explain(policy.evaluate({"a": True, "b": 50}, trace=True)), max_depth=9)
    gone = weakref.ref(policy.model)
    del policy
    for i in range(RECENT_TEXTS):   # edits: other texts
        compile_policy(VORMEN + f"\n# bewerking {i}\n")
    gc.collect()
    assert gone() is None


def test_an_eis_unknown_through_its_groups_gate_names_the_missing_fact():
    from dsl.explain import explain, render
    from dsl.policy import compile_text

    policy = compile_text('beleid "G"\ngegevens\n  nieuw : ja/nee "nieuwe zorgaanbieder"\n  a : getal\n'
                          'eisen groep "Nieuwe aanbieders" van toepassing als nieuw\n'
                          '  eis e "E" vereist a is ten minste 1\n', "g.beleid")
    text = render(explain(policy.evaluate({"a": 2}, trace=True)))
    assert "Onbekend: ontbrekende gegevens: nieuw" in text


def test_a_month_shift_outside_the_calendar_is_explained_as_unknown(compile_policy):
    """A shift counted in months whose end falls after year 9999 is onbekend; its explanation
    says so and does not compute the shift again (which the calendar cannot give)."""
    policy = compile_policy('gegevens\n  d : datum\n  e : datum\n  m : duur in maanden\n'
                            'termijn q "T" e binnen m na d\n'
                            'eisen g "G"\n  eis r "R" vereist e is uiterlijk m na d\n')
    outcome = policy.evaluate({"d": "2024-01-01", "e": "2024-02-01", "m": 100_000_000}, trace=True)
    ex = Explainer(outcome)
    assert (rule_step(ex, "q").result, rule_step(ex, "r").result) == ("onbekend", "onbekend")
    assert rule_step(ex, "r").children[0].sentence == "Onbekend: m na d valt buiten de kalender (jaar 1 tot en met 9999)."
    assert "onbekend" in render(explain(outcome))


def test_what_if_with_a_percentage_between_0_and_1(compile_policy):
    """The changed case goes back through the case loader, which refuses a bare 0.5 for a
    percentage as ambiguous: the current value (0,75%) and the candidate (0,5%) are handed back
    as a case writes them."""
    from dsl.explain.whatif import suggestions_for

    policy = compile_policy('gegevens\n  p : percentage "p"\n  b : bedrag "b"\n'
                            'eisen g "G"\n  eis laag "Laag" vereist p is ten hoogste 0,5%\n'
                            '  eis hoog "Hoog" vereist b is ten minste € 100\n')
    found = suggestions_for(policy.evaluate({"p": "0,75%", "b": 50}))
    assert [s.sentence for s in found] == ["Als p 0,5% is (nu 0,75%), dan: 'Laag' wordt voldaan.",
                                           "Als b € 100,00 is (nu € 50,00), dan: 'Hoog' wordt voldaan."]
    assert policy.evaluate({"p": found[0].raw, "b": 50})["laag"].status == "voldaan"


def chain_of_rules(count: int) -> str:
    """A policy of `count` eisen, each using the next, and a chain of `count` berekeningen."""
    lines = ['beleid "keten"', "gegevens", "  x : bedrag", "  b : ja/nee"]
    lines += [f"berekening c{i} = c{i + 1} + € 1" for i in range(count - 1)] + [f"berekening c{count - 1} = x"]
    lines += ['eisen g "G"'] + [f'  eis r{i} "R{i}" vereist voldoet aan r{i + 1} of c0 is ten minste € {i}'
                                for i in range(count - 1)] + [f'  eis r{count - 1} "R" vereist b']
    return "\n".join(lines) + "\n"


def test_a_long_chain_of_rules_is_explained_without_deep_recursion():
    """Which missing gegevens made a rule unknown is followed through the rules it uses; a
    chain of 600 rules each using the next is followed in model order, not by recursion."""
    from dsl.policy import compile_text

    policy = compile_text(chain_of_rules(600), "keten.beleid")
    outcome = policy.evaluate({}, trace=True)
    ex = Explainer(outcome)
    assert rule_step(ex, "r0").sentence == "Onbekend: ontbrekende gegevens: b, x (G)."
    assert "ontbrekende gegevens: b, x" in render(explain(outcome))


def test_an_unknown_calculation_says_which_division_made_it_so(compile_policy):
    policy = compile_policy('gegevens\n  a : bedrag "omzet"\n  b : aantal "aantal cliënten"\n'
                            'berekening per_client "Omzet per cliënt" = a / b\n'
                            'eisen g "G"\n  eis e "Hoog genoeg" vereist per_client is ten minste € 10\n')
    text = render(explain(policy.evaluate({"a": "€ 100", "b": 0}, trace=True)), max_depth=3)
    assert "? per_client: Omzet per cliënt  [onbekend]\n    Onbekend: deling door nul: b is 0." in text
    assert "Onbekend: 'Omzet per cliënt' is onbekend (deling door nul: b is 0)" in text


def test_the_parts_of_a_compound_condition_show_the_values_they_compared(compile_policy):
    policy = compile_policy('gegevens\n  bedrag_v : bedrag "verzekerd bedrag"\n  ingang : datum "ingangsdatum"\n'
                            'eisen g "G"\n  eis e "E" vereist bedrag_v is ten minste € 2.500.000 en '
                            'ingang is uiterlijk 1 januari 2024\n')
    text = render(explain(policy.evaluate({"bedrag_v": "€ 3.000.000", "ingang": "2024-02-01"}, trace=True)),
                  max_depth=5)
    assert "✔ bedrag_v is ten minste € 2.500.000  [ja]  (verzekerd bedrag: € 3.000.000,00)" in text
    assert "✘ ingang is uiterlijk 1 januari 2024  [nee]  (ingangsdatum: 1 februari 2024)" in text
