"""Rounding (`afgerond op centen`): one meaning, decided in the core model, in every back end.

The per-case result of each mode on positive and negative halves; the same values through the
Polars batch (and Spark where Java is present) and agreement on generated cases; the z3 encoding
proving requirements on rounded values satisfiable or not; the checker's Dutch errors; the
explanation; the syntax and its precedence; the new keywords in the vocabulary and highlighter.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from pygments import lex

from dsl import ast
from dsl.analysis import check_policy
from dsl.analysis.thresholds import thresholds
from dsl.batch import evaluate_table, plan_for
from dsl.batch.agreement import disagreements, mixed_cases
from dsl.batch.polars_rules import PolarsPlan
from dsl.core import expr as E
from dsl.errors import BeleidError, CaseError
from dsl.explain import Explainer, explain
from dsl.parser import parse, reserved_words
from dsl.policy import compile_text
from kernel.lexer import BeleidLexer

ROOT = Path(__file__).resolve().parent.parent

POLICY = '''beleid "Afronden"
gegevens
  saldo   : bedrag van € -1.000 tot en met € 1.000 "saldo"
  waarde  : getal "waarde"
  aandeel : percentage "aandeel"
berekening c_standaard = saldo afgerond op centen
berekening c_rekenkundig = saldo afgerond op centen rekenkundig
berekening c_boven = saldo afgerond op centen naar boven
berekening c_beneden = saldo afgerond op centen naar beneden
berekening c_even = saldo afgerond op centen half naar even
berekening euro = saldo afgerond op hele euro's
berekening w_standaard = waarde afgerond op 2 decimalen
berekening w_boven = waarde afgerond op twee decimalen naar boven
berekening w_beneden = waarde afgerond op hele getallen naar beneden
berekening w_even = waarde afgerond op 1 decimaal half naar even
berekening procent = aandeel afgerond op 1 decimaal
berekening deel = 12,5% van saldo afgerond op centen naar beneden
eisen grens "Grens"
  eis minstens "Minstens € 3" vereist saldo afgerond op hele euro's is ten minste € 3
beslissing klasse "Klasse"
  als saldo afgerond op centen naar beneden is ten minste € 0 dan 20% van saldo afgerond op centen
  anders € 0
'''
CENT_RULES = ("c_standaard", "c_rekenkundig", "c_boven", "c_beneden", "c_even")


@pytest.fixture(scope="module")
def policy():
    return compile_text(POLICY, "afronden.beleid")


def _money(text: str) -> str:
    """A Dutch amount as a case writes it: "2,345" -> "€ 2,345", "-2,345" -> "€ -2,345"."""
    return f"€ {text}"


# saldo -> (rekenkundig, naar boven, naar beneden, half naar even), in cents
HALVES = [
    ("2,345", "2.35", "2.35", "2.34", "2.34"),
    ("-2,345", "-2.35", "-2.34", "-2.35", "-2.34"),
    ("2,355", "2.36", "2.36", "2.35", "2.36"),
    ("-2,355", "-2.36", "-2.35", "-2.36", "-2.36"),
    ("2,3449", "2.34", "2.35", "2.34", "2.34"),
    ("-2,3401", "-2.34", "-2.34", "-2.35", "-2.34"),
    ("0,005", "0.01", "0.01", "0.00", "0.00"),
    ("-0,005", "-0.01", "0.00", "-0.01", "0.00"),
    ("2,3", "2.3", "2.3", "2.3", "2.3"),
]


# ---------------------------------------------------------------- the per-case path
@pytest.mark.parametrize(("saldo", "half_up", "up", "down", "half_even"), HALVES, ids=[h[0] for h in HALVES])
def test_each_mode_rounds_positive_and_negative_halves(policy, saldo, half_up, up, down, half_even):
    outcome = policy.evaluate({"saldo": _money(saldo)})
    got = [outcome.value(name) for name in CENT_RULES]
    assert got == [Decimal(v) for v in (half_up, half_up, up, down, half_even)]
    assert all(str(v)[0] != "-" or v != 0 for v in got), "no negative zero"


def test_whole_euros_numbers_and_percentage_points(policy):
    outcome = policy.evaluate({"saldo": "€ 2,50", "waarde": "-7,125", "aandeel": "33,35%"})
    assert outcome.value("euro") == Decimal(3)                  # a half euro away from zero
    assert outcome.value("w_standaard") == Decimal("-7.13")
    assert outcome.value("w_boven") == Decimal("-7.12")
    assert outcome.value("w_beneden") == Decimal(-8)
    assert outcome.value("w_even") == Decimal("-7.1")
    assert outcome.value("procent") == Decimal("33.4")          # percentage points: 33,35% -> 33,4%
    assert policy.format("procent", outcome.value("procent")) == "33,4%"
    assert outcome.value("deel") == Decimal("0.31")             # 12,5% of € 2,50 = € 0,3125, floor
    assert str(outcome.status("minstens")) == "voldaan"          # € 2,50 rounds to € 3
    assert outcome.value("klasse") == Decimal("0.50")


def test_a_value_is_rounded_only_where_the_policy_says_so_and_onbekend_stays_onbekend(policy):
    outcome = policy.evaluate({"aandeel": "33,333%"})
    assert outcome.value("procent") == Decimal("33.3")
    assert [outcome.value(n) for n in ("c_standaard", "euro", "w_even", "deel")] == [None] * 4
    assert str(outcome.status("minstens")) == "onbekend" and str(outcome.status("klasse")) == "onbekend"


def test_the_rounding_binds_loosest_so_a_sum_is_rounded_as_a_whole():
    policy = compile_text('beleid "V"\ngegevens\n  tarief : bedrag\n'
                          'berekening som = 82,5% van tarief + € 0,004 afgerond op centen\n'
                          'berekening deel = (82,5% van tarief afgerond op centen) + € 0,004\n', "v.beleid")
    outcome = policy.evaluate({"tarief": "€ 46,44"})     # 82,5% of it is € 38,313
    assert outcome.value("som") == Decimal("38.32")
    assert outcome.value("deel") == Decimal("38.314")
    calc = policy.model.rules["som"]
    assert isinstance(calc.expr, E.Round) and isinstance(calc.expr.operand, E.Arith)


def test_a_written_value_is_rounded_once_at_compile_time():
    policy = compile_text('beleid "C"\ngegevens\n  x : bedrag\n'
                          "berekening k = € 2,345 afgerond op centen half naar even\n"
                          "berekening l = k + x\n", "c.beleid")
    assert E.constant_value(policy.model.rules["k"].expr) == Decimal("2.34")
    assert policy.evaluate({"x": "€ 1"}).value("l") == Decimal("3.34")


def test_the_core_node_has_the_operands_type_inputs_and_children(policy):
    node = policy.model.rules["deel"].expr
    assert isinstance(node, E.Round)
    assert (node.places, node.mode, node.words) == (2, E.RoundMode.DOWN, "afgerond op centen naar beneden")
    assert node.type.kind == "bedrag" and node.inputs == frozenset({"saldo"})
    assert E.children(node) == (node.operand,) and isinstance(node.operand, E.PercentOf)
    assert (node.span.line, node.span.column) == (17, 19)
    assert [policy.model.rules[n].expr.places for n in ("euro", "w_standaard", "w_beneden", "procent")] == [0, 2, 0, 1]


# ---------------------------------------------------------------- batch: Polars (Spark: tests/test_spark.py)
def _rows() -> list[dict]:
    rows = [{"saldo": _money(s), "waarde": s, "aandeel": f"{s.lstrip('-')}%"} for s, *_ in HALVES]
    rows += [{"saldo": "€ 2,50", "waarde": "-7,125", "aandeel": "33,35%"}, {"aandeel": "33,333%"}, {}]
    return rows


def test_polars_gives_the_per_case_values_for_every_mode(policy):
    assert isinstance(plan_for(policy), PolarsPlan)   # evaluated in Polars, not per case
    rows = _rows()
    table = evaluate_table(policy, rows)
    assert table["geweigerd"].null_count() == len(rows)
    assert disagreements(policy, rows, table) == []
    for (_, half_up, up, down, half_even), row in zip(HALVES, table.iter_rows(named=True)):
        assert [row[f"{n}.waarde"] for n in CENT_RULES] == [Decimal(v) for v in (half_up, half_up, up, down, half_even)]
    assert table.schema["c_even.waarde"] == pl.Decimal(38, 2)   # a decimal, never a float


def test_polars_agrees_with_the_per_case_path_on_generated_cases(policy):
    cases = mixed_cases(policy, 400, seed=5, pool=80, nan_share=0.01)
    table = evaluate_table(policy, cases)
    assert disagreements(policy, cases, table) == []
    assert table["c_even.waarde"].is_not_null().sum() > 0


def _readable(policy, row: dict) -> bool:
    """Whether the per-case path takes a case (generated values may leave a gegeven's range)."""
    try:
        policy.evaluate(dict(row))
    except CaseError:
        return False
    return True


# ---------------------------------------------------------------- z3
CHECKED = '''beleid "Z"
gegevens
  tarief : bedrag
  aandeel : percentage
berekening prijs = 82,5% van tarief afgerond op centen
berekening prijs_boven = 82,5% van tarief afgerond op centen naar boven
eisen g "G"
  eis rekenkundig_te_laag "R" vereist prijs is ten minste € 38,31 en tarief is ten hoogste € 46,43
  eis boven_haalbaar "B" vereist prijs_boven is ten minste € 38,31 en tarief is ten hoogste € 46,43
  eis halve_cent "H" vereist 2% van tarief afgerond op centen is € 0,015
  eis zonder_afronden "Z" vereist 2% van tarief is € 0,015
  eis procent "P" vereist aandeel afgerond op 1 decimaal is 33,35%
  eis even "E" vereist tarief afgerond op hele euro's half naar even is € 2 en tarief is groter dan € 2,5
  eis beneden "D" vereist tarief afgerond op hele euro's naar beneden is € 2 en tarief is ten minste € 2,5
'''


@pytest.fixture(scope="module")
def checked():
    policy = compile_text(CHECKED, "z.beleid")
    return policy, check_policy(policy, method="exact")


def test_z3_proves_which_requirements_on_rounded_values_can_be_met(checked):
    _, report = checked
    never = {f.rule: f for f in report.findings if f.kind == "eis_onvervulbaar"}
    # 82,5% of € 46,43 is € 38,30475: € 38,30 rounded, but € 38,31 rounded up
    assert set(never) == {"rekenkundig_te_laag", "halve_cent", "procent", "even"}
    assert all(f.method == "exact" and f.confirmed for f in never.values())
    assert not report.fallbacks   # every rule encoded exactly, none searched
    assert {c.rule for c in report.checked if c.method == "exact"} >= {"boven_haalbaar", "zonder_afronden", "beneden"}


def test_a_satisfiable_rounded_requirement_has_a_witness_the_policy_confirms(checked):
    policy, _ = checked
    outcome = policy.evaluate({"tarief": "€ 46,43"})
    assert outcome.value("prijs") == Decimal("38.30") and outcome.value("prijs_boven") == Decimal("38.31")
    assert str(outcome.status("boven_haalbaar")) == "voldaan"
    assert str(policy.evaluate({"tarief": "€ 2,99"}).status("beneden")) == "voldaan"
    assert str(policy.evaluate({"tarief": "€ 0,75"}).status("zonder_afronden")) == "voldaan"


def test_thresholds_of_a_rounded_gegeven_include_where_it_turns_over(policy):
    found = {t.value for t in thresholds(policy.model)["saldo"]}
    assert {Decimal("2.5"), Decimal(3), Decimal("3.5")} <= found    # € 3 in hele euro's: from € 2,50
    assert {Decimal("-0.005"), Decimal("0.005")} <= found           # € 0 in centen


# ---------------------------------------------------------------- checker
def _problems(body: str) -> list[str]:
    with pytest.raises(BeleidError) as info:
        compile_text('beleid "F"\ngegevens\n  bedrag_x : bedrag\n  aandeel : percentage\n  start : datum\n'
                     '  ok : ja/nee\n' + body, "f.beleid")
    return [f"{d.span.line}:{d.span.column} {d.message}" + (f" | {d.hint}" if d.hint else "")
            for d in info.value.diagnostics]


@pytest.mark.parametrize(("body", "expected"), [
    ("berekening x = aandeel afgerond op centen\n",
     "7:24 'centen' past alleen bij een bedrag, maar dit is een percentage | rond een percentage of getal af op "
     "decimalen, zoals 'afgerond op 1 decimaal', of op 'hele getallen'"),
    ("berekening x = start afgerond op hele getallen\n",
     "7:22 een datum kan niet afgerond worden | afronden kan bij een bedrag, een percentage of een getal, zoals "
     "'70% van x afgerond op centen'"),
    ("berekening x = ok afgerond op 2 decimalen\n", "7:19 een ja/nee kan niet afgerond worden"),
    ("berekening x = bedrag_x afgerond op hele getallen\n",
     "7:25 een bedrag rond je af op centen of op hele euro's, niet op hele getallen | schrijf 'afgerond op hele "
     "euro's' of 'afgerond op centen'"),
    ("berekening x = aandeel afgerond op hele euro's\n", "7:24 'hele euro's' past alleen bij een bedrag"),
    ("berekening x = aandeel afgerond op 29 decimalen\n",
     "7:24 afronden kan op ten hoogste 28 decimalen, niet op 29 | schrijf bijvoorbeeld 'afgerond op 2 decimalen'"),
    ("berekening x = bedrag_x afgerond op 1,5 decimalen\n",
     "7:37 een aantal decimalen is een heel getal, niet '1,5' | schrijf bijvoorbeeld 'afgerond op 2 decimalen'"),
])
def test_rounding_what_cannot_be_rounded_is_a_dutch_error_at_its_place(body, expected):
    found = _problems(body)
    assert len(found) == 1 and found[0].startswith(expected), found


def test_28_decimals_are_allowed_and_all_problems_come_at_once():
    policy = compile_text('beleid "M"\ngegevens\n  g : getal\nberekening x = g afgerond op 28 decimalen\n', "m.beleid")
    assert policy.evaluate({"g": "1,5"}).value("x") == Decimal("1.5")
    found = _problems("berekening x = start afgerond op centen\nberekening y = ok + 1 afgerond op centen\n")
    assert [f.split()[0] for f in found] == ["7:22", "8:16"]


def test_a_missing_target_is_a_syntax_error_naming_the_targets():
    with pytest.raises(BeleidError) as info:
        parse('beleid "x"\ngegevens\n  t : bedrag\nberekening x = t afgerond op\n', "s.beleid")
    message = str(info.value)
    assert "s.beleid:4:18: fout: het bestand houdt hier onverwacht op" in message
    assert "'centen'" in message and "'hele getallen'" in message and "een getal" in message


# ---------------------------------------------------------------- explanation
def test_the_explanation_shows_what_was_rounded_in_every_digit():
    policy = compile_text('beleid "U"\ngegevens\n  tarief : bedrag "uurtarief"\n'
                          'berekening prijs "Prijs" = 82,5% van tarief afgerond op centen\n', "u.beleid")
    (step,) = explain(policy.evaluate({"tarief": "€ 46,44"}, trace=True))
    assert step.sentence == "Prijs = 82,5% van tarief afgerond op centen = € 38,31 (onafgerond € 38,313)."
    (rounding,) = step.children
    assert rounding.sentence == "€ 38,313 afgerond op centen is € 38,31."
    assert rounding.values == (("82,5% van tarief", "€ 38,313"),)
    assert rounding.result == "€ 38,31"
    (unknown,) = explain(policy.evaluate({}, trace=True))
    assert unknown.children[0].sentence == "Onbekend: ontbrekende gegevens: tarief."


def test_the_explanation_of_a_comparison_with_a_rounded_side(policy):
    outcome = policy.evaluate({"saldo": "€ 2,49"}, trace=True)
    ex = Explainer(outcome)
    condition = policy.model.rules["minstens"].condition
    step = ex.condition(condition)
    assert step.sentence == "Voldoet niet: saldo afgerond op hele euro's is € 2,00, ten minste € 3,00 is vereist."
    assert ex.sentence(condition.left, ex.value(condition.left)) == "€ 2,49 afgerond op hele euro's is € 2,00."


# ---------------------------------------------------------------- syntax and vocabulary
def test_the_syntax_tree_keeps_the_words_and_the_place_of_the_suffix():
    tree = parse('beleid "x"\ngegevens\n  t : bedrag\n'
                 "berekening x = t AFGEROND  OP gehele euro's Naar Beneden\n", "s.beleid")
    (calc,) = tree.calculations
    node = calc.expr
    assert isinstance(node, ast.Round)
    assert (node.target, node.places, node.mode) == ("hele euro's", 0, "naar beneden")
    assert node.words == "afgerond op gehele euro's naar beneden"
    assert (node.suffix_span.line, node.suffix_span.column, node.suffix_span.end_column) == (4, 18, 56)


def test_the_mode_may_stand_before_afgerond_but_only_once():
    policy = compile_text('beleid "W"\ngegevens\n  t : bedrag\n'
                          "berekening a = t naar beneden afgerond op hele euro's\n"
                          "berekening b = t Half  Naar Even afgerond op centen\n", "w.beleid")
    assert [r.expr.mode for r in policy.model.rules.values()] == [E.RoundMode.DOWN, E.RoundMode.HALF_EVEN]
    assert policy.evaluate({"t": "€ 5,805"}).values == (Decimal(5), Decimal("5.80"))
    with pytest.raises(BeleidError) as info:
        parse('beleid "W"\ngegevens\n  t : bedrag\nberekening a = t naar boven afgerond op centen naar beneden\n',
              "w.beleid")
    (problem,) = info.value.diagnostics
    assert (problem.span.line, problem.span.column) == (4, 18)
    assert problem.message == "de afrondingswijze staat er twee keer: 'naar boven' en 'naar beneden'"
    assert problem.hint == "noem de wijze één keer, zoals 'afgerond op centen naar beneden'"


def test_only_single_rounding_words_are_reserved():
    assert {"centen", "decimaal", "decimalen", "rekenkundig"} <= reserved_words()
    assert not {"afgerond", "naar", "boven", "beneden", "half", "even", "hele", "gehele", "euro"} & reserved_words()
    policy = compile_text('beleid "N"\ngegevens\n  boven : bedrag\n  even : getal\n'
                          "berekening naar = boven afgerond op centen naar boven\n"
                          "berekening half = even afgerond op 1 decimaal half naar even\n", "n.beleid")
    outcome = policy.evaluate({"boven": "€ 1,001", "even": "0,25"})
    assert (outcome.value("naar"), outcome.value("half")) == (Decimal("1.01"), Decimal("0.2"))


def test_the_highlighter_colours_the_rounding_phrases_as_keywords():
    text = "berekening p = x afgerond op hele euro's naar boven"
    tokens = [(str(token), value) for token, value in lex(text, BeleidLexer()) if value.strip()]
    keywords = [value for token, value in tokens if token.startswith("Token.Keyword")]
    assert keywords == ["berekening", "afgerond op", "hele euro", "naar boven"]
    tokens = [(str(token), value) for token, value in lex("x naar beneden afgerond op centen", BeleidLexer())]
    assert ("Token.Keyword", "naar beneden afgerond op") in tokens


def test_the_language_reference_documents_rounding():
    text = (ROOT / "docs" / "taal.md").read_text(encoding="utf-8")
    section = text.split("## Afronden", 1)[1].split("\n## ", 1)[0]
    for phrase in ("centen", "hele euro's", "decimalen", "hele getallen", "naar boven", "naar beneden",
                   "half naar even", "rekenkundig", "Voorrang"):
        assert phrase in section
    assert re.search(r"```beleid\n.*afgerond op.*```", section, re.S)
