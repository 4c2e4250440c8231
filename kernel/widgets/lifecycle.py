"""Closing a tree of widgets: every child, what a widget owns beside its children, and the
Layout and Style models each of them carries.

Contract: `close_tree(widget)` closes `widget` and everything under it: its `children`, the
widgets it lists in `owned` (links, views not shown yet), and the `layout` and `style` of each
(ipywidgets keeps a widget's Layout and Style alive after the widget itself is closed, so a
view rebuilt often would otherwise grow the kernel's memory). Closing is `Widget.close` of
ipywidgets itself, so an owner may call `close_tree(self)` from its own `close`.
"""

from __future__ import annotations

import ipywidgets as w


def widgets_under(widget: w.Widget) -> list[w.Widget]:
    """`widget`, every widget under it and their Layout and Style models, each once."""
    seen: dict[int, w.Widget] = {}
    stack = [widget]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen[id(current)] = current
        stack.extend(getattr(current, "children", ()))
        stack.extend(getattr(current, "owned", ()))
        for trait in ("layout", "style"):
            model = getattr(current, trait, None)
            if isinstance(model, w.Widget):
                stack.append(model)
    return list(seen.values())


def close_tree(widget: w.Widget) -> None:
    """Close `widget` and everything under it (see the module contract)."""
    for each in reversed(widgets_under(widget)):
        w.Widget.close(each)
