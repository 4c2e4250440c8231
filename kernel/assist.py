"""Editor help for Beleidstaal cells: completion, inspection (Shift-Tab) and is_complete.

Contract: pure functions over a cell's text, a cursor position and the session's current
policy; the kernel turns their results into protocol replies. `complete` offers keywords and
phrases, the notebook commands, every gegeven and rule name of the session's policy, and inside
`laad "..."` / `verschil "..."` / `casus "..."` / `casussen "..."` the policy, case or table files
nearby; after `controleer`, `verschil` and `evalueer` their option words (`snel`, `vorige`, `alle`). `inspect`
describes the word at the cursor: a gegeven's type and label, a rule's kind, title, type, source and its text as
written, with the cell or file and line it was written in; a keyword's meaning. `is_complete`
says "incomplete" while a cell visibly goes on (an open string or `{`, a trailing `vereist`,
`en`, `,` ... or a parse that stops at the end), "invalid" for other syntax errors, else
"complete".
"""

from __future__ import annotations

import re
from pathlib import Path

from dsl.core.model import Requirement, RuleKind
from dsl.errors import BeleidError
from dsl.parser import parse
from dsl.vocabulary import vocabulary
from kernel.cells import COMMANDS, SECTIONS, split_cell

_VOCABULARY = vocabulary()
# Completion candidates from the grammar: every keyword and phrase, and every way to write a type.
TYPES = _VOCABULARY.type_phrases
PHRASES = tuple(text for text in _VOCABULARY.texts if text not in _VOCABULARY.statements and text not in TYPES)
KEYWORD_HELP = {
    "laad": 'laad "pad.beleid" — laadt een beleidsbestand; het vervangt het beleid van deze sessie.',
    "casus": 'casus naam = waarde, ... | casus { JSON } | casus "bestand.json" — de casus om te evalueren.',
    "casussen": 'casussen "bestand.csv" — een tabel met casussen (CSV, Parquet of JSON Lines), één casus per rij.',
    "evalueer": "evalueer — evalueert de casus en toont formulier, uitleg, stappen, wat-als en termijnen.\n"
                "evalueer alle — evalueert elke rij van de tabel van 'casussen': samenvatting, rijen met "
                "filters, grafieken per beslissing, en de uitleg van één rij.",
    "voorbeelden": "voorbeelden — voert de voorbeelden van het beleid uit en toont welke slagen.",
    "toon": "toon [naam] — toont de tekst van het beleid, of van één gegeven of regel.",
    "controleer": "controleer — controleert de consistentie van het beleid (gaten, overlappen, overschaduwde "
                  "regels, onmogelijke eisen en termijnen), zoals `beleid controleer`; elk tegenvoorbeeld "
                  "opent als casus.\ncontroleer snel — met een kleine zoektocht; controleer exact — "
                  "alleen de solver, zonder zoektocht.",
    "dekking": "dekking — welke eisen, rijen, uitzonderingen en takken de voorbeelden van het beleid raken, en welke nooit.",
    "verschil": 'verschil "ander.beleid" — wat er verandert van dat bestand (oud) naar het beleid van de sessie '
                "(nieuw): per regel bewezen gelijk, bewezen verschillend (met een casus) of gezocht.\n"
                "verschil vorige — hetzelfde tegen de vorige versie van het beleid in deze sessie; "
                "met 'snel' een kleinere zoektocht.",
    "beleid": 'beleid "titel" — begint een nieuw beleid; een cel met een volledig beleid vervangt het huidige.',
    "gegevens": "gegevens — declareert invoergegevens: naam : type \"omschrijving\".",
    "eisen": 'eisen naam "titel" — een groep eisen; een nieuwe definitie vervangt de groep.',
    "eis": 'eis naam "titel" vereist <voorwaarde> — een eis; een losse eis vervangt de eis met die naam.',
    "berekening": 'berekening naam "titel" = <uitdrukking>.',
    "beslissing": 'beslissing naam "titel" (eerste treffer) als <voorwaarde> dan <uitkomst> ... anders <uitkomst>.',
    "termijn": 'termijn naam "titel" <gebeurtenis> uiterlijk <moment> | binnen <duur> na <moment> | van .. tot ...'
               ' | de periode van <begin> tot en met <gebeurtenis> duurt ten hoogste <duur>',
    "periode": "de periode van <begin> tot en met <einde> duurt ten hoogste <duur> — de lengte van een periode, "
               "met de laatste dag erbij (`tot`: zonder de laatste dag); geen uiterste datum: 1 januari 2020 tot "
               "en met 31 december 2020 duurt 1 jaar. Ook: ten minste, korter dan, langer dan, of zonder woord "
               "(precies).",
    "duurt": "de periode van <begin> tot en met <einde> duurt ten hoogste <duur> — zie: periode.",
    "afgelopen": "in elk van de afgelopen 3 jaar: <voorwaarde> — de voorwaarde geldt in elk van de 3 kalenderjaren vóór "
                 "het jaar van de peildatum (een gegeven per jaar staat erin voor zijn waarde in dat jaar); ook: som van "
                 "<gegeven> over de afgelopen 3 jaar. Een ontbrekend jaar is onbekend, nooit nul.",
    "jaar": "<gegeven> in het vorige jaar | in het lopende jaar | in het voorvorige jaar | in 2023 — de waarde van een "
            "gegeven per jaar (omzet : bedrag per jaar) in één kalenderjaar, gerekend vanaf de peildatum.",
    "gedurende": "gedurende de periode van <begin> tot en met <einde>: <voorwaarde> — de voorwaarde geldt op elke dag "
                 "van de periode (`tot`: zonder de laatste dag); een gegeven per periode (toelating : ja/nee per "
                 "periode) staat erin voor zijn waarde op die dag. Ook als regel in de kop van een groep eisen: elke "
                 "eis van de groep geldt dan de hele periode.",
    "wijziging": 'wijziging "titel" geldig vanaf <datum> [bron "..."] <regels> einde wijziging — een wijziging van '
                 'het beleid: nieuwe versies van regels vanaf een datum',
    "bevoegdheid": 'bevoegdheid naam "titel" mag als <voorwaarde> | behoudt zich het recht voor als <voorwaarde> '
                   '— wat de verzekeraar in een casus mag (ja/nee, geen oordeel).',
    "netwerkeis": 'netwerkeis naam "titel" [per regio] [onder de aanbieders waarvoor <voorwaarde>] vereist '
                  'elke | ten minste N | ten hoogste N | ten minste P% van de aanbieder(s) waarvoor <voorwaarde> — '
                  'een eis over de rijen van een tabel (per groep), niet over één casus.',
    "voorkeur": 'voorkeur naam "titel" [per regio] [onder de ... waarvoor <voorwaarde>] eerst laagste|hoogste <waarde> '
                '| met <voorwaarde> dan ... — een rangorde van de rijen van een tabel; gelijke rijen delen hun plaats.',
    "voorbeeld": 'voorbeeld "titel" gegeven naam = waarde, ... verwacht naam = uitkomst.',
    "aanname": 'aanname naam "titel" [bron "..."] <voorwaarde> — wat het document van elke casus aanneemt '
               "(ontslag is niet voor opname); de consistentiecontrole rekent alleen met casussen die eraan "
               "voldoen, en een casus die haar schendt krijgt een melding bij het evalueren.",
    "bewust onvolledig": 'bewust onvolledig ["reden"] — bij een beslissing: het document beslist bewust niet elke '
                         "casus; een gat is dan geen bevinding, alleen een opmerking.",
    "waar": "waar <voorwaarde> — bij een bekende bevinding: alleen de casussen waarvoor de voorwaarde geldt "
            "(zoals waar omzet is € 250.000).",
    "bekend": "x is bekend — ja als x een waarde heeft, nee als die ontbreekt; nooit onbekend "
              "(x is onbekend, x is niet bekend: het omgekeerde). Zo vervalt een regel als een gegeven "
              "ontbreekt: als x is bekend en x is ten minste 5 dan ...\n"
              'bekend <soort> in <regel> [bron "..."] [citaat "..."] [waar <voorwaarde>] — legt een bevinding '
              "van de consistentiecontrole (gat, overlap, ...) vast als van het document zelf: het rapport "
              "noemt haar 'in het document', niet nieuw.",
    "onbekend": "x is onbekend — ja als x ontbreekt, anders nee; nooit zelf onbekend (zie: bekend). "
                "In een voorbeeld: gegeven x = onbekend.",
    "invoer": "invoer | a | b | — een beslissing als tabel: de kolommen; daarna per rij een cel per kolom "
              "en de uitkomst: | ten hoogste € 100.000 | - | dan € 45. Een cel is een vergelijking zonder "
              "onderwerp (\"zzp\", groter dan 5, een van \"a\", \"b\", ligt tussen 1 en 5, bekend); - is elke waarde.",
}
# A cell visibly goes on after a keyword no statement ends with (from the grammar: `vereist`,
# `en`, `tot en met`, ...) or after `, = : + - * / (`.
_CONTINUES = re.compile(r"(?<![\w/])(?:" + "|".join(p.pattern for p in _VOCABULARY.continuing)
                        + r")\s*$|[,=:+\-*/(]\s*$", re.IGNORECASE)


def is_python(code: str) -> bool:
    """Whether a cell is Python (or an IPython magic or shell escape), not Beleidstaal."""
    stripped = code.lstrip()
    return stripped.startswith(("%", "!"))


def _word_at(code: str, pos: int) -> tuple[int, int]:
    start = pos
    while start > 0 and (code[start - 1].isalnum() or code[start - 1] == "_"):
        start -= 1
    end = pos
    while end < len(code) and (code[end].isalnum() or code[end] == "_"):
        end += 1
    return start, end


def complete(session, code: str, pos: int) -> dict:
    """Completion matches and the range they replace."""
    line = code[:pos].rsplit("\n", 1)[-1]
    quoted = re.match(r"^(laad|casussen|casus|verschil)\s+\"([^\"]*)$", line, re.IGNORECASE)
    if quoted:
        prefix = quoted.group(2)
        files = _files(session.base, prefix, _FILE_KINDS[quoted.group(1).lower()])
        return {"matches": files, "cursor_start": pos - len(prefix), "cursor_end": pos, "types": ["bestand"] * len(files)}
    option = re.match(r"^(controleer|verschil|evalueer)\s+(?:\S+\s+)*?(\w*)$", line, re.IGNORECASE)
    if option and OPTIONS.get(option.group(1).lower()):
        prefix = option.group(2)
        words = [o for o in OPTIONS[option.group(1).lower()] if o.startswith(prefix.lower())]
        return {"matches": words, "cursor_start": pos - len(prefix), "cursor_end": pos, "types": ["optie"] * len(words)}
    phrase = _phrase_matches(line, pos)
    if phrase is not None:
        return phrase
    start, _ = _word_at(code, pos)
    candidates = _candidates(session, at_line_start=not line[: len(line) - (pos - start)].strip())
    slashed = _slashed_start(code, start)
    if slashed is not None and any(c.lower().startswith(code[slashed:pos].lower()) for c in candidates):
        start = slashed  # "ja/ne" -> "ja/nee"
    prefix = code[start:pos].lower()
    matches = sorted((c for c in candidates if c.lower().startswith(prefix)), key=lambda c: (c.lower() != prefix, c))
    return {"matches": matches, "cursor_start": start, "cursor_end": pos, "types": [candidates[m] for m in matches]}


# The option words a command takes (after `verschil`: `vorige` instead of a file).
OPTIONS = {"controleer": ("snel", "exact"), "verschil": ("vorige", "snel"), "evalueer": ("alle",)}
_FILE_KINDS = {"laad": (".beleid",), "verschil": (".beleid",), "casus": (".json", ".yaml", ".yml"),
               "casussen": (".csv", ".parquet", ".jsonl", ".ndjson")}


def _candidates(session, at_line_start: bool) -> dict[str, str]:
    """Every word to offer, with what it is: commands and sections (at the start of a line
    only), the names of the policy, keywords and types."""
    candidates: dict[str, str] = {}
    if at_line_start:
        candidates.update(dict.fromkeys(COMMANDS, "opdracht"))
        candidates.update(dict.fromkeys(SECTIONS, "sectie"))
    candidates.update(session.names())
    candidates.update({p: "sleutelwoord" for p in PHRASES if p not in candidates})
    candidates.update({t: "type" for t in TYPES if t not in candidates})
    return candidates


def _slashed_start(code: str, start: int) -> int | None:
    """Where a word joined by "/" to the word before it starts (`ja/ne`), or None."""
    if start == 0 or code[start - 1] != "/":
        return None
    before, _ = _word_at(code, start - 1)
    return before if before < start - 1 else None


_MULTIWORD = tuple((p, "sleutelwoord") for p in PHRASES if " " in p) + tuple((t, "type") for t in TYPES if " " in t)


def _phrase_matches(line: str, pos: int) -> dict | None:
    """Completion of a phrase of several words ("ten h" -> "ten hoogste", "duur in w" ->
    "duur in weken"), if one fits."""
    for m in re.finditer(r"(?<!\w)(?=\w)", line):
        tail = line[m.start():]
        if " " not in tail.strip() or not tail.strip():
            continue
        found = sorted((p, kind) for p, kind in _MULTIWORD if p.startswith(tail.lower()))
        if found:
            return {"matches": [p for p, _ in found], "cursor_start": pos - len(tail), "cursor_end": pos,
                    "types": [kind for _, kind in found]}
    return None


def _files(base: Path, prefix: str, suffixes: tuple) -> list[str]:
    folder = Path(prefix).parent if "/" in prefix else Path(".")
    found = []
    for root in (base, *base.parents[:2]):
        directory = root / folder
        if directory.is_dir():
            for entry in sorted(directory.iterdir()):
                rel = str(folder / entry.name) if str(folder) != "." else entry.name
                if rel.startswith(prefix) and (entry.is_dir() or entry.suffix in suffixes):
                    found.append(rel + ("/" if entry.is_dir() else ""))
            if found:
                break
    return found


def inspect(session, code: str, pos: int) -> str | None:
    """Dutch text describing the name or keyword at the cursor, or None."""
    start, end = _word_at(code, pos)
    if start == end and pos > 0:
        start, end = _word_at(code, pos - 1)
    word = code[start:end]
    if not word:
        return None
    model = session.policy.model
    if word in model.fields:
        return _describe_field(session, word)
    if word in model.rules:
        return _describe_rule(session, word)
    return KEYWORD_HELP.get(word.lower())


def _where(session, span) -> str:
    located = session.state.source.locate(span) if session.state.source else None
    return f"{located[0]}, regel {located[2].line}" if located else "onbekend"


def _describe_field(session, name: str) -> str:
    field = session.policy.model.fields[name]
    value = session.case.get(name)
    shown = "onbekend"
    if value is not None:
        from dsl.case import convert
        from kernel.widgets.form import as_text

        try:
            shown = as_text(convert(value, field.type), field.type)
        except Exception:  # a value the form has not checked yet is shown as written
            shown = str(value)
    lines = [f"gegeven {name} : {field.type}", field.label or "", f"waarde in de casus: {shown}",
             f"geschreven in: {_where(session, field.span)}"]
    return "\n".join(line for line in lines if line)


def _describe_rule(session, name: str) -> str:
    rule = session.policy.model.rules[name]
    valued = rule.kind in (RuleKind.CALCULATION, RuleKind.DECISION)  # the others are ja/nee
    group = rule.group if isinstance(rule, Requirement) else None
    lines = [f"{rule.kind} {name}" + (f' — "{rule.title}"' if rule.title else ""),
             f"type: {rule.type}" if valued and rule.type is not None else "",
             f"in groep: {group}" if group else "",
             f"bron: {rule.source}" if rule.source else "",
             f"geschreven in: {_where(session, rule.span)}"]
    return "\n".join(line for line in lines if line) + "\n\n" + _source_text(session, rule.span)


def _source_text(session, span) -> str:
    lines = session.state.source.text.split("\n")
    return "\n".join(lines[span.line - 1: span.end_line])


def is_complete(code: str) -> tuple[str, str]:
    """("complete" | "incomplete" | "invalid", indent) for a Beleidstaal cell."""
    if not code.strip():
        return "complete", ""
    body = "\n".join(line for line in code.split("\n") if not line.lstrip().startswith("#"))
    last = body.rstrip("\n").rsplit("\n", 1)[-1]
    if body.count("{") > body.count("}") or last.count('"') % 2:
        return "incomplete", "    "
    if _CONTINUES.search(body.rstrip()):
        return "incomplete", "    "
    try:
        statements = split_cell(code)
    except BeleidError:
        return "invalid", ""
    for st in statements:
        if st.kind != "beleid":
            continue
        first = st.text.strip().split()[0].lower()
        prefix = "" if first == "beleid" else 'beleid "cel"\n' + ('eisen los "los"\n' if first == "eis" else "")
        try:
            parse(prefix + st.text)
        except BeleidError as err:
            if any("onverwacht op" in d.message for d in err.diagnostics):
                return "incomplete", "    "
            return "invalid", ""
    return "complete", ""
