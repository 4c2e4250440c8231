"""The what-if view: for each failing rule the nearest single change that flips it.

Contract: `WhatIfView(evaluation, apply)` lists the failing requirements (niet voldaan), the
missed timelines and the decision rows that did not apply, each with the changes of one
gegeven that would flip it (`dsl.explain.whatif.suggestions`, checked by evaluating), in Dutch
("Als aandeel onderaanneming 33% is (nu 41%), dan: ... wordt voldaan"). A requirement that no
single change can flip says so. Choosing a change and pressing "Pas toe" calls
`apply(field, value)`: the dashboard puts the value in the case form, which re-evaluates.
"""

from __future__ import annotations

from html import escape

import ipywidgets as w

from dsl.core.model import RuleKind, Status
from dsl.explain.whatif import suggestions
from kernel.widgets.html import FONT, badge


def whatif_html(evaluation, found) -> str:
    by_rule: dict[str, list] = {}
    for s in found:
        by_rule.setdefault(s.rule, []).append(s)
    blocks = []
    for name, result in evaluation.outcome.results.items():
        failing = (result.kind is RuleKind.REQUIREMENT and result.status is Status.NIET_VOLDAAN) or \
                  (result.kind is RuleKind.TIMELINE and result.status is Status.NIET_GEHAALD)
        if not failing and name not in by_rule:
            continue
        title = evaluation.model.rules[name].title or name
        items = "".join(f'<li class="bt-suggestion">{escape(s.sentence)}</li>' for s in by_rule.get(name, []))
        if not items:
            items = ("<li>Geen enkele wijziging van één gegeven is genoeg; "
                     "er moeten meerdere gegevens veranderen.</li>")
        head = badge(result.status) if result.kind is not RuleKind.DECISION else f"<b>{escape(str(result.value or result.status))}</b>"
        blocks.append(f'<div class="bt-whatif" data-name="{escape(name)}" style="margin-bottom:6px">'
                      f'{head} <b>{escape(name)}</b>: {escape(title)}<ul style="margin:2px 0">{items}</ul></div>')
    if not blocks:
        return f'<div style="{FONT}">Alle eisen zijn voldaan of onbekend; er valt niets om te draaien.</div>'
    return f'<div style="{FONT}">{"".join(blocks)}</div>'


class WhatIfView(w.VBox):
    def __init__(self, evaluation, apply):
        self._apply = apply
        self.view = w.HTML()
        self.choice = w.Dropdown(description="Wijziging", options=[], layout=w.Layout(width="98%"),
                                 style={"description_width": "80px"})
        self.apply = w.Button(description="Pas toe op de casus", icon="check", layout=w.Layout(width="auto"))
        self.apply.on_click(lambda _: self._applied())
        super().__init__([self.view, w.HBox([self.choice, self.apply])])
        self.show(evaluation)

    def show(self, evaluation) -> None:
        self.evaluation = evaluation
        self.found = suggestions(evaluation)
        with self.hold_sync():
            self.view.value = whatif_html(evaluation, self.found)
            self.choice.options = [(f"{s.label}: {s.proposed} ({s.rule})", i) for i, s in enumerate(self.found)]
            self.choice.value = 0 if self.found else None
            self.apply.disabled = not self.found

    def _applied(self) -> None:
        if self.choice.value is None:
            return
        chosen = self.found[self.choice.value]
        self._apply(chosen.field, chosen.raw)
