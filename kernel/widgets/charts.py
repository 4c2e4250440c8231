"""Charts of an evaluated table as inline SVG: outcome counts per decision, and histograms of
the gegevens a decision compares with written values, the thresholds marked.

Contract: pure functions from plain data to an SVG or HTML string (no plotting library: the
notebook and nbconvert's HTML export show inline SVG as it is). `bar_chart_svg(bars, total)`
draws one horizontal bar per (label, count, colour) with the count and its share of `total`.
`histogram_svg(histogram, colours)` draws a `kernel.batch.Histogram`: bars over the bin edges,
stacked per category of the decision (the colours the bar chart gives them), each threshold as a dashed vertical line with its written value, the lowest and highest value on
the axis; `histogram_caption` says exactly how many rows lie below, at and above each
threshold (exact decimal comparisons; the drawing itself uses floats, for positions only).
Labels are escaped; long labels are cut with "…" and given whole in a <title>.
"""

from __future__ import annotations

from decimal import Decimal
from html import escape

from dsl.policy import format_typed
from kernel.widgets.html import FONT, RED

BLUE = "#0969da"
# Colours of a decision's outcomes, in the order they are written (no red or green: those mean
# niet voldaan and voldaan everywhere else); other statuses keep their own colour.
PALETTE = ("#4e79a7", "#f28e2b", "#76b7b2", "#b07aa1", "#edc948", "#9c755f", "#ff9da7", "#bab0ac")
LABEL_W, BAR_W, COUNT_W, BAR_H = 200, 210, 90, 22
HIST_W, HIST_H, PAD_L, PAD_R, PAD_T, PAD_B = 500, 170, 44, 16, 28, 36


def number(n: int) -> str:
    """A count with a thousands dot: 5.000."""
    return f"{n:,}".replace(",", ".")


def share(n: int, total: int) -> str:
    if not total:
        return "0%"
    percent = Decimal(n * 100) / Decimal(total)
    return f"{percent:.0f}%" if percent >= 1 or n == 0 else "<1%"


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def bar_chart_svg(bars: list[tuple[str, int, str]], total: int, label: str = "") -> str:
    """Horizontal bars: one per (label, count, colour), longest count full width."""
    if not bars:
        return ""
    top = max(count for _, count, _ in bars) or 1
    height = BAR_H * len(bars) + 6
    width = LABEL_W + BAR_W + COUNT_W
    parts = [f'<svg class="bt-bars" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" style="{FONT}" role="img" aria-label="{escape(label)}">']
    for i, (text, count, colour) in enumerate(bars):
        y = 3 + i * BAR_H
        length = max(BAR_W * count / top, 1.5 if count else 0)
        parts.append(
            f'<g class="bt-bar" data-label="{escape(text)}" data-count="{count}">'
            f'<title>{escape(text)}: {number(count)} ({share(count, total)})</title>'
            f'<text x="{LABEL_W - 8}" y="{y + 15}" font-size="12" text-anchor="end">{escape(_cut(text, 30))}</text>'
            f'<rect x="{LABEL_W}" y="{y + 3}" width="{length:.1f}" height="{BAR_H - 6}" rx="2" fill="{colour}"/>'
            f'<text x="{LABEL_W + length + 6:.1f}" y="{y + 15}" font-size="11" fill="#57606a">'
            f'{number(count)} · {share(count, total)}</text></g>')
    parts.append("</svg>")
    return "".join(parts)


def histogram_svg(histogram, colours: list[str], label: str) -> str:
    """A histogram of one gegeven, each bin's bar stacked per category in `colours` (one per
    `histogram.categories`), with its thresholds (see the module contract)."""
    edges, stacks = histogram.edges, histogram.stacks
    if len(edges) < 2:
        return ""
    totals = [sum(column) for column in zip(*stacks)] if stacks else [0] * (len(edges) - 1)
    low, high = edges[0], edges[-1]
    plot_w, plot_h = HIST_W - PAD_L - PAD_R, HIST_H - PAD_T - PAD_B
    top = max(totals) or 1

    def x(value: float) -> float:
        return PAD_L + plot_w * (value - low) / (high - low)

    parts = [f'<svg class="bt-histogram" data-name="{escape(histogram.name)}" xmlns="http://www.w3.org/2000/svg" '
             f'width="{HIST_W}" height="{HIST_H}" viewBox="0 0 {HIST_W} {HIST_H}" style="{FONT}" role="img" '
             f'aria-label="{escape(label)}">']
    base = PAD_T + plot_h
    for i, total in enumerate(totals):
        if total:
            parts.append(_stacked_bar(histogram, i, x(edges[i]), x(edges[i + 1]), base, plot_h / top, colours))
    parts.append(f'<line x1="{PAD_L}" y1="{base}" x2="{HIST_W - PAD_R}" y2="{base}" stroke="#8c959f"/>'
                 f'<text x="{PAD_L - 4}" y="{PAD_T + 4}" font-size="10" text-anchor="end" fill="#57606a">'
                 f'{number(top)}</text>'
                 f'<text x="{PAD_L - 4}" y="{base}" font-size="10" text-anchor="end" fill="#57606a">0</text>')
    parts.append(_axis_labels(histogram, base))
    for i, mark in enumerate(histogram.thresholds):
        parts.append(_threshold(mark, x(float(mark.value)), base, i))
    parts.append("</svg>")
    return "".join(parts)


def _stacked_bar(histogram, i: int, x0: float, x1: float, base: float, scale: float, colours: list[str]) -> str:
    """One bin: a segment per category, bottom up, with the counts in its <title>."""
    parts, y = [], base
    names = []
    for category, stack, colour in zip(histogram.categories, histogram.stacks, colours):
        n = stack[i]
        if not n:
            continue
        h = max(n * scale, 0.8)
        y -= h
        parts.append(f'<rect x="{x0 + 0.5:.1f}" y="{y:.1f}" width="{max(x1 - x0 - 1, 0.8):.1f}" height="{h:.1f}" '
                     f'fill="{colour}"/>')
        names.append(f"{category.label}: {number(n)}")
    return f'<g class="bt-bin"><title>{escape("; ".join(names))}</title>{"".join(parts)}</g>'


def _threshold(mark, mx: float, base: float, i: int) -> str:
    """A threshold: a dashed vertical line, its written value beside the top of it."""
    right = mx < HIST_W - 110
    tx = mx + 4 if right else mx - 4
    ty = PAD_T - 8 - 12 * (i % 2)
    return (f'<g class="bt-threshold" data-value="{escape(mark.text)}">'
            f'<line x1="{mx:.1f}" y1="{ty - 8}" x2="{mx:.1f}" y2="{base + 4}" stroke="{RED}" '
            f'stroke-width="1.5" stroke-dasharray="5 3"/>'
            f'<text x="{tx:.1f}" y="{ty}" font-size="11" font-weight="600" text-anchor="{"start" if right else "end"}" '
            f'fill="{RED}">{escape(mark.text)}</text></g>')


def legend_html(categories, colours: list[str]) -> str:
    """A line of coloured squares with the categories' labels."""
    items = "".join(f'<span style="white-space:nowrap;margin-right:12px"><span style="display:inline-block;width:10px;'
                    f'height:10px;background:{colour};margin-right:4px"></span>{escape(c.label)}</span>'
                    for c, colour in zip(categories, colours))
    return f'<div class="bt-legend" style="margin-left:{PAD_L}px;font-size:12px">{items}</div>'


def format_edge(value: float, t) -> str:
    """An axis value in Dutch in the gegeven's type, rounded for reading (a label, not a fact)."""
    places = {"bedrag": 0, "percentage": 1, "aantal": 0}.get(t.kind, 2)
    rounded = Decimal(str(round(value, places)))
    text = format_typed(int(rounded) if t.kind == "aantal" else rounded.normalize() + 0, t)
    return text.removesuffix(",00") if t.kind == "bedrag" else text


def _axis_labels(histogram, base: float) -> str:
    low, high = histogram.edges[0], histogram.edges[-1]
    return (f'<text x="{PAD_L}" y="{base + 15}" font-size="10" fill="#57606a">'
            f'{escape(format_edge(low, histogram.type))}</text>'
            f'<text x="{HIST_W - PAD_R}" y="{base + 15}" font-size="10" text-anchor="end" fill="#57606a">'
            f'{escape(format_edge(high, histogram.type))}{" en meer" if histogram.above else ""}</text>'
            f'<text x="{PAD_L + (HIST_W - PAD_L - PAD_R) / 2:.0f}" y="{base + 30}" font-size="11" '
            f'text-anchor="middle" fill="#24292f">{escape(histogram.name)}</text>')


def histogram_caption(histogram) -> str:
    """Exact counts per threshold, and how many rows have no value."""
    lines = [f'<li><b>{escape(m.text)}</b>: {number(m.below)} eronder · {number(m.at)} precies erop · '
             f'{number(m.above)} erboven</li>' for m in histogram.thresholds]
    if histogram.above:
        lines.append(f'<li style="color:#57606a">{number(histogram.above)} {"waarde" if histogram.above == 1 else "waarden"} '
                     f'boven de as, in de laatste staaf</li>')
    if histogram.unknown:
        lines.append(f'<li style="color:#57606a">{number(histogram.unknown)} '
                     f'{"rij" if histogram.unknown == 1 else "rijen"} zonder waarde</li>')
    return f'<ul class="bt-threshold-counts" style="margin:0 0 0 {PAD_L}px;padding-left:14px">{"".join(lines)}</ul>'
