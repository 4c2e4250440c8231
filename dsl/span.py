"""Source locations: where a piece of a policy stands in its file.

Contract: a `Span` is an immutable value (1-based line and column of the first and last
character, end inclusive) that every stage may carry — syntax tree, core model, generated code,
trace and diagnostics — without importing the stage that made it.
"""

from __future__ import annotations

import functools

import attrs


@attrs.frozen(slots=True)
class Span:
    """Where a node stands in the file: first and last character, 1-based, end inclusive."""

    line: int
    column: int
    end_line: int
    end_column: int

    def __str__(self) -> str:
        return f"{self.line}:{self.column}"


NO_SPAN = Span(0, 0, 0, 0)


@functools.lru_cache(maxsize=4)
def _lines(text: str) -> tuple[str, ...]:
    """The lines of `text`, split once for the many spans read from one policy."""
    return tuple(text.splitlines())


def text_at(text: str, span: Span | None) -> str | None:
    """The words of `text` at `span`, on one line (runs of white space become one space), or
    None when the span lies outside the text."""
    lines = _lines(text)
    if span is None or not 1 <= span.line <= span.end_line <= len(lines):
        return None
    if span.line == span.end_line:
        words = lines[span.line - 1][span.column - 1:span.end_column]
    else:
        words = " ".join([lines[span.line - 1][span.column - 1:], *lines[span.line:span.end_line - 1],
                          lines[span.end_line - 1][:span.end_column]])
    return " ".join(words.split())
