"""A defect inside evaluation reaches the user as a Dutch diagnostic at the policy line, not a traceback."""

from __future__ import annotations

import pytest

from dsl.errors import InternalError
from dsl.policy import compile_text

TEXT = '''beleid "T"

gegevens
  a : bedrag "a"
  b : getal "b"

berekening deel "Deel" = a / b

eisen g "G"
  eis e "E"
    vereist deel is ten minste € 10
'''


def _broken(*_args):
    raise ZeroDivisionError("a defect planted by the test")


@pytest.mark.parametrize("trace", [False, True])
def test_a_failure_inside_generated_code_names_the_rule_and_line(trace, monkeypatch):
    policy = compile_text(TEXT, "t.beleid")
    assert policy.evaluate({"a": "€ 100", "b": "4"}).value("deel") == 25   # fine before
    # the runtime helper the generated code calls (put back after the test: `compile_text` gives the
    # same compiled code for the same text again)
    monkeypatch.setitem(policy.compiled.namespace, "num_div", _broken)
    with pytest.raises(InternalError) as caught:
        policy.evaluate({"a": "€ 100", "b": "4"}, trace=trace)
    text = caught.value.render()
    assert text.startswith("t.beleid:7:1: fout: interne fout bij regel 'deel' (ZeroDivisionError): dit is een fout "
                           "in Beleidstaal, niet in het beleid of de casus\n     7 | berekening deel")
    assert "hint: meld het bij de makers van Beleidstaal" in text
    assert "Traceback" not in text


def test_a_case_mistake_is_still_the_case_error_it_was():
    from dsl.errors import CaseError

    policy = compile_text(TEXT, "t.beleid")
    with pytest.raises(CaseError) as caught:
        policy.evaluate({"a": "veel"})
    assert not isinstance(caught.value, InternalError)
    assert "'veel' is geen bedrag" in caught.value.render()


def test_the_command_line_says_an_internal_error_in_dutch_and_shows_the_stack_only_on_request(monkeypatch, capsys):
    import dsl.cli

    def defect(args):
        return {}["no such key"]

    monkeypatch.setitem(dsl.cli.COMMANDS, "controleer", defect)
    assert dsl.cli.main(["controleer", "x.beleid"]) == 70
    err = capsys.readouterr().err
    assert err.startswith("beleid: interne fout (KeyError) in Beleidstaal, niet in uw beleid of casus")
    assert "Traceback" not in err and "no such key" not in err
    monkeypatch.setenv("BELEID_DEBUG", "1")
    with pytest.raises(KeyError):
        dsl.cli.main(["controleer", "x.beleid"])
