"""The tabular form of a beslissing (`invoer | a | b |`, rows of cells, `-` for any value): the same
meaning as the `als` form, in the evaluation, the checks, the DMN export; its mistakes in Dutch."""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest

from dsl.dmn.exporter import export_policy
from dsl.errors import BeleidError
from dsl.policy import compile_text

HEAD = """beleid "Tarief"

gegevens
  omzet : bedrag
  soort : keuze uit "instelling", "zzp"
  start : datum

"""

TABLE = HEAD + """beslissing tarief "Tarief" (eerste treffer)
  invoer | omzet                 | soort                 | start |
         | ten hoogste € 100.000 | "zzp"                 | -     | dan € 50
         | -                     | een van "instelling"  | ligt van 1 januari 2024 tot en met 31 maart 2024 | dan € 55
         | groter dan € 100.000  | -                     | bekend | dan € 45
         | -                     | -                     | -     | dan € 1
"""

ROWS = HEAD + """beslissing tarief "Tarief" (eerste treffer)
  als omzet is ten hoogste € 100.000 en soort is "zzp" dan € 50
  als soort is een van "instelling" en start ligt van 1 januari 2024 tot en met 31 maart 2024 dan € 55
  als omzet is groter dan € 100.000 en start is bekend dan € 45
  als ja dan € 1
"""


def _cases():
    from datetime import date
    omzet = [None, Decimal(100_000), Decimal("100000.01")]
    soort = [None, "zzp", "instelling"]
    start = [None, date(2023, 12, 31), date(2024, 1, 1), date(2024, 3, 31), date(2024, 4, 1)]
    for o, s, d in itertools.product(omzet, soort, start):
        yield {k: v for k, v in (("omzet", o), ("soort", s), ("start", d)) if v is not None}


def test_a_table_of_cells_means_what_the_same_rows_with_als_mean():
    table, rows = compile_text(TABLE), compile_text(ROWS)
    for case in _cases():
        got, want = table.evaluate(case), rows.evaluate(case)
        assert (got.statuses, got.values) == (want.statuses, want.values), case


def test_a_dash_is_any_value_also_an_unknown_one():
    from datetime import date
    policy = compile_text(TABLE)
    assert policy.evaluate({"omzet": Decimal(90_000), "soort": "zzp"}).values == (Decimal(50),)
    assert policy.evaluate({}).values == (None,)     # row 1's omzet is unknown: onbekend, no fall-through
    later = date(2025, 1, 1)
    assert policy.evaluate({"omzet": Decimal(200_000), "soort": "instelling", "start": later}).values == (Decimal(45),)
    # no row with a test applies: the row of dashes always does
    assert policy.evaluate({"omzet": Decimal(90_000), "soort": "instelling", "start": later}).values == (Decimal(1),)


def test_the_checks_see_the_table_as_rows():
    from dsl.analysis.checks import check_policy
    policy = compile_text(HEAD + """beslissing tarief "Tarief" (uniek)
  invoer | omzet                 | soort  |
         | ten hoogste € 100.000 | -      | dan € 50
         | groter dan € 100.000  | "zzp"  | dan € 45
""")
    report = check_policy(policy)
    kinds = sorted(f.kind for f in report.findings)
    assert kinds == ["gat"], kinds
    witness = report.findings[0].case
    assert witness["soort"] == "instelling" and witness["omzet"] > Decimal(100_000)


def test_the_dmn_export_writes_a_dash_for_an_empty_cell():
    xml = export_policy(compile_text(TABLE).model)
    assert xml.count("<text>-</text>") >= 5


def test_a_row_with_a_cell_too_few_is_refused_with_its_place():
    text = HEAD + """beslissing tarief "Tarief"
  invoer | omzet | soort |
         | ten hoogste € 100.000 | dan € 50
"""
    with pytest.raises(BeleidError) as err:
        compile_text(text, "t.beleid")
    message = str(err.value)
    assert "t.beleid:10:10" in message
    assert "deze rij heeft 1 cel, de tabel 2 kolommen (invoer op regel 9)" in message
    assert "'-' is: elke waarde" in message


def test_a_cell_that_does_not_fit_its_column_is_reported_at_the_cell():
    text = HEAD + """beslissing tarief "Tarief"
  invoer | omzet | soort |
         | "zzp" | -     | dan € 50
"""
    with pytest.raises(BeleidError) as err:
        compile_text(text, "t.beleid")
    assert "t.beleid:10:12" in str(err.value)


def test_a_head_without_its_closing_bar_is_a_syntax_error_in_dutch():
    text = HEAD + """beslissing tarief "Tarief"
  invoer | omzet | soort
         | - | - | dan € 50
"""
    with pytest.raises(BeleidError) as err:
        compile_text(text, "t.beleid")
    assert "t.beleid:10:" in str(err.value)
