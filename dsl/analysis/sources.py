"""Traceability to the text: a policy's quotes (`citaat`) checked against its source document.

Contract: `trace(policy, text, document)` reads the quotes of a compiled policy's core model (every
rule's and every decision row's `quotes`, with where they stand) and a document's text, and returns
a `Traceability`:
  - per quote whether it occurs in the document, matched after normalising what PDF extraction
    breaks: whitespace and line breaks, soft hyphens, words hyphenated at a line end
    ("zorg-\\naanbieder" matches "zorgaanbieder" and "zorg-aanbieder"), ligatures, quotation marks
    and dashes; `...` (or `…`) in a quote leaves words out (the parts must follow each other within
    a few lines). A quote not found (stale) gets the closest passage of the document;
  - the rule-bearing sentences of the document (`MARKERS`: an amount, a percentage, a number of
    days, weeks, months..., or words such as "ten minste", "uiterlijk", "mag", "moet"), each with its
    line, its heading and the rules whose quotes cover it;
  - the headings of the document, for a matrix per section.
`run_sources(args)` is `beleid bronnen BELEID --document TEKST [--json]`: exit 0 when every quote
is found, 1 when a quote is stale (the list of uncited sentences is information), 2 when the
document cannot be read. It reads the core model only, never the syntax tree.
"""

from __future__ import annotations

import bisect
import difflib
import itertools
import json
import re
import sys
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field

from dsl.errors import os_problem, read_text
from dsl.span import Span

__all__ = ["MARKERS", "Quote", "Sentence", "Traceability", "normalise", "run_sources", "trace"]

# ---------------------------------------------------------------- normalising
_QUOTES = frozenset("\"'`´‘’‚‛“”„‟«»‹›′″")
_DASHES = frozenset("-‐‑‒–—―−")
_INVISIBLE = frozenset("\u00ad\u200b\u200c\u200d\u2060\ufeff")
_BULLETS = frozenset("•·▪◦●■□➢►\ufffd")


def _is_space(char: str) -> bool:
    return char.isspace() or char in _BULLETS or 0xE000 <= ord(char) <= 0xF8FF   # private use: PDF symbol fonts


def normalise(text: str) -> tuple[str, list[int]]:
    """The text as it is compared, and for each of its characters the offset in `text` it comes from.
    Whitespace and dashes are left out (PDF extraction adds and drops spaces at line ends, and
    breaks words there with a hyphen: "zorg-\\naanbieder" is "zorgaanbieder", "(wijk)\\nverpleegkundige"
    is "(wijk)verpleegkundige", "30 – 45" is "30-45"), quotation marks become one mark, invisible
    characters (a soft hyphen) go, ligatures are spelt out (NFKC).

    >>> normalise("zorg-\\naan\u00adbieder")[0] == normalise("zorgaanbieder")[0] == normalise("zorg- aanbieder")[0]
    True
    >>> normalise("„maximaal  33%” – ﬁjn")[0]
    "'maximaal33%'fijn"
    """
    out: list[str] = []
    origin: list[int] = []
    for offset, raw in enumerate(text):
        for char in unicodedata.normalize("NFKC", raw):
            if char in _INVISIBLE or char in _DASHES or _is_space(char):
                continue
            out.append("'" if char in _QUOTES else char)
            origin.append(offset)
    return "".join(out), origin


_ELLIPSIS = re.compile(r"\.\.\.|…|\[\.\.\.\]|\[…\]")
_GAP = 600   # at most this many characters of the document between the parts of a quote with `...`


def _parts(quote: str) -> list[str]:
    return [part for part in (normalise(p)[0].strip() for p in _ELLIPSIS.split(quote)) if part]


def find(quote: str, key: str) -> tuple[int, int] | None:
    """Where a quote occurs in a normalised document (start and end in `key`), or None."""
    parts = _parts(quote)
    if not parts:
        return None
    at = key.find(parts[0])
    while at >= 0:
        end = at + len(parts[0])
        for part in parts[1:]:
            nxt = key.find(part, end)
            if nxt < 0 or nxt - end > _GAP:
                break
            end = nxt + len(part)
        else:
            return at, end
        at = key.find(parts[0], at + 1)
    return None


# ---------------------------------------------------------------- the document's sentences
_NUMBER_WORDS = ("een", "één", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen", "tien", "elf",
                 "twaalf", "dertien", "veertien", "vijftien", "twintig", "dertig", "veertig", "zestig", "honderd")
_NUMBER = r"(?:\d+(?:[.,]\d+)?|" + "|".join(_NUMBER_WORDS) + r")"
_MONTHS = r"(?:januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december)"
_PERIOD = r"(?:kalender|werk)?(?:dagen|dag|weken|week|maanden|maand|jaren|jaar|uren|uur|minuten|minuut|seconden)"

# What makes a sentence rule-bearing: (the name shown, a pattern). "voor" and "binnen" count in their
# sense of a deadline only ("vóór", "voor 1 januari", "binnen 3 weken"): as plain words they stand in
# nearly every Dutch sentence ("voor de zorg", "binnen de regio") and would flag everything.
MARKERS: tuple[tuple[str, re.Pattern[str]], ...] = tuple((name, re.compile(pattern, re.IGNORECASE)) for name, pattern in (
    ("bedrag", r"€\s*\d"),
    ("percentage", r"\d\s*%|\bprocent\b"),
    ("duur", rf"(?<![\d:.,])\b{_NUMBER}\s+{_PERIOD}\b(?<!\d[.:]\d\d uur)"),
    ("tijdstip", r"\b\d{1,2}[.:]\d{2}\s*uur\b"),
    ("ten minste", r"\bten\s*minste\b"),
    ("ten hoogste", r"\bten\s*hoogste\b"),
    ("minimaal", r"\bminimaal\b"),
    ("maximaal", r"\bmaximaal\b"),
    ("uiterlijk", r"\buiterlijk\b"),
    ("niet meer dan", r"\bniet\s+meer\s+dan\b"),
    ("binnen", rf"\bbinnen\s+(?:\S+\s+){{0,2}}?{_NUMBER}\s+{_PERIOD}\b|\bbinnen\s+de\s+(?:gestelde\s+)?termijn\b"),
    ("voor", rf"\bvóór\b|\bvoor\s+(?:{_NUMBER}\s+{_MONTHS}|\d{{1,2}}-\d{{1,2}}-\d{{4}}|dag\s+\d+)\b"),
    ("mag", r"\b(?:mag|mogen)\b"),
    ("moet", r"\b(?:moet|moeten)\b"),
    ("dient", r"\b(?:dient|dienen)\b"),
    ("verplicht", r"\bverplicht\w*\b"),
))


def markers(sentence: str) -> tuple[str, ...]:
    """The names of the markers a sentence carries (empty: the sentence states no rule)."""
    return tuple(name for name, pattern in MARKERS if pattern.search(sentence))


@dataclass
class Passage:
    """A sentence (or a heading) of the document: where it starts and ends in the text, its line,
    its words on one line, and the heading it stands under."""

    start: int
    end: int
    line: int
    text: str
    heading: str | None
    is_heading: bool = False
    heading_line: int = 0


_SKIP = re.compile(r"^(?:https?://\S+|\d{1,3}|.*\|.*\|.*)$")   # web addresses, page numbers, running heads
_BULLET_START = re.compile(r"^(?:[•▪◦●■➢►\ufffd\uf0b7]|[-–]\s|\d{1,2}[-.)]\s)")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÀ-Ý0-9'\"‘“„(•])")


def _lines(text: str) -> Iterator[tuple[int, str]]:
    offset = 0
    for line in text.split("\n"):
        yield offset, line
        offset += len(line) + 1


def _is_heading(stripped: str, after_break: bool, next_line: str) -> bool:
    """A short line that ends without punctuation, after a sentence or a blank line, followed by a
    line that starts a sentence: the title of a section."""
    words = stripped.split()
    return (after_break and 0 < len(words) <= 9 and len(stripped) <= 70 and stripped[0].isupper()
            and stripped[-1] not in ".,;:!?-" and not _BULLET_START.match(stripped)
            and bool(next_line) and (next_line[0].isupper() or bool(_BULLET_START.match(next_line))))


def passages(text: str) -> list[Passage]:
    """The sentences and headings of a document in order. Lines are joined into paragraphs (a blank
    line or a page break inside a sentence does not end it), a bullet starts a new one, and a
    paragraph is split after `.`, `!` or `?` before a capital."""
    lines = [(offset, line) for offset, line in _lines(text)]
    content = [(i, o, line.strip()) for i, (o, line) in enumerate(lines) if line.strip() and not _SKIP.match(line.strip())]
    found: list[Passage] = []
    block: list[tuple[int, str]] = []   # (offset of the first character, the stripped line)
    heading: Passage | None = None
    previous_index = -1

    def flush() -> None:
        if block:
            found.extend(_sentences(block, text, heading))
            block.clear()

    for position, (index, offset, stripped) in enumerate(content):
        lead = offset + len(lines[index][1]) - len(lines[index][1].lstrip())
        blank_before = index - previous_index > 1
        ended = block[-1][1][-1] in ".!?:" if block else heading is None or heading.start < lines[previous_index][0]
        next_line = content[position + 1][2] if position + 1 < len(content) else ""
        if _is_heading(stripped, ended or blank_before, next_line):
            flush()
            title, line = " ".join(stripped.split()), text.count("\n", 0, lead) + 1
            heading = Passage(lead, lead + len(stripped), line, title, title, True, line)
            found.append(heading)
        else:
            if _BULLET_START.match(stripped) or (blank_before and (ended or stripped[0].isupper())):
                flush()
            block.append((lead, stripped))
        previous_index = index
    flush()
    return found


def _sentences(block: list[tuple[int, str]], text: str, heading: Passage | None) -> list[Passage]:
    """A paragraph split into sentences, each with its place in the original text."""
    chars: list[str] = []
    origin: list[int] = []
    for n, (offset, line) in enumerate(block):
        if n and chars:
            if chars[-1] in "-‐" and len(chars) > 1 and chars[-2].islower() and line[:1].islower():
                chars.pop()                      # a word hyphenated at the line end: one word again
                origin.pop()
            else:
                chars.append(" ")
                origin.append(offset - 1)
        for k, char in enumerate(line):
            chars.append(char)
            origin.append(offset + k)
    joined = "".join(chars)
    result = []
    start = 0
    for match in [*_SENTENCE_END.finditer(joined), None]:
        end = match.start() if match else len(joined)
        piece = joined[start:end]
        if piece.strip():
            lead = start + len(piece) - len(piece.lstrip())
            first, last = origin[lead], origin[start + len(piece.rstrip()) - 1] + 1
            result.append(Passage(first, last, text.count("\n", 0, first) + 1, " ".join(piece.split()),
                                  heading.text if heading else None, heading_line=heading.line if heading else 0))
        start = match.end() if match else len(joined)
    return result


# ---------------------------------------------------------------- the trace
@dataclass
class Quote:
    """One `citaat` of the policy: the rule (and decision row) it belongs to, where it stands, and
    where it was found in the document (`line` 0 when it is stale, with `suggestion` the closest
    passage and its line)."""

    rule: str
    row: str | None
    text: str
    span: Span
    start: int = -1
    end: int = -1
    line: int = 0
    suggestion: str | None = None
    suggestion_line: int = 0

    @property
    def found(self) -> bool:
        return self.line > 0

    @property
    def owner(self) -> str:
        return f"{self.rule} ({self.row})" if self.row else self.rule


@dataclass
class Sentence:
    """A rule-bearing sentence of the document and the rules whose quotes cover it."""

    passage: Passage
    markers: tuple[str, ...]
    cited_by: list[str] = field(default_factory=list)


@dataclass
class Traceability:
    policy: str
    document: str
    rules: int
    rules_quoted: int
    quotes: list[Quote]
    sentences: list[Sentence]
    headings: list[Passage]

    @property
    def stale(self) -> list[Quote]:
        return [q for q in self.quotes if not q.found]

    @property
    def uncited(self) -> list[Sentence]:
        return [s for s in self.sentences if not s.cited_by]


def _policy_quotes(model) -> Iterator[Quote]:
    """Every quote of the core model, in the order of the policy text."""
    found = []
    for rule in model.rules.values():
        found += [Quote(rule.name, None, text, span) for text, span in zip(rule.quotes, rule.quote_spans, strict=True)]
        for row in getattr(rule, "all_rows", ()):
            label = "anders" if row.condition is None else f"rij {row.index + 1}"
            found += [Quote(rule.name, label, text, span) for text, span in zip(row.quotes, row.quote_spans, strict=True)]
    network = model.network
    items = [*model.assumptions, *(network.rules if network else ()), *(network.rankings if network else ())]
    for item in items:
        found += [Quote(item.name, None, text, span) for text, span in zip(item.quotes, item.quote_spans, strict=True)]
    for ranking in network.rankings if network else ():
        for k, criterion in enumerate(ranking.criteria):
            found += [Quote(ranking.name, f"criterium {k + 1}", text, criterion.span) for text in criterion.quotes]
    for record in model.known_findings:
        owner = f"bekend {record.kind} in {', '.join(record.rules)}"
        found += [Quote(owner, None, text, span) for text, span in zip(record.quotes, record.quote_spans, strict=True)]
    yield from sorted(found, key=lambda q: (q.span.line, q.span.column))


def trace(policy, text: str, document: str, progress=None) -> Traceability:
    """Check every quote of a compiled policy against a document's text (see the module contract).
    `progress(i, total, owner)`, if given, is told of each quote before it is looked up (a quote
    that is not found is compared with the most alike passages: a tenth of a second each)."""
    model = policy.model
    key, origin = normalise(text)
    found = passages(text)
    sentences = [Sentence(p, m) for p in found if (m := markers(p.text))]
    starts = [s.passage.start for s in sentences]
    quotes = list(_policy_quotes(model))
    for i, quote in enumerate(quotes):
        if progress is not None:
            progress(i, len(quotes), quote.owner)
        place = find(quote.text, key)
        if place is None:
            quote.suggestion, quote.suggestion_line = _closest(quote.text, found)
            continue
        quote.start, quote.end = origin[place[0]], origin[place[1] - 1] + 1
        quote.line = text.count("\n", 0, quote.start) + 1
        first = max(0, bisect.bisect_right(starts, quote.start) - 1)
        for sentence in sentences[first:]:
            if sentence.passage.start >= quote.end:
                break
            if sentence.passage.end > quote.start and quote.owner not in sentence.cited_by:
                sentence.cited_by.append(quote.owner)
    quoted = {q.rule for q in quotes if q.rule in model.rules}   # aannames, records: quoted, not counted as rules
    return Traceability(policy.model.filename, document, len(model.rules), len(quoted), quotes, sentences,
                        [p for p in found if p.is_heading])


def _closest(quote: str, found: list[Passage]) -> tuple[str | None, int]:
    """The passage of the document most like a stale quote (one sentence, or two that follow each
    other), cut to the stretch that resembles it; None when nothing does."""
    wanted = _soft(quote)
    words = set(re.findall(r"\w+", wanted))
    if not wanted or not found:
        return None, 0
    candidates = [(p.text, p.line) for p in found]
    candidates += [(f"{a.text} {b.text}", a.line) for a, b in itertools.pairwise(found)]
    ranked = sorted(candidates, key=lambda c: -len(words & set(re.findall(r"\w+", c[0].lower()))))[:40]
    best: tuple[float, str, int] | None = None
    for candidate, line in ranked:
        matcher = difflib.SequenceMatcher(None, wanted, _soft(candidate), autojunk=False)
        blocks = [b for b in matcher.get_matching_blocks() if b.size >= 3]
        score = sum(b.size for b in blocks) / len(wanted) - len(candidate) / 100_000
        if blocks and (best is None or score > best[0]):
            best = (score, _stretch(candidate, blocks, len(wanted)), line)
    if best is None or best[0] < 0.4:
        return None, 0
    return best[1], best[2]


def _soft(text: str) -> str:
    """Text compared for likeness: one line, lower case (same length as `" ".join(text.split())`)."""
    return " ".join(text.split()).lower()


def _stretch(candidate: str, blocks: list[difflib.Match], length: int) -> str:
    """The part of a candidate that the matching blocks span, widened to whole words."""
    shown = " ".join(candidate.split())
    start, end = blocks[0].b, blocks[-1].b + blocks[-1].size
    if end - start < length // 2:   # the blocks are scattered: show the whole passage
        return shown
    while start > 0 and shown[start - 1] != " ":
        start -= 1
    while end < len(shown) and shown[end] != " ":
        end += 1
    return shown[start:end].strip()


# ---------------------------------------------------------------- reporting
def _percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)} %" if whole else "—"


def render(result: Traceability) -> str:
    """The Dutch report: stale quotes (with the closest passage), uncited rule-bearing sentences,
    and the matrix summary."""
    lines = [f"Herleidbaarheid van {result.policy} aan {result.document}", ""]
    if len(result.quotes) >= 3 and 2 * len(result.stale) > len(result.quotes):
        lines += [f"Let op: {len(result.stale)} van de {len(result.quotes)} citaten staan niet in dit document. "
                  "Is het het document (en de versie) waaruit het beleid citeert?", ""]
    if result.stale:
        lines.append(f"Verouderde citaten ({len(result.stale)}): niet gevonden in het document")
        for quote in result.stale:
            lines.append(f"{result.policy}:{quote.span.line}:{quote.span.column}: citaat van {quote.owner} staat "
                         f"niet in het document: \"{_short(quote.text)}\"")
            if quote.suggestion:
                lines.append(f"  bedoelde u: \"{_short(quote.suggestion)}\" ({result.document}:{quote.suggestion_line})")
            else:
                lines.append("  geen passage van het document lijkt erop")
        lines.append("")
    uncited = result.uncited
    lines.append(f"Zinnen met een regel die geen citaat dekt ({len(uncited)}):")
    for sentence in uncited:
        lines.append(f"{result.document}:{sentence.passage.line}: {_short(sentence.passage.text)}  "
                     f"[{', '.join(sentence.markers)}]")
    lines += ["", *summary(result)]
    return "\n".join(lines)


def summary(result: Traceability) -> list[str]:
    """The traceability matrix in a few lines: quotes found and stale, sentences cited and not,
    and per heading of the document that has rule-bearing sentences."""
    cited = len(result.sentences) - len(result.uncited)
    lines = [
        "Samenvatting",
        f"  citaten: {len(result.quotes)}, waarvan {len(result.quotes) - len(result.stale)} gevonden en "
        f"{len(result.stale)} verouderd; {result.rules_quoted} van de {result.rules} regels hebben een citaat",
        f"  zinnen met een regel: {len(result.sentences)}, waarvan {cited} geciteerd ({_percent(cited, len(result.sentences))}) "
        f"en {len(result.uncited)} niet",
    ]
    rows = per_heading(result)
    if rows:
        width = min(60, max(len(r["kop"]) for r in rows))
        lines.append(f"  per kop van het document ({len(rows)} koppen met zinnen met een regel):")
        lines.append(f"    {'kop':<{width}}  {'regel':>5}  {'zinnen':>6}  {'geciteerd':>9}")
        for row in rows:
            lines.append(f"    {_short(row['kop'], width):<{width}}  {row['regel']:>5}  {row['zinnen']:>6}  "
                         f"{row['geciteerd']:>9}")
    return lines


def per_heading(result: Traceability) -> list[dict]:
    """Per heading with rule-bearing sentences under it: its line and the sentences cited or not."""
    rows: dict[tuple[str, int], dict] = {}
    for sentence in result.sentences:
        heading = sentence.passage.heading or "(voor de eerste kop)"
        at = sentence.passage.heading_line
        row = rows.setdefault((heading, at), {"kop": heading, "regel": at, "zinnen": 0, "geciteerd": 0})
        row["zinnen"] += 1
        row["geciteerd"] += bool(sentence.cited_by)
    return list(rows.values())


def _short(text: str, most: int = 220) -> str:
    return text if len(text) <= most else text[:most - 1].rstrip() + "…"


def to_dict(result: Traceability) -> dict:
    """The trace for scripts (`--json`)."""
    cited = len(result.sentences) - len(result.uncited)
    return {
        "beleid": result.policy, "document": result.document,
        "citaten": [{"regel": q.rule, "rij": q.row, "tekst": q.text, "plaats": [q.span.line, q.span.column],
                     "gevonden": q.found, "regel_in_document": q.line or None,
                     "bedoeld": ({"tekst": q.suggestion, "regel_in_document": q.suggestion_line}
                                 if q.suggestion else None)} for q in result.quotes],
        "zinnen": [{"regel_in_document": s.passage.line, "tekst": s.passage.text, "kop": s.passage.heading,
                    "kenmerken": list(s.markers), "geciteerd_door": s.cited_by} for s in result.sentences],
        "samenvatting": {"citaten": len(result.quotes), "gevonden": len(result.quotes) - len(result.stale),
                         "verouderd": len(result.stale), "regels": result.rules, "regels_met_citaat": result.rules_quoted,
                         "zinnen": len(result.sentences), "geciteerd": cited, "niet_geciteerd": len(result.uncited)},
        "per_kop": per_heading(result),
    }


def run_sources(args) -> int:
    """`beleid bronnen BELEID --document TEKST [--json]` (see the module contract for the exit codes)."""
    from dsl.policy import load_policy

    try:
        text = read_text(args.document)
    except (OSError, ValueError) as err:
        reason = os_problem(err) if isinstance(err, OSError) else str(err)
        print(f"beleid: fout: kan het document {args.document} niet lezen: {reason}", file=sys.stderr)
        return 2
    from dsl.analysis.cli import TerminalProgress

    policy = load_policy(args.bestand)
    progress = TerminalProgress("citaat")
    try:
        result = trace(policy, text, args.document, progress)
    finally:
        progress.close()
    if args.json:
        print(json.dumps(to_dict(result), ensure_ascii=False, indent=2))
    else:
        print(render(result))
    return 1 if result.stale else 0
