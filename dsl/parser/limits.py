"""Limits on the shape of a policy text that keep every later stage safe from running out of stack.

Contract: `control_characters(text)` names the invisible control characters in a text (a NUL, a
form feed, a bidirectional override) before it is parsed; `nesting_problems(policy)` reports
every expression, list or type nested deeper than `MAX_DEPTH` levels and every decision with more
than `MAX_ROWS` rows, each at its line and column. Both walk without recursion, so they work on
any input; the parser refuses a text with such a problem before the checker sees it.

Why these numbers (measured on Python 3.11, recursion limit 1000, from a shallow stack): the
checker, the lowering, the code generator, the explanation and the z3 encoding walk expressions
recursively, a few frames per level; Python's own `compile()` of the generated code overflowed at
247 nested `+` (199 for the traced variant), 245 nested `niet` and a decision of 495 rows (its code
is a chain of nested `if`s). Real policies nest at most 6 deep and have at most 6 rows per
decision. With `MAX_DEPTH = 100` and `MAX_ROWS = 200` every stage (compile, traced evaluation,
explanation, what-if, z3 checks, coverage) still ran when started 300 frames deep, and the traced
compile of 99 nested `+` up to about 450 frames deep: a margin for a caller deep in the stack (a
notebook kernel, a test runner). Long flat `en`/`of` chains are regrouped by the parser (see
`CHAIN_WIDTH`), so a thousand parts count about forty levels. (`ast.unparse`, used only to show
the generated source, overflows at about 56 nested `+`; it is not protected.)
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterator

import attrs

from dsl import ast
from dsl.errors import Diagnostic
from dsl.span import Span

MAX_DEPTH = 100
MAX_ROWS = 200
# An `en`/`of` chain longer than this is regrouped into nested chains of at most this many parts
# (the same meaning under three-valued logic); part i of a chain counts i levels deeper, because
# evaluating it takes i nested tests.
CHAIN_WIDTH = 16

_SHOWN_AT_MOST = 5

# Characters that look like nothing, or like a plain space, named for the author.
_NAMES = {
    "\x00": "een NUL-teken (U+0000)",
    "\x0b": "een verticale tab (U+000B)",
    "\x0c": "een paginaeinde (U+000C)",
    "\x7f": "een DEL-teken (U+007F)",
    "\u00a0": "een harde spatie (U+00A0)",
    "\u00ad": "een zacht afbreekstreepje (U+00AD)",
    "\ufeff": "een onzichtbaar BOM-teken (U+FEFF)",
    "\u200c": "een onzichtbare scheiding (U+200C)",
    "\u200d": "een onzichtbare verbinding (U+200D)",
    "\u2060": "een onzichtbare woordverbinding (U+2060)",
    "\u2007": "een cijferspatie (U+2007)",
    "\u2009": "een smalle spatie (U+2009)",
    "\u200b": "een spatie zonder breedte (U+200B)",
    "\u202f": "een smalle harde spatie (U+202F)",
    "\u2028": "een regelscheiding (U+2028)",
    "\u2029": "een alineascheiding (U+2029)",
}
# Bidirectional controls: they make a text display in another order than it is read ("Trojan Source").
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def describe_character(char: str) -> str:
    """An invisible or confusable character in the author's words: "een harde spatie (U+00A0)".

    >>> describe_character("\\x00"), describe_character("\\x1b")
    ('een NUL-teken (U+0000)', 'een stuurteken (U+001B)')
    """
    if char in _NAMES:
        return _NAMES[char]
    code = f"U+{ord(char):04X}"
    if char in _BIDI:
        return f"een teken voor schrijfrichting ({code})"
    if unicodedata.category(char) == "Cc":
        return f"een stuurteken ({code})"
    if unicodedata.category(char) == "Cf":
        return f"een onzichtbaar opmaakteken ({code})"
    if unicodedata.category(char).startswith("Z"):
        return f"een bijzondere spatie ({code})"
    return f"'{char}' ({code})"


# Control characters other than tab, line feed and carriage return (Unicode category Cc), the
# bidirectional controls, and the Unicode line and paragraph separators (an editor may show a line
# break where the parser counts none, so every later line number would be off).
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029" + "".join(sorted(_BIDI)) + "]")


def control_characters(text: str) -> list[Diagnostic]:
    """A diagnostic for each of the first few forbidden characters, at its line and column; they
    are refused everywhere, also inside a tekst or a comment, where the grammar would take them."""
    found: list[Diagnostic] = []
    for match in itertools.islice(_FORBIDDEN.finditer(text), _SHOWN_AT_MOST):
        pos = match.start()
        line = text.count("\n", 0, pos) + 1
        column = pos - (text.rfind("\n", 0, pos) + 1) + 1
        found.append(Diagnostic("character", f"{describe_character(match.group())} hoort niet in een beleid",
                                Span(line, column, line, column),
                                "verwijder het; een beleid is gewone tekst (tab, spatie en regeleinde mogen)"))
    return found


def nesting_problems(policy: ast.Policy) -> list[Diagnostic]:
    """A diagnostic for every expression (or voorbeeld list, or type) that nests deeper than
    `MAX_DEPTH`, at the first part that is too deep, and for every decision with too many rows."""
    problems = [_too_deep(node) for node in _too_deep_nodes(policy)]
    for decision in policy.decisions:
        if len(decision.rows) > MAX_ROWS:
            problems.append(Diagnostic(
                "depth", f"deze beslissing heeft {len(decision.rows)} regels; ten hoogste {MAX_ROWS}",
                decision.rows[MAX_ROWS].span, "splits de beslissing, bijvoorbeeld per soort of per bedragklasse"))
    return problems


def _too_deep(node: ast.Node) -> Diagnostic:
    return Diagnostic("depth", f"te diep genest: ten hoogste {MAX_DEPTH} niveaus", _span_of(node),
                      "haakjes, 'niet', rekenstappen en de delen van een 'en'/'of' tellen elk mee; "
                      "splits de uitdrukking in aparte berekeningen of eisen")


def _span_of(node: ast.Node) -> Span:
    return getattr(node, "span", ast.NO_SPAN)


# The nodes that add a level: expressions, the values of a voorbeeld and nested types.
_LEVELS = frozenset((*ast.EXPR_CLASSES, ast.ListLiteral, ast.UnknownLiteral, ast.HistoryLiteral, ast.TypeSpec))


def _too_deep_nodes(policy: ast.Policy) -> Iterator[ast.Node]:
    """The first node past `MAX_DEPTH` under each outermost expression, list or type, in text order."""
    stack: list[tuple[object, int, int]] = [(policy, 0, 0)]   # (node, levels above it, number of its root)
    reported: set[int] = set()
    roots = 0
    while stack:
        node, level, root = stack.pop()
        if isinstance(node, tuple):
            stack.extend((item, level, root) for item in reversed(node))
            continue
        if not ast.is_node(node):
            continue
        if type(node) in _LEVELS:   # (exact types: see ast.NODE_TYPES)
            if level == 0:
                roots += 1
                root = roots
            level += 1
            if level > MAX_DEPTH:
                if root not in reported:
                    reported.add(root)
                    yield node
                continue
        stack.extend(reversed(_children(node, level, root)))


def _children(node: ast.Node, level: int, root: int) -> list[tuple[object, int, int]]:
    """The fields of a node with the level they start at; part i of an `en`/`of` starts i deeper."""
    if isinstance(node, ast.BoolOp):
        return [(item, level + i, root) for i, item in enumerate(node.items)]
    return [(getattr(node, name), level, root) for name in _FIELDS[type(node)]]


# The fields of each syntax-tree class that may hold nodes (not its span, words or flags).
_FIELDS: dict[type, tuple[str, ...]] = {
    cls: tuple(field.name for field in attrs.fields(cls)
               if field.name != "span" and field.type not in ("str", "bool", "int", "str | None", "Span"))
    for cls in ast.NODE_CLASSES
}
