"""Agreement between the batch engines and the per-case path, row for row.

Contract: `disagreements(policy, cases, table)` compares a batch result `table` (from
`evaluate_table` or Spark, converted to Polars) with `policy.evaluate(case)` for each case dict
of `cases`, in order, and returns every difference as (row, column, batch value, per-case value):
statuses, reason codes of eisen and groepen, values of decisions and calculations, the row of a decision, the bounds of a termijn,
and a row refused by the batch engine against a case the per-case path refuses (`CaseError`).
An empty list means the engines agree on every row. `boundary_cases(policy, n, seed)` draws
`n` boundary-rich case dicts from the Hypothesis strategies of `dsl.testing` (thresholds and
their neighbours, unknowns, month ends), reproducibly; `mixed_cases(policy, n, seed)` makes many
more by combining, per gegeven, values drawn that way (a pool of a few thousand cases gives
100,000 rows in seconds), and puts NaN in a few decimal values, which both paths must refuse.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import polars as pl

from dsl.core import model as M
from dsl.errors import CaseError


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        return a is not None and b is not None and Decimal(a) == Decimal(b)
    return bool(a == b)


def disagreements(policy, cases: Iterable[dict], table: pl.DataFrame) -> list[tuple[int, str, Any, Any]]:
    """Every difference between `table` and the per-case path on `cases` (see the module contract)."""
    model: M.Policy = policy.model
    found: list[tuple[int, str, Any, Any]] = []
    rows = table.iter_rows(named=True)
    # per rule, its kind and the names of its columns after the status, made once: the status, value
    # and reason code come from the outcome's public accessors, and only a beslissing's row and a
    # termijn's dates from a `Result` (building a Result for each of the 167 rules of
    # wijkverpleging_2024 was half the time of a comparison)
    extra = {M.RuleKind.REQUIREMENT: (".reden",), M.RuleKind.GROUP: (".reden",), M.RuleKind.CALCULATION: (".waarde",),
             M.RuleKind.DECISION: (".waarde", ".regel"), M.RuleKind.TIMELINE: (".uiterste_datum", ".begin")}
    kinds = [(name, rule.kind, tuple(name + suffix for suffix in extra[rule.kind])) for name, rule in model.rules.items()]
    for number, (case, row) in enumerate(zip(cases, rows)):
        try:
            outcome = policy.evaluate(dict(case))
        except CaseError as refused:
            if row["geweigerd"] is None:
                found.append((number, "geweigerd", None, refused.render().splitlines()[0]))
            continue
        if row["geweigerd"] is not None:
            found.append((number, "geweigerd", row["geweigerd"], None))
            continue
        expected: list[tuple[str, Any]] = []
        for name, kind, columns in kinds:
            expected.append((name, str(outcome.status(name))))
            if kind is M.RuleKind.REQUIREMENT or kind is M.RuleKind.GROUP:
                expected.append((columns[0], outcome.reason(name)))
            elif kind is M.RuleKind.CALCULATION:
                expected.append((columns[0], outcome.value(name)))
            elif kind is M.RuleKind.DECISION:
                row_of = outcome[name].row
                expected += [(columns[0], outcome.value(name)),
                             (columns[1], row_of + 1 if row_of is not None and row_of >= 0 else None)]
            elif kind is M.RuleKind.TIMELINE:
                result = outcome[name]
                expected += [(columns[0], result.deadline), (columns[1], result.start)]
        for column, value in expected:
            got = row.get(column)
            if not ((got is None and value is None) or _same(got, value)):
                found.append((number, column, got, value))
    return found


def spark_input(spark, policy, rows: list[dict]):
    """A Spark DataFrame of readable case dicts as a user's table would hold them: every gegeven
    in its exact type, except durations, written with their unit ("900 seconden"; a whole number
    in a duration column counts in the declared unit, not in the base unit the typed column
    holds), and percentages (also the items of a lijst), written with their sign ("0.50000000%": a
    bare number strictly between 0 and 1 is ambiguous, and refuses its row). Rows keep their order in a column `nr`."""
    from dsl.batch import to_frame
    from dsl.batch.columns import typed_inputs

    inputs, refused = typed_inputs(policy.model, to_frame(rows))
    assert refused.null_count() == len(refused), "spark_input takes readable rows only"
    fields = policy.model.fields
    durations = [n for n, f in fields.items() if f.type.kind == "duur"]
    shares = [n for n, f in fields.items() if f.type.kind == "percentage"]
    share_lists = [n for n, f in fields.items() if f.type.kind == "lijst" and f.type.element is not None
                   and f.type.element.kind == "percentage"]
    inputs = inputs.with_columns([pl.format("{} " + fields[n].type.unit, pl.col(n)).alias(n) for n in durations]
                                 + [pl.format("{}%", pl.col(n)).alias(n) for n in shares]
                                 + [pl.col(n).list.eval(pl.element().cast(pl.String) + "%").alias(n) for n in share_lists])
    return spark.createDataFrame(inputs.with_row_index("nr").with_columns(pl.col("nr").cast(pl.Int64)).to_arrow())


def boundary_cases(policy, n: int, seed: int = 0) -> list[dict]:
    """`n` case dicts drawn from `dsl.testing.cases(policy)` with a fixed seed (see the module
    contract); each includes a peildatum."""
    from datetime import date

    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import strategies as st

    from dsl.testing.strategies import cases as case_strategy

    drawn: list[dict] = []
    peil = st.dates(date(2019, 1, 1), date(2026, 12, 31))

    @settings(max_examples=n, database=None, phases=[Phase.generate], deadline=None, derandomize=False,
              suppress_health_check=list(HealthCheck))
    @given(case_strategy(policy), peil)
    def draw(case: dict, day: date) -> None:
        drawn.append({**case, "peildatum": day})

    import random

    from hypothesis import seed as fixed_seed

    fixed_seed(seed)(draw)()
    random.Random(seed).shuffle(drawn)
    return drawn[:n]


def mixed_cases(policy, n: int, seed: int = 0, pool: int = 1000, nan_share: float = 0.002) -> list[dict]:
    """`n` case dicts whose values per gegeven come from `pool` boundary cases (see the module
    contract); about `nan_share` of the rows get a NaN in one decimal gegeven."""
    import random

    drawn = boundary_cases(policy, pool, seed)
    model: M.Policy = policy.model
    rng = random.Random(seed)
    columns = {name: [case.get(name) for case in drawn] for name in (*model.fields, "peildatum")}
    decimals = [name for name, field in model.fields.items() if field.type.kind in ("bedrag", "percentage", "getal")]
    rows = []
    for _ in range(n):
        row = {name: values[rng.randrange(len(values))] for name, values in columns.items()}
        if decimals and rng.random() < nan_share:
            row[rng.choice(decimals)] = Decimal("NaN")
        rows.append({k: v for k, v in row.items() if v is not None})
    return rows
