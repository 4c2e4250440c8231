"""Case loading: typed values, unknown facts, and Dutch refusals naming the field; the compiled
case loader of a policy against `load_case`, and its plain-text readers against dsl.literals."""

from __future__ import annotations

import ast
import functools
import json
import pickle
import types
from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dsl import types as T
from dsl.case import Case, compile_case_loader, convert, load_case
from dsl.case.conversion import read_bool, read_count, read_day, read_moment, read_money, read_number, read_percentage
from dsl.case.loader import case_loader_module, check_loading
from dsl.core.model import Field
from dsl.errors import BeleidError, CaseError
from dsl.literals import (
    MONTHS,
    LiteralError,
    parse_bool,
    parse_date,
    parse_datetime,
    parse_money,
    parse_number,
    parse_percentage,
)
from dsl.policy import compile_text

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
    with pytest.raises(CaseError, match="ongeldige JSON op regel 1, kolom 2: verwacht een naam tussen dubbele"):
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


# ---------------------------------------------------------------- the compiled case loader


@functools.cache
def typed_policy():
    """The policy of this module plus a tekst, a duur in dagen and a lijst van aantal."""
    return compile_text('beleid "Test"\n' + POLICY.replace(
        "  fte_lijst : lijst van getal\n",
        "  fte_lijst : lijst van getal\n  naam : tekst\n  wachttijd : duur in dagen\n  aantallen : lijst van aantal\n"),
        "test.beleid")


def reference(policy, data, **kw):
    """What `dsl.case.load_case` (the converter that always runs `convert`) makes of `data`."""
    try:
        return load_case(policy.model, data, **kw)
    except CaseError as err:
        return [(d.message, d.hint) for d in err.diagnostics]


_LOADERS: dict = {}


def loader_of(policy):
    """The compiled case loader of `policy` (a policy generates its own once prepared)."""
    if id(policy) not in _LOADERS:
        _LOADERS[id(policy)] = (policy, compile_case_loader(policy.model))
    return _LOADERS[id(policy)][1]


def compiled(policy, data, **kw):
    """What the policy's compiled case loader makes of `data`."""
    try:
        return loader_of(policy)(data, kw.get("complete", False))
    except CaseError as err:
        return [(d.message, d.hint) for d in err.diagnostics]


TYPED = {"omzet": Decimal("2500000.50"), "aandeel": Decimal("7.77"), "fte": Decimal("0.3"), "n": 12, "ok": False,
         "start": date(2024, 1, 1), "moment": datetime(2023, 12, 22, 17), "duur_v": 3, "soort": "zzp",
         "fte_lijst": (Decimal("0.5"), Decimal("0.8")), "naam": "Thuiszorg Noord", "wachttijd": 14,
         "aantallen": (1, 2), "peildatum": date(2024, 2, 1)}


def test_typed_values_pass_through_unchanged():
    case = loader_of(typed_policy())(TYPED)
    for name, value in TYPED.items():
        if name == "peildatum":
            assert case.peil is value
        elif name == "duur_v":
            assert case.data[name] == 21  # given in weeks, counted in days
        else:
            assert case.data[name] is value, name
    assert case.missing == () and case == load_case(typed_policy().model, TYPED)


def test_dutch_text_still_parses_to_the_same_values():
    text = {"omzet": "€ 2.500.000,50", "aandeel": "7,77%", "fte": "0,3", "n": "12", "ok": "nee",
            "start": "1 januari 2024", "moment": "22 december 2023 17:00 uur", "duur_v": "3 weken",
            "soort": "zzp", "fte_lijst": ["0,5", "0,8"], "naam": "Thuiszorg Noord", "wachttijd": "2 weken",
            "aantallen": ["1", 2], "peildatum": "2024-02-01"}
    case = loader_of(typed_policy())(text)
    assert case == load_case(typed_policy().model, text) == loader_of(typed_policy())(TYPED)
    assert [type(v) for v in case.values] == [type(v) for v in loader_of(typed_policy())(TYPED).values]


@pytest.mark.parametrize("value", [True, False, Decimal(3), 3.0, "3", -1, Decimal("NaN")])
def test_an_aantal_takes_whole_numbers_only_as_before(value):
    policy = typed_policy()
    assert compiled(policy, {"n": value}) == reference(policy, {"n": value})
    if value is True:
        assert compiled(policy, {"n": True}) == [("gegeven 'n': ja is geen aantal; verwacht bijvoorbeeld 12", None)]


@pytest.mark.parametrize("value", [0.3, 100.1, 1e20, 2.5e-7, float("nan"), float("inf"), -0.0])
def test_a_float_for_a_bedrag_is_read_as_before(value):
    policy = typed_policy()
    loaded = compiled(policy, {"omzet": value})
    assert loaded == reference(policy, {"omzet": value})
    if value == 0.3:
        assert loaded.data["omzet"] == Decimal("0.3") and type(loaded.data["omzet"]) is Decimal


@pytest.mark.parametrize("value", [Decimal("NaN"), Decimal("sNaN"), Decimal("Infinity"), Decimal("-Infinity")])
def test_nan_and_infinity_are_refused(value):
    policy = typed_policy()
    for field in ("omzet", "aandeel", "fte"):
        found = compiled(policy, {field: value})
        assert found == reference(policy, {field: value})
        assert found[0][0].startswith(f"gegeven '{field}': {value} is geen ")


@pytest.mark.parametrize("data", [
    {"omzett": 5}, {"omzet": "x", "n": "y", "zz": 1}, {"soort": "zpp"}, {"start": datetime(2024, 1, 1, 10)},
    {"moment": "morgen"}, {"ok": "misschien"}, {"ok": 1}, {"fte_lijst": [None]}, {"fte_lijst": "0,5"},
    {"peildatum": "gisteren"}, {"peildatum": datetime(2024, 1, 1, 10)}, {1: 2}, {"naam": 5},
    {"duur_v": "3 maanden"}, {"duur_v": True}, {"aantallen": (1, True)}, {"omzet": [1]}, {"soort": ["zzp"]},
])
def test_errors_are_the_same_as_load_case(data):
    policy = typed_policy()
    found = compiled(policy, data)
    assert isinstance(found, list) and found == reference(policy, data)


def test_a_duur_given_as_a_whole_float_or_decimal_counts_as_an_aantal_does():
    """3.0 or Decimal("3") weken is 21 dagen, as 3.0 is an aantal of 3 (a table from pandas keeps
    whole numbers with a gap as floats); 2.5, NaN, sNaN and 10^15 or more are refused by name."""
    from dsl.case import CaseValueError

    weeks = T.duration("weken")
    assert [convert(v, weeks) for v in (3.0, Decimal("3.0"), Decimal("3"), -1.0)] == [21, 21, 21, -7]
    for value in (2.5, float("nan"), Decimal("sNaN"), Decimal("1E+15"), 1e300):
        with pytest.raises(CaseValueError, match=r"is geen duur; verwacht een heel aantal weken, zoals 3 of '3 weken'"):
            convert(value, weeks)


def test_a_duur_given_as_a_timedelta_counts_in_its_base_unit_when_it_is_whole():
    """A Python or pandas timedelta (a Parquet duration column) is calendar time: whole days for a
    duur in dagen or weken, whole seconds for one in uren; never for maanden or werkdagen."""
    from datetime import timedelta

    from dsl.case import CaseValueError

    assert convert(timedelta(days=21), T.duration("weken")) == 21
    assert convert(timedelta(hours=5), T.duration("uren")) == 18_000
    for value, unit in ((timedelta(hours=5), "dagen"), (timedelta(days=1, microseconds=1), "uren"),
                        (timedelta(days=30), "maanden"), (timedelta(days=3), "werkdagen")):
        with pytest.raises(CaseValueError, match=rf"is geen duur; verwacht een heel aantal {unit}"):
            convert(value, T.duration(unit))


def test_a_datum_given_as_a_date_time_at_midnight_is_that_date_and_any_other_time_is_refused():
    """pandas, Excel and Parquet often keep a date as a date-time at 00:00 (a pandas Timestamp is a
    datetime): that is the date. Another time, or a time zone (whose midnight is another day
    elsewhere), is refused by name, by the compiled loader as by `load_case`."""
    from datetime import timedelta, timezone

    policy = typed_policy()
    for data in ({"start": datetime(2024, 1, 1)}, {"peildatum": datetime(2024, 1, 1)}):
        found = compiled(policy, data)
        assert isinstance(found, Case) and found == reference(policy, data)
    assert compiled(policy, {"start": datetime(2024, 1, 1)}).values[5] == date(2024, 1, 1)
    assert policy.evaluate({"start": datetime(2024, 3, 4)}).case.values[5] == date(2024, 3, 4)
    for moment, shown in ((datetime(2024, 1, 1, 10, 30), "2024-01-01 10:30:00 is een tijdstip"),
                          (datetime(2024, 1, 1, 0, 0, 0, 1), "2024-01-01 00:00:00.000001 is een tijdstip"),
                          (datetime(2024, 1, 1, tzinfo=timezone(timedelta(hours=1))),
                           "2024-01-01 00:00:00+01:00 is een tijdstip met een tijdzone")):
        found = compiled(policy, {"start": moment})
        assert found == reference(policy, {"start": moment})
        assert found[0][0] == f"gegeven 'start': {shown}; verwacht een datum zonder tijd, zoals 2024-01-01"


def test_complete_mode_and_onbekend_behave_as_load_case():
    policy = typed_policy()
    for data in ({"omzet": 5}, TYPED, {**TYPED, "naam": " Onbekend "}, {**TYPED, "omzet": None}):
        assert compiled(policy, data, complete=True) == reference(policy, data, complete=True)
    case = loader_of(policy)({"naam": "ONBEKEND", "omzet": "onbekend", "soort": None})
    assert case.missing == tuple(policy.model.fields) and case.data == {}


VALUES = st.sampled_from([
    None, "onbekend", " Onbekend ", True, False, 0, 3, -2, 2.5, float("nan"), Decimal("1.5"), Decimal("-0"),
    Decimal("NaN"), "ja", "Nee", "zzp", "instelling", "tien", "€ 2.500,00", "1,500", "7,77%", "3 weken", "12",
    "1 januari 2024", "2024-02-30", "2023-12-22 17:00", "abc", date(2024, 1, 1), datetime(2024, 1, 1, 9),
    datetime(2024, 1, 1),
    (Decimal(1), Decimal(2)), ["1", 2], [], (1, True), "", " 12 ",
])


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from([*TYPED, "onbekend_veld"]), VALUES, max_size=8))
def test_the_compiled_loader_and_load_case_agree_on_any_case(data):
    policy = typed_policy()
    for complete in (False, True):
        found, expected = compiled(policy, data, complete=complete), reference(policy, data, complete=complete)
        assert found == expected
        if isinstance(found, Case):
            assert found.data == expected.data and found.missing == expected.missing
            assert [type(v) for v in found.values] == [type(v) for v in expected.values]


def test_a_loaded_case_is_immutable_comparable_and_picklable():
    case = loader_of(typed_policy())(TYPED)
    with pytest.raises(AttributeError):
        case.values = ()  # type: ignore[misc]
    assert case == pickle.loads(pickle.dumps(case)) and hash(case) == hash(load_case(typed_policy().model, TYPED))
    assert repr(case).startswith("Case(values=(Decimal('2500000.50')")


NUMBER_TEXT = st.from_regex(r"(€ ?)?-?[0-9]{1,8}(\.[0-9]{1,4}){0,3}(,[0-9]{0,4})?( ?%)?", fullmatch=True)


@settings(max_examples=500, deadline=None)
@given(NUMBER_TEXT)
def test_plain_number_text_is_read_as_dsl_literals_reads_it(text):
    for read, parse in ((read_money, parse_money), (read_percentage, parse_percentage), (read_number, parse_number)):
        value = read(text)
        if value is not None:
            assert parse(text).as_tuple() == value.as_tuple()


@settings(max_examples=300, deadline=None)
@given(st.dates(date(1, 1, 1), date(9999, 12, 31)), st.integers(0, 23), st.integers(0, 59),
       st.sampled_from(["{d.day} {month} {d.year}", "{d:%Y-%m-%d}", "{d:%Y-%m-%d} {h}:{m:02d}",
                        "{d:%Y-%m-%d}T{h:02d}.{m:02d}", "{d.day} {month} {d.year}x", "{d:%Y-%m-%d} 24:00"]))
def test_plain_dates_and_moments_are_read_as_dsl_literals_reads_them(day, hour, minute, form):
    text = form.format(d=day, month=MONTHS[day.month - 1], h=hour, m=minute)
    for read, parse in ((read_day, parse_date), (read_moment, parse_datetime)):
        value = read(text)
        if value is not None and not (read is read_moment and type(value) is date):
            assert parse(text) == value and type(parse(text)) is type(value)
        elif read is read_moment and value is not None:
            assert parse_date(text) == value
    assert read_day("31 februari 2023") is None and read_day("1 April 2024") is None
    with pytest.raises(LiteralError):
        parse_date("31 februari 2023")


def test_the_plain_readers_take_the_usual_forms():
    assert read_money("€ 240.000") == Decimal(240000) and read_money("€ 2.500.000,00") == Decimal("2500000.00")
    assert read_percentage("41%") == 41 and read_number("3,5") == Decimal("3.5") and read_count("12") == 12
    assert read_day("1 april 2024") == date(2024, 4, 1) and read_moment("2023-06-02 10:15") == datetime(2023, 6, 2, 10, 15)
    assert read_money("1,500") is None and read_count("١٢") is None  # English thousands, other digits: dsl.literals decides
    assert {w: read_bool(w) for w in ("ja", "nee")} == {w: parse_bool(w) for w in ("ja", "nee")}
    assert convert("€ 240.000", T.BEDRAG) == parse_money("€ 240.000") and convert("41%", T.PERCENTAGE) == 41


def test_the_generated_loader_holds_no_policy_text_in_its_code():
    odd = 'a"\n);import os;os.system("x")#'
    fields = {name: Field(name, t, None, None, i) for i, (name, t) in enumerate(
        [(odd, T.BEDRAG), ("b'c", T.Type("keuze", options=(odd, "x'); y = ('"))), ("d\\e", T.JANEE)])}
    model = types.SimpleNamespace(fields=fields, filename="vreemd.beleid")
    module, _ = case_loader_module(model)
    literal_texts = [n.value for n in ast.walk(module) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    assert odd in literal_texts and "b'c" in literal_texts
    names = {n.id for n in ast.walk(module) if isinstance(n, ast.Name)}
    assert all(name.isidentifier() for name in names) and not any(odd in n or "b'c" in n for n in names)
    assert "x'); y = ('" not in ast.unparse(module)  # options are bound through the namespace
    load = compile_case_loader(model)
    case = load({odd: "€ 5", "b'c": odd, "d\\e": "ja"})
    assert case.values == (Decimal(5), odd, True)
    with pytest.raises(CaseError, match="onbekend gegeven 'os'"):
        load({"os": 1})


def test_a_forbidden_node_in_the_generated_loader_is_refused():
    module, namespace = case_loader_module(typed_policy().model)
    module.body[0].body.insert(0, ast.Import(names=[ast.alias(name="os")]))
    with pytest.raises(AssertionError, match="forbidden node: Import"):
        check_loading(module, namespace)
    for value, message in ((ast.Call(func=ast.Name(id="open", ctx=ast.Load()), args=[], keywords=[]),
                            "calls a name outside its namespace"), (ast.Name(id="open", ctx=ast.Load()), "unbound name: open")):
        module, namespace = case_loader_module(typed_policy().model)
        module.body[0].body.insert(0, ast.Assign(targets=[ast.Name(id="x", ctx=ast.Store())], value=value))
        with pytest.raises(AssertionError, match=message):
            check_loading(module, namespace)


def test_evaluate_and_evaluate_many_read_dicts_files_and_cases_alike(tmp_path):
    policy = typed_policy()
    (tmp_path / "c.json").write_text('{"omzet": "€ 5", "n": 3, "peildatum": "2024-02-01"}')
    given = [TYPED, {"omzet": 5, "n": "3"}, tmp_path / "c.json", policy.load_case(TYPED)]
    many = list(policy.evaluate_many(given))
    assert [(o.statuses, o.values, o.case) for o in many] == [
        (o.statuses, o.values, o.case) for o in map(policy.evaluate, given)]
    assert many[2].case.peil == date(2024, 2, 1) and many[1].case.data == {"omzet": Decimal(5), "n": 3}
    with pytest.raises(CaseError, match="onbekend gegeven 'omzett'"):
        list(policy.evaluate_many([TYPED, {"omzett": 1}]))


def test_a_policy_generates_its_case_loader_after_its_first_cases(compile_policy):
    from dsl.policy import GENERATE_AFTER

    policy = compile_policy(POLICY)
    direct = policy.evaluate
    first = [policy.load_case({"omzet": n}) for n in range(GENERATE_AFTER)]
    assert policy._case_loader is None and policy.evaluate == direct  # converted without generating
    after = policy.evaluate({"omzet": 0}).case
    assert callable(policy._case_loader) and policy.evaluate is policy._fused and first[0] == after
    assert policy.load_case({"fte": "0,3"}).data == {"fte": Decimal("0.3")}
    other = compile_policy(POLICY)
    assert other.prepare() is other._case_loader and other.evaluate({"omzet": 0}).case == after


def test_the_compiled_loader_reads_any_mapping():
    from types import MappingProxyType

    model = compile_text('beleid "m"\ngegevens\n  omzet : bedrag\n  zzp : ja/nee\n', "m.beleid").model
    load = compile_case_loader(model)
    case = load(MappingProxyType({"omzet": "€ 1.000", "zzp": True}))
    assert case.values == (Decimal(1000), True) and case.missing == ()
    with pytest.raises(CaseError, match="onbekend gegeven 'omzett'"):
        load(MappingProxyType({"omzett": 1}))


@pytest.mark.parametrize("raw, expected", [(7, 49), ("7", 49), ("7 weken", 49), ("14 dagen", 14), (" 2 ", 14)])
def test_a_duration_is_a_whole_number_in_its_declared_unit_or_written_with_its_unit(raw, expected):
    from dsl import types as T

    assert convert(raw, T.duration("weken")) == expected


def test_a_duration_that_is_not_whole_is_refused():
    from dsl import types as T
    from dsl.case import CaseValueError

    with pytest.raises(CaseValueError, match="is geen duur; verwacht een heel aantal weken, zoals 3 of '3 weken'"):
        convert("1,5", T.duration("weken"))


# ---------------------------------------------------------------- the fused public path
FUSED_RULES = '''
eisen g "G"
  eis e1 "E1"
    vereist omzet is ten minste € 2.500.000 en aandeel is ten hoogste 33%
  eis e2 "E2"
    van toepassing als soort is "zzp"
    vereist fte is ten minste 1
  eis e3 "E3"
    vereist n is groter dan 2 of ok
  eis e4 "E4"
    vereist start is uiterlijk 1 januari 2024

beslissing b "B" (eerste treffer)
  als voldoet niet aan g
    dan "geen"
  als omzet is kleiner dan € 250.000
    dan "klein"
  als omzet is ten minste € 250.000
    dan "groot"
'''


@functools.cache
def fused_policy():
    return compile_text('beleid "Test"\n' + POLICY + FUSED_RULES, "fused.beleid")


def unfused(policy, data):
    """The outcome through the compiled loader and `evaluate` separately, or the refusal."""
    try:
        case = loader_of(policy)(data)
    except CaseError as err:
        return [(d.message, d.hint) for d in err.diagnostics]
    return case, policy.compiled.evaluate(case.values, case.peil)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from([*TYPED, "onbekend_veld"]), VALUES, max_size=8))
def test_the_fused_public_path_gives_what_the_loader_and_evaluate_give(data):
    policy = fused_policy()
    policy.prepare()  # from now on the fused function is there
    assert callable(policy._fused)
    try:
        outcome = policy.evaluate(dict(data))
    except CaseError as err:
        assert unfused(policy, data) == [(d.message, d.hint) for d in err.diagnostics]
        return
    case, (statuses, values, details) = unfused(policy, data)
    assert (outcome.statuses, outcome.values, outcome.details) == (statuses, values, details)
    assert outcome.case == case and outcome.case.data == case.data and outcome.trace is None
    assert outcome["b"].status == statuses[-1] and outcome.policy is policy


def test_the_fused_path_gives_a_real_outcome_and_steps_aside_for_large_policies(compile_policy, monkeypatch):
    policy = fused_policy()
    policy.prepare()
    data = {"omzet": "€ 2.500.000", "aandeel": Decimal(20), "n": 3, "soort": "instelling", "start": date(2023, 5, 1)}
    outcome = policy.evaluate(data)
    assert outcome.to_dict()["regels"]["b"]["waarde"] == "groot"
    assert [outcome.status(name) for name in ("e1", "e2", "e3", "e4", "g")] == [
        "voldaan", "niet van toepassing", "voldaan", "voldaan", "voldaan"]
    import dsl.compiler.fused as fused

    monkeypatch.setattr(fused, "FUSE_LIMIT", 3)
    large = compile_policy(POLICY + FUSED_RULES)
    large.prepare()
    assert large._fused is None and large.evaluate(data).statuses == outcome.statuses


# ---------------------------------------------------------------- declared ranges
RANGES = '''gegevens
  niveau : percentage van 0% tot en met 1.000% "prijsniveau"
  niveaus : lijst van percentage van 0% tot en met 1.000%
  smal : percentage van 10% tot en met 50%
  saldo : bedrag van € -1.000 tot en met € 1.000
  kinderen : aantal van 1 tot en met 3
'''


@pytest.mark.parametrize("data, message", [
    ({"niveau": "1001%"}, "'1001%' ligt buiten het bereik van dit gegeven (van 0% tot en met 1.000%)"),
    ({"smal": Decimal(60)}, "60 ligt buiten het bereik van dit gegeven (van 10% tot en met 50%)"),
    ({"smal": "60%"}, "'60%' ligt buiten het bereik van dit gegeven (van 10% tot en met 50%)"),
    ({"saldo": "€ -5.000"}, "'€ -5.000' ligt buiten het bereik van dit gegeven (van € -1.000,00 tot en met € 1.000,00)"),
    ({"kinderen": 0}, "0 ligt buiten het bereik van dit gegeven (van 1 tot en met 3)"),
    ({"niveaus": ["101%", "1.200%"]}, "ligt buiten het bereik van dit gegeven (van 0% tot en met 1.000%)"),
    ({"niveau": Decimal("0.5")}, "is dubbelzinnig"),
])
def test_a_declared_range_is_enforced_on_every_path(compile_policy, data, message):
    policy = compile_policy(RANGES)
    for _ in range(3):   # the first case, then the compiled loader and the fused path
        with pytest.raises(CaseError) as refused:
            policy.evaluate(dict(data))
        assert message in refused.value.render()
    from dsl.batch import evaluate_table

    assert message.split("(")[0].strip("'\" ") in evaluate_table(policy, [data])["geweigerd"][0]


def test_a_declared_range_lets_through_what_the_default_would_refuse(compile_policy):
    policy = compile_policy(RANGES)
    data = {"niveau": "103,1%", "niveaus": ["101%", "96,5%"], "saldo": "€ -500", "smal": 10, "kinderen": 3}
    for _ in range(3):
        case = policy.evaluate(dict(data)).case
        assert case.data["niveau"] == Decimal("103.1") and case.data["saldo"] == Decimal(-500)
    from dsl.batch import evaluate_table

    assert evaluate_table(policy, [data])["geweigerd"][0] is None


@pytest.mark.parametrize("text, message", [
    ("x : percentage van € 1 tot en met 5%", "'€ 1' past niet bij een percentage"),
    ("x : getal van 5 tot en met 1", "de bovengrens 1 ligt onder de ondergrens 5"),
    ("x : datum van 1 tot en met 2", "een datum heeft geen bereik 'van ... tot en met ...'"),
    ("x : aantal van 1 tot en met 2,5", "'2,5' is geen heel getal"),
])
def test_a_wrong_range_is_refused_by_the_checker(compile_policy, text, message):
    with pytest.raises(BeleidError) as refused:
        compile_policy(f"gegevens\n  {text}\n")
    assert message in refused.value.render()


def test_the_readers_memory_gives_what_a_fresh_reading_gives_and_stays_bounded():
    from dsl.case.conversion import _remembered, forget_texts, read_money

    first = read_money("€ 2.500.000,50")
    forget_texts()
    assert read_money("€ 2.500.000,50") == first == Decimal("2500000.50")
    assert read_money("€ 2,500,000") is None and read_money("€ 2,500,000") is None   # left to convert's message
    calls = []
    read = _remembered(lambda text: calls.append(text) or len(text), size=2)
    assert [read(t) for t in ("a", "a", "bb", "ccc", "a")] == [1, 1, 2, 3, 1]
    assert calls == ["a", "bb", "ccc", "a"]   # "a" again after the memory was full and forgotten
