"""Streaming Parquet to Parquet with Polars' streaming engine, for inputs already in their types.

Contract: `lazy_query(policy, schema, peildatum)` gives the whole evaluation as one Polars
`LazyFrame` function (scan -> typed columns -> the rule stages of `dsl.batch.polars_rules` ->
the output columns of `dsl.batch.evaluate_table`) when every gegeven column of `schema` already
holds its exact type (decimals within their scale, whole numbers, booleans, dates, text for
tekst and keuze) and the policy has a Polars plan, and None otherwise (the caller then reads in
chunks, value by value where needed, and evaluates per case what Polars cannot). Refusals that need no per-value reading are made here: a keuze value that is not one
of the options, a negative aantal. `stream_file` runs the query with `sink_parquet` into a
temporary file beside the target (Polars streams it in batches: memory stays flat), computing
the summary's counts in the same pass, and renames the file into place.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import polars as pl

from dsl.batch.columnar import SCALES, key_output
from dsl.batch.columns import PEILDATUM, dtype_of, out_of_range
from dsl.batch.polars_rules import PolarsPlan, output_exprs
from dsl.case.conversion import range_words
from dsl.core import model as M
from dsl.types import DURATION_FAMILY, Type


def _typed(name: str, dtype: pl.DataType, t: Type) -> tuple[pl.Expr, pl.Expr | None] | None:
    """(the typed column, the refusal reason or None) for a column of `dtype`, or None when it
    needs reading value by value."""
    column, target = pl.col(name), dtype_of(t)
    if t.kind in SCALES:
        if (isinstance(dtype, pl.Decimal) and (dtype.scale or 0) <= SCALES[t.kind]) or dtype.is_integer():
            bad = out_of_range(column, t)
            if bad is None:
                return column.cast(target), None
            # constant words, no value: formatting a value for every row doubled the run time
            # (a when/then computes both branches); the value stands in the row's own column
            message: pl.Expr = pl.lit(f"gegeven '{name}': de waarde {range_words(t)}")
            if t.kind == "percentage":
                message = pl.when((column > 0) & (column < 1)).then(pl.lit(
                    f"gegeven '{name}': een kaal getal tussen 0 en 1 is dubbelzinnig voor een percentage; "
                    "schrijf het met het procentteken (\"0,41%\") of in procenten (41)")).otherwise(message)
            # the value need not be nulled: every output of a refused row is (see `_outputs`)
            return column.cast(target), pl.when(bad).then(message)
        return None
    if t.kind == "duur" and dtype.is_integer():
        return column.cast(target) * DURATION_FAMILY[t.declared or t.unit or "dagen"][1], None
    if t.kind == "aantal" and dtype.is_integer():
        if t.bounds is not None:
            return None   # declared limits: read value by value (the chunked route)
        bad = column < 0
        return pl.when(~bad).then(column.cast(target)), pl.when(bad).then(pl.format(
            "gegeven '{}': {} is geen aantal; een aantal is niet negatief", pl.lit(name), column))
    if t.kind == "keuze" and dtype == pl.String:
        bad = column.is_not_null() & ~column.is_in(list(t.options))
        options = ", ".join(f'"{o}"' for o in t.options)
        return pl.when(~bad).then(column), pl.when(bad).then(pl.format(
            "gegeven '{}': '{}' is geen van de keuzes {}", pl.lit(name), column, pl.lit(options)))
    if t.kind in ("ja/nee", "datum", "tekst") and dtype == target:
        return column, None
    if t.kind == "tijdstip" and isinstance(dtype, pl.Datetime):
        return column.cast(target), None
    if t.kind == "lijst" and dtype == target and t.element is not None and t.element.kind != "keuze":
        return column, None   # elements of their exact type (a keuze's options are checked per value)
    return None


def lazy_query(policy, schema: dict[str, pl.DataType], peildatum: date | None):
    """A function LazyFrame -> LazyFrame evaluating the policy (see the module contract), or None."""
    from dsl.batch import plan_for

    model: M.Policy = policy.model
    plan = plan_for(policy)
    if not isinstance(plan, PolarsPlan):   # e.g. a division: the chunked route evaluates per case
        return None
    typed: list[pl.Expr] = []
    reasons: list[pl.Expr] = []
    for name, field in model.fields.items():
        if name not in schema:
            typed.append(pl.lit(None, dtype=dtype_of(field.type)).alias(name))
            continue
        read = _typed(name, schema[name], field.type)
        if read is None:
            return None
        typed.append(read[0].alias(name))
        if read[1] is not None:
            reasons.append(read[1])
    if PEILDATUM in schema:
        if schema[PEILDATUM] != pl.Date:
            return None
        typed.append(pl.col(PEILDATUM))
    else:
        typed.append(pl.lit(peildatum, dtype=pl.Date).alias(PEILDATUM))
    refused = pl.concat_str(reasons, separator="; ", ignore_nulls=True) if reasons else pl.lit(None, pl.String)
    keys = [c for c in schema if c not in model.fields and c != PEILDATUM]
    outputs = _outputs(model, keys)

    def query(frame: pl.LazyFrame) -> pl.LazyFrame:
        frame = frame.with_columns(*typed, refused.replace("", None).alias("__geweigerd"))
        for stage in plan.stages:
            frame = frame.with_columns(stage)
        return frame.select(outputs)
    return query


def _outputs(model: M.Policy, keys: list[str]) -> list[pl.Expr]:
    ok = pl.col("__geweigerd").is_null()
    columns = [pl.col(k).alias(key_output(k, model)) for k in keys] + output_exprs(model, ok)
    missing = pl.concat_str([pl.when(pl.col(n).is_null()).then(pl.lit(n)) for n in model.fields],
                            separator=", ", ignore_nulls=True) if model.fields else pl.lit("")
    columns.append(pl.when(ok & (missing != "")).then(missing).cast(pl.Categorical()).alias("ontbrekende_gegevens"))
    columns.append(pl.col("__geweigerd").alias("geweigerd"))
    return columns


def stream_file(policy, source: Path, target: Path, peildatum: date | None):
    """Evaluate a Parquet file (or folder) into `target` with the streaming engine, or return
    None when a column needs reading value by value (see the module contract)."""
    from dsl.atomic import publish, temporary_beside
    from dsl.batch.files import Summary, unwritable

    pattern = str(source / "**" / "*.parquet") if source.is_dir() else str(source)
    scan = pl.scan_parquet(pattern)
    query = lazy_query(policy, dict(scan.collect_schema()), peildatum)
    if query is None:
        return None
    temp = temporary_beside(target)
    model: M.Policy = policy.model
    out = query(scan)
    decisions = [n for n, r in model.rules.items()
                 if isinstance(r, M.Decision) and r.type.kind in ("keuze", "tekst")]
    requirements = [n for n, r in model.rules.items() if r.kind is M.RuleKind.REQUIREMENT]
    tallies = out.select([pl.len().alias("__rijen"), pl.col("geweigerd").is_not_null().sum().alias("__geweigerd"),
                          *[pl.col(n).value_counts().implode().alias(n) for n in model.rules],
                          *[pl.col(f"{n}.reden").drop_nulls().value_counts().implode().alias(f"{n}.reden")
                            for n in requirements],
                          *[pl.col(f"{n}.waarde").drop_nulls().value_counts().implode().alias(f"{n}.waarde")
                            for n in decisions]])
    try:   # one pass: the file and the tallies share the scan and the evaluation
        _written, counts = pl.collect_all([out.sink_parquet(temp, compression="zstd", lazy=True), tallies])
        publish(temp, target)
    except BaseException as err:
        temp.unlink(missing_ok=True)
        if isinstance(err, OSError | pl.exceptions.PolarsError) and _source_readable(pattern):
            raise unwritable(target, err) from None
        raise
    return _summary(model, target, counts, decisions, Summary())


def _source_readable(pattern: str) -> bool:
    """After a failed streamed run: whether the cases read whole, so that the write failed (a
    full disk, a size limit) rather than the reading; only then is it reported as a write."""
    try:
        pl.scan_parquet(pattern).select(pl.all().null_count()).collect()
    except (OSError, pl.exceptions.PolarsError):
        return False
    return True


def _summary(model: M.Policy, path: Path, counts: pl.DataFrame, decisions: list[str], summary):
    """Counts per status per rule, decisions' outcomes and the refused rows (read back from the
    output only when there are any)."""
    summary.rows, summary.refused_rows = counts["__rijen"][0], counts["__geweigerd"][0]
    if summary.refused_rows:
        refused = pl.scan_parquet(path).with_row_index("rij", offset=1).filter(pl.col("geweigerd").is_not_null())
        summary.refused = list(refused.select("rij", "geweigerd").head(10).collect().iter_rows())
    for name, rule in model.rules.items():
        for entry in counts[name][0]:
            if entry[name] is not None:
                summary.count(rule, entry[name], entry["count"])
    for name, rule in model.rules.items():
        if rule.kind is M.RuleKind.REQUIREMENT:
            for entry in counts[f"{name}.reden"][0]:
                summary.count_reason(name, entry[f"{name}.reden"], entry["count"])
    for name in decisions:
        summary.outcomes[name] = Counter({e[f"{name}.waarde"]: e["count"] for e in counts[f"{name}.waarde"][0]})
    return summary
