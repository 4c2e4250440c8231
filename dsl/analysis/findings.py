"""The values consistency checks produce: findings with counterexamples, and the report.

Contract: a `Finding` names its kind in the vocabulary of decision-table verification (see
`KINDS`: gat, overlap, overschaduwde regel, ...), the rule, a Dutch message, the source spans
involved, a counterexample case (a dict `policy.evaluate` accepts) and how it was found:
"exact" (z3: the finding is proved) or "zoektocht" (Hypothesis: a concrete case, nothing
proved). `confirmed` says whether evaluating the counterexample with the compiled policy shows
the defect. A `ConsistencyReport` holds the findings, what was checked and how, and where the
solver had to hand over to the search (with the reason).
"""

from __future__ import annotations

from datetime import datetime

import attrs

from dsl.case import CaseValueError, convert
from dsl.runtime.formatting import format_value

__all__ = ["KINDS", "Checked", "ConsistencyReport", "Fallback", "Finding", "show_value"]


def show_value(model, name: str, value) -> str:
    """A case value in Dutch notation (€ 250.000,00; 15 juni 2023 17:00 uur; "zzp"; ja); a value
    a case writes as text (`dsl.case.written`: "0,5%", "3 weken") is read back first."""
    t = model.fields[name].type if name in model.fields else None
    if t is None or value is None:
        return "onbekend" if value is None else str(value)
    if isinstance(value, str) and t.kind not in ("tekst", "keuze", "duur"):
        try:
            value = convert(value, t)
        except CaseValueError:
            return value
    if t.kind == "duur":
        return str(value)
    if t.kind == "tijdstip" and not isinstance(value, datetime):
        return format_value(value, "datum")
    if t.kind == "aantal":
        return str(value)
    if t.kind == "lijst":
        return "[" + "; ".join(str(v) for v in value) + "]"
    return format_value(value, t.kind)

KINDS = {
    "gat": "gat (geen regel van toepassing)",
    "overlap": "overlap (meerdere regels onder 'uniek')",
    "overschaduwd": "overschaduwde regel",
    "onmogelijke_regel": "regel die nooit kan gelden",
    "eis_onvervulbaar": "eis die nooit voldaan kan worden",
    "eis_altijd": "eis die altijd voldaan is",
    "tegenstrijdig": "tegenstrijdige eisen",
    "nooit_van_toepassing": "nooit van toepassing",
    "uitzondering_nooit": "uitzondering die nooit geldt",
    "uitzondering_overbodig": "uitzondering die nooit iets uitmaakt",
    "termijn_onmogelijk": "termijn die nooit gehaald kan worden",
    "volgorde_onmogelijk": "onmogelijke volgorde van termijnen",
    "deling_door_nul": "deling door nul",
    "buiten_bereik": "waarde buiten bereik",
}


@attrs.frozen
class Finding:
    kind: str
    rule: str
    message: str
    spans: tuple                      # (label, Span) pairs
    case: dict | None = None          # the counterexample, for policy.evaluate
    relevant: tuple = ()              # the gegevens that matter for the finding
    method: str = "exact"             # "exact" (z3) or "zoektocht" (Hypothesis)
    confirmed: bool | None = None     # the compiled policy shows the defect on `case`
    detail: str | None = None

    @property
    def label(self) -> str:
        return KINDS[self.kind]


@attrs.frozen
class Checked:
    """One rule checked: what was looked at and how ("exact" or "zoektocht")."""

    rule: str
    what: str
    method: str


@attrs.frozen
class Fallback:
    """Where the solver could not encode a rule and the search took over."""

    rule: str
    reason: str
    span: object = None


@attrs.frozen
class ConsistencyReport:
    title: str
    filename: str
    findings: tuple
    checked: tuple
    fallbacks: tuple
    notes: tuple = ()
    budget: object = None

    @property
    def ok(self) -> bool:
        return not self.findings

    def of_kind(self, kind: str) -> list[Finding]:
        return [f for f in self.findings if f.kind == kind]
