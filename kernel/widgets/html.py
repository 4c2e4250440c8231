"""Pure HTML for the widgets: a step of the trace, the explanation tree, a summary line.

Contract: every function here takes immutable data (a `TraceStep`, `dsl.explain` steps, an
`Evaluation`) and returns an HTML string; nothing evaluates, nothing holds state, so the widgets
stay cursors and the tests can assert on the text. All user text is escaped. The mark and colour
of every `Status` are in `STATUS_MARKS`, of every result word in `MARKS`. Text wraps within the
width it is given (no fixed widths); `DASHBOARD_CSS` holds the few rules inline styles cannot
give (inside JupyterLab's own widget elements).
"""

from __future__ import annotations

from html import escape

from dsl.core.model import NOT_IN_ORDER, STATUS_ORDER, RuleKind, Status
from dsl.runtime.formatting import counted

GREEN, RED, GREY, AMBER = "#1a7f37", "#cf222e", "#6e7781", "#9a6700"
# The mark and colour of every status (a test checks that no member of `Status` is missing):
# red for a known failure, amber for what needs attention but is not known to fail ("!" for a
# deadline passed without the event's date, "?" for unknown), green for passed, grey for the rest.
STATUS_MARKS: dict[Status, tuple[str, str]] = {
    Status.VOLDAAN: ("✔", GREEN), Status.NIET_VOLDAAN: ("✘", RED), Status.GEHAALD: ("✔", GREEN),
    Status.NIET_GEHAALD: ("✘", RED), Status.VERSTREKEN_ZONDER_DATUM: ("!", AMBER), Status.NOG_NIET: ("…", GREY),
    Status.BEPAALD: ("✔", GREEN), Status.GEEN_UITKOMST: ("✘", RED), Status.MEERDERE: ("✘", RED),
    Status.ONBEKEND: ("?", AMBER), Status.NVT: ("–", GREY),
}
# ... and of the other result words of explanation steps (conditions, decision rows).
MARKS: dict[str, tuple[str, str]] = {
    **{str(status): shown for status, shown in STATUS_MARKS.items()}, "ja": ("✔", GREEN), "toegepast": ("→", GREEN), "nee": ("✘", RED), "geldt niet": ("✘", GREY),
    "niet bekeken": ("·", GREY),
}
FONT = "font-family: var(--jp-ui-font-family, sans-serif); font-size: 13px; line-height: 1.45;"
MONO = "font-family: var(--jp-code-font-family, monospace); font-size: 12px;"
# Layout rules for a dashboard (the element with the class bt-dashboard), as a <style> the
# dashboard carries in a hidden HTML widget: HTML widgets wrap their text instead of clipping
# it, and a tab's title is never shortened ("Stap voor stap" whole; the tab bar wraps instead).
DASHBOARD_CSS = """<style>
.bt-dashboard .widget-html, .bt-dashboard .widget-html-content { min-width: 0; max-width: 100%; }
.bt-dashboard .widget-html-content { white-space: normal; overflow-wrap: anywhere; }
.bt-dashboard .widget-tab > .lm-TabBar .lm-TabBar-content { flex-wrap: wrap; }
.bt-dashboard .widget-tab > .lm-TabBar .lm-TabBar-tab { flex: 0 0 auto; min-width: max-content; max-width: none; }
.bt-dashboard .widget-tab > .lm-TabBar .lm-TabBar-tabLabel { overflow: visible; text-overflow: clip; }
.bt-dashboard .widget-tab > .widget-tab-contents { min-width: 0; overflow-x: hidden; }
.bt-dashboard .widget-toggle-buttons { flex-wrap: wrap; height: auto; }
.bt-dashboard .widget-toggle-buttons .widget-toggle-button { min-width: max-content; }
</style>"""
_WRAP = "white-space:normal;overflow-wrap:anywhere;min-width:0;"
_WRAP_LINE = "display:flex;align-items:flex-start;"
_WRAP_CODE = "white-space:pre-wrap;overflow-wrap:anywhere;min-width:0;"


def badge(result: str) -> str:
    """A coloured result word with its mark, e.g. ✘ niet voldaan."""
    mark, colour = MARKS.get(result, ("•", "#24292f"))
    return (f'<span class="bt-result" data-result="{escape(result)}" style="color:{colour};'
            f'font-weight:600">{mark} {escape(result)}</span>')


def source_window(name: str, text: str, rule_span, node_span, context: int = 1) -> str:
    """Lines of `text` around `rule_span`, the rule highlighted and `node_span` marked. A long
    line wraps under itself (the line number keeps its own column), so nothing is cut off."""
    lines = text.split("\n")
    first = max(1, rule_span.line - context)
    last = min(len(lines), rule_span.end_line + context)
    rows = []
    for number in range(first, last + 1):
        line = lines[number - 1]
        inside = rule_span.line <= number <= rule_span.end_line
        body = _marked(line, number, node_span) if node_span else escape(line)
        style = "background:#fff8c5;" if inside else "color:#6e7781;"
        rows.append(f'<div class="{"bt-rule-line" if inside else "bt-context"}" style="{style}{_WRAP_LINE}">'
                    f'<span class="bt-line-number" style="color:#8c959f;flex:none;white-space:pre">{number:>4} │ </span>'
                    f'<span class="bt-code" style="{_WRAP_CODE}">{body}</span></div>')
    return (f'<div class="bt-source" style="{MONO}border:1px solid #d0d7de;border-radius:4px;padding:4px">'
            f'<div style="color:#57606a;{_WRAP}">{escape(name)}</div>{"".join(rows)}</div>')


def _marked(line: str, number: int, span) -> str:
    if not span.line <= number <= span.end_line:
        return escape(line)
    start = span.column - 1 if number == span.line else 0
    end = span.end_column if number == span.end_line else len(line)
    return (escape(line[:start]) + '<mark class="bt-current" style="background:#ffd33d;padding:0">'
            + escape(line[start:end]) + "</mark>" + escape(line[end:]))


def values_table(values) -> str:
    if not values:
        return ""
    rows = "".join(f"<tr><td style='padding:0 8px 0 0;color:#57606a;{_WRAP}'>{escape(str(k))}</td>"
                   f"<td style='{_WRAP}'><b>{escape(str(v))}</b></td></tr>" for k, v in values)
    return f'<table class="bt-values" style="border-collapse:collapse;margin:4px 0;max-width:100%">{rows}</table>'


def step_html(step, total: int, located) -> str:
    """One step of the trace: where we are, the rule in the source, the values, the sentence.
    Every part wraps within the width it is given."""
    where = (f'regel <b>{escape(step.rule)}</b>' + (f" — {escape(step.rule_title)}" if step.rule_title else "")
             if step.rule else "")
    head = (f'<div class="bt-step-head" style="{_WRAP}"><b>Stap {step.index + 1} van {total}</b> · '
            f'{escape(step.kind)} · {where}</div>')
    source = ""
    if located is not None:
        name, text, rule_span, node_span = located
        source = source_window(f"{name}, regel {rule_span.line}", text, rule_span, node_span)
    read = ""
    if step.inputs:
        names = ", ".join(escape(n) for n in step.inputs)
        read = f'<div class="bt-inputs" style="color:#57606a;{_WRAP}">Leest de gegevens: {names}</div>'
    return (f'<div class="bt-step" style="{FONT}{_WRAP}">{head}{source}'
            f'<div class="bt-step-code" style="margin-top:4px;{_WRAP}"><code style="{MONO}{_WRAP_CODE}">'
            f'{escape(step.text)}</code> → {badge(step.result)}</div>'
            f'{values_table(step.values)}'
            f'<div class="bt-sentence" style="margin-top:4px;{_WRAP}">{escape(step.sentence)}</div>{read}</div>')


_OPEN = (Status.NIET_VOLDAAN, Status.NIET_GEHAALD, Status.GEEN_UITKOMST, Status.MEERDERE)
_RULE_KINDS = frozenset(str(kind) for kind in RuleKind)


def tree_html(steps, keep=None, depth: int = 0) -> str:
    """The explanation as nested <details>, what matters first. Among rules (the top level, the
    eisen of a group) those that fail or need attention (`NOT_IN_ORDER`: niet voldaan, niet
    gehaald, verstreken zonder datum, onbekend, ...) come first, in `STATUS_ORDER`, open where
    something failed; the others (voldaan, gehaald, niet van toepassing, a value) follow, folded
    in one closed <details> headed by their counts. Conditions and decision rows keep the
    policy's order. `keep(step)` filters the top level (None keeps all)."""
    if depth == 0 and keep is not None:
        steps = [step for step in steps if keep(step)]
    if not steps and depth == 0:
        return f'<div style="{FONT}color:#57606a">Niets te tonen met dit filter.</div>'
    if all(step.kind in _RULE_KINDS for step in steps):
        first = steps_in_status_order([s for s in steps if s.result in NOT_IN_ORDER])
        rest = [s for s in steps if s.result not in NOT_IN_ORDER]
        items = "".join(_tree_item(s, depth) for s in first) + (_folded(rest, depth) if rest else "")
    else:
        items = "".join(_tree_item(step, depth) for step in steps)
    return items if depth else f'<div class="bt-tree" style="{FONT}{_WRAP}">{items}</div>'


def steps_in_status_order(steps) -> list:
    """Steps sorted by their result in `STATUS_ORDER` (stable: the policy's order within one)."""
    rank = {status: i for i, status in enumerate(STATUS_ORDER)}
    return sorted(steps, key=lambda step: rank.get(step.result, len(rank)))


def _folded(steps, depth: int) -> str:
    """Rules that are in order (or have a value), folded under one closed heading with counts."""
    counts: dict[str, int] = {}
    values = 0
    for step in steps:
        if step.result in STATUS_MARKS:
            counts[step.result] = counts.get(step.result, 0) + 1
        else:
            values += 1
    parts = [f"{badge(status)} {counts[status]}" for status in in_status_order(counts)]
    if values:
        parts.append(counted(values, "uitkomst", "uitkomsten"))
    head = f'Verder {counted(len(steps), "regel", "regels")}: {" · ".join(parts)}'
    inner = "".join(_tree_item(step, 1) for step in steps)
    return (f'<details class="bt-rest" style="margin:4px 0 0 {16 if depth else 0}px">'
            f'<summary style="color:#57606a">{head}</summary>{inner}</details>')


def _tree_item(step, depth: int) -> str:
    name = f"<b>{escape(step.name)}</b>: " if step.name and step.kind != "voorwaarde" else ""
    title = escape(step.text)
    summary = f"{badge(step.result)} {name}{title}"
    body = f'<div class="bt-sentence" style="color:#24292f;margin:2px 0 2px 16px">{escape(step.sentence)}</div>'
    if step.values:
        body += f'<div style="margin-left:16px">{values_table(step.values)}</div>'
    if step.source:
        body += f'<div style="margin-left:16px;color:#57606a">Bron: {escape(step.source)}</div>'
    if not step.children and step.kind == "voorwaarde":
        return f'<div class="bt-leaf" style="margin-left:{16 if depth else 0}px">{summary}</div>'
    inner = tree_html(step.children, depth=depth + 1) if step.children else ""
    is_open = " open" if step.result in _OPEN and depth < 1 else ""
    return (f'<details class="bt-node" data-name="{escape(step.name or "")}"{is_open} '
            f'style="margin-left:{16 if depth else 0}px"><summary>{summary}</summary>{body}'
            f'<div>{inner}</div></details>')


_COUNTED = ((RuleKind.REQUIREMENT, "Eisen"), (RuleKind.TIMELINE, "Termijnen"))


def summary_html(evaluation) -> str:
    """The decisions' outcomes (title, then outcome; the identifier as a tooltip), then for the
    eisen and the termijnen the count of every status that occurs, in `STATUS_ORDER` (what
    fails and what needs attention first), and how many gegevens are unknown."""
    results = evaluation.outcome.results
    counts: dict[RuleKind, dict[str, int]] = {kind: {} for kind, _ in _COUNTED}
    for r in results.values():
        if r.kind in counts:
            counts[r.kind][r.status] = counts[r.kind].get(r.status, 0) + 1
    decisions = [f'<div class="bt-decision" data-name="{escape(r.name)}" title="{escape(r.name)}">'
                 f'{escape(r.title or r.name)}: <b>{escape(outcome_text(evaluation, r))}</b></div>'
                 for r in results.values() if r.kind is RuleKind.DECISION]
    lines = [f'<div class="bt-counts" data-kind="{kind}">{label}: '
             + " · ".join(f"{badge(k)} {found[k]}" for k in in_status_order(found)) + "</div>"
             for kind, label in _COUNTED if (found := counts[kind])]
    if not counts[RuleKind.REQUIREMENT]:
        lines.insert(0, f'<div class="bt-counts" data-kind="{RuleKind.REQUIREMENT}">Eisen: geen</div>')
    missing = len(evaluation.outcome.missing)
    return (f'<div class="bt-summary" style="{FONT}{_WRAP}"><b>{escape(evaluation.policy.title)}</b>'
            f'{"".join(decisions)}{"".join(lines)}'
            f'<div>{counted(missing, "gegeven", "gegevens")} onbekend</div></div>')


def in_status_order(statuses) -> list:
    """`statuses` (Status values) in `STATUS_ORDER`: failing and unknown first."""
    rank = {status: i for i, status in enumerate(STATUS_ORDER)}
    return sorted(statuses, key=lambda status: rank.get(status, len(rank)))


def outcome_text(evaluation, result) -> str:
    """A rule's outcome in Dutch: its value when it has one ("cliëntvolgende overeenkomst",
    "1 jaar"), else its status."""
    if result.value is None:
        return str(result.status)
    try:
        return str(evaluation.policy.format(result.name, result.value))
    except (AttributeError, KeyError, TypeError, ValueError):
        return str(result.value)


def notice_html(head: str, detail: str) -> str:
    """An amber notice above a view: a bold headline and an explaining line (both HTML)."""
    return (f'<div class="bt-notice" style="{FONT}color:{AMBER}"><b>⚠ {head}</b>'
            f'<div style="color:#24292f">{detail}</div></div>')


def stale_html(cell: str, detail: str) -> str:
    """The notice of a view whose policy was replaced in `cell`: the same words everywhere."""
    return notice_html(f"verouderd: het beleid is gewijzigd in {escape(cell)}", detail)


def with_full_text(bundle: dict, text: str) -> dict:
    """A widget's mime bundle with `text` as its text/plain (ipywidgets cuts that at 110
    characters; the console and a notebook's stored outputs should get the whole report)."""
    if bundle:
        bundle["text/plain"] = text
    return bundle
