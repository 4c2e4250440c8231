"""The reviewer's cells: `controleer [snel | exact]`, `dekking`, `verschil "ander.beleid"` and
`verschil vorige`, run by `kernel.session.Session` like its other statements.

Contract: each cell function takes the session, its state, the statement, the cell text and the
cell's name, and returns `(state, view)` without changing the state. `controleer` checks the
session's policy (`dsl.analysis.check_policy`, the same findings as `beleid controleer`),
`dekking` reports what the voorbeelden reach (`dsl.analysis.coverage`) and `verschil` compares
that file, or the session's previous policy version, as the old version with the session's
policy as the new one (`dsl.analysis.diff_policies`). Their reports are `kernel.widgets.review`
views, which follow the policy like dashboards; `open_case` is their "Open als casus": it makes
a counterexample the session's case and returns its `Dashboard`. `controleer` and `verschil`
show a progress line while they run (`progress_line`), which ends "klaar" or "onderbroken".
"""

from __future__ import annotations

import contextlib
import functools
import re
import weakref
from typing import TYPE_CHECKING

import attrs

from dsl.errors import BeleidError, os_problem, read_text
from dsl.policy import CompiledPolicy, compile_text
from kernel.cells import CellError, Statement, cell_error, no_arguments, option_words, require_policy
from kernel.compose import SourceMap

if TYPE_CHECKING:
    from kernel.session import Session, State


def controleer(session: Session, state: State, st: Statement, cell: str, name: str):
    words = option_words(st, name, cell, ("snel", "exact"))
    require_policy(state, st, cell, name, "te controleren")
    from dsl.analysis import Budget, check_policy
    from kernel.widgets.review import ConsistencyView

    budget = Budget(max_examples=200) if "snel" in words else Budget()
    method = "exact" if "exact" in words else "auto"
    with progress_line(session, "controleren") as progress:
        report = check_policy(state.policy, method=method, budget=budget, progress=progress.update)
    return state, ConsistencyView(report, state.policy, state.source, state.policy_cell)

def dekking(session: Session, state: State, st: Statement, cell: str, name: str):
    no_arguments(st, cell, name)
    require_policy(state, st, cell, name, "te toetsen")
    from dsl.analysis import coverage
    from dsl.examples import run_examples
    from kernel.widgets.review import CoverageView

    failed = [f"{r.title} ({_place(state.source, r.span)})" for r in run_examples(state.policy) if not r.passed]
    return state, CoverageView(coverage(state.policy), failed, state.policy, state.source, state.policy_cell)

def verschil(session: Session, state: State, st: Statement, cell: str, name: str):
    require_policy(state, st, cell, name, "te vergelijken")
    old, old_name, quick = older(session, state, st, cell, name)
    from dsl.analysis import Budget, diff_policies
    from kernel.widgets.review import DiffView

    budget = Budget(max_examples=100) if quick else Budget(max_examples=300)
    with progress_line(session, "vergelijken") as progress:
        diff = diff_policies(old, state.policy, budget=budget, progress=progress.update)
    return state, DiffView(diff, old_name, state.policy, state.source, state.policy_cell)

def older(session: Session, state: State, st: Statement, cell: str, name: str) -> tuple[CompiledPolicy, str, bool]:
    """The version `verschil` compares with: (policy, how it is named, snel?)."""
    text = st.text.split("#")[0]
    m = re.fullmatch(r'\s*(?:"([^"\n]*)"|(vorige))(?:\s+(snel))?\s*', text, re.IGNORECASE)
    start = st.column + len(text) - len(text.lstrip())
    if m is None:
        raise cell_error("'verschil' verwacht een bestandsnaam tussen aanhalingstekens of 'vorige'", name, cell,
                         st.line, start, max(len(text.strip()), 1),
                         hint='verschil "ander.beleid" (dat bestand als oude versie) of verschil vorige '
                              "(de vorige versie van het beleid in deze sessie); met 'snel' een kleinere zoektocht")
    quick = m.group(3) is not None
    if m.group(2) is not None:
        if state.previous is None:
            raise cell_error("er is nog geen vorige versie van het beleid in deze sessie", name, cell, st.line,
                             start, len(m.group(2)), hint="een vorige versie ontstaat zodra een cel het beleid "
                             'wijzigt; of vergelijk met een bestand: verschil "ander.beleid"')
        return state.previous, f"de vorige versie (uit {state.previous_cell or 'een eerdere cel'})", quick
    written = m.group(1)
    path = session.resolve(written)
    try:
        text_of_file = read_text(path)
    except (OSError, ValueError) as err:
        reason = os_problem(err) if isinstance(err, OSError) else str(err)
        raise cell_error(f"kan het beleid '{written}' niet lezen: {reason}", name, cell, st.line, start,
                         len(written) + 2) from None
    try:
        return compile_text(text_of_file, written), written, quick
    except BeleidError as err:
        raise CellError(err.diagnostics, written, text_of_file) from None

@contextlib.contextmanager
def progress_line(session: Session, verb: str):
    """A progress line shown while a check runs; it says "klaar" or "onderbroken" after."""
    from kernel.widgets.review import Progress

    progress = Progress(verb)
    if session.display is not None:
        session.display(progress)
    else:
        from IPython.display import display

        handle = display(progress, display_id=True)
        if handle is not None:
            progress.on_update(handle.update)
    try:
        yield progress
    except BaseException as err:
        progress.finish("onderbroken" if isinstance(err, KeyboardInterrupt) else "mislukt")
        raise
    progress.finish("klaar")


def open_case(session: Session, view: weakref.ref, raw: dict):
    """`Open als casus` in a review view: `raw` becomes the session's case and its dashboard
    is returned (registered like the dashboard of `evalueer`); a Dutch message instead when
    the view is not on the session's current policy or the case does not load."""
    from kernel.widgets import Dashboard

    with session.lock:
        state = session.state
        if getattr(view(), "policy", None) is not state.policy:
            return "niet geopend: het beleid van de sessie is gewijzigd; voer de cel opnieuw uit"
        known = {k: v for k, v in raw.items() if k in state.policy.model.fields or k == "peildatum"}
        try:
            board = Dashboard(state.policy, known, state.source, policy_cell=state.policy_cell)
        except BeleidError as err:
            return err.render()
        session.state = attrs.evolve(state, case=dict(board.evaluation.raw))
        board.on_case(functools.partial(session._case_from_form, weakref.ref(board)))
        session._open.add(board)
        return board


def _place(source: SourceMap, span) -> str:
    """Where a span of the composed policy was written: "cel[3]:12" or "beleid.beleid:301"."""
    located = source.locate(span)
    return f"{located[0]}:{located[2].line}" if located else f"regel {span.line}" if span else "?"
