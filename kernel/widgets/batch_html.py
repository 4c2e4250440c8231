"""Pure HTML for the batch view: the summary of a table, the rows of a page, the charts.

Contract: every function takes a `kernel.batch.TableEvaluation` (and plain values) and returns
an HTML string; nothing evaluates and nothing holds state. `summary_html` gives the counts per
status per kind of rule (statuses in `STATUS_ORDER`), the rules most often not met and the
refused rows with their reasons. `columns(te, rule, refused)` chooses the columns of the row table
(the row's keys, the filtered rule, the keuze decisions' outcomes, the count of requirements and
deadlines not met and unknown, and on a page with refused rows the reason); `header_html` and `row_html` draw one line
each on a CSS grid whose widths (`widths`) are shared by the lines of a page, so the separate
widgets of a page line up. `charts_html` draws per decision a bar chart of its outcomes (for a
keuze or tekst outcome) and a histogram per numeric gegeven its rows compare with a threshold.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

import attrs

from dsl.core import model as M
from kernel.widgets.charts import PALETTE, bar_chart_svg, histogram_caption, histogram_svg, legend_html, number
from kernel.widgets.html import AMBER, FONT, GREY, MARKS, RED, badge

SHOWN = 10
_KIND_NAMES = {M.RuleKind.GROUP: "eisengroepen"}
_STATUS_COLOURS = {M.Status.ONBEKEND: AMBER, M.Status.NVT: GREY, M.Status.GEEN_UITKOMST: RED,
                   M.Status.MEERDERE: RED}


# ---------------------------------------------------------------- summary
def _head(te) -> str:
    return (f'{number(te.rows)} {"rij" if te.rows == 1 else "rijen"}, '
            f'{number(te.rows - te.refused)} geëvalueerd, {number(te.refused)} geweigerd')


def summary_text(te) -> list[str]:
    """The summary as plain lines (what a console shows): the head line first."""
    lines = [f"{te.policy.title} op {te.table.written}: {_head(te)}"]
    for kind, tally in te.kind_counts():
        parts = ", ".join(f"{number(tally[s])} {s}" for s in M.STATUS_ORDER if tally[s])
        lines.append(f"  {_KIND_NAMES.get(kind, kind.plural)}: {parts}")
    for decision in te.decisions():
        categories = te.categories(decision.name)
        if decision.type.kind in ("keuze", "tekst") and categories:
            lines.append(f"  {decision.name}: " + ", ".join(f"{number(c.count)} {c.label}" for c in categories))
    lines += [f"  geweigerd: rij {row}: {reason}" for row, reason in te.summary.refused[:SHOWN]]
    return lines


def summary_html(te) -> str:
    """Rows read, evaluated and refused; counts per status per kind; most failed; refused rows."""
    head = f'<b>{escape(te.policy.title)}</b> op <b>{escape(te.table.written)}</b>: {_head(te)}'
    blocks = [_counts_table(te), _most_failed(te)]
    refused = _refused(te)
    return (f'<div class="bt-batch-summary" style="{FONT}"><div style="margin-bottom:4px">{head}</div>'
            f'<div style="display:flex;flex-wrap:wrap;gap:6px 28px;align-items:flex-start">{"".join(blocks)}</div>'
            f'{refused}</div>')


def _counts_table(te) -> str:
    """Statuses down (in `STATUS_ORDER`: what needs attention first), kinds of rule across."""
    kinds = te.kind_counts()
    cell = "padding:1px 0 1px 14px;text-align:right;white-space:nowrap"
    head = "".join(f'<th style="{cell};font-weight:normal;color:#57606a" data-kind="{escape(kind.value)}">'
                   f'{escape(_KIND_NAMES.get(kind, kind.plural))}</th>' for kind, _ in kinds)
    rows = []
    for status in te.statuses_shown():
        cells = "".join(f'<td style="{cell}">{number(tally[status]) if tally[status] else "·"}</td>'
                        for _, tally in kinds)
        rows.append(f'<tr data-status="{escape(status.value)}"><td style="white-space:nowrap">{badge(status.value)}</td>'
                    f"{cells}</tr>")
    return (f'<table class="bt-status-counts" style="border-collapse:collapse">'
            f'<tr><th></th>{head}</tr>{"".join(rows)}</table>')


def _most_failed(te) -> str:
    failed = te.most_failed()
    if not failed:
        return ""
    items = "".join(f'<li><span style="color:{RED}">{number(n)}</span> {escape(name)}'
                    f'<span style="color:#57606a"> — {escape(_cut(te.model.rules[name].display, 60))}</span></li>'
                    for name, n in failed)
    return (f'<div class="bt-most-failed"><div>Het vaakst niet voldaan of niet gehaald:</div>'
            f'<ul style="margin:0;padding-left:18px">{items}</ul></div>')


def _refused(te) -> str:
    if not te.refused:
        return ""
    items = "".join(f'<li>rij {row}: {escape(reason)}</li>' for row, reason in te.summary.refused[:SHOWN])
    more = (f'<li>en {number(te.refused - SHOWN)} meer (filter op "geweigerde rijen")</li>'
            if te.refused > SHOWN else "")
    return (f'<div class="bt-refused" style="margin-top:4px;color:{RED}">Geweigerde rijen ({number(te.refused)}):'
            f'<ul style="margin:0;padding-left:18px;color:#24292f">{items}{more}</ul></div>')


# ---------------------------------------------------------------- rows
@attrs.frozen
class Column:
    """One column of the row table: its title and, per row dict, (html, plain text)."""

    key: str
    title: str
    cell: Callable[[dict], tuple[str, str]]
    numeric: bool = False
    hint: str = ""


def columns(te, rule: str | None, refused: bool = False) -> list[Column]:
    """The columns of the row table for a filter on `rule` (see the module contract); the
    reason a row was refused when the page shows refused rows."""
    out = [Column(k, k, _text_cell(k)) for k in te.keys[:3]]
    decisions = [d.name for d in te.decisions() if d.type.kind in ("keuze", "tekst")][:2]
    if rule is not None and rule in te.model.rules and rule not in decisions:
        out.append(Column(rule, rule, _rule_cell(te, rule)))
    out += [Column(name, name, _rule_cell(te, name)) for name in decisions]
    out.append(Column("__niet", "✘", _count_cell("__niet", RED), numeric=True,
                      hint="✘ eisen niet voldaan en termijnen niet gehaald in deze rij"))
    out.append(Column("__onbekend", "?", _count_cell("__onbekend", AMBER), numeric=True,
                      hint="? eisen en termijnen die in deze rij onbekend zijn, en termijnen verstreken zonder datum"))
    if refused:
        out.append(Column("geweigerd", "geweigerd", _text_cell("geweigerd"), hint="waarom de rij niet gelezen kon worden"))
    return out


def _text_cell(key: str) -> Callable[[dict], tuple[str, str]]:
    def cell(row: dict) -> tuple[str, str]:
        value = row.get(key)
        text = "" if value is None else str(value)
        return escape(text), text
    return cell


def _count_cell(key: str, colour: str) -> Callable[[dict], tuple[str, str]]:
    def cell(row: dict) -> tuple[str, str]:
        if row.get("geweigerd") is not None:
            return "", ""
        n = row.get(key) or 0
        return (f'<span style="color:{colour if n else GREY}">{n}</span>', str(n))
    return cell


def _rule_cell(te, name: str) -> Callable[[dict], tuple[str, str]]:
    """A rule's status; a decision or calculation that is `bepaald` shows its value instead."""
    def cell(row: dict) -> tuple[str, str]:
        status = row.get(name)
        if status is None:
            return "", ""
        value = row.get(f"{name}.waarde")
        if status == M.Status.BEPAALD and value is not None:
            text = te.policy.format(name, value)
            return f'<b>{escape(text)}</b>', text
        mark, _ = MARKS.get(status, ("•", ""))
        return badge(status), f"{mark} {status}"
    return cell


def widths(cols: list[Column], rows: list[dict]) -> list[int]:
    """Per column the number of characters to make room for: its title and the page's values
    (capped; a longer value is cut with "…" and shown whole on hover)."""
    out = []
    for col in cols:
        longest = max([len(col.title), *(len(col.cell(r)[1]) for r in rows)])
        out.append(max(3, min(longest, 36)))
    return out


def _grid(widths_: list[int]) -> str:
    # 0.62em per character fits the UI font's letters (bold included); `ch` is the width of "0",
    # which is wider than most letters and would leave every column too wide
    template = " ".join(f"{0.62 * w + 0.4:.1f}em" for w in widths_)
    return f"display:grid;grid-template-columns:{template};column-gap:10px;align-items:center;"


def header_html(cols: list[Column], widths_: list[int]) -> str:
    cells = "".join(f'<span style="overflow:hidden;text-overflow:ellipsis;{"text-align:right" if c.numeric else ""}" '
                    f'title="{escape(c.hint or c.title)}">{escape(c.title)}</span>' for c in cols)
    return (f'<div class="bt-batch-head" style="{FONT}{_grid(widths_)}font-weight:600;white-space:nowrap;'
            f'border-bottom:1px solid #d0d7de;padding:2px 4px">{cells}</div>')


def row_html(row: dict, cols: list[Column], widths_: list[int], opened: bool = False) -> str:
    cells = []
    for col in cols:
        html, text = col.cell(row)
        align = "text-align:right;" if col.numeric else ""
        cells.append(f'<span style="overflow:hidden;text-overflow:ellipsis;{align}" title="{escape(text)}">'
                     f'{html}</span>')
    background = "#ddf4ff" if opened else ("#f6f8fa" if row["__rij"] % 2 else "transparent")
    return (f'<div class="bt-batch-row" data-row="{row["__rij"]}" style="{FONT}{_grid(widths_)}'
            f'white-space:nowrap;background:{background};padding:2px 4px;border-radius:3px">{"".join(cells)}</div>')


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


# ---------------------------------------------------------------- charts
def charts_html(te) -> str:
    """Per decision: its outcomes as bars, and histograms of the gegevens it compares."""
    blocks = [block for decision in te.decisions() if (block := _decision_charts(te, decision))]
    if not blocks:
        return (f'<div style="{FONT}color:#57606a">Dit beleid heeft geen beslissing met een keuze als uitkomst '
                f'of met een grens op een getal.</div>')
    return f'<div class="bt-batch-charts" style="{FONT}">{"".join(blocks)}</div>'


def colours(categories) -> list[str]:
    """A colour per category: outcomes from `PALETTE` in order, other statuses their own."""
    out, i = [], 0
    for category in categories:
        if category.what == "status":
            out.append(_STATUS_COLOURS.get(M.Status(category.value), GREY))
        else:
            out.append(PALETTE[i % len(PALETTE)])
            i += 1
    return out


def _decision_charts(te, decision: M.Decision) -> str:
    parts: list[str] = []
    categories = te.categories(decision.name)
    palette = colours(categories)
    chart = decision.type.kind in ("keuze", "tekst")
    if chart:
        bars = [(c.label, c.count, colour) for c, colour in zip(categories, palette)]
        evaluated = te.rows - te.refused
        parts.append(f'<div class="bt-chart"><div style="color:#57606a">Uitkomsten over '
                     f'{number(evaluated)} geëvalueerde rijen</div>'
                     f'{bar_chart_svg(bars, evaluated, decision.display)}</div>')
    for histogram in te.histograms(decision):
        label = f"{histogram.name} met de grenzen van {decision.name}"
        legend = "" if chart else legend_html(histogram.categories, palette)
        parts.append(f'<div class="bt-chart"><div style="color:#57606a">{escape(histogram.name)} per uitkomst '
                     f'({number(histogram.known)} bekende waarden), met de grenzen uit de regels</div>'
                     f'{histogram_svg(histogram, palette, label)}{legend}{histogram_caption(histogram)}</div>')
    if not parts:
        return ""
    return (f'<div class="bt-decision-charts" data-name="{escape(decision.name)}" style="margin-bottom:14px">'
            f'<div style="font-weight:600;margin-bottom:2px">{escape(decision.display)} '
            f'<span style="color:#57606a;font-weight:normal">({escape(decision.name)})</span></div>'
            f'<div style="display:flex;flex-wrap:wrap;gap:8px 32px;align-items:flex-start">{"".join(parts)}</div></div>')
