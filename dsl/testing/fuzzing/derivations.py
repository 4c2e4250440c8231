"""Random derivations of grammar/beleid.lark itself: a construct added to the grammar is fuzzed
without a change here."""

from __future__ import annotations

import functools
import random
import re

# ---------------------------------------------------------------- derivations of the grammar
_TERMINAL_SAMPLES = {
    "NAME": ["a", "b", "omzet", "start", "lijst1", "d1", "e1", "g"], "STRING": ['"x"', '"zzp"', '"Titel"', '""'],
    "NUMBER": ["1", "2,5", "250.000", "0", "1.5", "99999999999999999999"],
    "MONEY": ["€ 250.000", "€ 0,01", "€ 5,-", "€ -3", "€ 2,500,000"],
    "PERCENT": ["33%", "7,77%", "0%", "1.000%"], "DATE_NUM": ["2024-01-01", "31-12-2023", "9999-12-31", "2024-02-30"],
    "TIME": ["08:30", "17.00", "24:00"], "COMMENT": ["# opmerking\n"], "WS": [" "],
}


@functools.cache
def _grammar():
    """The rules of grammar/beleid.lark by origin (as Lark compiles them: `?` rules inlined,
    repetitions as helper rules), each nonterminal's smallest derivation height, and the
    pattern of each terminal. Read from the parser the language itself uses (its tables come
    from the disk cache): building a second LALR parser of the grammar cost 1.4 s per process."""
    from dsl.vocabulary import grammar_parser

    parser = grammar_parser()
    rules: dict[str, list[tuple[tuple[str, bool], ...]]] = {}
    for rule in parser.rules:
        expansion = tuple((s.name, s.is_term) for s in rule.expansion)
        rules.setdefault(rule.origin.name, []).append(expansion)
    height = _heights(rules)
    terminals = {t.name: t.pattern for t in parser.terminals}
    return rules, height, terminals


def _heights(rules: dict) -> dict[str, int]:
    """The least number of levels each nonterminal needs to reach terminals only (a fixpoint)."""
    height: dict[str, int] = {}
    changed = True
    while changed:
        changed = False
        for origin, expansions in rules.items():
            for expansion in expansions:
                parts = [0 if term else height.get(name) for name, term in expansion]
                if all(h is not None for h in parts):
                    h = 1 + max((x for x in parts if x is not None), default=0)
                    if h < height.get(origin, 10**9):
                        height[origin], changed = h, True
    return height


def derived_policy(rng: random.Random, max_depth: int = 14, max_tokens: int = 400) -> str:
    """A random derivation of grammar/beleid.lark from `start`, words joined by spaces: beyond
    `max_depth` levels (or `max_tokens` words) only the shortest expansions are taken."""
    rules, height, terminals = _grammar()
    out: list[str] = []
    stack: list[tuple[str, bool, int]] = [("start", False, 0)]
    while stack:
        name, is_term, depth = stack.pop()
        if is_term:
            out.append(_terminal_text(name, terminals[name], rng))
            continue
        options = rules[name]
        if depth > max_depth or len(out) > max_tokens:
            least = min(_expansion_height(e, height) for e in options)
            options = [e for e in options if _expansion_height(e, height) == least]
        expansion = rng.choice(options)
        stack.extend((n, t, depth + 1) for n, t in reversed(expansion))
    return " ".join(out) + "\n"


def _expansion_height(expansion, height) -> int:
    return max((0 if term else height.get(name, 10**9) for name, term in expansion), default=0)


def _terminal_text(name: str, pattern, rng: random.Random) -> str:
    if name in _TERMINAL_SAMPLES:
        return rng.choice(_TERMINAL_SAMPLES[name])
    if pattern.type == "str":
        return pattern.value
    return _sample_regex(pattern.value, rng)


def _sample_regex(regex: str, rng: random.Random) -> str:
    """A text a keyword pattern of the grammar matches: `(?i:(van\\s+toepassing\\s+als|alleen\\s+als)\\b)`
    gives "van toepassing als" or "alleen als" (the patterns are alternatives of words and spaces).

    >>> _sample_regex(r"(?i:(eerste\\s+treffer|uniek)\\b)", random.Random(1))
    'eerste treffer'
    """
    text = regex[4:-1] if regex.startswith("(?i:") else regex
    text = text.replace("\\b", "").replace("\\/", "/")
    group = re.compile(r"\(([^()]*)\)")
    while True:
        match = group.search(text)
        if not match:
            break
        text = text[:match.start()] + rng.choice(match.group(1).split("|")) + text[match.end():]
    return text.replace("\\s+", " ").replace("\\s*", " ")
