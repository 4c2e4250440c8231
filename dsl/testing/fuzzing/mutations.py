"""Slices of the shipped policies with one to three edits: tokens deleted, duplicated or swapped,
noise inserted, numbers, units and keywords swapped for extreme or foreign ones, deep nesting."""

from __future__ import annotations

import functools
import random
import re
from collections.abc import Callable

from dsl.testing.fuzzing.records import POLICIES, FuzzInput

# ---------------------------------------------------------------- mutations of the shipped policies
_TOKEN = re.compile(r'ja/nee|"(?:[^"\\\n]|\\.)*"|€\s*-?[0-9][0-9.,]*-?|[0-9][0-9.,:%]*|[^\W\d]\w*|#[^\n]*|\s+|.', re.S)
_SECTION = re.compile(r"^(beleid|gegevens|eisen|berekening|beslissing|termijn|voorbeeld)\b", re.I)
_WORD = re.compile(r"[^\W\d]\w*")


@functools.cache
def _shipped() -> tuple[tuple[str, str], ...]:
    """The shipped policies: (name, text)."""
    return tuple((p.stem, p.read_text(encoding="utf-8")) for p in sorted(POLICIES.glob("*.beleid")))


@functools.cache
def _sections(name: str) -> tuple[str, dict[str, str], list[tuple[str, frozenset, frozenset]]]:
    """A shipped policy cut at its top-level keywords: the header, its gegevens lines by name, and
    per other section (text, names it defines, words it uses)."""
    text = dict(_shipped())[name]
    blocks: list[list[str]] = [[]]
    for line in text.splitlines():
        if _SECTION.match(line):
            blocks.append([])
        blocks[-1].append(line)
    header, fields, sections = "", {}, []
    for block in blocks[1:]:
        body = "\n".join(block)
        first = block[0].split()[0].lower()
        if first == "beleid":
            header = body
        elif first == "gegevens":
            for line in block[1:]:
                found = re.match(r"\s*([^\W\d]\w*)\s*:", line)
                if found:
                    fields[found.group(1)] = line
        else:
            defined = frozenset(re.findall(r"^\s*(?:eisen|eis|berekening|beslissing|termijn)\s+(\w+)", body, re.M | re.I))
            sections.append((body, defined, frozenset(_WORD.findall(body))))
    return header, fields, sections


def policy_slice(name: str, rng: random.Random) -> str:
    """A shipped policy cut down: its header, one to three rule sections plus the sections
    they use (transitively), the gegevens those read and, half of the time, the voorbeelden
    that only name what is kept."""
    header, fields, sections = _sections(name)
    rules = [s for s in sections if s[1]]
    chosen = {id(s): s for s in rng.sample(rules, min(len(rules), rng.randint(1, 3)))}
    grew = True
    while grew:
        used = set().union(*(s[2] for s in chosen.values()))
        extra = [s for s in rules if id(s) not in chosen and s[1] & used]
        grew = bool(extra)
        chosen.update((id(s), s) for s in extra)
    used = set().union(*(s[2] for s in chosen.values()))
    defined = set().union(*(s[1] for s in chosen.values()))
    kept = [line for field, line in fields.items() if field in used]
    examples = []
    if rng.random() < 0.5:
        known = defined | set(fields) | {"gegeven", "verwacht", "voorbeeld", "peildatum"}
        examples = [s[0] for s in sections if not s[1] and _example_names(s[0]) <= known][:3]
        kept = [line for field, line in fields.items() if field in used or any(field in e for e in examples)]
    ordered = [s[0] for s in sections if id(s) in chosen]
    return "\n".join([header, "gegevens", *kept, *ordered, *examples]) + "\n"


def _example_names(text: str) -> set[str]:
    return set(re.findall(r"(\w+)\s*=", text))


def mutated_policy(rng: random.Random, key: str) -> FuzzInput:
    """A slice of a shipped policy (one in two hundred: the whole policy), mutated (half of the
    time gently: see `mutate`)."""
    name, text = rng.choice(_shipped())
    whole = rng.random() < 0.005
    source = text if whole else policy_slice(name, rng)
    gentle = rng.random() < 0.5
    return FuzzInput(mutate(source, rng, gentle), f"mutation: {name} ({'geheel' if whole else 'deel'})", key)


# Values that still read (extremes), and foreign or broken ones, per kind of token.
_VALID = {"€": ["€ 0", "€ 0,01", "€ 5,-", "€ 250.000,01", "€ 100.000.000.000.000.000.000.000.000"],
          "%": ["0%", "100%", "1.000%", "0,001%", "33,333%"],
          "0": ["0", "1", "99999999999999999999999999", "0,0001", "1.000.000"],
          "-": ["9999-12-31", "0001-01-01", "2150-01-01", "1966-01-01", "2024-02-29"],
          "jaar": ["0001", "1966", "2100", "2150", "9999"], "dag": ["1", "28", "29", "31"]}
_FOREIGN = {"€": ["€ -250.000", "€ 2,500,000", "€ 2\u00a0500\u00a0000", "€ 0,001", "2.500.000", "€ 1.5"],
            "%": ["0,41", "-5%", "1,5.5%", "33 %%"],
            "0": ["-1", "1,500.5", "1.5", "1e3", "\u0661\u0662", "00,5", "2.50"],
            "-": ["31-02-2023", "2024-13-01", "31-12-99999", "0000-01-01"],
            "jaar": ["1", "0", "10000", "99999999999999999999"], "dag": ["0", "32", "1.000.000"]}
_UNITS = ["dagen", "werkdagen", "maanden", "uur", "seconden", "jaren", "weken", "kalendermaand"]
_FOREIGN_UNITS = ["werkweken", "eeuwen", "dgn", "kwartaal"]
_KEYWORDS = ["is", "ligt", "en", "of", "niet", "voor", "na", "van", "tot en met", "dan", "als", "anders", "vereist",
             "tenzij", "minimaal", "maximaal", "ten minste", "ten hoogste", "uiterlijk", "binnen", "afgerond op"]
_NOISE = ["\x00", "\u00a0", "\x0c", "\u202e", "\t", "\r", "\ufeff", "€", "%", "(", ")", '"', ";", ",", "ë", "ß", "漢",
          "\U0001f600", "\\", "#", ":", "=", "[", "]"]


def mutate(text: str, rng: random.Random, gentle: bool = False) -> str:
    """One to three random edits of a policy text at the level of its tokens (see the module
    docs); `gentle` edits only swap values for extreme ones that still read, or nest an operand
    within the depth limit, so that the text mostly still compiles."""
    tokens = _TOKEN.findall(text)
    for _ in range(rng.choices((1, 2, 3), (6, 3, 1))[0]):
        rng.choice(_GENTLE if gentle else _MUTATIONS)(tokens, rng)
    return "".join(tokens)


def _solid(tokens: list[str], rng: random.Random, pattern: str | None = None) -> int | None:
    """The index of a random token that is not white space (and matches `pattern`), or None."""
    places = [i for i, t in enumerate(tokens) if not t.isspace() and (pattern is None or re.fullmatch(pattern, t))]
    return rng.choice(places) if places else None


def _delete(tokens, rng):
    i = _solid(tokens, rng)
    if i is not None:
        tokens[i] = ""


def _duplicate(tokens, rng):
    i = _solid(tokens, rng)
    if i is not None:
        tokens[i] = tokens[i] + " " + tokens[i]


def _swap(tokens, rng):
    i, j = _solid(tokens, rng), _solid(tokens, rng)
    if i is not None and j is not None:
        tokens[i], tokens[j] = tokens[j], tokens[i]


def _noise(tokens, rng):
    i = rng.randrange(len(tokens) + 1)
    tokens.insert(i, "".join(rng.choice(_NOISE) for _ in range(rng.randint(1, 3))))


def _number_swap(tokens, rng, valid: float = 0.75):
    """An amount, percentage, date or number swapped for an extreme one (with chance `valid`) or
    a foreign or broken one; the day or year of a written date ("1 januari 2024") for another."""
    i = _solid(tokens, rng, r"€.*|[0-9].*")
    if i is None:
        return
    token = tokens[i]
    kind = "€" if token.startswith("€") else "%" if token.endswith("%") else "-" if "-" in token else "0"
    if _neighbour(tokens, i, -1) in _MONTHS:
        kind = "jaar"
    elif _neighbour(tokens, i, 1) in _MONTHS:
        kind = "dag"
    tokens[i] = rng.choice((_VALID if rng.random() < valid else _FOREIGN)[kind])


_MONTHS = frozenset(["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
                     "oktober", "november", "december"])


def _neighbour(tokens: list[str], i: int, step: int) -> str:
    """The nearest token before (step -1) or after (step 1) token i that is not white space."""
    j = i + step
    while 0 <= j < len(tokens) and tokens[j].isspace():
        j += step
    return tokens[j].lower() if 0 <= j < len(tokens) else ""


def _unit_swap(tokens, rng, valid: float = 0.75):
    words = "dagen|dag|weken|week|maanden|maand|jaren|jaar|werkdagen|werkdag|uren|uur|minuten|seconden|kalendermaand"
    i = _solid(tokens, rng, words)
    if i is not None:
        tokens[i] = rng.choice(_UNITS if rng.random() < valid else _FOREIGN_UNITS)


def _keyword_swap(tokens, rng):
    i = _solid(tokens, rng, "|".join(w for w in _KEYWORDS if " " not in w))
    if i is not None:
        tokens[i] = rng.choice(_KEYWORDS)


def _nest(tokens, rng, levels=(2, 50, 99, 100, 101, 150, 300, 1000), operands_only=False):
    """Wrap an operand (a name, a number or an amount) in many levels: brackets with a sum,
    'niet', or plain brackets, around the depth limit (`dsl.parser.limits.MAX_DEPTH`); with
    `operands_only`, only a token that follows a word that an operand follows ("is", "dan", "+")."""
    i = _solid(tokens, rng, r"[^\W\d]\w*_\w*|[0-9].*|€.*")   # a name (they have an underscore), a number
    if operands_only and i is not None and _neighbour(tokens, i, -1) not in _BEFORE_OPERANDS:
        return
    if i is None:
        return
    n = rng.choice(levels)
    word = tokens[i]
    tokens[i] = rng.choice([
        "(" * n + word + ")" * n,
        f"({word} + " * n + word + ")" * n,
        "niet " * n + word,
        " en ".join([word] * n),
    ])


def _line_edit(tokens, rng):
    text = "".join(tokens)
    lines = text.split("\n")
    i = rng.randrange(len(lines))
    action = rng.choice(["delete", "duplicate", "indent", "truncate"])
    if action == "delete":
        del lines[i]
    elif action == "duplicate":
        lines.insert(i, lines[i])
    elif action == "indent":
        lines[i] = " " * rng.choice([1, 8, 200]) + lines[i]
    else:
        lines[i] = lines[i][:rng.randrange(len(lines[i]) + 1)]
    tokens[:] = _TOKEN.findall("\n".join(lines))


# Value swaps (mostly to values that still read) come up most, so that about half of the mutated
# texts still compile and reach evaluation with extreme thresholds and durations.
_MUTATIONS: tuple[Callable[[list[str], random.Random], None], ...] = (_delete, _duplicate, _swap, _noise, _keyword_swap, _nest, _line_edit,
              _number_swap, _number_swap, _number_swap, _number_swap, _unit_swap, _unit_swap, _unit_swap)
_GENTLE: tuple[Callable[[list[str], random.Random], None], ...] = (
    functools.partial(_number_swap, valid=1), functools.partial(_number_swap, valid=1),
           functools.partial(_unit_swap, valid=1), functools.partial(_nest, levels=(2, 10, 40), operands_only=True))
_BEFORE_OPERANDS = frozenset(["is", "dan", "vereist", "+", "-", "*", "/", "tussen", "als", "anders", "en", "of"])
