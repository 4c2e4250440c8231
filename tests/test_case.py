"""Case loading: typed values, unknown facts, and Dutch refusals naming the field."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from dsl.errors import CaseError

POLICY = '''
gegevens
  omzet : bedrag
  aandeel : percentage
  fte : getal
  n : aantal
  ok : ja/nee
  start : datum
  moment : tijdstip
  duur_v : duur in weken
  soort : keuze uit "zzp", "instelling"
  fte_lijst : lijst van getal
berekening som_fte = som van fte_lijst
'''


@pytest.fixture
def policy(compile_policy):
    return compile_policy(POLICY)


def refusal(policy, data, **kw) -> list[str]:
    with pytest.raises(CaseError) as info:
        policy.load_case(data, **kw)
    return [d.message + (f" ({d.hint})" if d.hint else "") for d in info.value.diagnostics]


def test_values_are_converted_exactly(policy):
    case = policy.load_case({"omzet": "€ 2.500.000,50", "aandeel": "7,77%", "fte": 0.3, "n": "12",
                             "ok": "ja", "start": "1 januari 2024", "moment": "2023-12-22 17:00",
                             "duur_v": 3, "soort": "zzp", "fte_lijst": ["0,5", 0.8], "peildatum": "01-02-2024"})
    data = case.data
    assert data["omzet"] == Decimal("2500000.50") and data["aandeel"] == Decimal("7.77")
    assert data["fte"] == Decimal("0.3") and data["n"] == 12 and data["ok"] is True
    assert data["duur_v"] == 21  # three weeks, counted in days
    assert data["fte_lijst"] == (Decimal("0.5"), Decimal("0.8"))
    assert str(case.peil) == "2024-02-01"
    assert case.missing == ()


def test_missing_facts_are_unknown_and_listed(policy):
    case = policy.load_case({"omzet": 5})
    assert "aandeel" in case.missing and "omzet" not in case.missing
    outcome = policy.evaluate(case)
    assert outcome["som_fte"].status == "onbekend"


def test_complete_mode_refuses_missing_facts(policy):
    found = refusal(policy, {"omzet": 5}, complete=True)
    assert "gegeven 'aandeel' ontbreekt in de casus (verwacht: percentage)" in found


@pytest.mark.parametrize("field, value, message", [
    ("omzet", "abc", "gegeven 'omzet': 'abc' is geen bedrag; verwacht bijvoorbeeld € 120.000 of 120000"),
    ("start", "31-02-2024", "gegeven 'start': '31-02-2024' is geen geldige datum"),
    ("n", 1.5, "gegeven 'n': 1.5 is geen aantal; een aantal is een heel getal, zoals 12"),
    ("ok", "misschien", "gegeven 'ok': 'misschien' is geen ja/nee; verwacht ja, nee, true of false"),
    ("soort", "zpp", "gegeven 'soort': 'zpp' is geen van de keuzes \"zzp\", \"instelling\"; bedoelde u 'zzp'?"),
    ("fte", float("nan"), "gegeven 'fte': nan is geen getal"),
    ("duur_v", "3 maanden", "gegeven 'duur_v': '3 maanden' past niet: deze duur wordt geteld in dagen"),
    ("start", "2024-01-01T10:00", "gegeven 'start': '2024-01-01T10:00' is geen geldige datum"),
])
def test_wrong_values_are_refused_naming_the_field(policy, field, value, message):
    found = refusal(policy, {field: value})
    assert found[0].startswith(message)


def test_unknown_field_gets_a_suggestion(policy):
    assert refusal(policy, {"omzett": 5}) == ["onbekend gegeven 'omzett' in de casus (bedoelde u 'omzet'?)"]


def test_every_problem_is_reported_at_once(policy):
    assert len(refusal(policy, {"omzet": "x", "n": "y", "zz": 1})) == 3


def test_case_files(policy, tmp_path):
    (tmp_path / "c.json").write_text(json.dumps({"omzet": 100.10, "aandeel": "33%"}))
    (tmp_path / "c.yaml").write_text("omzet: '€ 100,10'\nstart: 2024-01-01\n")
    assert policy.load_case(tmp_path / "c.json").data["omzet"] == Decimal("100.10")
    assert str(policy.load_case(tmp_path / "c.yaml").data["start"]) == "2024-01-01"
    (tmp_path / "bad.json").write_text("{omzet: 1")
    with pytest.raises(CaseError, match="geen geldige JSON of YAML"):
        policy.load_case(tmp_path / "bad.json")
    with pytest.raises(CaseError, match="kan het casusbestand niet lezen"):
        policy.load_case(tmp_path / "none.json")
