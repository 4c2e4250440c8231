"""Pure HTML for the widgets: a step of the trace, the explanation tree, a summary line.

Contract: every function here takes immutable data (a `TraceStep`, `dsl.explain` steps, an
`Evaluation`) and returns an HTML string; nothing evaluates, nothing holds state, so the widgets
stay cursors and the tests can assert on the text. All user text is escaped. Colours and marks
per result word are in `MARKS`.
"""

from __future__ import annotations

from html import escape

from dsl.core.model import STATUS_ORDER, RuleKind, Status
from dsl.runtime.formatting import counted

GREEN, RED, GREY, AMBER = "#1a7f37", "#cf222e", "#6e7781", "#9a6700"
MARKS = {
    "voldaan": ("✔", GREEN), "gehaald": ("✔", GREEN), "ja": ("✔", GREEN), "toegepast": ("→", GREEN),
    "bepaald": ("✔", GREEN), "niet voldaan": ("✘", RED), "niet gehaald": ("✘", RED), "nee": ("✘", RED),
    "geldt niet": ("✘", GREY), "onbekend": ("?", AMBER), "niet van toepassing": ("–", GREY),
    "nog niet verstreken": ("…", GREY), "niet bekeken": ("·", GREY), "geen uitkomst": ("✘", RED),
    "meerdere regels": ("✘", RED),
}
FONT = "font-family: var(--jp-ui-font-family, sans-serif); font-size: 13px; line-height: 1.45;"
MONO = "font-family: var(--jp-code-font-family, monospace); font-size: 12px;"


def badge(result: str) -> str:
    """A coloured result word with its mark, e.g. ✘ niet voldaan."""
    mark, colour = MARKS.get(result, ("•", "#24292f"))
    return (f'<span class="bt-result" data-result="{escape(result)}" style="color:{colour};'
            f'font-weight:600">{mark} {escape(result)}</span>')


def source_window(name: str, text: str, rule_span, node_span, context: int = 1) -> str:
    """Lines of `text` around `rule_span`, the rule highlighted and `node_span` marked."""
    lines = text.split("\n")
    first = max(1, rule_span.line - context)
    last = min(len(lines), rule_span.end_line + context)
    rows = []
    for number in range(first, last + 1):
        line = lines[number - 1]
        inside = rule_span.line <= number <= rule_span.end_line
        body = _marked(line, number, node_span) if node_span else escape(line)
        style = "background:#fff8c5;" if inside else "color:#6e7781;"
        rows.append(f'<div class="{"bt-rule-line" if inside else "bt-context"}" style="{style}white-space:pre">'
                    f'<span style="color:#8c959f">{number:>4} │ </span>{body}</div>')
    return (f'<div class="bt-source" style="{MONO}border:1px solid #d0d7de;border-radius:4px;padding:4px;'
            f'overflow-x:auto"><div style="color:#57606a">{escape(name)}</div>{"".join(rows)}</div>')


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
    rows = "".join(f"<tr><td style='padding:0 8px 0 0;color:#57606a'>{escape(str(k))}</td>"
                   f"<td><b>{escape(str(v))}</b></td></tr>" for k, v in values)
    return f'<table class="bt-values" style="border-collapse:collapse;margin:4px 0">{rows}</table>'


def step_html(step, total: int, located) -> str:
    """One step of the trace: where we are, the rule in the source, the values, the sentence."""
    where = (f'regel <b>{escape(step.rule)}</b>' + (f" — {escape(step.rule_title)}" if step.rule_title else "")
             if step.rule else "")
    head = (f'<div class="bt-step-head"><b>Stap {step.index + 1} van {total}</b> · {escape(step.kind)} · '
            f'{where}</div>')
    source = ""
    if located is not None:
        name, text, rule_span, node_span = located
        source = source_window(f"{name}, regel {rule_span.line}", text, rule_span, node_span)
    read = ""
    if step.inputs:
        names = ", ".join(escape(n) for n in step.inputs)
        read = f'<div class="bt-inputs" style="color:#57606a">Leest de gegevens: {names}</div>'
    return (f'<div class="bt-step" style="{FONT}">{head}{source}'
            f'<div style="margin-top:4px"><code style="{MONO}">{escape(step.text)}</code> → {badge(step.result)}</div>'
            f'{values_table(step.values)}'
            f'<div class="bt-sentence" style="margin-top:4px">{escape(step.sentence)}</div>{read}</div>')


_OPEN = (Status.NIET_VOLDAAN, Status.NIET_GEHAALD, Status.GEEN_UITKOMST)


def tree_html(steps, keep=None, depth: int = 0) -> str:
    """The explanation as nested <details>: open where something failed or is unknown.
    `keep(step)` filters the top level (None keeps all)."""
    items = []
    for step in steps:
        if depth == 0 and keep is not None and not keep(step):
            continue
        items.append(_tree_item(step, depth))
    if not items and depth == 0:
        return f'<div style="{FONT}color:#57606a">Niets te tonen met dit filter.</div>'
    return "".join(items) if depth else f'<div class="bt-tree" style="{FONT}">{"".join(items)}</div>'


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


def summary_html(evaluation) -> str:
    """One line: the decisions' outcomes (title, then outcome; the identifier as a tooltip) and
    the counts per requirement status, in `STATUS_ORDER`: what fails and what is unknown first."""
    results = evaluation.outcome.results
    counts: dict[str, int] = {}
    for r in results.values():
        if r.kind is RuleKind.REQUIREMENT:
            counts[r.status] = counts.get(r.status, 0) + 1
    decisions = [f'<span class="bt-decision" data-name="{escape(r.name)}" title="{escape(r.name)}">'
                 f'{escape(r.title or r.name)}: <b>{escape(outcome_text(evaluation, r))}</b></span>'
                 for r in results.values() if r.kind is RuleKind.DECISION]
    parts = " · ".join(f"{badge(k)} {counts[k]}" for k in in_status_order(counts))
    missing = len(evaluation.outcome.missing)
    return (f'<div class="bt-summary" style="{FONT}"><b>{escape(evaluation.policy.title)}</b><br>'
            f'{"<br>".join(decisions)}{"<br>" if decisions else ""}Eisen: {parts or "geen"}'
            f' · {counted(missing, "gegeven", "gegevens")} onbekend</div>')


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
