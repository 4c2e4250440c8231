"""The inputs of a Spark run: what a column of a DataFrame or a Parquet file means as a gegeven.

Contract: `typed_columns(policy, frame, peildatum, plan)` gives the frame with every gegeven as a
column of its type (null where a value cannot be read, or is not what a case reader would take:
out of its limits, or rounded by the gegeven's scale), the peildatum, the Dutch reason a row was
refused (`geweigerd`) and its place (`ROW`); `dsl.batch.spark.evaluate_spark` evaluates on that.
Text columns are read in their plain forms only (see `_read_as`). For a file, `spark_reads(source,
model)` says whether Spark may read a Parquet file itself; otherwise (a CSV or JSON Lines file, a
gegeven given as text, a type Spark refuses or misreads) `typed_parquet` reads it with the Polars
route's readers into typed Parquet for Spark, so that one reading decides what a value means,
whatever engine computes the rules.
"""

from __future__ import annotations

import operator
from datetime import date
from functools import reduce
from pathlib import Path
from typing import Any

import polars as pl
from pyspark.sql import DataFrame
from pyspark.sql.types import (
    ArrayType,
    BooleanType,
    DateType,
    DecimalType,
    DoubleType,
    FloatType,
    IntegralType,
    StringType,
    StructType,
    TimestampNTZType,
    TimestampType,
)

from dsl.batch.columnar import SCALES
from dsl.batch.spark_rules import (
    NULL,
    SparkPlan,
    Sql,
    call,
    case,
    date_literal,
    ident,
    is_in,
    is_null,
    not_null,
    rlike,
    spark_type,
    string,
)
from dsl.core import model as M
from dsl.core.expr import EVERY_DAY
from dsl.types import DURATION_FAMILY, UNIT_ALIASES, Type, limits

PEILDATUM = "peildatum"
ROW = "__rij"
# why a row was refused before it reached Spark (a text file typed by the Polars readers, see
# `typed_parquet`): the first reason of that row's `geweigerd`
REFUSED_BEFORE = "__geweigerd_vooraf"

# a number with a decimal point, or with a decimal comma but not three decimals ending in 0 ("1,500":
# 1.500 or 1,5? a case reader refuses it as ambiguous; this also refuses the rarer "01,500" it reads)
_NUMBER = r"^\s*-?[0-9]+(\.[0-9]+|,([0-9]{1,2}|[0-9]{2}[1-9]|[0-9]{4,}))?\s*$"
_DATE = r"^\s*[0-9]{4}-[0-9]{2}-[0-9]{2}\s*$"
_DATETIME = r"^\s*[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}(:[0-9]{2})?\s*$"
_DURATION = r"^(-?[0-9]+)(?:\s+([A-Za-z]+))?$"


def _read(column: Sql, source: Any, t: Type) -> tuple[Sql, bool]:
    """A column of type `t` from a column of Spark type `source` (null where it does not fit, or
    where the number read is not what a case reader would take: `_kept`), and whether it can be
    null where the column is not: only then can a row be refused for it."""
    value, fallible = _read_as(column, source, t)
    kept = _kept(value, column, source, t)
    return (value, fallible) if kept is None else (case([(kept, value)]), True)


def _kept(value: Sql, column: Sql, source: Any, t: Type) -> Sql | None:
    """Where a number read is what the per-case reader takes (`dsl.case.conversion`), or None when
    nothing needs checking: exactly the number given (Spark's cast to the gegeven's scale rounds:
    a decimal(18,6) 0.123456 became € 0,1235, a double 0.123456789 too), and within `limits(t)`
    (a bedrag not negative, a percentage in 0–100 and not strictly between 0 and 1, declared
    bounds), as the Polars route refuses such a row (`dsl.batch.columns.out_of_range`)."""
    if t.kind in ("lijst", "per jaar", "per periode") and t.element is not None and isinstance(source, ArrayType):
        # (items given as text are read, and checked, one by one: `_read_as`)
        return None if isinstance(source.elementType, StringType) else _each_kept(column, source.elementType, t)
    if t.kind not in SCALES and not (t.kind == "aantal" and t.bounds is not None):
        return None
    tests: list[Sql] = []
    if t.kind in SCALES:
        # (back in the column's own type: `CAST(x AS decimal(38,4)) = x` compares at the scale of 4)
        if isinstance(source, (DoubleType, FloatType)) or (
                isinstance(source, DecimalType) and source.scale > SCALES[t.kind]):
            tests.append(value.try_cast(source) == column)
        elif isinstance(source, StringType):   # no more decimals than the scale keeps
            decimals = call("length", call("regexp_extract", call("trim", column), string(r"[.,]([0-9]+)\s*%?$"), 1))
            tests.append(decimals <= SCALES[t.kind])
    low, high = limits(t)
    target = spark_type(t)
    if low is not None:
        tests.append(value >= string(str(low)).cast(target))
    if high is not None:
        tests.append(value <= string(str(high)).cast(target))
    if t.kind == "percentage":   # a bare number: 0.5 is 0,5% or 50%? (written "0.5%" it is not ambiguous)
        share = ~((value > string("0").cast(target)) & (value < string("1").cast(target)))
        tests.append(share | rlike(call("trim", column), "%$") if isinstance(source, StringType) else share)
    return reduce(operator.and_, tests) if tests else None


def _each_kept(column: Sql, item: Any, t: Type) -> Sql | None:
    """`_kept` for every item of a list (of a value per year or period: every `waarde`), or None."""
    assert t.element is not None
    each, source = Sql("__item"), item
    if t.kind != "lijst":   # (jaar or dag, waarde) pairs
        if not isinstance(item, StructType) or "waarde" not in item.names:
            return None
        each, source = Sql("__item.waarde"), item["waarde"].dataType
    kept = _kept(each.try_cast(spark_type(t.element)), each, source, t.element)
    return None if kept is None else Sql(f"forall({column.text}, __item -> {kept.text})")


def _read_as(column: Sql, source: Any, t: Type) -> tuple[Sql, bool]:
    """A column of type `t` from a column of Spark type `source` (null where it does not fit), and
    whether it can be null where the column is not: only then can a row be refused for it. A
    column that already holds the gegeven's type (but a keuze must be an option, an aantal not
    negative), a moment with a time zone and a whole number of a duur cannot (elv_grz_2023 given in
    its own types: 117 of its 131 gegevens, whose checks were most of the plan's SQL)."""
    target = spark_type(t)
    if t.kind == "per periode" and t.element is not None and not isinstance(source, ArrayType):
        value, fallible = _read(column, source, t.element)   # one value a row: the same on every day
        pair = call("named_struct", string("dag"), date_literal(EVERY_DAY, Type("datum")), string("waarde"), value)
        return case([(not_null(value), call("array", pair))]).cast(target), fallible
    if isinstance(source, StringType):
        text = call("trim", column)
        if t.kind in SCALES:
            if t.kind == "percentage":   # "0.5%": with its sign, a share below 1 is no longer ambiguous (`_kept`)
                text = call("regexp_replace", text, string(r"\s*%$"), string(""))
            return case([(rlike(text, _NUMBER), call("regexp_replace", text, string(","), string(".")).try_cast(target))]), True
        if t.kind == "aantal":
            return case([(rlike(text, r"^\s*[0-9]+\s*$"), text.try_cast(target))]), True
        if t.kind == "duur":
            return _duration_text(text, t), True
        if t.kind == "ja/nee":
            lowered = call("lower", text)
            return case([(is_in(lowered, ("ja", "true", "waar")), True),
                         (is_in(lowered, ("nee", "false", "onwaar")), False)]), True
        if t.kind == "datum":
            return case([(rlike(text, _DATE), call("to_date", text, string("yyyy-MM-dd")))]), True
        if t.kind == "tijdstip":
            return case([(rlike(text, _DATETIME),
                          call("to_timestamp_ntz", call("regexp_replace", text, string("T"), string(" "))))]), True
        if t.kind == "keuze":
            return case([(is_in(column, t.options), column)]), True
        return column, False
    if t.kind == "lijst" and t.element is not None and isinstance(source, ArrayType) \
            and isinstance(source.elementType, StringType):   # ["0.5%", "33%"]: each item read as text
        item, _fallible = _read(Sql("__item"), source.elementType, t.element)
        items = Sql(f"transform({column.text}, __item -> {item.text})")
        return case([(Sql(f"forall({items.text}, __item -> __item IS NOT NULL)"), items)]).cast(target), True
    if t.kind in ("aantal", "duur") and isinstance(source, (DoubleType, FloatType, DecimalType)):
        # a whole number held as a double or decimal (pandas makes a column of counts with a gap a
        # float64): read as a case reads 3.0, not 2.5, NaN, -1 for an aantal, or 10^15 units of a
        # duur or more (`dsl.case.conversion._whole`)
        whole = call("pmod", column, 1) == 0   # (not `floor`: of a double it is a bigint, which 1e300 overflows)
        if not isinstance(source, DecimalType):
            whole = ~call("isnan", column) & (call("abs", column) != string("Infinity").cast("double")) & whole
        if t.kind == "aantal":
            return case([(whole & (column >= 0), column.try_cast(target))]), True
        small = call("abs", column.try_cast("double")) < string("1e15").cast("double")
        factor = DURATION_FAMILY[t.declared or t.unit or "dagen"][1]
        return case([(whole & small, call("try_multiply", column.try_cast(target), factor))]), True
    if isinstance(source, (DoubleType, FloatType)):
        finite = ~call("isnan", column) & (call("abs", column) != string("Infinity").cast("double"))
        # a float through its shortest text ("0.3"), as the Polars route reads it
        # (`dsl.batch.columns.single_precision`); a cast alone goes through 0.30000001192092896
        number = column.cast("string") if isinstance(source, FloatType) else column
        return (case([(finite, number.try_cast(target))]) if t.kind in SCALES else NULL.cast(target)), True
    if isinstance(source, TimestampType) and t.kind == "tijdstip":
        return column.cast(TimestampNTZType()), False
    if isinstance(source, TimestampNTZType) and t.kind == "datum":
        # a date held as a date-time at 00:00 (pandas, Excel): its date; another time is refused,
        # as by the per-case reader (`dsl.case.conversion.at_midnight`)
        day = column.cast("date")
        return case([(day.cast(TimestampNTZType()) == column, day)]), True
    compatible = {
        "ja/nee": isinstance(source, BooleanType), "datum": isinstance(source, DateType),
        "tijdstip": isinstance(source, TimestampNTZType),
        "aantal": isinstance(source, IntegralType), "duur": isinstance(source, IntegralType),
    }
    if (t.kind in SCALES and isinstance(source, (DecimalType, IntegralType))) \
            or (t.kind in ("lijst", "per jaar", "per periode") and isinstance(source, ArrayType)):
        return column.try_cast(target), source != target   # (another scale or element type may not fit)
    if compatible.get(t.kind, False):
        value = column.try_cast(target)
        if t.kind == "duur":   # a whole number counts in the declared unit, as in a case file
            # (`try_multiply`: null past 2^63, where a product wraps round; the row is then refused)
            return call("try_multiply", value, DURATION_FAMILY[t.declared or t.unit or "dagen"][1]), True
        return (case([(value >= 0, value)]), True) if t.kind == "aantal" else (value, False)
    return NULL.cast(target), True


def _duration_text(text: Sql, t: Type) -> Sql:
    """A duration written as a whole number (in the declared unit) or as "3 weken" (any unit of
    the same family), as a count in the family's base unit; null for anything else."""
    declared = DURATION_FAMILY[t.declared or t.unit or "dagen"][1]
    factors = {alias: DURATION_FAMILY[unit][1] for alias, unit in UNIT_ALIASES.items()
               if DURATION_FAMILY[unit][0] == t.unit}
    lookup = call("map", *[item for alias, factor in factors.items() for item in (string(alias), factor)])
    amount = call("regexp_extract", text, string(_DURATION), 1)
    unit = call("lower", call("regexp_extract", text, string(_DURATION), 2))
    factor = case([(unit == string(""), declared)], call("element_at", lookup, unit))
    return case([(rlike(text, r"^-?[0-9]+(\s+[A-Za-z]+)?$"), call("try_multiply", amount.try_cast("bigint"), factor))])


def typed_columns(policy: M.Policy, frame: DataFrame, peildatum: date | None,
                  plan: SparkPlan | None = None) -> tuple[DataFrame, list[int]]:
    """The frame (its columns renamed `__k<i>` by position, so that no name from outside ever
    enters an expression's text) with every gegeven as a column of its type (null when absent or
    unreadable) named `plan.field_column(name)`, the peildatum, `geweigerd`: why a row could not
    be read, and `__rij`: the row's place in the input; and the positions of the key columns (the
    input columns that are no gegeven)."""
    plan = plan or SparkPlan(policy)
    position = {name: i for i, name in enumerate(frame.columns)}
    schema = {f.name: f.dataType for f in frame.schema.fields}
    keys = [i for i, c in enumerate(frame.columns)
            if c not in policy.fields and c not in (PEILDATUM, ROW, REFUSED_BEFORE)]
    inner = frame.toDF(*[f"__k{i}" for i in range(len(frame.columns))])

    def raw(name: str) -> Sql:
        return Sql(ident(f"__k{position[name]}"))

    typed, reasons = [], []
    if REFUSED_BEFORE in schema:
        reasons.append(raw(REFUSED_BEFORE).cast("string"))
    for name, field in policy.fields.items():
        if name not in schema:
            typed.append(NULL.cast(spark_type(field.type)).alias(plan.field_column(name)))
            continue
        value, fallible = _read(raw(name), schema[name], field.type)
        typed.append(value.alias(plan.field_column(name)))
        if not fallible:
            continue
        shown = raw(name).cast("string")
        if field.type.kind == "per periode" and isinstance(schema[name], ArrayType):
            shown = call("to_json", raw(name))
        reasons.append(case([(not_null(raw(name)) & is_null(value) & (call("trim", shown) != string("onbekend")),
                              call("concat", string(f"gegeven '{name}': "), string("'"), shown,
                                   string(f"' kan niet gelezen worden als {field.type}")))]))
    if PEILDATUM in schema:
        peil, _fallible = _read(raw(PEILDATUM), schema[PEILDATUM], Type("datum"))
        reasons.append(case([(not_null(raw(PEILDATUM)) & is_null(peil),
                              call("concat", string("peildatum: '"), raw(PEILDATUM).cast("string"),
                                   string("' kan niet gelezen worden als datum")))]))
    else:
        peil = NULL.cast("date") if peildatum is None else date_literal(peildatum, Type("datum"))
    refused = call("concat_ws", string("; "), *reasons) if reasons else string("")
    # the row's place in the input, made on the input itself (as a projection right above it)
    out = inner.selectExpr(call("monotonically_increasing_id").alias(ROW), *[ident(f"__k{k}") for k in keys], *typed,
                           peil.alias(PEILDATUM), case([(refused != string(""), refused)]).alias("geweigerd"))
    return out, keys


# ---------------------------------------------------------------- files
def _spark_misreads(t: Any) -> bool:
    """Whether Spark's Parquet reader refuses an Arrow type (a timestamp in nanoseconds, as pandas
    writes one; a time of day) or reads it as something else (a duration: as its bare count of
    micro- or nanoseconds, which a duur would take for days), also inside a list or struct."""
    import pyarrow as pa

    if pa.types.is_timestamp(t):
        return bool(t.unit == "ns")
    if pa.types.is_time(t) or pa.types.is_duration(t):
        return True
    return any(_spark_misreads(t.field(i).type) for i in range(t.num_fields))


def _has_text(t: Any) -> bool:
    """Whether an Arrow type is, or holds, text."""
    import pyarrow as pa

    if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t):
        return True
    if pa.types.is_dictionary(t):
        return _has_text(t.value_type)
    return any(_has_text(t.field(i).type) for i in range(t.num_fields))


def spark_reads(source: Path, model: M.Policy) -> bool:
    """Whether Spark may read the Parquet file or folder `source` itself: it can be opened, Spark
    reads each of its columns as Polars does (`_spark_misreads`), and no gegeven but a tekst or a
    keuze is given as text (Spark's own text reading knows only the plain forms, and took "1,500",
    which a case reader refuses as ambiguous, for 1,5). Otherwise the file goes through the Polars
    readers first (`typed_parquet`), which read it or say in Dutch why not."""
    import pyarrow.dataset as ds

    try:
        schema = ds.dataset(source, format="parquet").schema
    except (OSError, ValueError):   # (pyarrow's errors are both) the Polars readers say what is wrong
        return False
    texts = {"tekst", "keuze"}
    for field in schema:
        if _spark_misreads(field.type):
            return False
        given = model.fields.get(field.name)
        kind = "datum" if field.name == PEILDATUM else given.type.kind if given is not None else None
        element = given.type.element if given is not None else None
        if kind is not None and _has_text(field.type) and not (
                kind in texts or (kind == "lijst" and element is not None and element.kind in texts)):
            return False
    return True


def _spark_keys(keys: pl.DataFrame, source: Path) -> pl.DataFrame:
    """The columns that are no gegeven, as Spark can read them: a timestamp in nanoseconds in
    microseconds when that loses nothing; any other column Spark would misread refuses the file."""
    from dsl.batch.files import BatchFileError

    fixed = []
    for name, dtype in keys.schema.items():
        column = keys.get_column(name)
        if isinstance(dtype, pl.Datetime) and dtype.time_unit == "ns":
            if not (column.dt.epoch("ns") % 1000 == 0).all():
                raise BatchFileError(f"{source}: kolom '{name}' heeft tijden tot op de nanoseconde, die Spark niet "
                                     "kent; rond ze af op microseconden of gebruik --motor polars")
            column = column.dt.cast_time_unit("us")
        elif _spark_misreads(column.to_arrow().type):
            raise BatchFileError(f"{source}: kolom '{name}' ({dtype}) kan Spark niet lezen zoals ze bedoeld is; "
                                 "laat de kolom weg of gebruik --motor polars")
        fixed.append(column)
    return pl.DataFrame(fixed) if fixed else keys


def typed_parquet(policy, source: Path, folder: Path, peildatum: date | None) -> Path:
    """A CSV or JSON Lines file, or a Parquet file that Spark would misread (`spark_reads`), read
    chunk by chunk by the readers of the Polars route (exact, with the Dutch spreadsheet forms:
    "€ 2.500.000,00", "9,5%", "7-6-2023 15:26"), written as Parquet files in `folder` for Spark:
    the other columns as given (`_spark_keys`), every gegeven in its type (a duur as
    "N <base unit>", "21 dagen" for 3 weken, as a table may write it: Spark would read a bare whole
    number in the declared unit), the peildatum, and why a row was refused (`REFUSED_BEFORE`). Spark's own text readers know only
    the plain forms; this way one reading decides what a value means, whatever engine computes
    the rules."""
    from dsl.batch.columns import ERROR_COLUMN, typed_inputs
    from dsl.batch.files import read_chunks

    model = policy.model
    folder.mkdir()
    durations = [n for n, f in model.fields.items() if f.type.kind == "duur"]
    for number, (chunk, point) in enumerate(read_chunks(source)):
        inputs, refused = typed_inputs(model, chunk, peildatum, point)
        # (typed_inputs counts a duur in its family's base unit: 3 weken is 21 dagen, written "21 dagen")
        inputs = inputs.with_columns([pl.format("{} " + (model.fields[n].type.unit or "dagen"), pl.col(n)).alias(n)
                                      for n in durations])
        keys = _spark_keys(chunk.select([c for c in chunk.columns
                                         if c not in model.fields and c not in (PEILDATUM, ERROR_COLUMN)]), source)
        pl.concat([keys, inputs, refused.alias(REFUSED_BEFORE).to_frame()], how="horizontal") \
            .write_parquet(folder / f"deel-{number:06d}.parquet")
    return folder
