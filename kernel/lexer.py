"""Pygments lexer for Beleidstaal, registered as the `pygments.lexers` entry point `beleid`.

Contract: `BeleidLexer` colours keywords and phrases of `grammar/beleid.lark`
(case-insensitive, multi-word phrases as one token), strings, money, percentages, dates,
numbers, durations, comments and the notebook commands (laad, casus, evalueer, voorbeelden,
toon). It is what nbconvert's HTML export and `toon` use; the kernel's `language_info`
names it (`pygments_lexer: "beleid"`).
"""

from __future__ import annotations

import re

from pygments.lexer import RegexLexer, words
from pygments.token import Comment, Keyword, Name, Number, Operator, Punctuation, String, Text

_PHRASES = (r"ten\s*minste", r"ten\s*hoogste", r"met\s+uitzondering\s+van", r"van\s+toepassing\s+als",
            r"tot\s+en\s+met", r"keuze\s+uit", r"lijst\s+van", r"(een|één|geen|elk|elke)\s+van",
            r"voldoet(\s+niet)?\s+aan", r"(groter|kleiner)\s+dan(\s+of\s+gelijk\s+aan)?",
            r"(niet\s+)?gelijk\s+aan", r"(meer|minder|langer|korter|later|eerder)\s+dan",
            r"eerste\s+treffer", r"niet\s+voldaan", r"niet\s+gehaald", r"nog\s+niet\s+verstreken",
            r"niet\s+van\s+toepassing", r"(som|aantal|minimum|maximum|gemiddelde)\s+van",
            r"valt\s+op")
SECTIONS = ("beleid", "gegevens", "eisen", "eis", "berekening", "beslissing", "termijn", "voorbeeld",
            "gegeven", "verwacht")
KEYWORDS = ("verzekeraar", "zorgsoort", "geldig", "bron", "toelichting", "vereist", "tenzij", "als", "dan",
            "anders", "is", "zijn", "en", "of", "niet", "ligt", "liggen", "tussen", "van", "tot", "in",
            "duur", "uiterlijk", "voor", "vóór", "na", "op", "binnen", "dag", "uur", "peildatum", "uniek",
            "vanaf", "onbekend", "voldaan", "gehaald")
TYPES = ("bedrag", "percentage", "aantal", "getal", "ja/nee", "datum", "tijdstip", "tekst")
UNITS = ("kalendermaanden", "kalendermaand", "werkdagen", "werkdag", "dagen", "weken", "week", "maanden",
         "maand", "jaren", "jaar", "uren", "minuten", "minuut", "seconden", "seconde")
MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
          "oktober", "november", "december")
WEEKDAYS = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
COMMANDS = ("laad", "casus", "evalueer", "voorbeelden", "toon")


class BeleidLexer(RegexLexer):
    name = "Beleidstaal"
    aliases = ["beleid", "beleidstaal"]
    filenames = ["*.beleid"]
    mimetypes = ["text/x-beleidstaal"]
    flags = re.IGNORECASE | re.UNICODE | re.MULTILINE

    tokens = {
        "root": [
            (r"#[^\n]*", Comment.Single),
            (r"%%?python\b[^\n]*", Comment.Preproc),
            (r'"([^"\\\n]|\\.)*"', String.Double),
            (r"€\s*-?[0-9][0-9.]*(,[0-9]+|,-)?", Number.Float),
            (r"[0-9][0-9.]*(,[0-9]+)?\s*%", Number.Float),
            (r"[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{1,2}-[0-9]{1,2}-[0-9]{4}", Number.Integer),
            (r"[0-9]{1,2}[:.][0-9]{2}", Number.Integer),
            (r"[0-9][0-9.]*(,[0-9]+)?", Number),
            (r"(" + "|".join(_PHRASES) + r")\b", Keyword),
            (words(COMMANDS, prefix=r"^", suffix=r"\b"), Keyword.Pseudo),
            (words(SECTIONS, suffix=r"\b"), Keyword.Declaration),
            (words(TYPES, suffix=r"\b"), Keyword.Type),
            (words(UNITS + MONTHS + WEEKDAYS, suffix=r"\b"), Name.Constant),
            (words(("ja", "nee"), suffix=r"\b"), Keyword.Constant),
            (words(KEYWORDS, suffix=r"\b"), Keyword),
            (r"[^\W\d]\w*", Name),
            (r"[+\-*/=]", Operator),
            (r"[():;,\[\]{}]", Punctuation),
            (r"\s+", Text),
            (r".", Text),
        ],
    }
