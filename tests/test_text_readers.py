"""The fast text readers against the full reader, on generated Dutch text.

Every text a case may hold for a bedrag, percentage, getal, aantal, datum or tijdstip is read in
three ways: by the fast reader of its kind alone (dsl.case.conversion.read_*), by a policy's
compiled case loader (which writes the amount and number readers out in its own code), and by the
full reader (`convert` with the fast readers switched off: dsl.literals and the range rules).
They must agree: the same value, digit for digit, or the same Dutch message, word for word. The
texts are generated around the edge forms: thousands dots ("1.000" is a thousand, not one),
decimal comma, "€ 1.234,56", "12,5 %", negative numbers, leading and trailing spaces, English
notation ("1,500", "2,500.00"), leading zeros, and dates that do not exist (30-02-2024).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from hypothesis import example, given, settings
from hypothesis import strategies as st

from dsl import types as T
from dsl.case import CaseValueError, convert
from dsl.case import conversion as C
from dsl.errors import CaseError
from dsl.literals import MONTHS
from dsl.policy import compile_text

KINDS = {"bedrag": T.BEDRAG, "percentage": T.PERCENTAGE, "getal": T.GETAL, "aantal": T.AANTAL,
         "datum": T.DATUM, "tijdstip": T.TIJDSTIP}
POLICY = compile_text('beleid "Lezen"\ngegevens\n' + "".join(f"  x_{kind.replace('/', '_')} : {kind}\n"
                                                              for kind in KINDS)
                      + "berekening y = x_getal\n", "lezen.beleid")
POLICY.prepare()   # from now on the generated loader reads


def fast(text: str, kind: str):
    """What the fast reader of `kind` makes of `text` (None: it leaves the text to `convert`)."""
    reader = {"bedrag": C.read_money, "percentage": C.read_percentage, "getal": C.read_number,
              "aantal": C.read_count, "datum": C.read_day, "tijdstip": C.read_moment}[kind]
    return reader(text)


_FAST = ("read_money", "read_percentage", "read_number", "read_day")


def full(text: str, kind: str):
    """The full reader: `convert` with every fast reader switched off -> ("waarde", value) or ("fout", message)."""
    saved = {name: getattr(C, name) for name in _FAST}
    for name in _FAST:
        setattr(C, name, lambda _text: None)
    try:
        return "waarde", convert(text, KINDS[kind])
    except CaseValueError as err:
        return "fout", str(err)
    finally:
        for name, reader in saved.items():
            setattr(C, name, reader)


def loaded(text: str, kind: str):
    """The compiled case loader's reading -> ("waarde", value) or ("fout", message without the field)."""
    name = f"x_{kind}"
    try:
        case = POLICY.load_case({name: text})
    except CaseError as err:
        [diagnostic] = err.diagnostics
        return "fout", diagnostic.message.removeprefix(f"gegeven '{name}': ")
    return "waarde", case.values[list(POLICY.model.fields).index(name)]


def same(a, b) -> bool:
    """Equal in kind, value and (for a Decimal) every digit: 2500000.00 is not 2500000."""
    if isinstance(a, tuple) and isinstance(b, tuple) and len(a) == 2 and a[0] == b[0] == "waarde":
        return same(a[1], b[1])
    if isinstance(a, Decimal) and isinstance(b, Decimal):
        return a.as_tuple() == b.as_tuple()
    return type(a) is type(b) and a == b


def check(text: str, kind: str) -> None:
    expected = full(text, kind)
    C.forget_texts()
    found = fast(text, kind)
    if found is not None:   # read fast: only what the full reader accepts, as the full reader reads it
        assert expected[0] == "waarde" and same(found, expected[1]), (text, kind, found, expected)
    C.forget_texts()
    for _ in range(2):   # a new text (the loader's own reading), then a remembered one
        result = loaded(text, kind)
        assert same(result, expected) if result[0] == "waarde" else result == expected, (text, kind, result, expected)


@st.composite
def dutch_numbers(draw) -> str:
    """A number as a person might type it, often right and often nearly right."""
    whole = draw(st.integers(0, 10**10) | st.sampled_from([0, 1, 5, 12, 100, 101, 999, 1000, 1500, 2500000]))
    grouping = draw(st.sampled_from(["dots", "none", "english", "misplaced"]))
    digits = str(whole)
    if grouping == "dots":
        digits = f"{whole:,}".replace(",", ".")
    elif grouping == "english":
        digits = f"{whole:,}"
    elif grouping == "misplaced" and len(digits) > 1:
        at = draw(st.integers(1, len(digits) - 1))
        digits = digits[:at] + "." + digits[at:]
    if draw(st.booleans()) and draw(st.booleans()):
        digits = "0" + digits
    fraction = draw(st.none() | st.text("0123456789", max_size=5))
    if fraction is not None:
        digits += draw(st.sampled_from([",", ",", "."])) + fraction
    sign = draw(st.sampled_from(["", "", "", "-", "+", "- "]))
    before = draw(st.sampled_from(["", "", "€ ", "€", "€  ", "EUR ", "$ "]))
    after = draw(st.sampled_from(["", "", "%", " %", " procent", ",-", "e3"]))
    pad = draw(st.sampled_from(["", "", " ", "\t"]))
    form = draw(st.sampled_from(["{sign}{before}{digits}", "{before}{sign}{digits}"]))
    return pad + form.format(sign=sign, before=before, digits=digits) + after + draw(st.sampled_from(["", "", " "]))


@st.composite
def dutch_dates(draw) -> str:
    """A date (sometimes with a time) as a person might type it, existing or not."""
    day, month = draw(st.integers(0, 32)), draw(st.integers(0, 13))
    year = draw(st.sampled_from([0, 1, 999, 1899, 1900, 2023, 2024, 2100, 2199, 2200, 9999]) | st.integers(1, 9999))
    name = draw(st.sampled_from([*MONTHS, "Maart", "APRIL", "jan", "mei"])) if 1 <= month <= 12 else "maand"
    if 1 <= month <= 12 and draw(st.booleans()):
        name = MONTHS[month - 1]
    day_text = draw(st.sampled_from([str(day), f"{day:02d}"]))
    forms = [f"{day_text} {name} {year:04d}", f"{year:04d}-{month:02d}-{day:02d}", f"{day_text}-{month}-{year:04d}",
             f"{day_text} {name}  {year:04d}", f"{day_text} {name} {year}"]
    text = draw(st.sampled_from(forms))
    if draw(st.booleans()):
        hour, minute = draw(st.integers(0, 25)), draw(st.integers(0, 61))
        text += draw(st.sampled_from([f" {hour:02d}:{minute:02d}", f"T{hour:02d}:{minute:02d}:00", f" {hour}.{minute:02d}",
                                      f" {hour}:{minute:02d} uur"]))
    return draw(st.sampled_from(["", "", " "])) + text + draw(st.sampled_from(["", "", " "]))


@example("1.000", "getal")
@example("1.000", "bedrag")
@example("€ 1.234,56", "bedrag")
@example("12,5 %", "percentage")
@example("0,41", "percentage")
@example("0,41%", "percentage")
@example("100,00%", "percentage")
@example("100,01%", "percentage")
@example("-12,5", "getal")
@example(" 7,5 ", "getal")
@example(" € 240.000 ", "bedrag")
@example("€ -5", "bedrag")
@example("1,500", "bedrag")
@example("2,125", "getal")
@example("€ 2,500.00", "bedrag")
@example("1.5", "getal")
@example("007", "aantal")
@settings(max_examples=400, deadline=None)
@given(dutch_numbers(), st.sampled_from(["bedrag", "percentage", "getal", "aantal"]))
def test_the_fast_readers_read_numbers_as_the_full_reader(text, kind):
    check(text, kind)


@example("30-02-2024", "datum")
@example("30 februari 2024", "datum")
@example("29 februari 2024", "datum")
@example("29 februari 2023", "datum")
@example("2024-02-30", "datum")
@example("1 januari 0000", "datum")
@example("1 april 2024", "datum")
@example("01 april 2024", "datum")
@example("2023-12-08 17:00", "tijdstip")
@example("2023-12-08 24:00", "tijdstip")
@settings(max_examples=400, deadline=None)
@given(dutch_dates(), st.sampled_from(["datum", "tijdstip"]))
def test_the_fast_readers_read_dates_as_the_full_reader(text, kind):
    check(text, kind)


def test_the_edge_forms_read_as_written():
    """A few readings spelled out, so that the property tests above cannot agree on a wrong reading."""
    assert fast("1.000", "getal") == 1000 and fast("€ 1.234,56", "bedrag") == Decimal("1234.56")
    assert fast("12,5 %", "percentage") == Decimal("12.5") and fast("-12,5", "getal") == Decimal("-12.5")
    assert fast("€ 2.500.000,00", "bedrag").as_tuple() == Decimal("2500000.00").as_tuple()
    assert fast("1 april 2024", "datum") == date(2024, 4, 1)
    assert fast("2023-12-08 17:00", "tijdstip") == datetime(2023, 12, 8, 17)
    assert loaded(" 7,5 ", "getal") == ("waarde", Decimal("7.5"))   # spaces: left to the full reader, read the same
    assert loaded("30-02-2024", "datum") == ("fout", "'30-02-2024' is geen geldige datum: februari 2024 heeft 29 dagen")
    assert loaded("1,500", "bedrag") == full("1,500", "bedrag") == (
        "fout", "'1,500' is geen bedrag; dubbelzinnig; schrijf 1.500 of 1,5 (punt voor duizendtallen, komma voor "
        "decimalen)")
    assert loaded("€ 2 500 000", "bedrag")[1] == ("'€ 2 500 000' is geen bedrag; hier scheidt een spatie de "
                                                 "duizendtallen; gebruik een punt, zoals 2.500.000")
    assert loaded("2,500,000", "bedrag")[1] == "'2,500,000' is geen bedrag; gebruik een punt voor duizendtallen, zoals 2.500.000"
    assert loaded("abc", "bedrag")[1] == "'abc' is geen bedrag; verwacht bijvoorbeeld € 120.000 of 120000"
    assert loaded("0,41", "percentage")[1].startswith("'0,41' is dubbelzinnig: bedoelt u 41%")
    assert loaded("€ -5", "bedrag") == ("fout", "'€ -5' is geen geldig bedrag: een bedrag is niet negatief")
    assert POLICY._fused is not None   # the compiled path read them
