"""Findings the policy records as the document's own (`bekende bevinding`), and records that no longer hold.

Contract: `apply_known(ctx, findings)` returns the findings of a check with each one the policy
records marked `known` (reported as "in het document", never failing the exit code), followed by
one finding of kind `bekend_vervallen` per record that matched nothing. A record (`dsl.core.model.
KnownFinding`) matches a finding of its kind about exactly its rules (as a set):
  - without `waar`, the whole finding;
  - with `waar <voorwaarde>`, a gap, overlap or blocking unknown the solver listed region by region
    is matched box by box: a box is the document's own when every case in it satisfies the
    condition (the solver proves it, for the cases the domain and the aannames allow); a finding
    with boxes inside and outside is split in two, the part outside stays new ("a new gap in a table
    with a known one is new"). Any other finding is matched when its witness satisfies the
    condition (evaluated by the compiled condition, `dsl.compiler.compile_conditions`).
A record that matches no finding is reported (`bekend_vervallen`, with its line and column): the
policy changed and the record is out of date, or, for a rule only searched, the search did not find
the defect (the message says that nothing is proved then).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import attrs
import z3

from dsl import types as T
from dsl.analysis.findings import Finding
from dsl.analysis.regions import region_formula
from dsl.analysis.smt import Unsupported
from dsl.compiler import compile_conditions
from dsl.core import expr as E
from dsl.core.model import KnownFinding

__all__ = ["apply_known"]


def apply_known(ctx, findings: list[Finding]) -> list[Finding]:
    """See the module docstring. `ctx` is the `CheckContext` of the check (its solver, encoder,
    policy and what was checked how)."""
    records = ctx.model.known_findings
    if not records:
        return findings
    return _Known(ctx, records).apply(findings)


class _Known:
    def __init__(self, ctx, records: tuple[KnownFinding, ...]):
        self.ctx, self.records = ctx, records
        self.used: set[int] = set()
        self._formulas: dict[int, object] = {}
        self._witness_test: Callable | None = None

    def apply(self, findings: list[Finding]) -> list[Finding]:
        out: list[Finding] = []
        for f in findings:
            matches = [k for k, r in enumerate(self.records) if r.kind == f.kind and set(r.rules) == set(f.names)]
            out.extend(self.mark(f, matches) if matches else [f])
        out.extend(self.stale(k, r) for k, r in enumerate(self.records) if k not in self.used)
        return out

    # ------------------------------------------------------------ matching
    def mark(self, f: Finding, matches: list[int]) -> list[Finding]:
        if f.method == "exact" and f.boxes and all(self.records[k].region is not None for k in matches):
            return self.split(f, matches)
        for k in matches:
            if self.records[k].region is None or self.witness_in(k, f.case):
                self.used.add(k)
                return [attrs.evolve(f, known=True, known_record=_record_text(self.records[k]))]
        return [f]

    def split(self, f: Finding, matches: list[int]) -> list[Finding]:
        """A finding listed box by box: the boxes inside a record's region are the document's own."""
        inside, outside, by = [], [], None
        for box in f.boxes:
            k = next((k for k in matches if self.box_in(k, box[1])), None)
            if k is None:
                outside.append(box)
            else:
                inside.append(box)
                self.used.add(k)
                by = by if by is not None else k
        if not inside:
            return [f]
        known = _part(f, inside, known=True, record=_record_text(self.records[by]) if by is not None else None)
        return [known] if not outside else [known, _part(f, outside, known=False, record=None)]

    def formula(self, k: int):
        """The solver's formula of record k's `waar` condition (None when it cannot express it)."""
        if k not in self._formulas:
            region = self.records[k].region
            enc = self.ctx.enc
            saved = list(enc.guards)
            try:
                self._formulas[k] = enc.cond(region) if region is not None else z3.BoolVal(True)
            except Unsupported:
                self._formulas[k] = None
            finally:
                enc.guards = saved
        return self._formulas[k]

    def box_in(self, k: int, regions) -> bool:
        """Whether every case of a box satisfies record k's condition (proved by the solver)."""
        condition = self.formula(k)
        region = self.records[k].region
        mentioned = region.inputs if region is not None else frozenset()
        parts = []
        for r in regions:
            if r.values is not None and None in r.values:
                # a gegeven that may be onbekend in the box (a blocked row): the solver's cases
                # are complete, so the record's condition cannot speak of it; a condition that
                # does is not proved to hold, one that does not is decided by the other gegevens
                if r.field in mentioned:
                    return False
                continue
            parts.append(region_formula(self.ctx.enc, r))
        if condition is None or any(p is None for p in parts):
            return False
        return not self.ctx.sat(*parts, z3.Not(condition))

    def witness_in(self, k: int, case: dict | None) -> bool:
        """Whether a finding's witness satisfies record k's condition."""
        if case is None:
            return False
        if self._witness_test is None:
            model = self.ctx.model
            conditions = [r.region if r.region is not None else E.Const(True, T.JANEE, "ja", r.span)
                          for r in self.records]
            self._witness_test = compile_conditions(model, conditions, "known_regions")
        try:
            loaded = self.ctx.policy.load_case(case)
        except Exception:   # a witness the case loader refuses matches no region
            return False
        test = self._witness_test
        return test(loaded.values, loaded.peil)[k] is True

    # ------------------------------------------------------------ records that match nothing
    def stale(self, k: int, record: KnownFinding) -> Finding:
        searched = [c.rule for c in self.ctx.checked if c.rule in record.rules and c.method == "zoektocht"]
        rules = ", ".join(f"'{n}'" for n in record.rules)
        message = (f"De bekende bevinding '{record.kind}' in {rules} treedt niet (meer) op"
                   + (" in het vastgelegde gebied" if record.region is not None else "")
                   + ": het beleid legt iets vast wat de controle niet vindt. Werk de vastlegging bij of haal haar weg.")
        if searched:
            message += (f" Let op: {', '.join(searched)} is alleen doorzocht, niet bewezen; de zoektocht kan de "
                        "bevinding gemist hebben.")
        spans = [("bekende bevinding", record.span), *((f"regel {n}", s) for n, s in
                                                        zip(record.rules, record.rule_spans, strict=False))]
        return Finding("bekend_vervallen", record.rules[0], message, tuple(spans), method="beleid",
                       others=tuple(record.rules[1:]))


def _record_text(record: KnownFinding) -> str:
    """Where the policy records a finding, in Dutch: its line, bron and citaten."""
    parts = [f"vastgelegd op regel {record.span.line}"]
    if record.source:
        parts.append(f"bron {record.source}")
    parts += [f"citaat \"{q}\"" for q in record.quotes]
    if record.note:
        parts.append(record.note)
    return "; ".join(parts)


_SPREAD = re.compile(r" \(in \d+ gebieden\)")


def _part(f: Finding, boxes: list, *, known: bool, record: str | None) -> Finding:
    """The part of a finding made of some of its boxes (its witness and regions those of the first)."""
    spread = f" (in {len(boxes)} gebieden)" if len(boxes) > 1 else ""
    message = _SPREAD.sub(spread, f.message, count=1)
    first_case, first_regions = boxes[0]
    confirmed = f.confirmed if first_case == f.case else None
    relevant = tuple(n for n in f.relevant if n in first_case)
    return attrs.evolve(f, message=message, case=first_case, regions=tuple(first_regions), boxes=tuple(boxes),
                        known=known, known_record=record, confirmed=confirmed, relevant=relevant, detail=None)
