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

import operator
from collections import Counter
from datetime import date
from functools import cache, reduce
from pathlib import Path

import polars as pl

from dsl.batch.columnar import SCALES, key_output
from dsl.batch.columns import INT64_MAX, PEILDATUM, dtype_of, out_of_range
from dsl.batch.polars_rules import PolarsPlan, decision_values, output_exprs, overflowed
from dsl.case.conversion import range_words
from dsl.core import model as M
from dsl.core.expr import EVERY_DAY
from dsl.core.reasons import reasons
from dsl.types import DURATION_FAMILY, Type, limits


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
    if dtype == pl.UInt64 and t.kind in ("aantal", "duur"):
        return None   # past 2^63 no Int64 holds it: the chunked route refuses such a value by name
    if t.kind == "duur" and dtype.is_integer():
        factor = DURATION_FAMILY[t.declared or t.unit or "dagen"][1]
        fits = column.is_between(-(INT64_MAX // factor), INT64_MAX // factor)   # beyond, the count in days wraps round
        return (pl.when(fits).then(column.cast(target) * factor),
                pl.when(~fits).then(pl.lit(f"gegeven '{name}': de waarde is te groot voor een duur")))
    if t.kind == "aantal" and dtype.is_integer():
        if t.bounds is not None:
            return None   # declared limits: read value by value (the chunked route)
        bad = column < 0
        return pl.when(~bad).then(column.cast(target)), _spelled(
            f"gegeven '{name}': ", pl.when(bad).then(column.cast(pl.String)), " is geen aantal; een aantal is niet negatief")
    if t.kind == "keuze" and dtype == pl.String:
        bad = column.is_not_null() & ~_one_of(column, t.options)
        options = ", ".join(f'"{o}"' for o in t.options)
        return pl.when(~bad).then(column), _spelled(
            f"gegeven '{name}': '", pl.when(bad).then(column), f"' is geen van de keuzes {options}")
    if t.kind in ("ja/nee", "datum", "tekst") and dtype == target:
        return column, None
    if t.kind == "tijdstip" and isinstance(dtype, pl.Datetime):
        return column.cast(target), None
    if t.kind == "lijst" and dtype == target and t.element is not None and t.element.kind != "keuze" \
            and limits(t.element) == (None, None):
        # elements of their exact type and without limits (a keuze's options, a negative bedrag or
        # aantal, a percentage past 100: checked per value on the chunked route)
        return column, None
    if t.kind == "per periode" and t.element is not None and not isinstance(dtype, pl.List):
        plain = _typed(name, dtype, t.element)   # one value a row: the same on every day
        if plain is None:
            return None
        value, bad = plain
        pair = pl.struct(pl.lit(EVERY_DAY, pl.Date).alias("dag"), value.alias("waarde"))
        return pl.when(value.is_not_null()).then(pl.concat_list(pair)).cast(target), bad
    return None


FEW_OPTIONS = 6


def _one_of(column: pl.Expr, options: tuple[str, ...]) -> pl.Expr:
    """Whether a text column holds one of `options`. Measured on 10M rows of three options: a chain
    of equalities took 0.045 s, `is_in` 0.11 s (streamed, `is_in` builds its lookup per batch: 8 %
    of the whole run's CPU time); `is_in` wins from about seven options on."""
    if not options or len(options) > FEW_OPTIONS:
        return column.is_in(list(options))
    return reduce(operator.or_, [column == option for option in options])


def _spelled(before: str, value: pl.Expr, after: str) -> pl.Expr:
    """`before` + value + `after` where `value` is not null, else null: the text is joined only
    for refused rows (a `when(bad).then(pl.format(...))` formats every row, as both branches of a
    when/then are computed)."""
    return pl.concat_str([pl.lit(before), value, pl.lit(after)])


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
    # `when` rather than `replace("", None)`: Polars' streaming engine runs a replace as a separate
    # node whose branches it buffers (measured: +0.5 GB peak on 10M rows)
    joined = pl.concat_str(reasons, separator="; ", ignore_nulls=True)
    refused = pl.when(joined != "").then(joined) if reasons else pl.lit(None, pl.String)
    keys = [c for c in schema if c not in model.fields and c != PEILDATUM]
    outputs = _outputs(model, keys)

    def query(frame: pl.LazyFrame) -> pl.LazyFrame:
        frame = frame.with_columns(*typed, refused.alias("__geweigerd"))
        for stage in plan.stages:
            frame = frame.with_columns(stage)
        return frame.select(outputs)
    return query


def _outputs(model: M.Policy, keys: list[str]) -> list[pl.Expr]:
    ok = pl.col("__geweigerd").is_null()
    columns = [pl.col(k).alias(key_output(k, model)) for k in keys] + output_exprs(model, ok)
    columns.append(pl.when(ok).then(missing_names(list(model.fields))).alias("ontbrekende_gegevens"))
    columns.append(pl.col("__geweigerd").alias("geweigerd"))
    return columns


WORD = 12   # gegevens per bit mask: 4,096 spellings per word, built once per policy


def missing_names(names: list[str]) -> pl.Expr:
    """Per row the gegevens that are null, as `dsl.batch.missing_inputs` spells them ("a, b, c",
    null when none; a Categorical), built from bit masks: per word of `WORD` gegevens the mask
    picks its spelling from a literal list of all of them (no text is built per row). One word
    gives the Categorical at once; more words join their parts' text. Measured on 10M rows of 11
    gegevens: one per-row `concat_str` of names took 2.5x the CPU time of the gather."""
    if not names:
        return pl.lit(None, dtype=pl.Categorical())
    words = [tuple(names[i:i + WORD]) for i in range(0, len(names), WORD)]
    parts = []
    for word in words:
        mask = reduce(operator.or_, [pl.col(n).is_null().cast(pl.UInt16) * (1 << i) for i, n in enumerate(word)])
        dtype = pl.Categorical() if len(words) == 1 else pl.String()
        parts.append(pl.lit(pl.Series("spelling", _spellings(word), dtype=dtype)).gather(mask))
    if len(parts) == 1:
        return parts[0]
    joined = pl.concat_str(parts, separator=", ", ignore_nulls=True)
    return pl.when(joined != "").then(joined).cast(pl.Categorical())


@cache
def _spellings(word: tuple[str, ...]) -> list[str | None]:
    """The spelling of every subset of `word`, indexed by its bit mask (bit i: word[i] is null)."""
    return [", ".join(n for i, n in enumerate(word) if mask >> i & 1) or None for mask in range(1 << len(word))]


# Parquet statistics per row group: null counts only. Measured (instructions, 1M rows of the
# benchmark's 20 output columns): the minimum and maximum of every column cost 12 % of the whole
# run; in the status and reason columns, whose every row group holds nearly every value, they
# would let a reader skip nothing.
STATISTICS = {"min": False, "max": False, "distinct_count": False, "null_count": True}


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
    tallies, what, grouped = _tallies(model)
    try:   # one pass: the file and the tallies share the scan and the evaluation
        _written, counts, *groups = pl.collect_all([out.sink_parquet(temp, compression="zstd", statistics=STATISTICS,
                                                                     lazy=True),
                                                    out.select(tallies), *[out.group_by(c).len() for c in grouped]])
        publish(temp, target)
    except BaseException as err:
        temp.unlink(missing_ok=True)
        if overflowed(err):
            return None   # the chunked route computes such a table per case (`dsl.batch.evaluate_table`)
        if isinstance(err, OSError | pl.exceptions.PolarsError) and _source_readable(pattern):
            raise unwritable(target, err) from None
        raise
    return _summary(model, target, counts, what, dict(zip(grouped, groups)), Summary())


def _source_readable(pattern: str) -> bool:
    """After a failed streamed run: whether the cases read whole, so that the write failed (a
    full disk, a size limit) rather than the reading; only then is it reported as a write."""
    try:
        pl.scan_parquet(pattern).select(pl.all().null_count()).collect()
    except (OSError, pl.exceptions.PolarsError):
        return False
    return True


def _tallies(model: M.Policy) -> tuple[list[pl.Expr], list[tuple[str, str, str]], list[str]]:
    """The summary's counts as sums computed in the same pass as the file: (the sums, per sum
    (what, rule, label) with what "status", "reden" or "waarde", the decision columns whose values
    are not known in advance and are counted by a group_by). Measured on 10M rows: value_counts
    holds every value of a column in memory (+0.4 GB, +2 s); these sums stream."""
    sums = [pl.len().alias("__rijen"), pl.col("geweigerd").is_not_null().sum().alias("__geweigerd")]
    what: list[tuple[str, str, str]] = []
    grouped: list[str] = []

    def count(kind: str, name: str, column: str, labels) -> None:
        for label in labels:
            sums.append((pl.col(column) == label).sum().alias(f"__t{len(what)}"))
            what.append((kind, name, label))
    for name, rule in model.rules.items():
        count("status", name, name, [status.value for status in M.STATUSES[rule.kind]])
        if rule.kind is M.RuleKind.REQUIREMENT:
            count("reden", name, f"{name}.reden", [reason.code for reason in reasons(model, rule)])
        if isinstance(rule, M.Decision) and rule.type.kind in ("keuze", "tekst"):
            values = decision_values(rule)
            if values is None:
                grouped.append(f"{name}.waarde")
            else:
                count("waarde", name, f"{name}.waarde", values)
    return sums, what, grouped


def _summary(model: M.Policy, path: Path, counts: pl.DataFrame, what: list[tuple[str, str, str]],
             groups: dict[str, pl.DataFrame], summary):
    """Counts per status per rule, decisions' outcomes and the refused rows (read back from the
    output only when there are any)."""
    summary.rows, summary.refused_rows = counts["__rijen"][0], counts["__geweigerd"][0]
    if summary.refused_rows:
        refused = pl.scan_parquet(path).with_row_index("rij", offset=1).filter(pl.col("geweigerd").is_not_null())
        summary.refused = list(refused.select("rij", "geweigerd").head(10).collect().iter_rows())
    for name, rule in model.rules.items():
        if isinstance(rule, M.Decision) and rule.type.kind in ("keuze", "tekst"):
            summary.outcomes[name] = Counter()
    for k, (kind, name, label) in enumerate(what):
        n = counts[f"__t{k}"][0]
        if not n:
            continue
        if kind == "status":
            summary.count(model.rules[name], label, n)
        elif kind == "reden":
            summary.count_reason(name, label, n)
        else:
            summary.outcomes[name][label] += n
    for column, group in groups.items():
        summary.outcomes[column.removesuffix(".waarde")].update(
            {value: n for value, n in group.iter_rows() if value is not None})
    return summary
