"""`1 oktober van het lopende jaar` in Polars: the same dates and statuses as case by case.

The Polars plan builds the date with `pl.date` on the peildatum's year; the per-case path with
`datetime.date`. They must agree on every peildatum, also before and after the years the
working-day calendar knows (1966 to 2100), at the ends of the calendar (year 1 and 9999: a year
0 or 10000 is no date, so unknown) and without a peildatum (unknown).
"""

from __future__ import annotations

from datetime import date

import pytest

from dsl.batch import evaluate_table, plan_for
from dsl.batch.polars_rules import PolarsPlan
from dsl.errors import BeleidError
from dsl.policy import compile_text

POLICY = '''beleid "Peiljaar"
gegevens
  melding : datum "datum van de melding"
berekening lopend "Peilmoment dit jaar" = 1 oktober van het lopende jaar
berekening vorig "Peilmoment vorig jaar" = 1 oktober van het vorige jaar
berekening volgend "Einde volgend jaar" = 31 december van het volgende jaar
berekening eind_februari "Eind februari" = 28 februari van het lopende jaar
eisen op_tijd "Op tijd gemeld"
  eis tijdig "Gemeld vóór 1 oktober van het lopende jaar"
    vereist melding is voor 1 oktober van het lopende jaar
  eis na_vorig "Gemeld na 1 oktober van het vorige jaar"
    vereist melding is na 1 oktober van het vorige jaar
'''

PEILDATUMS = [date(2023, 9, 30), date(2023, 10, 1), date(2024, 2, 29), date(2024, 12, 31), date(2025, 1, 1),
              date(1950, 6, 1), date(1966, 1, 1), date(2100, 12, 31), date(2101, 3, 1), date(1, 1, 1),
              date(9999, 12, 31), None]
MELDINGEN = [date(2023, 9, 30), date(2024, 10, 1), date(1949, 10, 2), None]
RULES = ("lopend", "vorig", "volgend", "eind_februari", "tijdig", "na_vorig")


@pytest.fixture(scope="module")
def policy():
    return compile_text(POLICY, "peiljaar.beleid")


@pytest.fixture(scope="module")
def rows():
    return [{"melding": m, "peildatum": p} for p in PEILDATUMS for m in MELDINGEN]


def test_the_policy_is_evaluated_by_polars_not_per_case(policy):
    assert isinstance(plan_for(policy), PolarsPlan)


def test_polars_gives_the_per_case_status_and_date_on_every_peildatum(policy, rows):
    table = evaluate_table(policy, rows)
    for i, row in enumerate(rows):
        outcome = policy.evaluate({k: v for k, v in row.items() if v is not None})
        for rule in RULES:
            assert table[rule][i] == outcome.status(rule), (row, rule)
            if f"{rule}.waarde" in table.columns:
                assert table[f"{rule}.waarde"][i] == outcome.value(rule), (row, rule)


def test_the_dates_themselves_across_years_and_at_the_ends_of_the_calendar(policy, rows):
    table = evaluate_table(policy, rows)
    by_peil = {row["peildatum"]: i for i, row in enumerate(rows)}   # (the last row of each peildatum)

    def dates(peil):
        i = by_peil[peil]
        return tuple(table[f"{rule}.waarde"][i] for rule in ("lopend", "vorig", "volgend", "eind_februari"))

    assert dates(date(2024, 2, 29)) == (date(2024, 10, 1), date(2023, 10, 1), date(2025, 12, 31), date(2024, 2, 28))
    assert dates(date(1950, 6, 1)) == (date(1950, 10, 1), date(1949, 10, 1), date(1951, 12, 31), date(1950, 2, 28))
    assert dates(date(2101, 3, 1)) == (date(2101, 10, 1), date(2100, 10, 1), date(2102, 12, 31), date(2101, 2, 28))
    assert dates(date(1, 1, 1)) == (date(1, 10, 1), None, date(2, 12, 31), date(1, 2, 28))
    assert dates(date(9999, 12, 31)) == (date(9999, 10, 1), date(9998, 10, 1), None, date(9999, 2, 28))
    assert dates(None) == (None, None, None, None)


def test_statuses_follow_the_year_of_the_peildatum(policy, rows):
    table = evaluate_table(policy, rows)
    status = {(row["peildatum"], row["melding"]): table["tijdig"][i] for i, row in enumerate(rows)}
    assert status[date(2023, 9, 30), date(2023, 9, 30)] == "voldaan"
    assert status[date(2024, 12, 31), date(2024, 10, 1)] == "niet voldaan"
    assert status[date(1950, 6, 1), date(1949, 10, 2)] == "voldaan"
    assert status[None, date(2023, 9, 30)] == "onbekend"
    assert status[date(2023, 10, 1), None] == "onbekend"


def test_29_februari_of_the_lopende_jaar_is_refused_so_no_engine_meets_a_missing_day():
    text = POLICY + "berekening schrikkel = 29 februari van het lopende jaar\n"
    with pytest.raises(BeleidError) as err:
        compile_text(text, "schrikkel.beleid")
    assert "29 februari bestaat niet in elk jaar" in str(err.value)
