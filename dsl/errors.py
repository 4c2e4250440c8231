"""Diagnostics: problems in a policy or a case as values, and their one renderer.

A stage that finds a problem creates a `Diagnostic` (code, span, Dutch message, hint); it never
formats text itself. `BeleidError` carries one or more diagnostics plus the source text they
refer to; `render()` turns them into the `file:line:column` block with the offending line and a
caret that both the command line and the notebook kernel show.
"""

from __future__ import annotations

import difflib
import errno
import os
from collections.abc import Collection, Iterable
from pathlib import Path

import attrs

from dsl.span import Span


@attrs.frozen
class Diagnostic:
    """A problem found by a stage: a code ("syntax", "name", "type", ...), a Dutch message, where
    it is, an optional hint and, for a syntax error, what was expected (in Dutch words)."""

    code: str
    message: str
    span: Span | None = None
    hint: str | None = None
    expected: tuple[str, ...] = ()


class BeleidError(Exception):
    """A user mistake in a policy or a case; `str()` gives the rendered Dutch report."""

    def __init__(self, diagnostics: Iterable[Diagnostic], filename: str = "<beleid>", text: str | None = None):
        self.diagnostics = tuple(diagnostics)
        self.filename = filename
        self.text = text
        super().__init__(self.render())

    def render(self) -> str:
        return render(self.diagnostics, self.filename, self.text)

    def _render_traceback_(self) -> list[str]:  # IPython shows this instead of a Python traceback
        return self.render().splitlines()


class CaseError(BeleidError):
    """A case (casus) that does not fit the policy's gegevens."""


def render(diagnostics: Iterable[Diagnostic], filename: str, text: str | None) -> str:
    """Render diagnostics as blocks: place, message, the source line with a caret, hint."""
    lines = text.splitlines() if text else []
    blocks: list[str] = []
    for d in diagnostics:
        place = f"{filename}:{d.span.line}:{d.span.column}" if d.span and d.span.line else filename
        out = [f"{place}: fout: {d.message}"]
        if d.span and d.span.line and 0 < d.span.line <= len(lines):
            src = lines[d.span.line - 1].expandtabs(1)
            width = 1
            if d.span.end_line == d.span.line and d.span.end_column >= d.span.column:
                width = d.span.end_column - d.span.column + 1
            out.append(f"  {d.span.line:>4} | {src}")
            out.append("       | " + " " * (d.span.column - 1) + "^" * max(1, min(width, 60)))
        if d.expected:
            out.append("  verwacht: " + ", ".join(d.expected))
        if d.hint:
            out.append(f"  hint: {d.hint}")
        blocks.append("\n".join(out))
    return "\n\n".join(blocks)


_OS_ERRORS = {errno.ENOENT: "het bestand bestaat niet", errno.EACCES: "geen toegang",
              errno.EISDIR: "dit is een map, geen bestand", errno.ENOTDIR: "een deel van het pad is geen map"}


def os_problem(err: OSError, writing: bool = False) -> str:
    """An operating-system error in Dutch (the system's own text is English). When writing, a
    missing file means its folder is missing."""
    if writing and err.errno == errno.ENOENT:
        return "de map bestaat niet"
    known = _OS_ERRORS.get(err.errno) if err.errno is not None else None
    return known or err.strerror or str(err)


def read_text(path: str | os.PathLike[str]) -> str:
    """A text file as UTF-8 (a byte-order mark is dropped). OSError as raised by the system;
    ValueError with a Dutch message naming the first byte that is not UTF-8 and its line."""
    data = Path(path).read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        raise ValueError(f"het bestand is geen UTF-8-tekst (byte 0x{data[err.start]:02x} op regel {line}); "
                         "sla het op als UTF-8") from None


def suggest(name: str, candidates: Collection[str]) -> str | None:
    """The closest candidate for a misspelt name, as a Dutch "bedoelde u ...?" hint."""
    match = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    if not match:
        lowered = {c.lower(): c for c in candidates}
        match = difflib.get_close_matches(name.lower(), list(lowered), n=1, cutoff=0.5)
        match = [lowered[m] for m in match]
    return f"bedoelde u '{match[0]}'?" if match else None
