"""Typed input columns for batch evaluation: any table in, one exact column per gegeven out.

Contract: `typed_inputs(policy, frame, peildatum)` takes a Polars DataFrame and returns
`(inputs, refused, tijdstip_as_date)`: `inputs` has one column per gegeven of the policy, in its
runtime type (`DTYPES`: money and percentages as exact decimals, dates, date-times, whole
numbers, booleans, text), plus `peildatum`; `refused` is a String column with the Dutch reason a
row could not be read (null for a row that could). With `decimal_point`, numbers written as
"1234.56" (as a CSV with comma separators writes them) are read with a decimal point; otherwise
text is read as in a Dutch case file ("1.234,56"). A column that already has the right type is
used as it is; any other column is read value by value with the per-case reader
(`dsl.case.convert`), so "€ 2.500,00", "33%", "ja" and "1 april 2024" mean exactly what they
mean in a case file, and a value that does not fit refuses its row instead of being guessed.
NaN and infinities refuse their row, and so does a value outside the default ranges of
`dsl.case.conversion` (a negative bedrag, a percentage outside 0–100 or a bare number strictly
between 0 and 1 for a percentage), with the per-case reader's message. A float is never read as money: a float column is
converted through its shortest decimal text, as the per-case reader does (a float32 through the
shortest text of its single precision, `single_precision`).
A date-time column for a datum is read as dates where its time is 00:00 (a date column as pandas
and Excel keep it); a row with another time is refused. A gegeven with no column is unknown (null)
in every row.
"""

from __future__ import annotations

import math
import operator
import struct
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache, reduce
from typing import Any

import polars as pl

from dsl.batch.columnar import SCALES
from dsl.case import CaseValueError, convert
from dsl.core import model as M
from dsl.types import DURATION_FAMILY, Type, limits

PRECISION = 38
INT64_MAX = 2**63 - 1   # an aantal or a duur (in its base unit) is held in an Int64 column
PEILDATUM = "peildatum"
ERROR_COLUMN = "__fout"  # a reader's reason why a row could not be read at all (a broken line)


def dtype_of(t: Type) -> pl.DataType:
    """The Polars type that holds values of type `t` exactly."""
    kind = t.kind
    if kind in SCALES:
        return pl.Decimal(PRECISION, SCALES[kind])
    if kind in ("aantal", "duur"):
        return pl.Int64()
    if kind == "ja/nee":
        return pl.Boolean()
    if kind == "datum":
        return pl.Date()
    if kind == "tijdstip":
        return pl.Datetime("us")
    if kind in ("tekst", "keuze"):
        return pl.String()
    if kind == "lijst":
        assert t.element is not None
        return pl.List(dtype_of(t.element))
    if kind == "per jaar":   # a value per year: the (jaar, waarde) pairs a case gives, by year
        assert t.element is not None
        return pl.List(pl.Struct({"jaar": pl.Int64(), "waarde": dtype_of(t.element)}))
    if kind == "per periode":   # a value per period: the (dag, waarde) pairs, by day (one value: from `EVERY_DAY`)
        assert t.element is not None
        return pl.List(pl.Struct({"dag": pl.Date(), "waarde": dtype_of(t.element)}))
    raise TypeError(f"no column type for {t}")


def _fits(value: Any, t: Type) -> str | None:
    """Why a converted value cannot be held exactly by its column, or None."""
    if t.kind in ("aantal", "duur") and isinstance(value, int) and not -INT64_MAX <= value <= INT64_MAX:
        return f"{value}{' ' + t.unit if t.kind == 'duur' and t.unit else ''} is te groot"
    if t.kind in SCALES and isinstance(value, Decimal):
        _sign, digits, exponent = value.as_tuple()
        if isinstance(exponent, int) and -exponent > SCALES[t.kind]:
            zeros = len(digits) - len("".join(map(str, digits)).rstrip("0"))   # 3.000000 is exact at 4 decimals
            if -(exponent + zeros) > SCALES[t.kind]:
                return f"{value} heeft meer dan {SCALES[t.kind]} decimalen"
        if value.adjusted() >= PRECISION - SCALES[t.kind]:
            return f"{value} is te groot"
    if t.kind == "lijst" and isinstance(value, tuple):
        assert t.element is not None
        return next((p for p in (_fits(v, t.element) for v in value) if p), None)
    if t.kind == "per jaar" and isinstance(value, tuple):
        assert t.element is not None
        return next((f"jaar {year}: {p}" for year, v in value if (p := _fits(v, t.element))), None)
    if t.kind == "per periode" and isinstance(value, tuple):
        assert t.element is not None
        return next((f"vanaf {day}: {p}" for day, v in value if (p := _fits(v, t.element))), None)
    return None


def period_rows(value: Any) -> Any:
    """A value per period between its column ([{"dag": ..., "waarde": ...}, ...]) and the runtime
    ((day, value), ...)."""
    return [{"dag": day, "waarde": v} for day, v in value] if value is not None else None


def period_of(rows: Any) -> tuple | None:
    return None if rows is None else tuple((row["dag"], row["waarde"]) for row in rows)


def history_rows(value: Any) -> Any:
    """A value per year between its column ([{"jaar": 2023, "waarde": ...}, ...]) and the runtime
    ((2023, ...), ...): `to_column` one way, `from_column` the other."""
    return [{"jaar": year, "waarde": v} for year, v in value] if value is not None else None


def history_of(rows: Any) -> tuple | None:
    return None if rows is None else tuple((row["jaar"], row["waarde"]) for row in rows)


def _reader(t: Type, name: str):
    def read(raw: Any) -> tuple[Any, str | None]:
        if raw is None:
            return None, None
        if isinstance(raw, str) and raw.strip().lower() == "onbekend" and not (
                t.kind == "keuze" and raw in t.options):
            return None, None
        if isinstance(raw, pl.Series):
            raw = raw.to_list()
        try:
            value = convert(raw, t)
        except CaseValueError as bad:
            return None, f"gegeven '{name}': {bad}"
        problem = _fits(value, t)
        if problem:
            return None, f"gegeven '{name}': {problem}"
        if t.kind == "tijdstip" and not isinstance(value, datetime):
            return None, (f"gegeven '{name}': {value} is een datum zonder tijd; in een tabel heeft een "
                          "tijdstip een tijd nodig")
        return (history_rows(value) if t.kind == "per jaar" else period_rows(value) if t.kind == "per periode"
                else value), None
    return read


def _already_typed(series: pl.Series, t: Type) -> bool:
    target = dtype_of(t)
    if t.kind in SCALES:
        return isinstance(series.dtype, pl.Decimal) and (series.dtype.scale or 0) <= SCALES[t.kind]
    if t.kind in ("aantal", "duur"):
        return series.dtype.is_integer() and t.kind == "duur"
    if t.kind in ("keuze", "lijst", "per jaar", "per periode"):
        return False  # options, elements and years are checked value by value
    return series.dtype == target


# Text a column may hold that is read without the per-value reader (each pattern means exactly
# what the per-case reader makes of it); anything else goes value by value through `convert`.
_INTEGER = r"^\s*-?[0-9]+\s*$"
_DUTCH_DECIMAL = r"^\s*-?[0-9]+(,[0-9]+)?\s*$"
_POINT_DECIMAL = r"^\s*-?[0-9]+(\.[0-9]+)?\s*$"
_ISO_DATE = r"^\s*[0-9]{4}-[0-9]{2}-[0-9]{2}\s*$"
_BOOLEANS = {"ja": True, "nee": False, "true": True, "false": False, "waar": True, "onwaar": False}


def _fast_text(series: pl.Series, t: Type, decimal_point: bool) -> tuple[pl.Series, pl.Series] | None:
    """(typed values, which rows they hold) for the plain forms of a text column, or None."""
    kind = t.kind
    if kind == "keuze":
        return series, series.is_in(list(t.options))
    if kind == "tekst":
        return series, series.is_not_null()
    text = series.str.strip_chars()
    if kind in SCALES:
        pattern = _POINT_DECIMAL if decimal_point else _DUTCH_DECIMAL
        matched = text.str.contains(pattern)
        plain = text if decimal_point else text.str.replace(",", ".", literal=True)
        values = pl.when(matched).then(plain).otherwise(None)
        typed = pl.select(values.str.to_decimal(scale=SCALES[kind])).to_series()
        return typed.cast(dtype_of(t)), matched & ~_too_precise(text, kind)
    if kind == "aantal":
        matched = text.str.contains(_INTEGER) & ~text.str.starts_with("-")
        counts = pl.select(pl.when(matched).then(text)).to_series().cast(pl.Int64, strict=False)
        return counts, matched & counts.is_not_null()   # (one past 2^63 goes to the reader, which says so)
    if kind == "ja/nee":
        lowered = text.str.to_lowercase()
        matched = lowered.is_in(list(_BOOLEANS))
        return lowered.replace_strict(_BOOLEANS, default=None, return_dtype=pl.Boolean), matched
    if kind == "datum":
        typed = pl.select(pl.when(text.str.contains(_ISO_DATE)).then(text)).to_series() \
            .str.to_date("%Y-%m-%d", strict=False)
        return typed, typed.is_not_null()
    return None


def _too_precise(text: pl.Series, kind: str) -> pl.Series:
    """Rows whose written decimals exceed the column's scale (they go to the reader, which
    refuses them by name rather than rounding)."""
    decimals = text.str.extract(r"[.,]([0-9]+)\s*$", 1).str.len_chars().fill_null(0)
    return decimals > SCALES[kind]


def out_of_range(values: pl.Expr, t: Type) -> pl.Expr | None:
    """Where a bare number (a typed column, or text without '%') breaks the ranges of
    `dsl.case.conversion`: outside the gegeven's limits (`dsl.types.limits`: declared, else a
    bedrag not negative and a percentage in 0–100), or for a percentage strictly between 0 and 1
    (ambiguous). Such a row is read by the per-case reader, which refuses it by name."""
    if t.kind not in SCALES and not (t.kind == "aantal" and t.bounds is not None):
        return None
    low, high = limits(t)
    tests = [values < pl.lit(low)] if low is not None else []
    if high is not None:
        tests.append(values > pl.lit(high))
    if t.kind == "percentage":
        tests.append((values > 0) & (values < 1))
    return reduce(operator.or_, tests) if tests else None


def _convert_column(series: pl.Series, t: Type, name: str,
                    decimal_point: bool = False) -> tuple[pl.Series, pl.Series]:
    """The typed column and, per row, the reason it was refused (or null)."""
    target = dtype_of(t)
    none = _constant(name, None, pl.String(), len(series))
    typed: pl.Series | None = None
    handled = _constant(name, False, pl.Boolean(), len(series))
    if _already_typed(series, t) or (t.kind in SCALES and series.dtype.is_integer()):
        if t.kind == "duur":   # a whole number counts in the declared unit ("3" weken is 21 dagen)
            factor = DURATION_FAMILY[t.declared or t.unit or "dagen"][1]
            whole = series.cast(pl.Int64, strict=False)   # (a uint64 past 2^63: null)
            limit = INT64_MAX // factor   # beyond it the count in days wraps round (2^62 weken was negative)
            fits = ((whole >= -limit) & (whole <= limit)).fill_null(False)
            typed = pl.select(pl.when(pl.lit(fits)).then(pl.lit(whole) * factor)).to_series().alias(name)
            if fits.all():
                return typed, none
            handled = fits | series.is_null()   # the others to the reader below, which says why (`_fits`)
        else:
            typed = series.cast(target, strict=False).alias(name)   # (a number too large for the column: null)
            handled = _in_range(typed, typed.is_not_null() | series.is_null(), t)
            if handled.all():
                return typed, none
    if t.kind == "aantal" and series.dtype.is_integer() and t.bounds is None and not _past_int64(series):
        negative = series < 0
        reasons = pl.select(pl.when(pl.lit(negative)).then(pl.format(
            "gegeven '{}': {} is geen aantal; een aantal is niet negatief", pl.lit(name), pl.lit(series)))).to_series()
        return pl.select(pl.when(pl.lit(negative)).then(None).otherwise(pl.lit(series))).to_series() \
            .cast(pl.Int64).alias(name), reasons.alias(name)
    if t.kind in SCALES and isinstance(series.dtype, pl.Decimal) and (series.dtype.scale or 0) > SCALES[t.kind]:
        # more decimals than the gegeven keeps (a database's DECIMAL(18,6)): a value whose extra
        # decimals are zeros is exact; any other goes to the reader below, which refuses it by name
        typed = series.cast(target, strict=False).alias(name)
        handled = _in_range(typed, (typed.cast(series.dtype, strict=False) == series).fill_null(False), t)
    if t.kind == "datum" and isinstance(series.dtype, pl.Datetime) and series.dtype.time_zone is None:
        # a date held as a date-time at 00:00 (pandas, Excel): its date, as the per-case reader
        # reads it (`dsl.case.conversion.at_midnight`); a row with another time goes to that
        # reader below, which refuses it
        typed = series.dt.date().alias(name)
        handled = (series == series.dt.truncate("1d")).fill_null(False)
    if typed is None and series.dtype == pl.String:
        fast = _fast_text(series, t, decimal_point)
        if fast is not None:
            typed = fast[0].cast(target).alias(name)
            handled = _in_range(typed, fast[1].fill_null(False), t)   # the plain forms are bare numbers
    leftover = series.is_not_null() & ~handled
    if typed is not None and not leftover.any():
        return typed, none
    read = _reader(t, name)
    values = series.to_list()
    mask = leftover.to_list()
    if series.dtype == pl.Float32:   # 0.1 as a float32 is 0.10000000149011612 as a Python float
        values = [single_precision(v) if isinstance(v, float) else v for v in values]
    slow = [read(float(v) if isinstance(v, float) else v) if todo else (None, None) for v, todo in zip(values, mask)]
    slow_values = pl.Series(name, [p[0] for p in slow], dtype=target, strict=False)
    reasons = pl.Series(name, [p[1] for p in slow], pl.String)
    if typed is None:
        return slow_values, reasons
    merged = pl.select(pl.when(pl.lit(leftover)).then(pl.lit(slow_values)).otherwise(pl.lit(typed))).to_series()
    return merged.alias(name), reasons


def single_precision(value: float) -> Decimal | float:
    """The shortest decimal that reads back as the float32 `value` (0.1, not 0.10000000149011612),
    as Spark reads a float column; NaN and the infinities as they are (a reader refuses them)."""
    if not math.isfinite(value):
        return value
    for digits in range(1, 10):   # nine significant digits always suffice for a float32
        text = f"{value:.{digits}g}"
        if struct.unpack("f", struct.pack("f", float(text)))[0] == value:
            return Decimal(text)
    return Decimal(repr(value))


def _in_range(typed: pl.Series, handled: pl.Series, t: Type) -> pl.Series:
    """`handled` less the rows where `typed` breaks the ranges a case has (`out_of_range`): those
    go to the per-value reader, which refuses them by name."""
    bad = out_of_range(pl.lit(typed), t)
    return handled if bad is None else handled & ~pl.select(bad.fill_null(False)).to_series()


def _past_int64(series: pl.Series) -> bool:
    """Whether an integer column holds a value an Int64 cannot (a uint64 past 2^63)."""
    return bool((series.cast(pl.Int64, strict=False).is_null() & series.is_not_null()).any())


def _constant(name: str, value: Any, dtype: pl.DataType, height: int) -> pl.Series:
    """`value` `height` times, as `pl.repeat(..., eager=True)` gives it but without running a query
    (a table of wijkverpleging_2024 makes some 430 of these: 85-160 µs each with `pl.repeat`, now a
    few; tests/test_batch.py compares the two)."""
    return _one(value, dtype).new_from_index(0, height).alias(name)


@lru_cache(maxsize=64)
def _one(value: Any, dtype: pl.DataType) -> pl.Series:
    """A Series of one `value` (None, False, a peildatum) of type `dtype`, made once per process."""
    return pl.Series("", [value], dtype=dtype)


def typed_inputs(policy: M.Policy, frame: pl.DataFrame, peildatum: date | None = None,
                 decimal_point: bool = False) -> tuple[pl.DataFrame, pl.Series]:
    """The typed input columns of `frame` for `policy`, and the refusal reason per row."""
    height = frame.height
    columns: list[pl.Series] = []
    problems: list[pl.Series] = []
    for name, field in policy.fields.items():
        if name in frame.columns:
            typed, refused = _convert_column(frame.get_column(name), field.type, name, decimal_point)
        else:
            typed = _constant(name, None, dtype_of(field.type), height)
            refused = _constant(name, None, pl.String(), height)
        columns.append(typed)
        problems.append(refused)
    if PEILDATUM in frame.columns:
        from dsl import types as T

        peil, refused = _convert_column(frame.get_column(PEILDATUM), T.DATUM, PEILDATUM)
        problems.append(refused.str.replace("^gegeven 'peildatum'", "peildatum"))
    else:
        peil = _constant(PEILDATUM, peildatum, pl.Date(), height)
    columns.append(peil.alias(PEILDATUM))
    if ERROR_COLUMN in frame.columns:
        problems.insert(0, frame.get_column(ERROR_COLUMN).cast(pl.String))
    inputs = pl.DataFrame(columns)
    problems = [p for p in problems if p.null_count() < height]   # joining 12 empty columns took 0.1 s at 1M rows
    if problems:
        reasons = pl.DataFrame(problems).select(
            pl.concat_str(pl.all(), separator="; ", ignore_nulls=True).alias("geweigerd"))["geweigerd"]
        reasons = reasons.replace("", None)
    else:
        reasons = _constant("geweigerd", None, pl.String(), height)
    return inputs, reasons
