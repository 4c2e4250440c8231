"""The core model: what the lowering decides once, and what every back end can rely on."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from decimal import Decimal

import pytest

from dsl import ast
from dsl.core import expr as E
from dsl.core import model as M
from dsl.core.lower import LOWERED_CLASSES
from dsl.policy import compile_text

EVERY_EXPRESSION = '''beleid "Alles" geldig van 1 januari 2024 tot en met 31 december 2024
gegevens
  omzet   : bedrag
  aandeel : percentage
  fte     : lijst van getal
  soort   : keuze uit "zzp", "instelling"
  opname  : datum
  ontslag : datum
  moment  : tijdstip
  looptijd : duur in dagen
  winst   : bedrag per jaar
  toelating : ja/nee per periode
eisen basis "Basis"
  eis e1 "Omzet" vereist omzet is ten minste € 1.000 en niet aandeel is groter dan 50%
  eis e2 "Soort" vereist soort is een van "zzp", "instelling" of omzet ligt tussen € 1 en € 5
  eis e3 "Fte" vereist elk van fte is ten minste 0,5
  eis e4 "Moment" vereist moment valt op maandag tot en met vrijdag van 08:00 tot 17:00 uur
  eis e5 "Voldoet" vereist voldoet aan e1
  eis e6 "Bekend" vereist omzet is bekend
  eis e7 "Periode" vereist de periode van opname tot en met ontslag duurt ten hoogste 1 maand
  eis e8 "Winst" vereist (in elk van de afgelopen 2 jaar: winst is ten minste € 5) en winst in 2020 is ten hoogste winst in het vorige jaar
  eis e9 "Gedurende" vereist gedurende de periode van opname tot en met ontslag: toelating
berekening winst3 = som van winst over de afgelopen 3 jaar
berekening totaal = som van fte
berekening helft = 50% van omzet - -€ 1
berekening verblijf = ontslag - opname
berekening dag121 = dag 121 van opname
berekening later = opname + 3 weken
berekening peil = peildatum
berekening verschoven = 2 maanden na opname
berekening paar = [omzet; 50% van omzet]
berekening afgerond = 50% van omzet afgerond op centen naar boven
berekening peiljaar "1 oktober van het lopende jaar" = 1 oktober van het lopende jaar
berekening tarief geldig tot en met 31 december 2023 = € 1
wijziging "Wijziging" geldig vanaf 1 januari 2024
  berekening tarief = € 2
einde wijziging
'''


def _classes(policy) -> set[type]:
    found: set[type] = set()
    for rule in policy.model.rules.values():
        roots = [g.condition for g in rule.gates]
        match rule:
            case M.Calculation():
                roots.append(rule.expr)
            case M.Requirement():
                roots += [rule.condition, *(e.condition for e in rule.exceptions)]
        for root in roots:
            found |= {type(node) for node in E.walk(root)}
    return found


def test_every_expression_class_is_lowered_and_generated():
    policy = compile_text(EVERY_EXPRESSION, "alles.beleid")
    assert _classes(policy) == set(E.EXPR_CLASSES)
    # every class the syntax tree has for expressions has a lowering
    expression_classes = {ast.Name, ast.Known, ast.Satisfies, ast.Peildatum, ast.Literal, ast.Compare, ast.Member,
                          ast.Between, ast.Each, ast.Weekly, ast.BoolOp, ast.Not, ast.Arith, ast.Neg,
                          ast.PercentOf, ast.Shift, ast.DayOf, ast.Aggregate, ast.Round, ast.YearDate, ast.ListExpr,
                          ast.PeriodLength, ast.YearValue, ast.YearsOf, ast.EachYear, ast.Throughout}
    assert expression_classes == LOWERED_CLASSES
    outcome = policy.evaluate({"omzet": "€ 2.000", "aandeel": "10%", "fte": ["0,5", "1"], "soort": "zzp",
                               "opname": "1 januari 2024", "ontslag": "11 januari 2024",
                               "moment": "2 januari 2024 09:00", "peildatum": "1 februari 2024",
                               "winst": {"2020": "€ 5", "2021": "€ 6", "2022": "€ 5", "2023": "€ 7"},
                               "toelating": {"2023-12-01": "ja", "2024-02-01": "nee"}})
    assert [outcome.status(f"e{i}") for i in range(1, 10)] == ["voldaan"] * 9
    assert outcome.value("winst3") == Decimal("18")
    assert outcome.value("totaal") == Decimal("1.5")
    assert outcome.value("paar") == (Decimal(2000), Decimal(1000))
    assert outcome.value("helft") == Decimal("1001")
    assert outcome.value("verblijf") == 10
    assert outcome.value("dag121") == date(2024, 4, 30)
    assert outcome.value("later") == date(2024, 1, 22)
    assert outcome.value("peil") == date(2024, 2, 1)
    assert outcome.value("verschoven") == date(2024, 3, 1)
    assert outcome.value("peiljaar") == date(2024, 10, 1)
    assert outcome.value("tarief") == Decimal("2")   # the version of 1 februari 2024


def _rule(text: str, name: str):
    return compile_text(text, "t.beleid").model.rules[name]


TIMELINES = '''beleid "T"
gegevens
  verzoek : datum
  antwoord : datum
termijn a "A" antwoord binnen 3 weken na verzoek
termijn b "B" antwoord voor 1 april 2024
termijn c "C" antwoord ten minste 4 weken voor verzoek
termijn d "D" antwoord van 1 januari 2024 tot 1 maart 2024
termijn e "E" antwoord op 1 maart 2024
termijn f "F" antwoord niet voor verzoek
'''


@pytest.mark.parametrize("name, start, end, strict, exact", [
    ("a", "verzoek", ("+", 21, "dagen"), False, False),
    ("b", None, date(2024, 4, 1), True, False),
    ("c", None, ("-", 28, "dagen"), False, False),
    ("d", date(2024, 1, 1), date(2024, 3, 1), True, False),
    ("e", None, date(2024, 3, 1), False, True),
    ("f", "verzoek", None, False, False),
])
def test_deadlines_are_explicit(name, start, end, strict, exact):
    rule = _rule(TIMELINES, name)
    assert isinstance(rule, M.Timeline) and (rule.strict, rule.exact) == (strict, exact)

    def shape(bound):
        match bound:
            case None:
                return None
            case E.Input():
                return bound.name
            case E.Const():
                return bound.value
            case E.Shift():
                assert isinstance(bound.base, E.Input) and bound.base.name == "verzoek"
                return ("+" if bound.direction > 0 else "-", bound.amount.value, bound.unit)
        raise AssertionError(bound)

    assert (shape(rule.start), shape(rule.end)) == (start, end)


GATED = '''beleid "G"
gegevens
  soort : keuze uit "zzp", "instelling"
  a : getal
eisen groep "Groep" van toepassing als soort is "instelling"
  eis e1 "E1" vereist a is ten minste 1
  eis e2 "E2" vereist a is ten minste 2
  eis e3 "E3" van toepassing als a is kleiner dan 10 vereist a is ten minste 3
'''


def test_a_group_gate_is_defined_once_and_evaluated_once_per_case():
    policy = compile_text(GATED, "g.beleid")
    rules = policy.model.rules
    assert rules["e1"].gates[0] is rules["e2"].gates[0] is rules["groep"].gates[0]
    assert [g.name for g in rules["e3"].gates] == ["groep", "e3"]
    outcome = policy.evaluate({"soort": "instelling", "a": 2}, trace=True)
    gate = rules["groep"].gates[0].condition
    assert sum(1 for i, _ in outcome.trace if outcome.trace.steps[i].node is gate) == 1
    assert [outcome.status(n) for n in ("e1", "e2", "e3", "groep")] == [
        "voldaan", "voldaan", "niet voldaan", "niet voldaan"]
    zzp = policy.evaluate({"soort": "zzp", "a": 2})
    assert {zzp.status(n) for n in ("e1", "e2", "e3", "groep")} == {M.Status.NVT}


def test_trace_steps_know_their_rule_and_inputs():
    policy = compile_text(GATED, "g.beleid")
    outcome = policy.evaluate({"soort": "instelling", "a": 5}, trace=True)
    trace = outcome.trace
    for index in range(len(trace)):
        step, _value = trace.step(index)
        assert step.rule in policy.model.rules
        if step.node is policy.model.rules["groep"].gates[0].condition:
            assert step.rule == "groep" and trace.inputs_of(index) == {"soort"}
    assert trace.value_of(policy.model.rules["e3"].condition) is True


def test_statuses_are_enums_that_read_as_dutch():
    policy = compile_text(GATED, "g.beleid")
    result = policy.evaluate({"soort": "instelling", "a": 0})["e1"]
    assert result.status is M.Status.NIET_VOLDAAN and result.status == "niet voldaan"
    assert f"{result.status}" == "niet voldaan" and result.kind == "eis"
    assert json.dumps({"s": result.status}) == '{"s": "niet voldaan"}'


LIST_COPY = 'beleid "L"\ngegevens\n  fte : lijst van getal\nberekening kopie = fte\n'


@pytest.mark.parametrize("fte", [[1, 2], [1, 2, 3], []])
def test_a_list_valued_calculation_gives_the_list(fte):
    policy = compile_text(LIST_COPY, "l.beleid")
    outcome = policy.evaluate({"fte": fte})
    assert outcome["kopie"].status == "bepaald"
    assert outcome["kopie"].value == tuple(Decimal(v) for v in fte)
    entry = outcome.to_dict()["regels"]["kopie"]
    assert entry["waarde"] == [str(v) for v in fte]
    assert entry["waarde_tekst"] == "[" + "; ".join(str(v) for v in fte) + "]"


def test_a_list_valued_calculation_in_the_cli(tmp_path):
    policy, case = tmp_path / "l.beleid", tmp_path / "c.json"
    policy.write_text(LIST_COPY, encoding="utf-8")
    case.write_text('{"fte": [1, 2, 3]}', encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "dsl.cli", "evalueer", str(policy), "--casus", str(case), "--json"],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["regels"]["kopie"]["waarde"] == ["1", "2", "3"]
    text = subprocess.run([sys.executable, "-m", "dsl.cli", "evalueer", str(policy), "--casus", str(case)],
                          capture_output=True, text=True)
    assert text.returncode == 0, text.stderr
    assert "[1; 2; 3]" in text.stdout


def test_results_are_built_only_for_the_rules_asked_for():
    lines = ['beleid "Schaal"', "gegevens", "  g : bedrag", 'eisen groep "Groep"']
    lines += [f'  eis e{i} "Eis {i}" vereist g is ten minste € {i}' for i in range(2000)]
    policy = compile_text("\n".join(lines) + "\n", "schaal.beleid")
    outcome = policy.evaluate({"g": Decimal(1000)})
    assert outcome["e1500"].status == "niet voldaan"
    assert outcome._built.keys() == {"e1500"}
    assert outcome.status("e999") == "voldaan" and outcome._built.keys() == {"e1500"}


def test_evaluate_many_keeps_the_order():
    policy = compile_text(GATED, "g.beleid")
    outcomes = policy.evaluate_many([{"soort": "zzp"}, {"soort": "instelling", "a": 3}])
    assert [o.status("groep") for o in outcomes] == ["niet van toepassing", "voldaan"]


def _printed_by(code: str) -> str:
    """What `code` prints, run in a new Python process (whose imports are its own)."""
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout


def test_evaluating_imports_no_analysis_or_notebook_package():
    assert _printed_by(
        "import dsl.policy, dsl.cli, sys; from dsl.policy import load_policy; "
        "p = load_policy('policies/wijkverpleging_2024.beleid'); "
        "p.evaluate('policies/casussen/wijkverpleging_thuiszorg_noord.json', trace=True); "
        "print(sorted(m for m in ('z3', 'hypothesis', 'ipykernel', 'ipywidgets', 'IPython') if m in sys.modules))"
    ).strip() == "[]"


def test_the_holiday_calendar_is_imported_only_when_working_days_are_counted():
    """`holidays` costs 60 ms of every start of `beleid`; only a policy that counts working days needs it."""
    printed = _printed_by(
        "import sys; from dsl.policy import compile_text; "
        "p = compile_text('beleid \"W\"\\ngegevens\\n  d : datum\\nberekening later = d + 3 werkdagen\\n'); "
        "print('holidays' in sys.modules); print(p.evaluate({'d': '2024-12-24'})['later'].value); "
        "print('holidays' in sys.modules)")
    # Tuesday 24 December: 25 and 26 December are holidays, then Friday 27, Monday 30 and Tuesday 31
    assert printed.split() == ["False", "2024-12-31", "True"]


def test_the_statuses_a_voorbeeld_may_expect_are_the_core_models():
    """The checker (a stage before the core model) keeps its own list; it must be the model's
    statuses per kind without "bepaald" (a voorbeeld expects a value instead)."""
    from dsl.checker.examples import STATUSES as EXPECTABLE
    from dsl.core.model import STATUSES, Status
    assert {kind: set(statuses) for kind, statuses in EXPECTABLE.items()} == \
        {str(kind): {str(s) for s in statuses if s is not Status.BEPAALD} for kind, statuses in STATUSES.items()}


def test_a_text_compiled_again_shares_its_model_and_code_but_never_the_policy_object():
    """`compile_text` keeps what it made of the last few texts (`RECENT_TEXTS`): the same text
    under the same file name gives a new policy around the same frozen model and compiled code;
    what a policy object keeps of its own (its generated case loader) stays its own."""
    from dsl import policy as P
    from dsl.errors import BeleidError

    text = 'beleid "Herhaald"\ngegevens\n  omzet : bedrag\neisen g "G"\n  eis e "E" vereist omzet is ten minste € 10\n'
    first, again = compile_text(text, "herhaald.beleid"), compile_text(text, "herhaald.beleid")
    assert again is not first and again.model is first.model and again.compiled is first.compiled
    assert compile_text(text, "elders.beleid").model.filename == "elders.beleid"   # the file name counts
    first.prepare()
    assert first.load_case({"omzet": "€ 12"}) is not None and again._case_loader is None
    assert again.evaluate({"omzet": "€ 9"}).status("e").value == "niet voldaan"
    assert first.evaluate({"omzet": "€ 10"}).status("e").value == "voldaan"
    for i in range(P.RECENT_TEXTS):   # pushed out by as many other texts
        compile_text(text.replace("Herhaald", f"Ander {i}"), "herhaald.beleid")
    assert compile_text(text, "herhaald.beleid").model is not first.model
    wrong = text.replace("ten minste", "ten minst")
    for _ in range(2):   # a text with a mistake is refused every time, never kept
        with pytest.raises(BeleidError):
            compile_text(wrong, "fout.beleid")
    assert (wrong, "fout.beleid") not in P._recent
