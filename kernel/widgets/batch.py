"""The batch view `evalueer alle` shows: a table of cases evaluated at once, and one case opened.

Contract: `BatchView(policy, table, source)` evaluates every row of a `CaseTable` once
(`kernel.batch.TableEvaluation`) and shows the summary (counts per status per kind of rule,
the rules most often not met, refused rows with their reasons) above two tabs. **Rijen**: the
rows, a page of `PAGE` at a time, filtered by a rule (Dropdown) and one of its statuses or, for
a decision, one of its outcomes (Dropdown, each with its count); "geweigerde rijen" keeps the
refused rows. **Uitkomsten**: per decision a bar chart of its outcomes and histograms of the
gegevens its rows compare with thresholds (`kernel.widgets.batch_html.charts_html`). The button
with a row's number, or a row number or key typed in the field below the rows, opens that
row's case in the same `Dashboard` `evalueer` shows, built from its traced outcome
(`dsl.batch.outcome_of_row`); the dashboard of the row opened before is closed. Filtering and
paging only query the evaluated frame and update the widgets a page already has (a fixed set
of `PAGE` row lines): nothing is evaluated again and no widget is created. `close()` closes
every widget of the view, the opened dashboard included, with their layouts and styles.

Policy versions, as for the dashboard: a view is built on one compiled policy (`policy`, changed
last in `policy_cell`). `policy_changed(policy, source, cell)` (the session calls it when a cell
changes the session's policy) makes a view on another version stale at once: the notice
"verouderd: het beleid is gewijzigd in cel[N]" with the button "Opnieuw evalueren met het nieuwe
beleid"; the opened row's dashboard is told too (it goes stale itself). While stale, opening a
row shows the notice and evaluates nothing, so no row is ever evaluated with replaced rules. The
button (`rerun()`) evaluates the same table with the newest policy and shows the new summary,
filters (reset), rows and charts; the dashboard of the row opened before is closed.
"""

from __future__ import annotations

from html import escape
from typing import Any

import ipywidgets as w
from typing_extensions import override

from dsl.errors import BeleidError
from kernel.batch import ALL, REFUSED, Choice, TableEvaluation
from kernel.evaluation import Evaluation
from kernel.widgets.batch_html import charts_html, columns, header_html, row_html, summary_html, summary_text, widths
from kernel.widgets.charts import number
from kernel.widgets.dashboard import Dashboard
from kernel.widgets.html import AMBER, FONT, RED, notice_html, stale_html, with_full_text
from kernel.widgets.lifecycle import close_tree

PAGE = 12
_NO_CHOICE = [("status: kies eerst een regel", -1)]
TABS = ("Rijen", "Uitkomsten")
_HINT = (f'<div style="{FONT}color:#57606a">Kies een rij met de knop met haar nummer, of typ hierboven '
         "een rijnummer of sleutel, om de uitleg van die casus te zien.</div>")
RERUN = "Opnieuw evalueren met het nieuwe beleid"


class BatchView(w.VBox):
    """The batch view (see the module contract)."""

    def __init__(self, policy, table, source=None, policy_cell: str | None = None):
        self.policy, self.source, self.policy_cell = policy, source, policy_cell
        self.stale: str | None = None      # the cell that changed the policy, while stale
        self._newest: tuple | None = None   # (policy, source, cell) of the session, while stale
        self.evaluation = TableEvaluation.build(policy, table)
        self.dashboard: Dashboard | None = None
        self.opened: int | None = None
        self.start = 0
        self._choices: list[Choice] = []
        self.numbers = self.evaluation.select(None, None)
        self.summary = w.HTML(summary_html(self.evaluation))
        self._build_filters()
        self._build_rows()
        self.charts = w.HTML(charts_html(self.evaluation))
        self.tabs = w.Tab([self.rows_tab, self.charts], titles=TABS)
        self.case_head = w.HTML(_HINT)
        self.case_area = w.VBox([self.case_head], layout=w.Layout(margin="8px 0 0 0"))
        self.notice = w.HTML(layout=w.Layout(flex="1 1 260px", min_width="0"))
        self.rerun_button = w.Button(description=RERUN, icon="refresh", button_style="warning",
                                     layout=w.Layout(width="auto", display="none"))
        self.rerun_button.on_click(lambda _: self.rerun())
        self.notice_bar = w.HBox([self.notice, self.rerun_button], layout=w.Layout(
            display="none", flex_flow="row wrap", align_items="center", width="100%"))
        super().__init__([self.notice_bar, self.summary, self.tabs, self.case_area])
        self._render()

    # ------------------------------------------------------------ building
    def _rule_options(self) -> list[tuple[str, str]]:
        te = self.evaluation
        options: list[tuple[str, str]] = [("alle rijen", ALL)]
        if te.refused:
            options.append((f"geweigerde rijen ({number(te.refused)})", REFUSED))
        return options + [(f"{rule.kind}: {name}", name) for name, rule in _by_kind(te.model.rules)]

    def _build_filters(self) -> None:
        self.rule = w.Dropdown(description="Filter", options=self._rule_options(), value=ALL,
                               layout=w.Layout(width="320px"), style={"description_width": "44px"})
        self.choice = w.Dropdown(options=_NO_CHOICE, value=-1, disabled=True, layout=w.Layout(width="290px"))
        self.found = w.HTML()
        self.rule.observe(lambda change: self._rule_chosen(), "value")
        self.choice.observe(lambda change: self._filter(), "value")

    def _build_rows(self) -> None:
        self.header = w.HTML()
        self.row_buttons = [w.Button(layout=w.Layout(width="52px", height="26px", margin="1px 0"))
                            for _ in range(PAGE)]
        self.row_lines = [w.HTML(layout=w.Layout(margin="1px 0")) for _ in range(PAGE)]
        for index, button in enumerate(self.row_buttons):
            button.on_click(lambda _, index=index: self._row_clicked(index))
        cells: list[w.Widget] = [w.HTML(f'<div style="{FONT}font-weight:600;padding:2px 0">rij</div>'), self.header]
        for button, line in zip(self.row_buttons, self.row_lines):
            cells += [button, line]
        self.grid = w.GridBox(cells, layout=w.Layout(grid_template_columns="54px max-content", grid_gap="0 4px",
                                                     align_items="center", overflow="auto hidden", max_width="100%"))
        self.previous = w.Button(description="vorige", icon="chevron-left", layout=w.Layout(width="auto"))
        self.next = w.Button(description="volgende", icon="chevron-right", layout=w.Layout(width="auto"))
        self.position = w.HTML()
        self.previous.on_click(lambda _: self.go(self.start - PAGE))
        self.next.on_click(lambda _: self.go(self.start + PAGE))
        self.key = w.Text(placeholder="rijnummer of sleutel", continuous_update=False,
                          description="Open rij", style={"description_width": "64px"},
                          layout=w.Layout(width="300px"))
        self.show_key = w.Button(description="Toon uitleg", icon="search", layout=w.Layout(width="auto"))
        self.key.observe(lambda change: self.open_key(change["new"]), "value")
        self.show_key.on_click(lambda _: self.open_key(self.key.value))
        self.message = w.HTML()
        self.rows_tab = w.VBox([
            w.HBox([self.rule, self.choice, self.found], layout=w.Layout(flex_flow="row wrap", align_items="center")),
            self.grid,
            w.HBox([self.previous, self.next, self.position], layout=w.Layout(align_items="center")),
            w.HBox([self.key, self.show_key, self.message], layout=w.Layout(flex_flow="row wrap", align_items="center")),
        ])

    # ------------------------------------------------------------ filtering and paging
    def _rule_chosen(self) -> None:
        self._choices = self.evaluation.choices(self.rule.value)
        with self.hold_sync():
            self.choice.unobserve_all("value")
            self.choice.options = [(f"{c.label} ({number(c.count)})", i) for i, c in enumerate(self._choices)] \
                or _NO_CHOICE
            self.choice.value = 0 if self._choices else -1
            self.choice.disabled = not self._choices
            self.choice.observe(lambda change: self._filter(), "value")
        self._filter()

    @property
    def chosen(self) -> Choice | None:
        index = self.choice.value
        return self._choices[index] if index is not None and 0 <= index < len(self._choices) else None

    def _filter(self) -> None:
        self.numbers = self.evaluation.select(self.rule.value, self.chosen)
        self.go(0)

    def go(self, start: int) -> None:
        """Show the page of filtered rows starting at `start` (clamped)."""
        last = max(0, (self.numbers.len() - 1) // PAGE * PAGE)
        self.start = max(0, min(start, last))
        self._render()

    def visible(self) -> list[int]:
        """The row numbers on the page shown."""
        return [int(n) for n in self.numbers.slice(self.start, PAGE).to_list()]

    def _render(self) -> None:
        te, shown = self.evaluation, self.visible()
        rows = sorted(te.page(self.numbers.slice(self.start, PAGE)), key=lambda r: r["__rij"])
        rule = self.rule.value if self.rule.value not in (ALL, REFUSED) else None
        cols = columns(te, rule, refused=any(r["geweigerd"] is not None for r in rows))
        sizes = widths(cols, rows)
        total = self.numbers.len()
        with self.hold_sync():
            self.header.value = header_html(cols, sizes)
            for i, (button, line) in enumerate(zip(self.row_buttons, self.row_lines)):
                if i < len(rows):
                    n = rows[i]["__rij"]
                    button.description, button.tooltip = str(n), f"toon de uitleg van rij {n}"
                    button.button_style = "info" if n == self.opened else ""
                    line.value = row_html(rows[i], cols, sizes, opened=n == self.opened)
                    button.layout.display = line.layout.display = None
                else:
                    button.layout.display = line.layout.display = "none"
            first = self.start + 1 if total else 0
            self.position.value = (f'<span style="{FONT}">rijen {number(first)}–{number(self.start + len(shown))} '
                                   f'van {number(total)}</span>')
            self.found.value = f'<span style="{FONT}color:#57606a">{number(total)} van {number(te.rows)} rijen</span>'
            self.previous.disabled = self.start == 0
            self.next.disabled = self.start + PAGE >= total

    # ------------------------------------------------------------ one case
    def _row_clicked(self, index: int) -> None:
        shown = self.visible()
        if index < len(shown):
            self.open_row(shown[index])

    def open_key(self, key: str) -> None:
        """Open the row with this key (in a key column) or row number; a Dutch message if none."""
        if not key.strip():
            return
        try:
            row, hits = self.evaluation.find(key)
        except LookupError as err:
            self.message.value = f'<span style="{FONT}color:{RED}">{escape(str(err))}</span>'
            return
        self.open_row(row)
        if hits > 1:
            self.message.value = (f'<span style="{FONT}color:#57606a">{number(hits)} rijen hebben deze sleutel; '
                                  f"de eerste (rij {row}) staat hieronder</span>")

    def open_row(self, row: int) -> None:
        """Show the dashboard of row `row` (1-based) below the tabs; close the one shown before.
        While the view is stale: the notice, and nothing evaluated."""
        self.message.value = ""
        if self.stale is not None:
            self.message.value = (f'<span class="bt-stale" style="{FONT}color:{AMBER}">rij {row} is niet geopend: '
                                  f'verouderd: het beleid is gewijzigd in {escape(self.stale)}; druk op '
                                  f'“{RERUN}”</span>')
            return
        reason = self.evaluation.results.row(row - 1, named=True)["geweigerd"]
        if reason is not None:
            self.message.value = f'<span style="{FONT}color:{RED}">rij {row} is geweigerd: {escape(reason)}</span>'
            return
        try:
            outcome = self.evaluation.outcome_of(row)
        except BeleidError as err:
            self.message.value = f'<pre style="{FONT}color:{RED}">{escape(err.render())}</pre>'
            return
        evaluation = Evaluation.of_outcome(self.policy, outcome, self.source)
        board = Dashboard(self.policy, source=self.source, evaluation=evaluation, policy_cell=self.policy_cell)
        old, self.dashboard, self.opened = self.dashboard, board, row
        with self.hold_sync():
            self.case_head.value = _case_head(self.evaluation, row)
            self.case_area.children = [self.case_head, board]
        if old is not None:
            close_tree(old)
        self._render()

    # ------------------------------------------------------------ policy versions
    def policy_changed(self, policy, source, cell: str | None) -> None:
        """The session's policy is now `policy` (changed in `cell`): stale unless it is ours."""
        if policy is self.policy:
            return
        self.stale, self._newest = cell or "een latere cel", (policy, source, cell)
        with self.hold_sync():
            self.notice.value = stale_html(self.stale, "de uitkomsten hieronder horen bij het beleid van "
                                                       "daarvoor; een rij openen evalueert niets meer")
            self.notice_bar.layout.display = ""
            self.rerun_button.layout.display = ""
        if self.dashboard is not None:
            self.dashboard.policy_changed(policy, source, cell)

    def rerun(self) -> None:
        """Evaluate the same table with the newest policy (see the module contract)."""
        if self._newest is None:
            return
        policy, source, cell = self._newest
        try:
            evaluation = TableEvaluation.build(policy, self.evaluation.table)
        except BeleidError as err:
            self.notice.value = notice_html("opnieuw evalueren lukt niet", escape(err.render()))
            return
        self.policy, self.source, self.policy_cell = policy, source, cell
        self.stale, self._newest, self.evaluation = None, None, evaluation
        old, self.dashboard, self.opened = self.dashboard, None, None
        with self.hold_sync():
            self.rule.unobserve_all("value")
            self.rule.options = self._rule_options()
            self.rule.value = ALL
            self.rule.observe(lambda change: self._rule_chosen(), "value")
            self._rule_chosen()
            self.summary.value = summary_html(evaluation)
            self.charts.value = charts_html(evaluation)
            self.case_head.value = _HINT
            self.case_area.children = [self.case_head]
            self.rerun_button.layout.display = "none"
            where = f" uit {escape(cell)}" if cell else ""
            self.notice.value = (f'<div class="bt-notice bt-reevaluated" style="{FONT}"><b>Opnieuw geëvalueerd '
                                 f'met het beleid{where}.</b></div>')
        if old is not None:
            close_tree(old)

    @override
    def __repr__(self) -> str:
        lines = summary_text(self.evaluation)
        if self.stale is not None:
            lines = [f"verouderd: het beleid is gewijzigd in {self.stale}", *lines]
        return "\n".join(lines)

    @override
    def _repr_mimebundle_(self, **kwargs):
        """The widget, with the whole summary as text/plain (ipywidgets cuts it at 110 characters)."""
        return with_full_text(super()._repr_mimebundle_(**kwargs), repr(self))

    @override
    def close(self) -> None:
        close_tree(self)



def _by_kind(rules: dict) -> list[tuple[str, Any]]:
    """Rules listed per kind (decisions first: what a table is usually run for), then by order."""
    order = {"beslissing": 0, "eis": 1, "groep": 2, "termijn": 3, "berekening": 4}
    return sorted(rules.items(), key=lambda item: (order.get(str(item[1].kind), 9), item[1].index))


def _case_head(te: TableEvaluation, row: int) -> str:
    values = te.results.row(row - 1, named=True)
    keys = " · ".join(f"{escape(k)} {escape(str(values[k]))}" for k in te.keys[:3] if values.get(k) is not None)
    return (f'<div class="bt-case-head" style="{FONT}border-top:2px solid #d0d7de;padding-top:6px">'
            f'<b>Rij {row}</b>{" · " + keys if keys else ""} — de uitleg van deze casus</div>')
