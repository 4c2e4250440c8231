"""The values consistency checks produce: findings with counterexamples, and the report.

Contract: a `Finding` names its kind in the vocabulary of decision-table verification (see
`KINDS`: gat, overlap, overschaduwde regel, ...), the rule, a Dutch message, the source spans
involved, a counterexample case (a dict `policy.evaluate` accepts) and how it was found:
"exact" (z3: the finding is proved) or "zoektocht" (Hypothesis: a concrete case, nothing
proved). `confirmed` says whether evaluating the counterexample with the compiled policy shows
the defect. A finding about more than one rule (a boundary two rules draw differently, an eis
repeated) names the others in `others`; `names` gives them all, `rule` first. `regions` are
the `Region`s of the inputs where the defect lies (one per gegeven: an interval, a set of
values or one value), around the witness; `boxes` lists every region of a gap, an overlap or a
blocking unknown as (witness, regions), the first being `case` and `regions`; `known` is true when the
policy records the finding as the document's own (`bekende bevinding`, `dsl.analysis.known`), and
`known_record` says where (line, bron, citaat); a record that matches nothing is a finding of its
own, `bekend_vervallen`;
`earlier` says, once the report is compared with an earlier one (`dsl.analysis.compare`), whether
that report already had it (None: not compared).
A `ConsistencyReport` holds the findings, what was checked and how, where the solver had to
hand over to the search (with the reason), and the `Searched` cases of each search.
"""

from __future__ import annotations

from datetime import datetime

import attrs

from dsl.case import CaseValueError, convert
from dsl.runtime.formatting import format_value

__all__ = ["KINDS", "Checked", "ConsistencyReport", "Fallback", "Finding", "Region", "Searched", "case_value", "show_value"]


def case_value(model, name: str, value):
    """A witness value as the runtime has it: a value a case writes as text (`dsl.case.written`:
    "0,5%") is read back; a duur stays as written ("3 weken"); an unreadable text stays text."""
    t = model.fields[name].type if name in model.fields else None
    if t is None or not isinstance(value, str) or t.kind in ("tekst", "keuze", "duur"):
        return value
    try:
        return convert(value, t)
    except CaseValueError:
        return value


def show_value(model, name: str, value) -> str:
    """A case value in Dutch notation (€ 250.000,00; 15 juni 2023 17:00 uur; "zzp"; ja); a value
    a case writes as text (`dsl.case.written`: "0,5%", "3 weken") is read back first."""
    t = model.fields[name].type if name in model.fields else None
    if t is None or value is None:
        return "onbekend" if value is None else str(value)
    value = case_value(model, name, value)
    if isinstance(value, str) and t.kind not in ("tekst", "keuze", "duur"):
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
    "overlap": "overlap (meerdere regels onder 'uniek', of met een andere uitkomst onder 'om het even')",
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
    "grens": "grens die regels verschillend trekken",
    "andere_grenzen": "eis en rij met dezelfde voorwaarde en andere grenzen",
    "dubbele_eis": "eis die een andere herhaalt",
    "herhaalde_rij": "rij die in een andere beslissing herhaald wordt",
    "onbekend_blokkeert": "onbekend gegeven dat een latere rij blokkeert",
    "bekend_vervallen": "bekende bevinding die niet meer optreedt",
}


@attrs.frozen
class Region:
    """Where a defect lies along one gegeven: an interval (`low`..`high`, each end closed or open,
    None for no bound), a set of `values` (keuze options, ja/nee; None in it is "onbekend"), or one
    value (low == high). A relation between gegevens (`relation`, the solver's formula, with
    `relation_text` in words; `field` is the first gegeven in it) holds or not: `values` (True,)
    or (False,)."""

    field: str
    low: object = None
    high: object = None
    low_closed: bool = True
    high_closed: bool = True
    values: tuple | None = None
    relation: str | None = None
    relation_text: str | None = None

    @property
    def kind(self) -> str:
        if self.relation is not None:
            return "relatie"
        if self.values is not None:
            return "waarden"
        return "waarde" if self.low is not None and self.low == self.high else "interval"


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
    others: tuple = ()                # further rules the finding is about
    regions: tuple = ()               # Regions, one per gegeven
    known: bool = False               # recorded in the policy as the document's own
    earlier: bool | None = None       # compared with an earlier report: in it (True) or new (False)
    boxes: tuple = ()                 # every region of the defect: (witness case, Regions) per box
    known_record: str | None = None   # where the policy records it as the document's own (line, bron, citaat)

    @property
    def label(self) -> str:
        return KINDS[self.kind]

    @property
    def names(self) -> tuple[str, ...]:
        """Every rule the finding is about, `rule` first."""
        return (self.rule, *self.others)


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
class Searched:
    """One search of a rule: what it looked for, how many cases it tried, and whether the time cap
    (the safety net) cut it short before the count of its budget was reached."""

    rule: str
    what: str
    cases: int
    timed_out: bool = False


@attrs.frozen
class ConsistencyReport:
    title: str
    filename: str
    findings: tuple
    checked: tuple
    fallbacks: tuple
    notes: tuple = ()
    budget: object = None
    searches: tuple = ()              # Searched, in the order they ran
    unknowns: tuple = ()              # Unknowable: per rule, the gegevens that can make it onbekend
    region_limits: tuple = ()         # (rule, what): region listings the count bound stopped
    compared_with: str | None = None  # the earlier report this one was compared with

    @property
    def new(self) -> list[Finding]:
        """The findings not recorded as the document's own and (when compared) not reported earlier."""
        return [f for f in self.findings if not f.known and not f.earlier]

    @property
    def timed_out(self) -> list[Searched]:
        return [s for s in self.searches if s.timed_out]

    @property
    def ok(self) -> bool:
        return not self.findings

    def of_kind(self, kind: str) -> list[Finding]:
        return [f for f in self.findings if f.kind == kind]
