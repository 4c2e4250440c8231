"""`x is bekend` / `x is onbekend`: a ja/nee that is never onbekend, through every stage.

The policy tests/data/bekend/bekend.beleid puts `is bekend` on a gegeven of every type, on a
calculation that does not apply and on a decision without an outcome; its voorbeelden pass, and
the batch back end agrees with the per-case path on it (tests/test_batch.py).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from dsl import ast
from dsl.analysis import Budget, check_policy
from dsl.analysis.normal import Normaliser
from dsl.batch import evaluate_table, plan_for
from dsl.batch.polars_rules import PolarsPlan
from dsl.core import expr as E
from dsl.errors import BeleidError
from dsl.examples import run_examples
from dsl.explain import explain, render, rule_step
from dsl.explain.steps import Explainer
from dsl.parser import parse
from dsl.policy import compile_text, load_policy

POLICY = Path(__file__).parent / "data" / "bekend" / "bekend.beleid"
SMALL = Budget(max_examples=50, seconds=600)
HEAD = 'beleid "B"\ngegevens\n  omzet : bedrag "omzet"\n  clienten : aantal\n'


@pytest.fixture(scope="module")
def policy():
    return load_policy(POLICY)


def _condition(text: str):
    """The core expression of `vereist <text>` in a policy with gegevens omzet and clienten."""
    compiled = compile_text(HEAD + f'eisen g "G"\n  eis e "E" vereist {text}\n', "b.beleid")
    return compiled, compiled.model.rules["e"].condition


def test_the_voorbeelden_pass(policy):
    results = run_examples(policy)
    assert len(results) == 3 and all(r.passed for r in results), [r.mismatches for r in results if not r.passed]


@pytest.mark.parametrize(("text", "negated", "words"), [
    ("omzet is bekend", False, "is bekend"),
    ("omzet is onbekend", True, "is onbekend"),
    ("omzet is niet bekend", True, "is niet bekend"),
    ("omzet IS  Niet\n   BEKEND", True, "is niet bekend"),
])
def test_the_forms_parse_to_one_node(text, negated, words):
    _, condition = _condition(text)
    assert isinstance(condition, E.Known) and condition.negated is negated and condition.words == words
    assert condition.inputs == {"omzet"} and condition.type.kind == "ja/nee"
    syntax = parse(HEAD + f'eisen g "G"\n  eis e "E" vereist {text}\n', "b.beleid")
    assert isinstance(syntax.groups[0].requirements[0].condition, ast.Known)


@pytest.mark.parametrize(("case", "bekend", "onbekend"), [
    ({"omzet": "€ 5"}, "voldaan", "niet voldaan"),
    ({"omzet": "€ 0"}, "voldaan", "niet voldaan"),
    ({}, "niet voldaan", "voldaan"),
])
def test_it_is_ja_or_nee_never_onbekend_traced_or_not(case, bekend, onbekend):
    for text, expected in (("omzet is bekend", bekend), ("omzet is onbekend", onbekend),
                           ("niet (omzet is bekend)", onbekend)):
        compiled, _ = _condition(text)
        assert str(compiled.evaluate(case).status("e")) == expected, text
        assert str(compiled.evaluate(case, trace=True).status("e")) == expected, text


def test_a_guarded_row_falls_through_where_an_unguarded_one_makes_the_decision_onbekend():
    text = HEAD + ('beslissing bewaakt "Met" (eerste treffer)\n  als omzet is bekend en omzet is ten minste € 100 dan 1\n'
                   '  als clienten is ten minste 1 dan 2\n  anders 3\n'
                   'beslissing zonder "Zonder" (eerste treffer)\n  als omzet is ten minste € 100 dan 1\n'
                   '  als clienten is ten minste 1 dan 2\n  anders 3\n')
    compiled = compile_text(text, "b.beleid")
    outcome = compiled.evaluate({"clienten": 4})
    assert outcome.value("bewaakt") == 2 and outcome["bewaakt"].row == 1
    assert str(outcome.status("zonder")) == "onbekend"
    assert compiled.evaluate({"omzet": "€ 200"}).value("bewaakt") == 1


def test_is_bekend_of_a_rule_without_a_value(policy):
    outcome = policy.evaluate({"omzet": "€ 1.000", "clienten": 0})   # per_client: niet van toepassing
    assert outcome.value("per_client") is None and str(outcome.status("per_client_bekend")) == "niet voldaan"
    outcome = policy.evaluate({"omzet": "€ 1.000", "clienten": 4, "soort": "zzp"})
    assert outcome.value("per_client") == Decimal(4000) and str(outcome.status("per_client_bekend")) == "voldaan"
    assert str(outcome.status("klasse_bekend")) == "voldaan"
    outcome = policy.evaluate({"omzet": "€ 1.000", "soort": "instelling", "aandeel": "10%"})   # klasse: no row
    assert str(outcome.status("klasse")) == "geen uitkomst" and str(outcome.status("klasse_bekend")) == "niet voldaan"


def test_every_type_of_gegeven_can_be_bekend(policy):
    full = {"start": "1 januari 2024", "melding": "2 januari 2024 10:00", "fte": ["1", "0,5"], "soort": "zzp",
            "zzp": True, "kvk_nummer": "1"}
    outcome = policy.evaluate(full)
    assert [str(outcome.status(n)) for n in ("kvk", "zzp_bekend", "start_of_melding", "fte_opgegeven")] == \
        ["voldaan"] * 4
    outcome = policy.evaluate({"melding": "2 januari 2024 10:00", "soort": "zzp"})
    assert [str(outcome.status(n)) for n in ("kvk", "zzp_bekend", "start_of_melding", "fte_opgegeven")] == \
        ["niet voldaan", "voldaan", "voldaan", "niet voldaan"]


def test_the_explanation_says_what_is_not_known(policy):
    outcome = policy.evaluate({"soort": "zzp"}, trace=True)
    assert rule_step(Explainer(outcome), "kvk").sentence.startswith("Voldoet niet: 'kvk_nummer' is niet bekend")
    text = render(explain(outcome), max_depth=4)
    assert "Geldt niet: 'omzet' is niet bekend." in text
    assert "omzet is onbekend  [ja]  (jaaromzet van de aanbieder: onbekend)" in text
    outcome = policy.evaluate({"omzet": "€ 300.000", "kvk_nummer": "12"}, trace=True)
    assert rule_step(Explainer(outcome), "kvk").sentence.startswith("Voldoet: kvk_nummer is bekend")
    outcome = policy.evaluate({"soort": "instelling", "aandeel": "60%"}, trace=True)
    assert "Geldt niet: 'aandeel' is bekend: 60%." in render(explain(outcome), max_depth=4)   # row 2 of klasse


def test_a_missing_word_is_a_dutch_syntax_error_that_names_bekend():
    with pytest.raises(BeleidError) as caught:
        compile_text(HEAD + 'eisen g "G"\n  eis e "E" vereist omzet is niet\n', "b.beleid")
    text = caught.value.render()
    assert "b.beleid:6:" in text and "het bestand houdt hier onverwacht op" in text and "'bekend'" in text
    with pytest.raises(BeleidError) as caught:
        compile_text(HEAD + 'eisen g "G"\n  eis e "E" vereist omzett is bekend\n', "b.beleid")
    assert "onbekende naam 'omzett'" in caught.value.render() and "bedoelde u 'omzet'?" in caught.value.render()


def test_the_operand_is_type_checked():
    with pytest.raises(BeleidError) as caught:
        compile_text(HEAD + 'eisen g "G"\n  eis e "E" vereist omzet + clienten is bekend\n', "b.beleid")
    assert "'+' kan niet met een bedrag en een aantal" in caught.value.render()


def test_polars_agrees_with_the_per_case_path(policy):
    assert isinstance(plan_for(policy), PolarsPlan)   # (not the per-case fallback)
    rows = [{}, {"omzet": Decimal(300000), "clienten": 0, "soort": "instelling"},
            {"omzet": Decimal(1000), "clienten": 3, "soort": "zzp", "kvk_nummer": "1", "fte": [Decimal(1)]},
            {"soort": "instelling", "aandeel": Decimal(60), "zzp": False, "start": "2024-01-01"}]
    columnar = evaluate_table(policy, rows)
    reference = evaluate_table(policy, rows, engine="python")
    assert columnar.columns == reference.columns
    for column in columnar.columns:
        assert columnar[column].to_list() == reference[column].to_list(), column
    assert columnar["contract.waarde"].to_list() == ["omzet uitvragen", "raamcontract", "enkelvoudig",
                                                     "omzet uitvragen"]
    assert columnar["kvk"].to_list() == ["niet voldaan", "niet voldaan", "voldaan", "niet voldaan"]


def test_the_solver_leaves_a_guard_out_and_checks_the_table_exactly():
    text = HEAD + ('beslissing d "D" (uniek)\n  als omzet is bekend en omzet is kleiner dan € 100 dan 1\n'
                   '  als omzet is bekend en omzet is ten minste € 90 dan 2\n')
    report = check_policy(compile_text(text, "b.beleid"), budget=SMALL)
    assert {(c.rule, c.method) for c in report.checked} == {("d", "exact")}
    assert [f.kind for f in report.findings] == ["overlap"] and not report.fallbacks


def test_the_solver_refuses_bekend_on_its_own_with_a_dutch_reason():
    """On complete cases `omzet is bekend` is always ja: the solver would call this eis always
    voldaan, which a case without omzet contradicts. It is searched instead, and says why."""
    text = HEAD + 'eisen g "G"\n  eis e "E" vereist omzet is bekend\n'
    report = check_policy(compile_text(text, "b.beleid"), budget=SMALL)
    assert [f.reason for f in report.fallbacks if f.rule == "e"] == [
        "'is bekend' en 'is onbekend' hangen af van ontbrekende gegevens, en de solver rekent met volledige casussen"]
    assert not report.findings


def test_the_unknowns_check_knows_bekend_is_never_onbekend():
    text = HEAD + 'eisen g "G"\n  eis e "E" vereist omzet is bekend en clienten is ten minste 1\n'
    compiled = compile_text(text, "b.beleid")
    report = check_policy(compiled, budget=SMALL)
    assert {u.rule: u.inputs for u in report.unknowns} == {"e": ("clienten",)}
    assert str(compiled.evaluate({"clienten": 2}).status("e")) == "niet voldaan"   # omzet missing: nee, not onbekend
    assert str(compiled.evaluate({"omzet": "€ 1"}).status("e")) == "onbekend"


def test_the_three_negative_forms_have_one_normal_form():
    forms = {repr(Normaliser().part(_condition(text)[1]))
             for text in ("omzet is onbekend", "omzet is niet bekend", "niet (omzet is bekend)")}
    assert len(forms) == 1
    assert repr(Normaliser().part(_condition("omzet is bekend")[1])) not in forms
