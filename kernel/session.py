"""The notebook session: runs Beleidstaal cells against one policy and one case.

Contract: `Session.run_cell(text, name)` runs the statements of a cell (`kernel.cells`) on a
copy of the session state and commits the copy only when every statement succeeded, so a bad
cell leaves the policy, the case and the widgets exactly as they were. Policy text is merged
into the session's policy (`kernel.compose`) and the result is checked and compiled as a
whole; a mistake raises `CellError`, rendered in Dutch with the line of the cell (or of the
earlier cell or file the problem is in), never a Python traceback. The value of the last
statement is returned (IPython shows it); earlier ones are passed to `display`. `evalueer`
returns a `Dashboard`; `casussen "pad"` loads a table of cases (`kernel.casussen`) and
`evalueer alle` evaluates it with the current policy into a `BatchView`. The widgets of a cell
that is run again, or deleted, are closed, and so are those of a cell that fails halfway; the
session keeps no closed widget (open dashboards are tracked weakly, for the notice below).
Policy versions: the compiled policy of the state is the version; `State.policy_cell` names the
cell that last changed it. A policy cell or `laad` whose composed text is the same as before
keeps the compiled policy (nothing changed, no dashboard goes stale). When a cell changes the
policy, every open dashboard built on an older version is told at once (`policy_changed`): it
shows "verouderd: het beleid is gewijzigd in cel[N]" and evaluates nothing with the old rules.
A dashboard's form writes its case into the session only while the dashboard is on the
session's current policy, and only the gegevens that policy has (plus the peildatum).
State changes happen under a lock, since widget callbacks may arrive on another thread.
The reviewer's cells (`controleer`, `dekking`, `verschil`) are in `kernel.review_cells`. The
state keeps one previous version for `verschil vorige`: the compiled policy before the last cell
that changed it (`State.previous`, changed in `State.previous_cell`). An interrupt (Ctrl-C, the
notebook's stop button) during any statement raises the Dutch CellError "onderbroken"; the cell
is not committed, so the session is as it was.
"""

from __future__ import annotations

import functools
import threading
import weakref
from pathlib import Path

import attrs

from dsl.errors import BeleidError, os_problem, read_text
from dsl.policy import CompiledPolicy, compile_text
from dsl.runtime.formatting import counted
from dsl.vocabulary import vocabulary
from kernel import review_cells
from kernel.casus import read_casus
from kernel.casussen import CaseTable, TableReport, read_table
from kernel.cells import (
    CellError,
    Statement,
    cell_error,
    masked,
    no_arguments,
    require_policy,
    split_cell,
    string_argument,
)
from kernel.compose import Draft, LooseRequirement, Origin, SourceMap
from kernel.reports import ExamplesReport, PolicyReport, PolicyText

LOOSE = "__los"


@attrs.frozen
class State:
    """Everything a cell can change; replaced as a whole when a cell succeeds. `policy` is the
    draft composed (`source`) and compiled."""

    draft: Draft
    policy: CompiledPolicy
    source: SourceMap
    case: dict = attrs.Factory(dict)
    table: CaseTable | None = None     # the cases `casussen` loaded
    policy_cell: str | None = None     # the cell that last changed the policy (its version)
    previous: CompiledPolicy | None = None   # the policy before `policy_cell` changed it
    previous_cell: str | None = None         # the cell that made `previous`


class Session:
    def __init__(self, base: str | Path | None = None, display=None):
        self.base = Path(base) if base else Path.cwd()
        self.display = display
        self.lock = threading.RLock()
        self.state = _compiled(Draft(), None, None)
        self.dashboards: dict[str, list] = {}   # cell id -> the widgets it shows
        self._open: weakref.WeakSet = weakref.WeakSet()   # open widgets that follow the policy
        self.counter = 0
        self.cell_id: str | None = None      # set by the kernel before each cell
        self.cell_name: str | None = None
        self._last = None

    # ------------------------------------------------------------ public
    @property
    def policy(self):
        return self.state.policy

    @property
    def case(self) -> dict:
        return dict(self.state.case)

    @property
    def last(self):
        """The widget the last `evalueer` showed (for Python cells): a `Dashboard`, or after
        `evalueer alle` a `BatchView` (its outcomes: `.evaluation.results`, a Polars frame)."""
        return self._last

    @property
    def table(self):
        """The table of cases `casussen` loaded (a `kernel.casussen.CaseTable`), or None."""
        return self.state.table


    def run_cell(self, text: str, name: str | None = None, cell_id: str | None = None):
        """Run one cell (see the module contract); returns the last statement's value."""
        with self.lock:
            self.counter += 1
            name = name or self.cell_name or f"cel[{self.counter}]"
            cell_id = cell_id or self.cell_id
            self.cell_name = None
            try:
                state, outputs = self._run(text, name)
            except BeleidError:
                raise
            except Exception as err:  # an internal error still reaches the user in Dutch
                raise CellError([], name, None, parts=[((_internal(err),), name, None)]) from None
            before, self.state = self.state, state
            self._close_dashboard(cell_id)
            if state.policy is not before.policy:
                self._policy_changed(state)
            widgets = [output for output in outputs if hasattr(output, "close")]
            for output in widgets:
                if hasattr(output, "on_case"):
                    output.on_case(functools.partial(self._case_from_form, weakref.ref(output)))
                if hasattr(output, "on_open"):
                    output.on_open(functools.partial(review_cells.open_case, self, weakref.ref(output)))
                if hasattr(output, "policy_changed"):
                    self._open.add(output)
                self._last = output
            if cell_id and widgets:
                self.dashboards[cell_id] = widgets
            for output in outputs[:-1]:
                self._show(output)
            return outputs[-1] if outputs else None

    def forget_cells(self, cell_ids) -> None:
        """Close the dashboards of deleted cells."""
        with self.lock:
            for cell_id in cell_ids or ():
                self._close_dashboard(cell_id)

    def names(self) -> dict[str, str]:
        """Every declared name with what it is (gegeven, eis, berekening, ...)."""
        model = self.state.policy.model
        out = dict.fromkeys(model.fields, "gegeven")
        out.update({name: str(rule.kind) for name, rule in model.rules.items()})
        return out

    # ------------------------------------------------------------ statements
    def _run(self, text: str, name: str) -> tuple[State, list]:
        state, outputs = self.state, []
        try:
            for statement in split_cell(text, name):
                try:
                    state, output = _STATEMENTS[statement.kind](self, state, statement, text, name)
                except KeyboardInterrupt:
                    raise cell_error(f"onderbroken: '{statement.kind}' is niet afgemaakt; de sessie is "
                                     "ongewijzigd", name, text, statement.line, 1,
                                     len(text.split("\n")[statement.line - 1].rstrip())) from None
                if output is not None:
                    outputs.append(output)
        except BaseException:
            for output in outputs:  # a cell that fails shows nothing: close what it made
                if hasattr(output, "close"):
                    output.close()
            raise
        return state, outputs

    def _policy_block(self, state: State, st: Statement, cell: str, name: str):
        """Merge policy text into the session's policy; check and compile the result once."""
        draft, changes = state.draft, []
        for piece in _pieces(st):
            draft, more = self._merge_piece(draft, piece, cell, name)
            changes += more
        new = _compiled(draft, state, name)
        return new, PolicyReport(new.policy, changes)

    def _merge_piece(self, draft: Draft, st: Statement, cell: str, name: str):
        first = _first_word(st.text)
        prefix = "" if first == "beleid" else 'beleid "cel"\n' + (f'eisen {LOOSE} "los"\n' if first == "eis" else "")
        shift = prefix.count("\n")
        try:
            return draft.merge(prefix + masked(cell, st), Origin(name, cell), shift,
                               replace_all=(first == "beleid"), loose_group=LOOSE)
        except BeleidError as err:
            raise _unshifted(err, name, cell, shift) from None
        except LooseRequirement as missing:
            raise cell_error(f"de eis '{missing.name}' hoort in een eisengroep, en er is nog geen groep",
                             name, cell, missing.span.line - shift, missing.span.column, 3,
                             hint="begin met 'eisen <naam> \"<titel>\"' gevolgd door de eisen") from None

    def _laad(self, state: State, st: Statement, cell: str, name: str):
        written = string_argument(st, name, cell, "een bestandsnaam")
        path = self.resolve(written)
        try:
            text = read_text(path)
        except (OSError, ValueError) as err:
            reason = os_problem(err) if isinstance(err, OSError) else str(err)
            raise cell_error(f"kan het beleid '{written}' niet lezen: {reason}", name, cell, st.line,
                             st.column + len(st.text) - len(st.text.lstrip()), len(st.text.strip())) from None
        shown = written
        draft, _ = Draft().merge(text, Origin(shown, text), replace_all=True)
        new = _compiled(draft, state, name)
        return new, PolicyReport(new.policy, [f"geladen uit {shown}"])

    def _casus(self, state: State, st: Statement, cell: str, name: str):
        raw = read_casus(st, cell, name, state.policy, self.resolve)
        known = sum(1 for k in raw if k != "peildatum" and raw[k] is not None)
        report = PolicyReport(state.policy, [f"casus met {counted(known, 'gegeven', 'gegevens')}"])
        return attrs.evolve(state, case=raw), report

    def _casussen(self, state: State, st: Statement, cell: str, name: str):
        table = read_table(st, cell, name, self.resolve)
        return attrs.evolve(state, table=table), TableReport(table, state.policy)

    def _evalueer(self, state: State, st: Statement, cell: str, name: str):
        argument = st.text.split("#")[0].strip()
        if argument.lower() == "alle":
            return self._evalueer_alle(state, st, cell, name)
        if argument:
            raise cell_error(f"'evalueer' kent alleen 'alle' als argument, maar hier staat '{argument}'", name,
                             cell, st.line, st.column + len(st.text) - len(st.text.lstrip()), len(argument),
                             hint="evalueer (de casus) of evalueer alle (de casussen van 'casussen')")
        require_policy(state, st, cell, name)
        from kernel.widgets import Dashboard

        try:
            return state, Dashboard(state.policy, state.case, state.source, policy_cell=state.policy_cell)
        except BeleidError as err:
            raise CellError(err.diagnostics, name, None) from None

    def _evalueer_alle(self, state: State, st: Statement, cell: str, name: str):
        require_policy(state, st, cell, name)
        if state.table is None:
            raise cell_error("er zijn nog geen casussen om te evalueren", name, cell, st.line, 1,
                             len(st.text.rstrip()) + st.column - 1,
                             hint='laad eerst een tabel: casussen "aanbieders.csv" (CSV, Parquet of JSON Lines)')
        from kernel.widgets.batch import BatchView

        return state, BatchView(state.policy, state.table, state.source, policy_cell=state.policy_cell)

    def _voorbeelden(self, state: State, st: Statement, cell: str, name: str):
        no_arguments(st, cell, name)
        from dsl.examples import run_examples

        return state, ExamplesReport(run_examples(state.policy), state.source)

    def _toon(self, state: State, st: Statement, cell: str, name: str):
        what = st.text.strip()
        if not what:
            return state, PolicyText(state.source.text, "het beleid")
        chunk = state.draft.rules.get(what) or state.draft.fields.get(what)
        if chunk is None:
            raise cell_error(f"'{what}' is geen gegeven of regel van dit beleid", name, cell, st.line,
                             st.column + 1, len(what))
        text = PolicyText(chunk.text.strip("\n"), what)
        from kernel.dmn_view import DecisionText, decision_view

        view = decision_view(state.policy, what, state.source)
        return state, text if view is None else DecisionText(text, view)

    # ------------------------------------------------------------ helpers
    def resolve(self, path: str) -> Path:
        """A relative path from the notebook's folder, else from the nearest parent holding it."""
        candidate = Path(path)
        if candidate.is_absolute():
            return candidate
        for folder in (self.base, *self.base.parents):
            if (folder / candidate).exists():
                return folder / candidate
        return self.base / candidate

    def _case_from_form(self, board: weakref.ref, raw: dict) -> None:
        """A case the form of `board` reports: kept only while `board` is on the current policy,
        and only the gegevens that policy has (see the module contract)."""
        with self.lock:
            policy = self.state.policy
            if getattr(board(), "policy", None) is not policy:
                return
            known = {k: v for k, v in raw.items() if k in policy.model.fields or k == "peildatum"}
            self.state = attrs.evolve(self.state, case=known)

    def _policy_changed(self, state: State) -> None:
        """Tell every open dashboard that the policy is now `state.policy` (changed in
        `state.policy_cell`); forget the ones that were closed."""
        for board in list(self._open):
            if getattr(board, "comm", None) is None:
                self._open.discard(board)
            else:
                board.policy_changed(state.policy, state.source, state.policy_cell)

    def _close_dashboard(self, cell_id) -> None:
        for old in (self.dashboards.pop(cell_id, ()) if cell_id else ()):
            if old is self._last:
                self._last = None
            self._open.discard(old)
            old.close()

    def _show(self, output) -> None:
        if self.display is not None:
            self.display(output)
        else:
            from IPython.display import display

            display(output)


_STATEMENTS = {"beleid": Session._policy_block, "laad": Session._laad, "casus": Session._casus,
               "casussen": Session._casussen, "evalueer": Session._evalueer,
               "voorbeelden": Session._voorbeelden, "toon": Session._toon, "controleer": review_cells.controleer,
               "dekking": review_cells.dekking, "verschil": review_cells.verschil}


def _compiled(draft: Draft, before: State | None, cell: str | None) -> State:
    """Compose and compile a draft (the state after `before`, changed by `cell`); errors are
    mapped back to the cells and files. A composed text equal to the one before keeps the
    compiled policy and its version."""
    source = draft.compose()
    if before is not None and source.text == before.source.text:
        return attrs.evolve(before, draft=draft, source=source)
    try:
        policy = compile_text(source.text, "<notebook>")
    except BeleidError as err:
        raise _located(err, source) from None
    case = before.case if before is not None else {}
    table = before.table if before is not None else None
    if before is None or before.draft.empty:
        return State(draft, policy, source, case, table, cell)
    return State(draft, policy, source, case, table, cell, before.policy, before.policy_cell)


def _located(err: BeleidError, source: SourceMap) -> CellError:
    groups: dict = {}
    for d in err.diagnostics:
        where = source.locate(d.span)
        if where is None:
            groups.setdefault(("beleid", None), []).append(attrs.evolve(d, span=None))
        else:
            groups.setdefault((where[0], where[1]), []).append(attrs.evolve(d, span=where[2]))
    return CellError([], parts=[(tuple(ds), name, text) for (name, text), ds in groups.items()])


def _unshifted(err: BeleidError, name: str, cell: str, shift: int) -> CellError:
    diags = []
    for d in err.diagnostics:
        span = d.span
        if span is not None and span.line > shift:
            span = attrs.evolve(span, line=span.line - shift, end_line=span.end_line - shift)
        else:
            span = None
        diags.append(attrs.evolve(d, span=span))
    return CellError(diags, name, cell)


def _pieces(st: Statement) -> list[Statement]:
    """A policy block cut before each section keyword (not before `eis`, which belongs to the
    group above it), so a loose `eis` may follow a berekening in the same cell. A block that
    starts with `beleid` is a whole policy and stays in one piece."""
    lines = st.text.split("\n")
    if _first_word(st.text) == "beleid":
        return [st]
    starts, current = [0], _first_word(st.text)
    for i, line in enumerate(lines):
        word = _section_word(line)
        if i == 0 or word is None or (word == "eis" and current in ("eisen", "eis")):
            continue
        starts.append(i)
        current = word
    bounds = zip(starts, [*starts[1:], len(lines)])
    return [Statement("beleid", "\n".join(lines[a:b]), st.line + a) for a, b in bounds]


_SECTIONS = vocabulary().sections  # gegevens, eisen, eis, berekening, beslissing, termijn, voorbeeld


def _section_word(line: str) -> str | None:
    words = line.split()
    word = words[0].lower() if words else None
    if word in _SECTIONS and \
            not (len(words) > 1 and words[1] in (":", "=")) and not word.endswith(":"):
        return word
    return None


def _first_word(text: str) -> str:
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            return stripped.split()[0].lower()
    return ""


def _internal(err: Exception):
    from dsl.errors import Diagnostic

    return Diagnostic("intern", f"interne fout in de kernel ({type(err).__name__}: {err}); "
                                "de sessie is ongewijzigd", hint="meld dit aan de ontwikkelaars")
