"""A beslissing as the DMN modelers show it: what `toon naam` adds for a beslissing in the notebook.

Contract: `decision_view(compiled, name, source)` returns None when `name` is not a beslissing (or
a table with several outcomes) of the policy, else a `DecisionTableView`: the DMN 1.3 XML of that
table as the exporter (dsl/dmn/exporter.py) writes it, for a policy cut down to the table and the
rules it uses, so a refusal elsewhere in the policy does not stop it. The view's MIME bundle holds
the XML under `MIME` (the labextension renders it with dmn-js, the bpmn-io decision-table viewer;
the metadata names the decision to open), a static `text/html` table with the same layout (name,
hit-policy letter, input columns with expression and type, output columns, one row per rule with
its cells and its annotation) and the same table as `text/plain`, so classic notebooks, nbconvert
and nbclient show it too. When the exporter refuses the table, the view holds its Dutch
refusal instead (where it is in the notebook, via `source`), and no XML. The table shown is read
back from the XML (dsl/dmn/xml.py), so every form shows the same cells as the modelers.
`DecisionText` is what `toon` shows for a beslissing: its policy text and then this view, each
as a display of its own.
"""

from __future__ import annotations

from html import escape
from typing import Any

import attrs

from dsl.core import expr as E
from dsl.core.model import Calculation, Decision, Policy, own_expressions
from dsl.dmn.exporter import export_policy
from dsl.dmn.xml import DecisionTable, parse_dmn
from dsl.errors import BeleidError
from dsl.policy import CompiledPolicy
from kernel.compose import SourceMap
from kernel.reports import PolicyText
from kernel.widgets.html import FONT

MIME = "application/vnd.beleidstaal.dmn+xml"

# DMN's hit policies (and COLLECT's aggregations) as the modelers abbreviate them.
_LETTERS = {"UNIQUE": "U", "FIRST": "F", "ANY": "A", "PRIORITY": "P", "RULE ORDER": "R", "OUTPUT ORDER": "O",
            "COLLECT": "C"}
_AGGREGATES = {"SUM": "+", "COUNT": "#", "MIN": "<", "MAX": ">"}
_WORDS = {"UNIQUE": "Unique", "FIRST": "First", "ANY": "Any", "PRIORITY": "Priority", "RULE ORDER": "Rule order",
          "OUTPUT ORDER": "Output order", "COLLECT": "Collect"}


def hit_policy_letter(table: DecisionTable) -> str:
    """U, F, A, P, R, O, C, C+, C#, C<, C>."""
    return _LETTERS[table.hit_policy] + _AGGREGATES.get(table.aggregation or "", "")


def hit_policy_words(table: DecisionTable) -> str:
    words = _WORDS[table.hit_policy]
    return f"{words} ({table.aggregation.lower()})" if table.aggregation else words


def _table_name(model: Policy, name: str) -> str | None:
    """The DMN decision `name` is shown as: a beslissing, or the table several outcomes share."""
    rule = model.rules.get(name)
    if isinstance(rule, Decision):
        return rule.table or rule.name
    if any(isinstance(r, Decision) and r.table == name for r in model.rules.values()):
        return name
    return None


def _used(model: Policy, start: list[str]) -> list[str]:
    """`start` and every rule it uses, directly or through other rules, in the policy's order."""
    seen: set[str] = set()
    pending = list(start)
    while pending:
        name = pending.pop()
        if name in seen or name not in model.rules:
            continue
        seen.add(name)
        rule = model.rules[name]
        exprs: list[E.Expr] = list(own_expressions(rule))
        if isinstance(rule, Decision):
            exprs += [row.outcome for row in rule.all_rows if row.outcome is not None]
            pending += list(rule.outputs)
        elif isinstance(rule, Calculation):
            exprs.append(rule.expr)
        pending += [node.name for e in exprs for node in E.walk(e) if isinstance(node, E.RuleRef)]
    return [name for name in model.rules if name in seen]


def decision_view(compiled: CompiledPolicy, name: str, source: SourceMap | None = None) -> DecisionTableView | None:
    """The view of beslissing `name` (see the module contract), or None for any other name."""
    model = compiled.model
    table_name = _table_name(model, name)
    if table_name is None:
        return None
    start = [n for n, r in model.rules.items() if n == table_name or (isinstance(r, Decision) and r.table == table_name)]
    used = _used(model, start)
    part = attrs.evolve(model, rules={n: model.rules[n] for n in used})
    try:
        xml = export_policy(part)
    except BeleidError as err:
        return DecisionTableView(table_name, None, None, tuple(_refusal(d, source) for d in err.diagnostics))
    decision = next(d for d in parse_dmn(xml, f"{table_name}.dmn").decisions if d.name == table_name)
    assert isinstance(decision.logic, DecisionTable)   # the exporter writes a table for every beslissing
    return DecisionTableView(table_name, xml, decision.id, (), decision.label, decision.logic)


def _refusal(diagnostic, source: SourceMap | None) -> str:
    where = source.locate(diagnostic.span) if source is not None and diagnostic.span is not None else None
    place = f" ({where[0]}, regel {where[2].line})" if where else ""
    return diagnostic.message + place


@attrs.frozen
class DecisionTableView:
    """One beslissing as a DMN decision table (or the exporter's refusal; see the module contract)."""

    name: str
    xml: str | None = attrs.field(repr=False)
    decision_id: str | None
    refusal: tuple[str, ...] = ()
    label: str | None = None
    table: DecisionTable | None = attrs.field(default=None, repr=False)

    def _columns(self) -> tuple[list[tuple[str, str, str]], list[tuple[str, str]]]:
        """The input columns (title, expression, type) and output columns (title, type)."""
        assert self.table is not None
        inputs = [(c.label or c.expression, c.expression, c.type_ref or "") for c in self.table.inputs]
        outputs = [(c.name or self.name, c.type_ref or "") for c in self.table.outputs]
        return inputs, outputs

    def __repr__(self) -> str:
        if self.table is None:
            return "\n".join([f"Beslistabel '{self.name}' kan niet als DMN getoond worden:",
                              *(f"  {r}" for r in self.refusal)])
        table = self.table
        inputs, outputs = self._columns()
        head = ([hit_policy_letter(table)] + [f"{t} ({e}: {ty})" if t != e else f"{e}: {ty}" for t, e, ty in inputs]
                + [f"{t}: {ty}" for t, ty in outputs] + ["annotatie"])
        rows = [[str(n + 1), *rule.inputs, *rule.outputs, rule.description or rule.annotation or ""]
                for n, rule in enumerate(table.rules)]
        widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
        first = len(inputs) + 1

        def line(cells: list[str]) -> str:
            padded = [c.ljust(w) for c, w in zip(cells, widths, strict=True)]
            return (" | ".join(padded[:first]) + " || " + " | ".join(padded[first:])).rstrip()

        title = f"Beslistabel {self.label} ({self.name})" if self.label else f"Beslistabel {self.name}"
        lines = [f"{title}, hit policy {hit_policy_letter(table)} ({hit_policy_words(table)})", line(head),
                 *(line(r) for r in rows)]
        lines += [f"anders: {c.name or self.name} = {c.default}" for c in table.outputs if c.default]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        if self.table is None:
            items = "".join(f"<li>{escape(r)}</li>" for r in self.refusal)
            return (f'<div class="bt-dmn-refused" style="{FONT}"><b>Beslistabel {escape(self.name)} kan niet als '
                    f'DMN getoond worden</b><ul style="margin:2px 0">{items}</ul></div>')
        table = self.table
        inputs, outputs = self._columns()
        cell = "border:1px solid #ccc;padding:3px 6px;vertical-align:top;text-align:left"
        thick = f"{cell};border-left:3px double #999"
        small = "display:block;font-weight:normal;font-family:monospace;font-size:90%;color:#555"
        head = [f'<th style="{cell}" class="bt-dmn-hit-policy" title="{escape(hit_policy_words(table))}">'
                f"{escape(hit_policy_letter(table))}</th>"]
        head += [f'<th style="{cell}" class="bt-dmn-input">{escape(t)}<span style="{small}">{escape(e)}</span>'
                 f'<span style="{small}">{escape(ty)}</span></th>' for t, e, ty in inputs]
        head += [f'<th style="{thick if i == 0 else cell}" class="bt-dmn-output">{escape(t)}'
                 f'<span style="{small}">{escape(ty)}</span></th>' for i, (t, ty) in enumerate(outputs)]
        head.append(f'<th style="{thick}" class="bt-dmn-annotation">Annotaties</th>')
        body = []
        for n, rule in enumerate(table.rules):
            cells = [f'<td style="{cell}">{n + 1}</td>']
            cells += [f'<td style="{cell};font-family:monospace">{escape(v)}</td>' for v in rule.inputs]
            cells += [f'<td style="{thick if i == 0 else cell};font-family:monospace">{escape(v)}</td>'
                      for i, v in enumerate(rule.outputs)]
            cells.append(f'<td style="{thick}">{escape(rule.description or rule.annotation or "")}</td>')
            body.append(f'<tr class="bt-dmn-rule">{"".join(cells)}</tr>')
        defaults = "".join(f"<div>anders: {escape(c.name or self.name)} = <code>{escape(c.default)}</code></div>"
                           for c in table.outputs if c.default)
        title = escape(self.label or self.name)
        return (f'<div class="bt-dmn" style="{FONT}overflow-x:auto"><div style="font-weight:bold;margin:2px 0">'
                f'{title} <span style="font-weight:normal;color:#555">({escape(self.name)}, hit policy '
                f'{escape(hit_policy_words(table))})</span></div>'
                f'<table style="border-collapse:collapse"><thead><tr>{"".join(head)}</tr></thead>'
                f'<tbody>{"".join(body)}</tbody></table>{defaults}</div>')

    def _repr_mimebundle_(self, include=None, exclude=None) -> tuple[dict[str, Any], dict[str, Any]]:
        data: dict[str, Any] = {"text/plain": repr(self), "text/html": self._repr_html_()}
        metadata: dict[str, Any] = {}
        if self.xml is not None:
            data[MIME] = self.xml
            metadata[MIME] = {"decision": self.decision_id, "name": self.name}
        return data, metadata


@attrs.frozen
class DecisionText:
    """What `toon` shows for a beslissing: its text, then its decision table."""

    text: PolicyText
    view: DecisionTableView

    def __repr__(self) -> str:
        return f"{self.text!r}\n\n{self.view!r}"

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.text)
        display(self.view)
