"""Checker: names, types and units, all problems in one pass, each with its place."""

from __future__ import annotations

import pytest

from dsl import ast
from dsl.checker import check
from dsl.errors import BeleidError
from dsl.parser import parse

HEAD = 'beleid "x"\ngegevens\n  omzet : bedrag\n  aandeel : percentage\n  opname : datum\n  soort : keuze uit "zzp", "instelling"\n  n : aantal\n'


def problems(body: str) -> list[str]:
    with pytest.raises(BeleidError) as info:
        check(parse(HEAD + body, "c.beleid"))
    return [f"{d.span.line}:{d.span.column} {d.message}" + (f" | {d.hint}" if d.hint else "")
            for d in info.value.diagnostics]


def test_unknown_name_suggests_the_closest_declared_name():
    assert problems('eisen g "G"\n  eis a "A" vereist omzt is groter dan € 5\n') == [
        "9:21 onbekende naam 'omzt' | bedoelde u 'omzet'?"]


@pytest.mark.parametrize("condition, message", [
    ("omzet is ten minste 5%", "een bedrag kan niet vergeleken worden met een percentage"),
    ("aandeel is groter dan opname", "een percentage kan niet vergeleken worden met een datum"),
    ("omzet + 3 dagen is ten minste € 1", "'+' kan niet met een bedrag en een duur (in dagen)"),
    ("opname is ten minste € 5", "een datum kan niet vergeleken worden met een bedrag"),
    ("aandeel is ten hoogste 33", "een percentage kan niet vergeleken worden met een aantal"),
    ("3 maanden is langer dan 91 dagen", "een duur (in maanden) kan niet vergeleken worden met een duur (in dagen)"),
])
def test_incompatible_units_are_errors_at_the_expression(condition, message):
    found = problems(f'eisen g "G"\n  eis a "A" vereist {condition}\n')
    assert len(found) == 1
    assert found[0].startswith("9:21 " + message)


def test_unit_hints():
    found = problems('eisen g "G"\n  eis a "A" vereist aandeel is ten hoogste 33\n')
    assert found[0].endswith("| schrijf het percentage met een %-teken, zoals 33%")


def test_choice_literal_must_be_an_option():
    assert problems('eisen g "G"\n  eis a "A" vereist soort is "zp"\n') == [
        "9:30 \"zp\" is geen van de keuzes (\"zzp\", \"instelling\") | bedoelde u 'zzp'?"]


def test_all_problems_are_reported_in_one_pass():
    found = problems('eisen g "G"\n  eis a "A" vereist omzt is 1\n  eis b "B" vereist omzet is 5%\n'
                     'berekening c = omzet + opname\nbeslissing d "D" als soort is "x" dan 1\n')
    assert len(found) == 4
    assert [f.split()[0] for f in found] == ["9:21", "10:21", "11:16", "12:31"]


def test_duplicate_names():
    assert problems('berekening omzet = 1\n') == [
        "8:1 'omzet' is al eerder gedeclareerd (regel 3) | geef elke regel en elk gegeven een eigen naam"]


def test_cycles_between_rules_are_reported():
    found = problems("berekening a = b + 1\nberekening b = a + 1\n")
    assert any("in een kring: a -> b -> a" in f for f in found)


def test_decision_outcomes_must_agree():
    found = problems('beslissing d "D"\n  als n is 1 dan "een"\n  als n is 2 dan € 5\n')
    assert found == ['10:18 de uitkomsten van een beslissing moeten van één soort zijn: deze is een bedrag, '
                     'regel 9 een tekst']


def test_condition_must_be_yes_no():
    found = problems('eisen g "G"\n  eis a "A" vereist omzet\n')
    assert found[0].startswith("9:21 de voorwaarde van een eis moet ja of nee opleveren")


def test_timeline_subject_must_be_a_moment():
    found = problems('termijn t "T" omzet uiterlijk 1 januari 2024\n')
    assert "een termijn gaat over een gebeurtenis met een datum of tijdstip" in found[0]


def test_voorbeeld_givens_and_expectations_are_checked():
    found = problems('eisen g "G" eis a "A" vereist n is 1\n'
                     'voorbeeld "v" gegeven omzett = € 5, n = 1,5, soort = "zz" verwacht a = gehaald, b = voldaan\n')
    assert found == [
        "9:23 onbekend gegeven 'omzett' | bedoelde u 'omzet'?",
        "9:41 'n': verwacht een aantal (een heel getal)",
        "9:54 'soort': \"zz\" is geen van de keuzes; bedoelde u 'zzp'?",
        "9:68 een eis kan niet 'gehaald' zijn | mogelijk: voldaan, niet voldaan, onbekend, niet van toepassing",
        "9:81 onbekende regel 'b' na 'verwacht'",
    ]


def test_model_orders_rules_after_what_they_use():
    model = check(parse(HEAD + 'berekening b = a + € 1\nberekening a = omzet * 2\n', "c.beleid"))
    assert list(model.rules) == ["a", "b"]
    assert model.rules["b"].deps == {"a"}


EVERY_EXPRESSION = HEAD + """gegevens
  fte : lijst van getal
  melding : tijdstip
  winst : bedrag per jaar
eisen g "G"
  eis a "A" vereist omzet is ten minste € 1 en niet soort is een van "zzp", "instelling" en omzet is bekend
  eis b "B" vereist voldoet aan a of aandeel ligt tussen 1% en 5%
  eis c "C" vereist elk van fte is ten minste 0,3
  eis d "D" vereist melding valt op maandag tot en met vrijdag van 08:30 tot 17:00 uur
  eis q "Q" vereist de periode van opname tot 3 weken na opname duurt ten hoogste 21 dagen
  eis w "W" vereist in elk van de afgelopen 2 jaar: winst is ten minste € 5 en winst in 2020 is ten hoogste winst in het vorige jaar
  eis t "T" vereist gedurende de periode van opname tot 3 weken na opname: omzet is ten minste € 1
berekening v = som van winst over de afgelopen 3 jaar
berekening e = -(omzet + 70% van omzet)
berekening f = dag 3 van (3 weken na opname)
berekening h = som van fte
berekening p = peildatum
berekening r = 70% van omzet afgerond op centen
berekening y = 1 oktober van het lopende jaar
berekening z = [omzet; 70% van omzet]
"""


def test_every_expression_class_has_a_type_rule():
    policy = parse(EVERY_EXPRESSION, "c.beleid")
    rules = [*policy.groups, *(r for g in policy.groups for r in g.requirements), *policy.calculations]
    expressions = [n for n in ast.walk(tuple(rules)) if isinstance(n, ast.EXPR_CLASSES)]
    assert {type(n) for n in expressions} == set(ast.EXPR_CLASSES)  # the policy uses every class
    model = check(policy)
    assert [n for n in expressions if n not in model.types] == []


def test_list_and_unknown_literals_are_voorbeeld_values_not_expressions():
    # a list in an expression is an `ast.ListExpr` of expressions; `onbekend` is only a voorbeeld's value
    assert not {ast.ListLiteral, ast.UnknownLiteral} & set(ast.EXPR_CLASSES)
    assert problems('berekening x = [1; onbekend]\n') == ["8:20 onbekende naam 'onbekend'"]


def test_a_requirement_that_uses_its_own_group_is_a_cycle():
    found = problems('eisen g "G"\n  eis a "A" vereist voldoet aan g\n')
    assert found == ["9:3 deze regels gebruiken elkaar in een kring: a -> g -> a"]


def test_a_group_named_like_a_gegeven_is_reported_not_a_crash():
    found = problems('eisen omzet "G"\n  eis a "A" vereist n is 1\n')
    assert found[0].startswith("8:1 'omzet' is al eerder gedeclareerd (regel 3)")
