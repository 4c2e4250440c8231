"""Evaluation API: load a policy into a `CompiledPolicy`, evaluate a case into an `Outcome`.

Contract: `load_policy(path)` / `compile_text(text)` run parse -> check -> compile and raise
`BeleidError` for any mistake in the policy. `policy.evaluate(case)` takes a dict (or a loaded
`Case`) and returns an `Outcome`: per rule a `Result` with its status (voldaan, niet voldaan,
onbekend, niet van toepassing; gehaald, niet gehaald, nog niet verstreken; a decision's value),
and the facts that were missing. `trace=True` records every step of the evaluation once as a
flat list of (trace id, value); `dsl.explain` derives every view from it.
"""

from __future__ import annotations

import contextlib
import gc
from pathlib import Path

import attrs

from dsl.case import Case, load_case, read_case_file
from dsl.checker import Model, check
from dsl.compiler import Compiled, compile_model
from dsl.parser import parse
from dsl.runtime import values as rtv
from dsl.runtime.formatting import format_duration_count, format_value


@attrs.frozen
class Result:
    """The outcome of one rule. `status` is a Dutch status word for requirements, groups and
    timelines, and for decisions and calculations "bepaald", "onbekend", "geen uitkomst",
    "meerdere regels" or "niet van toepassing"; `value` is a decision's or calculation's value."""

    name: str
    kind: str
    title: str | None
    status: str
    value: object = None
    row: int | None = None
    deadline: object = None
    start: object = None
    source: str | None = None


_DECISION_STATUS = {rtv.ROW_UNKNOWN: rtv.ONBEKEND, rtv.ROW_NONE: rtv.GEEN_UITKOMST,
                    rtv.ROW_OVERLAP: "meerdere regels", rtv.ROW_NVT: rtv.NVT}


@attrs.define
class Outcome:
    policy: CompiledPolicy
    case: Case
    raw: tuple
    trace: list | None = None
    _results: dict | None = None

    @property
    def results(self) -> dict[str, Result]:
        if self._results is None:
            self._results = {name: self.policy._result(rule, raw)
                             for (name, rule), raw in zip(self.policy.model.rules.items(), self.raw)}
        return self._results

    def __getitem__(self, name: str) -> Result:
        return self.results[name]

    @property
    def missing(self) -> tuple:
        return self.case.missing

    def of_kind(self, kind: str) -> dict[str, Result]:
        return {n: r for n, r in self.results.items() if r.kind == kind}

    def to_dict(self) -> dict:
        """A JSON-ready summary (values formatted as ISO dates and strings)."""
        def plain(v):
            return None if v is None else (v.isoformat() if hasattr(v, "isoformat") else
                                           v if isinstance(v, (bool, int, str)) else str(v))
        rules = {}
        for name, r in self.results.items():
            entry = {"soort": r.kind, "titel": r.title, "status": r.status, "bron": r.source}
            if r.kind in ("beslissing", "berekening"):
                entry["waarde"] = plain(r.value)
                entry["waarde_tekst"] = self.policy.format(name, r.value) if r.value is not None else r.status
                t = self.policy.model.rules[name].type
                if t is not None and t.kind == "duur":
                    entry["eenheid"] = t.unit  # waarde counts in the base unit of the duration's family
            if r.kind == "termijn":
                entry["uiterste_datum"], entry["begin"] = plain(r.deadline), plain(r.start)
            rules[name] = entry
        return {"beleid": self.policy.title, "ontbrekende_gegevens": list(self.missing), "regels": rules}


@attrs.define
class CompiledPolicy:
    model: Model
    compiled: Compiled

    @property
    def title(self) -> str:
        return self.model.policy.header.title

    @property
    def filename(self) -> str:
        return self.model.policy.filename

    def load_case(self, data: dict | str | Path, complete: bool = False) -> Case:
        source = "<casus>"
        if isinstance(data, (str, Path)):
            source, data = str(data), read_case_file(data)
        return load_case(self.model, data, complete=complete, source=source)

    def evaluate(self, case, trace: bool = False) -> Outcome:
        """Evaluate a case (dict, file path or Case); with `trace`, record every step."""
        if not isinstance(case, Case):
            case = self.load_case(case)
        if not trace:
            return Outcome(self, case, self.compiled.evaluate(case.values, case.peil))
        events: list = []
        append = events.append

        def record(i, value):
            append((i, value))
            return value

        raw = self.compiled.evaluate_traced(case.values, case.peil, record)
        return Outcome(self, case, raw, events)

    def _result(self, rule, raw) -> Result:
        node = rule.node
        title = getattr(node, "title", None)
        source = self.source_of(rule)
        if rule.kind in ("eis", "groep"):
            return Result(rule.name, rule.kind, title, raw, source=source)
        if rule.kind == "termijn":
            status, deadline, start = raw
            return Result(rule.name, rule.kind, title, status, deadline=deadline, start=start, source=source)
        if rule.kind == "beslissing":
            value, row = raw
            status = _DECISION_STATUS.get(row, "bepaald")
            rows = [*node.rows, *([node.otherwise] if node.otherwise else [])]
            if 0 <= row < len(rows) and rows[row].source:
                source = rows[row].source
            return Result(rule.name, rule.kind, title, status, value=value, row=row, source=source)
        applicable = True
        if isinstance(raw, tuple):  # a calculation with `van toepassing als`: (value, applicable)
            raw, applicable = raw
        status = rtv.NVT if applicable is False else (rtv.ONBEKEND if raw is None else "bepaald")
        return Result(rule.name, rule.kind, title, status, value=raw, source=source)

    def format(self, name: str, value) -> str:
        """A rule's value in Dutch, in the unit the policy wrote ("2 jaar", "€ 175.000,00")."""
        t = self.model.rules[name].type
        if value is None or t is None:
            return "onbekend" if value is None else str(value)
        if t.kind == "duur":
            return format_duration_count(value, t)
        if t.kind in ("getal", "aantal") and isinstance(value, int):
            return format_value(value, "aantal")
        return format_value(value, "tekst" if t.kind == "keuze" else t.kind)

    def source_of(self, rule) -> str | None:
        """A rule's own `bron`, else its group's, else the policy's."""
        if rule.node.meta.source:
            return rule.node.meta.source
        if rule.group and self.model.rules[rule.group].node.meta.source:
            return self.model.rules[rule.group].node.meta.source
        return self.model.policy.header.source


def compile_text(text: str, filename: str = "<beleid>") -> CompiledPolicy:
    """Parse, check and compile policy text."""
    from dsl.errors import BeleidError

    with _no_gc_pauses():
        tree, literal_problems = parse(text, filename, partial=True)
        try:
            model = check(tree)
        except BeleidError as err:  # report malformed literals and checker problems in one pass
            if not literal_problems:
                raise
            both = sorted([*literal_problems, *err.diagnostics],
                          key=lambda d: (d.span.line, d.span.column) if d.span else (0, 0))
            raise BeleidError(both, filename, text) from None
        if literal_problems:
            raise BeleidError(literal_problems, filename, text)
        return CompiledPolicy(model, compile_model(model))


@contextlib.contextmanager
def _no_gc_pauses():
    """Loading builds many small objects and no cycles worth collecting; the cyclic collector
    would rescan the growing heap again and again (measured: load time per rule doubled from
    100 to 5,000 rules). It is switched off while loading and restored afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load_policy(path: str | Path) -> CompiledPolicy:
    """Load a .beleid file; BeleidError (with Dutch messages) for any mistake in it."""
    from dsl.errors import BeleidError, Diagnostic, os_problem, read_text

    path = Path(path)
    try:
        text = read_text(path)
    except (OSError, ValueError) as err:
        reason = os_problem(err) if isinstance(err, OSError) else str(err)
        raise BeleidError([Diagnostic("file", f"kan het beleid niet lezen: {reason}")], str(path)) from None
    return compile_text(text, str(path))
