"""Batch evaluation: a whole table of cases through a policy, exactly as case by case.

Contract: `evaluate_table(policy, table)` takes a Polars DataFrame or LazyFrame, a pyarrow
Table, a pandas DataFrame or a list of dicts, and returns a Polars DataFrame with, per input
row, in the input's order:
  - the input's columns that are not gegevens (an id, an AGB code: whatever identifies the row;
    one named like a result column is kept as `invoer.<name>`);
  - per rule a column named after the rule with its status (an Enum of the Dutch status words);
  - `<rule>.reden` for eisen and groepen that did not pass: the reason code of
    `dsl.core.reasons` ("2": the eis's second part is nee; "?1": its first part is unknown; a
    groep names its first eis not voldaan), as `Outcome.reason` gives it per case;
  - `<rule>.waarde` for decisions and calculations (a keuze or tekst decision whose outcomes the
    policy writes out holds them as an Enum of those words, in the policy's order:
    `dsl.batch.polars_rules.value_enum`), `<rule>.regel` (the row number that gave a
    decision's outcome, `anders` counted as the last row), `<rule>.uiterste_datum` and
    `<rule>.begin` for termijnen;
  - `ontbrekende_gegevens`: the gegevens the row leaves unknown, as "a, b, c" (null when none);
  - `geweigerd`: why the row could not be read (a value that does not fit its gegeven), else
    null; a refused row keeps its place and has no statuses.
`engine="polars"` (the default) evaluates with Polars expressions compiled from the core model
(`dsl.batch.polars_rules`); where a policy uses a construct that back end cannot evaluate
exactly, or with `engine="python"`, every row goes through the per-case path instead. Both give
the same table: statuses, reasons, values, row numbers and bounds agree row for row
(tests/test_batch.py).
Peildatum: a `peildatum` column, else the `peildatum` argument (else unknown). Text is read as
in a Dutch case file ("1.234,56"); with `decimal_point`, "1234.56" is read with a decimal point.
"""

from __future__ import annotations

import decimal
import weakref
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import polars as pl

from dsl.batch.columnar import key_output
from dsl.batch.columns import ERROR_COLUMN, INT64_MAX, PEILDATUM, dtype_of, history_of, period_of, typed_inputs
from dsl.batch.polars_rules import STATUS_CODES, PolarsPlan, Unsupported, one_value, output_exprs, overflowed
from dsl.core import model as M
from dsl.core.reasons import reasons
from dsl.runtime.formatting import format_value

__all__ = ["ENGINES", "Unsupported", "evaluate_table", "outcome_of_row", "plan_for", "to_frame"]

ENGINES = ("polars", "python")
_PLANS: weakref.WeakKeyDictionary[M.Policy, PolarsPlan | Unsupported] = weakref.WeakKeyDictionary()


def to_frame(table: Any) -> pl.DataFrame:
    """A Polars DataFrame of any supported table (see the module contract)."""
    if isinstance(table, pl.DataFrame):
        return table
    if isinstance(table, pl.LazyFrame):
        return table.collect()
    if isinstance(table, list):
        return frame_of_rows(table)
    module = type(table).__module__.split(".")[0]
    if module in ("pyarrow", "pandas"):
        return pl.from_arrow(table) if module == "pyarrow" else pl.from_pandas(table)  # type: ignore[return-value]
    raise TypeError(f"een tabel van het soort {type(table).__name__} kan niet gelezen worden; "
                    "geef een Polars- of pandas-DataFrame, een pyarrow-Table of een lijst van dicts")


def _column(name: str, values: list) -> pl.Series:
    """One column of Python values: typed when all known values are of one kind (so a Decimal
    column stays exact), else kept as Python objects and read value by value."""
    kinds = {type(v) for v in values if v is not None}
    if len(kinds) == 1:
        kind = kinds.pop()
        # Polars cannot hold a NaN Decimal (it would panic): such a column stays Python objects
        finite = kind is not Decimal or all(v is None or v.is_finite() for v in values)
        if kind in (bool, int, str, Decimal, date, datetime) and finite:
            try:
                return pl.Series(name, values, strict=True)
            except (TypeError, OverflowError, pl.exceptions.PolarsError):
                pass
    return pl.Series(name, values, dtype=pl.Object)


def frame_of_rows(rows: list[dict]) -> pl.DataFrame:
    """A DataFrame of dict rows, every value kept as given (see `_column`)."""
    names = list(dict.fromkeys(key for row in rows for key in row))
    return pl.DataFrame([_column(n, [row.get(n) for row in rows]) for n in names], height=len(rows)) \
        if names else pl.DataFrame(height=len(rows))


def plan_for(policy) -> PolarsPlan | Unsupported:
    """The Polars plan of a compiled policy (built once per model and kept while the model lives),
    or why it cannot have one. Neither refers to the model: a value of `_PLANS` that did (the plan's
    `policy`, or the frames of the exception's traceback) kept its key alive, and with it every
    policy ever evaluated as a table (the notebook compiles one per edit)."""
    model = policy.model
    plan = _PLANS.get(model)
    if plan is None:
        try:
            plan = PolarsPlan(model).built()
        except Unsupported as why:
            plan = Unsupported(*why.args)
        _PLANS[model] = plan
    return plan


def evaluate_table(policy, table: Any, *, peildatum: date | None = None, engine: str = "polars",
                   decimal_point: bool = False) -> pl.DataFrame:
    """Evaluate every row of `table` (see the module contract)."""
    if engine not in ENGINES:
        raise ValueError(f"onbekende motor '{engine}': kies uit {', '.join(ENGINES)}")
    if getattr(policy.model, "network", None):   # netwerkeisen and voorkeuren: over the whole table
        from dsl.batch.network import evaluate_with_network

        return evaluate_with_network(policy, table, peildatum=peildatum, engine=engine, decimal_point=decimal_point)
    frame = to_frame(table)
    model: M.Policy = policy.model
    keys = [c for c in frame.columns if c not in model.fields and c not in (PEILDATUM, ERROR_COLUMN)]
    inputs, refused = typed_inputs(model, frame, peildatum, decimal_point)
    plan = plan_for(policy) if engine == "polars" else Unsupported("gevraagd: per casus")
    rules: pl.DataFrame | None = None
    if isinstance(plan, PolarsPlan):
        changing = changing_rows(model, inputs)
        try:
            if changing is not None and changing.any():
                rules, refused = _evaluate_split(policy, plan, inputs, refused, changing)
            else:
                rules = _evaluate_polars(plan, inputs, refused)
        except (pl.exceptions.ComputeError, pl.exceptions.InvalidOperationError) as err:
            # a number past its column stops the whole Polars query (`overflowed`); the table then
            # goes through the per-case path, which computes exactly and refuses, by name, a row
            # whose outcome no column can hold
            if not overflowed(err):
                raise
    if rules is None:
        rules, refused = _evaluate_per_case(policy, inputs, refused)
    extra = pl.DataFrame([missing_inputs(inputs, list(model.fields)), refused.alias("geweigerd")])
    extra = extra.with_columns(pl.when(pl.col("geweigerd").is_null()).then(pl.col("ontbrekende_gegevens"))
                               .alias("ontbrekende_gegevens"))
    output = _output(model, rules)
    key_frame = frame.select([pl.col(k).alias(key_output(k, model)) for k in keys])
    return pl.concat([key_frame, output, extra], how="horizontal")


def missing_inputs(inputs: pl.DataFrame, names: list[str]) -> pl.Series:
    """Per row the gegevens that are unknown, as one text ("a, b, c"; null when none), kept as a
    Categorical: rows share few patterns of unknowns, so each distinct pattern is spelled once and
    a row holds only its code (a list of ~100 names per row took 2 kB a row). Patterns are found
    as bit masks."""
    if not names:
        return pl.Series("ontbrekende_gegevens", [None], dtype=pl.Categorical()).new_from_index(0, inputs.height)
    words = [names[i:i + 63] for i in range(0, len(names), 63)]
    masks = inputs.select([pl.sum_horizontal([pl.col(n).is_null().cast(pl.UInt64) * (1 << i)
                                              for i, n in enumerate(word)]).alias(f"m{w}")
                           for w, word in enumerate(words)])
    keys = list(masks.columns)
    patterns = masks.unique()
    spelled = [", ".join(n for w, word in enumerate(words) for i, n in enumerate(word) if row[w] >> i & 1) or None
               for row in patterns.iter_rows()]
    lookup = patterns.with_columns(pl.Series("ontbrekende_gegevens", spelled, dtype=pl.String)
                                   .cast(pl.Categorical()))
    return masks.join(lookup, on=keys, how="left", maintain_order="left")["ontbrekende_gegevens"]


def changing_rows(model: M.Policy, inputs: pl.DataFrame) -> pl.Series | None:
    """Per row whether one of its gegevens per periode changes value (more than one (dag, waarde)
    pair, or one that starts on a day): `gedurende de periode van ...` must then be evaluated day
    by day, which the engines leave to the per-case path (`ColumnarPlan.throughout`). None when the
    policy has no gegeven per periode."""
    names = [name for name, field in model.fields.items() if field.type.kind == "per periode"]
    if not names:
        return None
    tests = [pl.col(n).is_not_null() & ~one_value(pl.col(n)) for n in names]
    return inputs.select(pl.any_horizontal(tests).fill_null(True).alias("wisselt"))["wisselt"]


def _evaluate_split(policy, plan: PolarsPlan, inputs: pl.DataFrame, refused: pl.Series,
                    changing: pl.Series) -> tuple[pl.DataFrame, pl.Series]:
    """The rows whose gegevens per periode change value through the per-case path, the others in
    columns, in the input's order; and the refusals (the per-case path may refuse a row too)."""
    positions = changing.arg_true()
    columns = _evaluate_polars(plan, inputs, refused).with_row_index("__rij").filter(~changing)
    per_case, per_case_refused = _evaluate_per_case(policy, inputs.select(pl.all().gather(positions)),
                                                    refused.gather(positions))
    per_case = per_case.with_columns(positions.cast(pl.UInt32).alias("__rij"))
    merged = pl.concat([columns, per_case], how="diagonal_relaxed").sort("__rij").drop("__rij")
    return merged, refused.clone().scatter(positions, per_case_refused)


def _evaluate_polars(plan: PolarsPlan, inputs: pl.DataFrame, refused: pl.Series) -> pl.DataFrame:
    lazy = inputs.lazy()
    for stage in plan.stages:
        lazy = lazy.with_columns(stage)
    internal = [c for c in lazy.collect_schema().names() if c.startswith("__") and not c.startswith("__g")]
    ok = refused.is_null()
    return lazy.select([pl.when(pl.lit(ok)).then(pl.col(c)).alias(c) for c in internal]).collect()


def _evaluate_per_case(policy, inputs: pl.DataFrame, refused: pl.Series) -> tuple[pl.DataFrame, pl.Series]:
    """The reference engine: every readable row through the per-case path (`policy.evaluate`).
    Returns the rule columns and the refusals: a row is also refused when one of its values has
    more digits than a decimal column holds exactly (38; `1 / 3E20` has 48 decimals), since
    writing it would round it."""
    from dsl.case import Case

    model: M.Policy = policy.model
    names = tuple(model.fields)
    by_year = [f.type.kind == "per jaar" for f in model.fields.values()]   # a value per year: its pairs
    by_period = [f.type.kind == "per periode" for f in model.fields.values()]
    any_period = any(by_period)
    columns: dict[str, list] = {}
    rules = list(model.rules.values())
    with_reasons = [(i, rule, {r.code: k for k, r in enumerate(reasons(model, rule))}) for i, rule in enumerate(rules)
                    if rule.kind in (M.RuleKind.REQUIREMENT, M.RuleKind.GROUP)]
    for i, _rule in enumerate(rules):
        for prefix in ("__s", "__r", "__x", "__d", "__b"):
            columns[f"{prefix}{i}"] = []
    for row, problem in zip(inputs.iter_rows(), refused.to_list()):
        if problem is not None:
            for values in columns.values():
                values.append(None)
            continue
        given = tuple(history_of(v) if y else tuple(v) if isinstance(v, list) else v
                      for v, y in zip(row[:len(names)], by_year, strict=True))
        if any_period:   # a gegeven per periode: its (dag, waarde) pairs
            given = tuple(period_of(v) if p else v for v, p in zip(given, by_period, strict=True))
        outcome = policy.evaluate(Case.of(given, row[len(names)], names))
        statuses, outcomes, details = outcome.statuses, outcome.values, outcome.details
        for i, rule in enumerate(rules):
            columns[f"__s{i}"].append(STATUS_CODES.index(statuses[i]))
            columns[f"__x{i}"].append(outcomes[i])
            detail = details[i]
            if rule.kind is M.RuleKind.TIMELINE:
                columns[f"__d{i}"].append(detail[0])
                columns[f"__b{i}"].append(detail[1])
            else:
                columns[f"__d{i}"].append(detail)
                columns[f"__b{i}"].append(None)
        for i, rule, codes in with_reasons:
            code = outcome.reason(rule.name)
            columns[f"__r{i}"].append(None if code is None else codes[code])
    problems = refused.to_list()
    dtypes = {}
    for i, rule in enumerate(rules):
        if rule.kind in (M.RuleKind.DECISION, M.RuleKind.CALCULATION):
            dtypes[i] = _value_dtype(rule, columns[f"__x{i}"], problems)
            _unheld(rule, columns[f"__x{i}"], dtypes[i], problems)
    too_long = [k for k, problem in enumerate(problems) if problem is not None and refused[k] is None]
    for k in too_long:      # a refused row keeps its place and has no statuses
        for values in columns.values():
            if values:      # the columns a rule kind does not fill stay empty
                values[k] = None
    series = []
    for i, rule in enumerate(rules):
        series.append(pl.Series(f"__s{i}", columns[f"__s{i}"], dtype=pl.Int8))
        if rule.kind in (M.RuleKind.REQUIREMENT, M.RuleKind.GROUP):
            series.append(pl.Series(f"__r{i}", columns[f"__r{i}"], dtype=pl.Int16))
        if rule.kind in (M.RuleKind.DECISION, M.RuleKind.CALCULATION):
            series.append(pl.Series(f"__x{i}", columns[f"__x{i}"], dtype=dtypes[i], strict=False))
        if rule.kind is M.RuleKind.DECISION:
            series.append(pl.Series(f"__d{i}", columns[f"__d{i}"], dtype=pl.Int8))
        if isinstance(rule, M.Timeline):
            series.append(pl.Series(f"__d{i}", columns[f"__d{i}"], dtype=_moment_dtype(rule.end), strict=False))
            series.append(pl.Series(f"__b{i}", columns[f"__b{i}"], dtype=_moment_dtype(rule.start), strict=False))
    return pl.DataFrame(series), pl.Series("geweigerd", problems, dtype=pl.String)


_DIGITS = 38     # what a decimal column (Polars, Arrow, Parquet, Spark) holds exactly


def _value_dtype(rule, values: list, problems: list) -> pl.DataType:
    """The column type of a rule's values: decimals at the largest scale among them (trailing
    zeros do not count). A value that cannot be held exactly in 38 digits at that scale refuses
    its row in `problems` (it would be rounded otherwise)."""
    if rule.type.kind not in ("bedrag", "percentage", "getal"):
        return dtype_of(rule.type)
    shapes = {}
    for row, v in enumerate(values):
        if isinstance(v, Decimal) and v.is_finite():
            exponent = v.normalize().as_tuple().exponent
            assert isinstance(exponent, int)
            shapes[row] = (max(0, v.adjusted() + 1), max(0, -exponent))    # whole digits, decimals
    scale = max([0, *(d for w, d in shapes.values() if w + d <= _DIGITS)])
    for row, (whole, decimals) in shapes.items():
        if whole + max(scale, decimals) > _DIGITS and problems[row] is None:
            problems[row] = (f"de uitkomst van {rule.kind.value} '{rule.name}' ({format_value(values[row], rule.type.kind)}) heeft meer "
                             f"cijfers dan een kolom exact kan bewaren ({_DIGITS}); de rij is niet geëvalueerd")
    return pl.Decimal(_DIGITS, scale)


def _unheld(rule, values: list, dtype: pl.DataType, problems: list) -> None:
    """Refuse, in `problems`, each row whose value its column would not hold: a whole number past
    Int64, or a decimal of more than 38 digits at the column's scale. Decimals are brought to that
    scale first (exactly: `_value_dtype` chose one that keeps their decimals), since Polars reads a
    list of Decimals at the largest scale among them and nulled 10^37 beside 3,0000."""
    if isinstance(dtype, pl.Decimal):
        step = Decimal(1).scaleb(-(dtype.scale or 0))
        exact = decimal.Context(prec=_DIGITS, traps=[decimal.Inexact, decimal.InvalidOperation])
        for row, v in enumerate(values):
            if isinstance(v, Decimal) and v.is_finite() and problems[row] is None:
                try:
                    values[row] = v.quantize(step, context=exact)   # (more than 38 digits: InvalidOperation)
                except decimal.DecimalException:
                    problems[row] = _too_large(rule, v)
    elif dtype == pl.Int64:
        for row, v in enumerate(values):
            if type(v) is int and not -INT64_MAX <= v <= INT64_MAX and problems[row] is None:
                problems[row] = _too_large(rule, v)


def _too_large(rule, value) -> str:
    return (f"de uitkomst van {rule.kind.value} '{rule.name}' ({format_value(value, rule.type.kind)}) past niet in een "
            "kolom van de tabel; de rij is niet geëvalueerd")


def _moment_dtype(bound) -> pl.DataType:
    return pl.Datetime("us") if bound is not None and bound.type.kind == "tijdstip" else pl.Date()


def _output(model: M.Policy, rules: pl.DataFrame) -> pl.DataFrame:
    """The readable rule columns: statuses as Dutch words, values, row numbers, bounds."""
    return rules.select(output_exprs(model))


def outcome_of_row(policy, table: Any, key: str, *, column: str | None = None, peildatum: date | None = None,
                   decimal_point: bool = False):
    """The per-case `Outcome` (with its trace, for `dsl.explain`) of one row of a table: the row
    whose `column` (or, without one, any column that is not a gegeven) equals `key`, or else row
    number `key` (1-based). LookupError when no row matches; `dsl.errors.CaseError` when the
    row cannot be read."""
    from dsl.case import Case
    from dsl.errors import CaseError, Diagnostic

    frame = to_frame(table)
    model: M.Policy = policy.model
    candidates = [column] if column else [c for c in frame.columns if c not in model.fields and c != PEILDATUM]
    for name in candidates:
        if name not in frame.columns:
            raise LookupError(f"de tabel heeft geen kolom '{name}'")
        hits = frame.filter(pl.col(name).cast(pl.String) == key)
        if hits.height:
            break
    else:
        if not key.isdigit() or not 1 <= int(key) <= frame.height:
            raise LookupError(f"geen rij met sleutel '{key}' (en geen rijnummer van 1 tot en met {frame.height})")
        hits = frame.slice(int(key) - 1, 1)
    inputs, refused = typed_inputs(model, hits.head(1), peildatum, decimal_point)
    if refused[0] is not None:
        raise CaseError([Diagnostic("case", refused[0])], f"rij {key}")
    row = inputs.row(0)
    names = list(model.fields)
    values = tuple(tuple(v) if isinstance(v, list) else v for v in row[:len(names)])
    data = {n: v for n, v in zip(names, values) if v is not None}
    case = Case(values, row[len(names)], tuple(n for n, v in zip(names, values) if v is None), data)
    return policy.evaluate(case, trace=True)
