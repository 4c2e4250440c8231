"""The timeline view: a case's deadlines as a small inline SVG chart.

Contract: `timeline_svg(evaluation)` draws one row per `termijn` of the policy that applies:
the window (from its start, if any, to its end) as a bar, the end as a tick, the event's date
from the case as a dot coloured by the status (green gehaald, red niet gehaald, grey nog niet
verstreken or onbekend) and the peildatum as a dashed line; beside it the title, the status and
the window in Dutch, worded from the termijn's meaning in the core model (`Timeline.start`,
`end`, `strict`, `exact`): "uiterlijk 22 maart 2024", "vóór …", "op …", "niet vóór …",
"van … tot en met …". Rules without any known date are listed without a bar.
`TimelineView(evaluation)` is an HTML widget holding that chart; `show(evaluation)` redraws.
"""

from __future__ import annotations

from datetime import date, datetime
from html import escape

import ipywidgets as w

from dsl.core.expr import Input
from dsl.core.model import RuleKind, Status, Timeline
from dsl.runtime.formatting import format_value
from kernel.widgets.html import FONT, GREEN, GREY, RED

_COLOURS = {Status.GEHAALD: GREEN, Status.NIET_GEHAALD: RED}
LABEL_W, CHART_W, ROW_H = 300, 360, 34


def _moment(value: date) -> datetime:
    """A date or date-time as a date-time (a date at midnight), to place it on the axis."""
    if isinstance(value, datetime):
        return value
    return datetime(value.year, value.month, value.day)


def _fmt(value) -> str:
    if value is None:
        return "onbekend"
    return format_value(value, "tijdstip" if isinstance(value, datetime) else "datum")


def rows_of(evaluation) -> list[dict]:
    """One dict per applicable timeline: title, status, start, deadline (its end), the event
    and how the window is worded."""
    rows = []
    outcome = evaluation.outcome
    for name, result in outcome.of_kind(RuleKind.TIMELINE).items():
        if result.status is Status.NVT:
            continue
        rule = evaluation.model.rules[name]
        subject = rule.subject
        event = outcome.case.data.get(subject.name) if isinstance(subject, Input) else outcome.trace.value_of(subject)
        rows.append({"name": name, "title": rule.display, "status": result.status, "start": result.start,
                         "deadline": result.deadline, "event": event, "window": _window(rule, result.start, result.deadline)})
    return rows


def _window(rule: Timeline, start, end) -> str:
    """The window of a termijn in Dutch, from its meaning: its end (exact, strict or not) and start."""
    if rule.end is None:
        return f"niet vóór {_fmt(start)}"
    last = "op" if rule.exact else ("vóór" if rule.strict else "uiterlijk")
    if rule.start is not None and rule.base is None:  # a window written as van ... tot (en met) ...
        return f"van {_fmt(start)} {'tot' if rule.strict else 'tot en met'} {_fmt(end)}"
    return f"{last} {_fmt(end)}"


def timeline_svg(evaluation) -> str:
    rows = rows_of(evaluation)
    if not rows:
        return f'<div style="{FONT}">Dit beleid heeft geen termijnen.</div>'
    peil = evaluation.outcome.case.peil
    moments = [_moment(v) for r in rows for v in (r["start"], r["deadline"], r["event"]) if v is not None]
    moments += [_moment(peil)] if peil else []
    if not moments:
        return (f'<div style="{FONT}">Nog geen termijn heeft een datum: vul de datums van de casus of een '
                "peildatum in.</div>")
    low, high = min(moments), max(moments)
    span = max((high - low).total_seconds(), 86400.0)

    def x(value) -> float:
        return LABEL_W + 10 + (CHART_W - 20) * (_moment(value) - low).total_seconds() / span

    height = ROW_H * len(rows) + 30
    parts = [f'<svg class="bt-timeline" xmlns="http://www.w3.org/2000/svg" width="{LABEL_W + CHART_W}" '
             f'height="{height}" style="{FONT}" role="img" aria-label="tijdlijn van de termijnen">']
    for i, row in enumerate(rows):
        parts.append(_row_svg(row, 14 + i * ROW_H, x))
    if peil:
        px = x(peil)
        parts.append(f'<line x1="{px:.1f}" y1="4" x2="{px:.1f}" y2="{height - 22}" stroke="#0969da" '
                     f'stroke-dasharray="4 3"/><text x="{px:.1f}" y="{height - 10}" font-size="10" '
                     f'text-anchor="middle" fill="#0969da">peildatum {escape(_fmt(peil))}</text>')
    parts.append(f'<text x="{LABEL_W + 10}" y="{height - 2}" font-size="10" fill="#57606a">{escape(_fmt(low))}</text>'
                 f'<text x="{LABEL_W + CHART_W - 10}" y="{height - 2}" font-size="10" text-anchor="end" '
                 f'fill="#57606a">{escape(_fmt(high))}</text></svg>')
    return "".join(parts)


def _row_svg(row: dict, y: int, x) -> str:
    colour = _COLOURS.get(row["status"], GREY)
    title = row["title"] if len(row["title"]) <= 46 else row["title"][:45] + "…"
    dates = row["window"] + (f' · gebeurd {_fmt(row["event"])}' if row["event"] else "")
    out = [f'<g class="bt-deadline" data-name="{escape(row["name"])}" data-status="{escape(row["status"])}">'
           f'<title>{escape(row["title"])}: {escape(row["status"])} ({escape(dates)})</title>'
           f'<text x="0" y="{y}" font-size="11">{escape(title)}</text>'
           f'<text x="0" y="{y + 13}" font-size="10" fill="{colour}">{escape(row["status"])} · {escape(dates)}</text>']
    if row["deadline"] is not None:
        start = row["start"] if row["start"] is not None else row["deadline"]
        out.append(f'<line x1="{x(start):.1f}" y1="{y + 2}" x2="{x(row["deadline"]):.1f}" y2="{y + 2}" '
                   f'stroke="#8c959f" stroke-width="6" stroke-linecap="round" opacity="0.5"/>'
                   f'<line x1="{x(row["deadline"]):.1f}" y1="{y - 6}" x2="{x(row["deadline"]):.1f}" '
                   f'y2="{y + 10}" stroke="#24292f" stroke-width="2"/>')
    if row["event"] is not None:
        out.append(f'<circle cx="{x(row["event"]):.1f}" cy="{y + 2}" r="5" fill="{colour}"/>')
    out.append("</g>")
    return "".join(out)


class TimelineView(w.HTML):
    def __init__(self, evaluation):
        super().__init__(timeline_svg(evaluation))

    def show(self, evaluation) -> None:
        self.value = timeline_svg(evaluation)
