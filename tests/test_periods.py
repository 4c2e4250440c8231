"""The length of a period (`de periode van A tot en met B duurt ten hoogste N`), distinct from a deadline.

One meaning, decided in the core model: with E the first day after the period (B + 1 dag when the
last day counts, B with `tot`), the length compares with N as E compares with A + N (calendar
months with the runtime's end-of-month rule, or days). Checked here against that definition
written out independently, for every comparison word, in a condition and as a termijn; in the two
re-encoded policies at their boundaries; in the explanation; in Polars; in the consistency check
(z3 for days, search for months); the checker's Dutch errors; and the keywords in the vocabulary.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from pygments import lex
from pygments.token import Keyword

from dsl.analysis import check_policy
from dsl.batch import evaluate_table, plan_for
from dsl.batch.agreement import disagreements
from dsl.batch.polars_rules import PolarsPlan
from dsl.core import expr as E
from dsl.core import model as M
from dsl.errors import BeleidError
from dsl.explain import explain, render
from dsl.policy import compile_text, load_policy
from dsl.runtime.calendar import add_months
from kernel import assist
from kernel.lexer import BeleidLexer

ROOT = Path(__file__).resolve().parent.parent
WORDS = {"<=": "ten hoogste", "<": "korter dan", ">=": "ten minste", ">": "langer dan", "==": ""}
PYTHON_OPS = {"<=": lambda a, b: a <= b, "<": lambda a, b: a < b, ">=": lambda a, b: a >= b,
              ">": lambda a, b: a > b, "==": lambda a, b: a == b, "!=": lambda a, b: a != b}
LENGTHS = {"één jaar": ("maanden", 12), "zes maanden": ("maanden", 6), "10 dagen": ("dagen", 10),
           "2 weken": ("dagen", 14)}


def _policy_for(length: str) -> str:
    """Every comparison word, with and without the last day, as an eis and (except `niet`) as a termijn."""
    lines = ['beleid "P"', "gegevens", "  a : datum", "  b : datum", 'eisen g "G"']
    for op, words in [*WORDS.items(), ("!=", "niet gelijk aan")]:
        for counted, until in ((True, "tot en met"), (False, "tot")):
            key = f"{'c' if counted else 'o'}{list(PYTHON_OPS).index(op)}"
            lines.append(f'  eis e_{key} "E" vereist de periode van a {until} b duurt {words} {length}')
    for op, words in WORDS.items():
        for counted, until in ((True, "tot en met"), (False, "tot")):
            key = f"{'c' if counted else 'o'}{list(PYTHON_OPS).index(op)}"
            lines.append(f'termijn t_{key} "T": de periode van a {until} b duurt {words} {length}')
    return "\n".join(lines) + "\n"


def _expected(start: date, end: date, counted: bool, op: str, length: tuple[str, int]) -> bool:
    """The definition, written out: for days the length is B - A + 1 (B counted) or B - A; for
    months E compares with A + N months, E the day after the period."""
    unit, n = length
    if unit == "dagen":
        days = (end - start).days + (1 if counted else 0)
        return PYTHON_OPS[op](days, n)
    after = end + timedelta(days=1) if counted else end
    return PYTHON_OPS[op](after, add_months(start, n)[0])


@pytest.mark.parametrize("length", list(LENGTHS))
def test_every_comparison_word_means_the_length_of_the_period_in_a_condition_and_as_a_termijn(length):
    policy = compile_text(_policy_for(length), "p.beleid")
    starts = [date(2020, 1, 1), date(2022, 8, 31), date(2023, 1, 31), date(2024, 2, 29)]
    for start in starts:
        unit, n = LENGTHS[length]
        centre = add_months(start, n)[0] if unit == "maanden" else start + timedelta(days=n)
        for delta in range(-3, 4):
            end = centre + timedelta(days=delta)
            outcome = policy.evaluate({"a": start, "b": end})
            for op in PYTHON_OPS:
                for counted in (True, False):
                    key = f"{'c' if counted else 'o'}{list(PYTHON_OPS).index(op)}"
                    expected = _expected(start, end, counted, op, LENGTHS[length])
                    assert outcome.status(f"e_{key}") == ("voldaan" if expected else "niet voldaan"), (start, end, op)
                    if op != "!=":
                        assert outcome.status(f"t_{key}") == ("gehaald" if expected else "niet gehaald"), \
                            (start, end, op, counted)


def test_the_core_model_holds_the_meaning_as_a_comparison_of_moments():
    policy = compile_text(_policy_for("één jaar"), "p.beleid")
    condition = policy.model.rules["e_c0"].condition   # tot en met, ten hoogste
    assert isinstance(condition, E.PeriodLength) and isinstance(condition, E.Compare)
    assert condition.op == "<=" and condition.end_counted and condition.moments
    after, limit = condition.left, condition.right
    assert isinstance(after, E.Shift) and after.base is condition.end and after.unit == "dagen"
    assert isinstance(limit, E.Shift) and limit.base is condition.start and limit.unit == "maanden"
    assert isinstance(limit.amount, E.Const) and limit.amount.value == 12
    assert policy.model.rules["e_o0"].condition.left is policy.model.rules["e_o0"].condition.end   # `tot`
    termijn = policy.model.rules["t_c0"]
    assert isinstance(termijn, M.Timeline) and termijn.words is M.TimelineKind.PERIODE
    assert termijn.strict and not termijn.exact and termijn.start is None and termijn.period is not None


def test_an_unknown_end_is_onbekend_and_a_termijn_without_its_event_waits_for_the_peildatum():
    policy = compile_text(_policy_for("één jaar"), "p.beleid")
    outcome = policy.evaluate({"a": "1 januari 2020"})
    assert outcome.status("e_c0") == "onbekend"
    assert outcome.status("t_c0") == "onbekend"   # no peildatum either
    waiting = policy.evaluate({"a": "1 januari 2020", "peildatum": "31 december 2020"})
    assert waiting.status("t_c0") == "nog niet verstreken"
    late = policy.evaluate({"a": "1 januari 2020", "peildatum": "1 januari 2021"})
    assert late.status("t_c0") == "verstreken zonder datum"


# ---------------------------------------------------------------- the two re-encoded policies
@pytest.fixture(scope="module")
def ggz():
    return load_policy(ROOT / "policies" / "ggz_2020.beleid")


@pytest.fixture(scope="module")
def grz():
    return load_policy(ROOT / "policies" / "elv_grz_2023.beleid")


@pytest.mark.parametrize(("begin", "end", "status", "length"), [
    ("1 januari 2020", "31 december 2020", "gehaald", "duurt 1 jaar;"),
    ("1 januari 2020", "1 januari 2021", "niet gehaald", "duurt 1 jaar en 1 dag;"),
    ("1 maart 2021", "28 februari 2022", "gehaald", "duurt 1 jaar;"),
    ("1 maart 2021", "1 maart 2022", "niet gehaald", "duurt 1 jaar en 1 dag;"),
    # 29 februari + 1 jaar is 28 februari (the end-of-month rule): a year ends on 27 februari
    ("29 februari 2020", "27 februari 2021", "gehaald", "duurt 1 jaar;"),
    ("29 februari 2020", "28 februari 2021", "niet gehaald", "duurt 1 jaar en 1 dag;"),
])
def test_ggz_a_machtiging_of_at_most_one_year_counts_its_last_day(ggz, begin, end, status, length):
    rule = ggz.model.rules["machtiging_een_jaar"]
    assert isinstance(rule, M.Timeline) and rule.period is not None and rule.period.end_counted
    outcome = ggz.evaluate({"begin_machtiging": begin, "einde_machtiging": end}, trace=True)
    assert outcome.status("machtiging_een_jaar") == status
    sentence = next(s.sentence for s in explain(outcome) if s.name == "machtiging_een_jaar")
    assert sentence.startswith(f"{status.capitalize()}: de periode van {begin} tot en met {end} {length} "
                               "ten hoogste één jaar (vóór ")


@pytest.mark.parametrize(("opname", "ontslag", "status"), [
    ("15 januari 2023", "15 juli 2023", "gehaald"),
    ("15 januari 2023", "16 juli 2023", "niet gehaald"),
    ("31 augustus 2022", "28 februari 2023", "gehaald"),
    ("31 augustus 2022", "1 maart 2023", "niet gehaald"),
])
def test_grz_the_day_of_discharge_does_not_count(grz, opname, ontslag, status):
    rule = grz.model.rules["t_duur_grz"]
    assert isinstance(rule, M.Timeline) and rule.period is not None and not rule.period.end_counted
    outcome = grz.evaluate({"opname_grz": opname, "ontslag_grz": ontslag}, trace=True)
    assert outcome.status("t_duur_grz") == status
    text = render(explain(outcome))
    assert f"de periode van {opname} tot {ontslag} duurt" in text and "ten hoogste zes maanden" in text


def test_grz_the_explanation_says_six_months_and_a_day(grz):
    outcome = grz.evaluate({"opname_grz": "15 januari 2023", "ontslag_grz": "16 juli 2023"}, trace=True)
    sentence = next(s.sentence for s in explain(outcome) if s.name == "t_duur_grz")
    assert sentence == ("Niet gehaald: de periode van 15 januari 2023 tot 16 juli 2023 duurt 6 maanden en 1 dag; "
                        "ten hoogste zes maanden (uiterste moment 15 juli 2023) (3.1 Algemene visie op ELV en GRZ, "
                        "Geriatrische revalidatiezorg).")


# ---------------------------------------------------------------- explanation of a condition
PERIOD = '''beleid "Machtiging"
gegevens
  begin_machtiging : datum "eerste dag"
  einde_machtiging : datum "laatste dag"
eisen g "G"
  eis een_jaar "Eén jaar" vereist de periode van begin_machtiging tot en met einde_machtiging duurt ten hoogste één jaar
  eis drie_dagen "Drie dagen" vereist de periode van begin_machtiging tot einde_machtiging duurt 3 dagen
beslissing soort "Soort"
  als de periode van begin_machtiging tot en met einde_machtiging duurt langer dan zes maanden dan "lang"
  anders "kort"
'''


def test_the_explanation_says_how_long_the_period_lasted_and_what_is_asked():
    policy = compile_text(PERIOD, "m.beleid")
    met = policy.evaluate({"begin_machtiging": "1 januari 2020", "einde_machtiging": "31 december 2020"}, trace=True)
    steps = {s.name: s for s in explain(met)}
    group = steps["g"]
    children = {c.name: c for c in group.children}
    assert children["een_jaar"].sentence == ("Voldoet: de periode van 1 januari 2020 tot en met 31 december 2020 "
                                            "duurt 1 jaar; ten hoogste één jaar (G).")
    assert children["drie_dagen"].sentence == ("Voldoet niet: de periode van 1 januari 2020 tot 31 december 2020 duurt "
                                        "365 dagen; precies 3 dagen (G).")
    condition = children["een_jaar"].children[0]
    assert condition.values == (("eerste dag", "1 januari 2020"), ("laatste dag", "31 december 2020"))
    assert met.value("soort") == "lang"
    short = policy.evaluate({"begin_machtiging": "1 januari 2020", "einde_machtiging": "30 juni 2020"})
    assert short.value("soort") == "kort"   # 1 januari tot en met 30 juni: precies zes maanden
    backwards = policy.evaluate({"begin_machtiging": "1 januari 2020", "einde_machtiging": "1 december 2019"},
                                trace=True)
    assert "eindigt voordat ze begint; ten hoogste één jaar" in render(explain(backwards))


# ---------------------------------------------------------------- batch and consistency
def test_polars_gives_the_per_case_outcome_at_every_boundary():
    policy = compile_text(_policy_for("zes maanden"), "p.beleid")
    assert isinstance(plan_for(policy), PolarsPlan)   # evaluated in Polars, not per case
    rows = [{"a": start, "b": add_months(start, 6)[0] + timedelta(days=d)}
            for start in (date(2022, 8, 31), date(2023, 1, 15), date(2024, 2, 29)) for d in (-2, -1, 0, 1)]
    rows += [{"a": date(2023, 1, 15)}, {}]
    table = evaluate_table(policy, rows)
    assert disagreements(policy, rows, table) == []
    assert table["t_c0.uiterste_datum"][0] == date(2023, 2, 28)


def test_the_solver_proves_a_period_in_days_and_one_in_months():
    policy = compile_text('''beleid "Z"
gegevens
  a : datum
  b : datum
eisen g "G"
  eis kort "Kort" vereist de periode van a tot en met b duurt ten hoogste 10 dagen en de periode van a tot b duurt langer dan 10 dagen
  eis jaar_lang "Jaar" vereist de periode van a tot en met b duurt ten hoogste één jaar
''', "z.beleid")
    report = check_policy(policy, method="exact")
    never = {f.rule: f for f in report.findings if f.kind == "eis_onvervulbaar"}
    assert set(never) == {"kort"} and never["kort"].method == "exact" and never["kort"].confirmed
    assert not report.fallbacks and {c.rule: c.method for c in report.checked}["jaar_lang"] == "exact"


# ---------------------------------------------------------------- the checker's Dutch errors
def _problems(body: str) -> list[str]:
    with pytest.raises(BeleidError) as info:
        compile_text('beleid "F"\ngegevens\n  a : datum\n  b : datum\n  m : tijdstip\n  n : getal\n' + body, "f.beleid")
    return [f"{d.span.line}:{d.span.column} {d.message}" + (f" | {d.hint}" if d.hint else "")
            for d in info.value.diagnostics]


@pytest.mark.parametrize(("body", "expected"), [
    ('eisen g "G"\n  eis e "E" vereist de periode van a tot en met m duurt ten hoogste 1 jaar\n',
     "8:49 het einde van een periode is een datum, maar dit is een tijdstip | een periode telt hele dagen"),
    ('eisen g "G"\n  eis e "E" vereist de periode van n tot en met b duurt ten hoogste 1 jaar\n',
     "8:36 het begin van een periode is een datum, maar dit is een getal"),
    ('eisen g "G"\n  eis e "E" vereist de periode van a tot en met b duurt ten hoogste 12\n',
     "8:69 na 'duurt' hoort een duur (zoals zes maanden), maar dit is een aantal"),
    ('eisen g "G"\n  eis e "E" vereist de periode van a tot en met b duurt ten hoogste 10 werkdagen\n',
     "8:69 de lengte van een periode telt in dagen, weken, maanden of jaren, niet in werkdagen"),
    ('eisen g "G"\n  eis e "E" vereist de periode van a tot en met b duurt ten hoogste -3 dagen\n',
     "8:69 hier kan geen negatieve duur staan: -3 dagen | schrijf de lengte zonder minteken: '3 dagen'"),
    ('eisen g "G"\n  eis e "E" vereist de periode van a tot en met b duurt uiterlijk 1 jaar\n',
     "8:21 'uiterlijk' past bij een datum, niet bij de lengte van een periode | schrijf 'duurt ten hoogste ...'"),
    ('termijn t "T": de periode van a tot en met 1 maand na b duurt ten hoogste 1 jaar\n',
     "7:44 in een termijn is het einde van de periode de gebeurtenis: een gegeven met een datum"),
    ('termijn t "T": de periode van a tot en met b duurt niet 1 jaar\n',
     "7:16 een termijn kan niet zeggen dat een periode 'niet' zo lang duurt | schrijf het als eis"),
])
def test_misuse_is_a_dutch_error_at_its_place(body, expected):
    found = _problems(body)
    assert len(found) == 1 and found[0].startswith(expected), found


def test_a_period_without_its_length_is_a_syntax_error_at_its_place():
    found = _problems('eisen g "G"\n  eis e "E" vereist de periode van a tot en met b duurt\n')
    assert len(found) == 1 and found[0].startswith("8:51 het bestand houdt hier onverwacht op"), found


# ---------------------------------------------------------------- vocabulary
def test_the_new_words_are_keywords_with_help():
    tokens = [(t, v) for t, v in lex('eis e "E" vereist de periode van a tot en met b duurt ten hoogste één jaar\n',
                                     BeleidLexer()) if v.strip()]
    assert (Keyword, "de periode van") in tokens and (Keyword, "duurt") in tokens
    assert "tot en met" in assist.KEYWORD_HELP["periode"] and "periode" in assist.KEYWORD_HELP["duurt"]
    assert "de periode van" in assist.KEYWORD_HELP["termijn"]


VERSIONED = '''beleid "V"
gegevens
  a : datum
  b : datum
termijn t "T" geldig tot en met 31 december 2023 : de periode van a tot en met b duurt ten hoogste één jaar
wijziging "W" geldig vanaf 1 januari 2024
  termijn t "T" : de periode van a tot en met b duurt ten hoogste zes maanden
einde wijziging
'''


def test_versions_of_a_period_termijn_change_the_length_not_the_form():
    policy = compile_text(VERSIONED, "v.beleid")
    case = {"a": "1 januari 2020", "b": "31 december 2020"}
    assert policy.evaluate({**case, "peildatum": "31 december 2023"}).status("t") == "gehaald"
    assert policy.evaluate({**case, "peildatum": "1 januari 2024"}).status("t") == "niet gehaald"
    found = _problems(VERSIONED.split("gegevens\n  a : datum\n  b : datum\n")[1].replace(
        "wijziging", "wijziging", 1).replace("tot en met b duurt ten hoogste zes", "tot b duurt ten hoogste zes"))
    assert len(found) == 1 and "verschillen in de vorm van de termijn: 'de periode van ... tot ... duurt ten " \
        "hoogste'" in found[0], found
