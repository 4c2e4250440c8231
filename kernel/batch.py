"""One evaluated table, ready for the batch view: outcomes, summary, filters, pages, chart data.

Contract: `TableEvaluation.build(policy, table)` evaluates every row of a `CaseTable`
(`kernel.casussen`) once with `dsl.batch.evaluate_table` and keeps the result frame and its
`dsl.batch.files.Summary`. Everything the view asks afterwards is a query on that frame, never
a new evaluation: counts per status per kind of rule (statuses in `STATUS_ORDER`); the choices a
filter offers for one rule (its statuses and, for a decision, its outcomes, each with its count);
the row numbers a filter keeps; a page of rows as display values; a decision's outcome counts
in the order its rows are written; and, for the numeric gegevens a decision's rows compare with
a written value (`thresholds`, read from the core model's `Compare` and `Between` nodes, never
from text), a histogram of their values and exact counts below, at and above each threshold.
`find(key)` and `outcome_of(row)` give the traced per-case `Outcome` of one row
(`dsl.batch.outcome_of_row`), for the dashboard of that case. Rows are numbered from 1, in the
order of the file.
"""

from __future__ import annotations

import math
from collections import Counter
from decimal import Decimal
from typing import Any

import attrs
import polars as pl

from dsl.batch import evaluate_table, outcome_of_row
from dsl.batch.columnar import EXTRA_COLUMNS, rule_outputs
from dsl.batch.columns import typed_inputs
from dsl.batch.files import Summary
from dsl.core import model as M
from dsl.core.expr import Between, Compare, Const, Input, constant_value, walk
from dsl.runtime.formatting import format_value
from kernel.casussen import CaseTable

ROW = "__rij"                 # the 1-based row number the view adds to the result frame
ALL = "(alle)"                # the filter "every row" (no rule has this name)
REFUSED = "(geweigerd)"       # the filter "rows that could not be read"
NUMERIC = ("bedrag", "percentage", "getal", "aantal")
KIND_ORDER = (M.RuleKind.GROUP, M.RuleKind.REQUIREMENT, M.RuleKind.DECISION, M.RuleKind.TIMELINE,
              M.RuleKind.CALCULATION)
_FAILED = (M.Status.NIET_VOLDAAN.value, M.Status.NIET_GEHAALD.value)
_OPEN = (M.Status.ONBEKEND.value, M.Status.VERSTREKEN_ZONDER_DATUM.value)   # to be looked into, not known to fail


@attrs.frozen
class Choice:
    """One choice of the status filter: `what` is "status" or "waarde" (a decision's outcome)."""

    what: str
    value: Any
    label: str
    count: int


@attrs.frozen
class Threshold:
    """A written value a decision compares a gegeven with, and how many rows lie on each side."""

    value: Decimal
    text: str
    below: int
    at: int
    above: int


@attrs.frozen
class Category:
    """What a decision came to: an outcome ("waarde") or another status, with its count."""

    what: str
    value: Any
    label: str
    count: int


@attrs.frozen
class Histogram:
    """A gegeven's values in bins, per bin the rows per category of the decision."""

    name: str
    type: Any                          # the gegeven's dsl.types.Type
    edges: tuple[float, ...]           # bin edges, one more than bins (for drawing only)
    stacks: tuple[tuple[int, ...], ...]   # per category, the rows in each bin
    categories: tuple[Category, ...]
    thresholds: tuple[Threshold, ...]
    known: int                         # evaluated rows with a value
    unknown: int                       # evaluated rows without one
    above: int = 0                     # values above the last edge (counted in the last bin)


@attrs.frozen(eq=False)
class TableEvaluation:
    policy: Any                                   # a dsl.policy.CompiledPolicy
    table: CaseTable
    results: pl.DataFrame = attrs.field(repr=False)   # evaluate_table's frame plus ROW, __niet, __onbekend
    summary: Summary = attrs.field(repr=False)
    keys: tuple[str, ...] = ()                    # the columns that identify a row (an id, an AGB code)
    _cache: dict = attrs.field(factory=dict, repr=False)

    @classmethod
    def build(cls, policy, table: CaseTable) -> TableEvaluation:
        """Evaluate every row of `table` once (see the module contract)."""
        model: M.Policy = policy.model
        results = evaluate_table(policy, table.frame, decimal_point=table.decimal_point)
        summary = Summary()
        summary.add(model, results, 0)
        produced = {name for name, _, _ in rule_outputs(model)} | set(EXTRA_COLUMNS)
        keys = tuple(c for c in results.columns if c not in produced)
        checked = [n for n, r in model.rules.items() if r.kind in (M.RuleKind.REQUIREMENT, M.RuleKind.TIMELINE)]
        results = results.with_columns(
            pl.int_range(1, results.height + 1, dtype=pl.Int64).alias(ROW),
            _count_of(checked, _FAILED).alias("__niet"),
            _count_of(checked, _OPEN).alias("__onbekend"))
        return cls(policy, table, results, summary, keys)

    @property
    def model(self) -> M.Policy:
        return self.policy.model

    @property
    def rows(self) -> int:
        return self.results.height

    @property
    def refused(self) -> int:
        return self.summary.refused_rows

    # ------------------------------------------------------------ summary
    def kind_counts(self) -> list[tuple[M.RuleKind, Counter]]:
        """Per kind of rule (groups, requirements, decisions, ...) the count of each status."""
        per_kind: dict[M.RuleKind, Counter] = {}
        for name, tally in self.summary.counts.items():
            per_kind.setdefault(self.model.rules[name].kind, Counter()).update(tally)
        return [(kind, per_kind[kind]) for kind in KIND_ORDER if kind in per_kind]

    def statuses_shown(self) -> list[M.Status]:
        """The statuses that occur anywhere, in `STATUS_ORDER`."""
        seen = {status for _, tally in self.kind_counts() for status, n in tally.items() if n}
        return [status for status in M.STATUS_ORDER if status in seen]

    def most_failed(self, n: int = 5) -> list[tuple[str, int]]:
        return self.summary.failed.most_common(n)

    # ------------------------------------------------------------ filters
    def choices(self, rule: str | None) -> list[Choice]:
        """What the status filter offers for `rule`: for a decision each outcome first (in the
        order its rows are written), then each status the rule has (in `STATUS_ORDER`), with
        how many rows have it."""
        if rule in (None, ALL, REFUSED):
            return []
        out = []
        if self.model.rules[rule].kind is M.RuleKind.DECISION:
            out += [Choice("waarde", value, f"uitkomst: {self.policy.format(rule, value)}", n)
                    for value, n in self.outcome_counts(rule)]
        tally = self.summary.counts.get(rule, Counter())
        return out + [Choice("status", status.value, status.value, tally[status])
                      for status in M.STATUS_ORDER if tally[status]]

    def select(self, rule: str | None, choice: Choice | None) -> pl.Series:
        """The row numbers a filter keeps, in file order."""
        frame = self.results
        if rule == REFUSED:
            frame = frame.filter(pl.col("geweigerd").is_not_null())
        elif rule not in (None, ALL) and choice is not None:
            column = pl.col(rule) if choice.what == "status" else pl.col(f"{rule}.waarde")
            frame = frame.filter(column == choice.value)
        return frame.get_column(ROW)

    def page(self, numbers: pl.Series) -> list[dict[str, Any]]:
        """The rows with these numbers as dicts of their columns (the view formats them)."""
        return self.results.filter(pl.col(ROW).is_in(numbers.implode())).to_dicts()

    # ------------------------------------------------------------ decisions
    def decisions(self) -> list[M.Decision]:
        return [r for r in self.model.rules.values() if isinstance(r, M.Decision)]

    def outcome_counts(self, name: str) -> list[tuple[Any, int]]:
        """A decision's outcomes with their counts: first in the order its rows are written,
        then any other value by count."""
        counts = self.summary.outcomes.get(name)
        if counts is None:
            column = self.results.get_column(f"{name}.waarde").drop_nulls() \
                if f"{name}.waarde" in self.results.columns else pl.Series([])
            # a list-valued decision (`(alle)`, `(alle, in regelvolgorde)`) gives lists: counted as tuples,
            # as the per-case path gives them
            counts = Counter({tuple(v) if isinstance(v, list) else v: n for v, n in column.value_counts().iter_rows()}) \
                if column.len() else Counter()
        rule = self.model.rules[name]
        order = [constant_value(row.outcome) for row in getattr(rule, "all_rows", ())]
        written = [v for v in dict.fromkeys(order) if v is not None and counts.get(v)]
        rest = [v for v, _ in counts.most_common() if v not in written]
        return [(v, counts[v]) for v in (*written, *rest)]

    def categories(self, name: str) -> list[Category]:
        """What a decision came to over the evaluated rows: each outcome (`outcome_counts`),
        then each other status (no outcome, unknown, ...) in `STATUS_ORDER`."""
        tally = self.summary.counts.get(name, Counter())
        out = [Category("waarde", v, self.policy.format(name, v), n) for v, n in self.outcome_counts(name)]
        out += [Category("status", s.value, s.value, tally[s]) for s in M.STATUS_ORDER
                if s is not M.Status.BEPAALD and tally[s]]
        return out

    def histograms(self, decision: M.Decision, bins: int = 24) -> list[Histogram]:
        """A histogram per numeric gegeven the decision's rows compare with written values, each
        bin split by what the decision came to (`categories`)."""
        out = []
        for name, consts in thresholds(decision).items():
            key = ("histogram", decision.name, name, bins)
            if key not in self._cache:
                self._cache[key] = self._histogram(decision.name, name, consts, bins)
            out.append(self._cache[key])
        return out

    def _histogram(self, decision: str, name: str, consts: tuple[Const, ...], bins: int) -> Histogram:
        field = self.model.fields[name]
        evaluated = self.results.get_column("geweigerd").is_null()
        values = pl.DataFrame({"v": self.input_values(name), "ok": evaluated}) \
            .select(pl.when(pl.col("ok")).then(pl.col("v"))).to_series()  # refused rows have no outcome
        known = values.drop_nulls()
        marks = tuple(_threshold(known, const, field.type) for const in consts)
        categories = tuple(self.categories(decision))
        edges, index, above = _bins(values, [float(m.value) for m in marks], bins, field.type.kind == "aantal")
        stacks = self._stacks(decision, categories, index, len(edges) - 1)
        return Histogram(name, field.type, edges, stacks, categories, marks,
                         known.len(), int(evaluated.sum()) - known.len(), above)

    def _stacks(self, decision: str, categories: tuple[Category, ...], index: pl.Series,
                bins: int) -> tuple[tuple[int, ...], ...]:
        """Per category of the decision, how many rows fall in each bin."""
        which = pl.lit(None, dtype=pl.Int32)
        for i, category in reversed(list(enumerate(categories))):
            which = pl.when(_is(decision, category)).then(pl.lit(i, dtype=pl.Int32)).otherwise(which)
        stacks = [[0] * bins for _ in categories]
        for c, b, n in self.results.select(which.alias("c"), index.alias("b")).drop_nulls() \
                .group_by("c", "b").len().iter_rows():
            stacks[c][b] = n
        return tuple(map(tuple, stacks))

    def input_values(self, name: str) -> pl.Series:
        """A gegeven's typed values per row (exact decimals; null where unknown or refused)."""
        key = ("input", name)
        if key not in self._cache:
            frame = self.table.frame
            given = frame.select(name) if name in frame.columns else pl.DataFrame(height=frame.height)
            inputs, _ = typed_inputs(self.model, given, None, self.table.decimal_point)
            self._cache[key] = inputs.get_column(name)
        return self._cache[key]

    # ------------------------------------------------------------ one row
    def find(self, key: str) -> tuple[int, int]:
        """(row number, rows with this key): the first row whose key column equals `key`, else
        row number `key`. LookupError in Dutch when there is none."""
        key = key.strip()
        for column in self.keys:
            hits = _hits(self.results.get_column(column), key)
            if hits:
                return hits[0], len(hits)
        if key.isdigit() and 1 <= int(key) <= self.rows:
            return int(key), 1
        where = f" in {', '.join(self.keys)}" if self.keys else ""
        raise LookupError(f"geen rij met sleutel '{key}'{where}, en geen rijnummer van 1 tot en met "
                          f"{format_value(self.rows, 'aantal')}")

    def outcome_of(self, row: int):
        """The traced per-case `Outcome` of row `row`; `dsl.errors.CaseError` when the row was
        refused (the reason is in its message)."""
        if "indexed" not in self._cache:
            self._cache["indexed"] = self.table.frame.with_row_index(ROW, offset=1)
        return outcome_of_row(self.policy, self._cache["indexed"], str(row), column=ROW,
                              decimal_point=self.table.decimal_point)


def thresholds(decision: M.Decision) -> dict[str, tuple[Const, ...]]:
    """Per numeric gegeven, the written values the decision's rows compare it with, in the
    order they are written (each value once). Read from the core model: a `Compare` with an
    `Input` on one side and a `Const` on the other, or a `Between` of an `Input` and two `Const`s."""
    found: dict[str, dict[Any, Const]] = {}
    for row in decision.rows:
        if row.condition is None:
            continue
        for node in walk(row.condition):
            for field, const in _compared(node):
                if field.type.kind in NUMERIC and const.value is not None:
                    found.setdefault(field.name, {}).setdefault(const.value, const)
    return {name: tuple(consts.values()) for name, consts in found.items()}


def _hits(column: pl.Series, key: str) -> list[int]:
    """The row numbers whose value in `column` reads as `key`."""
    try:
        found = pl.arg_where(column.cast(pl.String) == key, eager=True)
    except pl.exceptions.PolarsError:  # a column of mixed values (JSON Lines) holds Python objects
        return [i + 1 for i, v in enumerate(column.to_list()) if v is not None and str(v) == key]
    return [i + 1 for i in found.to_list()]


def _threshold(known: pl.Series, const: Const, t) -> Threshold:
    """A written value and the exact count of known values below, at and above it."""
    value = Decimal(const.value)
    sides = known.alias("v").to_frame().select(
        (pl.col("v") < value).sum().alias("below"), (pl.col("v") == value).sum().alias("at"),
        (pl.col("v") > value).sum().alias("above")).row(0)
    return Threshold(value, const.text or _format(value, t), *sides)


def _compared(node) -> list[tuple[Input, Const]]:
    match node:
        case Compare(left=Input() as field, right=Const() as const) | \
                Compare(left=Const() as const, right=Input() as field):
            return [(field, const)]
        case Between(operand=Input() as field):
            return [(field, c) for c in (node.low, node.high) if isinstance(c, Const)]
    return []


def _count_of(names: list[str], statuses: tuple[str, ...]) -> pl.Expr:
    """Per row, how many of the rules `names` have one of `statuses`."""
    if not names:
        return pl.lit(0, dtype=pl.Int32)
    return pl.sum_horizontal([pl.col(n).cast(pl.String).is_in(statuses).fill_null(False).cast(pl.Int32)
                              for n in names])


def _bins(values: pl.Series, marks: list[float], bins: int, whole: bool) -> tuple[tuple[float, ...], pl.Series, int]:
    """Equal bins from the lowest value to the 98th percentile (the thresholds always inside),
    each row's bin (null without a value; a value above the range counts in the last bin) and
    how many values lie above the range. Floats, for drawing only: the counts on either side of
    a threshold are exact (see `Threshold`). Whole numbers get whole-number bins."""
    floats = values.cast(pl.Float64).alias("v")
    known = floats.drop_nulls()
    if not known.len() and not marks:
        return (), pl.Series("b", [None] * values.len(), dtype=pl.Int64), 0
    seen: tuple[Any, ...] = known.to_frame().select(pl.col("v").min(), pl.col("v").quantile(0.98, "higher")
                                                    .alias("q")).row(0) if known.len() else ()
    low = float(min([*seen[:1], *marks]))
    high = float(max([*seen[1:], *marks]))
    if marks and max(marks) >= high:
        high = max(marks) + (max(marks) - low) * 0.1
    if high <= low:
        low, high = low - 1, high + 1
    width = (high - low) / bins
    if whole:
        low, high = float(int(low)), float(int(high)) + 1
        width = float(max(1, math.ceil((high - low) / bins)))
    if marks and marks[0] > low:  # the first threshold on a bin edge, so no bar straddles it
        if whole:
            low = marks[0] - math.ceil((marks[0] - low) / width - 1e-9) * width
        else:
            width = (marks[0] - low) / max(1, round((marks[0] - low) / width))
    bins = max(1, math.ceil((high - low) / width - 1e-9))
    index = ((floats - low) / width).floor().cast(pl.Int64).clip(0, bins - 1)
    above = int((known >= high).sum()) if known.len() else 0
    return tuple(low + i * width for i in range(bins + 1)), index, above


def _is(decision: str, category: Category) -> pl.Expr:
    """Whether a row's decision came to `category`."""
    status = pl.col(decision).cast(pl.String)
    if category.what == "status":
        return status == category.value
    return (status == M.Status.BEPAALD.value) & (pl.col(f"{decision}.waarde") == category.value)


def _format(value: Decimal, t) -> str:
    from dsl.policy import format_typed

    return format_typed(int(value) if t.kind == "aantal" else value, t)
