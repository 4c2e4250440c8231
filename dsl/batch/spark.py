"""Batch evaluation on Spark, for cases that already live in a cluster.

Contract: `evaluate_spark(policy, frame)` takes a Spark DataFrame and returns a Spark DataFrame
with the same columns as `dsl.batch.evaluate_table` gives (keys, a status column per rule as the
Dutch word, `<rule>.waarde`, `<rule>.regel`, `<rule>.uiterste_datum` / `.begin`,
`ontbrekende_gegevens`, `geweigerd`), in the input's order, computed in the cluster from the
core model (`dsl.batch.spark_rules`): nothing is collected to the driver. What an input column
means is read in `dsl.batch.spark_inputs`: columns of the right type as they are (within the
limits a case has), text in its plain forms (numbers with a decimal point or comma, ISO dates and
date-times, ja/nee/true/false, a keuze's options); any other value refuses its row with a Dutch
reason naming the gegeven and the value. `evaluate_file_spark` evaluates a file (CSV, JSON Lines
and Parquet Spark would misread through the Polars readers first). Working days are joined from the per-case calendar as a table
(`calendar_tables`). `session()` starts a local session with the settings exactness needs; on a
cluster, pass your own session after `configure(spark)`.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import weakref
from datetime import date, timedelta
from pathlib import Path

import pyspark.sql.functions as F
from pyspark import SparkConf, SparkContext
from pyspark.errors.exceptions.captured import ArithmeticException
from pyspark.sql import DataFrame, SparkSession

from dsl.batch.columnar import STATUS_LABELS, key_output, rule_outputs
from dsl.batch.spark_inputs import ROW, spark_reads, typed_columns, typed_parquet
from dsl.batch.spark_rules import (
    COMPARISON,
    SparkPlan,
    Sql,
    call,
    case,
    ident,
    is_null,
    string,
    typed_integer,
)
from dsl.core import model as M
from dsl.core.reasons import reasons
from dsl.runtime.calendar import FIRST_YEAR, LAST_YEAR, is_working_day

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
    from pyspark.logger import PySparkLogger

    for name in ("SQLQueryContextLogger", "DataFrameQueryContextLogger"):
        # PySpark logs a failed query's English message and Java stack as JSON on stderr before it
        # raises; `beleid` reports the error itself, in Dutch (made through PySpark's own class, so
        # that its loggers keep the keyword arguments it passes them)
        PySparkLogger.getLogger(name).disabled = True
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
    ok = is_null(Sql(ident("geweigerd")))
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
    missing = call("concat_ws", string(", "), *[case([(is_null(plan.col(n)), string(n))]) for n in model.fields]) \
        if model.fields else string("")
    columns.append(("ontbrekende_gegevens", case([(ok & (missing != string("")), missing)])))
    columns.append(("geweigerd", Sql(ident("geweigerd"))))
    return columns


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
            frame = spark.read.parquet(str(typed_parquet(policy, source, temp / "invoer", peildatum)))
        try:
            evaluate_spark(policy, frame, peildatum=peildatum).write.mode("overwrite").parquet(str(temp / "data"))
        except ArithmeticException as err:   # Spark runs in ANSI mode: an overflow stops the query
            raise BatchFileError(
                f"{source}: een uitkomst past niet in een kolom van Spark (een bedrag of getal tot 38 cijfers, "
                "een aantal of duur tot 2^63), zoals € 10^31 × 10^6; de motor polars rekent zulke rijen per casus "
                "en weigert ze met de regel erbij "
                f"(Spark: {(err.getCondition() or 'ArithmeticException').split('.')[0]})") from None
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
