"""Hints for typical slips of a policy author, in the author's terms: a number written the English
way, a unit the language does not know, a synonym of a keyword, an invisible character.

Contract: pure functions from the text (and the place of a syntax error) to a Dutch message or hint,
or None when the slip is not recognised; `dsl.parser.syntax_errors` asks them before it falls back
to "onverwacht ... hier". None of them raises.
"""

from __future__ import annotations

import difflib
import re
import unicodedata

from dsl.literals import NUMBER_WORDS
from dsl.parser.limits import describe_character
from dsl.types import UNIT_ALIASES, UNITS

# Words an author uses for a comparison the language writes otherwise.
SYNONYMS = {
    "minimaal": "ten minste", "minimum": "ten minste", "min": "ten minste", "minstens": "ten minste",
    "maximaal": "ten hoogste", "maximum": "ten hoogste", "max": "ten hoogste", "hoogstens": "ten hoogste",
    "hooguit": "ten hoogste",
}

# Periods the language has no unit for, and what to write instead.
_PERIODS = {
    "werkweek": "5 werkdagen of 1 week", "werkweken": "werkdagen (5 per werkweek) of weken",
    "kwartaal": "3 maanden", "kwartalen": "maanden (3 per kwartaal)",
    "halfjaar": "6 maanden", "semester": "6 maanden", "trimester": "3 maanden",
    "etmaal": "1 dag of 24 uur", "etmalen": "dagen of uren (24 per etmaal)",
    "eeuw": "100 jaar", "eeuwen": "jaren (100 per eeuw)", "decennium": "10 jaar", "decennia": "jaren (10 per decennium)",
    "kalenderdag": "dag", "kalenderdagen": "dagen", "werkdg": "werkdagen",
    "sec": "seconden", "min": "minuten", "mnd": "maanden", "wk": "weken", "jr": "jaren",
}
_UNIT_STEMS = ("dag", "week", "weken", "maand", "jaar", "jaren", "uur", "uren", "minu", "second")
_NUMBER_BEFORE = re.compile(
    r"(?:[0-9][0-9.]*(?:,[0-9]+)?|\b(?:" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r"))\s+$",
    re.IGNORECASE)


def unknown_unit(word: str, text_before: str) -> tuple[str, str] | None:
    """(message, hint) for a word after a number that looks like a unit but is none ("2 werkweken"),
    else None.

    >>> unknown_unit("werkweken", "binnen 2 ")
    ("onbekende eenheid 'werkweken'", 'bedoeld: werkdagen (5 per werkweek) of weken? (de eenheden zijn: dagen, \
weken, maanden, jaren, uren, minuten, seconden, werkdagen (enkelvoud mag ook))')
    >>> unknown_unit("wekken", "twee ")[1]
    'bedoeld: weken, werkdagen, week? (de eenheden zijn: dagen, weken, maanden, jaren, uren, minuten, seconden, \
werkdagen (enkelvoud mag ook))'
    >>> unknown_unit("weken", "2 ") is None, unknown_unit("foo", "2 ") is None, unknown_unit("wken", "x ") is None
    (True, True, True)
    """
    lowered = word.lower()
    if lowered in UNIT_ALIASES or not _NUMBER_BEFORE.search(text_before):
        return None
    close = _PERIODS.get(lowered) or ", ".join(difflib.get_close_matches(lowered, list(UNIT_ALIASES), n=3, cutoff=0.6))
    if not (close or any(stem in lowered for stem in _UNIT_STEMS)):
        return None
    units = f"de eenheden zijn: {', '.join(UNITS)} (enkelvoud mag ook)"
    return f"onbekende eenheid '{word}'", f"bedoeld: {close}? ({units})" if close else units


def synonym(word: str) -> str | None:
    """The keyword phrase for a word an author may use instead ("minimaal" -> "ten minste")."""
    return SYNONYMS.get(word.lower())


# A number with a comma between thousands ("2,500,000", "1,500.5"): the English way of writing it.
_ENGLISH = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?")
_NUMBER_CHARS = frozenset("0123456789.,")


_NUMBER_HINT = "schrijf {plural} op zijn Nederlands"   # how the hints on a number's notation begin


def is_number_hint(hint: str | None) -> bool:
    """Whether `hint` is one of `foreign_number`'s or `spaced_number`'s: it speaks only of how a
    number is written, so it fits wherever a number is (a policy, a casus cell)."""
    return hint is not None and hint.startswith(_NUMBER_HINTS)


_NUMBER_HINTS = tuple(_NUMBER_HINT.format(plural=plural) for plural in ("bedragen", "getallen"))


def foreign_number(text: str, pos: int) -> tuple[int, str, str] | None:
    """(position, message, hint) when the number around `pos` is written the English way
    (`1,500.5`, `€ 2,500,000`), else None. Dutch writes a dot between thousands and a decimal comma.

    >>> foreign_number("x is ten hoogste € 2,500,000", 24)
    (19, "'2,500,000' is geen Nederlandse schrijfwijze van een bedrag", 'schrijf bedragen op zijn \
Nederlands: € 2.500.000 (een punt tussen duizendtallen, een komma voor de decimalen)')
    >>> foreign_number("x is 1,500.5", 10)[1:]
    ("'1,500.5' is geen Nederlandse schrijfwijze van een getal", 'schrijf getallen op zijn Nederlands: 1.500,5 \
(een punt tussen duizendtallen, een komma voor de decimalen)')
    >>> foreign_number("x is 1.500,5", 10) is None
    True
    """
    start = end = min(max(pos, 0), len(text))
    while start > 0 and text[start - 1] in _NUMBER_CHARS:
        start -= 1
    while end < len(text) and text[end] in _NUMBER_CHARS:
        end += 1
    run = text[start:end].rstrip(".,")
    if not run or not _ENGLISH.fullmatch(run):
        return None
    dutch = run.translate(str.maketrans(",.", ".,"))
    money = text[max(0, start - 200):start].rstrip().endswith("€")
    (what, plural), example = (("bedrag", "bedragen"), f"€ {dutch}") if money else (("getal", "getallen"), dutch)
    return (start, f"'{run}' is geen Nederlandse schrijfwijze van een {what}",
            f"{_NUMBER_HINT.format(plural=plural)}: {example} (een punt tussen duizendtallen, een komma voor de decimalen)")


_SPACED = re.compile(r"(?<![0-9.,])[1-9][0-9]{0,2}(?: [0-9]{3})+(?:,[0-9]+)?(?![0-9])")


def spaced_number(text: str, pos: int) -> tuple[int, str, str] | None:
    """(position, message, hint) when the parser stopped inside a number whose thousands are
    separated by spaces (`€ 2 500 000`: three numbers to the parser), else None.

    >>> spaced_number("x is ten minste € 2 500 000 en", 20)
    (18, "'2 500 000' is geen Nederlandse schrijfwijze van een bedrag", 'schrijf bedragen op zijn \
Nederlands, met een punt tussen duizendtallen: € 2.500.000')
    >>> spaced_number("x is 12 345,5", 8)[1:]
    ("'12 345,5' is geen Nederlandse schrijfwijze van een getal", 'schrijf getallen op zijn Nederlands, met \
een punt tussen duizendtallen: 12.345,5')
    >>> spaced_number("ten minste 3 dagen", 13) is None
    True
    """
    line_start = text.rfind("\n", 0, pos) + 1
    line_end = text.find("\n", pos)
    for match in _SPACED.finditer(text, line_start, len(text) if line_end < 0 else line_end):
        if match.start() < pos < match.end():
            run = match.group()
            dutch = run.replace(" ", ".")
            money = text[max(0, match.start() - 200):match.start()].rstrip().endswith("€")
            (what, plural), example = (("bedrag", "bedragen"), f"€ {dutch}") if money else (("getal", "getallen"), dutch)
            return (match.start(), f"'{run}' is geen Nederlandse schrijfwijze van een {what}",
                    f"{_NUMBER_HINT.format(plural=plural)}, met een punt tussen duizendtallen: {example}")
    return None


def unexpected_character(text: str, pos: int) -> tuple[str, str] | None:
    """(message, hint) for an unexpected character that cannot be seen or looks like a plain space
    (a non-breaking space from a word processor, a zero-width space), else None."""
    char = text[pos] if 0 <= pos < len(text) else ""
    if not char or char == " " or unicodedata.category(char) not in ("Zs", "Zl", "Zp", "Cf", "Cc"):
        return None
    between_digits = 0 < pos < len(text) - 1 and text[pos - 1].isdigit() and text[pos + 1].isdigit()
    if between_digits:
        money = re.search(r"€\s*[0-9\s\u00a0\u202f\u2009.]*$", text[max(0, pos - 200):pos]) is not None
        hint = ("schrijf bedragen op zijn Nederlands, met een punt tussen duizendtallen: € 2.500.000" if money
                else "schrijf getallen met een punt tussen duizendtallen: 2.500.000")
    elif unicodedata.category(char).startswith("Z"):
        hint = "vervang hem door een gewone spatie (zo'n teken komt vaak mee bij kopiëren uit een tekstverwerker)"
    else:
        hint = "verwijder het (zo'n teken komt vaak mee bij kopiëren uit een tekstverwerker of webpagina)"
    return f"{describe_character(char)} hoort hier niet", hint
