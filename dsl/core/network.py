"""Rules over a table of cases: network rules (`netwerkeis`) and rankings (`voorkeur`), decided once.

Contract: a `NetworkRule` is about the rows of a table (the providers of a region), never about
one case. Per row it has two ja/nee expressions of the core model, evaluated like any rule of the
policy (gegevens and the outcomes of per-case rules): `scope` (`onder de aanbieders waarvoor ...`,
ja when absent) and `condition`. The rows are grouped by the values of `group_by` (gegevens; no
grouping: the whole table is one group). Per row, with Kleene's unknown, the row is
  - `a`: surely in scope and meeting the condition;      - `b`: surely in scope and not meeting it;
  - `maybe_yes`: not `a`, but could be in scope and meet it (scope and condition not nee);
  - `maybe_no`: not `b`, but could be in scope and miss it (scope not nee, condition not ja).
A row whose group value is unknown could belong to any group: it counts in every group as a row
whose scope is unknown. `verdict(rule, Counts)` decides a group from these four counts, for every
back end alike:
  - `elke`: niet voldaan when some row surely misses, onbekend when some row may, else voldaan;
  - `ten minste N`: voldaan when `a >= N`, niet voldaan when even `a + maybe_yes < N`, else onbekend;
  - `ten hoogste N`: voldaan when even `a + maybe_yes <= N`, niet voldaan when `a > N`, else onbekend;
  - a share (`ten minste 80% van de aanbieders waarvoor ...`) of the rows in scope: the lowest
    share the unknowns allow is `a / (a + b + maybe_no)`, the highest `(a + maybe_yes) / (a + b +
    maybe_yes)`; the verdict holds when it holds for both, fails when it fails for both, else
    onbekend; with no row surely in scope it is onbekend (some might be) or niet van toepassing.
A `Ranking` orders the rows of each group that are surely in scope by its criteria, the first
first: `laagste x` (ascending), `hoogste x` (descending), `met c` (ja before nee). Rows with the
same values on every criterion share a rank and the next rank skips ("1, 2, 2, 4": competition
ranking), and are reported as a tie: a tie is never broken silently. A row with an unknown
criterion value gets no rank (it could stand anywhere); the others are ranked among themselves.
`row_policy(model)` is the policy with one hidden calculation per per-row expression (named
`ROW_PREFIX...`), so every per-case and columnar back end computes them with the policy's own
meaning; a back end then only groups, counts and sorts.
"""

from __future__ import annotations

import enum
from decimal import Decimal

import attrs

from dsl import types as T
from dsl.core import expr as E
from dsl.core import model as M
from dsl.span import Span

ROW_PREFIX = "~rij."   # hidden calculations of `row_policy`: never a name a policy can declare


class Quantifier(enum.StrEnum):
    EVERY = "elke"
    AT_LEAST = "ten minste"
    AT_MOST = "ten hoogste"


class Direction(enum.StrEnum):
    LOWEST = "laagste"
    HIGHEST = "hoogste"
    YES_FIRST = "met"


class _TableItem:
    """What a netwerkeis and a voorkeur share: how they are shown and the column of their scope."""

    __slots__ = ()
    name: str
    title: str

    @property
    def display(self) -> str:
        return self.title or self.name.replace("_", " ")

    @property
    def scope_column(self) -> str:
        return f"{ROW_PREFIX}{self.name}.bereik"


@attrs.frozen(slots=True, eq=False, kw_only=True)
class NetworkRule(_TableItem):
    """A `netwerkeis` (see the module contract)."""

    name: str
    title: str
    source: str | None
    note: str | None
    quotes: tuple[str, ...]
    quote_spans: tuple[Span, ...]
    bound: M.Party | None
    strength: M.Strength
    group_by: tuple[str, ...]
    noun: str
    scope: E.Expr | None
    condition: E.Expr
    quantifier: Quantifier
    count: int | None          # `ten minste 2 aanbieders`
    share: Decimal | None      # `ten minste 80% van de aanbieders`: the percentage (80)
    span: Span
    written: str = ""          # the quantifier and condition as written ("ten minste 1 aanbieder waarvoor ...")
    scope_written: str = ""    # `onder de aanbieders waarvoor ...` as written ("" without one)

    @property
    def condition_column(self) -> str:
        return f"{ROW_PREFIX}{self.name}.telt"

    def requirement_text(self) -> str:
        """The quantifier as a sentence part: "ten minste 1 aanbieder", "elke aanbieder"."""
        if self.quantifier is Quantifier.EVERY:
            return f"elke {self.noun}"
        if self.share is not None:
            return f"{self.quantifier.value} {format_share(self.share)} van de {self.noun}"
        return f"{self.quantifier.value} {self.count} {self.noun}"


@attrs.frozen(slots=True, eq=False, kw_only=True)
class Criterion:
    direction: Direction
    expr: E.Expr
    source: str | None
    quotes: tuple[str, ...]
    span: Span


@attrs.frozen(slots=True, eq=False, kw_only=True)
class Ranking(_TableItem):
    """A `voorkeur` (see the module contract)."""

    name: str
    title: str
    source: str | None
    note: str | None
    quotes: tuple[str, ...]
    quote_spans: tuple[Span, ...]
    group_by: tuple[str, ...]
    noun: str | None
    scope: E.Expr | None
    criteria: tuple[Criterion, ...]
    span: Span

    def criterion_column(self, i: int) -> str:
        return f"{ROW_PREFIX}{self.name}.{i + 1}"


@attrs.frozen(slots=True)
class Network:
    """The network rules and rankings of a policy, in the order of the text."""

    rules: tuple[NetworkRule, ...] = ()
    rankings: tuple[Ranking, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.rules or self.rankings)

    @property
    def names(self) -> tuple[str, ...]:
        return (*(r.name for r in self.rules), *(r.name for r in self.rankings))


def format_share(share: Decimal) -> str:
    text = format(share.normalize(), "f")
    return text.replace(".", ",") + "%"


@attrs.frozen(slots=True)
class Counts:
    """The rows of one group, counted as in the module contract."""

    a: int
    b: int
    maybe_yes: int
    maybe_no: int


def row_class(scope: bool | None, condition: bool | None) -> tuple[bool, bool, bool, bool]:
    """(a, b, maybe_yes, maybe_no) of one row from its Kleene scope and condition (the reference
    for the columnar computation)."""
    a = scope is True and condition is True
    b = scope is True and condition is False
    maybe_yes = not a and scope is not False and condition is not False
    maybe_no = not b and scope is not False and condition is not True
    return a, b, maybe_yes, maybe_no


def verdict(rule: NetworkRule, c: Counts) -> M.Status:
    """The status of a network rule in one group (see the module contract)."""
    if rule.quantifier is Quantifier.EVERY:
        if c.b:
            return M.Status.NIET_VOLDAAN
        return M.Status.ONBEKEND if c.maybe_no else M.Status.VOLDAAN
    if rule.share is None:
        assert rule.count is not None
        low, high = c.a, c.a + c.maybe_yes
        holds_low, holds_high = _holds(rule.quantifier, low, rule.count), _holds(rule.quantifier, high, rule.count)
    else:
        if c.a + c.b == 0:
            return M.Status.ONBEKEND if c.maybe_yes or c.maybe_no else M.Status.NVT
        # the share as a fraction of hundreds, compared exactly: a/n >= p/100  <=>  100 a >= p n
        low_n, low_d = c.a, c.a + c.b + c.maybe_no
        high_n, high_d = c.a + c.maybe_yes, c.a + c.b + c.maybe_yes
        holds_low = _holds(rule.quantifier, Decimal(100 * low_n), rule.share * low_d)
        holds_high = _holds(rule.quantifier, Decimal(100 * high_n), rule.share * high_d)
    if holds_low and holds_high:
        return M.Status.VOLDAAN
    if not holds_low and not holds_high:
        return M.Status.NIET_VOLDAAN
    return M.Status.ONBEKEND


def _holds(quantifier: Quantifier, value, bound) -> bool:
    return value >= bound if quantifier is Quantifier.AT_LEAST else value <= bound


def row_policy(model: M.Policy, network: Network) -> M.Policy:
    """`model` with one hidden ja/nee or value calculation per per-row expression of its network
    rules and rankings (see the module contract), after every rule they may use."""
    rules = dict(model.rules)
    exprs: list[tuple[str, E.Expr]] = []
    for rule in network.rules:
        if rule.scope is not None:
            exprs.append((rule.scope_column, rule.scope))
        exprs.append((rule.condition_column, rule.condition))
    for ranking in network.rankings:
        if ranking.scope is not None:
            exprs.append((ranking.scope_column, ranking.scope))
        exprs += [(ranking.criterion_column(i), c.expr) for i, c in enumerate(ranking.criteria)]
    for name, expression in exprs:
        deps = frozenset(_rule_refs(expression))
        rules[name] = M.Calculation(
            name=name, title=None, source=None, note=None, gates=(), deps=deps, inputs=expression.inputs,
            span=expression.span, index=len(rules), expr=expression, type=expression.type)
    return attrs.evolve(model, rules=rules)


def _rule_refs(node: E.Expr) -> set[str]:
    found: set[str] = set()
    stack: list[object] = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, E.RuleRef):
            found.add(item.name)
        if isinstance(item, tuple):
            stack.extend(item)
        elif attrs.has(type(item)):
            stack.extend(getattr(item, f.name) for f in attrs.fields(type(item))  # type: ignore[arg-type]
                         if f.name not in ("span", "type"))
    return found


def criterion_type_ok(t: T.Type, direction: Direction) -> bool:
    """Whether a criterion of type `t` can order rows in `direction`."""
    if direction is Direction.YES_FIRST:
        return t.kind == "ja/nee"
    return t.kind in ("bedrag", "percentage", "getal", "aantal", "datum", "tijdstip", "duur")


def case_lines(model: M.Policy) -> list[str]:
    """What `beleid evalueer --casus` says of the network rules and rankings: they are not about one case."""
    network = model.network
    if not network:
        return []
    named = ", ".join(f"{item.display} ({item.name})" for item in (*network.rules, *network.rankings))
    return ["Niet van toepassing op één casus (netwerkeisen en voorkeuren gaan over een tabel van casussen; "
            f"evalueer met --casussen TABEL): {named}."]
