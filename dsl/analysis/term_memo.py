"""What the analysis remembers per z3 term, across checks.

A z3 term is known by its id within the context; an id is reused once its term is freed, so a
`TermMemo` keeps every term it remembers something of (and checks with `eq` that an id still
means the same term). It holds at most `size` terms, the oldest forgotten first: forgetting only
costs the work again, never changes an answer. Used for the calendar facts
(`calendar_smt.is_fact`) and the texts of relations (`regions.relation_text`, ...), terms of tens
of thousands of nodes that the checks meet again and again.
"""

from __future__ import annotations

from typing import Any

__all__ = ["TermMemo"]


class TermMemo:
    """A bounded memory of values per z3 term (see the module contract)."""

    def __init__(self, size: int):
        self.size = size
        self._entries: dict[int, tuple[Any, dict[str, Any]]] = {}

    def of(self, term) -> dict[str, Any]:
        """What is remembered of `term` (empty at first); a value stored in it stays with the term."""
        key = term.get_id()
        entry = self._entries.get(key)
        if entry is None or not entry[0].eq(term):
            if len(self._entries) >= self.size:
                del self._entries[next(iter(self._entries))]
            entry = self._entries[key] = (term, {})
        return entry[1]

    def get(self, term, what: str) -> Any:
        """The value `what` remembered of `term`, or None (nothing is added)."""
        entry = self._entries.get(term.get_id())
        return entry[1].get(what) if entry is not None and entry[0].eq(term) else None

    def value(self, term, what: str, make) -> Any:
        """`make()`, remembered as `what` of `term`."""
        known = self.of(term)
        if what not in known:
            known[what] = make()
        return known[what]
