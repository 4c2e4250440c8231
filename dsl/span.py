"""Source locations: where a piece of a policy stands in its file.

Contract: a `Span` is an immutable value (1-based line and column of the first and last
character, end inclusive) that every stage may carry — syntax tree, core model, generated code,
trace and diagnostics — without importing the stage that made it.
"""

from __future__ import annotations

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
