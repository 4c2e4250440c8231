"""The explanation tree: met / not met / unknown per rule, expandable to its steps.

Contract: `ExplanationTree(evaluation)` shows `dsl.explain.explain` of the evaluation as nested
expandable HTML (<details>): groups with their requirements, decisions with their rows,
timelines and calculations, each with its result mark, Dutch sentence, values and source.
What matters first: rules that fail or need attention come first and parts that failed are
open; rules that passed, do not apply or have a value are folded under one closed heading with
their counts (`kernel.widgets.html.tree_html`). The filter shows all rules, only what is not
met (niet voldaan, niet gehaald, geen uitkomst) or only what is unknown (onbekend, and
deadlines verstreken zonder datum). `show(evaluation)` re-renders.
"""

from __future__ import annotations

import ipywidgets as w

from dsl.core.model import Status
from kernel.widgets.html import tree_html

_FAILED = {Status.NIET_VOLDAAN, Status.NIET_GEHAALD, Status.GEEN_UITKOMST, Status.MEERDERE}
FILTERS = {
    "alles": None,
    "niet voldaan": lambda s: s.result in _FAILED or any(c.result in _FAILED for c in s.children),
    "onbekend": lambda s: s.result in (Status.ONBEKEND, Status.VERSTREKEN_ZONDER_DATUM),
}


class ExplanationTree(w.VBox):
    def __init__(self, evaluation):
        self.evaluation = evaluation
        self.filter = w.ToggleButtons(options=list(FILTERS), value="alles", tooltips=[
            "alle regels", "alleen wat niet voldaan of niet gehaald is",
            "alleen wat onbekend of zonder datum verstreken is"],
            style={"button_width": "auto"})
        self.view = w.HTML(layout=w.Layout(min_width="0"))
        self.filter.observe(lambda change: self._render(), "value")
        super().__init__([self.filter, self.view], layout=w.Layout(min_width="0"))
        self._render()

    def show(self, evaluation) -> None:
        self.evaluation = evaluation
        self._render()

    def _render(self) -> None:
        self.view.value = tree_html(self.evaluation.explanation, keep=FILTERS[self.filter.value])
