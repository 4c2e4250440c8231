"""Widgets for evaluating a case in a notebook: form, step-through, explanation, what-if, timeline.

Contract: every widget is built from a compiled policy and one immutable `Evaluation`
(`kernel.evaluation`) and is a cursor over it; `show(evaluation)` points a view at a new one.
`Dashboard` combines them and is what the kernel's `evalueer` shows. Layouts and Button
widgets are closed with their owner; see `Dashboard.close`.
"""

from kernel.widgets.dashboard import Dashboard
from kernel.widgets.form import CaseForm
from kernel.widgets.player import StepPlayer
from kernel.widgets.timeline import TimelineView, timeline_svg
from kernel.widgets.tree import ExplanationTree
from kernel.widgets.whatif import WhatIfView

__all__ = ["Dashboard", "CaseForm", "StepPlayer", "ExplanationTree", "WhatIfView", "TimelineView",
           "timeline_svg"]
