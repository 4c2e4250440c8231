"""Widgets for evaluating a case in a notebook: form, step-through, explanation, what-if, timeline.

Contract: every widget is built from a compiled policy and one immutable `Evaluation`
(`kernel.evaluation`) and is a cursor over it; `show(evaluation)` points a view at a new one.
`Dashboard` combines them and is what the kernel's `evalueer` shows. `kernel.widgets.batch.BatchView`
is what `evalueer alle` shows (imported from its own module: it needs Polars, which `evalueer`
does not). Every widget under an owner, with its Layout and Style, is closed with the owner
(`kernel.widgets.lifecycle.close_tree`).
"""

from kernel.widgets.dashboard import Dashboard
from kernel.widgets.form import CaseForm
from kernel.widgets.player import StepPlayer
from kernel.widgets.timeline import TimelineView, timeline_svg
from kernel.widgets.tree import ExplanationTree
from kernel.widgets.whatif import WhatIfView

__all__ = ["Dashboard", "CaseForm", "StepPlayer", "ExplanationTree", "WhatIfView", "TimelineView",
           "timeline_svg"]
