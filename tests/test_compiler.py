"""Compiler: generated code is deterministic, allow-listed, located, and immune to injection."""

from __future__ import annotations

import ast as py
import linecache
from datetime import date

import pytest

from dsl.checker import check
from dsl.compiler import check_generated, compile_model
from dsl.core.lower import lower
from dsl.parser import parse
from dsl.policy import compile_text


def test_generated_code_is_deterministic(wijkverpleging):
    text = wijkverpleging.model.text
    again = compile_model(lower(check(parse(text, wijkverpleging.filename))))
    assert again.source == wijkverpleging.compiled.source


def test_generated_code_pins_a_small_policy():
    policy = compile_text('beleid "x" gegevens a : percentage eisen g "G" '
                          'eis e "E" vereist a is ten hoogste 33%', "x.beleid")
    plain = policy.compiled.source.split("\n\ndef evaluate_traced")[0]
    assert plain == (
        "def evaluate(inputs, peil):\n"
        "    v0, = inputs\n"
        "    r0 = S_ONBEKEND if v0 is None else S_VOLDAAN if v0 <= k0 else S_NIET_VOLDAAN\n"
        "    r1 = S_NIET_VOLDAAN if S_NIET_VOLDAAN in (r0,) else S_ONBEKEND if S_ONBEKEND in (r0,) else S_VOLDAAN\n"
        "    return ((r0, r1), (None, None), (None, None))"
    )


ADVERSARIAL_NAMES = ["__import__", "exec", "eval", "os", "sys", "R", "peil", "inputs", "k0", "v0", "r0",
                     "__builtins__", "open", "globals"]


@pytest.mark.parametrize("name", ADVERSARIAL_NAMES)
def test_policy_names_never_become_python_names(name):
    text = (f'beleid "x" gegevens {name} : tekst\n'
            f'eisen g "G" eis {name}_eis "E" vereist {name} is "a"\n'
            f'beslissing {name}_b "B" als {name} is "a" dan "ok"')
    policy = compile_text(text, "inj.beleid")
    tree = py.parse(policy.compiled.source)
    names = {n.id for n in py.walk(tree) if isinstance(n, py.Name)}
    assert name not in names or name in {"R", "peil", "inputs", "k0", "v0", "r0"}
    outcome = policy.evaluate({name: "a"})
    assert outcome[f"{name}_eis"].status == "voldaan"
    assert outcome[f"{name}_b"].value == "ok"


HOSTILE_STRINGS = ['a\\" + __import__(\\"os\\").system(\\"echo hacked\\") + \\"', "'); import os; ('",
                   "\\\\n__import__('os')", "{__import__}", "%s%s%s"]


@pytest.mark.parametrize("text", HOSTILE_STRINGS)
def test_string_literals_stay_constants(text, capfd):
    policy = compile_text(f'beleid "x" gegevens s : tekst\n'
                          f'beslissing d "D" als s is "{text}" dan "{text}" anders "nee"', "inj.beleid")
    tree = py.parse(policy.compiled.source)
    calls = {n.func.id for n in py.walk(tree) if isinstance(n, py.Call)}
    assert calls <= {"R"} | {"unique_pick", "timeline"}
    value = text.replace('\\"', '"').replace("\\\\", "\\")
    assert policy.evaluate({"s": value})["d"].value == value
    assert "hacked" not in capfd.readouterr().out


def test_allow_list_refuses_foreign_nodes_and_calls():
    with pytest.raises(AssertionError, match="forbidden node: Import"):
        check_generated(py.parse("import os"), set())
    with pytest.raises(AssertionError, match="non-runtime name"):
        check_generated(py.parse("def f(): return open('x')"), {"shift_days"})
    with pytest.raises(AssertionError, match="forbidden node: Attribute"):
        check_generated(py.parse("def f(): return x.y"), set())


def test_generated_functions_have_no_builtins(wijkverpleging):
    assert wijkverpleging.compiled.evaluate.__globals__["__builtins__"] == {}


def test_generated_code_points_at_policy_lines():
    text = 'beleid "x"\ngegevens\n  a : getal\n  b : getal\nberekening q = a / b\n'
    policy = compile_text(text, "lines.beleid")
    tree = py.parse(policy.compiled.source)  # unparse loses locations; check the compiled code instead
    code = policy.compiled.evaluate.__code__
    lines = {line for _, _, line in code.co_lines() if line}
    assert lines <= {1, 5}
    assert linecache.getline("lines.beleid", 5).startswith("berekening q = a / b")
    assert tree is not None


def test_a_date_outside_the_calendar_is_unknown_not_a_crash():
    text = 'beleid "x"\ngegevens\n  a : datum\nberekening q = a + 100000000 dagen\nberekening r = a + 1 dag\n'
    policy = compile_text(text, "overflow.beleid")
    far = policy.evaluate({"a": "2024-01-01"})
    assert (far["q"].status, far["q"].value) == ("onbekend", None)
    assert far["r"].value == date(2024, 1, 2)
    last = policy.evaluate({"a": "9999-12-31"}, trace=True)
    assert (last["r"].status, last["r"].value) == ("onbekend", None)


def test_division_by_zero_is_unknown_not_a_crash():
    policy = compile_text('beleid "x" gegevens a : bedrag b : bedrag berekening q = a / b', "d.beleid")
    assert policy.evaluate({"a": 5, "b": 0})["q"].status == "onbekend"
    assert str(policy.evaluate({"a": 5, "b": 2})["q"].value) == "2.5"
