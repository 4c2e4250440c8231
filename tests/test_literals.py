"""Tests for dsl.literals: Dutch literal text -> Decimal, date, datetime, bool."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dsl.literals import (
    MONTHS,
    NUMBER_WORDS,
    LiteralError,
    parse_bool,
    parse_date,
    parse_datetime,
    parse_money,
    parse_number,
    parse_percentage,
)


@pytest.mark.parametrize(("text", "expected"), [
    ("2.500.000", Decimal("2500000")),
    ("7,77", Decimal("7.77")),
    ("0,3", Decimal("0.3")),
    ("1000", Decimal("1000")),
    ("-5", Decimal("-5")),
    ("1.000,50", Decimal("1000.50")),
    ("1.000", Decimal("1000")),
    ("1000,5", Decimal("1000.5")),
    ("2,125", Decimal("2.125")),
    ("0,500", Decimal("0.5")),
    (" 12 ", Decimal("12")),
])
def test_parse_number(text, expected):
    assert parse_number(text) == expected


@pytest.mark.parametrize(("text", "fragment"), [
    ("1.5", "'1.5' is geen geldig getal: gebruik een komma voor decimalen, zoals 1,5"),
    ("12.34", "zoals 12,34"),
    ("1,000", "dubbelzinnig; schrijf 1.000 of 1 (punt voor duizendtallen"),
    ("1,500", "schrijf 1.500 of 1,5"),
    ("1,000.50", "gebruik een punt voor duizendtallen en een komma voor decimalen, zoals 1.000,50"),
    ("NaN", "'NaN' is geen geldig getal: schrijf een getal in Nederlandse notatie"),
    ("inf", "geen geldig getal"),
    ("Infinity", "geen geldig getal"),
    ("1e5", "geen geldig getal"),
    ("", "'' is geen geldig getal"),
    ("1 000", "geen geldig getal"),
    ("1.00", "zoals 1,00"),
    ("١٢", "geen geldig getal"),
])
def test_parse_number_rejects(text, fragment):
    with pytest.raises(LiteralError, match=None) as error:
        parse_number(text)
    assert fragment in str(error.value)


@pytest.mark.parametrize(("text", "expected"), [
    ("€ 2.500.000", Decimal("2500000")),
    ("€2.500.000,00", Decimal("2500000")),
    ("€ 120.000", Decimal("120000")),
    ("-€ 5", Decimal("-5")),
    ("€ -5", Decimal("-5")),
    ("EUR 7,50", Decimal("7.5")),
    ("€ 5,-", Decimal("5")),
    ("250.000", Decimal("250000")),
])
def test_parse_money(text, expected):
    assert parse_money(text) == expected


@pytest.mark.parametrize(("text", "fragment"), [
    ("$ 5", "'$ 5' is geen geldig bedrag: schrijf een bedrag zoals € 2.500.000 of € 7,50"),
    ("-€ -5", "dubbel teken"),
    ("€ 1.5", "'€ 1.5' is geen geldig bedrag: gebruik een komma voor decimalen"),
    ("€", "geen geldig bedrag"),
    ("-€", "geen geldig bedrag"),
])
def test_parse_money_rejects(text, fragment):
    with pytest.raises(LiteralError) as error:
        parse_money(text)
    assert fragment in str(error.value)


@pytest.mark.parametrize(("text", "expected"), [
    ("33%", Decimal("33")),
    ("7,77 %", Decimal("7.77")),
    ("33", Decimal("33")),
    ("0,5%", Decimal("0.5")),
    ("12 procent", Decimal("12")),
])
def test_parse_percentage(text, expected):
    assert parse_percentage(text) == expected


def test_parse_percentage_rejects_with_example():
    with pytest.raises(LiteralError, match="'veel' is geen geldig percentage: schrijf een percentage zoals 33%"):
        parse_percentage("veel")


def test_percentage_addition_is_exact_decimal():
    assert parse_percentage("6,37") + parse_percentage("1,4") == parse_percentage("7,77")
    assert parse_percentage("6,37") + parse_percentage("1,4") == Decimal("7.77")


@pytest.mark.parametrize(("text", "expected"), [
    ("1 januari 2024", date(2024, 1, 1)),
    ("1 JANUARI 2024", date(2024, 1, 1)),
    ("26 april 2025", date(2025, 4, 26)),
    ("01-01-2024", date(2024, 1, 1)),
    ("1-1-2024", date(2024, 1, 1)),
    ("31-12-2023", date(2023, 12, 31)),
    ("2024-01-01", date(2024, 1, 1)),
    ("29 februari 2024", date(2024, 2, 29)),
])
def test_parse_date(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(("text", "fragment"), [
    ("31-02-2024", "'31-02-2024' bestaat niet: februari 2024 heeft 29 dagen"),
    ("30 februari 2023", "februari 2023 heeft 28 dagen"),
    ("31 april 2024", "april 2024 heeft 30 dagen"),
    ("0 mei 2024", "mei 2024 heeft 31 dagen"),
    ("1-13-2024", "er is geen maand 13"),
    ("1 jan 2024", "onbekende maand 'jan'; schrijf de maand voluit"),
    ("1 january 2024", "onbekende maand 'january'"),
    ("2024/01/01", "schrijf een datum zoals 1 januari 2024"),
    ("12-31-2023", "er is geen maand 31"),
])
def test_parse_date_rejects(text, fragment):
    with pytest.raises(LiteralError) as error:
        parse_date(text)
    assert fragment in str(error.value)


def test_months_are_the_twelve_dutch_names():
    assert len(MONTHS) == 12 and MONTHS[0] == "januari" and MONTHS[-1] == "december"


@pytest.mark.parametrize("text", [
    "8 december 2023 17:00", "8 december 2023 17.00", "8 december 2023 17:00 uur",
    "8 december 2023 17.00 uur", "2023-12-08T17:00", "2023-12-08 17:00", "08-12-2023 17:00 UUR",
])
def test_parse_datetime(text):
    assert parse_datetime(text) == datetime(2023, 12, 8, 17, 0)


def test_parse_datetime_with_seconds():
    assert parse_datetime("2023-12-08T09:05:30") == datetime(2023, 12, 8, 9, 5, 30)


@pytest.mark.parametrize(("text", "fragment"), [
    ("8 december 2023", "geen geldig tijdstip: schrijf een tijdstip zoals 8 december 2023 17:00 uur"),
    ("8 december 2023 24:00", "uren lopen van 0 tot en met 23"),
    ("8 december 2023 17:60", "minuten en seconden van 0 tot en met 59"),
    ("30 februari 2023 17:00", "februari 2023 heeft 28 dagen"),
    ("8 december 2023T17:00", "geen geldig tijdstip"),
])
def test_parse_datetime_rejects(text, fragment):
    with pytest.raises(LiteralError) as error:
        parse_datetime(text)
    assert fragment in str(error.value)


@pytest.mark.parametrize(("text", "expected"), [
    ("ja", True), ("nee", False), ("waar", True), ("onwaar", False),
    ("true", True), ("false", False), ("JA", True), (" Nee ", False),
])
def test_parse_bool(text, expected):
    assert parse_bool(text) is expected


def test_parse_bool_rejects():
    with pytest.raises(LiteralError, match="'1' is geen geldige ja/nee-waarde: gebruik ja of nee"):
        parse_bool("1")


def test_number_words():
    assert NUMBER_WORDS["een"] == NUMBER_WORDS["één"] == 1
    assert NUMBER_WORDS["nul"] == 0 and NUMBER_WORDS["twintig"] == 20
    assert NUMBER_WORDS["negentig"] == 90 and NUMBER_WORDS["honderd"] == 100
    assert sorted(set(NUMBER_WORDS.values())) == [*range(21), 30, 40, 50, 60, 70, 80, 90, 100]
    assert all(word == word.lower() for word in NUMBER_WORDS)


def test_literal_error_is_a_value_error():
    assert issubclass(LiteralError, ValueError)


@given(st.dates())
def test_every_date_form_reads_back(day):
    assert parse_date(f"{day.day} {MONTHS[day.month - 1]} {day.year:04d}") == day
    assert parse_date(f"{day.day:02d}-{day.month:02d}-{day.year:04d}") == day
    assert parse_date(day.isoformat()) == day
