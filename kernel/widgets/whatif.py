"""The what-if view: per rule the nearest changes of one gegeven that change its outcome.

Contract: `WhatIfView(evaluation, apply)` shows the suggestions of `dsl.explain.whatif.suggestions`
(checked by evaluating) per rule, in Dutch ("Als aandeel onderaanneming 33% is (nu 41%), dan: ...
wordt voldaan"), each with its own "Pas toe" button next to it: pressing it calls
`apply(field, value)` (the dashboard puts the value in the case form, which re-evaluates). A
filter chooses the rules shown: "niet in orde" (the default: eisen niet voldaan, termijnen niet
gehaald, beslissingen zonder uitkomst or with several rows), "onbekend" (also termijnen
verstreken zonder datum, as in the explanation's filter), or "alles" (every rule
with a suggestion). Rules are listed by status in `STATUS_ORDER` (failing and unknown first),
then in the policy's order; a rule is headed by its title and its outcome now, with its
identifier as the tooltip. A failing rule that no single change can turn says so. `found` is
every suggestion, `rows` the (suggestion, button) pairs shown, `html` the text shown.
`show(evaluation)` rebuilds the rows (closing the old ones); `enable(False)` disables every
button (a stale dashboard). The rows share their Layout and Style models, which the view owns.
"""

from __future__ import annotations

from html import escape

import ipywidgets as w
from ipywidgets.widgets.widget_string import HTMLStyle
from typing_extensions import override

from dsl.core.model import RuleKind, Status
from dsl.explain.whatif import Suggestion, suggestions
from kernel.widgets.html import FONT, badge, in_status_order, outcome_text
from kernel.widgets.lifecycle import close_tree

NOT_IN_ORDER = "niet in orde"
FILTERS = (NOT_IN_ORDER, "onbekend", "alles")
_FAILING = frozenset({Status.NIET_VOLDAAN, Status.NIET_GEHAALD, Status.GEEN_UITKOMST, Status.MEERDERE})
_OPEN = frozenset({Status.ONBEKEND, Status.VERSTREKEN_ZONDER_DATUM})   # to be looked into, not known to fail
_TARGETS = (RuleKind.REQUIREMENT, RuleKind.TIMELINE, RuleKind.DECISION)
APPLY = "Pas toe"
NOT_ENOUGH = "Geen enkele wijziging van één gegeven is genoeg; er moeten meerdere gegevens veranderen."


def rules_shown(evaluation, found, which: str) -> list[tuple[object, list[Suggestion]]]:
    """The results of the rules the filter `which` shows, in status order, with their
    suggestions."""
    by_rule: dict[str, list[Suggestion]] = {}
    for s in found:
        by_rule.setdefault(s.rule, []).append(s)
    chosen = []
    for name, result in evaluation.outcome.results.items():
        if result.kind not in _TARGETS:
            continue
        failing = result.status in _FAILING
        wanted = {NOT_IN_ORDER: failing, "onbekend": result.status in _OPEN,
                  "alles": failing or name in by_rule}
        if wanted[which]:
            chosen.append(result)
    order = {status: i for i, status in enumerate(in_status_order({r.status for r in chosen}))}
    chosen.sort(key=lambda r: order[r.status])   # stable: the policy's order within a status
    return [(r, by_rule.get(r.name, [])) for r in chosen]


def head_html(evaluation, result, has_suggestions: bool) -> str:
    """A rule's heading: its outcome, its title (the identifier as the tooltip)."""
    rule = evaluation.model.rules[result.name]
    title = escape(rule.title or result.name)
    if result.kind is RuleKind.DECISION:
        head = f'<b title="{escape(result.name)}">{title}</b>: {escape(outcome_text(evaluation, result))}'
    else:
        head = f'{badge(result.status)} <b title="{escape(result.name)}">{title}</b>'
    empty = "" if has_suggestions else f'<div class="bt-suggestion-none">{NOT_ENOUGH}</div>'
    return (f'<div class="bt-whatif" data-name="{escape(result.name)}" style="{FONT}margin-top:6px">'
            f'{head}{empty}</div>')


def whatif_html(evaluation, found, which: str = "alles") -> str:
    """The what-if text of `which` rules as one HTML string (without buttons)."""
    blocks = []
    for result, shown in rules_shown(evaluation, found, which):
        items = "".join(f'<li class="bt-suggestion">{escape(s.sentence)}</li>' for s in shown)
        blocks.append(head_html(evaluation, result, bool(shown)) + (f"<ul>{items}</ul>" if items else ""))
    return f'<div style="{FONT}">{"".join(blocks) or _nothing(which)}</div>'


def _nothing(which: str) -> str:
    if which == NOT_IN_ORDER:
        return "Alle eisen zijn voldaan of onbekend; er valt niets om te draaien."
    return "Geen regels met dit filter."


class WhatIfView(w.VBox):
    def __init__(self, evaluation, apply):
        self._apply = apply
        self._enabled = True
        self.rows: list[tuple[Suggestion, w.Button]] = []
        self.filter = w.ToggleButtons(options=list(FILTERS), value=NOT_IN_ORDER, style={"button_width": "auto"},
                                      tooltips=["regels die niet voldaan, niet gehaald of zonder uitkomst zijn",
                                                "regels die onbekend zijn", "alle regels met een wijziging"])
        self.filter.observe(lambda change: self._render(), "value")
        self.view = w.HTML()          # what the filter shows when it shows nothing
        self.list = w.VBox(layout=w.Layout(min_width="0"))
        # shared by every row (a view may show a hundred); owned by the view, closed with it
        self._row_layout = w.Layout(flex_flow="row wrap", align_items="center", min_width="0")
        self._text_layout = w.Layout(flex="1 1 240px", min_width="0")
        self._head_layout = w.Layout(min_width="0")
        self._button_layout = w.Layout(width="auto", flex="0 0 auto")
        self._html_style = HTMLStyle()
        self._button_style = w.ButtonStyle()
        self.owned = [self._row_layout, self._text_layout, self._head_layout, self._button_layout,
                      self._html_style, self._button_style]
        super().__init__([self.filter, self.view, self.list], layout=w.Layout(min_width="0"))
        self.show(evaluation)

    @property
    def html(self) -> str:
        """Everything the view shows as text, in order (the headings and the sentences)."""
        return self.view.value + "".join(_html_of(child) for child in self.list.children)

    def show(self, evaluation) -> None:
        self.evaluation = evaluation
        self.found = suggestions(evaluation)
        self._enabled = True
        self._render()

    def enable(self, on: bool) -> None:
        self._enabled = on
        with self.hold_sync():
            for _, button in self.rows:
                button.disabled = not on

    def _render(self) -> None:
        old = self.list.children
        children: list[w.Widget] = []
        self.rows = []
        shown = rules_shown(self.evaluation, self.found, self.filter.value)
        for result, found in shown:
            children.append(w.HTML(head_html(self.evaluation, result, bool(found)), layout=self._head_layout,
                                   style=self._html_style))
            children += [self._row(s) for s in found]
        with self.hold_sync():
            self.view.value = "" if shown else f'<div style="{FONT}">{_nothing(self.filter.value)}</div>'
            self.list.children = children
        for widget in old:   # the rows' own models; the shared layouts and styles stay
            for each in (*getattr(widget, "children", ()), widget):
                w.Widget.close(each)

    def _row(self, s: Suggestion) -> w.HBox:
        text = w.HTML(f'<div class="bt-suggestion" style="{FONT}">{escape(s.sentence)}</div>',
                      layout=self._text_layout, style=self._html_style)
        button = w.Button(description=APPLY, icon="check", tooltip=f"zet {s.label} op {s.proposed} in de casus",
                          layout=self._button_layout, style=self._button_style, disabled=not self._enabled)
        button.on_click(lambda _, s=s: self._apply(s.field, s.raw))
        self.rows.append((s, button))
        return w.HBox([text, button], layout=self._row_layout)

    @override
    def close(self) -> None:
        close_tree(self)


def _html_of(widget) -> str:
    if isinstance(widget, w.HTML):
        return widget.value
    return "".join(_html_of(child) for child in getattr(widget, "children", ()))
