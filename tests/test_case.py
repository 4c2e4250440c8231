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
    ("duur_v", "3 maanden", "gegeven 'duur_v': '3 maanden' past niet: deze duur wordt geteld in weken"),
    ("start", "2024-01-01T10:00", "gegeven 'start': '2024-01-01T10:00' is geen geldige datum"),
    ("start", "31-02-2024", "gegeven 'start': '31-02-2024' is geen geldige datum: februari 2024 heeft 29 dagen"),
    ("moment", "morgen", "gegeven 'moment': 'morgen' is geen geldig tijdstip: schrijf een tijdstip zoals"),
    ("n", True, "gegeven 'n': ja is geen aantal"),
    ("n", -3, "gegeven 'n': -3 is geen aantal; een aantal is niet negatief"),
    ("duur_v", "abc", "gegeven 'duur_v': 'abc' is geen duur; verwacht een heel aantal weken, zoals 3 of '3 weken'"),
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


def test_onbekend_leaves_a_fact_unknown_unless_it_is_an_option(compile_policy):
    policy = compile_policy('gegevens\n  d : datum\n  n : aantal\n  k : keuze uit "ja graag", "onbekend"\n'
                            '  s : keuze uit "a", "b"\n')
    case = policy.load_case({"d": "onbekend", "n": "ONBEKEND", "k": "onbekend", "s": " Onbekend "})
    assert case.missing == ("d", "n", "s") and case.data["k"] == "onbekend"


def test_number_words_are_read_as_in_the_policy_text(policy):
    assert policy.load_case({"n": "tien", "fte": "twee"}).data["n"] == 10


def test_a_tijdstip_given_as_a_date_keeps_its_time_unknown(compile_policy):
    policy = compile_policy('gegevens\n  t : tijdstip\n  u : tijdstip\n'
                            'eisen g "G"\n  eis e "E" vereist t is voor 1 mei 2023\n'
                            '  eis f "F" vereist t is voor 3 april 2023 17:00\n')
    outcome = policy.evaluate({"t": "2023-04-03"})
    assert outcome["e"].status == "voldaan" and outcome["f"].status == "onbekend"
    from dsl.explain import explain, render
    assert "t is 3 april 2023 (tijd onbekend), dat is voor 1 mei 2023" in render(explain(
        policy.evaluate({"t": "2023-04-03"}, trace=True)))


@pytest.mark.parametrize("content, message", [
    (b'{"omzet": "\xf6"}', "het bestand is geen UTF-8-tekst (byte 0xf6 op regel 1); sla het op als UTF-8"),
    (b"\x7fELF\x02\x01\n\xd0\xd1", "het bestand is geen UTF-8-tekst (byte 0xd0 op regel 2)"),
])
def test_a_case_file_that_is_not_utf8_is_refused_by_name(policy, tmp_path, content, message):
    (tmp_path / "c.json").write_bytes(content)
    with pytest.raises(CaseError) as info:
        policy.load_case(tmp_path / "c.json")
    assert message in str(info.value)


def test_a_byte_order_mark_is_dropped(policy, tmp_path):
    (tmp_path / "c.json").write_bytes("\ufeff{\"omzet\": 5}".encode("utf-8"))
    assert policy.load_case(tmp_path / "c.json").data["omzet"] == Decimal(5)
