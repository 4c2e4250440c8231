"""The step-through player: a cursor over the immutable trace of one evaluation.

Contract: `StepPlayer(evaluation)` shows one step of the trace at a time (`dsl` evaluation
order): the rule it belongs to highlighted in the policy source (the cell or file where it was
written, the evaluated part marked), the values involved and the Dutch sentence. The buttons
eerste / vorige / volgende / laatste, the slider and the Play control only move `index`; the
trace is never evaluated again. `show(evaluation)` points the player at a new evaluation
(after a change in the case form), keeping the position where it still exists. The player
takes the width it is given: its controls wrap onto a second line in a narrow pane and the
step's header, code and sentence wrap (`kernel.widgets.html.step_html`); nothing is cut off.
"""

from __future__ import annotations

import ipywidgets as w
from typing_extensions import override

from kernel.widgets.html import FONT, step_html
from kernel.widgets.lifecycle import close_tree


class StepPlayer(w.VBox):
    """Step through a traced evaluation (see the module contract)."""

    def __init__(self, evaluation):
        self.evaluation = evaluation
        self.first = w.Button(description="eerste", icon="step-backward", tooltip="eerste stap",
                              layout=w.Layout(width="auto", min_width="max-content"))
        self.previous = w.Button(description="vorige", icon="chevron-left", tooltip="vorige stap",
                                 layout=w.Layout(width="auto", min_width="max-content"))
        self.next = w.Button(description="volgende", icon="chevron-right", tooltip="volgende stap",
                             layout=w.Layout(width="auto", min_width="max-content"))
        self.last = w.Button(description="laatste", icon="step-forward", tooltip="laatste stap",
                             layout=w.Layout(width="auto", min_width="max-content"))
        count = max(len(evaluation), 1)
        self.slider = w.IntSlider(value=0, min=0, max=count - 1, readout=False, continuous_update=True,
                                  layout=w.Layout(flex="1 1 140px", width="auto", min_width="100px", max_width="320px"))
        self.play = w.Play(value=0, min=0, max=count - 1, interval=700, tooltip="afspelen",
                           layout=w.Layout(width="auto", flex="0 0 auto"))
        self._link = w.jslink((self.play, "value"), (self.slider, "value"))
        self.position = w.HTML(layout=w.Layout(flex="0 0 auto", width="auto"))
        self.position.add_class("bt-position")
        self.view = w.HTML(layout=w.Layout(min_width="0"))
        for button, move in ((self.first, lambda i: 0), (self.previous, lambda i: i - 1),
                             (self.next, lambda i: i + 1), (self.last, lambda i: self._count - 1)):
            button.on_click(lambda _, move=move: self.go(move(self.index)))
        self.slider.observe(lambda change: self._render(), "value")
        # the controls wrap onto a second line where the pane is narrow, instead of being cut off
        controls = w.HBox([self.first, self.previous, self.next, self.last, self.play, self.slider, self.position],
                          layout=w.Layout(flex_flow="row wrap", align_items="center"))
        super().__init__([controls, self.view], layout=w.Layout(min_width="0"))
        self._render()

    @property
    def _count(self) -> int:
        return len(self.evaluation)

    @property
    def index(self) -> int:
        return self.slider.value

    def go(self, index: int) -> None:
        """Move the cursor to `index` (clamped to the trace)."""
        self.slider.value = max(0, min(index, self._count - 1))

    def show(self, evaluation) -> None:
        """Point at a new evaluation, keeping the position where possible."""
        self.evaluation = evaluation
        top = max(self._count - 1, 0)
        with self.hold_sync():
            self.slider.max = self.play.max = top
            self.slider.value = min(self.slider.value, top)
            self._render()

    def _render(self) -> None:
        total = self._count
        if not total:
            self.view.value = f'<div style="{FONT}">Er zijn geen stappen: het beleid heeft nog geen regels.</div>'
            self.position.value = ""
            return
        step = self.evaluation.step(self.index)
        located = None
        rule = self.evaluation.source.locate(step.rule_span)
        node = self.evaluation.source.locate(step.span)
        if rule is not None:
            located = (rule[0], rule[1], rule[2], node[2] if node is not None else None)
        with self.hold_sync():
            self.view.value = step_html(step, total, located)
            self.position.value = f'<span style="{FONT}white-space:nowrap">{self.index + 1} / {total}</span>'
            self.first.disabled = self.previous.disabled = self.index == 0
            self.next.disabled = self.last.disabled = self.index >= total - 1

    @property
    def owned(self) -> tuple[w.Widget, ...]:
        """Widgets the player keeps beside its children (closed with it)."""
        return (self._link,)

    @override
    def close(self) -> None:
        close_tree(self)
