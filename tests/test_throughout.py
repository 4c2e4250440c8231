"""Requirements that hold throughout a period: a gegeven with a value per dated period
(`toelating : ja/nee per periode`) and `gedurende de periode van A tot en met B: <voorwaarde>`, also
as a line in the header of a group of eisen.

A case gives such a gegeven as {first day: value}, each value holding until the next day, or one
plain value, which holds on every day. The condition of `gedurende` holds when it holds on every day
of the period (Kleene: niet voldaan as soon as one day fails); it is tested on the first day and on
every day a history changes. Checked here: the case reader and its Dutch refusals, the boundaries
(a change on the last day, the day after, a history that starts after the first day, plain values),
the shipped policy elv_grz_2023 on its three "gedurende de looptijd" passages, the explanation naming
the deciding day and the values then, the batch engines (per case, with the table's refusal of a
history), the solver's and the DMN export's refusals, the Hypothesis strategies, and the checker's
Dutch errors with line and column.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings

from dsl.batch import evaluate_table, plan_for
from dsl.core import expr as E
from dsl.errors import BeleidError
from dsl.explain import render, why_not
from dsl.policy import compile_text, load_policy
from dsl.testing.strategies import cases
from kernel import assist
from kernel.compose import example_givens

ROOT = Path(__file__).resolve().parent.parent
ELV_GRZ = ROOT / "policies/elv_grz_2023.beleid"

POLICY = """beleid "Looptijd"
  geldig van 1 januari 2023 tot en met 31 december 2023
gegevens
  begin_overeenkomst : datum "eerste dag van de looptijd"
  einde_overeenkomst : datum "laatste dag van de looptijd"
  toelating          : ja/nee per periode "heeft de WTZa-toelating"
  bedden             : aantal per periode "aantal bedden op de locatie"
  rechtspersoon      : ja/nee "is een rechtspersoon"
eisen los "Los"
  eis toegelaten "Toegelaten gedurende de looptijd"
    vereist gedurende de periode van begin_overeenkomst tot en met einde_overeenkomst: toelating
  eis toegelaten_tot "Toegelaten tot het einde (het einde telt niet)"
    vereist gedurende de periode van begin_overeenkomst tot einde_overeenkomst: toelating
  eis vandaag "Toegelaten op de peildatum"
    vereist toelating
eisen minimum "Minimumeisen, ook gedurende de looptijd"
  gedurende de periode van begin_overeenkomst tot en met einde_overeenkomst
  eis tien_bedden "Ten minste tien bedden"
    vereist bedden is ten minste 10
  eis rechtspersoon_eis "Rechtspersoon"
    vereist rechtspersoon
"""
TERM = {"begin_overeenkomst": "2023-01-01", "einde_overeenkomst": "2023-12-31"}


@pytest.fixture(scope="module")
def policy():
    return compile_text(POLICY, "looptijd.beleid")


@pytest.mark.parametrize(("history", "expected"), [
    ({"2023-01-01": "ja", "2023-12-31": "nee"}, "niet voldaan"),   # a change on the last day counts
    ({"2023-01-01": "ja", "2024-01-01": "nee"}, "voldaan"),        # the day after does not
    ({"2022-12-31": "nee", "2023-01-01": "ja"}, "voldaan"),        # the day before the first does not
    ({"2023-01-02": "ja"}, "onbekend"),                            # nothing known on the first day
    ({"2023-01-02": "nee"}, "niet voldaan"),                       # ... but a failing day decides
    ({"2023-01-01": "ja", "1 juli 2023": "onbekend", "2023-08-01": "nee"}, "niet voldaan"),
    ({"2023-01-01": "ja", "1 juli 2023": None}, "onbekend"),       # onbekend from a day on
    ("ja", "voldaan"),                                             # a plain value: every day
    ("nee", "niet voldaan"),
])
def test_throughout_is_kleene_over_the_days_of_the_period(policy, history, expected):
    assert policy.evaluate({**TERM, "toelating": history}).status("toegelaten") == expected


def test_with_tot_the_last_day_is_not_part_of_the_period(policy):
    case = {**TERM, "toelating": {"2023-01-01": "ja", "2023-12-31": "nee"}}
    outcome = policy.evaluate(case)
    assert outcome.status("toegelaten") == "niet voldaan" and outcome.status("toegelaten_tot") == "voldaan"


def test_an_unknown_bound_decides_only_when_nothing_changes(policy):
    assert policy.evaluate({"toelating": "ja"}).status("toegelaten") == "voldaan"
    assert policy.evaluate({"toelating": "nee", "begin_overeenkomst": "2023-01-01"}).status("toegelaten") \
        == "niet voldaan"
    assert policy.evaluate({"toelating": {"2023-01-01": "ja"}}).status("toegelaten") == "onbekend"


def test_an_empty_period_is_unknown(policy):
    case = {"toelating": "ja", "begin_overeenkomst": "2023-06-01", "einde_overeenkomst": "2023-05-31"}
    assert policy.evaluate(case).status("toegelaten") == "onbekend"
    same_day = {"toelating": "ja", "begin_overeenkomst": "2023-06-01", "einde_overeenkomst": "2023-06-01"}
    assert policy.evaluate(same_day).status("toegelaten") == "voldaan"     # one day, counted
    assert policy.evaluate(same_day).status("toegelaten_tot") == "onbekend"   # no day


def test_read_in_an_ordinary_expression_it_is_its_value_on_the_peildatum(policy):
    history = {"2023-01-01": "ja", "2023-07-01": "nee"}
    assert policy.evaluate({"toelating": history, "peildatum": "2023-06-30"}).status("vandaag") == "voldaan"
    assert policy.evaluate({"toelating": history, "peildatum": "2023-07-01"}).status("vandaag") == "niet voldaan"
    assert policy.evaluate({"toelating": history, "peildatum": "2022-12-31"}).status("vandaag") == "onbekend"
    assert policy.evaluate({"toelating": history}).status("vandaag") == "onbekend"   # no peildatum
    assert policy.evaluate({"toelating": "ja"}).status("vandaag") == "voldaan"        # one value: any day


def test_a_group_header_puts_the_period_around_each_eis(policy):
    rule = policy.model.rules["tien_bedden"]
    assert isinstance(rule.condition, E.Throughout) and rule.condition.histories == ("bedden",)
    assert isinstance(policy.model.rules["rechtspersoon_eis"].condition, E.Throughout)
    case = {**TERM, "bedden": {"2022-01-01": 12, "2023-07-01": 9}, "rechtspersoon": "ja"}
    outcome = policy.evaluate(case)
    assert outcome.status("tien_bedden") == "niet voldaan" and outcome.status("minimum") == "niet voldaan"
    assert policy.evaluate({**case, "bedden": 10}).status("minimum") == "voldaan"


@pytest.mark.parametrize(("value", "message"), [
    ({"2023-13-01": "ja"}, "gegeven 'toelating': '2023-13-01' is geen dag"),
    ({"gisteren": "ja"}, "gegeven 'toelating': 'gisteren' is geen dag"),
    ({"2023-01-01": "misschien"}, "gegeven 'toelating': vanaf '2023-01-01': 'misschien' is geen ja/nee"),
    (["ja", "nee"], "gegeven 'toelating': ['ja', 'nee'] is geen waarde per periode"),
    ("misschien", "gegeven 'toelating': 'misschien' is geen ja/nee"),
])
def test_a_wrong_day_or_value_is_refused_in_dutch_naming_the_gegeven_and_the_day(policy, value, message):
    with pytest.raises(BeleidError) as err:
        policy.evaluate({"toelating": value})
    assert message in str(err.value)


def test_the_case_keeps_the_history_and_writes_it_back(policy):
    outcome = policy.evaluate({"toelating": {"1 juli 2023": "nee", "2023-01-01": "ja"}, "bedden": 12})
    assert outcome.case.data["toelating"] == ((date(2023, 1, 1), True), (date(2023, 7, 1), False))
    assert outcome.case.data["bedden"] == ((E.EVERY_DAY, 12),)
    from dsl.case.conversion import written
    t = policy.model.fields["toelating"].type
    assert written(outcome.case.data["toelating"], t) == {"2023-01-01": True, "2023-07-01": False}
    assert written(((E.EVERY_DAY, True),), t) is True   # a plain value: written back as it was given


def test_the_explanation_names_the_deciding_day_and_the_values_then(policy):
    failing = policy.evaluate({**TERM, "toelating": {"2023-01-01": "ja", "1 juli 2023": "nee"}}, trace=True)
    text = render(why_not(failing, "toegelaten"), max_depth=4)
    assert "Voldoet niet: op 1 juli 2023 niet voldaan: heeft de WTZa-toelating is nee (vanaf 1 juli 2023)" in text
    late = policy.evaluate({**TERM, "toelating": {"2023-02-01": "ja"}}, trace=True)
    assert ("Onbekend: op 1 januari 2023 is de voorwaarde onbekend: heeft de WTZa-toelating is onbekend (de casus "
            "geeft pas een waarde vanaf 1 februari 2023)") in render(why_not(late, "toegelaten"), max_depth=4)
    beds = policy.evaluate({**TERM, "bedden": {"2022-01-01": 12, "2023-12-31": 9}, "rechtspersoon": "ja"}, trace=True)
    assert ("Voldoet niet: op 31 december 2023 niet voldaan: aantal bedden op de locatie is 9 (vanaf 31 december "
            "2023)") in render(why_not(beds, "tien_bedden"), max_depth=4)
    empty = policy.evaluate({"toelating": "ja", "begin_overeenkomst": "2023-06-01", "einde_overeenkomst": "2023-05-31"},
                            trace=True)
    assert ("de periode van 1 juni 2023 tot en met 31 mei 2023 heeft geen enkele dag (het einde ligt vóór het begin)"
            in render(why_not(empty, "toegelaten"), max_depth=4))
    missing = policy.evaluate({"toelating": {"2023-01-01": "ja"}, "begin_overeenkomst": "2023-01-01"}, trace=True)
    assert "ontbrekende gegevens: einde_overeenkomst" in render(why_not(missing, "toegelaten"), max_depth=4)


def test_batch_runs_constant_rows_in_columns_and_changing_ones_per_case(policy):
    from dsl.batch import changing_rows, to_frame
    from dsl.batch.columns import typed_inputs
    from dsl.batch.polars_rules import PolarsPlan

    assert isinstance(plan_for(policy), PolarsPlan)   # a plan: the rows whose values never change run in columns
    rows = [{**TERM, "toelating": "ja", "bedden": 12, "rechtspersoon": "ja", "peildatum": "2023-03-01"},
            {**TERM, "toelating": "nee", "bedden": "9", "rechtspersoon": "ja"},
            {"toelating": "ja", "bedden": 10, "rechtspersoon": "nee"},                       # no period: constant
            {"toelating": "ja", "begin_overeenkomst": "2023-06-01", "einde_overeenkomst": "2023-05-31"},   # empty
            {**TERM, "toelating": {"2023-01-01": "ja", "2023-07-01": "nee"}, "bedden": {"2022-01-01": 12},
             "rechtspersoon": "ja"},
            {**TERM, "toelating": {"2023-01-01": "misschien"}}]
    inputs, _ = typed_inputs(policy.model, to_frame(rows))
    # only the row whose toelating changes on 1 juli needs its days (the unreadable one is refused)
    assert changing_rows(policy.model, inputs).to_list()[:5] == [False, False, False, False, True]
    table = evaluate_table(policy, rows)
    names = ("toegelaten", "toegelaten_tot", "vandaag", "tien_bedden", "minimum")
    for i, row in enumerate(rows[:5]):
        outcome = policy.evaluate(row)
        assert [table[name].to_list()[i] for name in names] == [outcome.status(name) for name in names], row
    assert table["toegelaten"].to_list()[:5] == ["voldaan", "niet voldaan", "voldaan", "onbekend", "niet voldaan"]
    assert table["geweigerd"].to_list()[:5] == [None] * 5
    assert table["geweigerd"].to_list()[5].startswith("gegeven 'toelating': vanaf '2023-01-01': 'misschien' is geen ja/nee")


def test_the_dmn_export_refuses_a_value_per_period(policy):
    from dsl.dmn.exporter import export_policy

    table = compile_text(POLICY + 'beslissing tarief "Tarief"\n  als gedurende de periode van begin_overeenkomst tot '
                         'en met einde_overeenkomst: toelating dan € 1\n  anders € 2\n', "looptijd.beleid")
    with pytest.raises(BeleidError) as err:
        export_policy(table.model)
    assert "een gegeven met een waarde per periode" in str(err.value) and "DMN kent geen waarde per periode" \
        in str(err.value)


def test_the_consistency_check_searches_these_rules_and_says_why(tmp_path):
    path = tmp_path / "looptijd.beleid"
    path.write_text(POLICY, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "dsl.cli", "controleer", "--consistentie", str(path)],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert ("toegelaten: een gegeven met een waarde per periode (en 'gedurende de periode van ...') wordt niet "
            "exact gecontroleerd (regel 11)") in done.stdout


@settings(max_examples=80, deadline=None, database=None)
@given(cases(compile_text(POLICY, "looptijd.beleid")))
def test_generated_cases_carry_histories_and_plain_values(case):
    policy = compile_text(POLICY, "looptijd.beleid")
    outcome = policy.evaluate(case)
    history = outcome.case.data.get("toelating")
    start, end = outcome.case.data.get("begin_overeenkomst"), outcome.case.data.get("einde_overeenkomst")
    if history is None or start is None or end is None or end < start:
        return
    days = [start, *sorted(d for d, _ in history if start < d <= end)]   # every day the value can change
    values = [E.value_on(history, d) for d in days]
    expected = "niet voldaan" if False in values else "onbekend" if None in values else "voldaan"
    assert outcome.status("toegelaten") == expected


def test_the_strategies_draw_both_histories_and_plain_values():
    from hypothesis import find

    strategy = cases(compile_text(POLICY, "looptijd.beleid"))
    assert isinstance(find(strategy, lambda c: isinstance(c.get("toelating"), dict) and len(c["toelating"]) > 1),
                      dict)
    assert find(strategy, lambda c: isinstance(c.get("toelating"), bool) or c.get("toelating") in ("ja", "nee"))


# ---------------------------------------------------------------- the shipped policy
@pytest.fixture(scope="module")
def elv_grz():
    return load_policy(ELV_GRZ)


def test_elv_grz_encodes_the_three_passages_with_their_quotes(elv_grz):
    model = elv_grz.model
    ended = model.rules["overeenkomst_niet_beeindigd"]
    assert isinstance(ended.condition, E.Throughout) and ended.condition.histories == ("overeenkomst_2022_beeindigd",)
    assert any("niet ontbonden of beëindigd is gedurende de looptijd" in q for q in ended.quotes)
    criteria = model.rules["criteria_bestaand"]
    assert isinstance(criteria.condition, E.Throughout)
    assert any("bij aanvang van de nieuwe overeenkomst en gedurende de looptijd" in q for q in criteria.quotes)
    for group, eis in (("minimumeisen_elv", "elv_wtza"), ("minimumeisen_grz", "grz_wtza")):
        assert any("Ook gedurende de looptijd van de overeenkomst moeten zij aan deze eisen voldoen." in q
                   for q in model.rules[group].quotes)
        condition = model.rules[eis].condition
        assert isinstance(condition, E.Throughout) and condition.words == \
            "gedurende de periode van begin_nieuwe_overeenkomst tot en met einde_nieuwe_overeenkomst"
    assert "NIET UITGEDRUKT" not in ELV_GRZ.read_text(encoding="utf-8").split("# 5.2 zegt")[0].split("5.1 - 5.3")[1]


@pytest.mark.parametrize(("history", "expected"), [
    ({"2022-01-01": "nee", "2022-12-31": "ja"}, "niet voldaan"),   # ended on the last day of the 2022 term
    ({"2022-01-01": "nee", "2023-01-01": "ja"}, "voldaan"),        # the day after
    ({"2022-02-01": "nee"}, "onbekend"),                           # known only from after the first day
    ("nee", "voldaan"),
    ("ja", "niet voldaan"),
])
def test_elv_grz_the_2022_contract_not_ended_during_its_term(elv_grz, history, expected):
    case = {"overeenkomst_2022": "ja", "begin_overeenkomst_2022": "2022-01-01", "einde_overeenkomst_2022": "2022-12-31",
            "overeenkomst_2022_beeindigd": history}
    assert elv_grz.evaluate(case).status("overeenkomst_niet_beeindigd") == expected


def test_elv_grz_wtza_admission_throughout_the_new_term_with_its_explanation(elv_grz):
    term = {"levert_elv": "ja", "begin_nieuwe_overeenkomst": "2023-01-01", "einde_nieuwe_overeenkomst": "2024-12-31",
            "wtza_niet_langer_vereist": "nee"}
    lapsed = elv_grz.evaluate({**term, "elv_wtza_toelating": {"2022-01-01": "ja", "2024-12-31": "nee"}}, trace=True)
    assert lapsed.status("elv_wtza") == "niet voldaan" and lapsed.status("minimumeisen_elv") == "niet voldaan"
    label = elv_grz.model.fields["elv_wtza_toelating"].description
    assert f"Voldoet niet: op 31 december 2024 niet voldaan: {label} is nee (vanaf 31 december 2024)" in \
        render(why_not(lapsed, "elv_wtza"), max_depth=4)
    after = elv_grz.evaluate({**term, "elv_wtza_toelating": {"2022-01-01": "ja", "2025-01-01": "nee"}})
    assert after.status("elv_wtza") == "voldaan"
    lifted = elv_grz.evaluate({**term, "elv_wtza_toelating": {"2022-01-01": "ja", "2024-06-01": "nee"},
                               "wtza_niet_langer_vereist": "ja"})
    assert lifted.status("elv_wtza") == "voldaan"   # `tenzij` stays on the peildatum: lifted as before


def test_elv_grz_existing_case_files_keep_their_outcomes(elv_grz):
    for path in sorted((ROOT / "policies/casussen").glob("elv_grz_2023_*.json")):
        case = json.loads(path.read_text(encoding="utf-8"))
        outcome = elv_grz.evaluate(case)
        plain = {name: (value if not isinstance(value, tuple) or not value or not isinstance(value[0], tuple)
                        or value[0][0] != E.EVERY_DAY else value[0][1])
                 for name, value in outcome.case.data.items()}
        assert all(not isinstance(v, tuple) or not v or not isinstance(v[0], tuple) for v in plain.values())
        assert outcome.status("bestaande_aanbieder") in ("voldaan", "niet voldaan", "onbekend", "niet van toepassing")


def test_a_voorbeeld_gives_the_kernel_a_history_as_a_case_file_writes_it(policy):
    text = POLICY + ('voorbeeld "v"\n  gegeven toelating = [vanaf 1 januari 2023: ja; vanaf 1 juli 2023: nee], '
                     'bedden = 12\n  verwacht vandaag = onbekend\n')
    givens = {name: value for name, value, _ in example_givens(text, "looptijd.beleid")}
    assert givens["toelating"] == {"2023-01-01": True, "2023-07-01": False} and givens["bedden"] == 12
    assert policy.evaluate(givens).case.data["toelating"] == ((date(2023, 1, 1), True), (date(2023, 7, 1), False))


# ---------------------------------------------------------------- the checker
def _problems(text: str) -> list[str]:
    with pytest.raises(BeleidError) as err:
        compile_text(text, "p.beleid")
    return [f"{d.span.line}:{d.span.column} {d.message}" for d in err.value.diagnostics]


HEAD = 'beleid "P"\ngegevens\n  toelating : ja/nee per periode\n  begin : datum\n  einde : datum\n  aantal_x : aantal\n'


@pytest.mark.parametrize(("body", "expected"), [
    ('eisen g "G"\n  eis a "A" vereist gedurende de periode van aantal_x tot en met einde: toelating\n',
     "8:46 het begin van de periode na 'gedurende' is een datum, maar dit is een aantal"),
    ('eisen g "G"\n  eis a "A" vereist gedurende de periode van begin tot en met einde: peildatum is na begin\n',
     "8:70 binnen 'gedurende de periode van begin tot en met einde' wordt de voorwaarde per dag getoetst; de "
     "peildatum hangt af van de peildatum en past daar niet"),
    ('eisen g "G"\n  eis a "A" vereist gedurende de periode van begin tot en met einde: gedurende de periode van '
     'begin tot einde: toelating\n',
     "8:70 'gedurende de periode van begin tot einde' staat al binnen 'gedurende de periode van begin tot en met einde'"),
    ('eisen g "G"\n  eis a "A" vereist gedurende de periode van begin tot en met einde: begin is voor '
     '1 oktober van het lopende jaar\n',
     "'1 oktober van het lopende jaar' hangt af van de peildatum en past daar niet"),
    ('eisen g "G"\n  eis a "A" vereist toelating\n  eis b "B" vereist gedurende de periode van begin tot en met einde: '
     'voldoet aan a\n',
     "9:70 binnen 'gedurende de periode van begin tot en met einde' wordt de voorwaarde per dag getoetst; de eis "
     "'a' (die de peildatum of een gegeven per periode op de peildatum leest, of een eigen geldigheid heeft)"),
    ('eisen g "G"\n  gedurende de periode van aantal_x tot einde\n  eis a "A" vereist toelating\n'
     '  eis b "B" vereist toelating\n',
     "8:28 het begin van de periode na 'gedurende' is een datum, maar dit is een aantal"),
])
def test_the_checker_explains_in_dutch_with_line_and_column(body, expected):
    problems = _problems(HEAD + body)
    assert any(expected in p for p in problems), problems


def test_a_group_period_with_a_wrong_bound_is_reported_once():
    problems = _problems(HEAD + 'eisen g "G"\n  gedurende de periode van aantal_x tot einde\n  eis a "A" vereist '
                         'toelating\n  eis b "B" vereist toelating\n')
    assert len([p for p in problems if "is een datum, maar dit is een aantal" in p]) == 1


def test_a_gedurende_over_a_gegeven_without_history_is_allowed_and_constant():
    policy = compile_text(HEAD + 'eisen g "G"\n  eis a "A" vereist gedurende de periode van begin tot en met einde: '
                          'aantal_x is ten minste 2\n', "p.beleid")
    assert policy.evaluate({"aantal_x": 3}).status("a") == "voldaan"
    assert policy.evaluate({"aantal_x": 1, "begin": "2023-01-01", "einde": "2023-02-01"}).status("a") == "niet voldaan"


def test_a_voorbeeld_gives_a_value_per_period_and_is_checked():
    problems = _problems(HEAD + 'eisen g "G"\n  eis a "A" vereist toelating\n'
                         'voorbeeld "v"\n  gegeven aantal_x = [vanaf 1 januari 2023: 3]\n  verwacht a = onbekend\n')
    assert any("verwacht een aantal, geen waarde per periode" in p for p in problems), problems
    problems = _problems(HEAD + 'eisen g "G"\n  eis a "A" vereist toelating\n'
                         'voorbeeld "v"\n  gegeven toelating = [vanaf 1 januari 2023: 3]\n  verwacht a = onbekend\n')
    assert any("vanaf 1 januari 2023: verwacht" in p for p in problems), problems
    problems = _problems(HEAD + 'eisen g "G"\n  eis a "A" vereist toelating\n'
                         'voorbeeld "v"\n  gegeven toelating = [vanaf 1 januari 2023: ja; vanaf 1 januari 2023: nee]\n'
                         '  verwacht a = onbekend\n')
    assert any("de dag 1 januari 2023 staat twee keer in de waarden per periode" in p for p in problems), problems


def test_the_kernel_helps_with_the_keyword():
    assert "gedurende de periode van <begin> tot en met <einde>: <voorwaarde>" in assist.KEYWORD_HELP["gedurende"]


@pytest.mark.parametrize(("case", "said"), [
    ({}, "Onbekend: ontbrekende gegevens: toelating"),
    ({"toelating": {"2023-02-01": "ja"}, "peildatum": "2023-01-15"},
     "toelating heeft op 15 januari 2023 nog geen waarde (de casus geeft pas een waarde vanaf 1 februari 2023)"),
    ({"toelating": {"2023-01-01": "ja", "2023-02-01": "nee"}},
     "toelating verandert in de tijd en zonder peildatum is niet bekend welke waarde geldt"),
])
def test_a_value_per_period_read_on_the_peildatum_says_why_it_is_unknown(policy, case, said):
    outcome = policy.evaluate({**TERM, **case}, trace=True)
    assert outcome.status("vandaag") == "onbekend"
    assert said in render(why_not(outcome, "vandaag"), max_depth=4)


def test_gedurende_inside_en_asks_for_brackets_at_its_place():
    text = POLICY + ('eisen extra "E"\n  eis x "X"\n    vereist rechtspersoon en gedurende de periode van '
                     'begin_overeenkomst tot en met einde_overeenkomst: toelating\n')
    with pytest.raises(BeleidError) as err:
        compile_text(text, "l.beleid")
    line = text.count("\n", 0, text.rindex("en gedurende")) + 1
    assert f"l.beleid:{line}:30: fout: 'gedurende de periode van ...:' staat hier na 'en'" in str(err.value)
    assert "'(gedurende de periode van A tot en met B: ...)'" in str(err.value)
    bracketed = text[:text.rindex("en gedurende")] + ("en (gedurende de periode van begin_overeenkomst tot en met "
                                                     "einde_overeenkomst: toelating)\n")
    policy = compile_text(bracketed, "l.beleid")
    assert policy.evaluate({**TERM, "toelating": "ja", "rechtspersoon": "ja"}).status("x") == "voldaan"
    assert policy.evaluate({**TERM, "toelating": {"2023-01-01": "ja", "2023-05-01": "nee"},
                            "rechtspersoon": "ja"}).status("x") == "niet voldaan"


def test_the_runtime_form_of_a_history_is_read_like_any_other_value(policy):
    # ((day, value), ...) from Python: each value is read as its type, never trusted as typed
    change = ((date(2023, 1, 1), "ja"), (date(2023, 7, 1), "nee"))
    assert policy.evaluate({**TERM, "toelating": change}).status("toegelaten") == "niet voldaan"
    assert policy.evaluate({**TERM, "toelating": ((date(2023, 1, 1), True),)}).status("toegelaten") == "voldaan"
    with pytest.raises(BeleidError) as err:
        policy.evaluate({**TERM, "toelating": ((date(2023, 1, 1), "misschien"),)})
    assert "gegeven 'toelating': vanaf 2023-01-01: 'misschien' is geen ja/nee" in str(err.value)
