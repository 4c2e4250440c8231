"""Lists written in expressions (`[a; 2; b]`): their value, unknowns, types, and every stage that
reads them (explanation, checks, batch, DMN export) without an internal error."""

from __future__ import annotations

from decimal import Decimal

import pytest

from dsl.batch import evaluate_table
from dsl.errors import BeleidError
from dsl.explain import explain, render
from dsl.policy import compile_text

POLICY = """beleid "Lijsten"

gegevens
  a : getal
  n : aantal
  fte : lijst van getal
  soort : keuze uit "x", "y"
  naam : tekst

berekening s "Som" = som van [a; 2; n]
berekening l "Lijst" = [a; n]
berekening m "Grootste" = maximum van [som van fte; a]
berekening t "Teksten" = [soort; naam; "z"]
eisen e "E"
  eis allebei "Elk ten minste 1" vereist elk van [a; n] is ten minste 1

voorbeeld "Alles bekend"
  gegeven a = 1, n = 3, fte = [0,5; 0,8], soort = "x", naam = "q"
  verwacht s = 6, l = [1; 3], m = 1,3, t = ["x"; "q"; "z"], allebei = voldaan
"""


def test_a_written_list_has_the_values_of_its_items():
    policy = compile_text(POLICY)
    out = policy.evaluate({"a": Decimal("1.5"), "n": 2, "fte": [Decimal(1)], "soort": "y", "naam": "p"})
    got = {name: out.value(name) for name in ("s", "l", "m", "t")}
    assert got == {"s": Decimal("5.5"), "l": (Decimal("1.5"), Decimal(2)), "m": Decimal("1.5"), "t": ("y", "p", "z")}
    assert all(type(v) is Decimal for v in got["l"])    # the aantal became a getal like its neighbour


def test_one_unknown_item_makes_the_list_and_what_uses_it_unknown():
    policy = compile_text(POLICY)
    out = policy.evaluate({"a": Decimal(1)})
    assert out.value("l") is None and out.value("s") is None and out.value("m") is None
    assert out.status("allebei") == "onbekend"


def test_items_of_different_kinds_are_refused_at_the_item():
    text = POLICY.replace('berekening t "Teksten" = [soort; naam; "z"]', 'berekening t "Teksten" = [soort; a]')
    with pytest.raises(BeleidError) as err:
        compile_text(text, "l.beleid")
    message = str(err.value)
    assert "l.beleid:13:34" in message
    assert "de elementen van een lijst hebben één type: dit is een getal, het eerste element een keuze" in message


def test_a_list_in_a_list_is_refused():
    text = POLICY.replace('[soort; naam; "z"]', '[fte; fte]')
    with pytest.raises(BeleidError) as err:
        compile_text(text, "l.beleid")
    assert "een lijst kan geen lijst bevatten" in str(err.value)


def test_the_explanation_the_batch_and_the_checks_read_a_written_list():
    from dsl.analysis.checks import check_policy
    policy = compile_text(POLICY)
    case = {"a": Decimal(1), "n": 3, "fte": [Decimal("0.5")], "soort": "x", "naam": "q"}
    text = render(explain(policy.evaluate(case, trace=True)), max_depth=4)
    assert "Lijst = [a; n] = [1; 3]." in text
    table = evaluate_table(policy, [case, {"a": Decimal(1)}])
    assert table["s.waarde"].to_list() == [Decimal(6), None]
    assert table["l.waarde"].to_list()[0] == [Decimal(1), Decimal(3)]
    report = check_policy(policy)    # a written list is searched, not proved: no internal error
    assert all(f.kind != "interne fout" for f in report.findings)
