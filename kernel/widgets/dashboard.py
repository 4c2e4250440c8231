"""The dashboard `evalueer` shows: case form, summary, explanation, steps, what-if, timeline.

Contract: `Dashboard(policy, raw, source, policy_cell=...)` evaluates the case once
(`kernel.evaluation`), or takes an `Evaluation` already made (`evaluation=`: a row of a table,
from `outcome_of_row`), and shows a summary line, the case form (left) and four tabs: Uitleg
(explanation tree), Stap voor stap (step-through player), Wat als (what-if) and Termijnen
(timeline chart). Every valid change in the form evaluates the case again into a new immutable
`Evaluation` and points each view at it; no view is rebuilt, so nothing is left open.
`on_case(callback)` reports the new case dict after each change (the kernel session keeps it).

Policy versions: a dashboard is built on one compiled policy (`policy`, its version, changed
last in the cell `policy_cell`). `policy_changed(policy, source, cell)` (the session calls it
when a cell changes the session's policy) makes a dashboard on another version stale at once:
a notice "verouderd: het beleid is gewijzigd in cel[N]" with the button "Opnieuw evalueren met
het nieuwe beleid". While stale a dashboard evaluates nothing and reports nothing: editing its
form shows the notice and no verdict (the summary says it was not evaluated, the tabs with the
old verdicts are hidden), the what-if buttons are disabled, and `on_case` callbacks are not
called, so a stale form never writes into the session's case. The button (`reevaluate()`)
evaluates the form's case with the newest policy, dropping the gegevens that policy does not
have or whose value does not fit it (`kernel.evaluation.fit_case`) and saying which, builds a
new form for that policy and points the views at the new evaluation; it does not report the
case (the session's case is changed only by an edit after it). `close()` closes every child
widget with its layout and style (`kernel.widgets.lifecycle`).

Layout: the dashboard takes the width of its output area (JupyterLab with the side panel open
at 1100 px and up): the form and the tabs side by side where there is room, the tabs below the
form where there is not; every part wraps instead of clipping, and a tab's title is shown whole
(the rules in `kernel.widgets.html.DASHBOARD_CSS`, carried in a hidden HTML widget).
"""

from __future__ import annotations

from html import escape

import ipywidgets as w
from typing_extensions import override

from dsl.errors import BeleidError
from kernel.evaluation import Evaluation, fit_case
from kernel.widgets.form import CaseForm
from kernel.widgets.html import DASHBOARD_CSS, FONT, GREY, notice_html, stale_html, summary_html
from kernel.widgets.lifecycle import close_tree
from kernel.widgets.player import StepPlayer
from kernel.widgets.timeline import TimelineView
from kernel.widgets.tree import ExplanationTree
from kernel.widgets.whatif import WhatIfView

TABS = ("Uitleg", "Stap voor stap", "Wat als", "Termijnen")
REEVALUATE = "Opnieuw evalueren met het nieuwe beleid"


class Dashboard(w.VBox):
    def __init__(self, policy, raw: dict | None = None, source=None, form: bool = True,
                 evaluation: Evaluation | None = None, policy_cell: str | None = None):
        self.policy, self.source, self.policy_cell = policy, source, policy_cell
        self.stale: str | None = None     # the cell that changed the policy, while stale
        self._newest: tuple | None = None  # (policy, source, cell) of the session, while stale
        self.evaluation = evaluation or Evaluation.build(policy, raw or {}, source)
        self._callbacks: list = []
        self.notice = w.HTML(layout=w.Layout(flex="1 1 260px", min_width="0"))
        self.reevaluate_button = w.Button(description=REEVALUATE, icon="refresh", button_style="warning",
                                          layout=w.Layout(width="auto", display="none"))
        self.reevaluate_button.on_click(lambda _: self.reevaluate())
        self.notice_bar = w.HBox([self.notice, self.reevaluate_button], layout=w.Layout(
            display="none", flex_flow="row wrap", align_items="center"))
        self.style = w.HTML(DASHBOARD_CSS, layout=w.Layout(display="none"))   # applies while hidden
        self.summary = w.HTML(summary_html(self.evaluation), layout=w.Layout(min_width="0"))
        self.tree = ExplanationTree(self.evaluation)
        self.player = StepPlayer(self.evaluation)
        self.whatif = WhatIfView(self.evaluation, self._apply)
        self.timeline = TimelineView(self.evaluation)
        self.tabs = w.Tab([self.tree, self.player, self.whatif, self.timeline], titles=TABS,
                          layout=w.Layout(flex="1.5 1 440px", min_width="0") if form else w.Layout(min_width="0"))
        self.form = self._new_form(self.evaluation.raw) if form else None
        # side by side where there is room (form 40%, tabs 60%); on a narrow page the tabs go
        # below the form instead of both being squeezed
        self.body = w.HBox([self.form, self.tabs] if self.form is not None else [self.tabs],
                           layout=w.Layout(flex_flow="row wrap", align_items="flex-start"))
        super().__init__([self.style, self.notice_bar, self.summary, self.body],
                         layout=w.Layout(min_width="0"))
        self.add_class("bt-dashboard")

    def on_case(self, callback) -> None:
        self._callbacks.append(callback)

    # ------------------------------------------------------------ policy versions
    def policy_changed(self, policy, source, cell: str | None) -> None:
        """The session's policy is now `policy` (changed in `cell`): stale unless it is ours."""
        if policy is self.policy:
            return
        self.stale, self._newest = cell or "een latere cel", (policy, source, cell)
        with self.hold_sync():
            self.notice.value = stale_html(self.stale, "de uitkomst hieronder hoort bij het beleid van "
                                                       "daarvoor; wijzigingen in de casus worden niet geëvalueerd")
            self.notice_bar.layout.display = ""
            self.reevaluate_button.layout.display = ""
            self.whatif.enable(False)

    def reevaluate(self) -> None:
        """Evaluate the form's case with the newest policy (see the module contract)."""
        if self._newest is None:
            return
        policy, source, cell = self._newest
        raw = self.form.raw if self.form is not None else self.evaluation.raw
        kept, dropped = fit_case(policy.model, raw)
        try:
            evaluation = Evaluation.build(policy, kept, source)
        except BeleidError as err:
            self.notice.value = notice_html("opnieuw evalueren lukt niet", escape(err.render()))
            return
        self.policy, self.source, self.policy_cell = policy, source, cell
        self.stale, self._newest = None, None
        with self.hold_sync():
            if self.form is not None:
                old, self.form = self.form, self._new_form(evaluation.raw)
                self.body.children = [self.form, self.tabs]
                close_tree(old)
            self._show(evaluation)
            self.reevaluate_button.layout.display = "none"
            self.notice.value = _done_html(cell, dropped)

    # ------------------------------------------------------------ changes of the case
    def _new_form(self, raw: dict) -> CaseForm:
        form = CaseForm(self.policy, raw)
        form.on_change(self._case_changed)
        return form

    def _apply(self, field: str, value) -> None:
        if self.stale is not None:
            return
        if self.form is not None:
            self.form.set_value(field, value)
        else:
            self._case_changed({**self.evaluation.raw, field: value})

    def _case_changed(self, raw: dict) -> None:
        if self.stale is not None:
            with self.hold_sync():
                self.summary.value = (f'<div class="bt-summary bt-stale" style="{FONT}color:{GREY}">'
                                      f'Niet geëvalueerd: dit dashboard hoort bij een ouder beleid '
                                      f'(gewijzigd in {escape(self.stale)}). Druk op '
                                      f'“{REEVALUATE}”.</div>')
                self.tabs.layout.display = "none"
            return
        try:
            evaluation = Evaluation.build(self.policy, raw, self.source)
        except BeleidError as err:
            self.summary.value = f'<pre style="{FONT}color:#cf222e">{escape(err.render())}</pre>'
            return
        self._show(evaluation)
        for callback in self._callbacks:
            callback(dict(evaluation.raw))

    def _show(self, evaluation: Evaluation) -> None:
        self.evaluation = evaluation
        with self.hold_sync():
            self.summary.value = summary_html(evaluation)
            for view in (self.tree, self.player, self.whatif, self.timeline):
                view.show(evaluation)
            self.tabs.layout.display = ""

    @override
    def close(self) -> None:
        close_tree(self)



def _done_html(cell: str | None, dropped: dict[str, str]) -> str:
    where = f" uit {escape(cell)}" if cell else ""
    lines = "".join(f"<li><b>{escape(name)}</b>: {escape(reason)}</li>" for name, reason in dropped.items())
    gone = f'<div>Weggelaten gegevens:</div><ul style="margin:2px 0">{lines}</ul>' if lines else ""
    return (f'<div class="bt-notice bt-reevaluated" style="{FONT}"><b>Opnieuw geëvalueerd met het beleid'
            f'{where}.</b>{gone}</div>')
