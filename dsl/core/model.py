"""The rules of the core model: what a policy means, decided once for every back end and view.

Contract: a `Policy` holds its header, its gegevens (`Field`) and its rules in evaluation order
(each after every rule it uses), the gates they share, and its voorbeelden. Rule kinds, statuses,
hit policies and timeline kinds are enums whose values are the Dutch words a user reads (so a
status compares equal to "voldaan" and prints as it). Each rule states its meaning explicitly:
  - applicability is a tuple of `Gate`s (the group's, then the rule's own), each defined once
    and shared by every rule that uses it; a rule applies when all its gates are ja;
  - an eis holds when its condition holds or one of its exceptions does;
  - a group is the all-of of its hard eisen (`members`); its soft eisen (`advice`: `verwacht`,
    `streeft naar`) get their own voldaan/niet voldaan but never make the group fail;
  - a power (`bevoegdheid`: what the insurer may do) is a calculation of a ja/nee marked with
    `power`: its value says whether the party may act in this case, its status is no verdict;
  - every rule may say which party it binds (`bound`, display only), and a gegeven may be a
    judgement (`Field.judged_by`): an assessment someone makes, read as the input it is;
  - a decision has a hit policy, its rows and an optional `anders`, and may be deliberately partial
    (`partial`: a case no row applies to is then no finding of the consistency check);
  - an `Assumption` is what the document takes for granted of every case, a `KnownFinding` a
    finding of the consistency check recorded as the document's own (both outside `rules`: they
    give no outcome; see their classes);
  - a termijn has an explicit start and end moment (durations already applied), whether the end
    moment itself is too late (`strict`), and whether the event must fall on it (`exact`);
  - a calculation has one expression; its result always has the shape (value, status);
  - a rule's own validity (`geldig vanaf ...`) is part of its gate, a test of `Peildatum`; a rule
    written in several versions is still one rule: its gate holds on the dates some version is in
    force, and each part of its body that differs per version is a `Versions` expression that
    picks the version of the calculation date (a beslissing's rows carry their version's test in
    their condition). `versions` lists them (display, and `dsl.core.versions.policy_on`).
Nothing here refers to the syntax tree.
"""

from __future__ import annotations

import enum
from datetime import date
from typing import Any, Union, assert_never

import attrs

from dsl.core.expr import Expr, PeriodLength, Version
from dsl.span import Span
from dsl.types import Type


class RuleKind(enum.StrEnum):
    CALCULATION = "berekening"
    REQUIREMENT = "eis"
    GROUP = "groep"
    DECISION = "beslissing"
    TIMELINE = "termijn"

    @property
    def plural(self) -> str:
        return _PLURALS[self]


_PLURALS = {RuleKind.CALCULATION: "berekeningen", RuleKind.REQUIREMENT: "eisen", RuleKind.GROUP: "groepen",
            RuleKind.DECISION: "beslissingen", RuleKind.TIMELINE: "termijnen"}


class Status(enum.StrEnum):
    """Every status a rule can have; the value is the Dutch word shown to a user."""

    VOLDAAN = "voldaan"
    NIET_VOLDAAN = "niet voldaan"
    GEHAALD = "gehaald"
    NIET_GEHAALD = "niet gehaald"
    VERSTREKEN_ZONDER_DATUM = "verstreken zonder datum"
    NOG_NIET = "nog niet verstreken"
    BEPAALD = "bepaald"
    GEEN_UITKOMST = "geen uitkomst"
    MEERDERE = "meerdere regels"
    ONBEKEND = "onbekend"
    NVT = "niet van toepassing"

    @property
    def truth(self) -> bool | None:
        """The ja/nee another rule sees: voldaan, gehaald and niet van toepassing are ja;
        niet voldaan and niet gehaald are nee; every other status is unknown (a termijn that is
        verstreken zonder datum too: its event may have happened, the case does not say)."""
        return _TRUTH.get(self)


_TRUTH = {Status.VOLDAAN: True, Status.GEHAALD: True, Status.NVT: True,
          Status.NIET_VOLDAAN: False, Status.NIET_GEHAALD: False}

# The order in which statuses are listed to a user: what needs attention first.
STATUS_ORDER: tuple[Status, ...] = (
    Status.NIET_VOLDAAN, Status.NIET_GEHAALD, Status.VERSTREKEN_ZONDER_DATUM, Status.ONBEKEND, Status.MEERDERE,
    Status.GEEN_UITKOMST, Status.NOG_NIET, Status.VOLDAAN, Status.GEHAALD, Status.BEPAALD, Status.NVT)

# What `beleid evalueer --streng` counts as a case not in order: a verdict that is negative or
# could not be given (a calculation's own status is not a verdict and is never counted, nor is a
# soft eis's: see `is_verdict`).
NOT_IN_ORDER = frozenset({Status.NIET_VOLDAAN, Status.NIET_GEHAALD, Status.VERSTREKEN_ZONDER_DATUM, Status.ONBEKEND,
                          Status.MEERDERE, Status.GEEN_UITKOMST})

# The statuses each kind of rule can have.
STATUSES: dict[RuleKind, tuple[Status, ...]] = {
    RuleKind.REQUIREMENT: (Status.VOLDAAN, Status.NIET_VOLDAAN, Status.ONBEKEND, Status.NVT),
    RuleKind.GROUP: (Status.VOLDAAN, Status.NIET_VOLDAAN, Status.ONBEKEND, Status.NVT),
    RuleKind.TIMELINE: (Status.GEHAALD, Status.NIET_GEHAALD, Status.VERSTREKEN_ZONDER_DATUM, Status.NOG_NIET,
                        Status.ONBEKEND, Status.NVT),
    RuleKind.DECISION: (Status.BEPAALD, Status.GEEN_UITKOMST, Status.MEERDERE, Status.ONBEKEND, Status.NVT),
    RuleKind.CALCULATION: (Status.BEPAALD, Status.ONBEKEND, Status.NVT),
}


class Party(enum.StrEnum):
    """Who a rule binds (`voor de aanbieder`, `voor de verzekeraar`); display only."""

    AANBIEDER = "aanbieder"
    VERZEKERAAR = "verzekeraar"

    @property
    def label(self) -> str:
        """"de zorgaanbieder", "de verzekeraar"."""
        return "de zorgaanbieder" if self is Party.AANBIEDER else "de verzekeraar"

    @property
    def obligation(self) -> str:
        """"verplichting van de zorgaanbieder", as an explanation says it."""
        return f"verplichting van {self.label}"


class Strength(enum.StrEnum):
    """How an eis binds: `vereist` (hard: it decides its group) or `verwacht` / `streeft naar`
    (soft: advice, reported with its own status, never making its group fail)."""

    HARD = "vereist"
    SOFT = "verwacht"


class Overlap(enum.StrEnum):
    """When two rows of a beslissing that can apply to one case are a consistency finding, by
    hit policy, as the decision-table verification literature has it (Calvanese, Dumas, Laurson,
    Maggi, Montali and Teinemaa, "Semantics and analysis of DMN decision tables", BPM 2016, and the
    DMN spec's hit policies): under `uniek` every overlap is one (DMN: an error); under `eerste
    treffer`, voorrang, the collecting and list hit policies overlap is how the table is meant to be
    read, never one; under `om het even` (DMN ANY) only an overlap of rows that give different
    outcomes is one. A gap (a case no row applies to) is a finding under every hit policy when the
    table has no `anders` (their "incompleteness"; DMN gives null there)."""

    FINDING = "altijd een bevinding"
    ALLOWED = "toegestaan"
    WHEN_DIFFERENT = "een bevinding als de uitkomsten verschillen"


class HitPolicy(enum.StrEnum):
    """Which rows of a beslissing give its outcome, decided here for every back end (the value is
    the words the policy writes between brackets). Every hit policy looks at the rows' conditions
    in the order of `Decision.in_order`; a row whose condition is unknown makes the decision
    onbekend where it could change the outcome (never a silent fall-through):
      - FIRST, PRIORITY: the first row (in `in_order`: under PRIORITY by the rank of its outcome in
        the declared order, then as written) that holds gives the outcome; an unknown row before
        it makes the decision onbekend;
      - UNIQUE: exactly one row may hold; two that hold give `meerdere regels` (even when another
        is unknown), else an unknown row makes it onbekend;
      - ANY: rows that hold must agree (the same `Row.agree`: the same written outcomes), else
        `meerdere regels`; an unknown row makes it onbekend; the outcome is that of the first row
        that holds;
      - SUM, COUNT, MIN, MAX (DMN's collect with an aggregation) and COLLECT, RULE_ORDER,
        OUTPUT_ORDER (a list): every row that holds contributes, so any unknown row makes the
        decision onbekend; the value is the sum / the number of those rows / the smallest /
        the largest of their outcomes, or the list of their outcomes in `in_order` (rule order,
        or by rank under OUTPUT_ORDER). An outcome that is unknown makes the sum, minimum,
        maximum unknown (the status stays bepaald, as a row with an unknown outcome under FIRST);
        in a list it is an unknown element.
    Under every hit policy: no row holds gives `anders` when there is one (under COLLECT,
    RULE_ORDER and OUTPUT_ORDER the list of its one outcome), else geen uitkomst."""

    FIRST = "eerste treffer"
    UNIQUE = "uniek"
    ANY = "om het even"
    PRIORITY = "voorrang"
    SUM = "som"
    COUNT = "aantal"
    MIN = "minimum"
    MAX = "maximum"
    COLLECT = "alle"
    RULE_ORDER = "alle, in regelvolgorde"
    OUTPUT_ORDER = "alle, op volgorde van voorrang"

    @property
    def overlap(self) -> Overlap:
        """When two rows that can both apply are a finding (see `Overlap`)."""
        return _OVERLAP[self]

    @property
    def single(self) -> bool:
        """Whether one row gives the outcome (FIRST, UNIQUE, ANY, PRIORITY), not every row that holds."""
        return self in (HitPolicy.FIRST, HitPolicy.UNIQUE, HitPolicy.ANY, HitPolicy.PRIORITY)

    @property
    def aggregate(self) -> str | None:
        """"som", "aantal", "minimum" or "maximum" for a collect with an aggregation, "lijst" for a
        list result, None for a single row's outcome."""
        if self.single:
            return None
        return "lijst" if self in (HitPolicy.COLLECT, HitPolicy.RULE_ORDER, HitPolicy.OUTPUT_ORDER) else self.value

    @property
    def row_order_matters(self) -> bool:
        """Whether moving a row can change an outcome: under eerste treffer (the first that holds),
        voorrang (rows of equal rank: the first) and the lists in rule order; not under uniek,
        om het even (rows that hold together agree), som, aantal, minimum and maximum."""
        return self not in (HitPolicy.UNIQUE, HitPolicy.ANY, HitPolicy.SUM, HitPolicy.COUNT, HitPolicy.MIN,
                            HitPolicy.MAX)

    @property
    def by_priority(self) -> bool:
        """Whether the rows are looked at in the declared order of their outcomes."""
        return self in (HitPolicy.PRIORITY, HitPolicy.OUTPUT_ORDER)

    @property
    def dmn(self) -> tuple[str, str | None]:
        """The DMN hitPolicy and aggregation."""
        return _DMN[self]

    @property
    def gap_is_finding(self) -> bool:
        """Whether a case no row applies to is a finding (when there is no `anders`): under every
        hit policy, a table without `anders` should decide every case it is meant for (DMN gives
        null there, Beleidstaal 'geen uitkomst'); `anders` closes every gap."""
        return True


_OVERLAP = {**dict.fromkeys(HitPolicy, Overlap.ALLOWED), HitPolicy.UNIQUE: Overlap.FINDING,
            HitPolicy.ANY: Overlap.WHEN_DIFFERENT}
_DMN = {HitPolicy.FIRST: ("FIRST", None), HitPolicy.UNIQUE: ("UNIQUE", None), HitPolicy.ANY: ("ANY", None),
        HitPolicy.PRIORITY: ("PRIORITY", None), HitPolicy.SUM: ("COLLECT", "SUM"),
        HitPolicy.COUNT: ("COLLECT", "COUNT"), HitPolicy.MIN: ("COLLECT", "MIN"), HitPolicy.MAX: ("COLLECT", "MAX"),
        HitPolicy.COLLECT: ("COLLECT", None), HitPolicy.RULE_ORDER: ("RULE ORDER", None),
        HitPolicy.OUTPUT_ORDER: ("OUTPUT ORDER", None)}


class TimelineKind(enum.StrEnum):
    """How a termijn is written; its meaning is in the start/end/strict/exact of `Timeline`."""

    UITERLIJK = "uiterlijk"
    VOOR = "voor"
    OP = "op"
    NIET_VOOR = "niet voor"
    BINNEN = "binnen"
    TEN_MINSTE_VOOR = "ten minste voor"
    VAN_TOT_EN_MET = "van tot en met"
    VAN_TOT = "van tot"
    PERIODE = "periode"           # `de periode van A tot en met B duurt ten hoogste N`: B is the event


# Row markers in a decision's result: a row index, or one of these.
ROW_UNKNOWN, ROW_NONE, ROW_OVERLAP, ROW_NVT = -1, -2, -3, -4
ROW_STATUS = {ROW_UNKNOWN: Status.ONBEKEND, ROW_NONE: Status.GEEN_UITKOMST, ROW_OVERLAP: Status.MEERDERE,
              ROW_NVT: Status.NVT}

@attrs.frozen(slots=True, eq=False)
class Field:
    """A gegeven: its name, type, label (the description the document gives) and place."""

    name: str
    type: Type
    label: str | None
    span: Span
    index: int
    judged_by: str | None = None        # `oordeel van "..."`: who assesses it; None for a fact
    judgement_note: str | None = None   # its `toelichting`: on what the assessment rests

    @property
    def description(self) -> str:
        return self.label or self.name.replace("_", " ")

    @property
    def is_judgement(self) -> bool:
        """Whether the value is an assessment someone makes, not a fact of the case."""
        return self.judged_by is not None


@attrs.frozen(slots=True, eq=False)
class Gate:
    """A `van toepassing als` condition, evaluated once per case and shared by every rule it
    governs (a group's gate governs the group and each of its eisen)."""

    name: str           # the rule that declares it
    condition: Expr
    span: Span


@attrs.frozen(slots=True, eq=False)
class Exception_:
    """`tenzij …` / `met uitzondering van …`: when the condition holds the eis is lifted."""

    words: str
    condition: Expr
    span: Span
    version: int | None = None   # of a versioned eis: its version's index (its test is the first part of `condition`)


@attrs.frozen(slots=True, eq=False)
class Row:
    index: int
    condition: Expr | None    # None for `anders`
    outcome: Expr
    source: str | None
    span: Span
    quotes: tuple[str, ...] = ()        # the row's own `citaat`s: sentences of the document, as written
    quote_spans: tuple[Span, ...] = ()  # where each of them stands in the policy text
    version: int | None = None          # of a versioned beslissing: the index of its version in `versions`
    rank: int | None = None             # under voorrang: the place of its outcome in the declared order (0 first)
    agree: int | None = None            # under om het even: rows with the same `agree` give the same outcomes


@attrs.frozen(slots=True, eq=False, kw_only=True)
class RuleBase:
    name: str
    title: str | None
    source: str | None        # the rule's own bron, else its group's, else the policy's
    note: str | None
    gates: tuple[Gate, ...]   # all must be ja for the rule to apply
    deps: frozenset[str]      # the rules it uses
    inputs: frozenset[str]    # the gegevens it reads, through its gates and the rules it uses too
    span: Span
    index: int                # its place in evaluation order
    quotes: tuple[str, ...] = ()        # its own `citaat`s (not its group's): the sentences it encodes
    quote_spans: tuple[Span, ...] = ()  # where each of them stands in the policy text
    bound: Party | None = None          # the party it binds: its own `voor de ...`, else its group's
    versions: tuple[Version, ...] = ()  # its validity: one Version per declaration, in time order; () always in force

    @property
    def display(self) -> str:
        return self.title or self.name.replace("_", " ")

    def version_on(self, day: date | None) -> Version | None:
        """The version in force on a calculation date (None: none is, or the rule has no versions)."""
        if day is None:
            return None
        return next((v for v in self.versions if v.holds_on(day)), None)


@attrs.frozen(slots=True, eq=False, kw_only=True)
class Calculation(RuleBase):
    """A berekening; or, with `power` set ("mag", "behoudt zich het recht voor"), a bevoegdheid:
    a ja/nee that says whether the party (`bound`, the verzekeraar unless written otherwise) may
    act in this case. Every back end computes both alike; only views tell them apart."""

    expr: Expr
    type: Type
    kind: RuleKind = RuleKind.CALCULATION
    power: str | None = None


@attrs.frozen(slots=True, eq=False, kw_only=True)
class Requirement(RuleBase):
    condition: Expr
    exceptions: tuple[Exception_, ...]
    group: str | None
    type: Type
    kind: RuleKind = RuleKind.REQUIREMENT
    strength: Strength = Strength.HARD


@attrs.frozen(slots=True, eq=False, kw_only=True)
class Group(RuleBase):
    members: tuple[str, ...]      # its hard eisen: the group holds when all of them do
    type: Type
    kind: RuleKind = RuleKind.GROUP
    advice: tuple[str, ...] = ()  # its soft eisen (`verwacht`): reported, never deciding the group


@attrs.frozen(slots=True, eq=False, kw_only=True)
class Decision(RuleBase):
    """A beslissing: its hit policy, its rows and an optional `anders`. A table written with
    several named outcomes (`dan soort = ..., duur = ...`) is one Decision per outcome, each with
    the table's conditions and hit policy and its own outcome and type: `table` is the name the
    table is written under and `outputs` the names of all its outcomes, in the order written (for
    a beslissing with one outcome: None and ())."""

    hit_policy: HitPolicy
    rows: tuple[Row, ...]
    otherwise: Row | None
    type: Type
    kind: RuleKind = RuleKind.DECISION
    table: str | None = None
    outputs: tuple[str, ...] = ()
    priority: tuple[Any, ...] = ()          # under voorrang: the outcome values, most important first
    priority_output: str | None = None      # of a table with several outcomes: the one `priority` orders
    partial: bool = False                   # `bewust onvolledig`: a case no row applies to is no finding
    partial_note: str | None = None         # why, as the policy says it

    @property
    def in_order(self) -> tuple[Row, ...]:
        """The rows (not `anders`) in the order the hit policy looks at them: by the rank of their
        outcome under voorrang (then as written), else as written."""
        if self.hit_policy.by_priority:
            return tuple(sorted(self.rows, key=lambda r: (r.rank if r.rank is not None else len(self.priority), r.index)))
        return self.rows

    @property
    def all_rows(self) -> tuple[Row, ...]:
        return (*self.rows, self.otherwise) if self.otherwise is not None else self.rows

    @property
    def lead(self) -> str:
        """The output a table is checked and analysed under: its first output (the other outputs
        share its rows and hit policy, so a finding about the rows would repeat once per output);
        a beslissing with one outcome is its own lead."""
        return self.outputs[0] if self.table is not None else self.name


@attrs.frozen(slots=True, eq=False, kw_only=True)
class Timeline(RuleBase):
    """A termijn: the event (a gegeven with a date or time) must fall on or after `start` (when
    set) and no later than `end` (before it when `strict`; exactly on it when `exact`).
    `base` is the moment a `binnen`/`ten minste voor` duration counts from; `words` how it is
    written."""

    subject: Expr
    words: TimelineKind
    start: Expr | None
    end: Expr | None
    base: Expr | None
    strict: bool
    exact: bool
    type: Type
    kind: RuleKind = RuleKind.TIMELINE
    period: PeriodLength | None = None   # a termijn written as the length of a period: that length (for views)

    @property
    def bounds(self) -> tuple[Expr, ...]:
        return tuple(e for e in (self.start, self.end) if e is not None)


Rule = Union[Calculation, Requirement, Group, Decision, Timeline]  # noqa: UP007


def is_verdict(rule: Rule) -> bool:
    """Whether a rule's status is a verdict on the case, counted by `evalueer --streng`: not a
    berekening (nor a bevoegdheid, which is one), not a soft eis (advice)."""
    if isinstance(rule, Calculation):
        return False
    return not (isinstance(rule, Requirement) and rule.strength is Strength.SOFT)


def is_power(rule: Rule) -> bool:
    """Whether a rule is a bevoegdheid (what a party may do), not an ordinary berekening."""
    return isinstance(rule, Calculation) and rule.power is not None


def is_advice(rule: Rule) -> bool:
    """Whether a rule is a soft eis (`verwacht`, `streeft naar`)."""
    return isinstance(rule, Requirement) and rule.strength is Strength.SOFT


def own_expressions(rule: Rule) -> tuple[Expr, ...]:
    """The expressions a rule's own outcome comes from, as written: an eis's condition and
    exceptions, a beslissing's row conditions, a berekening's expression, a termijn's event and
    bounds; a groep has none (its eisen are rules of their own). Not the gates, nor a beslissing's
    outcome values."""
    match rule:
        case Requirement():
            return (rule.condition, *(e.condition for e in rule.exceptions))
        case Decision():
            return tuple(row.condition for row in rule.rows if row.condition is not None)
        case Calculation():
            return (rule.expr,)
        case Timeline():
            return (rule.subject, *rule.bounds)
        case Group():
            return ()
        case _:
            assert_never(rule)


@attrs.frozen(slots=True, eq=False, kw_only=True)
class Assumption:
    """An `aanname`: what the document takes for granted of every case, a ja/nee `condition` over the
    gegevens (it names no rule). Its meaning, decided here: a complete case for which the condition
    is nee is outside what the policy is written for. The consistency checks consider only cases
    for which every assumption holds; evaluating a case for which one is nee still gives every
    rule's outcome, and the outcome names the assumption as violated (`Outcome.violations`);
    an unknown condition (a gegeven missing) violates nothing."""

    name: str
    title: str
    condition: Expr
    source: str | None        # its own bron, else the policy's
    note: str | None
    span: Span
    quotes: tuple[str, ...] = ()
    quote_spans: tuple[Span, ...] = ()

    @property
    def inputs(self) -> frozenset[str]:
        return self.condition.inputs


@attrs.frozen(slots=True, eq=False, kw_only=True)
class KnownFinding:
    """A `bekende bevinding`: a finding of the consistency check that the document itself makes (a
    gap it leaves, an overlap it writes), recorded with its source. `kind` is the finding's key
    (gat, overlap, ...), `rules` the rules it is about (a table by its first outcome), `region` the
    cases it is narrowed to (`waar ...`; None: every case). A finding of that kind about exactly
    those rules whose cases all lie in the region is the document's own (`Finding.known`); a record
    that no finding matches is itself reported (it no longer holds)."""

    kind: str
    rules: tuple[str, ...]
    region: Expr | None
    source: str | None
    note: str | None
    span: Span
    rule_spans: tuple[Span, ...] = ()
    quotes: tuple[str, ...] = ()
    quote_spans: tuple[Span, ...] = ()


@attrs.frozen(slots=True, eq=False)
class Expectation:
    """`naam = waarde` or `naam = <status>` in a voorbeeld."""

    name: str
    status: Status | None
    value: Any
    text: str
    span: Span


@attrs.frozen(slots=True, eq=False)
class Example:
    """A voorbeeld: the givens as typed runtime values, the peildatum, and what is expected."""

    title: str
    givens: dict[str, Any]
    peil: date | None
    expectations: tuple[Expectation, ...]
    source: str | None
    span: Span


@attrs.frozen(slots=True, eq=False, kw_only=True)
class Policy:
    """A whole policy in the core model (see the module docstring)."""

    title: str
    insurer: str | None
    care_type: str | None
    valid_from: date | None
    valid_until: date | None
    source: str | None
    note: str | None
    filename: str
    text: str = attrs.field(repr=False)
    fields: dict[str, Field]
    rules: dict[str, Rule]
    gates: tuple[Gate, ...]
    examples: tuple[Example, ...]
    assumptions: tuple[Assumption, ...] = ()
    known_findings: tuple[KnownFinding, ...] = ()
    network: Any = None   # dsl.core.network.Network: its netwerkeisen and voorkeuren, over a table (None: none)

    def rule(self, name: str) -> Rule:
        return self.rules[name]

    def of_kind(self, kind: RuleKind) -> list[Rule]:
        return [r for r in self.rules.values() if r.kind is kind]

    def source_order(self) -> list[Rule]:
        """The rules in the order of the policy text (evaluation order puts used rules first)."""
        return sorted(self.rules.values(), key=lambda r: (r.span.line, r.span.column))

    def field_type(self, name: str) -> Type:
        return self.fields[name].type

    def judgements(self) -> list[Field]:
        """The gegevens that are assessments (`oordeel van`), in declaration order."""
        return [f for f in self.fields.values() if f.is_judgement]
