"""Parser: Beleidstaal text -> `dsl.ast.Policy`, or a `BeleidError` with Dutch syntax errors.

Contract: `parse(text, filename)` returns a Policy whose every node has a span, or raises
`BeleidError` holding diagnostics with line, column, what was expected (in Dutch words) and,
for typical mistakes, a label from `MISTAKES`. Literals are converted here (Dutch numbers,
money, dates) and a malformed literal is a diagnostic too. A text with control characters, or
nested deeper than the later stages can walk, is refused with its place (`dsl.parser.limits`);
the tree is built without recursion, so no input makes the parser itself run out of stack.
Names are not resolved: that is the checker's job. The Lark parser is the one `dsl.vocabulary`
loads, once per process, with its tables cached on disk.
"""

from __future__ import annotations

import functools
import re
from typing import Literal, overload

from lark.exceptions import UnexpectedInput

from dsl import ast
from dsl.errors import BeleidError, Diagnostic
from dsl.parser.builder import Builder
from dsl.parser.limits import control_characters, nesting_problems
from dsl.parser.syntax_errors import MISTAKES, label_of, syntax_diagnostic
from dsl.vocabulary import GRAMMAR_PATH, grammar_parser

__all__ = ["GRAMMAR_PATH", "MISTAKES", "parse", "reserved_words"]


@overload
def parse(text: str, filename: str = ..., *, partial: Literal[False] = False) -> ast.Policy: ...
@overload
def parse(text: str, filename: str = ..., *, partial: Literal[True]) -> tuple[ast.Policy, list[Diagnostic]]: ...


def parse(text: str, filename: str = "<beleid>", *,
          partial: bool = False) -> ast.Policy | tuple[ast.Policy, list[Diagnostic]]:
    """Parse policy text into an AST, or raise BeleidError with every syntax problem found.

    A malformed literal (31 februari, 25:00) does not stop the tree from being built: with
    `partial=True` the result is `(policy, literal problems)` so the checker can report its own
    problems in the same pass; otherwise literal problems are raised. A control character anywhere
    in the text, an expression nested deeper than `limits.MAX_DEPTH` or a decision with more than
    `limits.MAX_ROWS` rows is always raised: the later stages are not run on such a tree.

    The `REMEMBERED` texts parsed most recently in this process are remembered with what parsing gave
    (the tree is immutable, a problem is raised as a new BeleidError): a kernel that reruns a
    cell, or a `controleer`, `test` and `verschil` of one file in one process, parses it once."""
    policy, problems, fatal = _parse(text, filename)
    if policy is None or fatal:
        raise BeleidError(problems, filename, text)
    if partial:
        return policy, list(problems)
    if problems:
        raise BeleidError(problems, filename, text)
    return policy


REMEMBERED = 8


@functools.lru_cache(maxsize=REMEMBERED)
def _parse(text: str, filename: str) -> tuple[ast.Policy | None, tuple[Diagnostic, ...], bool]:
    """The tree or None, its problems, and whether they stop every stage."""
    characters = control_characters(text)
    if characters:
        return None, tuple(characters), True
    try:
        tree = grammar_parser().parse(text)
    except UnexpectedInput as err:
        return None, (syntax_diagnostic(err, text, grammar_parser().parse),), True
    builder = Builder(filename, text)
    policy = builder.transform(tree)   # without recursion: any depth of brackets is built
    too_deep = nesting_problems(policy)
    if too_deep:
        return None, tuple(sorted([*builder.problems, *too_deep], key=_position)), True
    return policy, tuple(builder.problems), False


def _position(diagnostic: Diagnostic) -> tuple[int, int]:
    span = diagnostic.span
    return (span.line, span.column) if span else (0, 0)


@functools.lru_cache(maxsize=1)
def reserved_words() -> frozenset[str]:
    """Every single word the grammar uses as a keyword (`is`, `dag`, `januari`, `uniek`, ...),
    read from its terminals; such a word cannot be the name of a gegeven or a rule."""
    found: set[str] = set()
    for terminal in grammar_parser().terminals:
        pattern = terminal.pattern
        if pattern.type != "re" or terminal.name == "NAME":
            continue
        body = re.sub(r"^\(\?[a-z]+:(.*)\)$", r"\1", pattern.value)
        body = re.sub(r"\\b$", "", body)
        for alternative in _top_level_alternatives(body):
            if re.fullmatch(r"[a-zà-ÿ]+", alternative):
                found.add(alternative)
    return frozenset(found)


def _top_level_alternatives(body: str) -> list[str]:
    """`(a|b\\s+c)` -> ["a", "b\\s+c"]; `(a|b)\\s+van` -> ["(a|b)\\s+van"] (one phrase)."""
    def split(text: str) -> list[str]:
        parts: list[str] = []
        depth, start = 0, 0
        for i, ch in enumerate(text):
            depth += {"(": 1, ")": -1}.get(ch, 0)
            if ch == "|" and depth == 0:
                parts.append(text[start:i])
                start = i + 1
        return [*parts, text[start:]]

    def one_group(text: str) -> bool:  # "(...)" whose first parenthesis closes at the very end
        depth = 0
        for i, ch in enumerate(text):
            depth += {"(": 1, ")": -1}.get(ch, 0)
            if depth == 0:
                return text.startswith("(") and i == len(text) - 1
        return False

    return split(body[1:-1]) if one_group(body) else split(body)


def _label(err: UnexpectedInput) -> str | None:
    """The mistake label for a syntax error (see `dsl.parser.syntax_errors`)."""
    return label_of(err, grammar_parser().parse)
