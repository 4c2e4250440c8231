"""The reports of a reviewer's cells as widgets: `controleer`, `dekking` and `verschil`.

Contract: each view is built from a report the analysis made (`dsl.analysis`: a
`ConsistencyReport`, a `CoverageReport` with the voorbeelden's results, a `PolicyDiff`) and
computes nothing itself. Places in the policy are shown where they were written (the cell or
file, through the session's `SourceMap`). `__repr__` is the same report as plain text for the
console.
  ConsistencyView  the findings grouped by kind (in the order of `dsl.analysis.findings.KINDS`)
                   with their counts; per finding the message, where, the counterexample, how it
                   was found, and a button "Open als casus"; then what was checked and how.
  CoverageView     parts no voorbeeld reaches first (per rule, with where), failing voorbeelden,
                   and the full table folded away.
  DiffView         text changes, the cases on which the versions differ (each with "Open als
                   casus"), and the verdict per rule: bewezen verschillend, gezocht, niet
                   vergeleken, then the rules bewezen gelijk (folded).
"Open als casus" hands the case (`open_case`) to the callback given with `on_open` (the
session: it makes it the session's case and builds the `Dashboard`), or, without one, builds
a dashboard that stays inside the view. The dashboard is shown below the report; the one opened
before is closed.
Policy versions: a view belongs to the policy it was made from (`policy`). `policy_changed`
makes it stale at once ("verouderd: het beleid is gewijzigd in cel[N]"): its findings are about
the older policy, so "Open als casus" is disabled (the case is never evaluated with rules that
were replaced). `Progress` is the display `controleer` and `verschil` update while they run.
`close()` closes every widget of the view, the opened dashboard included (`close_tree`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from html import escape

import ipywidgets as w
from typing_extensions import override

from dsl.analysis.coverage import CoverageReport
from dsl.analysis.diff import DIFFERENT, NOT_COMPARED, SAME, SEARCHED, PolicyDiff, asides
from dsl.analysis.findings import KINDS, ConsistencyReport, Finding
from dsl.analysis.report import case_text, how_found, search_summary
from dsl.analysis.search import Budget
from dsl.errors import BeleidError
from dsl.runtime.formatting import counted
from kernel.evaluation import raw_of
from kernel.widgets.html import AMBER, FONT, GREEN, GREY, MONO, RED, stale_html, with_full_text
from kernel.widgets.lifecycle import close_tree

OPEN = "Open als casus"
_MUTED = "color:#57606a"


# ---------------------------------------------------------------- progress
class Progress:
    """A one-line progress display: "controleren 12/98: afspraak_elv_tabel". `update` is the
    `progress(done, total, name)` callback of `check_policy` / `diff_policies`; listeners added
    with `on_update` are told at most every `every` seconds (and at the first and last step)."""

    def __init__(self, verb: str, every: float = 0.2):
        self.verb, self.every = verb, every
        self.done, self.total, self.name = 0, 0, ""
        self.state = "bezig"             # bezig, klaar, onderbroken or mislukt
        self._listeners: list[Callable[[Progress], None]] = []
        self._pushed = 0.0

    def on_update(self, listener: Callable[[Progress], None]) -> None:
        self._listeners.append(listener)

    def update(self, done: int, total: int, name: str) -> None:
        self.done, self.total, self.name = done, total, name
        now = time.monotonic()
        if done == 0 or done + 1 == total or now - self._pushed >= self.every:
            self._pushed = now
            self._push()

    def finish(self, state: str) -> None:
        self.state = state
        self._push()

    def _push(self) -> None:
        for listener in self._listeners:
            listener(self)

    @override
    def __repr__(self) -> str:
        if self.state == "klaar":
            return f"{self.verb}: klaar ({counted(self.total, 'regel', 'regels')})"
        if self.state in ("onderbroken", "mislukt"):
            return f"{self.verb}: {self.state} bij regel {self.done + 1} van {self.total} ({self.name})"
        return f"{self.verb} {self.done + 1}/{self.total}: {self.name}" if self.total else f"{self.verb} ..."

    def _repr_html_(self) -> str:
        share = 100 if self.state == "klaar" else (100 * self.done // self.total if self.total else 0)
        colour = GREEN if self.state in ("bezig", "klaar") else AMBER
        bar = (f'<div style="width:240px;height:6px;background:#eaeef2;border-radius:3px;display:inline-block;'
               f'vertical-align:middle;margin-right:8px"><div style="width:{share}%;height:6px;'
               f'background:{colour};border-radius:3px"></div></div>')
        return f'<div class="bt-progress" data-state="{self.state}" style="{FONT}{_MUTED}">{bar}{escape(repr(self))}</div>'


# ---------------------------------------------------------------- the common view
class ReviewView(w.VBox):
    """What the three views share: the stale notice, the report body, the opened case."""

    def __init__(self, policy, source, policy_cell: str | None, body: list[w.Widget]):
        self.policy, self.source, self.policy_cell = policy, source, policy_cell
        self.stale: str | None = None
        self.dashboard: w.Widget | None = None
        self.opened: str | None = None      # what the opened dashboard shows ("gat: overeenkomst")
        self.open_buttons: list[w.Button] = []
        self._opener: Callable[[dict], object] | None = None
        self.notice = w.HTML(layout=w.Layout(display="none"))
        self.case_head = w.HTML()
        self.case_area = w.VBox([self.case_head], layout=w.Layout(margin="8px 0 0 0"))
        super().__init__([self.notice, *body, self.case_area])
        self.add_class("bt-review")

    def on_open(self, callback: Callable[[dict], object]) -> None:
        """`callback(raw case)` returns the Dashboard to show, or a Dutch message why not."""
        self._opener = callback

    def where(self, span) -> str:
        """Where a span of the composed policy was written: "cel[3]:12:5" or "beleid.beleid:301:1"."""
        located = self.source.locate(span) if self.source is not None else None
        if located is None:
            return f"regel {span.line}" if span is not None and span.line else "?"
        name, _text, at = located
        return f"{name}:{at.line}:{at.column}"

    def line_of(self, span) -> str:
        located = self.source.locate(span) if self.source is not None else None
        if located is None:
            return ""
        lines = located[1].split("\n")
        return lines[located[2].line - 1].strip() if 0 < located[2].line <= len(lines) else ""

    def open_button(self, case: dict, title: str) -> w.Button:
        button = w.Button(description=OPEN, icon="folder-open", tooltip=f"maak dit de casus van de sessie: {title}",
                          layout=w.Layout(width="auto", margin="2px 0 8px 0"))
        button.on_click(lambda _: self.open_case(case, title))
        self.open_buttons.append(button)
        return button

    def open_case(self, case: dict, title: str) -> None:
        """Show the dashboard of `case` (a counterexample or witness) below the report."""
        if self.stale is not None:
            self.case_head.value = _message(f"niet geopend: dit rapport hoort bij een ouder beleid "
                                            f"(gewijzigd in {self.stale})", AMBER)
            return
        model = self.policy.model
        known = {k: v for k, v in case.items() if k in model.fields or k == "peildatum"}
        try:
            raw = raw_of(model, self.policy.load_case(known))
        except BeleidError as err:
            self.case_head.value = f'<pre style="{FONT}color:{RED}">{escape(err.render())}</pre>'
            return
        board = self._opener(raw) if self._opener is not None else self._own_dashboard(raw)
        if not isinstance(board, w.Widget):
            self.case_head.value = _message(str(board or "niet geopend: het beleid van de sessie is gewijzigd"), AMBER)
            return
        old, self.dashboard, self.opened = self.dashboard, board, title
        with self.hold_sync():
            self.case_head.value = (f'<div class="bt-case-head" style="{FONT}border-top:2px solid #d0d7de;'
                                    f'padding-top:6px"><b>Casus</b>: {escape(title)} — nu de casus van de sessie'
                                    f'</div>' if self._opener is not None else
                                    f'<div class="bt-case-head" style="{FONT}"><b>Casus</b>: {escape(title)}</div>')
            self.case_area.children = [self.case_head, board]
        if old is not None:
            close_tree(old)

    def _own_dashboard(self, raw: dict):
        from kernel.widgets.dashboard import Dashboard

        try:
            return Dashboard(self.policy, raw, self.source, policy_cell=self.policy_cell)
        except BeleidError as err:
            return err.render()

    def policy_changed(self, policy, source, cell: str | None) -> None:
        """The session's policy is now `policy` (changed in `cell`): stale unless it is ours."""
        if policy is self.policy:
            return
        self.stale = cell or "een latere cel"
        with self.hold_sync():
            self.notice.value = stale_html(self.stale, "dit rapport hoort bij het beleid van daarvoor; voer de "
                                                      "cel opnieuw uit voor het nieuwe beleid")
            self.notice.layout.display = ""
            for button in self.open_buttons:
                button.disabled = True

    @override
    def _repr_mimebundle_(self, **kwargs):
        """The widget, with the whole report as text/plain (ipywidgets cuts it at 110 characters)."""
        return with_full_text(super()._repr_mimebundle_(**kwargs), repr(self))

    @override
    def close(self) -> None:
        close_tree(self)


def _message(text: str, colour: str) -> str:
    return f'<div style="{FONT}color:{colour}">{escape(text)}</div>'


def _list(items: list[str]) -> str:
    return '<ul style="margin:2px 0">' + "".join(f"<li>{item}</li>" for item in items) + "</ul>"


def _details(summary: str, body: str) -> str:
    return (f'<details style="{FONT}"><summary style="cursor:pointer">{escape(summary)}</summary>'
            f'{body}</details>')


# ---------------------------------------------------------------- controleer
class ConsistencyView(ReviewView):
    """The findings of `controleer` (see the module contract)."""

    def __init__(self, report: ConsistencyReport, policy, source=None, policy_cell: str | None = None):
        self.report = report
        self.groups = [(kind, report.of_kind(kind)) for kind in KINDS if report.of_kind(kind)]
        self.head = w.HTML()
        body: list[w.Widget] = [self.head]
        super().__init__(policy, source, policy_cell, body)
        for kind, findings in self.groups:
            body.append(w.HTML(f'<div class="bt-kind" style="{FONT}font-weight:600;margin-top:6px">'
                               f'{escape(KINDS[kind])} — {len(findings)}</div>'))
            for f in sorted(findings, key=lambda f: bool(f.known)):   # new findings first, as the report does
                body.append(w.HTML(self._finding_html(f)))
                if f.case is not None:
                    body.append(self.open_button(f.case, f"{kind}: {f.rule}"))
        body.append(w.HTML(self._checked_html()))
        self.head.value = self._head_html()
        self.children = [self.notice, *body, self.case_area]

    def counts(self) -> str:
        """"1 bevinding (1 gat)"."""
        n = len(self.report.findings)
        if not n:
            return "geen bevindingen"
        known = sum(1 for f in self.report.findings if f.known)
        return counted(n, "bevinding", "bevindingen") + " (" + ", ".join(
            f"{len(found)} {kind.replace('_', ' ')}" for kind, found in self.groups) + ")" + (
            f": {n - known} nieuw, {known} in het document" if known else "")

    def _head_html(self) -> str:
        return (f'<div class="bt-review-head" style="{FONT}"><b>Consistentie van '
                f'‘{escape(self.report.title)}’</b>: {escape(self.counts())}.</div>')

    def _finding_html(self, f: Finding) -> str:
        places = [f'<span style="{MONO}">{escape(self.where(span))}</span> ({escape(label)})'
                  + (f': <code>{escape(self.line_of(span))}</code>' if self.line_of(span) else "")
                  for label, span in f.spans]
        parts = [f"<div>{escape(f.message)}</div>"]
        if f.known:   # recorded in the policy as the document's own (`bekend ...`): not new
            record = f" ({escape(f.known_record)})" if f.known_record else ""
            parts.append(f'<div class="bt-known" style="{_MUTED}"><b>In het document</b>: het beleid legt deze '
                            f"bevinding vast als van het document zelf{record}.</div>")
        if f.detail:
            parts.append(f"<div>{escape(f.detail)}</div>")
        parts.append(_list(places))
        if f.case is not None:
            shown = case_text(self.policy.model, f.case, f.relevant) or "elke casus"
            parts.append(f"<div><b>Tegenvoorbeeld</b>: {escape(shown)}</div>")
        parts.append(f'<div style="{_MUTED}">Hoe: {escape(how_found(f))}.</div>')
        known = ' data-known="ja"' if f.known else ""
        return (f'<div class="bt-finding" data-kind="{escape(f.kind)}"{known} style="{FONT}margin:6px 0 0 12px">'
                f'{"".join(parts)}</div>')

    def _checked(self) -> list[str]:
        report = self.report
        exact = sum(1 for c in report.checked if c.method == "exact")
        lines = [f"{counted(exact, 'regel', 'regels')} exact gecontroleerd met de solver (z3): een gevonden gebrek "
                 "is bewezen, en waar niets gevonden is, bestaat het gebrek voor geen enkele volledige casus."]
        searched = [c for c in report.checked if c.method == "zoektocht"]
        if report.fallbacks or searched:
            budget = report.budget
            limit = f" ({budget.max_examples} casussen per zoektocht)" if isinstance(budget, Budget) else ""
            lines.append(search_summary(report))
            lines.append("Niet exact te controleren; daarom gezocht met Hypothesis" + limit
                         + ". Niets vinden bewijst hier niets:")
        return lines

    def _checked_html(self) -> str:
        report = self.report
        body = "".join(f"<div>{escape(line)}</div>" for line in self._checked())
        if report.fallbacks:
            body += _list([f"{escape(fb.rule)}: {escape(fb.reason)}" for fb in report.fallbacks])
        if report.notes:
            body += "<div><b>Opmerkingen</b></div>" + _list([escape(n) for n in report.notes])
        return f'<div style="{FONT}margin-top:8px">{_details("Wat is gecontroleerd", body)}</div>'

    @override
    def __repr__(self) -> str:
        out = [f"Consistentie van '{self.report.title}': {self.counts()}."]
        for kind, findings in self.groups:
            out.append(f"\n{KINDS[kind]} — {len(findings)}")
            for f in findings:
                out.append(f"  • {f.message}")
                if f.detail:
                    out.append(f"    {f.detail}")
                out += [f"    {self.where(span)} ({label})" for label, span in f.spans]
                if f.case is not None:
                    out.append("    Tegenvoorbeeld: " + (case_text(self.policy.model, f.case, f.relevant) or "elke casus"))
                out.append(f"    Hoe: {how_found(f)}.")
        out += ["", *self._checked()]
        out += [f"  • {fb.rule}: {fb.reason}" for fb in self.report.fallbacks]
        out += [f"  • {note}" for note in self.report.notes]
        return "\n".join(out)


# ---------------------------------------------------------------- dekking
class CoverageView(ReviewView):
    """The coverage of the voorbeelden (see the module contract)."""

    def __init__(self, report: CoverageReport, failed: list[str], policy, source=None,
                 policy_cell: str | None = None):
        self.report, self.failed = report, tuple(failed)
        self.head = w.HTML()
        super().__init__(policy, source, policy_cell, [self.head])
        self.head.value = self._html()

    def summary(self) -> str:
        hit, total = self.report.counts()
        share = f"{100 * hit / total:.0f}%" if total else "-"
        text = (f"{hit} van {total} onderdelen geraakt ({share}) door "
                f"{counted(self.report.examples, 'voorbeeld', 'voorbeelden')}")
        return text + (f"; {len(self.failed)} mislukt" if self.failed else "")

    def _missed(self) -> list[tuple[str, list]]:
        by_rule: dict[str, list] = {}
        for item in self.report.missed():
            by_rule.setdefault(item.rule, []).append(item)
        return list(by_rule.items())

    def _html(self) -> str:
        parts = [f'<div class="bt-review-head"><b>Dekking van de voorbeelden van ‘{escape(self.report.title)}’</b>: '
                 f'{escape(self.summary())}.</div>']
        if self.failed:
            parts.append(f'<div style="color:{RED}">Mislukte voorbeelden:</div>' + _list([escape(f) for f in self.failed]))
        missed = self._missed()
        if missed:
            parts.append("<div><b>Nooit bereikt</b></div>")
            items = []
            for rule, found in missed:
                inner = _list([f'{escape(i.kind)}: {escape(i.label)} <span style="{_MUTED};{MONO}">'
                               f'{escape(self.where(i.span))}</span>' for i in found])
                items.append(f"<b>{escape(rule)}</b>{inner}")
            parts.append(_list(items))
        else:
            parts.append(f'<div style="color:{GREEN}">Alle onderdelen worden door de voorbeelden bereikt.</div>')
        rows = "".join(f'<tr><td>{escape(i.kind)}</td><td>{escape(i.rule)}</td><td>{escape(i.label)}</td>'
                       f'<td style="color:{GREEN if i.hit else RED}">{escape(i.shown)}</td></tr>'
                       for i in self.report.items)
        parts.append(_details(f"Alle {len(self.report.items)} onderdelen",
                              f'<table style="{FONT}"><tr><th>soort</th><th>regel</th><th>onderdeel</th>'
                              f'<th>geraakt</th></tr>{rows}</table>'))
        return f'<div class="bt-coverage" style="{FONT}">{"".join(parts)}</div>'

    @override
    def __repr__(self) -> str:
        out = [f"Dekking van de voorbeelden van '{self.report.title}': {self.summary()}."]
        out += [f"  mislukt: {f}" for f in self.failed]
        missed = self._missed()
        out.append("Nooit bereikt:" if missed else "Alle onderdelen worden door de voorbeelden bereikt.")
        for rule, found in missed:
            out += [f"  • {rule}: {i.kind}: {i.label} ({self.where(i.span)})" for i in found]
        return "\n".join(out)


# ---------------------------------------------------------------- verschil
_VERDICT_COLOURS = {DIFFERENT: RED, SEARCHED: AMBER, NOT_COMPARED: GREY, SAME: GREEN}


class DiffView(ReviewView):
    """The difference from an older version (`old_name`) to the session's policy (see the
    module contract)."""

    def __init__(self, diff: PolicyDiff, old_name: str, policy, source=None, policy_cell: str | None = None):
        self.diff, self.old_name = diff, old_name
        self.head = w.HTML()
        body: list[w.Widget] = [self.head]
        super().__init__(policy, source, policy_cell, body)
        if diff.cases:
            body.append(w.HTML(f'<div style="{FONT}font-weight:600;margin-top:6px">Casussen met een andere '
                               f'uitkomst — {len(diff.cases)}</div>'))
        for case in diff.cases:
            body.append(w.HTML(f'<div class="bt-witness" style="{FONT}margin-left:12px"><b>{escape(case.rule)}</b>: '
                               f'oud {escape(case.old)} → nieuw {escape(case.new)}<br>casus: {escape(case.case_text)}'
                               f' <span style="{_MUTED}">({escape(case.method)})</span></div>'))
            body.append(self.open_button(case.case, f"verschil in {case.rule}"))
        body.append(w.HTML(self._verdicts_html()))
        self.head.value = self._head_html()
        self.children = [self.notice, *body, self.case_area]

    def verdicts(self) -> dict[str, list]:
        """The verdicts per kind: bewezen verschillend, gezocht, niet vergeleken, bewezen gelijk."""
        out: dict[str, list] = {kind: [] for kind in (DIFFERENT, SEARCHED, NOT_COMPARED, SAME)}
        for v in self.diff.verdicts:
            out[v.kind].append(v)
        return out

    def _head_html(self) -> str:
        """What `beleid verschil` says above its cases: summary, cost, the changes in meaning, and
        apart what was rewritten with the same outcome or changed in wording only."""
        d = self.diff
        changes = (_list([escape(c.text) for c in d.changes]) if d.changes
                   else "<div>Geen wijzigingen in de betekenis.</div>")
        same = "" if not d.same else "<div>Geen inhoudelijke verschillen gevonden.</div>"
        rest = "".join(f'<div style="{_MUTED}">{escape(line)}</div>' for line in asides(d))
        return (f'<div class="bt-review-head" style="{FONT}"><b>Verschil: {escape(d.old_title)} → '
                f'{escape(d.new_title)}</b><div style="{_MUTED}">oud: {escape(self.old_name)}; nieuw: het beleid '
                f'van deze sessie</div><div>{escape(d.summary())}.</div><div style="{_MUTED}">{escape(d.cost())}.</div>'
                f'{same}<div style="margin-top:4px"><b>Wijzigingen in de betekenis</b></div>{changes}{rest}</div>')

    def _verdicts_html(self) -> str:
        rows = []
        groups = self.verdicts()
        for kind in (DIFFERENT, SEARCHED, NOT_COMPARED):
            for v in groups[kind]:
                witness = f"<br><small>casus: {escape(v.case.case_text)}</small>" if v.case is not None else ""
                rows.append(f'<tr data-verdict="{escape(kind)}"><td>{escape(v.rule)}</td><td style="color:'
                            f'{_VERDICT_COLOURS[kind]};font-weight:600">{escape(v.text)}</td>'
                            f'<td>{escape(v.how)}{witness}</td></tr>')
        table = (f'<table style="{FONT}"><tr><th>regel</th><th>oordeel</th><th>hoe</th></tr>{"".join(rows)}</table>'
                 if rows else "")
        same = groups[SAME]
        folded = _details(f"bewezen gelijk — {len(same)}", _list([f"{escape(v.rule)} <small style=\"{_MUTED}\">"
                                                                   f"({escape(v.how)})</small>" for v in same]))
        return (f'<div class="bt-verdicts" style="{FONT}margin-top:6px"><div><b>Oordeel per regel</b></div>'
                f'{table}{folded}</div>')

    @override
    def __repr__(self) -> str:
        d = self.diff
        out = [f"Verschil: {d.old_title} → {d.new_title} (oud: {self.old_name}; nieuw: het beleid van deze sessie)",
               f"{d.summary()}."]
        out += [f"  • {c.text}" for c in d.changes]
        for case in d.cases:
            out.append(f"  {case.rule}: oud {case.old} → nieuw {case.new}; casus: {case.case_text}")
        groups = self.verdicts()
        for kind in (DIFFERENT, SEARCHED, NOT_COMPARED):
            out += [f"  {v.rule}: {v.text} ({v.how})" for v in groups[kind]]
        out.append(f"  bewezen gelijk: {len(groups[SAME])} regels")
        return "\n".join(out)
