"""The engines against each other on typed Parquet columns: every kind of gegeven × column type.

For each kind of gegeven (bedrag, percentage, getal, aantal (also bounded), ja/nee, datum,
tijdstip, duur, keuze, tekst) and each column type a Parquet file may hold (int64, uint8,
float64, float32 twice, decimal(10,2), decimal(18,6), boolean, date, timestamp in µs,
timestamp in ms with a time zone, text, categorical), one four-row file with awkward values
(negative, out of range, NaN, more decimals than the scale keeps, year 1, 9999-12-31, midnight
and 10:00) is evaluated by `beleid evalueer` on Polars and on Spark (local[2]) with a policy that
copies the gegeven (`berekening kopie = x`). Per file it compares, row for row, the status, the
value and whether the row was refused; it prints every difference (none expected) and the count.
Usage: python benchmarks/diff_column_types.py   (about a minute: 143 runs on each engine)
"""

from __future__ import annotations

import datetime as dt
import shutil
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dsl.batch.files import BatchFileError, evaluate_file  # noqa: E402
from dsl.batch.spark import evaluate_file_spark, session  # noqa: E402
from dsl.policy import compile_text  # noqa: E402

KINDS = {"bedrag": "bedrag", "percentage": "percentage", "getal": "getal", "aantal": "aantal",
         "aantal_begrensd": "aantal van 0 tot en met 5", "janee": "ja/nee", "datum": "datum", "tijdstip": "tijdstip",
         "duur": "duur in weken", "keuze": 'keuze uit "a", "b"', "tekst": "tekst"}
COLUMNS = {
    "int64": pl.Series([0, 3, -2, 150], dtype=pl.Int64),
    "uint8": pl.Series([0, 3, 200, 1], dtype=pl.UInt8),
    "float64": pl.Series([0.5, 3.0, float("nan"), 0.1], dtype=pl.Float64),
    "float32": pl.Series([0.5, 0.3, 0.1, 1e10], dtype=pl.Float32),
    "float32_b": pl.Series([0.123456789, 1e-7, 33.3, 2.5e-3], dtype=pl.Float32),
    "decimal(10,2)": pl.Series([Decimal("0.50"), Decimal("3.00"), Decimal("-1.25"), Decimal("100.00")],
                               dtype=pl.Decimal(10, 2)),
    "decimal(18,6)": pl.Series([Decimal("0.123456"), Decimal("3"), Decimal("1.5"), Decimal("100")],
                               dtype=pl.Decimal(18, 6)),
    "boolean": pl.Series([True, False, None, True]),
    "date": pl.Series([dt.date(2024, 1, 1), dt.date(1, 1, 1), dt.date(9999, 12, 31), None]),
    "timestamp_us": pl.Series([dt.datetime(2024, 1, 1), dt.datetime(2024, 1, 1, 10), dt.datetime(1, 1, 1), None],
                              dtype=pl.Datetime("us")),
    "timestamp_ms_utc": pl.Series([dt.datetime(2024, 1, 1), dt.datetime(2024, 1, 1, 10), None, None],
                                  dtype=pl.Datetime("ms", "UTC")),
    "text": pl.Series(["a", "3", "ja", "2024-01-01"]),
    "categorical": pl.Series(["a", "b", "c", None], dtype=pl.Categorical),
}


def outcome(engine: str, policy, source: Path, target: Path) -> list[tuple] | str:
    """Per row (status, value, refused) of `kopie`, or the Dutch message that refused the file."""
    try:
        (evaluate_file if engine == "polars" else evaluate_file_spark)(policy, source, target)
    except BatchFileError as err:
        return f"bestand geweigerd: {err}"
    frame = pl.read_parquet(target).sort("id")
    return list(zip(frame["kopie"].cast(pl.String).to_list(), [str(v) for v in frame["kopie.waarde"].to_list()],
                    [bool(r) for r in frame["geweigerd"].to_list()]))


def main() -> int:
    session()
    folder = Path(tempfile.mkdtemp(prefix="kolomtypen-"))
    differences = 0
    try:
        for name, kind in KINDS.items():
            policy = compile_text(f'beleid "t"\ngegevens\n  x : {kind}\nberekening kopie = x\n', "t.beleid")
            for column, values in COLUMNS.items():
                source = folder / f"{name}_{column}.parquet"
                pl.DataFrame({"id": [1, 2, 3, 4], "x": values}).write_parquet(source)
                polars = outcome("polars", policy, source, folder / f"{name}_{column}_polars.parquet")
                spark = outcome("spark", policy, source, folder / f"{name}_{column}_spark")
                if polars != spark:
                    differences += 1
                    print(f"{name} × {column}:\n  polars {polars}\n  spark  {spark}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"{len(KINDS)} soorten × {len(COLUMNS)} kolomtypen: {differences} verschillen")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
