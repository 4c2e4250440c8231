"""Hardening: hostile or clumsy policy texts and cases give Dutch answers with a place, never a traceback.

Each bad policy goes through `compile_text` and through `beleid controleer`; each runtime extreme
through `evaluate` and `beleid evalueer`. The command runs as `dsl.cli.main` in this process (it turns
every exception into a Dutch line; a new Python per input cost half a second); the deepest nestings also
run as a separate process. Every answer is checked for the Dutch message (with line and column) and for
the absence of a Python traceback or an English library text.
"""

from __future__ import annotations

import json
import re
import subprocess
from datetime import date
from decimal import Decimal

import pytest

from dsl.errors import BeleidError
from dsl.explain import explain, render
from dsl.parser.limits import MAX_DEPTH, MAX_ROWS
from dsl.policy import compile_text
from dsl.runtime.formatting import format_amount, format_money, format_number
from tests.conftest import beleid

HEAD = ('beleid "x"\ngegevens\n  a : aantal\n  omzet : bedrag\n  g : getal\n  d : datum\n  e : datum\n'
        '  m : duur in maanden\n  w : duur in werkdagen\n')   # the body starts on line 10
# Words of Python and of the libraries the tool uses; none may reach an author.
ENGLISH = re.compile(r"Traceback|Error\b|Exception|exceeded|out of range|overflow|Unexpected|expected|invalid|"
                     r"recursion|Expecting|line \d+ column", re.IGNORECASE)


def refused(body: str) -> BeleidError:
    with pytest.raises(BeleidError) as info:
        compile_text(HEAD + body, "x.beleid")
    return info.value


def controleer(tmp_path, text: str | bytes, process: bool = False) -> subprocess.CompletedProcess:
    path = tmp_path / "x.beleid"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return beleid("controleer", str(path), process=process)


def assert_dutch(output: str) -> None:
    assert "Traceback" not in output
    assert not ENGLISH.search(output), output[-2000:]


# ---------------------------------------------------------------- depth
def nested_brackets(n: int) -> str:
    return "berekening q = " + "(" * n + "a" + ")" * n + "\n"


def nested_sums(n: int) -> str:
    return "berekening q = " + "(a + " * n + "a" + ")" * n + "\n"


def and_chain(n: int) -> str:
    return 'eisen gr "G"\n  eis en1 "E" vereist ' + " en ".join(f"a is niet {i}" for i in range(n)) + "\n"


def nots(n: int) -> str:
    return 'eisen gr "G"\n  eis n1 "N" vereist ' + "niet " * n + "a is 1\n"


def flat_sum(n: int) -> str:
    return "berekening q = " + " + ".join(["a"] * n) + "\n"


def indented_lines(n: int) -> str:
    """Every line one step further in: layout only, the nesting is in the brackets."""
    return "berekening q =\n" + "".join(" " * i + "(a +\n" for i in range(n)) + " " * n + "a" + ")" * n + "\n"


# The last item (50 MB of indentation) is not run through `beleid controleer` here: the corpus item
# `ingesprongen_10000_regels` of tests/test_bad_inputs.py runs the same layout through `controleer`
# (message, line:column, no traceback, no English), and the other three items below run the command
# as a separate process (writing and rereading the 50 MB took 3 of its 4.5 s).
REFUSED_DEEP = [
    ("1000 geneste 'niet'", nots(1000), "11:", True),
    ("2000 termen met '+'", flat_sum(2000), "10:16", True),
    ("2000 geneste haakjes met '+'", nested_sums(2000), "10:", True),
    ("10.000 regels elk verder ingesprongen", indented_lines(10_000), "110:101", False),
]


@pytest.mark.parametrize("what, body, place, command", REFUSED_DEEP, ids=[c[0] for c in REFUSED_DEEP])
def test_deep_nesting_is_refused_with_its_place(tmp_path, what, body, place, command):
    error = refused(body)
    (diagnostic,) = error.diagnostics
    assert diagnostic.message == f"te diep genest: ten hoogste {MAX_DEPTH} niveaus"
    assert f"{diagnostic.span.line}:{diagnostic.span.column}".startswith(place)
    if not command:
        return
    result = controleer(tmp_path, HEAD + body, process=True)
    assert result.returncode == 1
    first = result.stderr.splitlines()[0]
    assert re.fullmatch(rf".*x\.beleid:\d+:\d+: fout: te diep genest: ten hoogste {MAX_DEPTH} niveaus", first)
    assert_dutch(result.stderr)


def test_the_nesting_limit_is_exact_and_the_deepest_policy_runs_and_explains():
    deepest = compile_text(HEAD + nots(MAX_DEPTH - 2), "x.beleid")   # the niets, the comparison, the name
    outcome = deepest.evaluate({"a": 1}, trace=True)
    assert outcome["n1"].status == "voldaan"   # an even number of 'niet'
    assert "n1" in render(explain(outcome))
    assert refused(nots(MAX_DEPTH - 1)).diagnostics[0].message.startswith("te diep genest")


@pytest.mark.parametrize("what, body", [("300 haakjes", nested_brackets(300)), ("10.000 haakjes", nested_brackets(10_000))])
def test_brackets_around_one_value_are_no_nesting(tmp_path, what, body):
    assert compile_text(HEAD + body, "x.beleid").evaluate({"a": 7})["q"].value == 7
    result = controleer(tmp_path, HEAD + body)
    assert result.returncode == 0 and "in orde" in result.stdout
    assert_dutch(result.stdout + result.stderr)


@pytest.mark.parametrize("n", [17, 1000])
def test_a_long_flat_chain_of_en_works_with_three_valued_logic(tmp_path, n):
    policy = compile_text(HEAD + and_chain(n), "x.beleid")
    assert policy.evaluate({"a": n})["en1"].status == "voldaan"
    assert policy.evaluate({"a": n - 1})["en1"].status == "niet voldaan"   # the last part fails
    assert policy.evaluate({})["en1"].status == "onbekend"
    traced = policy.evaluate({"a": 0}, trace=True)
    assert traced["en1"].status == "niet voldaan" and render(explain(traced))
    if n >= 1000:
        result = controleer(tmp_path, HEAD + and_chain(n))
        assert result.returncode == 0 and "in orde" in result.stdout


def test_a_long_chain_of_of_and_of_alle_van_works():
    ors = 'eisen gr "G"\n  eis o1 "O" vereist ' + " of ".join(f"a is {i}" for i in range(1000)) + "\n"
    alle = '  eis o2 "A" vereist alle van (' + "; ".join(f"a is niet {i}" for i in range(1000, 2000)) + ")\n"
    policy = compile_text(HEAD + ors + alle, "x.beleid")
    assert [policy.evaluate({"a": a})["o1"].status for a in (999, 1000)] == ["voldaan", "niet voldaan"]
    assert [policy.evaluate({"a": a})["o2"].status for a in (999, 1500)] == ["voldaan", "niet voldaan"]


def test_a_chain_of_a_thousand_rules_that_each_use_the_next():
    rules = "".join(f"berekening q{i} = q{i + 1} + 1\n" for i in range(1000)) + "berekening q1000 = a\n"
    policy = compile_text(HEAD + rules, "x.beleid")
    assert policy.evaluate({"a": 5})["q0"].value == 1005


def test_a_cycle_of_a_thousand_rules_is_one_short_message():
    rules = "".join(f"berekening q{i} = q{(i + 1) % 1000} + 1\n" for i in range(1000))
    (diagnostic,) = refused(rules).diagnostics
    assert diagnostic.message == ("deze regels gebruiken elkaar in een kring: q0 -> q1 -> q2 -> q3 -> q4 -> "
                                  "... (991 regels meer) -> q996 -> q997 -> q998 -> q999 -> q0")
    assert (diagnostic.span.line, diagnostic.span.column) == (10, 1)


def test_a_decision_with_too_many_rows_is_refused_at_the_first_row_too_many(tmp_path):
    def decision(rows: int) -> str:
        return 'beslissing b "B"\n' + "".join(f"  als a is {i} dan {i}\n" for i in range(rows)) + "  anders 0\n"

    assert compile_text(HEAD + decision(MAX_ROWS), "x.beleid").evaluate({"a": MAX_ROWS - 1})["b"].value == MAX_ROWS - 1
    (diagnostic,) = refused(decision(MAX_ROWS + 1)).diagnostics
    assert diagnostic.message == f"deze beslissing heeft {MAX_ROWS + 1} regels; ten hoogste {MAX_ROWS}"
    assert (diagnostic.span.line, diagnostic.span.column) == (11 + MAX_ROWS, 3)
    result = controleer(tmp_path, HEAD + decision(MAX_ROWS + 1))
    assert result.returncode == 1 and f"x.beleid:{11 + MAX_ROWS}:3: fout: deze beslissing heeft" in result.stderr
    assert_dutch(result.stderr)


# ---------------------------------------------------------------- control characters
CONTROL = [
    ("NUL in een tekst", 'eisen gr "G\x00"\n  eis e1 "E" vereist a is 1\n', "10:12", "een NUL-teken (U+0000)"),
    ("NUL in commentaar", "# opmerking \x00\nberekening q = a\n", "10:13", "een NUL-teken (U+0000)"),
    ("NUL in de code", "berekening q = a\x00\n", "10:17", "een NUL-teken (U+0000)"),
    ("paginaeinde", "berekening q = a\n\x0cberekening r = a\n", "11:1", "een paginaeinde (U+000C)"),
    ("escape", 'berekening q = "\x1b[31m"\n', "10:17", "een stuurteken (U+001B)"),
    ("schrijfrichting", 'eisen gr "G"\n  eis e1 "\u202eE" vereist a is 1\n', "11:11",
     "een teken voor schrijfrichting (U+202E)"),
]


@pytest.mark.parametrize("what, body, place, named", CONTROL, ids=[c[0] for c in CONTROL])
def test_control_characters_are_refused_with_their_place(tmp_path, what, body, place, named):
    (diagnostic,) = refused(body).diagnostics
    assert f"{diagnostic.span.line}:{diagnostic.span.column}" == place
    assert diagnostic.message == f"{named} hoort niet in een beleid"
    result = controleer(tmp_path, (HEAD + body).encode("utf-8"))
    assert result.returncode == 1
    assert result.stderr.splitlines()[0].endswith(f"x.beleid:{place}: fout: {named} hoort niet in een beleid")
    assert_dutch(result.stderr)


def test_tab_carriage_return_and_newline_stay_allowed():
    policy = compile_text(HEAD.replace("\n", "\r\n") + "berekening\tq = a\r\n", "x.beleid")
    assert policy.evaluate({"a": 3})["q"].value == 3


# ---------------------------------------------------------------- negative durations
NEGATIVE = [
    ("binnen", 'termijn t "T": e binnen -10 dagen na d\n', "10:25", "hier kan geen negatieve duur staan: -10 dagen",
     "een termijn telt de duur zonder minteken: schrijf 'binnen 10 dagen na ...'"),
    ("ten minste voor", 'termijn t "T": e ten minste -3 weken voor d\n', "10:29",
     "hier kan geen negatieve duur staan: -3 weken",
     "een termijn telt de duur zonder minteken: schrijf 'ten minste 3 weken voor ...'"),
    ("na", 'termijn t "T": e uiterlijk -2 maanden na d\n', "10:28", "hier kan geen negatieve duur staan: -2 maanden",
     "om terug te rekenen schrijf je '2 maanden voor ...'"),
    ("datum plus", "berekening q = d + -3 werkdagen\n", "10:20", "hier kan geen negatieve duur staan: -3 werkdagen",
     "schrijf '... - 3 werkdagen'"),
    ("berekend", 'termijn t "T": e binnen 1 dag - 2 dagen na d\n', "10:25", "hier kan geen negatieve duur staan",
     "een termijn telt de duur zonder minteken: schrijf 'binnen <duur zonder minteken> na ...'"),
]


@pytest.mark.parametrize("what, body, place, message, hint", NEGATIVE, ids=[c[0] for c in NEGATIVE])
def test_negative_durations_are_refused_at_the_number(tmp_path, what, body, place, message, hint):
    refused_at(tmp_path, body, place, message, hint)


def test_durations_that_are_not_constant_or_not_negative_stay_allowed():
    policy = compile_text(HEAD + 'termijn t "T": e binnen 0 dagen na d\ntermijn u "U": e binnen w na d\n'
                          "berekening q = -3 dagen\nberekening r = d - 3 dagen\n", "x.beleid")
    outcome = policy.evaluate({"d": "2024-01-10", "e": "2024-01-10", "w": 2})
    assert (outcome["t"].status, outcome["u"].status, outcome["r"].value) == ("gehaald", "gehaald", date(2024, 1, 7))


# ---------------------------------------------------------------- runtime: onbekend, never a traceback
RUNTIME = [
    ("100 miljoen dagen", "berekening q = d + 100000000 dagen\n", {"d": "2024-01-01"}),
    ("na 31 december 9999", "berekening q = d + 1 dag\n", {"d": "9999-12-31"}),
    ("voor 1 januari 1", "berekening q = d - 1 dag\n", {"d": "0001-01-01"}),
    ("werkdagen in 2150", "berekening q = d + 10 werkdagen\n", {"d": "2150-01-01"}),
    ("werkdagen voorbij 2100", "berekening q = d + w\n", {"d": "2100-12-28", "w": 100_000_000}),
    ("maanden voorbij 9999", "berekening q = d + m\n", {"d": "2024-01-01", "m": 100_000_000}),
    ("dag van een periode", "berekening q = dag 999999999999 van d\n", {"d": "2024-01-01"}),
    ("termijn voorbij 2100", 'termijn q "T": e binnen w na d\n', {"d": "2024-01-01", "e": "2024-02-01", "w": 10**6}),
    ("termijn voor 1966", 'termijn q "T": e ten minste 10 werkdagen voor d\n', {"d": "1966-01-03", "e": "1965-01-01"}),
    ("eis op een datum buiten de kalender", 'eisen gr "G"\n  eis q "E" vereist d + 1 dag is na e\n',
     {"d": "9999-12-31", "e": "2024-01-01"}),
]


@pytest.mark.parametrize("what, body, case", RUNTIME, ids=[c[0] for c in RUNTIME])
def test_runtime_calendar_errors_are_unknown(what, body, case):
    policy = compile_text(HEAD + body, "x.beleid")
    for outcome in (policy.evaluate(dict(case)), policy.evaluate(dict(case)), policy.evaluate(dict(case), trace=True)):
        assert (outcome["q"].status, outcome["q"].value) == ("onbekend", None)
    assert render(explain(policy.evaluate(dict(case), trace=True)))


# A termijn in months whose end falls outside the calendar: its explanation recomputes the month shift.
MONTHS_TIMELINE = ("termijn in maanden voorbij 9999", 'termijn q "T": e binnen m na d\n',
                   {"d": "2024-01-01", "e": "2024-02-01", "m": 100_000_000})


def test_a_termijn_whose_end_is_outside_the_calendar_is_unknown():
    policy = compile_text(HEAD + MONTHS_TIMELINE[1], "x.beleid")
    outcome = policy.evaluate(dict(MONTHS_TIMELINE[2]), trace=True)
    assert (outcome["q"].status, outcome["q"].deadline) == ("onbekend", None)


def evalueer(tmp_path, text: str, case: dict, *extra: str) -> subprocess.CompletedProcess:
    (tmp_path / "x.beleid").write_text(text, encoding="utf-8")
    (tmp_path / "casus.json").write_text(json.dumps(case), encoding="utf-8")
    return beleid("evalueer", str(tmp_path / "x.beleid"), "--casus", str(tmp_path / "casus.json"), *extra)


def one_policy(cases) -> tuple[str, dict]:
    """The runtime cases as one policy and one case: case i's rule is q{i}, its gegevens d{i}, e{i}, ..."""
    declarations, rules, values = "", "", {}
    for i, (_what, body, case) in enumerate(cases):
        declarations += f"  d{i} : datum\n  e{i} : datum\n  w{i} : duur in werkdagen\n  m{i} : duur in maanden\n"
        rules += re.sub(r"\b(d|e|w|m|q|gr)\b", r"\g<1>" + str(i), body)
        values.update({f"{name}{i}": value for name, value in case.items()})
    return 'beleid "x"\ngegevens\n' + declarations + rules, values


def test_runtime_calendar_errors_are_unknown_in_beleid_evalueer(tmp_path):
    text, case = one_policy(RUNTIME)
    for extra in ([], ["--wat-als"], ["--json"]):
        result = evalueer(tmp_path, text, case, *extra)
        assert result.returncode == 0, result.stderr
        assert_dutch(result.stdout + result.stderr)
    rules = json.loads(result.stdout)["regels"]
    assert {rules[f"q{i}"]["status"] for i in range(len(RUNTIME))} == {"onbekend"}


def test_a_termijn_whose_end_is_outside_the_calendar_is_unknown_in_beleid_evalueer(tmp_path):
    result = evalueer(tmp_path, HEAD + MONTHS_TIMELINE[1], MONTHS_TIMELINE[2], "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["regels"]["q"]["status"] == "onbekend"


def test_huge_amounts_are_computed_and_formatted(tmp_path):
    body = "berekening dubbel = omzet * 2\nberekening deel = 50% van omzet\nberekening kopie = omzet\n"
    policy = compile_text(HEAD + body, "x.beleid")
    outcome = policy.evaluate({"omzet": "100000000000000000000000000"}, trace=True)
    assert policy.format("dubbel", outcome["dubbel"].value) == "€ 200.000.000.000.000.000.000.000.000,00"
    assert "€ 50.000.000.000.000.000.000.000.000,00" in render(explain(outcome))
    for extra in ([], ["--wat-als"]):
        result = evalueer(tmp_path, HEAD + body, {"omzet": "123456789012345678901234567890,12"}, *extra)
        assert result.returncode == 0, result.stderr
        assert "€ 123.456.789.012.345.678.901.234.567.890,12" in result.stdout
        assert_dutch(result.stdout + result.stderr)


@pytest.mark.parametrize("value, money, amount, number", [
    ("100000000000000000000000000.005", "€ 100.000.000.000.000.000.000.000.000,01",
     "€ 100.000.000.000.000.000.000.000.000,005", "100.000.000.000.000.000.000.000.000,005"),
    ("1E+41", "€ 1 × 10^41", "€ 1 × 10^41", "1 × 10^41"),
    ("-2.5E+999999", "€ -2,5 × 10^999999", "€ -2,5 × 10^999999", "-2,5 × 10^999999"),
    ("1E-999999", "€ 0,00", "€ 1 × 10^-999999", "1 × 10^-999999"),
])
def test_formatting_never_raises_and_writes_out_what_it_can(value, money, amount, number):
    assert (format_money(Decimal(value)), format_amount(Decimal(value)), format_number(Decimal(value))) == (
        money, amount, number)


# ---------------------------------------------------------------- messages an author can act on
MESSAGES = [
    ("harde spatie als duizendtalscheiding", 'eisen gr "G"\n  eis e1 "E" vereist omzet is ten hoogste € 2\u00a0500\u00a0000\n',
     "11:46", "een harde spatie (U+00A0) hoort hier niet",
     "schrijf bedragen op zijn Nederlands, met een punt tussen duizendtallen: € 2.500.000"),
    ("Engels getal", 'eisen gr "G"\n  eis e1 "E" vereist g is ten hoogste 1,500.5\n', "11:39",
     "'1,500.5' is geen Nederlandse schrijfwijze van een getal",
     "schrijf getallen op zijn Nederlands: 1.500,5 (een punt tussen duizendtallen, een komma voor de decimalen)"),
    ("Engels bedrag", 'eisen gr "G"\n  eis e1 "E" vereist omzet is ten hoogste € 2,500,000\n', "11:45",
     "'2,500,000' is geen Nederlandse schrijfwijze van een bedrag",
     "schrijf bedragen op zijn Nederlands: € 2.500.000 (een punt tussen duizendtallen, een komma voor de decimalen)"),
    ("minimaal", 'eisen gr "G"\n  eis e1 "E" vereist omzet is minimaal € 2.500.000\n', "11:31",
     "'minimaal' is geen sleutelwoord", "bedoelde u 'ten minste'?"),
    ("maximaal", 'eisen gr "G"\n  eis e1 "E" vereist omzet is maximaal € 2.500.000\n', "11:31",
     "'maximaal' is geen sleutelwoord", "bedoelde u 'ten hoogste'?"),
    ("werkweken", 'termijn t "T": e binnen 2 werkweken na d\n', "10:27", "onbekende eenheid 'werkweken'",
     "bedoeld: werkdagen (5 per werkweek) of weken? (de eenheden zijn: dagen, weken, maanden, jaren, uren, "
     "minuten, seconden, werkdagen (enkelvoud mag ook))"),
    ("kaal getal bij een bedrag", 'eisen gr "G"\n  eis e1 "E" vereist omzet is ten minste 2500000\n', "11:22",
     "een bedrag kan niet vergeleken worden met een aantal", "schrijf het bedrag met het euroteken: € 2.500.000"),
    ("beslissing zonder regels", 'beslissing b "B"\n  bron "Tabel 3"\n\nberekening q = a\n', "10:1",
     "deze beslissing heeft geen regels",
     "schrijf na de titel regels 'als <voorwaarde> dan <uitkomst>', eventueel gevolgd door 'anders <uitkomst>'"),
    ("groep zonder eisen", 'eisen gr "G"\n\nberekening q = a\n', "10:1", "deze groep heeft geen eisen",
     "schrijf na de titel eisen: 'eis <naam> \"<titel>\" vereist <voorwaarde>'"),
]


@pytest.mark.parametrize("what, body, place, message, hint", MESSAGES, ids=[c[0] for c in MESSAGES])
def test_messages_name_the_slip_in_the_authors_terms(tmp_path, what, body, place, message, hint):
    refused_at(tmp_path, body, place, message, hint)


def refused_at(tmp_path, body: str, place: str, message: str, hint: str) -> None:
    """The policy text is refused with one diagnostic at `place` with this message and hint, in the
    API and on the command line (in Dutch)."""
    (diagnostic,) = refused(body).diagnostics
    assert (f"{diagnostic.span.line}:{diagnostic.span.column}", diagnostic.message, diagnostic.hint) == (
        place, message, hint)
    result = controleer(tmp_path, HEAD + body)
    assert result.returncode == 1 and f"x.beleid:{place}: fout: {message}" in result.stderr
    assert f"hint: {hint}" in result.stderr
    assert_dutch(result.stderr)


def test_expected_lists_name_what_fits_there_and_new_sections_once():
    (diagnostic,) = refused('eisen gr "G"\n  eis e1 "E" vereist a is 1 )\n').diagnostics
    assert diagnostic.message == "onverwacht ')' hier"
    assert diagnostic.expected == ("'eis'", "'met uitzondering van'", "'tenzij'", "een nieuw onderdeel (gegevens, "
                                   "eisen, berekening, beslissing, termijn, bevoegdheid, voorbeeld)")
    (after_number,) = refused("berekening q = d + 2 eeuwen\n").diagnostics
    assert (after_number.message, after_number.expected) == ("onbekende eenheid 'eeuwen'", ())
