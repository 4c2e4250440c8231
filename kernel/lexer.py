"""Pygments lexer for Beleidstaal, registered as the `pygments.lexers` entry point `beleid`.

Contract: `BeleidLexer` colours every keyword and phrase of the grammar (`kernel.highlight`,
read from `grammar/beleid.lark`: case-insensitive, a phrase of several words one token, the
glued spellings the grammar accepts too), strings, money, percentages, dates, numbers,
comments and the notebook commands (`kernel.cells.COMMANDS`: laad, casus, casussen, evalueer,
...) at the start of a line. It is what nbconvert's HTML export and `toon` use; the kernel's
`language_info` names it (`pygments_lexer: "beleid"`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import ClassVar

from pygments.lexer import RegexLexer, words
from pygments.token import Comment, Keyword, Name, Number, Operator, Punctuation, String, Text

from kernel.cells import COMMANDS
from kernel.highlight import entries

# Highlight class (`kernel.highlight`) -> Pygments token.
TOKENS = {
    "definitionKeyword": Keyword.Declaration,
    "typeName": Keyword.Type,
    "atom": Keyword.Constant,
    "operatorKeyword": Operator.Word,
    "literal": Name.Constant,
    "number": Number,
    "keyword": Keyword,
}
_KEYWORD = "(?:" + "|".join(pattern for pattern, _ in entries()) + r")\b"
_CLASSES = tuple((re.compile(pattern + r"\Z", re.IGNORECASE), cls) for pattern, cls in entries())


def _keyword(lexer, match: re.Match) -> Iterator[tuple[int, object, str]]:
    """One keyword or phrase, with the token of its class."""
    text = match.group()
    cls = next((cls for pattern, cls in _CLASSES if pattern.match(text)), "keyword")
    yield match.start(), TOKENS[cls], text


class BeleidLexer(RegexLexer):
    name = "Beleidstaal"
    aliases: ClassVar[list[str]] = ["beleid", "beleidstaal"]
    filenames: ClassVar[list[str]] = ["*.beleid"]
    mimetypes: ClassVar[list[str]] = ["text/x-beleidstaal"]
    flags = re.IGNORECASE | re.UNICODE | re.MULTILINE

    tokens: ClassVar[dict[str, list]] = {
        "root": [
            (r"#[^\n]*", Comment.Single),
            (r"%%?python\b[^\n]*", Comment.Preproc),
            (r'"([^"\\\n]|\\.)*"', String.Double),
            (r"€\s*-?[0-9][0-9.]*(,[0-9]+|,-)?", Number.Float),
            (r"[0-9][0-9.]*(,[0-9]+)?\s*%", Number.Float),
            (r"[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{1,2}-[0-9]{1,2}-[0-9]{4}", Number.Integer),
            (r"[0-9]{1,2}[:.][0-9]{2}", Number.Integer),
            (r"[0-9][0-9.]*(,[0-9]+)?", Number),
            (words(COMMANDS, prefix=r"^", suffix=r"\b"), Keyword.Pseudo),
            (_KEYWORD, _keyword),
            (r"[^\W\d]\w*", Name),
            (r"[+\-*/=]", Operator),
            (r"[():;,\[\]{}]", Punctuation),
            (r"\s+", Text),
            (r".", Text),
        ],
    }
