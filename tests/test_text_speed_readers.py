"""The public path's own readings of Dutch text against the full reader, through `policy.evaluate`.

Once prepared, `policy.evaluate(dict)` is one generated function (dsl/compiler/fused.py)
that reads the common forms of text in its own code: an amount and a number by their regular
expression, a percentage of 1 to 99 ("85,39%") by a shorter one, a datum in words ("14 januari
2023") by a table of days and months that exist in every year and `date.fromisoformat`, each made
exact with `dsl.case.conversion.exact`; it checks the bound of the readers' memories once every so
many cases rather than at each text. Here every text, new and then remembered, is read through
that function and compared with the full reader (`convert` with every fast reader switched off:
dsl.literals and the range rules): the same value digit for digit, or the same Dutch message
word for word. The memories stay bounded, and everything that is not a plain dict without a trace
(a case file, a `Case`, a trace asked for) still goes the ordinary way, to the same outcome.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from dsl import types as T
from dsl.case import CaseFile, CaseValueError, convert
from dsl.case import conversion as C
from dsl.errors import CaseError
from dsl.literals import MONTHS
from dsl.policy import compile_text
from tests.test_text_readers import full  # the full reader, every fast reader switched off

KINDS = {"bedrag": T.BEDRAG, "percentage": T.PERCENTAGE, "getal": T.GETAL, "datum": T.DATUM}
# one gegeven of each kind, each handed on by a berekening, so that its value is in the outcome
POLICY = compile_text('beleid "Lezen"\ngegevens\n' + "".join(f"  x_{kind} : {kind}\n" for kind in KINDS)
                      + "".join(f"berekening y_{kind} = x_{kind}\n" for kind in KINDS), "lezen.beleid")
POLICY.prepare()   # from now on `evaluate` is the generated entry


def public(text: str, kind: str):
    """`POLICY.evaluate({x_kind: text})` -> ("waarde", value) or ("fout", message without the field)."""
    try:
        outcome = POLICY.evaluate({f"x_{kind}": text})
    except CaseError as err:
        [diagnostic] = err.diagnostics
        return "fout", diagnostic.message.removeprefix(f"gegeven 'x_{kind}': ")
    value = outcome.value(f"y_{kind}")
    assert outcome.case.data[f"x_{kind}"] == value   # the loaded case holds what was evaluated
    return "waarde", value


def same(a, b) -> bool:
    """Equal in kind and value, a Decimal in every digit (2500000.00 is not 2500000)."""
    if a[0] != b[0]:
        return False
    if isinstance(a[1], Decimal) and isinstance(b[1], Decimal):
        return a[1].as_tuple() == b[1].as_tuple()
    return type(a[1]) is type(b[1]) and a[1] == b[1]


def check(text: str, kind: str) -> None:
    expected = full(text, kind)
    C.forget_texts()
    for _ in range(2):   # new (read in the generated code), then remembered
        found = public(text, kind)
        assert same(found, expected), (text, kind, found, expected)


@st.composite
def percentages(draw) -> str:
    """A percentage as a person might type it, around the edges of the short reading (1 to 99)."""
    whole = draw(st.sampled_from(["0", "00", "1", "01", "9", "10", "33", "99", "100", "101", "999", "1.000", "", "-5"])
                 | st.integers(0, 150).map(str))
    fraction = draw(st.none() | st.text("0123456789", min_size=0, max_size=5))
    text = whole if fraction is None else whole + draw(st.sampled_from([",", ",", "."])) + fraction
    return draw(st.sampled_from(["", " ", "-"])) + text + draw(st.sampled_from(["%", "%", " %", "", "  %", "% ",
                                                                                 " procent", "%%"]))


@example("85,39%")
@example("1%")
@example("99,999%")
@example("99,990%")
@example("0,5%")
@example("0,5")
@example("7,5")
@example("100%")
@example("100,0%")
@example("100,5%")
@example("05%")
@example("1.5%")
@example("١٢%")
@settings(max_examples=400, deadline=None)
@given(percentages())
def test_every_percentage_reads_on_the_public_path_as_the_full_reader_reads_it(text):
    check(text, "percentage")


def test_the_short_percentage_reading_covers_1_to_99_and_leaves_the_rest():
    """Spelled out, so that the property test above cannot agree on a wrong reading."""
    assert [m[1] if m else None for m in map(C._COMMON_SHARE, ("85,39%", "7 %", "99,999"))] == ["85,39", "7", "99,999"]
    assert [C._COMMON_SHARE(t) for t in ("0%", "0,5%", "100%", "05%", "1,500%", "85,39%\n")] == [None] * 6
    assert public("85,39%", "percentage") == ("waarde", Decimal("85.39"))
    assert public("0,5", "percentage")[1].startswith("'0,5' is dubbelzinnig: bedoelt u 50%")
    assert public("100,5%", "percentage") == (
        "fout", "'100,5%' is geen geldig percentage: een percentage ligt tussen 0% en 100%")


@st.composite
def dates_in_words(draw) -> str:
    """"14 januari 2023" and near misses: days that do not exist, years outside the table, other spacing."""
    day = draw(st.integers(0, 32))
    name = draw(st.sampled_from([*MONTHS, "Januari", "maart ", "jan"]))
    year = draw(st.sampled_from(["1899", "1900", "2023", "2024", "2100", "2199", "2200", "0000", "0001", "9999",
                                 "２０２４", "20244", "202", "+202", "2O23"]) | st.integers(1, 9999).map("{:04d}".format))
    day_text = draw(st.sampled_from([str(day), f"{day:02d}"]))
    spacing = draw(st.sampled_from([" ", " ", "  "]))
    return f"{day_text}{spacing}{name} {year}"


@example("14 januari 2023")
@example("29 februari 2024")
@example("29 februari 2023")
@example("30 februari 2024")
@example("31 april 2024")
@example("31 december 2199")
@example("1 januari 1900")
@example("01 april 2024")
@example("1 april 0000")
@example("1 april 2200")
@example("1 april ２０２４")
@settings(max_examples=400, deadline=None)
@given(dates_in_words())
def test_every_date_in_words_reads_on_the_public_path_as_the_full_reader_reads_it(text):
    check(text, "datum")


def test_every_day_of_a_leap_year_and_of_another_year_reads_as_the_full_reader_reads_it():
    for year in (1900, 2023, 2024, 2199):
        for name in MONTHS:
            for day in range(1, 32):
                check(f"{day} {name} {year}", "datum")
    assert public("29 februari 2024", "datum") == ("waarde", date(2024, 2, 29))
    assert public("29 februari 2023", "datum") == (
        "fout", "'29 februari 2023' is geen geldige datum: februari 2023 heeft 28 dagen")


@st.composite
def amounts_and_numbers(draw) -> str:
    """Amounts and numbers in the plain forms the generated code reads, and near misses."""
    whole = draw(st.integers(0, 10**12))
    digits = draw(st.sampled_from([f"{whole:,}".replace(",", "."), str(whole), f"{whole:,}", "0" + str(whole)]))
    fraction = draw(st.none() | st.text("0123456789", min_size=0, max_size=4))
    if fraction is not None:
        digits += "," + fraction
    return draw(st.sampled_from(["", "€ ", "€", "-", "€ -"])) + digits


@example("€ 2.011.947,86", "bedrag")
@example("€ 3.995.178", "bedrag")
@example("1,500", "bedrag")
@example("14,34", "getal")
@example("-0", "getal")
@example("1.000,000", "getal")
@settings(max_examples=300, deadline=None)
@given(amounts_and_numbers(), st.sampled_from(["bedrag", "getal"]))
def test_every_amount_and_number_reads_on_the_public_path_as_the_full_reader_reads_it(text, kind):
    check(text, kind)


def test_the_memories_stay_bounded_on_the_public_path():
    """A long stream of new texts through the generated entry: each memory is emptied when full
    (checked every so many cases), so it never holds more than a quarter above its bound."""
    C.forget_texts()
    largest = 0
    for n in range(3 * C.REMEMBERED):
        outcome = POLICY.evaluate({"x_bedrag": f"€ {n:,}".replace(",", "."), "x_getal": f"{n},5"})
        assert outcome.value("y_bedrag") == n and outcome.value("y_getal") == Decimal(f"{n}.5")
        largest = max(largest, len(C._AMOUNTS), len(C._NUMBERS))
    assert C.REMEMBERED <= largest <= C.REMEMBERED * 5 // 4
    assert len(C._AMOUNTS) < C.REMEMBERED * 5 // 4


def test_everything_but_a_plain_dict_goes_the_ordinary_way_to_the_same_outcome(tmp_path):
    data = {"x_bedrag": "€ 240.000", "x_percentage": "85,39%", "x_getal": "3,5", "x_datum": "14 januari 2023"}
    assert POLICY.evaluate is POLICY._fused   # the generated entry
    outcome = POLICY.evaluate(data)
    expected = (Decimal(240000), Decimal("85.39"), Decimal("3.5"), date(2023, 1, 14))
    assert outcome.values == expected and outcome.trace is None and outcome.policy is POLICY
    path = tmp_path / "casus.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    for other in (POLICY.load_case(data), path, CaseFile(data, json.dumps(data))):
        assert POLICY.evaluate(other).values == expected
    traced = POLICY.evaluate(data, trace=True)
    assert traced.values == expected and traced.trace is not None and len(traced.trace) > 0
    assert POLICY.evaluate(case=data).values == expected
    with pytest.raises(CaseError) as refused:
        POLICY.evaluate({**data, "x_datum": "30 februari 2024"})
    assert [d.message for d in refused.value.diagnostics] == [
        "gegeven 'x_datum': '30 februari 2024' is geen geldige datum: februari 2024 heeft 29 dagen"]


def test_ja_and_nee_and_the_other_words_read_on_the_public_path_as_the_full_reader_reads_them():
    """"ja" and "nee" are compared as text in the generated code; every other word is looked up
    or left to the full reader, which says why it is no ja/nee."""
    policy = compile_text('beleid "B"\ngegevens\n  b : ja/nee\nberekening c = b\n', "b.beleid")
    policy.prepare()
    for word in ("ja", "nee", "Ja", "NEE", "waar", "onwaar", "true", "false", " ja", "ja ", "jaa", "", "onbekend"):
        try:
            expected = ("waarde", convert(word, T.JANEE)) if word != "onbekend" else ("waarde", None)
        except CaseValueError as err:
            expected = ("fout", str(err))
        try:
            found = ("waarde", policy.evaluate({"b": word}).value("c"))
        except CaseError as err:
            found = ("fout", err.diagnostics[0].message.removeprefix("gegeven 'b': "))
        assert found == expected, word
    assert policy.evaluate({"b": "ja"}).value("c") is True and policy.evaluate({"b": "nee"}).value("c") is False
