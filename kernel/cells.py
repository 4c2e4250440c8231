"""The notebook cell language: a cell's text -> a list of statements, or a Dutch error.

Contract: `split_cell(text, name)` returns the statements of one Beleidstaal cell in order.
A statement is either a block of policy text (kind "beleid": sections such as `gegevens`,
`eisen`, `eis`, `berekening`, `beslissing`, `termijn`, `voorbeeld`, or a whole policy starting
with `beleid "..."`) or one of the notebook commands:

    laad "pad/naar/beleid.beleid"     load a policy file (replaces the current policy)
    casus "casus.json"                 read a case from a JSON or YAML file
    casus { "omzet_2023": "€ 120.000" }   a case as a JSON object
    casus omzet_2023 = € 120.000, soort_aanbieder = "instelling"   a case in Beleidstaal values
    casussen "aanbieders.csv"          read a table of cases (CSV, Parquet, JSON Lines)
    evalueer                           evaluate the case; shows the explanation and the widgets
    evalueer alle                      evaluate every case of the table; shows the batch view
    voorbeelden                        run the policy's voorbeelden
    toon [naam]                        show the current policy text, or one rule
    controleer [snel | exact]          check the policy's consistency (as `beleid controleer`)
    dekking                            the coverage of the voorbeelden (as `beleid test --dekking`)
    verschil "ander.beleid" [snel]     what changed from that file to the session's policy
    verschil vorige [snel]             what changed from the session's previous policy version

A command starts at the beginning of a line (no indentation) and is not followed by `:` or
`=` (so a gegeven may still be called `casus`). `casus` takes the following lines up to the
next command or section; the other commands take one line. Lines starting with `#` are
comments. Policy text is kept exactly, with its line numbers in the cell, so errors point at
the cell's own lines. Anything else raises `CellError` with the line at fault.
"""

from __future__ import annotations

import re

import attrs

from dsl.errors import BeleidError, Diagnostic
from dsl.span import Span
from dsl.vocabulary import vocabulary

COMMANDS = ("laad", "casus", "casussen", "evalueer", "voorbeelden", "toon", "controleer", "dekking", "verschil")
# The words policy text starts with, from the grammar: `beleid` and the sections (gegevens, eisen,
# eis, berekening, beslissing, termijn, voorbeeld).
SECTIONS = vocabulary().statements
_FIRST_WORD = re.compile(r"^(\s*)([^\W\d][\w]*)(\s*)(.?)", re.UNICODE)


class CellError(BeleidError):
    """A mistake in a notebook cell. Rendered like every Beleidstaal error (line, caret, hint);
    it may hold diagnostics that point into several texts (this cell, an earlier cell, a file)."""

    def __init__(self, diagnostics, filename: str = "cel", text: str | None = None, parts=None):
        self.parts = tuple(parts) if parts else ((tuple(diagnostics), filename, text),)
        super().__init__([d for group, _, _ in self.parts for d in group], filename, text)

    def render(self) -> str:
        from dsl.errors import render

        return "\n\n".join(render(group, name, text) for group, name, text in self.parts)


@attrs.frozen
class Statement:
    """One statement of a cell: `kind` is "beleid" or a command; `text` is the statement's own
    text (for commands: what follows the command word); `line`/`column` say where `text` starts."""

    kind: str
    text: str
    line: int
    column: int = 1


def cell_error(message: str, name: str, text: str, line: int, column: int = 1, width: int = 1,
               hint: str | None = None) -> CellError:
    """A one-diagnostic CellError pointing at `line`/`column` of the cell."""
    span = Span(line, column, line, column + max(width, 1) - 1)
    return CellError([Diagnostic("cel", message, span, hint)], name, text)


_START_HINT = (f"een cel begint met beleidstekst ({', '.join(SECTIONS)}) of met een opdracht "
               f"({', '.join(COMMANDS)}); Python: begin de cel met %%python")


def _command_of(line: str) -> str | None:
    """The command a line starts, if any (`casus = ...` or `casus : bedrag` start none)."""
    m = _FIRST_WORD.match(line)
    if not m or m.group(1) or m.group(2).lower() not in COMMANDS or m.group(4) in (":", "="):
        return None
    return m.group(2).lower()


def _section_of(line: str) -> bool:
    m = _FIRST_WORD.match(line)
    return m is not None and m.group(2).lower() in SECTIONS and m.group(4) not in (":", "=")


def split_cell(text: str, name: str = "cel") -> list[Statement]:
    """Split a cell into statements (see the module contract); CellError for stray text."""
    lines = text.split("\n")
    statements: list[Statement] = []
    current: list | None = None  # [kind, first line, column, collected lines]
    for number, line in enumerate(lines, start=1):
        command = _command_of(line)
        if command is not None:
            _close(statements, current)
            current = [command, number, len(command) + 1, [line[len(command):]]]
            if command != "casus":  # the other commands take one line
                _close(statements, current)
                current = None
        elif _section_of(line):
            if current is None or current[0] != "beleid":
                _close(statements, current)
                current = ["beleid", number, 1, [line]]
            else:
                current[3].append(line)
        elif current is not None:
            current[3].append(line)
        elif line.strip() and not line.lstrip().startswith("#"):
            stripped = line.strip()
            col = len(line) - len(line.lstrip()) + 1
            word = stripped.split()[0]
            raise cell_error(f"onbekende opdracht '{word}'", name, text, number, col, len(word), hint=_START_HINT)
    _close(statements, current)
    return statements


def _close(statements: list, current) -> None:
    if current is not None:
        kind, line, column, collected = current
        if kind != "beleid":
            collected = [c for c in collected if not c.lstrip().startswith("#")] if len(collected) > 1 else collected
        statements.append(Statement(kind, "\n".join(collected), line, column))


def masked(text: str, statement: Statement) -> str:
    """The cell text with every line outside `statement` blanked, so line numbers stay put."""
    lines = text.split("\n")
    count = statement.text.count("\n") + 1
    keep = range(statement.line - 1, statement.line - 1 + count)
    return "\n".join(line if i in keep else "" for i, line in enumerate(lines))


def string_argument(statement: Statement, name: str, cell: str, what: str) -> str:
    """The one quoted argument of `laad "..."` / `casus "..."` / `casussen "..."`; CellError otherwise."""
    arg = statement.text.strip()
    m = re.fullmatch(r'"([^"\n]*)"\s*(#.*)?', arg)
    if not m:
        col = statement.column + len(statement.text) - len(statement.text.lstrip())
        raise cell_error(f"'{statement.kind}' verwacht {what} tussen aanhalingstekens", name, cell,
                         statement.line, col, max(len(arg), 1),
                         hint=f'bijvoorbeeld: {statement.kind} "{_EXAMPLE_FILES[statement.kind]}"')
    return m.group(1)


_EXAMPLE_FILES = {"laad": "policies/wijkverpleging_2024.beleid", "casus": "casus.json",
                  "casussen": "aanbieders.csv", "verschil": "ander.beleid"}


def option_words(statement: Statement, name: str, cell: str, allowed: tuple[str, ...]) -> list[str]:
    """The option words after a command (`controleer snel`), lower case; CellError at the first
    word that is not one of `allowed`, or when a word is given twice."""
    text = statement.text.split("#")[0]
    words: list[str] = []
    for m in re.finditer(r"\S+", text):
        word = m.group().lower()
        if word not in allowed or word in words:
            what = "staat dubbel" if word in words else "is geen optie van"
            raise cell_error(f"'{m.group()}' {what} '{statement.kind}'", name, cell, statement.line,
                             statement.column + m.start(), len(m.group()),
                             hint="kies uit: " + ", ".join([statement.kind, *(f"{statement.kind} {a}" for a in allowed)]))
        words.append(word)
    return words


def no_arguments(st: Statement, cell: str, name: str) -> None:
    """A statement that takes no argument: refuse anything after its word."""
    extra = st.text.split("#")[0].strip()
    if extra:
        raise cell_error(f"'{st.kind}' heeft geen argumenten, maar hier staat '{extra}'", name, cell, st.line,
                         st.column + len(st.text) - len(st.text.lstrip()), len(extra))


def require_policy(state, st: Statement, cell: str, name: str, what: str = "te evalueren") -> None:
    """Refuse a statement that needs a policy when the session has none yet (`state.draft.empty`)."""
    if state.draft.empty:
        raise cell_error(f"er is nog geen beleid om {what}", name, cell, st.line, 1, len(st.kind),
                         hint='laad een beleid (laad "pad.beleid") of schrijf gegevens en eisen')
