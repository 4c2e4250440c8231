"""The `casussen` statement: a table of cases from a CSV, Parquet or JSON Lines file.

Contract: `read_table(statement, cell, name, resolve)` reads the file the statement names (a
relative path is resolved like `laad`) with `dsl.batch.files.read_chunks`, in the formats and
dialects of `beleid evalueer --casussen`, and returns a `CaseTable`: the rows as read, whether
its numbers use a decimal point, and the path as written. Every problem (no such file, a format
that is not .csv/.parquet/.jsonl, a file that cannot be read or holds no cases, Polars not
installed) is a `CellError` on the cell line, in Dutch. Nothing is evaluated here: values are
read per gegeven when the table is evaluated (`evalueer alle`), so a table may be loaded before
the policy it is meant for. `TableReport(table, policy)` says what the table gives the policy:
rows, columns that are gegevens, columns that look like a misspelt gegeven ("bedoelde u"),
columns that go along as keys, and gegevens no column gives.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

import attrs

from dsl.runtime.formatting import counted, format_value, singular_or_plural
from kernel.cells import CellError, Statement, cell_error, string_argument
from kernel.widgets.html import FONT

if TYPE_CHECKING:
    import polars as pl

SHOWN = 10                # names listed before "en N meer"


@attrs.frozen(eq=False)
class CaseTable:
    """A table of cases as read from a file (see the module contract)."""

    written: str                                  # the path as the cell wrote it
    frame: pl.DataFrame = attrs.field(repr=False)
    decimal_point: bool = True

    @property
    def columns(self) -> list[str]:
        """The file's own columns (not the reader's marker for lines it could not read)."""
        from dsl.batch.columns import ERROR_COLUMN

        return [c for c in self.frame.columns if c != ERROR_COLUMN]

    @property
    def rows(self) -> int:
        return self.frame.height


def read_table(statement: Statement, cell: str, name: str, resolve) -> CaseTable:
    """The table a `casussen "pad"` statement names (see the module contract)."""
    written = string_argument(statement, name, cell, "een bestandsnaam")
    start = statement.column + len(statement.text) - len(statement.text.lstrip())

    def fail(reason: str, hint: str | None = None) -> CellError:
        return cell_error(f"kan de casussen '{written}' niet lezen: {reason}", name, cell, statement.line,
                          start, len(written) + 2, hint=hint)

    try:
        import polars as pl

        from dsl.batch.files import BatchFileError, read_chunks
    except ImportError:
        raise fail("tabellen evalueren vraagt Polars", hint="installeer 'beleidstaal[batch]'") from None
    path = resolve(written)
    try:
        chunks = list(read_chunks(path))
    except BatchFileError as err:
        raise fail(_reason(str(err), str(path)), hint=_hint(str(err))) from None
    if not chunks or not any(chunk.height for chunk, _ in chunks):
        raise fail("het bestand bevat geen casussen")
    frame = chunks[0][0] if len(chunks) == 1 else pl.concat([c for c, _ in chunks], how="diagonal_relaxed")
    return CaseTable(written, frame, chunks[0][1])


def _reason(message: str, path: str) -> str:
    """A reader's message without the full path in front and without its own "kan de casussen niet
    lezen" (the cell already says both)."""
    reason = message[len(path) + 2:] if message.startswith(path + ": ") else message
    return reason.removeprefix("kan de casussen niet lezen: ")


def _hint(message: str) -> str | None:
    if "bestaat niet" in message:
        return "een relatief pad wordt gezocht vanaf de map van de notebook en de mappen daarboven"
    if "bestandsformaat" in message:
        return "een tabel is een .csv-, .parquet- of .jsonl-bestand"
    return None


@attrs.frozen(eq=False)
class TableReport:
    """After `casussen`: what the table gives the session's policy (see the module contract)."""

    table: CaseTable
    policy: Any = attrs.field(repr=False)   # a dsl.policy.CompiledPolicy

    def parts(self) -> dict[str, list[str]]:
        """The table's columns sorted out: gegevens, keys, notes and gegevens without a column."""
        from dsl.batch.columns import PEILDATUM
        from dsl.batch.files import check_columns

        fields = self.policy.model.fields
        columns = self.table.columns
        notes, missing = check_columns(self.policy.model, columns)
        return {"gegevens": [c for c in columns if c in fields],
                "sleutels": [c for c in columns if c not in fields and c != PEILDATUM],
                "peildatum": [c for c in columns if c == PEILDATUM],
                "let op": notes, "ontbreekt": missing}

    def head(self) -> str:
        table = self.table
        return (f"Casussen uit {table.written}: {_count(table.rows, 'rij', 'rijen')}, "
                f"{_count(len(table.columns), 'kolom', 'kolommen')}.")

    def lines(self) -> list[str]:
        parts = self.parts()
        out = []
        if parts["gegevens"]:
            out.append(f"{_count(len(parts['gegevens']), 'kolom is een gegeven', 'kolommen zijn gegevens')} "
                       f"van het beleid: {_names(parts['gegevens'])}")
        else:
            out.append("geen enkele kolom is een gegeven van het beleid")
        if parts["peildatum"]:
            out.append("kolom peildatum: de peildatum per rij")
        if parts["sleutels"]:
            out.append(f"{_count(len(parts['sleutels']), 'kolom gaat', 'kolommen gaan')} als sleutel mee: "
                       f"{_names(parts['sleutels'])}")
        out.extend(f"let op: {note}" for note in parts["let op"])
        if parts["ontbreekt"]:
            out.append(f"geen kolom voor {counted(len(parts['ontbreekt']), 'gegeven', 'gegevens')} "
                       f"(overal onbekend): {_names(parts['ontbreekt'])}")
        return out

    def __repr__(self) -> str:
        return self.head() + "".join(f"\n  {line}" for line in self.lines())

    def _repr_html_(self) -> str:
        items = "".join(f'<li{" style=color:#9a6700" if line.startswith("let op") else ""}>{escape(line)}</li>'
                        for line in self.lines())
        return (f'<div class="bt-report bt-table-report" style="{FONT}"><b>{escape(self.head())}</b>'
                f'<ul style="margin:2px 0">{items}</ul>'
                f'<span style="color:#57606a">Evalueer ze met <code>evalueer alle</code>.</span></div>')


def _count(n: int, one: str, many: str) -> str:
    """`counted` with a thousands separator: "5.000 rijen"."""
    return f"{format_value(n, 'aantal')} {singular_or_plural(n, one, many)}"


def _names(names: list[str]) -> str:
    shown = ", ".join(names[:SHOWN])
    return shown + (f" en {len(names) - SHOWN} meer" if len(names) > SHOWN else "")
