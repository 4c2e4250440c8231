"""The dashboard `evalueer` shows: case form, summary, explanation, steps, what-if, timeline.

Contract: `Dashboard(policy, raw, source)` evaluates the case once (`kernel.evaluation`), or
takes an `Evaluation` already made (`evaluation=`: a row of a table, from `outcome_of_row`), and
shows a summary line, the case form (left) and four tabs: Uitleg (explanation tree), Stap voor
stap (step-through player), Wat als (what-if) and Termijnen (timeline chart). Every valid change
in the form evaluates the case again into a new immutable `Evaluation` and points each view at
it; no widget is rebuilt, so nothing is left open. `on_case(callback)` reports the new case
dict after each change (the kernel session keeps it). `close()` closes every child widget with
its layout and style (`kernel.widgets.lifecycle`).
"""

from __future__ import annotations

import ipywidgets as w
from typing_extensions import override

from dsl.errors import BeleidError
from kernel.evaluation import Evaluation
from kernel.widgets.form import CaseForm
from kernel.widgets.html import FONT, summary_html
from kernel.widgets.lifecycle import close_tree
from kernel.widgets.player import StepPlayer
from kernel.widgets.timeline import TimelineView
from kernel.widgets.tree import ExplanationTree
from kernel.widgets.whatif import WhatIfView

TABS = ("Uitleg", "Stap voor stap", "Wat als", "Termijnen")


class Dashboard(w.VBox):
    def __init__(self, policy, raw: dict | None = None, source=None, form: bool = True,
                 evaluation: Evaluation | None = None):
        self.policy, self.source = policy, source
        self.evaluation = evaluation or Evaluation.build(policy, raw or {}, source)
        self._callbacks: list = []
        self.summary = w.HTML(summary_html(self.evaluation))
        self.tree = ExplanationTree(self.evaluation)
        self.player = StepPlayer(self.evaluation)
        self.whatif = WhatIfView(self.evaluation, self._apply)
        self.timeline = TimelineView(self.evaluation)
        self.tabs = w.Tab([self.tree, self.player, self.whatif, self.timeline], titles=TABS,
                          layout=w.Layout(flex="1.5 1 440px", min_width="0") if form else w.Layout(width="100%"))
        self.form = CaseForm(policy, self.evaluation.raw) if form else None
        body = [self.form, self.tabs] if form else [self.tabs]
        if self.form is not None:
            self.form.on_change(self._case_changed)
        # side by side where there is room (form 40%, tabs 60%); on a narrow page the tabs go
        # below the form instead of both being squeezed
        super().__init__([self.summary, w.HBox(body, layout=w.Layout(flex_flow="row wrap", align_items="flex-start"))])

    def on_case(self, callback) -> None:
        self._callbacks.append(callback)

    def _apply(self, field: str, value) -> None:
        if self.form is not None:
            self.form.set_value(field, value)
        else:
            self._case_changed({**self.evaluation.raw, field: value})

    def _case_changed(self, raw: dict) -> None:
        try:
            evaluation = Evaluation.build(self.policy, raw, self.source)
        except BeleidError as err:
            self.summary.value = f'<pre style="{FONT}color:#cf222e">{err.render()}</pre>'
            return
        self.evaluation = evaluation
        with self.hold_sync():
            self.summary.value = summary_html(evaluation)
            for view in (self.tree, self.player, self.whatif, self.timeline):
                view.show(evaluation)
        for callback in self._callbacks:
            callback(dict(evaluation.raw))

    @override
    def close(self) -> None:
        close_tree(self)
