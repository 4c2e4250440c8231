"""Batch evaluation on Spark, for cases that already live in a cluster.

Contract: `evaluate_spark(policy, frame)` takes a Spark DataFrame and returns a Spark DataFrame
with the same columns as `dsl.batch.evaluate_table` gives (keys, a status column per rule as the
Dutch word, `<rule>.waarde`, `<rule>.regel`, `<rule>.uiterste_datum` / `.begin`,
`ontbrekende_gegevens`, `geweigerd`), in the input's order, computed in the cluster from the
core model (`dsl.batch.spark_rules`): nothing is collected to the driver. Input columns of the
right type are used as they are; text columns are read in their plain forms (numbers with a
decimal point or comma, ISO dates and date-times, ja/nee/true/false, a keuze's options); any
other value refuses its row with a Dutch reason naming the gegeven and the value. NaN and
infinities refuse their row. Working days are joined from the per-case calendar as a table
(`calendar_tables`). `session()` starts a local session with the settings exactness needs; on a
cluster, pass your own session after `configure(spark)`.
"""

from __future__ import annotations

import operator
import os
import re
import subprocess
import sys
import threading
import weakref
from datetime import date, timedelta
from functools import reduce
from pathlib import Path
from typing import Any

import polars as pl
import pyspark.sql.functions as F
from pyspark import SparkConf, SparkContext
from pyspark.sql import DataFrame, SparkSession
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

from dsl.batch.columnar import SCALES, STATUS_LABELS, key_output, rule_outputs
from dsl.batch.spark_rules import (
    COMPARISON,
    NULL,
    SparkPlan,
    Sql,
    call,
    case,
    date_literal,
    ident,
    spark_type,
    string,
    typed_integer,
)
from dsl.core import model as M
from dsl.core.expr import EVERY_DAY
from dsl.core.reasons import reasons
from dsl.runtime.calendar import FIRST_YEAR, LAST_YEAR, is_working_day
from dsl.types import DURATION_FAMILY, UNIT_ALIASES, Type, limits

PEILDATUM = "peildatum"
ROW = "__rij"
# why a row was refused before it reached Spark (a text file typed by the Polars readers, see
# `_typed_parquet`): the first reason of that row's `geweigerd`
REFUSED_BEFORE = "__geweigerd_vooraf"
SETTINGS = {
    "spark.sql.decimalOperations.allowPrecisionLoss": "false",   # a product keeps its full scale
    # days as the per-case path counts them (proleptic Gregorian), also before 1582 (a plain value of a
    # gegeven per periode starts on 0001-01-01)
    "spark.sql.parquet.datetimeRebaseModeInRead": "CORRECTED",
    "spark.sql.parquet.datetimeRebaseModeInWrite": "CORRECTED",
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.legacy.timeParserPolicy": "CORRECTED",
}


def configure(spark: SparkSession) -> SparkSession:
    """Set the runtime settings exact evaluation needs on an existing session."""
    for key, value in SETTINGS.items():
        spark.conf.set(key, value)
    return spark


def session(master: str = "local[2]") -> SparkSession:
    """A local Spark session (or the active one) configured for exact evaluation."""
    options = {"spark.master": master, "spark.app.name": "beleidstaal", "spark.ui.enabled": "false",
               "spark.sql.shuffle.partitions": "4", "spark.ui.showConsoleProgress": "false", **SETTINGS}
    if "--driver-java-options" not in os.environ.get("PYSPARK_SUBMIT_ARGS", ""):
        # no English start-up lines of Spark's logging on the user's screen (only errors)
        quiet = Path(__file__).with_name("log4j2-stil.properties")
        options["spark.driver.extraJavaOptions"] = f"-Dlog4j2.configurationFile={quiet.as_uri()}"
    if SparkContext._active_spark_context is None:
        _start_jvm(SparkConf().setAll(list(options.items())))
    builder = SparkSession.builder
    for key, value in options.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return configure(spark)


# What the JVM says at every start on stderr, in English, and never matters: Spark's launcher always
# adds the incubating vector module, and Java announces that.
_JVM_NOISE = (b"WARNING: Using incubator modules",)


def _start_jvm(conf: SparkConf) -> None:
    """The SparkContext of `conf`, its JVM's stderr passed on line by line without `_JVM_NOISE`."""
    from pyspark.java_gateway import launch_gateway

    gateway = launch_gateway(conf, popen_kwargs={"stderr": subprocess.PIPE})
    threading.Thread(target=forward_errors, args=(gateway.proc.stderr, sys.stderr), name="spark-stderr",
                     daemon=True).start()
    SparkContext(conf=conf, gateway=gateway)


def forward_errors(source, target) -> None:
    """Copy the lines of the byte stream `source` to the text stream `target` as they come, until
    it ends, leaving out `_JVM_NOISE`."""
    for line in iter(source.readline, b""):
        if not line.startswith(_JVM_NOISE):
            target.write(line.decode("utf-8", "replace"))
            target.flush()


# per session: the calendar tables, then their renamed copies for the working-day shifts of a plan
_CALENDARS: weakref.WeakKeyDictionary[SparkSession, list[tuple[DataFrame, DataFrame]]] = weakref.WeakKeyDictionary()


def calendar_tables(spark: SparkSession) -> tuple[DataFrame, DataFrame]:
    """(every day with the count of working days up to and including it and up to the day before,
    working days by their index) for the years the per-case calendar knows (Algemene
    termijnenwet); made and cached once per session. The first table also holds the day after the
    last: with no count of its own, and the count up to the day before it."""
    if spark not in _CALENDARS:
        _CALENDARS[spark] = [_calendar_tables(spark)]
    return _CALENDARS[spark][0]


def _calendar_copy(spark: SparkSession, i: int) -> tuple[DataFrame, DataFrame]:
    """The calendar tables for the i-th shift of a plan, with names of their own (`__kd<i>`: day,
    `__kt<i>`: count up to it, `__kv<i>`: count up to the day before; `__wi<i>`, `__wd<i>`: index
    and working day) and marked for broadcast; made once per session."""
    days, working = calendar_tables(spark)
    copies = _CALENDARS[spark]
    while len(copies) <= i + 1:
        k = len(copies) - 1
        copies.append((F.broadcast(days.toDF(f"__kd{k}", f"__kt{k}", f"__kv{k}")),
                       F.broadcast(working.toDF(f"__wi{k}", f"__wd{k}"))))
    return copies[i + 1]


def _calendar_tables(spark: SparkSession) -> tuple[DataFrame, DataFrame]:
    """Counted here with the per-case calendar's own `is_working_day`, and handed to Spark as
    Arrow: 49,000 rows in one call, no job (a window job over a holiday join took a second)."""
    import pyarrow as pa

    first, last = date(FIRST_YEAR, 1, 1), date(LAST_YEAR, 12, 31)
    days, upto, working = [], [], []
    for n in range((last - first).days + 1):
        day = first + timedelta(days=n)
        if is_working_day(day):
            working.append(day)
        days.append(day)
        upto.append(len(working))
    table = pa.table({"dag": pa.array([*days, last + timedelta(days=1)], pa.date32()),
                      "tot": pa.array([*upto, None], pa.int64()), "tot_ervoor": pa.array([None, *upto], pa.int64())})
    index = pa.table({"index": pa.array(range(1, len(working) + 1), pa.int64()),
                      "werkdag_datum": pa.array(working, pa.date32())})
    return spark.createDataFrame(table).cache(), spark.createDataFrame(index).cache()


# ---------------------------------------------------------------- inputs
# a number with a decimal point, or with a decimal comma but not three decimals ending in 0 ("1,500":
# 1.500 or 1,5? a case reader refuses it as ambiguous; this also refuses the rarer "01,500" it reads)
_NUMBER = r"^\s*-?[0-9]+(\.[0-9]+|,([0-9]{1,2}|[0-9]{2}[1-9]|[0-9]{4,}))?\s*$"
_DATE = r"^\s*[0-9]{4}-[0-9]{2}-[0-9]{2}\s*$"
_DATETIME = r"^\s*[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}(:[0-9]{2})?\s*$"
_DURATION = r"^(-?[0-9]+)(?:\s+([A-Za-z]+))?$"


def _rlike(text: Sql, pattern: str) -> Sql:
    return text.predicate(f"RLIKE {string(pattern).text}")


def _isin(column: Sql, values) -> Sql:
    return column.predicate(f"IN ({', '.join(string(v).text for v in values)})")


def _not_null(column: Sql) -> Sql:
    return column.predicate("IS NOT NULL")


def _is_null(column: Sql) -> Sql:
    return column.predicate("IS NULL")


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
            tests.append(value.cast(source) == column)
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
        tests.append(share | _rlike(call("trim", column), "%$") if isinstance(source, StringType) else share)
    return reduce(operator.and_, tests) if tests else None


def _each_kept(column: Sql, item: Any, t: Type) -> Sql | None:
    """`_kept` for every item of a list (of a value per year or period: every `waarde`), or None."""
    assert t.element is not None
    each, source = Sql("__item"), item
    if t.kind != "lijst":   # (jaar or dag, waarde) pairs
        if not isinstance(item, StructType) or "waarde" not in item.names:
            return None
        each, source = Sql("__item.waarde"), item["waarde"].dataType
    kept = _kept(each.cast(spark_type(t.element)), each, source, t.element)
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
        return case([(_not_null(value), call("array", pair))]).cast(target), fallible
    if isinstance(source, StringType):
        text = call("trim", column)
        if t.kind in SCALES:
            if t.kind == "percentage":   # "0.5%": with its sign, a share below 1 is no longer ambiguous (`_kept`)
                text = call("regexp_replace", text, string(r"\s*%$"), string(""))
            return case([(_rlike(text, _NUMBER), call("regexp_replace", text, string(","), string(".")).cast(target))]), True
        if t.kind == "aantal":
            return case([(_rlike(text, r"^\s*[0-9]+\s*$"), text.cast(target))]), True
        if t.kind == "duur":
            return _duration_text(text, t), True
        if t.kind == "ja/nee":
            lowered = call("lower", text)
            return case([(_isin(lowered, ("ja", "true", "waar")), True),
                         (_isin(lowered, ("nee", "false", "onwaar")), False)]), True
        if t.kind == "datum":
            return case([(_rlike(text, _DATE), call("to_date", text, string("yyyy-MM-dd")))]), True
        if t.kind == "tijdstip":
            return case([(_rlike(text, _DATETIME),
                          call("to_timestamp_ntz", call("regexp_replace", text, string("T"), string(" "))))]), True
        if t.kind == "keuze":
            return case([(_isin(column, t.options), column)]), True
        return column, False
    if t.kind == "lijst" and t.element is not None and isinstance(source, ArrayType) \
            and isinstance(source.elementType, StringType):   # ["0.5%", "33%"]: each item read as text
        item, _fallible = _read(Sql("__item"), source.elementType, t.element)
        items = Sql(f"transform({column.text}, __item -> {item.text})")
        return case([(Sql(f"forall({items.text}, __item -> __item IS NOT NULL)"), items)]).cast(target), True
    if isinstance(source, (DoubleType, FloatType)):
        finite = ~call("isnan", column) & (call("abs", column) != string("Infinity").cast("double"))
        return (case([(finite, column.cast(target))]) if t.kind in SCALES else NULL.cast(target)), True
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
        return column.cast(target), source != target   # (another scale or element type may not fit)
    if compatible.get(t.kind, False):
        value = column.cast(target)
        if t.kind == "duur":   # a whole number counts in the declared unit, as in a case file
            return value * DURATION_FAMILY[t.declared or t.unit or "dagen"][1], False
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
    return case([(_rlike(text, r"^-?[0-9]+(\s+[A-Za-z]+)?$"), amount.cast("bigint") * factor)])


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
        reasons.append(case([(_not_null(raw(name)) & _is_null(value) & (call("trim", shown) != string("onbekend")),
                              call("concat", string(f"gegeven '{name}': "), string("'"), shown,
                                   string(f"' kan niet gelezen worden als {field.type}")))]))
    if PEILDATUM in schema:
        peil, _fallible = _read(raw(PEILDATUM), schema[PEILDATUM], Type("datum"))
        reasons.append(case([(_not_null(raw(PEILDATUM)) & _is_null(peil),
                              call("concat", string("peildatum: '"), raw(PEILDATUM).cast("string"),
                                   string("' kan niet gelezen worden als datum")))]))
    else:
        peil = NULL.cast("date") if peildatum is None else date_literal(peildatum, Type("datum"))
    refused = call("concat_ws", string("; "), *reasons) if reasons else string("")
    # the row's place in the input, made on the input itself (as a projection right above it)
    out = inner.selectExpr(call("monotonically_increasing_id").alias(ROW), *[ident(f"__k{k}") for k in keys], *typed,
                           peil.alias(PEILDATUM), case([(refused != string(""), refused)]).alias("geweigerd"))
    return out, keys


# ---------------------------------------------------------------- evaluation
def evaluate_spark(policy, frame: DataFrame, *, peildatum: date | None = None) -> DataFrame:
    """Evaluate every row of a Spark DataFrame in the cluster (see the module contract).

    Every DataFrame made on the way is analysed by Spark at once, over the whole plan below it, so
    they are few: the renamed input, the typed columns, two joins per working-day shift, one
    projection per level of the rules' dependencies (`_levels`), the sort, the outputs and their
    names: 12 DataFrames for wijkverpleging_2024, where a projection per depth and phase of
    `SparkPlan.stages`, the outputs before the sort and seven DataFrames per working-day shift
    made 21 (ggz_2020, one shift: 31 -> 11; building the plan measured 20-40 % faster)."""
    model: M.Policy = policy.model
    plan = SparkPlan(model)
    spark = frame.sparkSession
    configure(spark)
    names = frame.columns
    data, keys = typed_columns(model, frame, peildatum, plan)
    data, shifted = _join_working_days(spark, data, plan)
    columns = {**shifted, **{name: expr for stage in plan.stages for name, expr in stage}}
    leaves = _leaves(columns, [internal for _, internal, _ in rule_outputs(model)])
    outputs = _output(model, plan, {name: columns.pop(name) for name in leaves})
    for level in _levels(columns):   # ("*": a column named in the list is one py4j round trip)
        data = data.selectExpr("*", *[columns[c].alias(c) for c in level])
    data = data.orderBy(ROW).selectExpr(*[ident(f"__k{k}") for k in keys],
                                        *[expr.alias(f"__o{j}") for j, (_, expr) in enumerate(outputs)])
    return data.toDF(*[key_output(names[k], model) for k in keys], *[name for name, _ in outputs])


_REFERENCE = re.compile(r"`([^`]+)`")


def _references(expr: Sql) -> list[str]:
    """The columns an expression reads: a backtick in the text of a `Sql` comes only from `ident`
    (a string literal with one is written as hex)."""
    return _REFERENCE.findall(expr.text)


def _leaves(columns: dict[str, Sql], outputs: list[str]) -> list[str]:
    """The columns no other column reads and one output does: written inside that output
    (`_output`) instead of a projection of their own (each one more analysis of the whole plan)."""
    read = {c for expr in columns.values() for c in _references(expr)}
    return [name for name in outputs if name in columns and name not in read]


def _levels(columns: dict[str, Sql]) -> list[list[str]]:
    """The columns per projection: each one level after the deepest column it reads (`columns`
    lists each after what it reads, as `SparkPlan.stages` do), so that a projection holds every
    column whose inputs are there, and a chain of rules is as many projections as it is long (not
    two per depth of the plan: elv_grz_2023 12 -> 6)."""
    level: dict[str, int] = {}
    for name, expr in columns.items():
        level[name] = 1 + max((level.get(c, 0) for c in _references(expr)), default=0)
    return [[name for name in columns if level[name] == depth] for depth in range(1, max(level.values(), default=0) + 1)]


def _join_working_days(spark: SparkSession, data: DataFrame, plan: SparkPlan) -> tuple[DataFrame, dict[str, Sql]]:
    """Each shift by working days as two joins with the calendar, and the expression of its
    column: the n-th working day after a date is the working day whose index is (working days up to
    that date) + n; before it, counted from the day before (`calendar_tables`). The joins' keys are
    the shift's own expressions, so no projection is needed between them."""
    if not plan.working_days:
        return data, {}
    shifted = {}
    for i, (column, base, amount) in enumerate(plan.working_days):
        days, working = _calendar_copy(spark, i)
        data = data.join(days, F.expr(f"{base.side(COMPARISON)} = `__kd{i}`"), "left")
        target = case([(amount > 0, Sql(ident(f"__kt{i}")) + amount)], Sql(ident(f"__kv{i}")) + amount + 1)
        data = data.join(working, F.expr(f"{target.side(COMPARISON)} = `__wi{i}`"), "left")
        shifted[column] = case([(amount == 0, base)], Sql(ident(f"__wd{i}")))
    return data, shifted


def _output(model: M.Policy, plan: SparkPlan, inline: dict[str, Sql]) -> list[tuple[str, Sql]]:
    """The output columns after the keys: (name, expression) per rule output, then
    `ontbrekende_gegevens` and `geweigerd`; an internal column in `inline` is written as its
    expression (each is read here once)."""
    labels = call("array", *[string(label) for label in STATUS_LABELS])
    ok = _is_null(Sql(ident("geweigerd")))
    columns = []
    for name, internal, role in rule_outputs(model):
        column = inline[internal] if internal in inline else Sql(ident(internal))
        if role == "status":
            column = call("element_at", labels, column.cast("int") + 1)
        elif role == "reason":   # `get`: 0-based, null for a null code (each column read once)
            codes = call("array", *[string(r.code) for r in reasons(model, model.rules[name.removesuffix(".reden")])])
            column = call("get", codes, column.cast("int"))
        elif role == "row":   # counted from 1; a negative code (no row, overlap, ...) and null: null
            column = call("nullif", call("greatest", column.cast("smallint"), typed_integer(-1, "S")) + 1, 0)
        columns.append((name, case([(ok, column)])))
    missing = call("concat_ws", string(", "), *[case([(_is_null(plan.col(n)), string(n))]) for n in model.fields]) \
        if model.fields else string("")
    columns.append(("ontbrekende_gegevens", case([(ok & (missing != string("")), missing)])))
    columns.append(("geweigerd", Sql(ident("geweigerd"))))
    return columns


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
    readers first (`_typed_parquet`), which read it or say in Dutch why not."""
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


def _typed_parquet(policy, source: Path, folder: Path, peildatum: date | None) -> Path:
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


def evaluate_file_spark(policy, source: Path, target: Path, *, peildatum: date | None = None):
    """Evaluate a file on Spark into a Parquet folder `target` (written beside it first and
    renamed into place), and return the `dsl.batch.files.Summary` of the run."""
    import shutil
    import tempfile

    from dsl.batch.files import BatchFileError, format_of, publish

    if not target.parent.is_dir():
        raise BatchFileError(f"{target}: de map {target.parent} bestaat niet")
    spark = session()
    temp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        if format_of(source) == "parquet" and spark_reads(source, policy.model):
            frame = spark.read.parquet(str(source))   # in its own types
        else:   # text, or types Spark misreads: read as the Polars route reads it, then to Spark typed
            frame = spark.read.parquet(str(_typed_parquet(policy, source, temp / "invoer", peildatum)))
        evaluate_spark(policy, frame, peildatum=peildatum).write.mode("overwrite").parquet(str(temp / "data"))
        for extra in (temp / "data").iterdir():   # Hadoop's checksums and marker: not data
            if extra.name.startswith((".", "_")):
                extra.unlink()
        summary = _summary(policy.model, temp / "data")
        if target.exists() and not target.is_dir():
            target.unlink()
        publish(temp / "data", target)
        return summary
    finally:
        shutil.rmtree(temp, ignore_errors=True)


def _summary(model: M.Policy, folder: Path):
    """The `dsl.batch.files.Summary` of a run, read from the Parquet files Spark wrote (in the
    input's order, part by part): the same counts, reasons, outcomes and refused rows (with their
    row numbers) as the Polars route gives. Counting on the written files, not on Spark's plan:
    an aggregate of every status of every rule over the plan cost Spark a second analysis and
    optimisation of the whole policy (measured: 14-20 s of a 27-s run of wijkverpleging on three rows)."""
    from dsl.batch.files import Summary, read_chunks

    summary = Summary()
    offset = 0
    for chunk, _point in read_chunks(folder):
        summary.add(model, chunk, offset)
        offset += chunk.height
    return summary
