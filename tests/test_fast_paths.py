"""The fast readers of case text (dsl.case.conversion.read_*) against the general parser
(dsl.literals): every plainly written amount, percentage, number, date and moment they accept
gives exactly what the general parser gives, what they leave (None) still gets the general
parser's Dutch message, word for word, also through a policy's compiled case loader; and their
memory of texts read is bounded and can be emptied."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dsl import types as T
from dsl.case import CaseValueError, convert
from dsl.case import conversion as C
from dsl.case.conversion import read_day, read_moment, read_money, read_number, read_percentage
from dsl.errors import CaseError
from dsl.literals import MONTHS, parse_date, parse_datetime, parse_money, parse_number, parse_percentage


def dutch(value: Decimal, grouped: bool = True) -> str:
    """A non-negative Decimal as a person writes it: 2.500.000 or 7,77 (or 2500000 ungrouped)."""
    whole, _, fraction = f"{value:f}".partition(".")
    whole = f"{int(whole):,}".replace(",", ".") if grouped else whole
    return f"{whole},{fraction}" if fraction else whole


def same(found: Decimal, expected: Decimal) -> bool:
    """Equal in value and in every digit (2500000.00 is not 2500000)."""
    return found.as_tuple() == expected.as_tuple()


AMOUNTS = st.decimals(min_value=0, max_value=10**13, places=2, allow_nan=False, allow_infinity=False)
SHARES = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)
NUMBERS = st.decimals(min_value=-10**9, max_value=10**9, places=3, allow_nan=False, allow_infinity=False)


@settings(max_examples=300, deadline=None)
@given(AMOUNTS, st.sampled_from(["€ {}", "€{}", "{}"]), st.booleans())
def test_every_plain_amount_reads_as_the_general_parser_reads_it(value, form, grouped):
    text = form.format(dutch(value, grouped))
    found = read_money(text)
    if found is None:   # "1,500" (English thousands?) is left to the general parser
        assert text.endswith("0") and len(text.rpartition(",")[2]) == 3
    else:
        assert same(found, parse_money(text)) and same(convert(text, T.BEDRAG), found)


@settings(max_examples=300, deadline=None)
@given(SHARES, st.sampled_from(["{}%", "{} %", "{}"]))
def test_every_plain_percentage_reads_as_the_general_parser_reads_it(value, form):
    text = form.format(dutch(value))
    found = read_percentage(text)
    if found is not None:
        assert same(found, parse_percentage(text)) and same(convert(text, T.PERCENTAGE), found)
    elif 0 < value < 1 and "%" not in text:   # ambiguous: the general path asks what is meant
        with pytest.raises(CaseValueError, match="is dubbelzinnig: bedoelt u"):
            convert(text, T.PERCENTAGE)
    else:
        assert len(text.rstrip(" %").rpartition(",")[2]) == 3   # "1,500": the general parser decides


@settings(max_examples=300, deadline=None)
@given(NUMBERS)
def test_every_plain_number_reads_as_the_general_parser_reads_it(value):
    text = ("-" if value < 0 else "") + dutch(abs(value))
    found = read_number(text)
    if found is not None:
        assert same(found, parse_number(text)) and same(convert(text, T.GETAL), found)


@settings(max_examples=300, deadline=None)
@given(st.dates(date(1, 1, 1), date(9999, 12, 31)), st.integers(0, 23), st.integers(0, 59), st.integers(0, 59),
       st.sampled_from(["{d.day} {month} {d.year:04d}", "{d.day:02d} {month} {d.year:04d}", "{iso}",
                        "{iso} {h:02d}:{m:02d}", "{iso}T{h:02d}:{m:02d}:{s:02d}",
                        "{iso} {h}.{m:02d}", "{iso} {h}:{m:02d}:{s:02d}"]))
def test_every_plain_date_and_moment_reads_as_the_general_parser_reads_it(day, hour, minute, second, form):
    iso = f"{day.year:04d}-{day.month:02d}-{day.day:02d}"
    text = form.format(d=day, iso=iso, month=MONTHS[day.month - 1], h=hour, m=minute, s=second)
    expected = parse_datetime(text) if ":" in text or "." in text else parse_date(text)
    found = read_moment(text)
    assert found == expected and type(found) is type(expected)
    if type(expected) is date:
        assert read_day(text) == expected and convert(text, T.DATUM) == expected
    assert convert(text, T.TIJDSTIP) == expected


@pytest.mark.parametrize(("text", "t", "message"), [
    ("€ 1.5", T.BEDRAG, "'€ 1.5' is geen bedrag; gebruik een komma voor decimalen, zoals 1,5"),
    ("1,500", T.BEDRAG, "'1,500' is geen bedrag; dubbelzinnig; schrijf 1.500 of 1,5 (punt voor duizendtallen, "
                        "komma voor decimalen)"),
    ("€ 2,500.00", T.BEDRAG, "'€ 2,500.00' is geen bedrag; gebruik een punt voor duizendtallen en een komma voor "
                             "decimalen, zoals 2.500,00"),
    ("€ 2\u00a0500", T.BEDRAG, "'€ 2\\xa0500' is geen bedrag; hier scheidt een vaste spatie de duizendtallen; "
                              "gebruik een punt, zoals 2.500"),
    ("€ zes", T.BEDRAG, "'€ zes' is geen bedrag; verwacht bijvoorbeeld € 120.000 of 120000"),
    ("€ -5", T.BEDRAG, "'€ -5' is geen geldig bedrag: een bedrag is niet negatief"),
    ("0,41", T.PERCENTAGE, "'0,41' is dubbelzinnig: bedoelt u 41% (schrijf 41 of \"41%\") of 0,41% "
                           "(schrijf \"0,41%\")?"),
    ("101%", T.PERCENTAGE, "'101%' is geen geldig percentage: een percentage ligt tussen 0% en 100%"),
    ("1.5", T.GETAL, "'1.5' is geen getal; gebruik een komma voor decimalen, zoals 1,5"),
    ("31 februari 2023", T.DATUM, "'31 februari 2023' is geen geldige datum: februari 2023 heeft 28 dagen"),
    ("2023-02-30", T.DATUM, "'2023-02-30' is geen geldige datum: februari 2023 heeft 28 dagen"),
    ("1 jan 2024", T.DATUM, "'1 jan 2024' is geen geldige datum: onbekende maand 'jan'; schrijf de maand "
                            "voluit, zoals 1 januari 2024"),
    ("0 april 2024", T.DATUM, "'0 april 2024' is geen geldige datum: april 2024 heeft 30 dagen"),
    ("2023-12-08 24:00", T.TIJDSTIP, "'2023-12-08 24:00' is geen geldig tijdstip: uren lopen van 0 tot en met 23, "
                                     "minuten en seconden van 0 tot en met 59"),
])
def test_what_the_readers_leave_gets_the_general_parsers_message(compile_policy, text, t, message):
    reader = {"bedrag": read_money, "percentage": read_percentage, "getal": read_number, "datum": read_day,
              "tijdstip": read_moment}[t.kind]
    assert reader(text) is None and reader(text) is None   # also when it is remembered as unreadable
    with pytest.raises(CaseValueError) as info:
        convert(text, t)
    assert str(info.value) == message
    policy = compile_policy(f"gegevens\n  x : {t}\nberekening y = x\n")
    for _ in range(2):   # the first case is read by load_case, the second by the compiled loader
        with pytest.raises(CaseError) as refused:
            policy.evaluate({"x": text})
        assert [d.message for d in refused.value.diagnostics] == [f"gegeven 'x': {message}"]


@pytest.mark.parametrize(("text", "t", "value"), [
    ("€  240.000", T.BEDRAG, Decimal(240000)), ("€ 5,-", T.BEDRAG, Decimal(5)), ("EUR 120.000", T.BEDRAG, Decimal(120000)),
    ("1 April 2024", T.DATUM, date(2024, 4, 1)), ("1-4-2024", T.DATUM, date(2024, 4, 1)),
    ("8 december 2023 17.00 uur", T.TIJDSTIP, datetime(2023, 12, 8, 17)), ("33 procent", T.PERCENTAGE, Decimal(33)),
])
def test_other_forms_are_left_to_the_general_parser_which_reads_them(text, t, value):
    reader = {"bedrag": read_money, "percentage": read_percentage, "datum": read_day, "tijdstip": read_moment}[t.kind]
    assert reader(text) is None and convert(text, t) == value


def test_the_readers_give_the_same_value_after_their_memory_is_emptied():
    texts = ["€ 240.000", "41,5 %", "3,5", "1 april 2024", "2023-06-02 10:15"]
    readers = [read_money, read_percentage, read_number, read_day, read_moment]
    first = [read(text) for read, text in zip(readers, texts)]
    C.forget_texts()
    assert all(len(memory) == 0 for memory in C._MEMORIES)
    assert [read(text) for read, text in zip(readers, texts)] == first == [
        Decimal(240000), Decimal("41.5"), Decimal("3.5"), date(2024, 4, 1), datetime(2023, 6, 2, 10, 15)]


def test_a_readers_memory_is_bounded():
    for n in range(C._REMEMBERED + 10):
        assert read_money(f"€ {n}") == n
    assert all(len(memory) <= C._REMEMBERED for memory in C._MEMORIES)
    assert read_money("€ 5") == 5


def _earlier_money_and_number_forms():
    """The plain forms as the readers first wrote them (with a lookahead), the specification of
    the faster formulation now in dsl.case.conversion."""
    import re

    unsigned = r"(?:0|[1-9][0-9]{0,2}(?:\.[0-9]{3})+|[1-9][0-9]*)"
    fraction = r"(?:,(?![0-9]{2}0(?: ?%)?\Z)[0-9]+)?"
    return (re.compile(r"(?:€ ?)?" + unsigned + fraction).fullmatch, re.compile("-?" + unsigned + fraction).fullmatch,
            re.compile(unsigned + fraction + "(?: ?%)?").fullmatch)


def test_the_plain_forms_accept_exactly_what_their_earlier_formulation_accepted():
    from itertools import product

    money, number, percent = _earlier_money_and_number_forms()
    # every text of up to 6 characters from a zero, another digit and the signs, and longer ones
    longer = ["€ 1.000.000,500", "1.000,0", "€ 2.500.000", "12.345,670 %", "-1.234.567,8", "1000000,000", "0,4100%"]
    texts = [*map("".join, (t for n in range(1, 7) for t in product("09.,-€ %", repeat=n))), *longer]
    differ = [text for text in texts
              if (C._MONEY(text) is None) != (money(text) is None) or (C._NUMBER(text) is None) != (number(text) is None)
              or (C._PERCENT(text) is None) != (percent(text) is None)]
    assert differ == [] and sum(money(text) is not None for text in texts) > 300
    assert C._MONEY("€ 2.500.000")[1] == "2.500.000" and C._MONEY("€1,5")[1] == "1,5"   # the amount, without "€ "


def test_a_text_the_readers_cannot_read_is_not_remembered_and_a_read_one_is():
    C.forget_texts()
    for read, text in ((read_money, "€ 2,500.00"), (read_percentage, "0,41"), (read_number, "1.5"),
                       (read_day, "30 februari 2024")):
        assert read(text) is None
    assert all(len(memory) == 0 for memory in C._MEMORIES)
    assert read_day("29 februari 2024") == date(2024, 2, 29) and read_day("1 januari 1899") == date(1899, 1, 1)
    assert read_day("1 januari 0000") is None and read_day("1 januari ２０２４") is None   # year 0; other digits
    assert dict(C._DAYS) == {"29 februari 2024": date(2024, 2, 29), "1 januari 1899": date(1899, 1, 1)}


ELIGIBILITY = Path(__file__).resolve().parent.parent / "benchmarks" / "eligibility_contract.beleid"


def _as_dutch_text(value, t: T.Type) -> str:
    """A typed value of the eligibility policy as a person types it: "€ 2.500.000", "20%", "ja"."""
    if t.kind == "bedrag":
        return f"€ {dutch(value)}"
    if t.kind == "percentage":
        return f"{dutch(value)}%"
    if t.kind == "getal":
        return dutch(value)
    if t.kind == "ja/nee":
        return "ja" if value else "nee"
    if t.kind == "datum":
        return f"{value.day} {MONTHS[value.month - 1]} {value.year}"
    return value


def test_a_policy_reads_dutch_text_as_the_typed_values_on_its_fast_path_new_or_remembered():
    """The voorbeelden of benchmarks/eligibility_contract.beleid, given as Dutch text, evaluate
    to what their typed givens evaluate to, through the generated loader (the policy prepared), with the readers' memories empty and then full."""
    from dsl.policy import load_policy

    policy = load_policy(ELIGIBILITY)
    policy.prepare()
    fields = policy.model.fields
    for example in policy.model.examples:
        typed = dict(example.givens)
        text = {name: _as_dutch_text(value, fields[name].type) for name, value in typed.items()}
        assert any(isinstance(v, str) and v[:1] == "€" for v in text.values())
        expected = policy.evaluate(typed)
        for _ in range(2):
            C.forget_texts()
            for _ in range(2):   # the first with new texts, the second with texts remembered
                outcome = policy.evaluate(text)
                assert (outcome.statuses, outcome.values) == (expected.statuses, expected.values)
                assert outcome.case.values == expected.case.values
        assert policy._fused is not None   # the generated path was the one that read them
    first = policy.model.examples[1]
    written = {name: _as_dutch_text(value, fields[name].type) for name, value in first.givens.items()}
    outcome = policy.evaluate(written)
    assert [(e.name, outcome.status(e.name)) for e in first.expectations] == [
        ("onderaanneming", "niet voldaan"), ("minimumeisen", "niet voldaan"), ("overeenkomst", "bepaald")]
    assert written["aandeel_onderaanneming"] == "41%" and outcome.value("overeenkomst") == "geen overeenkomst"
