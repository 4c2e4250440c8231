"""Decision tables as rich as DMN's (issue 14): several named outcomes per row and every hit
policy, through the checker, the per-case code (traced and untraced), the explanation, Polars,
the solver encoding and the DMN import/export."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import z3

from dsl.batch import evaluate_table, plan_for
from dsl.batch.polars_rules import PolarsPlan
from dsl.core.model import HitPolicy, Overlap, Status
from dsl.errors import BeleidError
from dsl.explain import explain, render
from dsl.policy import compile_text, load_policy

TABLES = Path(__file__).parent / "data" / "tabellen" / "inkoop_tabellen.beleid"

HEAD = '''beleid "T"
gegevens
  omzet : bedrag
  nieuw : ja/nee
  regio : keuze uit "noord", "midden", "zuid"
  n : aantal
'''


@pytest.fixture(scope="module")
def tables():
    return load_policy(TABLES)


def _both(policy, case):
    """The outcome untraced and traced: the two variants generated from one source must agree."""
    plain, traced = policy.evaluate(case), policy.evaluate(case, trace=True)
    for name in policy.model.rules:
        assert (plain.status(name), plain.value(name)) == (traced.status(name), traced.value(name)), name
    return plain


BIG_NORTH = {"omzet": "€ 2.000.000", "nieuw": False, "regio": "noord", "nachtzorg": True, "jaren_actief": 12,
             "wachtweken": "6 weken"}
SMALL_NEW = {"omzet": "€ 50.000", "nieuw": True, "regio": "zuid", "nachtzorg": False, "jaren_actief": 1,
             "wachtweken": "2 weken"}


# ---------------------------------------------------------------- several outcomes
def test_a_table_with_two_outcomes_gives_both_from_one_row(tables):
    outcome = _both(tables, BIG_NORTH)
    assert (outcome.value("soort"), outcome.value("looptijd")) == ("raamcontract", 48)   # 4 jaar in maanden
    assert outcome["soort"].row == outcome["looptijd"].row == 1
    assert outcome.status("geen_borg_bij_proef") is Status.VOLDAAN   # another rule uses `soort` and `borg` by name


def test_each_outcome_has_its_own_type_and_knows_its_table(tables):
    soort, looptijd = tables.model.rules["soort"], tables.model.rules["looptijd"]
    assert soort.type.kind == "keuze" and looptijd.type.kind == "duur"
    assert soort.table == looptijd.table == "contract" and soort.outputs == ("soort", "looptijd")
    assert "contract" not in tables.model.rules


def test_all_outcomes_of_a_table_are_unknown_together(tables):
    outcome = _both(tables, {**BIG_NORTH, "omzet": None})
    assert outcome.status("soort") is outcome.status("looptijd") is Status.ONBEKEND


def test_the_explanation_of_an_outcome_names_what_the_row_gave_for_the_others(tables):
    text = render(explain(tables.evaluate(BIG_NORTH, trace=True)))
    assert "Uitkomst: \"raamcontract\" (regel 2; beslissing 'contract' geeft ook looptijd = 4 jaar)" in text
    assert 'als omzet is ten minste € 1.000.000 dan soort = "raamcontract", looptijd = 4 jaar' in text


# ---------------------------------------------------------------- one test per hit policy
@pytest.mark.parametrize(("case", "expected"), [
    (BIG_NORTH, {"toeslag": Decimal("7.50"), "uurtarief": Decimal("67.50")}),      # som: 2,50 + 5
    (SMALL_NEW, {"toeslag": Decimal("1.25")}),
    ({**SMALL_NEW, "regio": "midden", "jaren_actief": 5}, {"toeslag": Decimal("0")}),   # som, no row: anders € 0
])
def test_som_adds_up_the_outcomes_of_every_row_that_applies(tables, case, expected):
    outcome = _both(tables, case)
    for name, value in expected.items():
        assert outcome.value(name) == value, name


def test_som_of_durations_and_without_anders(tables):
    assert _both(tables, BIG_NORTH).value("extra_weken") == 21           # 1 + 2 weken, in dagen
    assert _both(tables, SMALL_NEW).status("extra_weken") is Status.GEEN_UITKOMST


def test_aantal_counts_the_rows_that_apply(tables):
    assert _both(tables, BIG_NORTH).value("aantal_toeslagen") == 2
    assert _both(tables, {**SMALL_NEW, "jaren_actief": 5}).value("aantal_toeslagen") == 0   # anders 0


@pytest.mark.parametrize(("name", "value"), [("laagste_korting", Decimal("2.5")), ("hoogste_korting", Decimal("4"))])
def test_minimum_and_maximum_pick_among_the_rows_that_apply(tables, name, value):
    outcome = _both(tables, {**BIG_NORTH, "regio": "zuid"})   # 3%, 2,5% and 4% all apply
    assert outcome.value(name) == value


def test_om_het_even_accepts_rows_that_agree_and_reports_rows_that_do_not(tables):
    agree = _both(tables, BIG_NORTH)        # omzet ≥ 1M and 12 jaar: both "groot"
    assert (agree.status("klasse"), agree.value("klasse")) == (Status.BEPAALD, "groot")
    clash = _both(tables, {**BIG_NORTH, "omzet": "€ 50.000"})   # "groot" (12 jaar) and "klein"
    assert clash.status("klasse") is Status.MEERDERE and clash.value("klasse") is None


def test_voorrang_takes_the_row_whose_outcome_comes_first_in_the_order(tables):
    outcome = _both(tables, {**BIG_NORTH, "nieuw": True})   # "beperkt" (rij 2) and "volledig" (rij 3)
    assert (outcome.value("toets"), outcome["toets"].row) == ("volledig", 2)


def test_voorrang_of_a_named_outcome_chooses_the_row_for_every_outcome(tables):
    outcome = _both(tables, {**BIG_NORTH, "jaren_actief": 1})   # streng (rij 1) before normaal and licht
    assert (outcome.value("niveau"), outcome.value("borg")) == ("streng", Decimal("10000"))


def test_voorrang_is_first_hit_in_its_own_order_so_a_later_unknown_row_does_not_matter(tables):
    outcome = _both(tables, {**BIG_NORTH, "nieuw": None, "jaren_actief": 1})   # volledig already holds
    assert outcome.value("toets") == "volledig"
    unknown_first = _both(tables, {**BIG_NORTH, "jaren_actief": None})   # the most important row is unknown
    assert unknown_first.status("toets") is Status.ONBEKEND


def test_collecting_hit_policies_are_unknown_when_a_row_is():
    policy = compile_text(HEAD + '''beslissing t "T" (som)
  als regio is "noord" dan € 1
  als nieuw is ja dan € 2
''', "t.beleid")
    assert _both(policy, {"regio": "noord"}).status("t") is Status.ONBEKEND
    assert _both(policy, {"regio": "noord", "nieuw": True}).value("t") == Decimal("3")


@pytest.mark.parametrize(("words", "expected"), [
    ("alle", ("b", "a")),
    ("alle, in regelvolgorde", ("b", "a")),
    ('alle, op volgorde van voorrang "a", "b"', ("a", "b")),
])
def test_list_hit_policies_give_the_outcomes_in_their_order(words, expected):
    policy = compile_text(HEAD + f'''beslissing t "T" ({words})
  als regio is "noord" dan "b"
  als nieuw is ja dan "a"
  als n is groter dan 5 dan "a"
berekening hoeveel = aantal van t
''', "t.beleid")
    outcome = _both(policy, {"regio": "noord", "nieuw": True, "n": 1})
    assert outcome.value("t") == expected and outcome.value("hoeveel") == 2
    assert policy.model.rules["t"].type.kind == "lijst"


def test_a_list_outcome_in_a_voorbeeld_and_anders_as_a_list_of_one():
    policy = compile_text(HEAD + '''beslissing t "T" (alle)
  als regio is "noord" dan € 2,50
  als nieuw is ja dan € 5
  anders € 0
voorbeeld "beide"
  gegeven regio = "noord", nieuw = ja
  verwacht t = [€ 2,50; € 5]
voorbeeld "geen"
  gegeven regio = "zuid", nieuw = nee
  verwacht t = [€ 0]
''', "t.beleid")
    from dsl.examples import run_examples

    assert [r.passed for r in run_examples(policy)] == [True, True]


def test_every_hit_policy_says_how_overlap_and_gaps_are_findings():
    assert HitPolicy.UNIQUE.overlap is Overlap.FINDING
    assert HitPolicy.ANY.overlap is Overlap.WHEN_DIFFERENT
    assert {p for p in HitPolicy if p.overlap is Overlap.ALLOWED} == set(HitPolicy) - {HitPolicy.UNIQUE, HitPolicy.ANY}
    assert all(p.gap_is_finding for p in HitPolicy)
    assert [p.dmn for p in (HitPolicy.SUM, HitPolicy.OUTPUT_ORDER)] == [("COLLECT", "SUM"), ("OUTPUT ORDER", None)]


# ---------------------------------------------------------------- explanations
def test_the_explanation_says_what_was_added_up_and_why_a_row_won(tables):
    text = render(explain(tables.evaluate({**BIG_NORTH, "nieuw": True}, trace=True)))
    assert "Uitkomst: € 7,50 (de som van regels 1, 2: € 2,50 + € 5,00)" in text
    assert "Uitkomst: 2 (regels 1, 2 gelden)" in text
    clash = render(explain(tables.evaluate({**BIG_NORTH, "omzet": "€ 50.000"}, trace=True)))
    assert ("Geen uitkomst: regels 2, 3 gelden tegelijk en geven niet hetzelfde, terwijl de beslissing "
            "'om het even' is.") in clash


def test_the_explanation_of_voorrang_names_the_first_row_that_held_in_its_order():
    policy = compile_text(HEAD + '''beslissing t "T" (voorrang "hoog", "laag")
  als regio is "noord" dan "laag"
  als nieuw is ja dan "hoog"
''', "t.beleid")
    text = render(explain(policy.evaluate({"regio": "noord", "nieuw": True}, trace=True)))
    assert "Uitkomst: \"hoog\" (regel 2: de eerste regel die geldt in de volgorde van voorrang \"hoog\", \"laag\")." in text
    assert "Niet bekeken: een regel waarvan de uitkomst voorgaat, gaf de uitkomst al." in text


# ---------------------------------------------------------------- the mistakes, in Dutch
@pytest.mark.parametrize(("body", "message"), [
    ('beslissing t "T"\n  als nieuw is ja dan soort = "a", soort = "b"\n',
     "de uitkomst 'soort' staat twee keer in deze regel"),
    ('beslissing t "T"\n  als nieuw is ja dan soort = "a", duur_x = 1\n  anders soort = "b"\n',
     "'anders' geeft de uitkomst duur_x niet"),
    ('beslissing t "T"\n  als nieuw is ja dan soort = "a", x = 1\n  anders sort = "b", x = 2\n',
     "de uitkomst 'sort' staat niet in de eerste regel van beslissing 't' (soort, x)"),
    ('beslissing t "T"\n  als nieuw is ja dan soort = "a", x = 1\n  anders "b"\n',
     "'anders' geeft één uitkomst zonder naam, maar beslissing 't' geeft benoemde uitkomsten (soort, x)"),
    ('beslissing t "T"\n  als nieuw is ja dan t = "a", x = 1\n',
     "de uitkomst 't' heeft de naam van haar beslissing"),
    ('beslissing t "T"\n  als nieuw is ja dan soort = "a", x = 1\nberekening y = t\n',
     "'t' is een beslissing met 2 uitkomsten en heeft niet één waarde"),
    ('beslissing t "T"\n  als nieuw is ja dan soort = "a", x = 1\n  als n is 2 dan soort = 3, x = 2\n',
     "de uitkomsten van een beslissing moeten van één soort zijn: deze is een aantal, regel 8 een tekst"),
    ('beslissing t "T" (voorrang "a", "b")\n  als nieuw is ja dan "c"\n',
     'de uitkomst "c" staat niet in de voorrangsvolgorde ("a", "b")'),
    ('beslissing t "T" (voorrang "a", "b", "a")\n  als nieuw is ja dan "a"\n',
     '"a" staat twee keer in de voorrangsvolgorde'),
    ('beslissing t "T" (voorrang "a", "b")\n  als nieuw is ja dan soort = "a", x = 1\n',
     "beslissing 't' heeft 2 uitkomsten (soort, x); de voorrang zegt niet van welke"),
    ('beslissing t "T" (voorrang sort: "a", "b")\n  als nieuw is ja dan soort = "a", x = 1\n',
     "'sort' is geen uitkomst van beslissing 't' (soort, x)"),
    ('beslissing t "T" (voorrang "a", "b")\n  als nieuw is ja dan regio\n',
     "onder voorrang is de uitkomst een geschreven waarde uit de voorrangsvolgorde"),
    ('beslissing t "T" (om het even)\n  als nieuw is ja dan n + 1\n',
     "onder (om het even) is elke uitkomst een geschreven waarde: dan is te zien of regels die tegelijk gelden "
     "hetzelfde geven"),
    ('beslissing t "T" (som)\n  als nieuw is ja dan "a"\n',
     "(som) van uitkomsten van het type keuze kan niet: (som) telt bedragen, getallen, percentages en duren op"),
    ('beslissing t "T" (maximum)\n  als nieuw is ja dan ja\n',
     "(maximum) van uitkomsten van het type ja/nee kan niet: (maximum) kiest uit bedragen, getallen, percentages, "
     "duren, datums en tijdstippen"),
    ('beslissing t "T" (aantal)\n  als nieuw is ja dan "a"\n  anders "geen"\n',
     "onder (aantal) geeft 'anders' het aantal als geen regel geldt: een heel getal, maar dit is een tekst"),
])
def test_each_table_mistake_has_a_dutch_message(body, message):
    with pytest.raises(BeleidError) as caught:
        compile_text(HEAD + body, "t.beleid")
    assert message in [d.message for d in caught.value.diagnostics]


def test_voorrang_without_an_order_is_a_dutch_syntax_error():
    with pytest.raises(BeleidError) as caught:
        compile_text(HEAD + 'beslissing t "T" (voorrang)\n  als nieuw is ja dan "a"\n', "t.beleid")
    diagnostic = caught.value.diagnostics[0]
    assert diagnostic.span is not None and (diagnostic.span.line, diagnostic.span.column) == (7, 27)
    assert diagnostic.message == "onverwacht ')' hier"
    assert diagnostic.hint == ("Na 'voorrang' volgt de volgorde van de uitkomsten, de belangrijkste eerst: "
                               "(voorrang \"hoog\", \"laag\").")


def test_the_new_words_stay_free_as_names_outside_the_brackets():
    policy = compile_text(HEAD.replace("  n : aantal\n", "  maximum : bedrag\n  som : bedrag\n  alle : ja/nee\n")
                          + 'berekening totaal = som + maximum\n', "t.beleid")
    assert policy.evaluate({"som": "€ 1", "maximum": "€ 2"}).value("totaal") == Decimal("3")


# ---------------------------------------------------------------- Polars and the solver
def test_polars_evaluates_every_single_valued_hit_policy_itself_and_agrees(tables):
    from dsl.batch.agreement import disagreements, mixed_cases

    assert isinstance(plan_for(tables), PolarsPlan)
    cases = mixed_cases(tables, 1500, seed=14, pool=100, nan_share=0.01)
    table = evaluate_table(tables, cases)
    assert disagreements(tables, cases, table) == []
    assert set(table["klasse"].to_list()) >= {"bepaald", "meerdere regels"}


def test_a_list_result_is_evaluated_per_case_in_a_batch_with_the_same_outcomes():
    policy = compile_text(HEAD + 'beslissing t "T" (alle)\n  als regio is "noord" dan 1\n  als nieuw is ja dan 2\n',
                          "t.beleid")
    assert not isinstance(plan_for(policy), PolarsPlan)
    table = evaluate_table(policy, [{"regio": "noord", "nieuw": True}, {"regio": "zuid", "nieuw": False}])
    assert table["t"].to_list() == ["bepaald", "geen uitkomst"]


def test_the_solver_encodes_som_aantal_and_voorrang_exactly(tables):
    from dsl.analysis.smt import Encoder

    enc = Encoder(tables.model)
    toeslag, toets = enc.rule_value("toeslag"), enc.rule_value("toets")
    regio, nachtzorg, jaren = enc.vars["regio"], enc.vars["nachtzorg"], enc.vars["jaren_actief"]
    solver = z3.Solver()
    solver.add(regio == 0, nachtzorg, jaren == 1, toeslag != 875)   # 2,50 + 5 + 1,25 in cents
    assert solver.check() == z3.unsat
    options = tables.model.rules["toets"].type.options
    solver = z3.Solver()
    solver.add(jaren == 1, toets != options.index("volledig"))
    assert solver.check() == z3.unsat


def test_the_solver_refuses_a_list_with_a_dutch_reason_so_the_checks_search():
    from dsl.analysis.smt import Encoder, Unsupported

    policy = compile_text(HEAD + 'beslissing t "T" (alle)\n  als nieuw is ja dan 1\n  anders 0\n'
                                 'berekening s = som van t\n', "t.beleid")
    with pytest.raises(Unsupported) as caught:
        Encoder(policy.model).rule_value("t")
    assert caught.value.reason == "de hit policy (alle) van beslissing 't' wordt niet in de solver gecodeerd"


# ---------------------------------------------------------------- power: `tot de macht`
POWER = HEAD + '''  groei : getal
berekening factor = groei tot de macht n
berekening kwadraat = n tot de macht 2
berekening derde = groei tot de macht 3
berekening miljoen = 10 tot de macht 6
berekening kwart = 2 tot de macht -2
berekening min_vier = -2 tot de macht 2
berekening rechts = 2 tot de macht 3 tot de macht 2
'''


def test_tot_de_macht_is_exact_binds_tight_and_groups_from_the_right():
    policy = compile_text(POWER, "m.beleid")
    outcome = _both(policy, {"groei": "1,1", "n": 3})
    assert [outcome.value(n) for n in ("factor", "kwadraat", "derde", "miljoen", "kwart", "min_vier", "rechts")] == [
        Decimal("1.331"), 9, Decimal("1.331"), Decimal(1000000), Decimal("0.25"), Decimal(-4), Decimal(512)]
    assert policy.model.rules["kwadraat"].type.kind == "aantal" and policy.model.rules["factor"].type.kind == "getal"
    assert _both(policy, {"groei": "1,1"}).status("factor") is Status.ONBEKEND


@pytest.mark.parametrize(("body", "message"), [
    ("  b : bedrag\nberekening x = b tot de macht 2\n", "'tot de macht' rekent met getallen, maar dit is een bedrag"),
    ("  g : getal\nberekening x = g tot de macht 0,5\n",
     "de macht is een heel getal (een aantal of bijvoorbeeld 2), maar dit is een getal"),
    ("  g : getal\nberekening x = 2 tot de macht g\n",
     "de macht is een heel getal (een aantal of bijvoorbeeld 2), maar dit is een getal"),
])
def test_a_power_that_cannot_be_exact_is_refused_in_dutch(body, message):
    with pytest.raises(BeleidError) as caught:
        compile_text(HEAD + body, "m.beleid")
    assert [d.message for d in caught.value.diagnostics] == [message]


def test_polars_multiplies_a_small_written_power_and_leaves_others_to_the_per_case_path():
    small = compile_text(HEAD + "  groei : getal\nberekening derde = groei tot de macht 3\n"
                                "berekening kwadraat = n tot de macht 2\n", "m.beleid")
    assert isinstance(plan_for(small), PolarsPlan)
    rows = [{"groei": "1,1", "n": 3}, {"groei": "-0,5", "n": 4}, {"groei": None, "n": None}]
    table = evaluate_table(small, rows)
    assert table["derde.waarde"].to_list() == [Decimal("1.331"), Decimal("-0.125"), None]
    assert table["kwadraat.waarde"].to_list() == [9, 16, None]
    general = compile_text(POWER, "m.beleid")
    assert not isinstance(plan_for(general), PolarsPlan)
    assert evaluate_table(general, rows[:1])["factor.waarde"].to_list() == [Decimal("1.331")]


def test_the_solver_encodes_a_small_written_power():
    from dsl.analysis.smt import Encoder, Unsupported

    policy = compile_text(HEAD + "  groei : getal\nberekening derde = groei tot de macht 3\n"
                                 "berekening algemeen = groei tot de macht n\n", "m.beleid")
    enc = Encoder(policy.model)
    derde = enc.rule_value("derde")
    solver = z3.Solver()
    solver.add(enc.vars["groei"] == 2, derde != 8)
    assert solver.check() == z3.unsat
    with pytest.raises(Unsupported, match="'tot de macht' met een macht uit de casus"):
        Encoder(policy.model).rule_value("algemeen")


def test_a_table_with_two_outcomes_in_two_versions_gives_the_version_of_the_calculation_date():
    policy = compile_text('''beleid "V"
gegevens
  omzet : bedrag
beslissing contract "Contract" (eerste treffer)
  geldig tot en met 31 december 2024
  als omzet is ten minste € 1.000 dan soort = "raam", prijs = € 10
  anders soort = "los", prijs = € 5
beslissing contract "Contract" (eerste treffer)
  geldig vanaf 1 januari 2025
  als omzet is ten minste € 2.000 dan soort = "raam", prijs = € 12
  anders soort = "los", prijs = € 6
''', "v.beleid")
    old = _both(policy, {"omzet": "€ 1.500", "peildatum": "2024-06-01"})
    new = _both(policy, {"omzet": "€ 1.500", "peildatum": "2025-06-01"})
    assert [(o.value("soort"), o.value("prijs")) for o in (old, new)] == [("raam", Decimal(10)), ("los", Decimal(6))]


@pytest.mark.parametrize(("words", "expected"), [
    ("eerste treffer", Status.BEPAALD),    # row 1 holds before the unknown row 2 is looked at
    ("uniek", Status.ONBEKEND),            # row 2 might hold too
    ("om het even", Status.ONBEKEND),      # row 2 might give something else
    ('voorrang "a", "b"', Status.BEPAALD),  # "a" comes first: row 2 ("b") cannot change that
    ('voorrang "b", "a"', Status.ONBEKEND),  # row 2 would come first if it held
    ("som", Status.ONBEKEND), ("aantal", Status.ONBEKEND), ("maximum", Status.ONBEKEND), ("alle", Status.ONBEKEND),
])
def test_an_unknown_row_makes_the_decision_unknown_only_where_it_could_change_the_outcome(words, expected):
    one, two = ('"a"', '"b"') if words.startswith(("voorrang", "eerste", "uniek", "om", "alle", "aantal")) else ("1", "2")
    policy = compile_text(HEAD + f'beslissing t "T" ({words})\n  als regio is "noord" dan {one}\n'
                                 f'  als nieuw is ja dan {two}\n', "t.beleid")
    assert _both(policy, {"regio": "noord"}).status("t") is expected
