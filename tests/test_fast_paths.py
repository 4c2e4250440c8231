"""The fast readers of case text (dsl.case.conversion.read_*) against the general parser
(dsl.literals): every plainly written amount, percentage, number, date and moment they accept
gives exactly what the general parser gives, what they leave (None) still gets the general
parser's Dutch message, word for word, also through a policy's compiled case loader; and their
memory of texts read is bounded and can be emptied."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

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
    ("€ 1.5", T.BEDRAG, "'€ 1.5' is geen bedrag; verwacht bijvoorbeeld € 120.000 of 120000"),
    ("1,500", T.BEDRAG, "'1,500' is geen bedrag; verwacht bijvoorbeeld € 120.000 of 120000"),
    ("€ 2,500.00", T.BEDRAG, "'€ 2,500.00' is geen bedrag; verwacht bijvoorbeeld € 120.000 of 120000"),
    ("€ -5", T.BEDRAG, "'€ -5' is geen geldig bedrag: een bedrag is niet negatief"),
    ("0,41", T.PERCENTAGE, "'0,41' is dubbelzinnig: bedoelt u 41% (schrijf 41 of \"41%\") of 0,41% "
                           "(schrijf \"0,41%\")?"),
    ("101%", T.PERCENTAGE, "'101%' is geen geldig percentage: een percentage ligt tussen 0% en 100%"),
    ("1.5", T.GETAL, "'1.5' is geen getal; verwacht bijvoorbeeld 0,3 of 12"),
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
