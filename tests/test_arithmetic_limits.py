"""Arithmetic at its limits: exact or onbekend, never a rounded number, a float or a traceback.

The rule (dsl.runtime.values): every +, -, ×, unary - and `x% van y` is exact; a result of 10^38
or more, or a Decimal that needs more than 38 significant digits, is onbekend. A quotient is
rounded to 28 significant digits and is always a Decimal. Also: huge whole numbers reach JSON as
text, and an error on a very long line shows a window of that line with the caret in place.
"""

from __future__ import annotations

import ast as py
import json
import subprocess
import sys
from datetime import date
from decimal import Decimal, localcontext

import pytest

from dsl.errors import BeleidError
from dsl.explain import explain, render
from dsl.policy import compile_text
from tests.conftest import ROOT

HEAD = ('beleid "x"\ngegevens\n  a : aantal\n  omzet : bedrag\n  g : getal\n  l : lijst van getal\n'
        '  d : duur in dagen\n  s : datum\n')


def policy_of(body: str):
    return compile_text(HEAD + body, "x.beleid")


def values(body: str, case: dict, trace: bool = False) -> dict:
    """Each rule's (status, value), from a plain and from a traced evaluation (which must agree)."""
    policy = policy_of(body)
    plain, traced = policy.evaluate(case), policy.evaluate(case, trace=True)
    assert plain.statuses == traced.statuses and plain.values == traced.values
    return {name: (str(plain[name].status), plain[name].value) for name in policy.model.rules}


# ---------------------------------------------------------------- exact, not rounded
def test_a_cent_on_top_of_10_to_the_26_survives_doubling():
    body = "berekening dubbel = omzet * 2\nberekening plus = (omzet + € 0,01) * 2\n"
    policy = policy_of(body)
    outcome = policy.evaluate({"omzet": Decimal("100000000000000000000000000.01")})
    assert outcome["dubbel"].value == Decimal("200000000000000000000000000.02")
    assert policy.format("dubbel", outcome["dubbel"].value) == "€ 200.000.000.000.000.000.000.000.000,02"
    assert outcome["plus"].value == Decimal("200000000000000000000000000.04")


def test_half_of_a_thirty_digit_amount_keeps_its_cents():
    policy = policy_of("berekening deel = 50% van omzet\n")
    outcome = policy.evaluate({"omzet": "123456789012345678901234567890,12"}, trace=True)
    assert policy.format("deel", outcome["deel"].value) == "€ 61.728.394.506.172.839.450.617.283.945,06"
    assert "€ 61.728.394.506.172.839.450.617.283.945,06" in render(explain(outcome))


def test_percent_of_keeps_the_written_form_of_its_result():
    result = values("berekening deel = 70% van omzet\n", {"omzet": Decimal("250000.50")})
    assert str(result["deel"][1]) == "175000.35"
    assert str(values("berekening deel = 70% van omzet\n", {"omzet": Decimal(250000)})["deel"][1]) == "175000"


def test_negation_and_sums_are_exact_beyond_28_digits():
    body = "berekening min = -g\nberekening totaal = som van l\n"
    digits34 = Decimal("1234567890123456789012345678901234")
    result = values(body, {"g": digits34, "l": [Decimal("1E+26"), Decimal("0.01"), Decimal("0.01")]})
    assert result["min"] == ("bepaald", Decimal("-1234567890123456789012345678901234"))
    assert result["totaal"] == ("bepaald", Decimal("100000000000000000000000000.02"))


def test_the_callers_decimal_context_does_not_change_a_result():
    body = "berekening dubbel = omzet * 2\nberekening deel = 50% van omzet\nberekening q = omzet / 3\n"
    case = {"omzet": Decimal("100000000000000000000000000.01")}
    expected = values(body, case)
    with localcontext() as context:
        context.prec = 5
        assert values(body, case) == expected
    assert expected["q"][1] == Decimal("33333333333333333333333333.34")   # 28 digits, the quotient rule


# ---------------------------------------------------------------- onbekend, not rounded or raising
@pytest.mark.parametrize("body, case, expected", [
    # 38 significant digits fit, 39 do not
    ("berekening q = g * 3\n", {"g": Decimal("3" * 37 + ".3")}, Decimal("9" * 37 + ".9")),
    ("berekening q = g * 3\n", {"g": Decimal("3" * 37 + ".33")}, None),
    ("berekening q = g + 0,1\n", {"g": Decimal("1E+36")}, Decimal("1" + "0" * 35 + "0.1")),
    ("berekening q = g + 0,01\n", {"g": Decimal("1E+36")}, None),
    # below 10^38 fits, 10^38 does not, also with a single significant digit
    ("berekening q = g * g\n", {"g": Decimal(10 ** 19 - 1)}, Decimal((10 ** 19 - 1) ** 2)),
    ("berekening q = g * g\n", {"g": Decimal(10 ** 19)}, None),
    ("berekening q = g + 0\n", {"g": Decimal("1E+40")}, None),
    ("berekening q = g - g\n", {"g": Decimal("1E+40")}, Decimal(0)),   # an operand that large is no result
    ("berekening q = 100% van omzet\n", {"omzet": Decimal("9E+37")}, Decimal("9E+37")),
    ("berekening q = 200% van omzet\n", {"omzet": Decimal("9E+37")}, None),
    # whole numbers: exact below 10^38
    ("berekening q = a * a\n", {"a": 10 ** 19 - 1}, (10 ** 19 - 1) ** 2),
    ("berekening q = a * a\n", {"a": 10 ** 19}, None),
    ("berekening q = a + a\n", {"a": 6 * 10 ** 37}, None),
    ("berekening q = d * a\n", {"d": 10 ** 20, "a": 10 ** 18}, None),
    ("berekening q = -d\n", {"d": 10 ** 38 - 1}, 1 - 10 ** 38),
    ("berekening q = -d\n", {"d": 10 ** 38}, None),
    # the one rounded result: a quotient, within the same range
    ("berekening q = omzet / g\n", {"omzet": Decimal("1E+30"), "g": Decimal("1E-10")}, None),
    ("berekening q = omzet / g\n", {"omzet": Decimal(1), "g": Decimal(0)}, None),
    ("berekening q = gemiddelde van l\n", {"l": [Decimal("1E+37"), Decimal("9E+37"), Decimal("9E+37")]}, None),
])
def test_a_result_that_cannot_be_exact_is_unknown(body, case, expected):
    assert values(body, case)["q"] == (("onbekend", None) if expected is None else ("bepaald", expected))


def test_repeated_squaring_ends_in_onbekend_not_an_overflow():
    body = "berekening q1 = g * g\n" + "".join(f"berekening q{i} = q{i - 1} * q{i - 1}\n" for i in range(2, 26))
    result = values(body, {"g": Decimal(10)})
    assert [result[f"q{i}"][1] for i in range(1, 6)] == [Decimal(10) ** (2 ** i) for i in range(1, 6)]
    assert {result[f"q{i}"] for i in range(6, 26)} == {("onbekend", None)}   # 10^64 and on
    huge = values(body, {"g": Decimal("1E+999999")})   # raised decimal.Overflow before
    assert {huge[f"q{i}"] for i in range(1, 26)} == {("onbekend", None)}


def test_a_quotient_of_whole_numbers_is_a_decimal_not_a_float():
    status, value = values("berekening q = a / 3\n", {"a": 1})["q"]
    assert status == "bepaald"
    assert type(value) is Decimal and value == Decimal("0.3333333333333333333333333333")


def test_a_duration_times_a_getal_is_a_whole_count_or_unknown():
    body = "berekening dg = d * g\nberekening later = s + d * g\n"
    whole = values(body, {"d": 3, "g": Decimal("2.0"), "s": date(2024, 1, 1)})
    assert whole == {"dg": ("bepaald", 6), "later": ("bepaald", date(2024, 1, 7))}
    assert type(whole["dg"][1]) is int
    half = values(body, {"d": 3, "g": Decimal("1.5"), "s": date(2024, 1, 1)})   # raised a TypeError before
    assert half == {"dg": ("onbekend", None), "later": ("onbekend", None)}


def test_written_values_are_computed_once_by_the_same_rule():
    policy = policy_of("berekening index = 6,37% + 1,4%\n"
                       "berekening te_groot = € 1" + ".000" * 12 + " * 100\n")   # 10^36 × 100
    outcome = policy.evaluate({})
    assert outcome["index"].value == Decimal("7.77") and str(outcome["te_groot"].status) == "onbekend"
    tree = py.parse(policy.compiled.source)
    assert not [node for node in py.walk(tree) if isinstance(node, py.BinOp)]


# ---------------------------------------------------------------- JSON
def test_a_huge_aantal_gives_json_also_when_a_decision_hands_it_on(tmp_path):
    body = "berekening kwadraat = a * a\nbeslissing door \"Door\" als a is ten minste 0 dan a anders 0\n"
    n = 10 ** 3000
    outcome = policy_of(body).evaluate({"a": n * n})
    rules = json.loads(json.dumps(outcome.to_dict()))["regels"]
    assert rules["kwadraat"]["status"] == "onbekend" and rules["kwadraat"]["waarde"] is None
    assert Decimal(rules["door"]["waarde"]) == n * n and rules["door"]["waarde_tekst"] == "1 × 10^6000"
    assert json.loads(json.dumps(policy_of(body).evaluate({"a": 12}).to_dict()))["regels"]["kwadraat"]["waarde"] == 144
    (tmp_path / "x.beleid").write_text(HEAD + body, encoding="utf-8")
    (tmp_path / "casus.json").write_text(json.dumps({"a": n}), encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "dsl.cli", "evalueer", str(tmp_path / "x.beleid"), "--casus",
                             str(tmp_path / "casus.json"), "--json"], cwd=ROOT, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    rules = json.loads(result.stdout)["regels"]
    assert rules["kwadraat"]["status"] == "onbekend" and Decimal(rules["door"]["waarde"]) == n


# ---------------------------------------------------------------- a problem on a very long line
def problem_at(prefix: int, suffix: int) -> tuple[str, list[str]]:
    """A name error after `prefix` characters of a long text literal, followed by `suffix` more."""
    line = f'eisen gr "G" eis e "E" vereist a is "{"x" * prefix}" of onbekende_naam is "{"y" * suffix}"'
    with pytest.raises(BeleidError) as info:
        compile_text('beleid "x"\ngegevens\n  a : tekst\n' + line + "\n", "x.beleid")
    return line, info.value.render().splitlines()


@pytest.mark.parametrize("prefix, suffix, cut_before, cut_after", [
    (100_000, 100_000, True, True), (10, 200_000, False, True), (200_000, 10, True, False), (10, 10, False, False)])
def test_an_error_on_a_long_line_shows_a_window_with_the_caret_in_place(prefix, suffix, cut_before, cut_after):
    line, rendered = problem_at(prefix, suffix)
    source = next(i for i, text in enumerate(rendered) if text.startswith("     4 | "))
    shown, caret = rendered[source][len("     4 | "):], rendered[source + 1]
    assert len(shown) <= 122 and shown.startswith("…") == cut_before and shown.endswith("…") == cut_after
    assert caret.startswith("       | ")
    at = caret.index("^") - len("       | ")
    assert shown[at:].startswith("onbekende_naam")
    assert caret[len("       | ") + at:] == "^" * len("onbekende_naam")
    column = line.index("onbekende_naam") + 1
    assert rendered[0].startswith(f"x.beleid:4:{column}: fout: ")
    if not (cut_before or cut_after):
        assert shown == line.rstrip() or shown == line
