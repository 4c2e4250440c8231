"""Editor help for Beleidstaal cells: completion, inspection (Shift-Tab) and is_complete.

Contract: pure functions over a cell's text, a cursor position and the session's current
policy; the kernel turns their results into protocol replies. `complete` offers keywords and
phrases, the notebook commands, every gegeven and rule name of the session's policy, and inside
`laad "..."` / `casus "..."` the policy or case files nearby. `inspect` describes the word at
the cursor: a gegeven's type and label, a rule's kind, title, type, source and its text as
written, with the cell or file and line it was written in; a keyword's meaning. `is_complete`
says "incomplete" while a cell visibly goes on (an open string or `{`, a trailing `vereist`,
`en`, `,` ... or a parse that stops at the end), "invalid" for other syntax errors, else
"complete".
"""

from __future__ import annotations

import re
from pathlib import Path

from dsl.errors import BeleidError
from dsl.parser import parse
from kernel.cells import COMMANDS, SECTIONS, split_cell

PHRASES = ("ten minste", "ten hoogste", "groter dan", "kleiner dan", "groter dan of gelijk aan",
           "kleiner dan of gelijk aan", "gelijk aan", "niet gelijk aan", "met uitzondering van",
           "van toepassing als", "tot en met", "keuze uit", "lijst van", "een van", "geen van",
           "voldoet aan", "voldoet niet aan", "eerste treffer", "uniek", "som van", "aantal van",
           "minimum van", "maximum van", "vereist", "tenzij", "als", "dan", "anders", "bron", "toelichting",
           "uiterlijk", "binnen", "niet voor", "ligt tussen", "valt op", "peildatum", "verzekeraar", "zorgsoort",
           "geldig van", "gegeven", "verwacht", "voldaan", "niet voldaan", "gehaald", "niet gehaald")
TYPES = ("bedrag", "percentage", "aantal", "getal", "ja/nee", "datum", "tijdstip", "tekst", "duur in dagen",
         "duur in maanden", "duur in werkdagen")
KEYWORD_HELP = {
    "laad": 'laad "pad.beleid" — laadt een beleidsbestand; het vervangt het beleid van deze sessie.',
    "casus": 'casus naam = waarde, ... | casus { JSON } | casus "bestand.json" — de casus om te evalueren.',
    "evalueer": "evalueer — evalueert de casus en toont formulier, uitleg, stappen, wat-als en termijnen.",
    "voorbeelden": "voorbeelden — voert de voorbeelden van het beleid uit en toont welke slagen.",
    "toon": "toon [naam] — toont de tekst van het beleid, of van één gegeven of regel.",
    "beleid": 'beleid "titel" — begint een nieuw beleid; een cel met een volledig beleid vervangt het huidige.',
    "gegevens": "gegevens — declareert invoergegevens: naam : type \"omschrijving\".",
    "eisen": 'eisen naam "titel" — een groep eisen; een nieuwe definitie vervangt de groep.',
    "eis": 'eis naam "titel" vereist <voorwaarde> — een eis; een losse eis vervangt de eis met die naam.',
    "berekening": 'berekening naam "titel" = <uitdrukking>.',
    "beslissing": 'beslissing naam "titel" (eerste treffer) als <voorwaarde> dan <uitkomst> ... anders <uitkomst>.',
    "termijn": 'termijn naam "titel" <gebeurtenis> uiterlijk <moment> | binnen <duur> na <moment> | van .. tot ...',
    "voorbeeld": 'voorbeeld "titel" gegeven naam = waarde, ... verwacht naam = uitkomst.',
}
_CONTINUES = re.compile(r"(\bvereist|\ben|\bof|\bals|\bdan|\btenzij|\bis|\bniet|\bvan|\btot|\bmet|\bna|"
                        r"\bbinnen|\buiterlijk|\banders|[,=:+\-*/(])\s*$", re.IGNORECASE)


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
    quoted = re.match(r"^(laad|casus)\s+\"([^\"]*)$", line, re.IGNORECASE)
    if quoted:
        prefix = quoted.group(2)
        files = _files(session.base, prefix, (".beleid",) if quoted.group(1).lower() == "laad"
                       else (".json", ".yaml", ".yml"))
        return {"matches": files, "cursor_start": pos - len(prefix), "cursor_end": pos, "types": ["bestand"] * len(files)}
    phrase = _phrase_matches(line, pos)
    if phrase is not None:
        return phrase
    start, _ = _word_at(code, pos)
    prefix = code[start:pos].lower()
    candidates: dict[str, str] = {}
    if not line[: len(line) - len(prefix)].strip():
        candidates.update({c: "opdracht" for c in COMMANDS})
        candidates.update({s: "sectie" for s in SECTIONS})
    candidates.update({n: kind for n, kind in session.names().items()})
    candidates.update({p: "sleutelwoord" for p in PHRASES if p not in candidates})
    candidates.update({t: "type" for t in TYPES if t not in candidates})
    matches = sorted((c for c in candidates if c.lower().startswith(prefix)), key=lambda c: (c.lower() != prefix, c))
    return {"matches": matches, "cursor_start": start, "cursor_end": pos, "types": [candidates[m] for m in matches]}


def _phrase_matches(line: str, pos: int) -> dict | None:
    """Completion of a phrase of several words ("ten h" -> "ten hoogste"), if one fits."""
    for m in re.finditer(r"(?<!\w)(?=\w)", line):
        tail = line[m.start():]
        if " " not in tail.strip() or not tail.strip():
            continue
        matches = sorted(p for p in PHRASES if " " in p and p.startswith(tail.lower()))
        if matches:
            return {"matches": matches, "cursor_start": pos - len(tail), "cursor_end": pos,
                    "types": ["sleutelwoord"] * len(matches)}
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
    field, t = session.policy.model.fields[name]
    value = session.case.get(name)
    shown = "onbekend"
    if value is not None:
        from dsl.case import convert
        from kernel.widgets.form import as_text

        try:
            shown = as_text(convert(value, t), t)
        except Exception:  # noqa: BLE001 - a value the form has not checked yet is shown as written
            shown = str(value)
    lines = [f"gegeven {name} : {t}", field.label or "", f"waarde in de casus: {shown}",
             f"geschreven in: {_where(session, field.span)}"]
    return "\n".join(line for line in lines if line)


def _describe_rule(session, name: str) -> str:
    rule = session.policy.model.rules[name]
    node = rule.node
    text = _source_text(session, node.span)
    lines = [f"{rule.kind} {name}" + (f' — "{node.title}"' if getattr(node, "title", None) else ""),
             f"type: {rule.type}" if rule.type is not None else "",
             f"in groep: {rule.group}" if rule.group else "",
             f"bron: {session.policy.source_of(rule)}" if session.policy.source_of(rule) else "",
             f"geschreven in: {_where(session, node.span)}"]
    return "\n".join(line for line in lines if line) + "\n\n" + text


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
