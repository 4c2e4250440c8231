"""The keyword vocabulary of Beleidstaal, read from the grammar: the one list every editor aid uses.

Contract: `vocabulary()` reads `grammar/beleid.lark` (in a wheel: `dsl/grammar/beleid.lark`)
with Lark and returns a `Vocabulary`: every keyword terminal of the grammar (a case-insensitive
pattern ending in `\\b`) expanded into the `Phrase`s it accepts ("ten minste", "groter dan of
gelijk aan", "één van", "ja/nee"), grouped as the highlighters, completion and the cell language
need them. The groups are found from the grammar's structure, not listed here:
  - `header` / `sections`: the words a statement starts with (the first terminals of the rules
    `header`, `section` and `eis`);
  - `types`: the words a type begins with (first terminals of `type_spec`), `type_phrases` the
    whole keyword runs a type can be written as ("bedrag", "duur in weken", "keuze uit");
  - `comparisons`: the phrases of the terminals of `cmp_op` ("ten hoogste", "groter dan");
  - `continuing`: keywords no statement can end with (`vereist`, `en`, `tot en met`);
  - `units`, `months`, `weekdays`, `number_words`, `constants` (ja, nee, statuses, onbekend):
    the phrases of the terminals of that name;
  - `keywords`: every other keyword.
It imports only lark, `dsl.cache` and `dsl.atomic` (and reads only the grammar file and its
cached tables), so it sits beside the parser as the first stage, and every front end may use it.
`grammar_parser()` is the grammar loaded by Lark, the one the parser parses with.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import itertools
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import lark

from dsl.atomic import write_bytes
from dsl.cache import private_folder, read_private


def _grammar_path() -> Path:
    here = Path(__file__).resolve().parent
    source = here.parent / "grammar" / "beleid.lark"
    return source if source.exists() else here / "grammar" / "beleid.lark"  # installed wheel


GRAMMAR_PATH = _grammar_path()

# Rules of the grammar whose first keyword starts a statement, and the one of them that starts a
# whole policy; the rule whose alternatives are the types; the rule of comparison operators.
_HEADER_RULE, _SECTION_RULES = "header", ("section", "eis")
_TYPE_RULE, _COMPARISON_RULE = "type_spec", "cmp_op"
_UNITS, _MONTHS, _WEEKDAYS, _NUMBER_WORDS = "UNIT", "MONTH", "WEEKDAY", "NUMBER_WORD"
_CONSTANTS = ("BOOL", "STATUS", "ONBEKEND")


@dataclass(frozen=True)
class Phrase:
    """One keyword as written: `text` in lower case with single spaces ("ten minste"),
    `pattern` a regular expression for it as the grammar accepts it (`ten\\s*minste`, so the
    glued "tenminste" too), usable in Python and JavaScript alike; `terminal` its grammar name."""

    text: str
    pattern: str
    terminal: str

    @property
    def multiword(self) -> bool:
        return " " in self.text


@dataclass(frozen=True)
class Vocabulary:
    """Every keyword of the grammar, grouped (see the module contract). Phrase groups are
    tuples of `Phrase` ordered longest first (so an alternation of their patterns matches
    "groter dan of gelijk aan" before "groter dan"); word groups are tuples of texts."""

    terminals: dict[str, tuple[Phrase, ...]]
    header: str
    sections: tuple[str, ...]
    types: tuple[Phrase, ...]
    type_phrases: tuple[str, ...]
    comparisons: tuple[Phrase, ...]
    continuing: tuple[Phrase, ...]
    units: tuple[Phrase, ...]
    months: tuple[Phrase, ...]
    weekdays: tuple[Phrase, ...]
    number_words: tuple[Phrase, ...]
    constants: tuple[Phrase, ...]
    keywords: tuple[Phrase, ...]

    @property
    def statements(self) -> tuple[str, ...]:
        """The words a piece of policy text starts with: `beleid` and the sections."""
        return (self.header, *self.sections)

    @property
    def phrases(self) -> tuple[Phrase, ...]:
        """Every keyword phrase of the grammar, longest first."""
        return _longest_first(p for group in self.terminals.values() for p in group)

    @property
    def texts(self) -> tuple[str, ...]:
        """Every keyword text, once each, in alphabetical order."""
        return tuple(sorted({p.text for p in self.phrases}))


@functools.lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    """The vocabulary of the grammar (read once per process)."""
    parser = grammar_parser()
    terminals = {t.name: _longest_first(_expand(t.name, t.pattern.value)) for t in parser.terminals
                 if _is_keyword(t)}
    rules = _Rules(parser.rules)

    def phrases(names: Iterable[str]) -> tuple[Phrase, ...]:
        return _longest_first(p for name in names if name in terminals for p in terminals[name])

    def words(names: Iterable[str]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(p.text for p in phrases(names) if not p.multiword))

    header = words(rules.first(_HEADER_RULE))
    if len(header) != 1:
        raise ValueError(f"the grammar's rule '{_HEADER_RULE}' should start with one keyword, not {header}")
    starters = rules.first_all(_SECTION_RULES)  # in the order the grammar defines them
    sections = tuple(dict.fromkeys(p.text for name in terminals if name in starters for p in terminals[name]))
    groups = {
        "types": phrases(rules.first(_TYPE_RULE)),
        "comparisons": tuple(p for p in phrases(rules.terminals_of(_COMPARISON_RULE)) if p.multiword),
        "units": phrases([_UNITS]), "months": phrases([_MONTHS]), "weekdays": phrases([_WEEKDAYS]),
        "number_words": phrases([_NUMBER_WORDS]), "constants": phrases(_CONSTANTS)}
    taken = {p for group in groups.values() for p in group}
    statement_terminals = rules.first(_HEADER_RULE) | rules.first_all(_SECTION_RULES)
    keywords = tuple(p for p in phrases(terminals) if p not in taken and p.terminal not in statement_terminals)
    return Vocabulary(terminals=terminals, header=header[0], sections=sections,
                      type_phrases=_type_phrases(rules, terminals), continuing=_continuing(rules, terminals),
                      keywords=keywords, **groups)


# the options the grammar is loaded with (part of the cache's name)
_OPTIONS = {"parser": "lalr", "lexer": "contextual", "propagate_positions": True}


@functools.lru_cache(maxsize=1)
def grammar_parser() -> lark.Lark:
    """The grammar loaded by Lark, once per process: the vocabulary is read from it and
    `dsl.parser` parses with it (one load where a kernel made two: 100 ms of its start). Lark's
    tables are kept in the user's own cache folder (`dsl.cache`: never the shared temporary folder,
    where anyone could have put a file that unpickling would run) under a name carrying the hash of
    the grammar, the options and the Lark and Python versions; first load ~0.5 s, cached ~0.1 s.
    A cache that cannot be read or written is made again or left out, without a word."""
    grammar = GRAMMAR_PATH.read_text(encoding="utf-8")
    key = repr((grammar, sorted(_OPTIONS.items()), lark.__version__, sys.version_info[:2]))
    folder = private_folder("grammatica")
    path = folder / f"beleid-{hashlib.sha256(key.encode()).hexdigest()[:16]}.lark" if folder else None
    data = read_private(path) if path else None
    if data is not None:
        try:
            return lark.Lark.load(io.BytesIO(data))
        except Exception:   # a damaged or older cache: made again below
            pass
    parser = lark.Lark(grammar, **_OPTIONS)
    if path is not None:
        buffer = io.BytesIO()
        parser.save(buffer)
        with contextlib.suppress(OSError):
            write_bytes(path, buffer.getvalue())
    return parser


def _is_keyword(terminal) -> bool:
    """A keyword terminal: a case-insensitive regular expression of words ending in `\\b`."""
    pattern = terminal.pattern
    return pattern.type == "re" and "i" in pattern.flags and pattern.value.endswith(r"\b")


def _longest_first(phrases: Iterable[Phrase]) -> tuple[Phrase, ...]:
    unique = {(p.text, p.terminal): p for p in phrases}
    return tuple(sorted(unique.values(), key=lambda p: (-len(p.text), p.text, p.terminal)))


def _type_phrases(rules: _Rules, terminals: dict[str, tuple[Phrase, ...]]) -> tuple[str, ...]:
    """Each way a type begins with keywords only: the leading run of keyword terminals of every
    alternative of the type rule, expanded ("bedrag", "duur", "duur in weken", "keuze uit")."""
    found: set[str] = set()
    for expansion in rules.expansions(_TYPE_RULE):
        run = list(itertools.takewhile(lambda name: name in terminals, expansion))
        for combination in itertools.product(*(terminals[name] for name in run)):
            found.add(" ".join(p.text for p in combination))
    return tuple(sorted(found))


def _continuing(rules: _Rules, terminals: dict[str, tuple[Phrase, ...]]) -> tuple[Phrase, ...]:
    """The keywords no statement ends with: the phrases of terminals that are never the last of
    `start`, unless another terminal with the same text can be ("dag" in `dag 1 van x` cannot
    end a statement, the unit in `3 dag` can)."""
    final = rules.last("start")
    ending = {p.text for name in final if name in terminals for p in terminals[name]}
    return _longest_first(p for name, group in terminals.items() if name not in final
                          for p in group if p.text not in ending)


# ---------------------------------------------------------------- grammar structure
class _Rules:
    """FIRST and LAST terminal sets of the grammar's rules (the usual fixpoints; a rule that can
    be empty lets the symbol after it show through)."""

    def __init__(self, rules):
        self.by_origin: dict[str, list[tuple[str, ...]]] = {}
        self.is_terminal: dict[str, bool] = {}
        for rule in rules:
            self.by_origin.setdefault(rule.origin.name, []).append(tuple(s.name for s in rule.expansion))
            for symbol in rule.expansion:
                self.is_terminal[symbol.name] = symbol.is_term
        self.nullable = self._nullable()
        self._first = self._edges(reverse=False)
        self._last = self._edges(reverse=True)

    def expansions(self, rule: str) -> list[tuple[str, ...]]:
        return self.by_origin[rule]

    def terminals_of(self, rule: str) -> set[str]:
        return {s for expansion in self.by_origin[rule] for s in expansion if self.is_terminal[s]}

    def first(self, rule: str) -> set[str]:
        return self._first[rule]

    def first_all(self, rules: Iterable[str]) -> set[str]:
        return set().union(*(self._first[r] for r in rules))

    def last(self, rule: str) -> set[str]:
        return self._last[rule]

    def _nullable(self) -> set[str]:
        nullable: set[str] = set()
        changed = True
        while changed:
            changed = False
            for origin, expansions in self.by_origin.items():
                if origin not in nullable and any(all(s in nullable for s in e) for e in expansions):
                    nullable.add(origin)
                    changed = True
        return nullable

    def _edges(self, reverse: bool) -> dict[str, set[str]]:
        found: dict[str, set[str]] = {origin: set() for origin in self.by_origin}
        changed = True
        while changed:
            changed = False
            for origin, expansions in self.by_origin.items():
                before = len(found[origin])
                for expansion in expansions:
                    for symbol in reversed(expansion) if reverse else expansion:
                        found[origin] |= {symbol} if self.is_terminal[symbol] else found[symbol]
                        if symbol not in self.nullable:
                            break
                changed |= len(found[origin]) != before
        return found


# ---------------------------------------------------------------- patterns
_SEPARATORS = (r"\s+", r"\s*")


def _expand(terminal: str, pattern: str) -> Iterator[Phrase]:
    """Every phrase a keyword pattern accepts: `(een|één)\\s+van\\b` gives "een van" and
    "één van". Only letters, `\\/`, the separators `\\s+` / `\\s*`, groups with `|` and the
    final `\\b` occur in keyword terminals; anything else is refused, so a grammar change that
    needs more is noticed here rather than giving a wrong vocabulary."""
    body = pattern[: -len(r"\b")]
    alternatives, end = _alternatives(body, 0, terminal)
    if end != len(body):
        raise ValueError(f"unbalanced ')' in the pattern of {terminal}: {pattern}")
    for pieces in alternatives:
        text = "".join(" " if p in _SEPARATORS else p for p in pieces)
        yield Phrase(text.lower(), "".join(pieces), terminal)


def _alternatives(body: str, i: int, terminal: str) -> tuple[list[list[str]], int]:
    """The expansions of `body[i:]` up to an unmatched ')' (or the end), and where it stopped."""
    done: list[list[str]] = []
    current: list[list[str]] = [[]]
    while i < len(body):
        ch = body[i]
        if ch == ")":
            break
        if ch == "|":
            done += current
            current, i = [[]], i + 1
            continue
        if body.startswith("(?=", i):   # a lookahead (`som` only before `)`): it adds no words
            i = _after_lookahead(body, i, terminal)
            continue
        if ch == "(":
            inner, i = _alternatives(body, i + 1, terminal)
            if i >= len(body) or body[i] != ")":
                raise ValueError(f"unclosed '(' in the pattern of {terminal}: {body}")
            current, i = [c + alt for c in current for alt in inner], i + 1
            continue
        piece, i = _piece(body, i, terminal)
        current = [[*c, piece] for c in current]
    return done + current, i


def _after_lookahead(body: str, i: int, terminal: str) -> int:
    """Where the lookahead `(?=...)` that starts at `i` ends (escapes and nested groups skipped)."""
    depth, j = 0, i
    while j < len(body):
        if body[j] == "\\":
            j += 2
            continue
        depth += {"(": 1, ")": -1}.get(body[j], 0)
        j += 1
        if depth == 0:
            return j
    raise ValueError(f"unclosed lookahead in the pattern of {terminal}: {body}")


def _piece(body: str, i: int, terminal: str) -> tuple[str, int]:
    for separator in _SEPARATORS:
        if body.startswith(separator, i):
            return separator, i + len(separator)
    if body.startswith(r"\/", i):
        return "/", i + 2
    if re.fullmatch(r"[^\W\d_]", body[i]):
        return body[i], i + 1
    raise ValueError(f"the pattern of {terminal} uses '{body[i:]}', which the vocabulary cannot expand")
