"""Batch evaluation of files: cases in CSV, Parquet or JSON Lines, results out, in chunks.

Contract: `evaluate_file(policy, source, target)` reads `source` in chunks of `chunk_rows`
(memory stays flat however long the file is), evaluates each chunk with
`dsl.batch.evaluate_table` and writes the rows to `target` in the same order, then returns a
`Summary` (counts per status per rule, the requirements most often not met, the rows refused
and why). Formats follow the file names: `.csv` (a comma-separated file with decimal points, or
as Dutch spreadsheets write it: semicolons and decimal commas; a byte-order mark is allowed),
`.parquet` (or a folder of Parquet files), `.jsonl` / `.ndjson` (one JSON object per line;
numbers read as exact decimals). Nothing is read under a guess: a CSV row with more fields than
the header, or a JSON object naming a gegeven twice, is a refused row; a column name twice in the
header, or a file that is not UTF-8, refuses the file. Every column is read as text or in its own
exact type, never through a float. The target is written to a temporary file beside it and renamed into place when
everything is written: a failed run leaves no file. `check_columns` reports, before a run,
columns that match no gegeven (with "bedoelde u" hints) and gegevens no column provides.
"""

from __future__ import annotations

import contextlib
import csv
import json
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import polars as pl

from dsl.atomic import publish, refuse_special, temporary_beside
from dsl.batch import evaluate_table, frame_of_rows
from dsl.batch.columns import ERROR_COLUMN, PEILDATUM
from dsl.case.conversion import dutch_count
from dsl.case.reading import DuplicateName, unique_object
from dsl.core import model as M
from dsl.errors import suggest

FORMATS = {".csv": "csv", ".parquet": "parquet", ".jsonl": "jsonl", ".ndjson": "jsonl"}
CHUNK_ROWS = 200_000


class BatchFileError(Exception):
    """A file cannot be read or written; the message is Dutch and names the file."""


@attrs.define
class Summary:
    """What a run did: rows read, refused rows (row number and reason), counts per status, and
    how often each part of an eis was the reason it was niet voldaan."""

    rows: int = 0
    refused: list[tuple[int, str]] = attrs.field(factory=list)
    counts: dict[str, Counter] = attrs.field(factory=dict)
    failed: Counter = attrs.field(factory=Counter)
    outcomes: dict[str, Counter] = attrs.field(factory=dict)   # decision -> its values and how often
    refused_rows: int = 0   # how many rows were refused (`refused` may hold only the first of them)
    reasons: Counter = attrs.field(factory=Counter)   # (eis, reason code) -> rows, for eisen niet voldaan
    network: Any = None   # netwerkeisen and voorkeuren per group (`dsl.batch.network.network_summary`)

    def count(self, rule: M.Rule, status: str, n: int) -> None:
        """Count `n` rows where `rule` had `status` (a requirement or termijn not met is a failure)."""
        self.counts.setdefault(rule.name, Counter())[status] += n
        if status in (M.Status.NIET_VOLDAAN, M.Status.NIET_GEHAALD) and rule.kind is not M.RuleKind.GROUP:
            self.failed[rule.name] += n

    def count_reason(self, rule: str, code: str, n: int) -> None:
        """Count `n` rows where eis `rule` was niet voldaan for reason `code` (an unknown part's
        code, "?k", is not a reason for failing and is not counted)."""
        if not code.startswith("?"):
            self.reasons[(rule, code)] += n

    def add(self, policy: M.Policy, result: pl.DataFrame, offset: int) -> None:
        self.rows += result.height
        refused = result.select(pl.int_range(1, result.height + 1).alias("rij") + offset, "geweigerd") \
            .filter(pl.col("geweigerd").is_not_null())
        self.refused.extend(refused.iter_rows())
        self.refused_rows += refused.height
        for name, rule in policy.rules.items():
            for status, n in result.get_column(name).drop_nulls().value_counts().iter_rows():
                self.count(rule, status, n)
            if rule.kind is M.RuleKind.REQUIREMENT:
                for code, n in result.get_column(f"{name}.reden").drop_nulls().value_counts().iter_rows():
                    self.count_reason(name, code, n)
            if rule.kind is M.RuleKind.DECISION and rule.type.kind in ("keuze", "tekst"):
                values = self.outcomes.setdefault(name, Counter())
                for value, n in result.get_column(f"{name}.waarde").drop_nulls().value_counts().iter_rows():
                    values[value] += n


def format_of(path: Path) -> str:
    if path.is_dir():
        return "parquet"
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise BatchFileError(f"{path}: onbekend bestandsformaat '{path.suffix}'; gebruik .csv, .parquet of .jsonl")
    return fmt


# ---------------------------------------------------------------- reading
def _csv_dialect(path: Path) -> tuple[str, bool, str]:
    """(separator, decimal point?, line end) from the header line: semicolons mean a Dutch
    spreadsheet; lines ended by a lone CR ("CSV (Macintosh)" from Excel) are read as such."""
    with path.open("rb") as stream:
        start = stream.read(1 << 16)
    if b"\x00" in start:   # UTF-16 without a byte-order mark, or no text at all
        line = start.count(b"\n", 0, start.index(b"\x00")) + 1
        raise BatchFileError(f"{path}: kan de casussen niet lezen: een NUL-teken (byte 0) op regel {line}: "
                             "het is geen tekst in UTF-8 (misschien UTF-16); sla het op als 'CSV UTF-8'")
    end = "\r" if b"\r" in start and b"\n" not in start else "\n"
    head = start.split(end.encode(), 1)[0].decode("utf-8-sig", errors="replace")
    if head.count(";") > head.count(","):
        return ";", False, end
    if head.count("\t") > head.count(","):
        return "\t", True, end
    return ",", True, end


NOT_UTF8 = ("het bestand is niet in UTF-8 geschreven (zoals een CSV-bestand uit een oudere Excel); "
            "sla het op als 'CSV UTF-8' en probeer het opnieuw")


def _csv_header(path: Path, separator: str) -> list[str]:
    """The column names of a CSV file's header (the first record; a byte-order mark is allowed),
    each unnamed column named after its place ("kolom 3"). A name given twice, a header that is not
    UTF-8, whose quote never closes or that has a quote inside an unquoted name is a BatchFileError:
    the columns would be misread."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as stream:
            names = next(csv.reader(stream, delimiter=separator, strict=True), [])
    except UnicodeDecodeError:
        raise BatchFileError(f"{path}: kan de casussen niet lezen: {NOT_UTF8}") from None
    except csv.Error as err:
        reason = (f"een kolomnaam in de kopregel is langer dan {dutch_count(csv.field_size_limit())} tekens; is "
                  "het een CSV-bestand met een kopregel?" if "field limit" in str(err) else
                  "een aanhalingsteken in de kopregel wordt niet gesloten")
        raise BatchFileError(f"{path}: kan de casussen niet lezen: {reason}") from None
    if (stray := _stray_quote(path, separator)) is not None:
        raise BatchFileError(f"{path}: kan de casussen niet lezen: kolom {stray} van de kopregel heeft een "
                             "aanhalingsteken midden in de naam; haal het weg, of zet de hele naam tussen "
                             "aanhalingstekens en schrijf het aanhalingsteken zelf dubbel (\"\")")
    names = [name or f"kolom {i}" for i, name in enumerate(names, 1)]
    places: dict[str, list[int]] = {}
    for i, name in enumerate(names, 1):
        places.setdefault(name, []).append(i)
    for name, found in places.items():
        if len(found) > 1:
            raise BatchFileError(f"{path}: kolom '{name}' staat {len(found)} keer in de kopregel (kolommen "
                                 f"{', '.join(map(str, found[:-1]))} en {found[-1]}); geef elke kolom een eigen naam")
    return names


def _stray_quote(path: Path, separator: str) -> int | None:
    """The column (from 1) of the header whose unquoted name holds a quote (`om"zet`), or None.
    Python's reader takes that quote as a letter; Polars as the start of a quoted field that runs
    to the end of the file, so that not one row was read."""
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as stream:
        head = stream.read(1 << 16)
    column, i, at_start = 1, 0, True
    while i < len(head):
        char = head[i]
        if at_start and char == '"':   # a quoted name: up to its closing quote (a doubled one is a letter)
            i += 1
            while i < len(head) and (head[i] != '"' or head[i + 1:i + 2] == '"'):
                i += 2 if head[i] == '"' else 1
            at_start = False
        elif char in "\r\n":
            return None
        elif char == separator:
            column, at_start = column + 1, True
        elif char == '"':
            return column
        else:
            at_start = False
        i += 1
    return None


def _too_many_fields(count: int, separator: str) -> str:
    """Why a CSV row with more fields than its header is refused, with the likely cause."""
    hint = ("staat er een decimale komma in een getal? Zet die waarde tussen aanhalingstekens of gebruik "
            "puntkomma's als scheidingsteken" if separator == "," else
            "staat het scheidingsteken in een waarde? Zet die waarde tussen aanhalingstekens")
    return f"de rij heeft meer velden dan de kopregel ({count}): {hint}"


def read_chunks(path: Path, chunk_rows: int = CHUNK_ROWS) -> Iterator[tuple[pl.DataFrame, bool]]:
    """The cases of a file in chunks, each with whether its numbers use a decimal point."""
    fmt = format_of(path)
    if not path.exists():
        raise BatchFileError(f"{path}: het bestand bestaat niet")
    try:
        if fmt == "csv":
            yield from _csv_chunks(path, chunk_rows)
        elif fmt == "parquet":
            import pyarrow.dataset as ds

            for batch in ds.dataset(path, format="parquet").to_batches(batch_size=chunk_rows):
                yield pl.from_arrow(batch), True  # type: ignore[misc]
        else:
            yield from _jsonl_chunks(path, chunk_rows)
    except (pl.exceptions.PolarsError, OSError, ValueError) as err:
        raise BatchFileError(f"{path}: kan de casussen niet lezen: {unreadable(fmt, err)}") from None


def _csv_chunks(path: Path, chunk_rows: int) -> Iterator[tuple[pl.DataFrame, bool]]:
    """The rows of a CSV file as text, read against its header plus one column more: a row with
    more fields than the header (a decimal comma in a comma-separated file: "1,5" is two fields)
    fills that column and is refused, never read with its values shifted or cut off. A row with
    fewer fields has the rest empty (unknown); an empty line is refused too."""
    separator, point, end = _csv_dialect(path)
    names = _csv_header(path, separator)
    if not names:
        return
    prefix = "\x00meer"
    while any(name.startswith(prefix) for name in names):
        prefix += "_"
    extra = [f"{prefix}{i}" for i in range(_EXTRA_FIELDS)]
    schema = {**dict.fromkeys(names, pl.String), **dict.fromkeys(extra, pl.String)}
    # (a file whose rows are no wider than its header lacks the extra columns: inserted, empty)
    lazy = pl.scan_csv(path, separator=separator, has_header=False, skip_rows=1, schema=schema, eol_char=end,
                       encoding="utf8", truncate_ragged_lines=True, raise_if_empty=False, missing_columns="insert")
    too_many = _too_many_fields(len(names), separator)
    for chunk in lazy.collect_batches(chunk_size=chunk_rows):
        empty = pl.all_horizontal([pl.col(c).is_null() for c in chunk.columns])
        wider = pl.any_horizontal([pl.col(c).is_not_null() for c in extra])
        yield chunk.select(*(n for n in names if n != ERROR_COLUMN), pl.when(empty).then(pl.lit("lege regel"))
                           .when(wider).then(pl.lit(too_many)).alias(ERROR_COLUMN)), point


# Fields past the header that a row is read with: a row is refused when one of them holds a value.
# Empty ones (a trailing separator, a spreadsheet's empty columns) are no value; a value past
# eight empty fields is the one overflow this reading would not see.
_EXTRA_FIELDS = 8


def _jsonl_chunks(path: Path, chunk_rows: int) -> Iterator[tuple[pl.DataFrame, bool]]:
    rows: list[dict] = []
    with path.open(encoding="utf-8-sig") as stream:
        for number, line in enumerate(stream, 1):
            if not line.strip():
                rows.append({ERROR_COLUMN: f"regel {number} is leeg"})
            else:
                try:
                    row = json.loads(line, parse_float=Decimal, object_pairs_hook=unique_object)
                except json.JSONDecodeError as err:
                    row = {ERROR_COLUMN: f"regel {number} is geen geldige JSON (kolom {err.colno})"}
                except DuplicateName as err:
                    row = {ERROR_COLUMN: f"regel {number}: '{err.args[0]}' staat twee keer in het object; "
                                         "geef elk gegeven één keer"}
                rows.append(row if isinstance(row, dict) else {ERROR_COLUMN: f"regel {number} is geen object"})
            if len(rows) >= chunk_rows:
                yield frame_of_rows(rows), True
                rows = []
    if rows:
        yield frame_of_rows(rows), True


def unreadable(fmt: str, err: BaseException) -> str:
    """Why a file could not be read, in Dutch (the library's own words are English)."""
    if isinstance(err, OSError) and not isinstance(err, pl.exceptions.PolarsError):
        from dsl.errors import os_problem

        return os_problem(err)
    if isinstance(err, UnicodeDecodeError) or "utf-8" in str(err).lower():
        return NOT_UTF8
    return {"parquet": "het is geen geldig Parquet-bestand",
            "csv": "het is geen leesbaar CSV-bestand (controleer het scheidingsteken en de aanhalingstekens)",
            }.get(fmt, "het bestand kan niet gelezen worden")


def unwritable(target: Path, err: BaseException) -> BatchFileError:
    """A failed write of the results, in Dutch; the operating system's reason is read from an
    OSError or from the "(os error N)" a Polars or Arrow message carries."""
    from dsl.errors import os_problem

    if isinstance(err, OSError) and err.errno is not None:
        reason = os_problem(err, writing=True)
    else:
        found = re.search(r"os error (\d+)|\[Errno (\d+)\]", str(err))
        number = int(found.group(1) or found.group(2)) if found else None
        reason = (os_problem(OSError(number, ""), writing=True) if number
                  else "het schrijven mislukte (is de schijf vol of het bestand te groot?)")
    return BatchFileError(f"{target}: kan de uitkomsten niet schrijven: {reason}; er is geen bestand achtergelaten")


# ---------------------------------------------------------------- columns
def check_columns(policy: M.Policy, columns: list[str]) -> tuple[list[str], list[str]]:
    """(notes on columns that match no gegeven but look like one, gegevens no column gives)."""
    notes = []
    for column in columns:
        if column in policy.fields or column in (PEILDATUM, ERROR_COLUMN):
            continue
        hint = suggest(column, list(policy.fields))
        if hint:
            notes.append(f"kolom '{column}' is geen gegeven van het beleid ({hint}); ze wordt als sleutel "
                         "meegenomen")
    missing = [name for name in policy.fields if name not in columns]
    return notes, missing


# ---------------------------------------------------------------- writing
class _Writer:
    """Writes chunks to a temporary file beside the target; `commit` renames it into place."""

    def __init__(self, target: Path, separator: str, decimal_point: bool):
        self.target, self.separator, self.decimal_point = target, separator, decimal_point
        self.format = format_of(target) if target.suffix else "parquet"
        if not target.parent.is_dir():
            raise BatchFileError(f"{target}: de map {target.parent} bestaat niet")
        try:
            refuse_special(target)
        except OSError as err:
            raise unwritable(target, err) from None
        self.temp = temporary_beside(target)
        self._parquet: Any = None
        self._first = True

    def write(self, chunk: pl.DataFrame) -> None:
        try:
            self._write(chunk)
        except (OSError, pl.exceptions.PolarsError) as err:
            raise unwritable(self.target, err) from None

    def _write(self, chunk: pl.DataFrame) -> None:
        if self.format == "parquet":
            import pyarrow.parquet as pq

            table = chunk.to_arrow()
            if self._parquet is None:
                self._parquet = pq.ParquetWriter(self.temp, table.schema, compression="zstd")
            self._parquet.write_table(table)
        elif self.format == "csv":
            with self.temp.open("a", encoding="utf-8", newline="") as stream:
                _plain(chunk, self.decimal_point).write_csv(stream, separator=self.separator,
                                                           include_header=self._first)
        else:
            with self.temp.open("a", encoding="utf-8") as stream:
                for row in chunk.iter_rows(named=True):
                    stream.write(json.dumps(row, default=_json_value, ensure_ascii=False) + "\n")
        self._first = False

    def commit(self) -> None:
        try:
            if self._parquet is not None:
                self._parquet.close()
                self._parquet = None
            publish(self.temp, self.target)
        except (OSError, pl.exceptions.PolarsError) as err:
            raise unwritable(self.target, err) from None

    def abort(self) -> None:
        if self._parquet is not None:
            with contextlib.suppress(Exception):  # the half-written file is removed just below
                self._parquet.close()
        self.temp.unlink(missing_ok=True)


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")  # the column's scale is storage, not meaning
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _plain(chunk: pl.DataFrame, decimal_point: bool) -> pl.DataFrame:
    """A chunk as CSV can hold it: lists joined with '; ', decimals with a comma in a Dutch file."""
    columns = []
    for name, dtype in chunk.schema.items():
        column = pl.col(name)
        if isinstance(dtype, pl.List):
            column = column.cast(pl.List(pl.String)).list.join("; ")
        elif isinstance(dtype, pl.Decimal):
            # the column's scale is storage, not meaning: 360000.0100 is written 360000.01
            column = column.cast(pl.String).str.replace(r"(\.[0-9]*?)0+$", "${1}").str.replace(r"\.$", "")
            if not decimal_point:
                column = column.str.replace(".", ",", literal=True)
        elif isinstance(dtype, (pl.Enum, pl.Categorical)):
            column = column.cast(pl.String)
        columns.append(column.alias(name))
    return chunk.select(columns)


# ---------------------------------------------------------------- the run
def evaluate_file(policy, source: Path, target: Path, *, peildatum: date | None = None,
                  engine: str = "polars", chunk_rows: int = CHUNK_ROWS,
                  progress: Callable[[int], None] | None = None) -> Summary:
    """Evaluate every case of `source` into `target` (see the module contract)."""
    network = getattr(policy.model, "network", None)   # netwerkeisen, voorkeuren: the table in one piece
    if engine == "polars" and not network and format_of(source) == "parquet" and format_of(target) == "parquet":
        if not target.parent.is_dir():
            raise BatchFileError(f"{target}: de map {target.parent} bestaat niet")
        from dsl.batch.stream import stream_file

        try:
            streamed = stream_file(policy, source, target, peildatum)
        except (pl.exceptions.PolarsError, OSError) as err:
            raise BatchFileError(f"{source}: kan de casussen niet lezen: {unreadable('parquet', err)}") from None
        if streamed is not None:
            if progress is not None:
                progress(streamed.rows)
            return streamed
    summary = Summary()
    writer: _Writer | None = None
    try:
        for chunk, point in (read_chunks(source, chunk_rows) if not network else _whole(source)):
            if writer is None:
                separator = _csv_dialect(source)[0] if format_of(source) == "csv" else ";"
                writer = _Writer(target, separator if format_of(target) == "csv" else ";", point)
            result = evaluate_table(policy, chunk, peildatum=peildatum, engine=engine, decimal_point=point)
            summary.add(policy.model, result, summary.rows)
            if network:
                from dsl.batch.network import network_summary

                summary.network = network_summary(policy.model, result, [
                    c for c in chunk.columns if c not in policy.model.fields and c not in (PEILDATUM, ERROR_COLUMN)])
            writer.write(result)
            if progress is not None:
                progress(summary.rows)
        if writer is None:
            raise BatchFileError(f"{source}: het bestand bevat geen casussen")
        writer.commit()
    except BaseException:
        if writer is not None:
            writer.abort()
        raise
    return summary


def _whole(source: Path) -> Iterator[tuple[pl.DataFrame, bool]]:
    """The whole table as one chunk (a netwerkeis counts the rows of a group wherever they stand)."""
    chunks = list(read_chunks(source))
    if chunks:
        yield pl.concat([c for c, _ in chunks], how="diagonal_relaxed"), chunks[0][1]


def progress_line(total: int | None = None) -> Callable[[int], None] | None:
    """A progress line on stderr when it is a terminal, else None."""
    if not sys.stderr.isatty():
        return None

    def show(done: int) -> None:
        sys.stderr.write(f"\r{done:,} rijen geëvalueerd".replace(",", ".") + (" " * 8))
        sys.stderr.flush()
    return show
