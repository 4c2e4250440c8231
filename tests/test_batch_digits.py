"""A calculated value with more digits than a decimal column holds is refused by row, not rounded
and not an internal error (dsl/batch: the per-case engine builds the output columns)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from dsl.batch import evaluate_table
from dsl.policy import compile_text

SMALL = """beleid "Schaal"

gegevens
  a : getal

berekening x "Klein" = a / 300000000000000000000
"""


@pytest.mark.parametrize("engine", ["polars", "python"])
def test_a_value_of_48_decimals_refuses_its_row_and_keeps_the_others(engine):
    policy = compile_text(SMALL)
    table = evaluate_table(policy, [{"a": 0}, {"a": 1}, {"a": 3}], engine=engine)
    assert table["x"].to_list() == ["bepaald", None, "bepaald"]
    assert table["x.waarde"].to_list() == [Decimal(0), None, Decimal("1E-20")]
    refused = table["geweigerd"].to_list()
    assert refused[0] is None and refused[2] is None
    assert refused[1] == ("de uitkomst van berekening 'x' (0,000000000000000000003333333333333333333333333333) "
                          "heeft meer cijfers dan een kolom exact kan bewaren (38); de rij is niet geëvalueerd")


def test_values_that_fit_keep_their_exact_digits_at_the_largest_scale():
    policy = compile_text(SMALL.replace("300000000000000000000", "8"))
    cases = [{"a": 1}, {"a": Decimal("1234567890123456789012345.6")}]
    table = evaluate_table(policy, cases, engine="python")
    assert table["x.waarde"].to_list() == [Decimal("0.125"), Decimal("154320986265432098626543.2")]
    assert table["x.waarde"].to_list() == [policy.evaluate(c).values[0] for c in cases]
    assert table["geweigerd"].to_list() == [None, None]
