"""The Spark back end: the primitives of `dsl.batch.columnar` as PySpark Column expressions.

Contract: `SparkPlan(policy).stages` are lists of (name, `pyspark.sql.Column`) for `withColumns`, and
`SparkPlan.working_days` the working-day shifts that must be joined in first (see
`dsl.batch.spark`). Column objects rather than SQL text: no policy text is ever pasted into a
query, and Spark compiles both to the same plan (measured beforehand, see shared batch notes).
Spark specifics handled here:
  - decimals are `DecimalType(38, scale)`; the session runs with
    `spark.sql.decimalOperations.allowPrecisionLoss=false`, so a product keeps the sum of its
    operands' scales instead of being rounded (an overflow is an error, never a silent rounding);
  - moments: dates are `DateType`, date-times `TimestampNTZType` (no time zone, as in a case);
    calendar months use `add_months` / `timestamp_add("MONTH")`, which clamp to the end of a
    short month like the per-case calendar (checked at month ends in tests/test_spark.py);
  - `afgerond op ...`: `round` (half away from zero), `bround` (half to even), `floor` and `ceil`
    with a scale, all exact on decimals;
  - working days: Spark has no working-day function, so each shift by working days becomes a
    join with the per-case calendar as a table (`dsl.batch.spark.calendar_tables`); its base and
    amount may read gegevens, not other rules.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import reduce
from typing import Any

import pyspark.sql.functions as F
from pyspark.sql import Column
from pyspark.sql.types import (
    ArrayType,
    BooleanType,
    DataType,
    DateType,
    DecimalType,
    LongType,
    StringType,
    TimestampNTZType,
)

from dsl.batch.columnar import SCALES, ColumnarPlan, Unsupported
from dsl.core import expr as E
from dsl.types import Type

PRECISION = 38


def spark_type(t: Type) -> DataType:
    """The Spark type of the values of a gegeven or literal of type `t`."""
    if t.kind in SCALES:
        return DecimalType(PRECISION, SCALES[t.kind])
    if t.kind == "lijst":
        assert t.element is not None
        return ArrayType(spark_type(t.element))
    return {"aantal": LongType(), "duur": LongType(), "ja/nee": BooleanType(), "datum": DateType(),
            "tijdstip": TimestampNTZType()}.get(t.kind, StringType())


_FIRST, _LAST = date(1, 1, 1), date(9999, 12, 31)


class SparkPlan(ColumnarPlan):
    def __init__(self, policy):
        self.working_days: list[tuple[str, Column, Column]] = []   # (column, base date, amount)
        super().__init__(policy)

    def col(self, name: str) -> Column:
        return F.col(f"`{name}`")

    def named(self, expr: Column, name: str) -> tuple[str, Column]:
        """A stage entry: (column name, expression), for `DataFrame.withColumns`."""
        return name, expr

    def lit(self, value: Any, t: Type, scale: int = 0) -> Column:
        if value is None:
            return F.lit(None).cast(spark_type(t))
        if t.kind in SCALES:
            return F.lit(str(Decimal(value))).cast(DecimalType(PRECISION, scale))
        if isinstance(value, date):   # as text: py4j cannot hand over a date in year 1
            return F.lit(value.isoformat()).cast(spark_type(t))
        return F.lit(value).cast(spark_type(t))

    def code(self, value: int) -> Column:
        return F.lit(value).cast("tinyint")

    def wide_code(self, value: int) -> Column:
        return F.lit(value).cast("smallint")

    def null(self) -> Column:
        return F.lit(None)

    def case(self, branches: list[tuple[Column, Column]], otherwise: Column) -> Column:
        if not branches:
            return otherwise
        chain = F.when(*branches[0])
        for condition, value in branches[1:]:
            chain = chain.when(condition, value)
        return chain.otherwise(otherwise)

    def is_null(self, expr: Column) -> Column:
        return expr.isNull()

    def fill_false(self, expr: Column) -> Column:
        return F.coalesce(expr, F.lit(False))

    def count_true(self, exprs: list[Column]) -> Column:
        return reduce(lambda a, b: a + b, [F.when(e, 1).otherwise(0) for e in exprs])

    def decimal(self, expr: Column, scale: int) -> Column:
        return expr.cast(DecimalType(PRECISION, scale))

    def round_decimal(self, expr: Column, scale: int, places: int, mode: E.RoundMode) -> Column:
        """Exact on a decimal (measured): `round` is half away from zero, `bround` half to even,
        `floor`/`ceil` with a scale toward -infinity/+infinity."""
        if mode is E.RoundMode.HALF_UP:
            return F.round(expr, places)
        if mode is E.RoundMode.HALF_EVEN:
            return F.bround(expr, places)
        return (F.floor if mode is E.RoundMode.DOWN else F.ceil)(expr, F.lit(places))

    def to_date(self, expr: Column) -> Column:
        return F.to_date(expr)

    def at_midnight(self, expr: Column) -> Column:
        return expr.cast(TimestampNTZType())

    # Spark raises on a date past 9999 (ANSI mode): each shift is computed only where its result
    # stays in the calendar, and is null (onbekend, as per case) elsewhere. A date-time within a
    # day of the calendar's ends is null here too.
    def add_days(self, base: Column, days: Column, t: Type) -> Column:
        day = F.to_date(base)
        margin = 0 if t.kind == "datum" else 1
        fits = (days >= F.datediff(F.lit(_FIRST.isoformat()).cast("date"), day) + margin) & (days <= F.datediff(F.lit(_LAST.isoformat()).cast("date"), day) - margin)
        shifted = F.date_add(base, days.cast("int")) if t.kind == "datum" else F.timestamp_add("DAY", days, base)
        return F.when(fits, shifted)

    def add_seconds(self, base: Column, seconds: Column) -> Column:
        day = F.to_date(base)
        days = F.floor(seconds / 86400)
        fits = (days >= F.datediff(F.lit(_FIRST.isoformat()).cast("date"), day) + 1) & (days <= F.datediff(F.lit(_LAST.isoformat()).cast("date"), day) - 1)
        return F.when(fits, F.timestamp_add("SECOND", seconds, base))

    def add_months(self, base: Column, months: Column, t: Type) -> Column:
        index = F.year(base) * 12 + F.month(base) - 1 + months
        fits = (index >= 12) & (index <= 9999 * 12 + 11)
        shifted = F.add_months(base, months.cast("int")) if t.kind == "datum" else \
            F.timestamp_add("MONTH", months, base)
        return F.when(fits, shifted)

    def shift(self, node: E.Shift) -> Column:
        if node.unit == "werkdagen" and any(isinstance(n, E.RuleRef) for n in (*E.walk(node.base),
                                                                              *E.walk(node.amount))):
            raise Unsupported("werkdagen vanaf de uitkomst van een andere regel worden in Spark niet berekend")
        return super().shift(node)

    def add_working_days(self, day: Column, n: Column) -> Column:
        column = f"__w{len(self.working_days)}"
        self.working_days.append((column, day, n))
        return F.col(column)

    def with_time_of(self, day: Column, moment: Column) -> Column:
        return F.timestamp_add("SECOND", self.seconds_of_day(moment), day.cast(TimestampNTZType()))

    def days_between(self, a: Column, b: Column) -> Column:
        return F.datediff(a, b).cast(LongType())

    def seconds_between(self, a: Column, b: Column) -> Column:
        return F.timestamp_diff("SECOND", b, a)

    def weekday(self, moment: Column) -> Column:
        return F.weekday(moment) + 1   # Spark: Monday 0

    def seconds_of_day(self, moment: Column) -> Column:
        return (F.hour(moment) * 3600 + F.minute(moment) * 60 + F.second(moment)).cast(LongType())

    def list_test(self, values: Column, test) -> Column:
        return F.transform(values, test)

    def list_any(self, values: Column) -> Column:
        return F.exists(values, lambda e: F.coalesce(e, F.lit(False)))

    def list_filter(self, values: Column, test) -> Column:
        return F.filter(values, test)

    def list_aggregate(self, func: str, values: Column) -> Column:
        if func == "len":
            return F.size(values).cast(LongType())
        if func == "min":
            return F.array_min(values)
        if func == "max":
            return F.array_max(values)
        return F.aggregate(values, F.lit(0).cast(DecimalType(PRECISION, 8)),
                           lambda total, x: (total + x).cast(DecimalType(PRECISION, 8)))
