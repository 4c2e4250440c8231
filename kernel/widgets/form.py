"""The case form: one input widget per gegeven of the policy, reporting every valid change.

Contract: `CaseForm(policy, raw)` builds one widget per gegeven, fitting its type: a Text field
for bedrag, percentage, getal, aantal, duur, tijdstip, tekst and lijst (read exactly with the
Dutch literal rules of `dsl.case.convert`, so "€ 250.000,01" is Decimal("250000.01"), never a
float), a DatePicker for datum, a Checkbox for ja/nee, a Dropdown for keuze (with "onbekend").
Each input has the gegeven's description (`Field.description`) as its label on the line above
it (the whole text, wrapping, never cut off) and its identifier as the tooltip; the input
carries the DOM class `bt-input-<identifier>`. A text field's placeholder is an example that
cannot be taken for a value ("bijv. € 120.000"). A gegeven is unknown until it is filled in and
shows so: a dropdown reads "onbekend", a checkbox "(onbekend)" (then "ja" or "nee"), a date
picker "(onbekend)" beside it (then the date in Dutch, "1 april 2024", whatever the browser's
own date format). An empty
text, a cleared date, "onbekend" in a dropdown or the "Wis" control (which reads "kies een
gegeven om onbekend te maken") make it unknown again. `form.raw` is the case as a dict of
valid values; `on_change(callback)` calls `callback(raw)` after each valid change. A value that
does not fit is not passed on: its Dutch message is shown above the fields until it is
corrected. The labels share one Layout and one Style (a form has a hundred of them).
"""

from __future__ import annotations

from datetime import date, datetime
from html import escape

import ipywidgets as w
from ipywidgets.widgets.widget_bool import CheckboxStyle
from ipywidgets.widgets.widget_description import DescriptionStyle
from ipywidgets.widgets.widget_string import HTMLStyle, TextStyle

from dsl.case import CaseValueError, convert
from dsl.core.model import Field
from dsl.runtime.formatting import (
    counted,
    format_date,
    format_duration_count,
    format_money,
    format_number,
    format_percentage,
)
from kernel.widgets.html import FONT

_PLACEHOLDER = {"bedrag": "bijv. € 120.000", "percentage": "bijv. 33%", "getal": "bijv. 0,5",
                "aantal": "bijv. 12", "tijdstip": "bijv. 2023-12-22 17:00", "tekst": "bijv. een tekst",
                "lijst": "bijv. [1; 2]"}
UNKNOWN = "onbekend"
UNKNOWN_MARK = f"({UNKNOWN})"   # a checkbox not filled in
CLEAR_PROMPT = "kies een gegeven om onbekend te maken"


class _Unknown:
    """The value of the "onbekend" option of a keuze dropdown (a dropdown whose value is None
    shows blank, so "onbekend" needs a value of its own)."""

    def __repr__(self) -> str:
        return UNKNOWN


UNKNOWN_CHOICE = _Unknown()


class CaseForm(w.VBox):
    """The case form (see the module contract)."""

    def __init__(self, policy, raw: dict | None = None):
        self.policy = policy
        self.raw: dict = {}
        self.errors: dict[str, str] = {}
        self._callbacks: list = []
        self._quiet = False
        self.inputs: dict[str, w.DOMWidget] = {}
        self._layout = w.Layout(width="98%")
        self._label_layout = w.Layout(width="98%", margin="6px 0 0 0")
        self._label_style = HTMLStyle()
        # one Style model per kind of input, shared by the inputs of that kind as the layouts are
        # (ipywidgets makes one per widget otherwise: 215 of the 752 widgets of a wijkverpleging
        # dashboard, each a model the browser is sent and keeps); made when the first input of its
        # kind is, so that each is under an input and closed with the form
        self._styles: dict[str, w.Widget] = {}
        self.labels: dict[str, w.HTML] = {}
        rows: list[w.Widget] = []
        for name, field in policy.model.fields.items():
            self.labels[name] = w.HTML(_label_html(field), layout=self._label_layout, style=self._label_style)
            self.inputs[name] = self._input(field)
            rows += [self.labels[name], self.inputs[name]]
        self.messages = w.HTML(layout=w.Layout(width="98%"))
        self.clear_choice = w.Dropdown(description="Wis", options=[(CLEAR_PROMPT, "")], value="",
                                       tooltip="maak een gegeven weer onbekend", layout=self._layout,
                                       style={"description_width": "initial"})
        self.clear_choice.observe(self._clear_chosen, "value")
        fields = w.VBox(rows, layout=w.Layout(max_height="520px", overflow="auto", width="100%"))
        shown = counted(len(self.inputs), "gegeven", "gegevens")
        title = w.HTML(f'<div style="{FONT}"><b>Casus</b> — {shown}</div>')
        super().__init__([title, self.messages, self.clear_choice, fields],
                         layout=w.Layout(flex="1 1 300px", min_width="0"))
        self.set_values(raw or {})

    # ------------------------------------------------------------ building
    def _input(self, field: Field) -> w.DOMWidget:
        name, t = field.name, field.type
        common = {"tooltip": name, "layout": self._layout}
        if t.kind == "ja/nee":
            widget = w.Checkbox(value=False, indent=False, description=UNKNOWN_MARK, style=self._style(CheckboxStyle),
                                **common)
        elif t.kind == "datum":
            widget = w.DatePicker(value=None, description=UNKNOWN_MARK,
                                  style=self._style(DescriptionStyle, description_width="initial"), **common)
        elif t.kind == "keuze":
            widget = w.Dropdown(options=[(UNKNOWN, UNKNOWN_CHOICE), *((o, o) for o in t.options)],
                                value=UNKNOWN_CHOICE, style=self._style(DescriptionStyle), **common)
        else:
            placeholder = _PLACEHOLDER.get(t.kind, "bijv. 3 " + (t.declared or t.unit or ""))
            widget = w.Text(value="", placeholder=placeholder, continuous_update=False, style=self._style(TextStyle),
                            **common)
        widget.add_class(f"bt-input-{name}")
        widget.observe(lambda change, name=name: self._changed(name, change["new"]), "value")
        return widget

    def _style(self, kind: type[w.Widget], **settings) -> w.Widget:
        """The form's one Style model of this class and these settings (see `__init__`)."""
        key = f"{kind.__name__}{sorted(settings.items())}"
        if key not in self._styles:
            self._styles[key] = kind(**settings)
        return self._styles[key]

    # ------------------------------------------------------------ values
    def set_values(self, raw: dict) -> None:
        """Show `raw` (a case dict) in the fields without reporting changes."""
        self._quiet = True
        try:
            with self.hold_sync():
                for name, field in self.policy.model.fields.items():
                    value = raw.get(name)
                    self._show(name, field.type, value)
                    if value is None:
                        self.raw.pop(name, None)
                    else:
                        self.raw[name] = value
                if raw.get("peildatum") is not None:
                    self.raw["peildatum"] = raw["peildatum"]
                self.errors.clear()
                self._refresh()
        finally:
            self._quiet = False

    def set_value(self, name: str, value) -> None:
        """Change one gegeven as if the user had entered it (reports the change once)."""
        self._quiet = True
        try:
            self._show(name, self.policy.model.fields[name].type, value)
        finally:
            self._quiet = False
        self._changed(name, self._widget_value(name))

    def _show(self, name: str, t, value) -> None:
        widget = self.inputs[name]
        typed = None if value is None else convert(value, t)
        if t.kind == "ja/nee":
            widget.value = bool(typed)
            widget.description = UNKNOWN_MARK if typed is None else _yes_no(typed)
        elif t.kind == "keuze":
            widget.value = UNKNOWN_CHOICE if typed is None else typed
        elif t.kind == "datum":
            widget.value = typed
            widget.description = _day(typed)
        else:
            widget.value = "" if typed is None else as_text(typed, t)

    def _widget_value(self, name: str):
        value = self.inputs[name].value
        return None if value is UNKNOWN_CHOICE else value

    def _changed(self, name: str, value) -> None:
        if self._quiet:
            return
        t = self.policy.model.fields[name].type
        if value is UNKNOWN_CHOICE:
            value = None
        if isinstance(value, str):
            value = value.strip()
            if t.kind == "lijst" and value:
                value = [v.strip() for v in value.strip("[]").split(";") if v.strip()]
        if t.kind == "ja/nee" and isinstance(value, bool):
            self.inputs[name].description = _yes_no(value)
        if t.kind == "datum":
            self.inputs[name].description = _day(value)
        if value in ("", None):
            self.raw.pop(name, None)
            self.errors.pop(name, None)
        else:
            try:
                convert(value, t)
            except CaseValueError as err:
                self.errors[name] = str(err)
                self._refresh()
                return
            self.errors.pop(name, None)
            self.raw[name] = value
        self._refresh()
        for callback in self._callbacks:
            callback(dict(self.raw))

    def _clear_chosen(self, change) -> None:
        name = change["new"]
        if not name:
            return
        t = self.policy.model.fields[name].type
        self._quiet = True
        try:
            self._show(name, t, None)
        finally:
            self._quiet = False
        self.raw.pop(name, None)
        self.errors.pop(name, None)
        self._refresh()
        for callback in self._callbacks:
            callback(dict(self.raw))

    def _refresh(self) -> None:
        with self.hold_sync():
            fields = self.policy.model.fields
            known = [n for n in fields if n in self.raw]
            self.clear_choice.unobserve(self._clear_chosen, "value")
            self.clear_choice.options = [(CLEAR_PROMPT, ""), *((fields[n].description, n) for n in known)]
            self.clear_choice.value = ""
            self.clear_choice.observe(self._clear_chosen, "value")
            self.messages.value = "".join(
                f'<div class="bt-error" style="{FONT}color:#cf222e">{escape(fields[n].description, quote=False)}: '
                f'{escape(msg, quote=False)}</div>' for n, msg in self.errors.items())

    def on_change(self, callback) -> None:
        self._callbacks.append(callback)


def as_text(value, t) -> str:
    """A typed value as the Dutch text the form shows (and reads back exactly)."""
    kind = t.kind
    if kind == "bedrag":
        return format_money(value)
    if kind == "percentage":
        return format_percentage(value)
    if kind == "getal":
        return format_number(value)
    if kind == "duur":
        return format_duration_count(value, t)
    if kind == "tijdstip" and isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if kind == "lijst":
        return "[" + "; ".join(as_text(v, t.element) for v in value) + "]"
    return str(value)


def _day(value) -> str:
    """A date picker's description: the date in Dutch words, or "(onbekend)"."""
    return format_date(value) if isinstance(value, date) else UNKNOWN_MARK


def _yes_no(value: bool) -> str:
    return "ja" if value else "nee"


def _label_html(field: Field) -> str:
    """The label above an input: the gegeven's description, its identifier as the tooltip."""
    return (f'<div class="bt-label" data-name="{escape(field.name)}" title="{escape(field.name)}" '
            f'style="{FONT}white-space:normal;overflow-wrap:anywhere">{escape(field.description)}</div>')
