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


class InternalError(BeleidError):
    """A defect in Beleidstaal itself met while evaluating (never a user's mistake): reported like
    any diagnostic, at the policy line where it happened, and not as a Python traceback."""


def render(diagnostics: Iterable[Diagnostic], filename: str, text: str | None) -> str:
    """Render diagnostics as blocks: place, message, the source line with a caret, hint."""
    lines = text.splitlines() if text else []
    blocks: list[str] = []
    for d in diagnostics:
        place = f"{filename}:{d.span.line}:{d.span.column}" if d.span and d.span.line else filename
        out = [f"{place}: fout: {d.message}"]
        if d.span and d.span.line and 0 < d.span.line <= len(lines):
            width = 1
            if d.span.end_line == d.span.line and d.span.end_column >= d.span.column:
                width = d.span.end_column - d.span.column + 1
            src, column, width = _window(lines[d.span.line - 1].expandtabs(1), d.span.column - 1, width)
            number = f"{d.span.line:>4}"
            out.append(f"  {number} | {src}")
            out.append(" " * (len(number) + 3) + "| " + " " * column + "^" * width)
        if d.expected:
            out.append("  verwacht: " + ", ".join(d.expected))
        if d.hint:
            out.append(f"  hint: {d.hint}")
        blocks.append("\n".join(out))
    return "\n\n".join(blocks)


WINDOW = 120        # characters of a source line shown around the place of a problem
_CARET_MOST = 60    # carets under a span at most


def _window(line: str, column: int, width: int) -> tuple[str, int, int]:
    """The part of a source line to show (at most `WINDOW` characters around `column`, the 0-based
    place of the problem, with "…" where it was cut), the caret's column in it and its width.

    >>> _window("x" * 300, 200, 5)[1:], len(_window("x" * 300, 200, 5)[0])
    ((61, 5), 122)
    """
    column = max(0, column)
    start = 0
    if len(line) > WINDOW:
        start = min(max(0, column - WINDOW // 2), max(0, len(line) - WINDOW))
    end = start + WINDOW
    shown = ("…" if start else "") + line[start:end] + ("…" if end < len(line) else "")
    caret = column - start + (1 if start else 0)
    if end < len(line):  # no carets under the cut end
        width = min(width, end - column)
    return shown, caret, max(1, min(width, _CARET_MOST))


_OS_ERRORS = {errno.ENOENT: "het bestand bestaat niet", errno.EACCES: "geen toegang",
              errno.EISDIR: "dit is een map, geen bestand", errno.ENOTDIR: "een deel van het pad is geen map",
              errno.EPERM: "het besturingssysteem staat dit niet toe", errno.ELOOP: "te veel symbolische koppelingen",
              errno.ENAMETOOLONG: "de bestandsnaam is te lang", errno.EIO: "lees- of schrijffout op de schijf",
              errno.EROFS: "de schijf is alleen-lezen", errno.ENOSPC: "de schijf is vol",
              errno.EFBIG: "het bestand is te groot", errno.EDQUOT: "de schijfruimte (quotum) is op",
              errno.EMFILE: "te veel open bestanden", errno.EBUSY: "het bestand is in gebruik",
              errno.EEXIST: "het bestand bestaat al", errno.ENXIO: "het apparaat bestaat niet"}


def os_problem(err: OSError, writing: bool = False) -> str:
    """An operating-system error in Dutch (the system's own text is English, so an error not
    listed is named by its code). When writing, a missing file means its folder is missing."""
    if getattr(err, "dutch", None):   # an error of our own with its Dutch words (dsl.atomic.NotAFile)
        return err.dutch  # type: ignore[attr-defined]
    if writing and err.errno == errno.ENOENT:
        return "de map bestaat niet"
    if err.errno is None:
        return "het besturingssysteem meldt een fout"
    return _OS_ERRORS.get(err.errno) or f"het besturingssysteem meldt fout {errno.errorcode.get(err.errno, err.errno)}"


def read_text(path: str | os.PathLike[str]) -> str:
    """A text file as UTF-8 (a byte-order mark is dropped), its lines ended by "\n" whether the
    file ends them with "\r\n" (Windows) or "\r" alone (old Mac editors and Excel for Mac: read
    as one line, the whole file was one comment). OSError as raised by the system; ValueError with
    a Dutch message naming the first byte that is not UTF-8 and its line."""
    return decode_text(Path(path).read_bytes())


def decode_text(data: bytes) -> str:
    """The bytes of a text file as `read_text` reads them; ValueError as `read_text`."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        raise ValueError(f"het bestand is geen UTF-8-tekst (byte 0x{data[err.start]:02x} op regel {line}); "
                         "sla het op als UTF-8") from None
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def suggest(name: str, candidates: Collection[str]) -> str | None:
    """The closest candidate for a misspelt name, as a Dutch "bedoelde u ...?" hint."""
    match = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    if not match:
        lowered = {c.lower(): c for c in candidates}
        match = difflib.get_close_matches(name.lower(), list(lowered), n=1, cutoff=0.5)
        match = [lowered[m] for m in match]
    return f"bedoelde u '{match[0]}'?" if match else None
