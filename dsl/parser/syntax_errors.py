"""Syntax errors in the words of a policy author: what was expected, and typical mistakes.

Contract: `syntax_diagnostic(err, text, parse)` turns a Lark error into a `Diagnostic` with the
line, column, what fits there described in Dutch (the terminals the parser really accepts at that
point; the keywords that would start a new section are one entry), and — when the error fails the
same way as an example in `MISTAKES` (same unexpected token, same expected terminals) — that
example's label as a hint. At the end of the text no label is guessed. A slip recognised in the
author's terms gets its own message instead, at the place of the slip: a number written the English
way, an invisible character, an unknown unit, a synonym of a comparison (`dsl.parser.hints`), a
beslissing without rows or a group without eisen. `parse` is the Lark parse function, used once to
learn the signatures of the examples.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Callable

from lark import Token
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from dsl import ast
from dsl.errors import Diagnostic
from dsl.parser.hints import foreign_number, spaced_number, synonym, unexpected_character, unknown_unit

# Lark's parse function: text -> parse tree, or an `UnexpectedInput` exception.
ParseFunction = Callable[[str], object]
# How a syntax error fails: the unexpected token's type and the terminals that were expected.
_Signature = tuple[str, frozenset[str]]

# How the parser names what it expected, in the words of a policy author.
EXPECTED_WORDS = {
    "NAME": "een naam",
    "STRING": "een tekst tussen aanhalingstekens",
    "NUMBER": "een getal",
    "NUMBER_WORD": "een getal in woorden",
    "MONEY": "een bedrag (€ ...)",
    "PERCENT": "een percentage",
    "MONTH": "een maand (januari ... december)",
    "UNIT": "een tijdseenheid (dagen, weken, maanden, werkdagen, ...)",
    "SIMPLE_TYPE": "een type (bedrag, percentage, aantal, getal, ja/nee, datum, tijdstip, tekst)",
    "CMP_OP": "een vergelijking (ten hoogste, groter dan, ...)",
    "STATUS": "een uitkomst (voldaan, niet voldaan, gehaald, ...)",
    "HIT_POLICY": "'eerste treffer', 'uniek' of 'om het even'",
    "AGGREGATION": "'som', 'aantal', 'minimum' of 'maximum'",
    "VOORRANG": "'voorrang' met de volgorde van de uitkomsten",
    "ALLE": "'alle'",
    "IN_REGELVOLGORDE": "'in regelvolgorde'",
    "OP_VOLGORDE_VAN_VOORRANG": "'op volgorde van voorrang'",
    "VEREIST": "'vereist'",
    "COLON": "':'",
    "EQUAL": "'='",
    "COMMA": "','",
    "SEMICOLON": "';'",
    "LPAR": "'('",
    "RPAR": "')'",
    "LSQB": "'['",
    "RSQB": "']'",
    "PLUS": "'+'",
    "MINUS": "'-'",
    "TIMES": "'*'",
    "DIVIDE": "'/'",
    "DATE_NUM": "een datum",
    "AGGREGATE": "'som van', 'aantal van', 'minimum van', 'maximum van'",
    "ALL_OF": "'alle van (...)'",
    "ANY_OF": "'minstens een van (...)'",
    "ELK_VAN": "'elk van'",
    "DAT": "'dat' of 'die'",
    "BOOL": "ja of nee",
    "DAG": "'dag N van'",
    "VOLDOET_AAN": "'voldoet aan'",
    "VOLDOET_NIET_AAN": "'voldoet niet aan'",
    "VAN_TOEPASSING_ALS": "'van toepassing als'",
    "MET_UITZONDERING_VAN": "'met uitzondering van'",
    "TOT_EN_MET": "'tot en met'",
    "NIET_VOOR": "'niet voor'",
    "TIME": "een tijd (17:00)",
    "VALT_OP": "'valt op'",
    "WEEKDAY": "een dag van de week (maandag ... zondag)",
    "AFGEROND_OP": "'afgerond op'",
    "CENTEN": "'centen'",
    "HELE_EUROS": "'hele euro's'",
    "HELE_GETALLEN": "'hele getallen'",
    "DECIMALEN": "'decimalen'",
    "BOUND": "'voor de aanbieder' of 'voor de verzekeraar'",
    "OORDEEL_VAN": "'oordeel van'",
    "MAG_ALS": "'mag als'",
    "RECHT_VOOR_ALS": "'behoudt zich het recht voor als'",
    "YEAR_REL": "'van het lopende jaar' (of 'vorige', 'volgende')",
    "EINDE_WIJZIGING": "'einde wijziging'",
    "BEWUST_ONVOLLEDIG": "'bewust onvolledig'",
    "WAAR": "'waar' (het gebied van de bevinding)",
    "$END": "het einde van het bestand",
}
_NOT_SHOWN = {"PLUS", "MINUS", "TIMES", "DIVIDE", "LPAR", "RPAR", "COMMA", "SEMICOLON", "APOSTROF_S"}
# Words listed under another that stands for them: where `vereist` may stand, so may `verwacht` and
# `streeft naar` (a soft eis); where `bron` may, so may `voor de aanbieder` (who a rule binds) and
# `geldig ...` (its validity).
_FOLDED = {"VEREIST": frozenset({"VERWACHT", "STREEFT_NAAR"}), "BRON": frozenset({"BOUND", "GELDIG"})}


def describe_terminal(name: str) -> str:
    if name in EXPECTED_WORDS:
        return EXPECTED_WORDS[name]
    return "'" + name.lower().replace("_", " ") + "'"


# Typical mistakes, as (label, example fragments); `match_examples` finds the nearest label.
MISTAKES = {
    "Een eis heeft 'vereist' (of ':') vóór de voorwaarde nodig.": [
        'beleid "x" eisen g "G" eis a "A" x is 1',
        'beleid "x" eisen g "G" eis a "A" bron "b" x is 1',
    ],
    "Een eis, eisengroep, beslissing of termijn heeft een naam en een titel tussen aanhalingstekens nodig.": [
        'beleid "x" eisen "G" eis',
        'beleid "x" eisen g eis',
        'beleid "x" eisen g "G" eis "A"',
        'beleid "x" eisen g "G" eis a vereist',
        'beleid "x" beslissing "B"',
        'beleid "x" termijn "T"',
    ],
    "Een eis hoort in een groep: begin met 'eisen <naam> \"<titel>\"'.": [
        'beleid "x" eis a "A" vereist x is 1',
    ],
    "Na 'is' volgt een vergelijking en een waarde, bijvoorbeeld 'is ten minste 1'.": [
        'beleid "x" eisen g "G" eis a "A" vereist x is )',
        'beleid "x" eisen g "G" eis a "A" vereist x is ten minste )',
    ],
    "Een beslissing bestaat uit regels 'als <voorwaarde> dan <uitkomst>'.": [
        'beleid "x" beslissing b "B" als x is 1 "y"',
        'beleid "x" beslissing b "B" als x is groter dan € 1 "y"',
        'beleid "x" beslissing b "B" als x is ten minste 1 "y"',
        'beleid "x" beslissing b "B" anders',
    ],
    "Na 'voorrang' volgt de volgorde van de uitkomsten, de belangrijkste eerst: (voorrang \"hoog\", \"laag\").": [
        'beleid "x" beslissing b "B" (voorrang)',
        'beleid "x" beslissing b "B" (alle, op volgorde van voorrang)',
    ],
    "Een gegeven heeft de vorm 'naam : type \"omschrijving\"'.": [
        'beleid "x" gegevens a bedrag',
        'beleid "x" gegevens a : b',
    ],
    "Een tekst moet op dezelfde regel eindigen met een aanhalingsteken (\").": [],
}


def syntax_diagnostic(err: UnexpectedInput, text: str, parse: ParseFunction) -> Diagnostic:
    line, column = getattr(err, "line", 0) or 0, getattr(err, "column", 0) or 0
    if isinstance(err, UnexpectedEOF) or line <= 0:
        lines = text.splitlines() or [""]
        line, column = len(lines), len(lines[-1]) + 1
    span = ast.Span(line, column, line, column)
    pos = _position(err, text)
    if (specific := _specific(err, text, pos)) is not None:
        return specific
    words = expected_words(err)
    label = label_of(err, parse)
    if isinstance(err, UnexpectedCharacters):
        char = text[pos] if 0 <= pos < len(text) else ""
        if char == '"':
            message = "deze tekst is niet afgesloten: het aanhalingsteken (\") aan het eind ontbreekt"
            return Diagnostic("syntax", message, span)
        message = f"onverwacht teken '{char}'"
        if char in "<>!≥≤":
            return Diagnostic("syntax", message, span, hint="vergelijk in woorden: 'is groter dan', 'is kleiner "
                              "dan', 'is ten minste', 'is ten hoogste', 'is niet'", expected=words[:12])
    elif isinstance(err, UnexpectedToken) and err.token.type != "$END":
        message = f"onverwacht '{err.token}' hier"
        if err.token.type == "NAME" and err.token.value.lower() in _KEYWORDS_AS_NAMES:
            message += f" ('{err.token}' is een sleutelwoord)"
    else:
        message = "het bestand houdt hier onverwacht op"
    hint = keyword_hint(err, text) or label
    return Diagnostic("syntax", message, span, hint=hint, expected=words[:12])


def _position(err: UnexpectedInput, text: str) -> int:
    """Where in the text the error is: the offending character or token (the end for end of file)."""
    if isinstance(err, UnexpectedToken) and err.token.type != "$END" and err.token.start_pos is not None:
        return err.token.start_pos
    pos = getattr(err, "pos_in_stream", None)
    return pos if isinstance(pos, int) and pos >= 0 else len(text)


def _specific(err: UnexpectedInput, text: str, pos: int) -> Diagnostic | None:
    """A message for a slip recognised in the author's terms (a number written the English way, an
    invisible character, an unknown unit, a beslissing without rows), or None."""
    if (number := foreign_number(text, pos) or spaced_number(text, pos)) is not None:
        start, message, hint = number
        return Diagnostic("syntax", message, _span_at(text, start), hint)
    if isinstance(err, UnexpectedCharacters) and (character := unexpected_character(text, pos)) is not None:
        return Diagnostic("syntax", character[0], _span_at(text, pos), character[1])
    if isinstance(err, UnexpectedToken) and err.token.type == "NAME" and not _near_keyword(str(err.token)):
        unit = unknown_unit(str(err.token), text[max(0, pos - _LOOK_BACK):pos])
        if unit is not None:
            return Diagnostic("syntax", unit[0], _span_at(text, pos, len(str(err.token))), unit[1])
    if (inner := _INNER_DURING(text[max(0, pos - _LOOK_BACK):pos])) is not None:
        start = max(0, pos - _LOOK_BACK) + inner.start(2)
        return Diagnostic("syntax", f"'gedurende de periode van ...:' staat hier na '{inner.group(1).lower()}'",
                          _span_at(text, start, len("gedurende")),
                          "alles na de dubbele punt is de voorwaarde die elke dag geldt; binnen 'en', 'of' of "
                          "'niet' staat het tussen haakjes: '(gedurende de periode van A tot en met B: ...)'")
    if isinstance(err, UnexpectedToken) and (word := _synonym_at(err, text, pos)) is not None:
        start, written, phrase = word
        return Diagnostic("syntax", f"'{written}' is geen sleutelwoord", _span_at(text, start, len(written)),
                          f"bedoelde u '{phrase}'?")
    return _empty_construct(err, text)


def _synonym_at(err: UnexpectedToken, text: str, pos: int) -> tuple[int, str, str] | None:
    """(position, word, phrase) when the unexpected word, or the word just before it, is a synonym of
    a keyword phrase right after 'is' ("is minimaal € 2.500.000": 'minimaal' for 'ten minste')."""
    start = max(0, pos - _LOOK_BACK)
    window = text[start:pos]
    if err.token.type == "NAME" and (phrase := synonym(str(err.token))) and _AFTER_IS.search(window):
        return pos, str(err.token), phrase
    before = _WORD_BEFORE.search(window)
    if before and (phrase := synonym(before.group(1))) and _AFTER_IS.search(window[:before.start(1)]):
        return start + before.start(1), before.group(1), phrase
    return None


# `a en gedurende de periode van ...: b`: `gedurende` starts a whole condition, so after en/of/niet the
# parser takes it for a name and stops at "de periode van" (the text before the error ends there)
_INNER_DURING = re.compile(r"\b(en|of|niet)\s+(gedurende)\s+$", re.IGNORECASE).search
_AFTER_IS = re.compile(r"\b(is|zijn)\s+$", re.IGNORECASE)
_LOOK_BACK = 200   # characters before an error that the hints read (a regex anchored at the end)


def _span_at(text: str, pos: int, width: int = 1) -> ast.Span:
    line = text.count("\n", 0, pos) + 1
    column = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return ast.Span(line, column, line, column + max(width, 1) - 1)


# A construct that needs at least one item: its keyword, the item's keyword and rule, and what to say.
_NEEDS_ITEMS = {
    "BESLISSING": ("ALS", "row", "deze beslissing heeft geen regels",
                   "schrijf na de titel regels 'als <voorwaarde> dan <uitkomst>', eventueel gevolgd door "
                   "'anders <uitkomst>'"),
    "EISEN": ("EIS", "eis", "deze groep heeft geen eisen",
              "schrijf na de titel eisen: 'eis <naam> \"<titel>\" vereist <voorwaarde>'"),
}


def _empty_construct(err: UnexpectedInput, text: str) -> Diagnostic | None:
    """A beslissing without rows or a group without eisen, reported at its keyword (the parser only
    notices at the next construct, often lines further)."""
    parser = getattr(err, "interactive_parser", None)
    if parser is None:
        return None
    stack = parser.parser_state.value_stack
    for i in range(len(stack) - 1, -1, -1):
        item = stack[i]
        if not isinstance(item, Token) or item.type not in _NEEDS_ITEMS:
            continue
        needed, rule, message, hint = _NEEDS_ITEMS[item.type]
        started = any(getattr(later, "data", None) == rule or getattr(later, "type", None) == needed
                      for later in stack[i + 1:])
        if started or needed not in _accepted(err) or item.start_pos is None:
            return None
        return Diagnostic("syntax", message, _span_at(text, item.start_pos, len(str(item))), hint)
    return None


# The keywords that start a section (and the end of the text): after a complete construct each of
# them fits, so a list of them says nothing about the construct at hand; they are one entry.
_SECTION_STARTS = frozenset({"GEGEVENS", "EISEN", "BEREKENING", "BESLISSING", "TERMIJN", "BEVOEGDHEID", "VOORBEELD",
                             "WIJZIGING", "AANNAME", "NETWERKEIS", "VOORKEUR", "$END"})
NEW_SECTION = "een nieuw onderdeel (gegevens, eisen, berekening, beslissing, termijn, bevoegdheid, voorbeeld)"


def expected_words(err: UnexpectedInput) -> tuple[str, ...]:
    """What fits at the error, in words: the terminals the parser accepts there (each tried on a copy
    of the parser, so no terminal is listed that would fail one step later); the keywords that start
    a new section are one entry, at the end."""
    accepted = _accepted(err)
    folded = frozenset().union(*(variants for word, variants in _FOLDED.items() if word in accepted))
    if accepted & _SECTION_STARTS - {"$END"}:   # `bekend` starts a section where the others do (else: `is bekend`)
        folded |= {"BEKEND"}
    words = [describe_terminal(t) for t in sorted(accepted - _SECTION_STARTS - folded) if t not in _NOT_SHOWN]
    if accepted & _SECTION_STARTS:
        words.append(NEW_SECTION if accepted - {"$END"} & _SECTION_STARTS else describe_terminal("$END"))
    return tuple(dict.fromkeys(words))


def _accepted(err: UnexpectedInput) -> frozenset[str]:
    parser = getattr(err, "interactive_parser", None)
    if parser is not None:
        return frozenset(parser.accepts())
    return frozenset(getattr(err, "expected", None) or getattr(err, "allowed", None) or ())


# Words an author types where the parser expected a keyword, for "bedoelde u ...?" hints.
_VOCABULARY = (
    "beleid", "gegevens", "eisen", "eis", "berekening", "beslissing", "termijn", "voorbeeld", "gegeven",
    "verwacht", "vereist", "tenzij", "bron", "toelichting", "anders", "uiterlijk", "binnen", "tussen",
    "peildatum", "verzekeraar", "zorgsoort", "geldig", "dagen", "weken", "maanden", "werkdagen", "jaren",
    "uren", "minuten", "seconden", "kalendermaanden", "januari", "februari", "maart", "april", "augustus",
    "september", "oktober", "november", "december", "maandag", "dinsdag", "woensdag", "donderdag",
    "vrijdag", "zaterdag", "zondag", "bedrag", "percentage", "aantal", "getal", "datum", "tijdstip", "tekst",
)
# The first word of a phrase, misspelt, suggests the whole phrase.
_PHRASE_HEADS = {
    "groter": "groter dan", "kleiner": "kleiner dan", "minder": "minder dan", "langer": "langer dan",
    "korter": "korter dan", "eerder": "eerder dan", "gelijk": "gelijk aan", "hoogste": "ten hoogste",
    "uitzondering": "met uitzondering van", "toepassing": "van toepassing als", "treffer": "eerste treffer",
}
_UNIT_WORDS = dict.fromkeys(("eur", "euro", "euros"), "schrijf een bedrag met het euroteken, zoals € 750.000")
_UNIT_WORDS.update(dict.fromkeys(("procent", "pct"), "schrijf een percentage met een %-teken, zoals 33%"))
_WORD_BEFORE = re.compile(r"([A-Za-z_\u00C0-\u024F][\w\u00C0-\u024F]*)\s*$")


def keyword_hint(err: UnexpectedInput, text: str) -> str | None:
    """A hint for a misspelt keyword: the unexpected word itself, or the word just before it,
    is close to a keyword ("eisn" -> "eisen", "grotter dan" -> "groter dan", "weeken" -> "weken");
    an eis outside a group; a bedrag written with EUR or a percentage with 'procent'."""
    if not isinstance(err, UnexpectedToken) or err.token.type == "$END":
        return None
    token = str(err.token)
    if err.token.type == "NAME":
        if unit := _UNIT_WORDS.get(token.lower()):
            return unit
        if near := _near_keyword(token):
            return f"'{token}' is geen sleutelwoord; bedoelde u '{near}'?"
    before = _WORD_BEFORE.search(text[:err.token.start_pos] if err.token.start_pos is not None else "")
    if before:
        word = before.group(1)
        if unit := _UNIT_WORDS.get(word.lower()):
            return unit
        if word.lower() == "eis" and set(err.expected) <= {"COLON"}:
            return "Een eis hoort in een groep: begin met 'eisen <naam> \"<titel>\"'."
        if near := _near_keyword(word):
            return f"'{word}' is geen sleutelwoord; bedoelde u '{near}'?"
    return None


def _near_keyword(word: str) -> str | None:
    lowered = word.lower()
    if lowered in _VOCABULARY or lowered in _PHRASE_HEADS or len(lowered) < 3:
        return None
    match = difflib.get_close_matches(lowered, list(_VOCABULARY) + list(_PHRASE_HEADS), n=1, cutoff=0.8)
    if not match:
        return None
    return _PHRASE_HEADS.get(match[0], match[0])


def label_of(err: UnexpectedInput, parse: ParseFunction) -> str | None:
    """The label of the typical mistake whose example fails the same way (same token type,
    same expected terminals), or None."""
    if not isinstance(err, UnexpectedToken) or err.token.type == "$END":
        return None  # at the end of the text many constructs stop at the same place: no guess
    key = (err.token.type, frozenset(err.expected))
    return _mistake_signatures(parse).get(key)


@functools.lru_cache(maxsize=1)
def _mistake_signatures(parse: ParseFunction) -> dict[_Signature, str]:
    signatures: dict[_Signature, str] = {}
    for label, examples in MISTAKES.items():
        for example in examples:
            try:
                parse(example)
            except UnexpectedToken as err:
                signatures.setdefault((err.token.type, frozenset(err.expected)), label)
            except UnexpectedInput:
                pass
    return signatures


_KEYWORDS_AS_NAMES = {"eis", "eisen", "dan", "als", "is", "van", "en", "of", "niet"}
