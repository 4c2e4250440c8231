"""Evaluation API: load a policy into a `CompiledPolicy`, evaluate a case into an `Outcome`.

Contract: `load_policy(path)` / `compile_text(text)` run parse -> check -> lower -> compile and
raise `BeleidError` for any mistake in the policy. `policy.evaluate(case)` takes a dict (or a
loaded `Case`) and returns an `Outcome`: per rule its `Status` (voldaan, niet voldaan, onbekend,
niet van toepassing; gehaald, niet gehaald, nog niet verstreken; bepaald, geen uitkomst,
meerdere regels), its value (decisions and calculations) and the facts that were missing.
`Result` objects are built only for the rules asked for. `trace=True` records every step of the
evaluation once (`Trace`); `dsl.explain` derives every view from it. This module imports no
analysis or notebook package (z3, Hypothesis, Jupyter): evaluating needs none of them.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date
from decimal import Decimal
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from dsl import types as T
from dsl.case import Case, compile_case_loader, load_case, read_case_file
from dsl.checker import check
from dsl.compiler import Compiled, compile_model
from dsl.compiler.expressions import TraceStep
from dsl.compiler.fused import compile_fused
from dsl.core import expr as E
from dsl.core import model as M
from dsl.core.lower import lower
from dsl.core.model import RuleKind, Status
from dsl.core.reasons import group_reason, reasons, requirement_reason
from dsl.core.reasons import parts as reason_parts
from dsl.errors import BeleidError, Diagnostic, InternalError
from dsl.parser import parse
from dsl.runtime.formatting import format_duration_count, format_value
from dsl.span import Span


@attrs.frozen(slots=True)
class Result:
    """The outcome of one rule: its status, and a decision's or calculation's value; for a
    decision the row that gave it, for a termijn its end (`deadline`) and start moments."""

    name: str
    kind: RuleKind
    title: str | None
    status: Status
    value: object = None
    row: int | None = None
    deadline: object = None
    start: object = None
    source: str | None = None


@attrs.frozen(slots=True)
class Violation:
    """An `aanname` a case violates (its condition is nee for the case): which one, where it is
    written, and the values of the gegevens its condition reads, in Dutch (`values`)."""

    name: str
    title: str
    source: str | None
    span: Span
    values: tuple[tuple[str, str], ...]

    @property
    def message(self) -> str:
        """The violation in one Dutch sentence, as `beleid evalueer` prints it."""
        where = f"aanname '{self.name}', regel {self.span.line}" + (f", bron {self.source}" if self.source else "")
        shown = ", ".join(f"{name} = {value}" for name, value in self.values)
        return (f"Aanname geschonden: {self.title} ({where}); in deze casus: {shown}. De regels zijn wel "
                "berekend, maar het beleid gaat uit van casussen waarvoor deze aanname geldt.")

    def to_dict(self) -> dict:
        return {"naam": self.name, "titel": self.title, "bron": self.source, "regel": self.span.line,
                "kolom": self.span.column, "gegevens": dict(self.values), "melding": self.message}


class Trace:
    """The steps of one traced evaluation, in the order they happened: per event the trace id
    and the value; `steps[id]` names the core node and the rule the step belongs to."""

    __slots__ = ("events", "steps", "_node_ids", "_by_node")

    def __init__(self, events: list, steps: tuple[TraceStep, ...], node_ids: tuple[int, ...] | None = None):
        self.events, self.steps = events, steps
        self._node_ids = node_ids   # `id(steps[i].node)` by step id, if the caller has them (one per policy)
        self._by_node: dict[int, Any] | None = None

    def __len__(self) -> int:
        return len(self.events)

    def __iter__(self) -> Iterator[tuple[int, Any]]:
        return iter(self.events)

    def __getitem__(self, index: int) -> tuple[int, Any]:
        return self.events[index]

    def step(self, index: int) -> tuple[TraceStep, Any]:
        """The step of event `index` and the value it gave."""
        step_id, value = self.events[index]
        return self.steps[step_id], value

    def rule_of(self, index: int) -> str:
        return self.steps[self.events[index][0]].rule

    def inputs_of(self, index: int) -> frozenset[str]:
        """The gegevens the step of event `index` read (directly or through other rules)."""
        return self.steps[self.events[index][0]].node.inputs

    def value_of(self, node, default: Any = None) -> Any:
        """The value a node of the core model had (the last time it was evaluated)."""
        if self._by_node is None:
            ids = self._node_ids
            if ids is None:
                ids = self._node_ids = tuple(id(step.node) for step in self.steps)
            self._by_node = {ids[i]: v for i, v in self.events}
        return self._by_node.get(id(node), default)


class _Results(Mapping):
    """The results of an outcome by rule name, each built on first access."""

    __slots__ = ("_outcome",)

    def __init__(self, outcome: Outcome):
        self._outcome = outcome

    def __getitem__(self, name: str) -> Result:
        return self._outcome[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._outcome.policy.model.rules)

    def __len__(self) -> int:
        return len(self._outcome.policy.model.rules)


_NOT_EVALUATED = object()


def _kleene_and(values: list) -> bool | None:
    if any(v is False for v in values):
        return False
    return None if any(v is None for v in values) else True


class Outcome:
    """The outcome of one case: `statuses`, `values` and `details` are tuples in rule order;
    `outcome[name]` builds (once) the `Result` of one rule."""

    __slots__ = ("policy", "_case", "_inputs", "_peil", "statuses", "values", "details", "__dict__")
    # None until set, in the instance's __dict__: so the generated entry (dsl.compiler.fused),
    # which makes most outcomes, need not store them (measured: 3 stores are 1-2 % of a small case)
    trace: Trace | None = None
    _built: dict[str, Result] | None = None   # made on the first Result asked for
    _traced: Outcome | None = None            # the traced evaluation, when a reason needs it
    _violations: tuple[Violation, ...] | None = None   # computed when first asked for

    def __init__(self, policy: CompiledPolicy, case: Case, raw: tuple, trace: Trace | None = None):
        self.policy, self._case = policy, case
        if trace is not None:
            self.trace = trace
        self.statuses, self.values, self.details = raw

    @property
    def case(self) -> Case:
        """The loaded case; on the fused path (`dsl.compiler.fused`) made when first read."""
        case = self._case
        if case is None:
            case = self._case = Case.of(self._inputs, self._peil, tuple(self.policy.model.fields))
        return case

    def __getitem__(self, name: str) -> Result:
        built = self._built
        if built is None:
            built = self._built = {}
        result = built.get(name)
        if result is None:
            result = built[name] = self.policy._result(name, self)
        return result

    def reason(self, name: str) -> str | None:
        """Why eis or groep `name` did not pass, as a code of `dsl.core.reasons` ("2": its second
        part is nee; "?1": its first part is unknown; a groep names its first failing eis), or
        None. Without a trace the case is evaluated once more, traced, the first time."""
        rule = self.policy.model.rules[name]
        status = self.status(name)
        if status not in (Status.NIET_VOLDAAN, Status.ONBEKEND) or not isinstance(rule, (M.Requirement, M.Group)):
            return None
        traced = self if self.trace is not None else self._traced
        if traced is None:
            traced = self._traced = self.policy.evaluate(self.case, trace=True)
        value = traced._node_value
        applies = _kleene_and([value(gate.condition) for gate in rule.gates])
        if isinstance(rule, M.Group):
            return group_reason(status, applies, [(m, self.status(m)) for m in rule.members])
        return requirement_reason(status, applies, [value(p) for p in reason_parts(rule)],
                                  [value(e.condition) for e in rule.exceptions])

    def _node_value(self, node) -> Any:
        """The value of a core expression in this traced outcome (leaves are read from the case)."""
        if isinstance(node, E.Input):
            return self.case.data.get(node.name)
        if isinstance(node, E.Const):
            return node.value
        if isinstance(node, E.Peildatum):
            return self.case.peil
        assert self.trace is not None
        return self.trace.value_of(node, _NOT_EVALUATED)

    def status(self, name: str) -> Status:
        return self.statuses[self.policy.index[name]]

    def value(self, name: str) -> Any:
        return self.values[self.policy.index[name]]

    @property
    def results(self) -> Mapping[str, Result]:
        return _Results(self)

    @property
    def missing(self) -> tuple:
        return self.case.missing

    @property
    def violations(self) -> tuple[Violation, ...]:
        """The aannames of the policy this case violates (their condition is nee), in the order of
        the policy; empty when there are none or a condition is onbekend. Computed on first use, so
        evaluating costs nothing more for a policy without aannames or a caller who does not ask."""
        found = self._violations
        if found is None:
            found = self._violations = self.policy.violations_of(self.case)
        return found

    def of_kind(self, kind: str) -> dict[str, Result]:
        return {rule.name: self[rule.name] for rule in self.policy.model.rules.values() if rule.kind == kind}

    def to_dict(self) -> dict:
        """A JSON-ready summary (dates as ISO text, amounts and whole numbers from 10^38 on as
        decimal text, lists as lists)."""
        rules = {}
        policy = self.policy
        for name, rule in policy.model.rules.items():
            r = self[name]
            entry: dict[str, Any] = {"soort": str(r.kind), "titel": r.title, "status": str(r.status),
                                     "bron": r.source}
            if r.kind in (RuleKind.DECISION, RuleKind.CALCULATION):
                entry["waarde"] = _plain(r.value)
                entry["waarde_tekst"] = policy.format(name, r.value) if r.value is not None else str(r.status)
                entry.update(_unit_of(rule.type))
            if r.kind is RuleKind.TIMELINE:
                entry["uiterste_datum"], entry["begin"] = _plain(r.deadline), _plain(r.start)
            entry.update(_obligation_of(rule, r.value))
            code = self.reason(name)
            if code is not None:
                entry["reden"] = code
                entry["reden_tekst"] = next(x.text for x in reasons(policy.model, rule) if x.code == code)
            rules[name] = entry
        judged = {f.name: {"door": f.judged_by} | ({"toelichting": f.judgement_note} if f.judgement_note else {})
                  for f in policy.model.judgements()}
        violated = ({"aannames_geschonden": [v.to_dict() for v in self.violations]}
                    if policy.model.assumptions else {})
        return {"beleid": policy.title, "ontbrekende_gegevens": list(self.missing), "regels": rules} | (
            {"oordelen": judged} if judged else {}) | violated


def _obligation_of(rule, value) -> dict[str, Any]:
    """What the JSON says of an obligation: who it binds (`verplichting_van`), how strongly an
    eis binds (`sterkte`: "vereist" or "verwacht"), and for a bevoegdheid its words and whether
    the party may act in this case (`mag`: true, false or null)."""
    found: dict[str, Any] = {}
    if rule.bound is not None:
        found["verplichting_van"] = str(rule.bound)
    if isinstance(rule, M.Requirement):
        found["sterkte"] = str(rule.strength)
    if M.is_power(rule):
        found["bevoegdheid"], found["mag"] = rule.power, value
    return found


def _unit_of(t) -> dict[str, str]:
    """The type of a value in the JSON output and, for a number with a unit, the unit: "euro" (an
    amount, as decimal text), "procent" (a percentage in points: "4.1" is 4,1 %), or a duration's
    base unit (the value counts in it); a list names its elements' type and unit."""
    if t is None:
        return {}
    inner = t.element if t.kind == "lijst" and t.element is not None else t
    unit = {"bedrag": "euro", "percentage": "procent"}.get(inner.kind) or (inner.unit if inner.kind == "duur" else None)
    found = {"type": t.kind} if inner is t else {"type": t.kind, "element": inner.kind}
    return found | ({"eenheid": unit} if unit else {})


# Whole numbers from here on are written as decimal text, as amounts are: arithmetic never gives
# one (dsl.runtime.values), only a gegeven handed on can be one, and Python refuses to write an
# int of more than 4,300 digits as a JSON number.
_LARGEST_JSON_INT = 10 ** 38


def _plain(v):
    if v is None or isinstance(v, (bool, str)):
        return v
    if isinstance(v, int):
        return v if -_LARGEST_JSON_INT < v < _LARGEST_JSON_INT else str(Decimal(v))
    if isinstance(v, tuple):
        return [_plain(item) for item in v]
    return v.isoformat() if hasattr(v, "isoformat") else str(v)


# Cases a policy converts directly before it generates its case loader and public path. Generating
# costs what two to three thousand cases save (measured, wijkverpleging: 0.17-0.23 s, against 90 µs
# saved per case), so a command, a notebook or a test that evaluates a few cases does not pay it,
# and a long run pays 200 direct cases (18 ms) more than if it had generated at once.
GENERATE_AFTER = 200


@attrs.define
class CompiledPolicy:
    """A loaded policy: its core model (`model`), compiled code, and the syntax tree it came
    from (`syntax`, read only by the notebook's cell composition)."""

    model: M.Policy
    compiled: Compiled
    syntax: Any = attrs.field(default=None, repr=False)
    index: dict[str, int] = attrs.field(init=False, repr=False)
    _case_loader: Any = attrs.field(init=False, default=None, repr=False, eq=False)  # see load_case
    _direct: int = attrs.field(init=False, default=0, repr=False, eq=False)  # cases converted directly
    _fused: Any = attrs.field(init=False, default=None, repr=False, eq=False)  # dsl.compiler.fused, with the loader
    _node_ids: Any = attrs.field(init=False, default=None, repr=False, eq=False)  # see Trace; with the trace steps
    _entry: Any = attrs.field(init=False, default=None, repr=False, eq=False)  # what `evaluate` is: see there

    def __attrs_post_init__(self) -> None:
        self.index = {name: i for i, name in enumerate(self.model.rules)}
        self._entry = self._evaluate_any

    if TYPE_CHECKING:
        def evaluate(self, case: Any, trace: bool = False) -> Outcome:
            """See `_evaluate_any`."""
    else:
        # `policy.evaluate` is the function in `_entry`: `_evaluate_any` (bound), or once the
        # policy is prepared (`prepare`) its generated entry (`dsl.compiler.fused`), which takes a plain
        # dict to its Outcome in one call and hands anything else to `_evaluate_any`; both keep
        # its contract. Read through a C getter, it costs what reading a method costs.
        evaluate = property(attrgetter("_entry"), doc=(
            "evaluate(case, trace=False) -> Outcome: evaluate a case (dict, file path or Case); with "
            "`trace`, record every step. A failure that is not a mistake in the policy or the case (a defect "
            "in Beleidstaal itself) is raised as an `InternalError` naming the rule and policy line where "
            "it happened, never as a bare Python exception."))

    @property
    def title(self) -> str:
        return self.model.title

    def on(self, day: date) -> CompiledPolicy:
        """The policy as it reads on `day`: every versioned rule at its version of that day, rules
        in force on no version left out (`dsl.core.versions.policy_on`); what `verschil` compares
        between two dates of one file."""
        from dsl.core.versions import policy_on

        model = policy_on(self.model, day)
        return CompiledPolicy(model, compile_model(model), self.syntax)

    @property
    def filename(self) -> str:
        return self.model.filename

    def load_case(self, data: Mapping | str | Path, complete: bool = False) -> Case:
        """A case from a Mapping or a JSON/YAML file; CaseError for any value at fault. The first
        `GENERATE_AFTER` cases are converted directly; from the next one on the policy's generated
        case loader converts them and `evaluate` becomes its generated public path (`prepare`)."""
        source = "<casus>"
        if isinstance(data, (str, Path)):
            source, data = str(data), read_case_file(data)
        if not isinstance(data, Mapping):
            return load_case(self.model, data, complete=complete, source=source)
        loader = self._case_loader
        if loader is None:
            self._direct += 1
            if self._direct <= GENERATE_AFTER:
                return load_case(self.model, data, complete=complete, source=source)
            loader = self.prepare()
        return loader(data, complete, source)

    def prepare(self) -> Callable:
        """Generate the policy's case loader and its public path now (`dsl.case.loader`,
        `dsl.compiler.fused`; done by itself after `GENERATE_AFTER` cases): for a long run or a
        benchmark that should not start on the direct path. Returns the case loader."""
        if self._case_loader is None:
            self._case_loader = compile_case_loader(self.model)
            self._fused = compile_fused(self.model, self.compiled, Outcome, {"policy": self, "_case": None},
                                        self._evaluate_any, self._internal)
            if self._fused is not None:
                self._entry = self._fused
        return self._case_loader

    def _evaluate_any(self, case, trace: bool = False) -> Outcome:
        """Evaluate a case (dict, file path or Case); with `trace`, record every step. A failure
        that is not a mistake in the policy or the case (a defect in Beleidstaal itself) is raised
        as an `InternalError` naming the rule and policy line where it happened, never as a bare
        Python exception. (`evaluate`, until the generated entry takes over.)"""
        try:
            return self._evaluate(case, trace)
        except BeleidError:
            raise
        except Exception as err:   # (an interrupt, BaseException, passes through)
            raise self._internal(err) from err

    def _internal(self, err: Exception) -> InternalError:
        """The place in the policy where evaluation failed: the generated code carries the policy's
        line numbers, so the innermost frame in the policy's file names the line and the rule."""
        line = None
        tb = err.__traceback__
        while tb is not None:
            if tb.tb_frame.f_code.co_filename == self.model.filename:
                line = tb.tb_lineno
            tb = tb.tb_next
        rule = next((r for r in self.model.rules.values() if line and r.span.line <= line <= r.span.end_line), None)
        where = f" bij regel '{rule.name}'" if rule else ""
        span = Span(line, 1, line, 1) if line else None
        message = (f"interne fout{where} ({type(err).__name__}): dit is een fout in Beleidstaal, niet in het beleid "
                   "of de casus")
        hint = "meld het bij de makers van Beleidstaal, met het beleid en de casus"
        return InternalError([Diagnostic("intern", message, span, hint)], self.model.filename, self.model.text)

    def _evaluate(self, case, trace: bool) -> Outcome:
        if not isinstance(case, Case):
            case = self.load_case(case)  # once prepared, through the generated loader
        if not trace:
            return Outcome(self, case, self.compiled.evaluate(case.values, case.peil))
        events: list = []
        append = events.append

        def record(i, value):
            append((i, value))
            return value

        raw = self.compiled.evaluate_traced(case.values, case.peil, record)
        steps = self.compiled.steps
        if self._node_ids is None:
            self._node_ids = tuple(id(step.node) for step in steps)
        return Outcome(self, case, raw, Trace(events, steps, self._node_ids))

    def violations_of(self, case: Case) -> tuple[Violation, ...]:
        """The aannames a loaded case violates (see `Outcome.violations`)."""
        assumptions = self.model.assumptions
        if not assumptions:
            return ()
        truths = self.compiled.assumptions(case.values, case.peil)
        fields = self.model.fields
        found = []
        for assumption, truth in zip(assumptions, truths, strict=True):
            if truth is False:
                read = [n for n in fields if n in assumption.inputs]
                values = tuple((n, format_typed(case.data.get(n), fields[n].type)) for n in read)
                found.append(Violation(assumption.name, assumption.title, assumption.source, assumption.span, values))
        return tuple(found)

    def evaluate_many(self, cases: Iterable, trace: bool = False) -> Iterator[Outcome]:
        """Evaluate each case of an iterable (dicts, paths or Cases), lazily, in order."""
        evaluate = self.evaluate
        for case in cases:
            yield evaluate(case, trace)

    def _result(self, name: str, outcome: Outcome) -> Result:
        i = self.index[name]
        rule = self.model.rules[name]
        status, value, detail = outcome.statuses[i], outcome.values[i], outcome.details[i]
        if isinstance(rule, M.Timeline):
            return Result(name, rule.kind, rule.title, status, deadline=detail[0], start=detail[1],
                          source=rule.source)
        if isinstance(rule, M.Decision):
            rows = rule.all_rows
            source = rows[detail].source if 0 <= detail < len(rows) and rows[detail].source else rule.source
            return Result(name, rule.kind, rule.title, status, value=value, row=detail, source=source)
        return Result(name, rule.kind, rule.title, status, value=value, source=rule.source)

    def format(self, name: str, value) -> str:
        """A rule's value in Dutch, in the unit the policy wrote ("2 jaar", "€ 175.000,00")."""
        return format_typed(value, getattr(self.model.rules[name], "type", None))

    def source_of(self, rule) -> str | None:
        """A rule's own `bron`, else its group's, else the policy's."""
        return rule.source


def format_typed(value, t: T.Type | None) -> str:
    """A value of type `t` in Dutch ("onbekend" for None; a list as [a; b])."""
    if value is None:
        return "onbekend"
    if t is None:
        return str(value)
    if t.kind == "lijst":
        return "[" + "; ".join(format_typed(v, t.element) for v in value) + "]"
    if t.kind == "duur":
        return format_duration_count(value, t)
    if t.kind in ("getal", "aantal") and isinstance(value, int):
        return format_value(value, "aantal")
    return format_value(value, "tekst" if t.kind == "keuze" else t.kind)


# The last few policy texts compiled in this process, by (text, file name): their core model,
# compiled code and syntax tree, which are never changed after loading (the syntax tree and the
# model are frozen; `Compiled` only adds its traced variant on first use, the same for every
# caller). Each `compile_text` returns a new `CompiledPolicy` around them, so what a policy object
# keeps of its own (its generated case loader, the count of cases converted directly) is never
# shared. A kernel whose `laad` cell runs again and `beleid` called twice in one process load a
# policy once (measured: in the test suite 25 of 53 s of compiling was text compiled before). An
# entry holds 2-8 MB (wijkverpleging_2024 with its traced variant: 7.6 MB). With four, the two test
# processes together compiled texts they had compiled before for 12 s of CPU, with sixteen 9 s (the
# fuzzing slice compiles 1,000 texts in between); a kernel or a `verschil` that goes back and forth
# between versions meets the same.
RECENT_TEXTS = 16
_recent: OrderedDict[tuple[str, str], tuple[M.Policy, Compiled, Any]] = OrderedDict()
_recent_lock = threading.Lock()


def compile_text(text: str, filename: str = "<beleid>") -> CompiledPolicy:
    """Parse, check, lower and compile policy text (or take what was made of the same text with
    the same file name lately, see `RECENT_TEXTS`)."""
    key = (text, filename)
    with _recent_lock:
        made = _recent.get(key)
        if made is not None:
            _recent.move_to_end(key)
    if made is None:
        made = _compile_text(text, filename)
        with _recent_lock:
            _recent[key] = made
            while len(_recent) > RECENT_TEXTS:
                _recent.popitem(last=False)
    return CompiledPolicy(*made)


def _compile_text(text: str, filename: str) -> tuple[M.Policy, Compiled, Any]:
    from dsl.errors import BeleidError

    with _no_gc_pauses():
        tree, literal_problems = parse(text, filename, partial=True)
        try:
            checked = check(tree)
        except BeleidError as err:  # report malformed literals and checker problems in one pass
            if not literal_problems:
                raise
            both = sorted([*literal_problems, *err.diagnostics],
                          key=lambda d: (d.span.line, d.span.column) if d.span else (0, 0))
            raise BeleidError(both, filename, text) from None
        if literal_problems:
            raise BeleidError(literal_problems, filename, text)
        model = lower(checked)
        return model, compile_model(model), tree


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
    if _looks_like_a_case(path, text):
        raise BeleidError([Diagnostic(
            "file", "dit lijkt een casus (JSON of YAML), geen beleid",
            hint="een beleid begint met 'beleid \"<titel>\"'; geef de casus met --casus, zoals: beleid evalueer "
                 "beleid.beleid --casus casus.json")], str(path))
    return compile_text(text, str(path))


def _looks_like_a_case(path: Path, text: str) -> bool:
    """A case file handed where a policy belongs: text that opens as a JSON object or list (a
    policy never does), or a .json/.yaml name on text that does not open as a policy."""
    opening = next((line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")),
                   "")
    if opening[:1] in ("{", "["):
        return True
    return path.suffix.lower() in (".json", ".yaml", ".yml") and not opening.lower().startswith("beleid")
