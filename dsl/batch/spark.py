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

from datetime import date
from pathlib import Path
from typing import Any

import pyspark.sql.functions as F
from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql.types import (
    ArrayType,
    BooleanType,
    DateType,
    DecimalType,
    DoubleType,
    FloatType,
    IntegralType,
    StringType,
    TimestampNTZType,
    TimestampType,
)

from dsl.batch.columnar import SCALES, STATUS_CODES, STATUS_LABELS, holiday_list, key_output, rule_outputs
from dsl.batch.spark_rules import SparkPlan, spark_type
from dsl.core import model as M
from dsl.core.reasons import reasons
from dsl.runtime.calendar import FIRST_YEAR, LAST_YEAR
from dsl.types import DURATION_FAMILY, UNIT_ALIASES, Type

PEILDATUM = "peildatum"
ROW = "__rij"
SETTINGS = {
    "spark.sql.decimalOperations.allowPrecisionLoss": "false",   # a product keeps its full scale
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
    builder = SparkSession.builder.master(master).appName("beleidstaal").config("spark.ui.enabled", "false") \
        .config("spark.sql.shuffle.partitions", "4").config("spark.ui.showConsoleProgress", "false")
    for key, value in SETTINGS.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return configure(spark)


def calendar_tables(spark: SparkSession) -> tuple[DataFrame, DataFrame]:
    """(every day with the count of working days up to and including it, working days by their
    index) for the years the per-case calendar knows (Algemene termijnenwet)."""
    days = spark.range(0, (date(LAST_YEAR, 12, 31) - date(FIRST_YEAR, 1, 1)).days + 1) \
        .select(F.date_add(F.lit(date(FIRST_YEAR, 1, 1)), F.col("id").cast("int")).alias("dag"))
    holidays = spark.createDataFrame([(d,) for d in holiday_list()], "feestdag date")
    marked = days.join(F.broadcast(holidays), days["dag"] == holidays["feestdag"], "left") \
        .select("dag", (F.weekday("dag") < 5) & F.col("feestdag").isNull()).toDF("dag", "werkdag")
    from pyspark.sql.window import Window

    upto = marked.select("dag", "werkdag", F.sum(F.col("werkdag").cast("int")).over(
        Window.orderBy("dag").rowsBetween(Window.unboundedPreceding, 0)).alias("tot"))
    working = upto.filter("werkdag").select(F.col("tot").alias("index"), F.col("dag").alias("werkdag_datum"))
    return upto.select("dag", "tot").cache(), working.cache()


# ---------------------------------------------------------------- inputs
_NUMBER = r"^\s*-?[0-9]+([.,][0-9]+)?\s*$"
_DATE = r"^\s*[0-9]{4}-[0-9]{2}-[0-9]{2}\s*$"
_DATETIME = r"^\s*[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}(:[0-9]{2})?\s*$"


def _read(column: Column, source: Any, t: Type) -> Column:
    """A column of type `t` from a column of Spark type `source` (null where it does not fit)."""
    target = spark_type(t)
    if isinstance(source, StringType):
        text = F.trim(column)
        if t.kind in SCALES:
            return F.when(text.rlike(_NUMBER), F.regexp_replace(text, ",", ".").cast(target))
        if t.kind == "aantal":
            return F.when(text.rlike(r"^\s*[0-9]+\s*$"), text.cast(target))
        if t.kind == "duur":
            return _duration_text(text, t)
        if t.kind == "ja/nee":
            lowered = F.lower(text)
            return F.when(lowered.isin("ja", "true", "waar"), F.lit(True)).when(
                lowered.isin("nee", "false", "onwaar"), F.lit(False))
        if t.kind == "datum":
            return F.when(text.rlike(_DATE), F.to_date(text, "yyyy-MM-dd"))
        if t.kind == "tijdstip":
            return F.when(text.rlike(_DATETIME), F.to_timestamp_ntz(F.regexp_replace(text, "T", " ")))
        if t.kind == "keuze":
            return F.when(column.isin(*t.options), column)
        return column
    if isinstance(source, (DoubleType, FloatType)):
        finite = ~F.isnan(column) & (F.abs(column) != F.lit(float("inf")))
        return F.when(finite, column.cast(target)) if t.kind in SCALES else F.lit(None).cast(target)
    if isinstance(source, TimestampType) and t.kind == "tijdstip":
        return column.cast(TimestampNTZType())
    compatible = {
        "ja/nee": isinstance(source, BooleanType), "datum": isinstance(source, DateType),
        "tijdstip": isinstance(source, TimestampNTZType),
        "aantal": isinstance(source, IntegralType), "duur": isinstance(source, IntegralType),
    }
    if t.kind in SCALES and isinstance(source, (DecimalType, IntegralType)):
        return column.cast(target)
    if t.kind == "lijst" and isinstance(source, ArrayType):
        return column.cast(target)
    if compatible.get(t.kind, False):
        value = column.cast(target)
        if t.kind == "duur":   # a whole number counts in the declared unit, as in a case file
            return value * DURATION_FAMILY[t.declared or t.unit or "dagen"][1]
        return F.when(value >= 0, value) if t.kind == "aantal" else value
    return F.lit(None).cast(target)


def _duration_text(text: Column, t: Type) -> Column:
    """A duration written as a whole number (in the declared unit) or as "3 weken" (any unit of
    the same family), as a count in the family's base unit; null for anything else."""
    declared = DURATION_FAMILY[t.declared or t.unit or "dagen"][1]
    factors = {alias: DURATION_FAMILY[unit][1] for alias, unit in UNIT_ALIASES.items()
               if DURATION_FAMILY[unit][0] == t.unit}
    lookup = F.create_map(*[item for alias, factor in factors.items() for item in (F.lit(alias), F.lit(factor))])
    amount = F.regexp_extract(text, r"^(-?[0-9]+)(?:\s+([A-Za-z]+))?$", 1)
    unit = F.lower(F.regexp_extract(text, r"^(-?[0-9]+)(?:\s+([A-Za-z]+))?$", 2))
    factor = F.when(unit == "", F.lit(declared)).otherwise(F.element_at(lookup, unit))
    return F.when(text.rlike(r"^-?[0-9]+(\s+[A-Za-z]+)?$"), amount.cast("long") * factor)


def typed_columns(policy: M.Policy, frame: DataFrame, peildatum: date | None) -> tuple[DataFrame, list[str]]:
    """The frame with every gegeven as a column of its type (null when absent or unreadable),
    the peildatum, and `geweigerd`: why a row could not be read."""
    schema = {f.name: f.dataType for f in frame.schema.fields}
    keys = [c for c in frame.columns if c not in policy.fields and c not in (PEILDATUM, ROW)]
    typed, reasons = [], []
    for name, field in policy.fields.items():
        if name not in schema:
            typed.append(F.lit(None).cast(spark_type(field.type)).alias(name))
            continue
        raw = F.col(f"`{name}`")
        value = _read(raw, schema[name], field.type)
        typed.append(value.alias(name))
        shown = raw.cast("string")
        reasons.append(F.when(raw.isNotNull() & value.isNull() & (F.trim(shown) != F.lit("onbekend")),
                              F.concat(F.lit(f"gegeven '{name}': "), F.lit("'"), shown,
                                       F.lit(f"' kan niet gelezen worden als {field.type}"))))
    if PEILDATUM in schema:
        peil = _read(F.col(PEILDATUM), schema[PEILDATUM], Type("datum"))
        reasons.append(F.when(F.col(PEILDATUM).isNotNull() & peil.isNull(),
                              F.concat(F.lit("peildatum: '"), F.col(PEILDATUM).cast("string"),
                                       F.lit("' kan niet gelezen worden als datum"))))
    else:
        peil = F.lit(peildatum).cast(DateType())
    refused = F.concat_ws("; ", *reasons) if reasons else F.lit("")
    out = frame.select(ROW, *[F.col(f"`{k}`") for k in keys], *typed, peil.alias(PEILDATUM),
                       F.when(refused != "", refused).alias("geweigerd"))
    return out, keys


# ---------------------------------------------------------------- evaluation
def evaluate_spark(policy, frame: DataFrame, *, peildatum: date | None = None) -> DataFrame:
    """Evaluate every row of a Spark DataFrame in the cluster (see the module contract)."""
    model: M.Policy = policy.model
    plan = SparkPlan(model)
    spark = frame.sparkSession
    configure(spark)
    frame = frame.withColumn(ROW, F.monotonically_increasing_id())
    data, keys = typed_columns(model, frame, peildatum)
    data = _join_working_days(spark, data, plan)
    for stage in plan.stages:
        data = data.withColumns(dict(stage))
    return data.select(*_output(model, keys)).orderBy(ROW).drop(ROW)


def _join_working_days(spark: SparkSession, data: DataFrame, plan: SparkPlan) -> DataFrame:
    """Each shift by working days as joins with the calendar: the n-th working day after a date
    is the working day whose index is (working days up to that date) + n; before it, counted from
    the day before."""
    if not plan.working_days:
        return data
    upto, working = calendar_tables(spark)
    for column, base, amount in plan.working_days:
        data = data.withColumn("__wbase", base).withColumn("__wn", amount)
        here = F.broadcast(upto.select(F.col("dag").alias("__d1"), F.col("tot").alias("__t1")))
        before = F.broadcast(upto.select(F.col("dag").alias("__d2"), F.col("tot").alias("__t2")))
        data = data.join(here, data["__wbase"] == here["__d1"], "left") \
            .join(before, F.date_sub(data["__wbase"], 1) == before["__d2"], "left")
        target = F.when(F.col("__wn") > 0, F.col("__t1") + F.col("__wn")).otherwise(F.col("__t2") + F.col("__wn") + 1)
        data = data.withColumn("__wtarget", target)
        found = F.broadcast(working.select(F.col("index").alias("__wi"), F.col("werkdag_datum").alias("__wd")))
        data = data.join(found, data["__wtarget"] == found["__wi"], "left")
        data = data.withColumn(column, F.when(F.col("__wn") == 0, F.col("__wbase")).otherwise(F.col("__wd"))) \
            .drop("__wbase", "__wn", "__d1", "__t1", "__d2", "__t2", "__wtarget", "__wi", "__wd")
    return data


def _output(model: M.Policy, keys: list[str]) -> list[Column]:
    labels = F.array(*[F.lit(label) for label in STATUS_LABELS])
    ok = F.col("geweigerd").isNull()
    columns = [F.col(ROW)] + [F.col(f"`{k}`").alias(key_output(k, model)) for k in keys]
    for name, internal, role in rule_outputs(model):
        column = F.col(internal)
        if role == "status":
            column = F.element_at(labels, column.cast("int") + 1)
        elif role == "reason":
            codes = F.array(*[F.lit(r.code) for r in reasons(model, model.rules[name.removesuffix(".reden")])])
            # guarded: Spark 4.0 folds element_at into the branches of the CASE that makes the
            # code and then gives the last element for a null index (seen on ggz_2020)
            column = F.when(column.isNotNull(), F.element_at(codes, column.cast("int") + 1))
        elif role == "row":
            column = F.when(column >= 0, column.cast("smallint") + 1)
        columns.append(F.when(ok, column).alias(name))
    missing = F.concat_ws(", ", *[F.when(F.col(n).isNull(), F.lit(n)) for n in model.fields]) \
        if model.fields else F.lit("")
    columns.append(F.when(ok & (missing != ""), missing).alias("ontbrekende_gegevens"))
    columns.append(F.col("geweigerd"))
    return columns


def read_file(spark: SparkSession, path: Path) -> DataFrame:
    """A table of cases as Spark reads it: Parquet (file or folder) in its own types, CSV and
    JSON Lines as text (CSV: semicolons in a Dutch file; numbers with a decimal comma are read)."""
    from dsl.batch.files import _csv_dialect, format_of

    fmt = format_of(path)
    if fmt == "parquet":
        return spark.read.parquet(str(path))
    if fmt == "csv":
        separator, _point = _csv_dialect(path)
        return spark.read.options(header=True, sep=separator, encoding="UTF-8", inferSchema=False).csv(str(path))
    return spark.read.option("primitivesAsString", True).json(str(path))


def evaluate_file_spark(policy, source: Path, target: Path, *, peildatum: date | None = None):
    """Evaluate a file on Spark into a Parquet folder `target` (written beside it first and
    renamed into place), and return the `dsl.batch.files.Summary` of the run."""
    import shutil
    import tempfile

    from dsl.batch.files import BatchFileError, Summary, publish

    if not target.parent.is_dir():
        raise BatchFileError(f"{target}: de map {target.parent} bestaat niet")
    spark = session()
    out = evaluate_spark(policy, read_file(spark, source), peildatum=peildatum).cache()
    temp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        out.write.mode("overwrite").parquet(str(temp / "data"))
        for extra in (temp / "data").iterdir():   # Hadoop's checksums and marker: not data
            if extra.name.startswith((".", "_")):
                extra.unlink()
        if target.exists() and not target.is_dir():
            target.unlink()
        publish(temp / "data", target)
    finally:
        shutil.rmtree(temp, ignore_errors=True)
    summary = Summary()
    model: M.Policy = policy.model
    counts = out.agg(F.count(F.lit(1)).alias("__n"), *[
        F.count(F.when(F.col(f"`{name}`") == status.value, 1)).alias(f"{i}|{status.value}")
        for i, name in enumerate(model.rules) for status in STATUS_CODES]).first()
    assert counts is not None
    summary.rows = counts["__n"]
    rules = list(model.rules.values())
    for key, n in counts.asDict().items():
        if key != "__n" and n:
            index, status = key.split("|", 1)
            summary.count(rules[int(index)], status, n)
    refused = out.filter(F.col("geweigerd").isNotNull())
    summary.refused_rows = refused.count()
    summary.refused = [(0, row["geweigerd"]) for row in refused.select("geweigerd").limit(10).collect()]
    out.unpersist()
    return summary
