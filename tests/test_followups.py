"""Follow-ups of the case-reading hardening in the kernel: a `casus` cell and an evaluated case
hand values back to the case loader as a case writes them, and an inline JSON case is read by
the rules of a case file (Dutch messages, a name given twice refused, cell lines and columns)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from dsl.errors import BeleidError
from dsl.policy import compile_text
from kernel.evaluation import Evaluation
from kernel.session import Session

POLICY = ('gegevens\n  p : percentage "p"\n  b : bedrag "b"\n  w : duur in weken "w"\n'
          'eisen g "G"\n  eis e "E" vereist p is ten hoogste 1%\n')


@pytest.fixture
def session():
    s = Session(display=lambda obj: None)
    s.run_cell(POLICY)
    return s


def error_of(session, cell: str) -> str:
    with pytest.raises(BeleidError) as caught:
        session.run_cell(cell)
    return caught.value.render()


def test_a_percentage_between_0_and_1_in_a_casus_assignment(session):
    session.run_cell("casus p = 0,41%, b = € 12")
    assert session.case == {"p": "0,41%", "b": Decimal("12")}
    dashboard = session.run_cell("evalueer")
    assert dashboard.evaluation.outcome["e"].status == "voldaan"
    assert dashboard.evaluation.outcome.case.data["p"] == Decimal("0.41")


def test_an_evaluated_case_is_handed_back_as_a_case_writes_it():
    policy = compile_text('beleid "x"\n' + POLICY, "x.beleid")
    outcome = policy.evaluate({"p": "0,41%", "b": "€ 12", "w": "3 weken"}, trace=True)
    raw = Evaluation.of_outcome(policy, outcome).raw
    assert raw == {"p": "0,41%", "b": Decimal("12"), "w": "3 weken"}
    again = Evaluation.build(policy, raw)
    assert again.outcome.case.data == outcome.case.data


def test_an_inline_json_case_names_a_name_given_twice_in_dutch(session):
    text = error_of(session, 'casus {\n  "p": 1,\n  "p": 2\n}')
    assert "cel[2]:3:3: fout: 'p' staat twee keer in de casus (regel 2 en regel 3); geef elk gegeven één keer" in text
    assert session.case == {}


def test_an_inline_json_syntax_error_is_dutch_at_the_cell_line_and_column(session):
    text = error_of(session, 'casus   {"p": 1,\n "b": x}')
    assert "cel[2]:2:7: fout: ongeldige JSON op regel 2, kolom 7: verwacht een waarde" in text
    assert "Expecting" not in text
    text = error_of(session, 'casus {"p": 1,}')
    assert "cel[3]:1:15: fout: ongeldige JSON op regel 1, kolom 15: een komma na het laatste paar" in text


def test_an_inline_json_value_that_does_not_fit_points_at_its_pair(session):
    text = error_of(session, 'casus {"b": 1,\n       "p": 0.41}')
    assert "cel[2]:2:8: fout: gegeven 'p': 0.41 is dubbelzinnig" in text
    session.run_cell('casus {"p": "0,41%"}')
    assert session.case == {"p": "0,41%"}
