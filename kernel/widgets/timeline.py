"""The timeline view: a case's deadlines as a chart that takes the width of its pane.

Contract: `timeline_svg(evaluation)` draws one row per `termijn` of the policy that applies: its
title and, on the line below, its mark and status, the window in Dutch and the event's date
(text that wraps, never cut off); under that a strip with the window (from its start, if any, to
its end) as a bar, the end as a tick, the event's date from the case as a dot and the peildatum
as a dashed line; at the bottom the first and last date of the axis and the peildatum. Colours
and marks are those of the status (`kernel.widgets.html.STATUS_MARKS`): green ✔ gehaald, red ✘
niet gehaald, amber ! verstreken zonder datum (the deadline passed, the event's date was not
entered: not known to be missed), amber ? onbekend, grey … nog niet verstreken. The window is
worded from the termijn's meaning in the core model (`Timeline.start`, `end`, `strict`, `exact`):
"uiterlijk 22 maart 2024", "vóór …", "op …", "niet vóór …", "van … tot en met …"; a date is
written as a date ("3 april 2023"), a tijdstip with its time. Positions are percentages of the
strip, so the chart scales to any width (no fixed pixel width): every mark, the peildatum line
and the axis labels stay inside the pane. Rules without any known date are listed without a
bar. `TimelineView(evaluation)` is an HTML widget holding that chart; `show(evaluation)`
redraws.
"""

from __future__ import annotations

from datetime import date, datetime
from html import escape

import ipywidgets as w

from dsl.core.expr import Input
from dsl.core.model import RuleKind, Status, Timeline
from dsl.runtime.formatting import format_value
from kernel.widgets.html import FONT, GREY, STATUS_MARKS

PEIL = "#0969da"
MARGIN = 2.0   # percent of the strip kept free at each end, so a dot on the first or last date fits


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
    dates = [v for r in rows for v in (r["start"], r["deadline"], r["event"]) if v is not None]
    dates += [peil] if peil else []
    if not dates:
        return (f'<div style="{FONT}">Nog geen termijn heeft een datum: vul de datums van de casus of een '
                "peildatum in.</div>")
    low, high = min(dates, key=_moment), max(dates, key=_moment)
    span = max((_moment(high) - _moment(low)).total_seconds(), 86400.0)

    def x(value) -> float:
        """The place of `value` on the strip, in percent of its width."""
        return MARGIN + (100 - 2 * MARGIN) * (_moment(value) - _moment(low)).total_seconds() / span

    peil_x = x(peil) if peil else None
    parts = [f'<div class="bt-timeline" style="{FONT}width:100%;min-width:0;box-sizing:border-box" '
             f'role="list" aria-label="tijdlijn van de termijnen">']
    parts += [_row_html(row, x, peil_x) for row in rows]
    parts.append(_axis_html(low, high, peil, peil_x))
    parts.append("</div>")
    return "".join(parts)


def _at(percent: float) -> str:
    """CSS placing a label at `percent` of its line without leaving it: a label at 0% starts
    there, one at 100% ends there, one in between is shifted by the same share of its width."""
    return f"position:absolute;left:{percent:.2f}%;transform:translateX(-{percent:.2f}%);white-space:nowrap"


def _axis_html(low, high, peil, peil_x) -> str:
    ends = (f'<div class="bt-axis" style="position:relative;height:16px;font-size:11px;color:#57606a">'
            f'<span class="bt-axis-low" style="{_at(0)}">{escape(_fmt(low))}</span>'
            f'<span class="bt-axis-high" style="{_at(100)}">{escape(_fmt(high))}</span></div>')
    if peil is None or peil_x is None:
        return ends
    return (ends + f'<div class="bt-peil-label" style="position:relative;height:16px;font-size:11px;color:{PEIL}">'
            f'<span style="{_at(peil_x)}">┆ peildatum {escape(_fmt(peil))}</span></div>')


def _row_html(row: dict, x, peil_x) -> str:
    mark, colour = STATUS_MARKS.get(row["status"], ("•", GREY))
    dates = row["window"] + (f' · gebeurd {_fmt(row["event"])}' if row["event"] else "")
    text = (f'<div class="bt-deadline-title" style="overflow-wrap:anywhere">{escape(row["title"])}</div>'
            f'<div class="bt-deadline-status" style="font-size:12px;color:{colour};overflow-wrap:anywhere">'
            f'<b>{mark} {escape(row["status"])}</b> · {escape(dates)}</div>')
    return (f'<div class="bt-deadline" role="listitem" data-name="{escape(row["name"])}" '
            f'data-status="{escape(row["status"])}" title="{escape(row["name"])}" style="margin:0 0 6px 0">'
            f'{text}{_strip_html(row, x, peil_x, colour)}</div>')


def _strip_html(row: dict, x, peil_x, colour: str) -> str:
    """The row's strip: window bar, end tick, event dot and peildatum line, placed in percent."""
    out = ['<div class="bt-strip" style="position:relative;height:14px;width:100%;overflow:hidden">']
    if peil_x is not None:
        out.append(f'<div style="position:absolute;left:{peil_x:.2f}%;top:0;bottom:0;'
                   f'border-left:1px dashed {PEIL}"></div>')
    if row["deadline"] is not None:
        end = x(row["deadline"])
        begin = x(row["start"]) if row["start"] is not None else end
        out.append(f'<div class="bt-window" style="position:absolute;left:{min(begin, end):.2f}%;'
                   f'width:{abs(end - begin):.2f}%;top:4px;height:6px;border-radius:3px;'
                   f'background:#8c959f;opacity:0.5"></div>'
                   f'<div class="bt-end" style="position:absolute;left:{end:.2f}%;top:0;height:14px;'
                   f'width:2px;margin-left:-1px;background:#24292f"></div>')
    if row["event"] is not None:
        out.append(f'<div class="bt-event" style="position:absolute;left:{x(row["event"]):.2f}%;top:2px;'
                   f'width:10px;height:10px;margin-left:-5px;border-radius:50%;background:{colour}"></div>')
    out.append("</div>")
    return "".join(out)


class TimelineView(w.HTML):
    def __init__(self, evaluation):
        super().__init__(timeline_svg(evaluation), layout=w.Layout(min_width="0"))

    def show(self, evaluation) -> None:
        self.value = timeline_svg(evaluation)
