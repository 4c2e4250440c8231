"""Comparing a consistency report with one saved earlier (`beleid controleer --consistentie
--vergelijk VORIG.json`): which findings are new.

Contract: `load_previous(path)` reads a report written by `--json` (`dsl.analysis.jsonreport`) or
raises `PreviousReportError` with a Dutch message; `compare(report, model, previous, source)`
returns the report with every finding marked `earlier` (True: "eerder gemeld", False: "nieuw")
and `compared_with` set. A finding is earlier when the previous report already had it:
  - a gap, an overlap or an unknown that blocks a row (`REGION_KINDS`) found by the solver: by
    region, not by witness. It is earlier when every case of its box lies in the boxes the
    previous report gave for the same kind of defect in the same rule (the solver proves the
    containment, for the cases the policy's aannames allow), so a witness that moved is not new, and a region that grew or appeared is;
  - the same found by search (no proved region): when the previous report had that kind in that rule;
  - any other finding: when the previous report had one of the same kind about the same rules
    (for a boundary two rules draw differently: at the same value), each previous finding matched
    once: first one about the same part of the policy (`onderdeel`, the source text it points
    at), else any, as long as this report has no more of that kind about those rules than the
    previous one (so an edited text that keeps its meaning is not new, and a second shadowed row
    in one table is).
For an unknown that blocks a row, a gegeven that a box does not mention is known in it (the
finding is about cases where one gegeven is missing).
"""

from __future__ import annotations

import json
from pathlib import Path

import attrs
import z3

from dsl.analysis.assumptions import assumption_constraints
from dsl.analysis.findings import ConsistencyReport, Finding, Region
from dsl.analysis.regions import region_formula
from dsl.analysis.smt import Domain, Encoder, check
from dsl.analysis.unknowns import known

__all__ = ["REGION_KINDS", "PreviousReportError", "compare", "load_previous", "part_text"]

REGION_KINDS = ("gat", "overlap", "onbekend_blokkeert")


class PreviousReportError(Exception):
    """The earlier report cannot be read; the message is Dutch."""


def load_previous(path) -> dict:
    """The earlier report (see the module docstring)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as err:
        raise PreviousReportError(f"kan het vorige rapport {path} niet lezen: {err.strerror or err}") from None
    except UnicodeDecodeError:
        raise PreviousReportError(f"het vorige rapport {path} is geen UTF-8-tekst") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise PreviousReportError(f"het vorige rapport {path} is geen JSON (regel {err.lineno}, kolom {err.colno})"
                                  ) from None
    if not isinstance(data, dict) or not isinstance(data.get("bevindingen"), list) or \
            not all(isinstance(f, dict) for f in data["bevindingen"]):
        raise PreviousReportError(f"het vorige rapport {path} is geen rapport van 'beleid controleer --consistentie "
                                  "--json' (er is geen lijst 'bevindingen')")
    return data


def part_text(f: Finding, source: str | None) -> str | None:
    """The source text a finding points at first (its row, eis, rule), whitespace normalised."""
    if not f.spans or not source:
        return None
    span = f.spans[0][1]
    lines = source.splitlines()
    if span is None or not span.line or not 0 < span.line <= len(lines):
        return None
    return " ".join(lines[span.line - 1].split())


def compare(report: ConsistencyReport, model, previous: dict, source: str | None = None,
            path: str | None = None) -> ConsistencyReport:
    """The report with each finding marked new or earlier (see the module docstring)."""
    matcher = _Matcher(model, [f for f in previous["bevindingen"] if isinstance(f, dict)], source)
    for f in report.findings:
        matcher.counts[(f.kind, f.names)] = matcher.counts.get((f.kind, f.names), 0) + 1
    findings = tuple(attrs.evolve(f, earlier=matcher.earlier(f)) for f in report.findings)
    return attrs.evolve(report, findings=findings, compared_with=str(path) if path is not None else "")


class _Matcher:
    def __init__(self, model, old: list[dict], source: str | None):
        self.model, self.old, self.source = model, old, source
        self.used: set[int] = set()
        self.counts: dict[tuple, int] = {}    # (kind, rules) -> how many this report has
        self._enc: Encoder | None = None

    @property
    def enc(self) -> Encoder:
        if self._enc is None:
            self._enc = Encoder(self.model, Domain())
        return self._enc

    def earlier(self, f: Finding) -> bool:
        if f.kind in REGION_KINDS:
            same = [o for o in self.old if o.get("soort") == f.kind and (o.get("regels") or [None])[0] == f.rule]
            if f.method != "exact" or not f.regions:
                return bool(same)
            return self._covered(f, [o for o in same if o.get("methode") == "solver"])
        return self._matched(f)

    # ------------------------------------------------------------ other kinds: one to one
    def _matched(self, f: Finding) -> bool:
        """One to one: first a previous finding of the same kind about the same rules and the same
        part; else, while this report has no more of that kind and rules than the previous one
        (a part whose text was edited without changing its meaning), any unused one."""
        part = None if f.method == "regels" else part_text(f, self.source)
        values = _texts(self.model, f) if f.method == "regels" else None
        same = [k for k, o in enumerate(self.old) if k not in self.used and o.get("soort") == f.kind
                and o.get("regels") == list(f.names)
                and (values is None or sorted(g.get("tekst", "") for g in o.get("gebieden") or []) == values)]
        exact = [k for k in same if part is None or self.old[k].get("onderdeel") in (None, part)]
        key = (f.kind, tuple(f.names))
        if exact:
            self.used.add(exact[0])
            return True
        if same and self.counts.get(key, 0) <= sum(1 for o in self.old if (o.get("soort"), tuple(o.get("regels") or ()))
                                                    == key):
            self.used.add(same[0])
            return True
        return False

    # ------------------------------------------------------------ regions: proved containment
    def _covered(self, f: Finding, old: list[dict]) -> bool:
        unknown = f.kind == "onbekend_blokkeert"
        mine = [list(regions) for _, regions in f.boxes] or [list(f.regions)]
        theirs = [_regions(items) for o in old for items in _boxes(o)]
        # an unknown finding is about cases where one gegeven is missing: a gegeven a box does not
        # mention is known there
        named = {r.field for box in mine + theirs for r in box if r.relation is None} if unknown else set()
        new_boxes = [self._box(box, unknown, named) for box in mine]
        boxes = [b for b in (self._box(box, unknown, named) for box in theirs) if b is not None]
        if any(b is None for b in new_boxes) or not boxes:
            return False
        solver = z3.Solver()
        solver.add(*self.enc.constraints(), *assumption_constraints(self.enc, self.model).formulas)
        solver.add(z3.Or(*new_boxes), z3.Not(z3.Or(*boxes)))
        return check(solver) == z3.unsat

    def _box(self, regions: list[Region], unknown: bool, named: set[str]):
        parts = [known(n) for n in sorted(named - {r.field for r in regions if r.relation is None})
                 if n in self.model.fields]
        for region in regions:
            try:
                formula = region_formula(self.enc, region)
            except Exception:   # a value this policy's gegeven cannot have (its type changed)
                return None
            if formula is None:
                return None
            if unknown and region.relation is None and region.field in self.model.fields:
                is_known = known(region.field)
                has_none = region.values is not None and None in region.values
                formula = z3.Or(z3.Not(is_known), z3.And(is_known, formula)) if has_none else z3.And(is_known, formula)
            parts.append(formula)
        return z3.And(*parts)


def _texts(model, f: Finding) -> list[str]:
    from dsl.analysis.jsonreport import region_text

    return sorted(region_text(model, r) for r in f.regions)


def _boxes(finding: dict) -> list[list]:
    """The boxes of a finding of the earlier report: `alle_gebieden`, else its `gebieden`."""
    every = finding.get("alle_gebieden")
    if isinstance(every, list) and every:
        return [b.get("gebieden") or [] for b in every if isinstance(b, dict)]
    return [finding.get("gebieden") or []]


def _regions(items: list) -> list[Region]:
    """The regions of a finding of the earlier report, as `Region`s (values as written)."""
    out = []
    for g in items:
        if not isinstance(g, dict) or not isinstance(g.get("gegeven"), str):
            continue
        kind, name = g.get("soort"), g["gegeven"]
        if kind == "relatie":
            out.append(Region(name, values=tuple(g.get("waarden") or ()), relation=g.get("formule"),
                              relation_text=g.get("tekst")))
        elif kind == "waarden":
            out.append(Region(name, values=tuple(g.get("waarden") or ())))
        elif kind == "waarde":
            out.append(Region(name, g.get("waarde"), g.get("waarde")))
        elif kind == "interval":
            out.append(Region(name, g.get("van"), g.get("tot"), bool(g.get("van_inbegrepen", True)),
                              bool(g.get("tot_inbegrepen", True))))
    return out
