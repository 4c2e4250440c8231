"""Dutch reports of consistency checks, coverage and differences: terminal text, Markdown, HTML.

Contract: `consistency_blocks(report, source)` turns a consistency report into a small neutral
document (a list of blocks: ("h1", text), ("h2", text), ("p", text), ("code", text), ("list",
[text]), ("table", headers, rows)); `coverage_blocks` (in `dsl.analysis.coverage`) and
`diff_blocks` (in `dsl.analysis.diff`) do the same for theirs. `render(blocks, fmt)` writes a
document as "text", "md" or "html". HTML is escaped and self-contained.
`write(blocks, path)` picks the format from the file extension (.html/.htm, .md, else text).
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from dsl.analysis.findings import show_value
from dsl.atomic import write_text
from dsl.runtime.formatting import counted

__all__ = ["consistency_blocks", "render", "search_summary", "sources_text", "write"]

Block = tuple[Any, ...]  # ("h1", text), ("p", text), ("list", [text]), ("table", headers, rows), ...


# ---------------------------------------------------------------- consistency
def _source_line(source: str | None, span) -> str | None:
    if not source or span is None or not span.line:
        return None
    lines = source.splitlines()
    return lines[span.line - 1].strip() if 0 < span.line <= len(lines) else None


def case_text(model, case: dict, relevant=()) -> str:
    """A counterexample as 'naam = waarde' pairs, the relevant gegevens first."""
    order = [n for n in relevant if n in case] + [n for n in case if n not in relevant]
    return ", ".join(f"{n} = {show_value(model, n, case[n])}" for n in order)


def how_found(f) -> str:
    """How a finding was found, in Dutch: proved by z3 or found by search, and whether evaluating its
    case confirmed it."""
    how = {"exact": "exact bewezen (z3)",
           "regels": "gelezen uit de regels zelf (dezelfde waarde, andere grenswoorden)",
           "beleid": "vergeleken met wat het beleid als bekende bevinding vastlegt"}.get(
        f.method, "gevonden door zoeken (Hypothesis), niet bewezen")
    if f.confirmed is True:
        how += "; bevestigd door de casus te evalueren"
    elif f.confirmed is False:
        how += "; LET OP: de evaluatie van de casus bevestigt dit niet"
    return how


def sources_text(f, model) -> str | None:
    """'Bronnen: a: § 5.4; b: § 5.4 (tabel)' for a finding about more than one rule, else None."""
    if not f.others:
        return None
    return "Bronnen: " + "; ".join(f"{name}: {model.rules[name].source or 'geen bron'}"
                                   for name in f.names if name in model.rules) + "."


def finding_blocks(f, model, source, filename) -> list:
    mark = "" if f.earlier is None else (" (eerder gemeld)" if f.earlier else " (nieuw)")
    if f.known:
        mark = " (in het document)"
    blocks: list[Block] = [("h2", f"{f.label}: {', '.join(f.names)}{mark}"), ("p", f.message)]
    if f.detail:
        blocks.append(("p", f.detail))
    if f.known and f.known_record:
        blocks.append(("p", f"In het document: het beleid legt deze bevinding vast als van het document zelf "
                            f"({f.known_record})."))
    places = []
    for label, span in f.spans:
        line = _source_line(source, span)
        places.append(f"{filename}:{span.line}:{span.column} ({label})" + (f": {line}" if line else ""))
    blocks.append(("list", places))
    sources = sources_text(f, model)
    if sources:
        blocks.append(("p", sources))
    if len(f.boxes) > 1:
        from dsl.analysis.jsonreport import region_text

        blocks.append(("p", f"Gebieden ({len(f.boxes)}):"))
        blocks.append(("list", ["; ".join(region_text(model, r) for r in regions) or "elke casus"
                                for _, regions in f.boxes]))
    elif f.regions:
        from dsl.analysis.jsonreport import region_text

        blocks.append(("p", "Gebied: " + "; ".join(region_text(model, r) for r in f.regions) + "."))
    if f.case is not None:
        shown = case_text(model, f.case, f.relevant) or "elke casus"
        if f.kind == "onbekend_blokkeert":
            missing = [r.field for r in f.regions if r.values and None in r.values]
            shown += "; " + ", ".join(missing) + (" ontbreekt" if len(missing) == 1 else " ontbreken")
        blocks.append(("p", "Tegenvoorbeeld: " + shown))
    blocks.append(("p", "Hoe: " + how_found(f) + "."))
    return blocks


def consistency_blocks(report, model, source: str | None = None) -> list:
    n = len(report.findings)
    known = [f for f in report.findings if f.known]
    blocks: list[Block] = [("h1", f"Consistentie van '{report.title}'"), ("p", f"Bestand: {report.filename}")]
    summary = "Geen bevindingen: geen gaten, overlappen, overschaduwde regels, onmogelijke eisen of termijnen " \
              "gevonden." if not n else f"{counted(n, 'bevinding', 'bevindingen')}."
    if known:
        summary = summary[:-1] + (f": {n - len(known)} nieuw, {len(known)} in het document (vastgelegd als "
                                  "bekende bevinding).")
    blocks.append(("p", summary))
    if report.compared_with is not None:
        earlier = sum(1 for f in report.findings if f.earlier and not f.known)
        blocks.append(("p", f"Vergeleken met {report.compared_with}: {n - len(known) - earlier} nieuw, "
                            f"{earlier} eerder gemeld" + (f", {len(known)} in het document." if known else ".")))
    new = [f for f in report.findings if not f.known]
    if known and new:
        blocks.append(("h2", "Nieuw"))
    for f in new:
        blocks += finding_blocks(f, model, source, report.filename)
    if known:
        blocks.append(("h2", "In het document"))
        blocks.append(("p", "Deze bevindingen legt het beleid vast als van het document zelf (bekende bevinding); "
                            "ze maken de exitcode niet 1."))
    for f in known:
        blocks += finding_blocks(f, model, source, report.filename)
    exact = sum(1 for c in report.checked if c.method == "exact")
    searched = [c for c in report.checked if c.method == "zoektocht"]
    blocks.append(("h2", "Wat is gecontroleerd"))
    blocks.append(("p", f"{counted(exact, 'regel', 'regels')} exact gecontroleerd met de solver (z3): een gevonden gebrek is "
                        "bewezen, en waar niets gevonden is, bestaat het gebrek voor geen enkele volledige casus."))
    assumptions = getattr(model, "assumptions", ())
    if assumptions:
        blocks.append(("p", "Alleen casussen waarvoor de aannames van het beleid gelden, zijn meegenomen (door de solver "
                            "en de zoektocht): " + "; ".join(f"{a.name} (regel {a.span.line}): {a.title}"
                                                              for a in assumptions) + "."))
    if report.fallbacks or searched:
        budget = report.budget
        limit = f" (ten hoogste {budget.max_examples} casussen per zoektocht, zaad {budget.seed})" if budget else ""
        blocks.append(("p", "Niet exact te controleren; daarom gezocht met Hypothesis" + limit +
                       ". Niets vinden bewijst hier niets."))
        blocks.append(("list", [f"{fb.rule}: {fb.reason}" + (f" (regel {fb.span.line})" if fb.span else "")
                                for fb in report.fallbacks]))
    if report.searches:
        blocks.append(("p", search_summary(report)))
    if report.notes:
        blocks += [("h2", "Opmerkingen"), ("list", list(report.notes))]
    if report.unknowns:
        blocks += [("h2", "Onbekend door één ontbrekend gegeven"),
                   ("p", "Per beslissing en eis de gegevens die haar elk op zich onbekend kunnen maken "
                         "(bewezen met de solver)."),
                   ("list", [f"{u.rule}: {', '.join(u.inputs)}" for u in report.unknowns])]
    return blocks


def search_summary(report) -> str:
    """What the searches of a report did: how many, how many cases, and (a warning) where the time
    cap cut one short, which makes the report depend on the machine."""
    total = sum(s.cases for s in report.searches)
    text = (f"De zoektocht probeerde {counted(total, 'casus', 'casussen')} in "
            f"{counted(len(report.searches), 'zoektocht', 'zoektochten')}.")
    late = report.timed_out
    if late:
        seconds = f"{report.budget.seconds:g} s" if report.budget is not None else "de tijdgrens"
        text += (f" LET OP: de tijdgrens ({seconds}, een vangnet) brak "
                 f"{counted(len(late), 'zoektocht', 'zoektochten')} af vóór het aantal casussen bereikt was ("
                 + ", ".join(sorted({s.rule for s in late})) + "); op een andere machine kan dit rapport daardoor "
                 "anders zijn. Een kleiner aantal (--zoek-voorbeelden) of een ruimere tijdgrens (--zoek-seconden) "
                 "maakt het herhaalbaar.")
    return text


# ---------------------------------------------------------------- renderers
def render(blocks, fmt: str = "text") -> str:
    if fmt not in _RENDERERS:
        raise ValueError(f"onbekend formaat {fmt!r}; kies uit {', '.join(_RENDERERS)}")
    return _RENDERERS[fmt](blocks)


def _text(blocks) -> str:
    out = []
    for block in blocks:
        kind = block[0]
        if kind == "h1":
            out += [block[1], "=" * len(block[1])]
        elif kind == "h2":
            out += ["", block[1], "-" * len(block[1])]
        elif kind == "p":
            out.append(block[1])
        elif kind == "code":
            out += ["    " + line for line in block[1].splitlines()]
        elif kind == "list":
            out += [f"  • {item}" for item in block[1]]
        elif kind == "table":
            out += ["  " + " | ".join(str(c) for c in row) for row in [block[1], *block[2]]]
    return "\n".join(out) + "\n"


def _md_cell(text) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _markdown(blocks) -> str:
    out = []
    for block in blocks:
        kind = block[0]
        if kind in ("h1", "h2"):
            out += ["#" * int(kind[1]) + " " + block[1], ""]
        elif kind == "p":
            out += [block[1], ""]
        elif kind == "code":
            out += ["```", block[1], "```", ""]
        elif kind == "list":
            out += [f"- {item}" for item in block[1]] + [""]
        elif kind == "table":
            out.append("| " + " | ".join(_md_cell(h) for h in block[1]) + " |")
            out.append("|" + "---|" * len(block[1]))
            out += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in block[2]]
            out.append("")
    return "\n".join(out)


def _html(blocks) -> str:
    e = html.escape
    title = next((b[1] for b in blocks if b[0] == "h1"), "Rapport")
    out = ["<!DOCTYPE html>", '<html lang="nl"><head><meta charset="utf-8">', f"<title>{e(title)}</title>",
           "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}td,th{border:1px solid #ccc;"
           "padding:.2em .5em}table{border-collapse:collapse}h2{margin-top:1.5em}</style></head><body>"]
    for block in blocks:
        kind = block[0]
        if kind in ("h1", "h2", "p"):
            out.append(f"<{kind}>{e(block[1])}</{kind}>")
        elif kind == "code":
            out.append(f"<pre>{e(block[1])}</pre>")
        elif kind == "list":
            out.append("<ul>" + "".join(f"<li>{e(str(i))}</li>" for i in block[1]) + "</ul>")
        elif kind == "table":
            head = "".join(f"<th>{e(str(h))}</th>" for h in block[1])
            body = "".join("<tr>" + "".join(f"<td>{e(str(c))}</td>" for c in row) + "</tr>" for row in block[2])
            out.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


_RENDERERS = {"text": _text, "md": _markdown, "html": _html}


def write(blocks, path) -> Path:
    """Write a report atomically (`dsl.atomic`); the format follows the extension (.html/.htm,
    .md/.markdown, else text)."""
    path = Path(path)
    suffix = path.suffix.lower()
    fmt = "html" if suffix in (".html", ".htm") else "md" if suffix in (".md", ".markdown") else "text"
    return write_text(path, render(blocks, fmt))
