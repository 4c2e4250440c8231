"""What-if (`dsl.explain.whatif`): the nearest changes of one gegeven that change a rule's outcome.

Checked on the shipped wijkverpleging policy and its case, on a small decision table with an
overlap (the motivating failure: a turnover of € 480.000 inside rows 2 and 3 was offered
€ 99.999,99 and € 100.000,01, a € 380.000 change, and not € 449.999,99 or € 500.000,01), and
against an exhaustive search over every value of a few gegevens of a small policy.
"""

from __future__ import annotations

import json
import random
from datetime import date, timedelta

import pytest

from dsl.explain.whatif import suggestions_for
from dsl.policy import compile_text
from tests.conftest import POLICIES

CASE = POLICIES / "casussen" / "wijkverpleging_thuiszorg_noord.json"

TARIEF = """beleid "Tarieven"
gegevens
  omzet : bedrag "omzet"
  sector : keuze uit "zorg", "bouw", "handel" "sector"
beslissing tarief "Tarief" (uniek)
  als omzet is kleiner dan € 100.000 dan "klein"
  als omzet ligt tussen € 100.000 en € 500.000 dan "middel"
  als omzet is ten minste € 450.000 en sector is een van "zorg", "bouw" dan "groot"
"""


def changes(outcome, rule: str, field: str | None = None) -> list[tuple[str, str, str]]:
    """(direction, proposed value, what the rule becomes) of `rule`'s suggestions, in their order."""
    return [(s.direction, s.proposed, s.becomes) for s in suggestions_for(outcome)
            if s.rule == rule and field in (None, s.field)]


@pytest.fixture(scope="module")
def tarief():
    return compile_text(TARIEF, "tarief.beleid")


# ---------------------------------------------------------------- overlaps
def test_an_overlap_is_left_by_the_nearest_change_each_way(tarief):
    outcome = tarief.evaluate({"omzet": "€ 480.000", "sector": "zorg"})
    assert outcome.status("tarief") == "meerdere regels"
    assert changes(outcome, "tarief", "omzet") == [
        ("hoger", "€ 500.000,01", '"groot" (regel 3)'),     # € 20.000 away
        ("lager", "€ 449.999,99", '"middel" (regel 2)'),    # € 30.000 away
        ("lager", "€ 99.999,99", '"klein" (regel 1)'),      # further down, another outcome
    ]
    found = [s for s in suggestions_for(outcome) if s.field == "omzet"]
    assert found[1].sentence == ("Als omzet € 449.999,99 is (nu € 480.000,00), dan: 'Tarief' wordt "
                                 '"middel" (regel 2).')
    assert {s.now for s in found} == {"meerdere regels (regel 2 en 3)"}
    assert changes(outcome, "tarief", "sector") == [("", '"handel"', '"middel" (regel 2)')]


def test_a_change_into_an_overlap_counts(tarief):
    outcome = tarief.evaluate({"omzet": "€ 440.000", "sector": "bouw"})
    assert changes(outcome, "tarief", "omzet") == [
        ("hoger", "€ 450.000,00", "meerdere regels (regel 2 en 3)"),
        ("hoger", "€ 500.000,01", '"groot" (regel 3)'),
        ("lager", "€ 99.999,99", '"klein" (regel 1)'),
    ]
    found = next(s for s in suggestions_for(outcome) if s.proposed == "€ 450.000,00")
    assert found.target == "'Tarief' geeft meerdere regels (regel 2 en 3)"


def test_the_json_form_can_be_pasted_back_into_the_case(tarief):
    outcome = tarief.evaluate({"omzet": "€ 480.000", "sector": "zorg"})
    first = suggestions_for(outcome)[0].to_dict()
    assert first == {"regel": "tarief", "gegeven": "omzet", "huidig": "€ 480.000,00", "nieuw": "€ 500.000,01",
                     "nu": "meerdere regels (regel 2 en 3)", "wordt": '"groot" (regel 3)',
                     "zin": "Als omzet € 500.000,01 is (nu € 480.000,00), dan: 'Tarief' wordt \"groot\" (regel 3)."}
    assert tarief.evaluate({"omzet": first["nieuw"], "sector": "zorg"})["tarief"].value == "groot"


# ---------------------------------------------------------------- the shipped policy and case
@pytest.fixture(scope="module")
def noord(wijkverpleging):
    return wijkverpleging.evaluate(wijkverpleging.load_case(CASE))


def test_requirements_that_hold_get_their_nearest_failure_too(noord):
    assert changes(noord, "fte_niveau_6") == [("lager", "0,99", "niet voldaan")]
    assert changes(noord, "aansprakelijkheid") == [         # ranked: the amount is nearer than the date
        ("lager", "€ 2.499.999,99", "niet voldaan"), ("hoger", "2 januari 2024", "niet voldaan")]
    assert changes(noord, "onderaanneming") == [("lager", "33%", "voldaan")]


def test_a_gate_change_makes_a_rule_not_applicable(noord):
    assert changes(noord, "toestemming_onderaannemer") == [
        ("", "nee", "niet van toepassing"), ("", "nee", "niet voldaan")]


def test_a_decision_gets_the_gap_and_the_row_below_it(noord):
    assert changes(noord, "overeenkomst", "omzet_2023") == [
        ("lager", "€ 250.000,00", "geen uitkomst"),                          # the gap the policy keeps
        ("lager", "€ 249.999,99", '"cliëntvolgende overeenkomst" (regel 2)')]


def test_a_timeline_window_is_left_on_both_sides(noord):
    assert changes(noord, "t_inschrijving") == [
        ("hoger", "15 juni 2023 17:01 uur", "niet gehaald"), ("lager", "14 mei 2023 23:59 uur", "niet gehaald")]


def test_a_gegeven_inside_a_calculation_is_solved_for_exactly(wijkverpleging):
    """`gerealiseerd_2024 is ten minste signaalgrens_plafond` with the signaalgrens 70% of the
    plafond: the plafond may be at most € 1.000.000 / 0,7 = € 1.428.571,428..., so € 1.428.571,42
    (70% of it is € 999.999,994); relatively that is the smaller change, so it comes first."""
    outcome = wijkverpleging.evaluate({"gerealiseerd_2024": "€ 1.000.000", "zorgkostenplafond": "€ 1.900.000",
                                       "resterend_toereikend": False, "verzoek_ophoging_gedaan": True})
    assert changes(outcome, "verzoek_ophoging") == [
        ("lager", "€ 1.428.571,42", "voldaan"), ("hoger", "€ 1.330.000,00", "voldaan"),
        ("", "nee", "niet van toepassing")]   # not asking at all: the step is not taken


def test_every_suggestion_for_the_case_does_what_it_says(wijkverpleging, noord):
    raw = json.loads(CASE.read_text(encoding="utf-8"))
    found = [json.loads(json.dumps(s.to_dict(), ensure_ascii=False)) for s in suggestions_for(noord)]
    assert len(found) > 50
    for item in found:
        assert set(item) == {"regel", "gegeven", "huidig", "nieuw", "nu", "wordt", "zin"}
        result = wijkverpleging.evaluate(wijkverpleging.load_case(raw | {item["gegeven"]: item["nieuw"]}))[item["regel"]]
        if result.kind == "beslissing" and result.status == "bepaald":
            assert item["wordt"].endswith(f"(regel {result.row + 1})"), item
        else:
            assert item["wordt"] == str(result.status), item
        assert item["nu"] != item["wordt"]


# ---------------------------------------------------------------- missing gegevens, ranges
def test_a_missing_gegeven_gets_the_boundary_value_itself(compile_policy):
    policy = compile_policy('gegevens\n  x : bedrag "x"\neisen g "G"\n  eis e "E" vereist x is ten minste € 10\n')
    assert changes(policy.evaluate({}), "e") == [("", "€ 10,00", "voldaan"), ("", "€ 9,99", "niet voldaan")]


def test_no_value_a_case_may_not_give_is_offered(compile_policy):
    policy = compile_policy('gegevens\n  x : bedrag "x"\n  p : percentage "p"\neisen g "G"\n'
                            '  eis e "E" vereist x is ten minste € 0\n  eis f "F" vereist p is ten hoogste 100%\n')
    assert suggestions_for(policy.evaluate({"x": "€ 5", "p": "50%"})) == []   # not € -0,01, not 100,01%


# ---------------------------------------------------------------- nearest, exhaustively
BRUTE = """beleid "Grenzen"
gegevens
  n : aantal "n"
  m : aantal "m"
  d : datum "d"
  e : datum "e"
  k : keuze uit "a", "b", "c" "k"
  j : ja/nee "j"
berekening dubbel = n * 3 + m
beslissing b "B" (uniek)
  als n is kleiner dan 10 dan "laag"
  als n ligt tussen 8 en 40 en k is een van "a", "b" dan "midden"
  als dubbel is ten minste 100 dan "hoog"
eisen g "G"
  eis r "R" vereist (n is ten hoogste 30 of j) en m is groter dan 4
  eis s "S" vereist dubbel is ten hoogste 150 en d is uiterlijk 1 maart 2024
    tenzij k is "c"
  eis u "U" vereist voldoet aan r of m is 7
termijn t "T" e binnen 10 dagen na d
termijn w "W" e binnen 2 maanden na d
"""
RANGES = {"n": list(range(0, 200)), "m": list(range(0, 200)),
          "d": [date(2023, 6, 1) + timedelta(days=i) for i in range(500)],
          "e": [date(2023, 6, 1) + timedelta(days=i) for i in range(600)]}


def _outcome_key(policy, outcome, name):
    result = outcome[name]
    if result.status == "meerdere regels":
        trace = policy.evaluate(outcome.case, trace=True).trace
        return (result.status, tuple(r.index for r in policy.model.rules[name].rows
                                     if trace.value_of(r.condition) is True))
    return (result.status, result.row)


def _nearest_by_trying_all(policy, case, field, values):
    """For each rule: the first value on each side giving each new outcome (not onbekend)."""
    rules = ("b", "r", "s", "u", "t", "w")
    now = policy.evaluate(case)
    keys = {name: _outcome_key(policy, now, name) for name in rules}
    found: dict[tuple[str, str], list] = {}
    below = sorted((v for v in values if v < case[field]), reverse=True)
    for direction, side in (("lager", below), ("hoger", sorted(v for v in values if v > case[field]))):
        seen: dict[str, set] = {name: set() for name in rules}
        for value in side:
            outcome = policy.evaluate(case | {field: value})
            for name in rules:
                key = _outcome_key(policy, outcome, name)
                if key != keys[name] and key[0] != "onbekend" and key not in seen[name]:
                    seen[name].add(key)
                    found.setdefault((name, direction), []).append(value)
    return found


def test_the_changes_found_are_the_nearest_an_exhaustive_search_finds():
    """Every suggestion for n, m, d and e of 12 random cases equals the nearest value, on each
    side, of an exhaustive walk over every value in a wide range (through a calculation, an
    overlap, `tussen`, an exception, days and calendar months)."""
    policy = compile_text(BRUTE, "grenzen.beleid")
    draw = random.Random(2024)
    for _ in range(12):
        case = {"n": draw.randint(0, 60), "m": draw.randint(0, 60), "k": draw.choice("abc"),
                "j": draw.choice([True, False]), "d": date(2024, 1, 1) + timedelta(days=draw.randint(0, 120)),
                "e": date(2024, 1, 1) + timedelta(days=draw.randint(0, 200))}
        suggested = suggestions_for(policy.evaluate(case))
        for field, values in RANGES.items():
            expected = _nearest_by_trying_all(policy, case, field, values)
            got: dict[tuple[str, str], list] = {}
            for s in suggested:
                if s.field == field:
                    got.setdefault((s.rule, s.direction), []).append(s.raw)
            assert {k: sorted(v) for k, v in got.items()} == {k: sorted(v) for k, v in expected.items()}, (case, field)
