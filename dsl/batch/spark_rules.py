"""The Spark back end: the primitives of `dsl.batch.columnar` as Spark SQL expression text.

Contract: `SparkPlan(policy).stages` are lists of (column, `Sql`), each reading only the columns
of the stages before it (`dsl.batch.spark` regroups them by level of dependency, one `selectExpr`
per level), and `SparkPlan.working_days` the working-day shifts that must be joined in first (see
`dsl.batch.spark`). A gegeven is read from its typed column `SparkPlan.field_column(name)`.
Why text: a PySpark Column is built in the JVM one py4j round trip at a time (about 60,000 for
a policy such as elv_grz_2023, seconds before Spark runs anything); the same expressions as text
cost one round trip per output column, and Spark parses them into the same expression trees
(`F.when` is `CASE WHEN`, `F.timestamp_add` is `timestampadd`, ...). Nothing a user wrote is
pasted into a query: `Sql` is built only from identifiers the plan makes itself (`__s0`,
`__v3`: names that cannot be quoted wrongly), numbers, and literals whose text is made here by
construction (a string with a quote, backslash, backtick, `$` or control character is written
as the hex of its UTF-8 bytes, so neither quoting nor Spark's `${...}` substitution can reach it).
Spark specifics handled here:
  - decimals are `DECIMAL(38, scale)`; the session runs with
    `spark.sql.decimalOperations.allowPrecisionLoss=false`, so a product keeps the sum of its
    operands' scales instead of being rounded (an overflow is an error, never a silent rounding);
  - moments: dates are `DATE`, date-times `TIMESTAMP_NTZ` (no time zone, as in a case);
    calendar months use `add_months` / `timestampadd(MONTH, ...)`, which clamp to the end of a
    short month like the per-case calendar (checked at month ends in tests/test_spark.py);
  - `afgerond op ...`: `round` (half away from zero), `bround` (half to even), `floor` and `ceil`
    with a scale, all exact on decimals;
  - working days: Spark has no working-day function, so each shift by working days becomes a
    join with the per-case calendar as a table (`dsl.batch.spark.calendar_tables`); its base and
    amount may read gegevens, not other rules.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from functools import reduce
from typing import Any

from pyspark.sql.types import (
    ArrayType,
    BooleanType,
    DataType,
    DateType,
    DecimalType,
    LongType,
    StringType,
    StructField,
    StructType,
    TimestampNTZType,
)

from dsl.batch.columnar import SCALES, ColumnarPlan, Unsupported
from dsl.core import expr as E
from dsl.types import Type

PRECISION = 38
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_UNSAFE = set("'\"\\`$")


def spark_type(t: Type) -> DataType:
    """The Spark type of the values of a gegeven or literal of type `t`."""
    if t.kind in SCALES:
        return DecimalType(PRECISION, SCALES[t.kind])
    if t.kind == "lijst":
        assert t.element is not None
        return ArrayType(spark_type(t.element))
    if t.kind == "per jaar":   # the (jaar, waarde) pairs a case gives, as in dsl.batch.columns
        assert t.element is not None
        return ArrayType(StructType([StructField("jaar", LongType()), StructField("waarde", spark_type(t.element))]))
    if t.kind == "per periode":   # the (dag, waarde) pairs, as in dsl.batch.columns
        assert t.element is not None
        return ArrayType(StructType([StructField("dag", DateType()), StructField("waarde", spark_type(t.element))]))
    return {"aantal": LongType(), "duur": LongType(), "ja/nee": BooleanType(), "datum": DateType(),
            "tijdstip": TimestampNTZType()}.get(t.kind, StringType())


# How tightly an expression binds, as Spark's SQL grammar reads it (higher: tighter). A side of an
# operator is written in parentheses only where the grammar needs them: Spark's parser decides at
# every "(" whether a subquery, a row, a lambda or an expression follows, looking ahead to its
# end, so parentheses around every operation made parsing a plan costly (see `Sql`).
OR, AND, NOT, PREDICATE, COMPARISON, SUM, PRODUCT, SIGN, ATOM = range(1, 10)
_LEVEL = {"OR": OR, "AND": AND, "=": COMPARISON, "!=": COMPARISON, "<": COMPARISON, "<=": COMPARISON,
          ">": COMPARISON, ">=": COMPARISON, "+": SUM, "-": SUM, "*": PRODUCT, "/": PRODUCT}


class Sql:
    """A Spark SQL expression, as text, with the operators of a PySpark Column (`&`, `|`, `~`,
    comparisons, arithmetic) so that `dsl.batch.columnar` can combine it as any column.

    `level` is how tightly the text binds (`ATOM` for a name, literal, call, CAST or CASE). An
    operator puts a side in parentheses only when the grammar would otherwise read another tree:
    a side that binds less tightly, the right side of an operator of its own level (`a - (b - c)`;
    `(a - b) - c` is written `a - b - c`), either side of a comparison that is a comparison or
    looser, and a chain of AND or OR (Spark's parser makes an unbracketed chain a balanced tree;
    the same outcomes, but another tree than the one the plan made). So Spark builds the same
    expression trees as from fully parenthesised text (tests/test_spark.py compares them). Text
    put next to anything else than an operator here is written with `atom()`.
    Measured, the expressions of a policy parsed by Spark for the first time in a new JVM (as
    `evaluate_spark` does): elv_grz_2023 6.6 -> 3.5 s, ggz_2020 1.3 -> 0.5 s, wijkverpleging_2024
    1.8 -> 0.7 s (11,781 -> 9,325 parentheses in all shipped policies)."""

    __slots__ = ("text", "level")
    __hash__ = None   # type: ignore[assignment]   # == builds an expression, as on a Column

    def __init__(self, text: str, level: int = ATOM):
        self.text = text
        self.level = level

    def __repr__(self) -> str:
        return f"Sql({self.text!r})"

    def __bool__(self) -> bool:
        raise TypeError("een Spark-expressie heeft geen waarheidswaarde in Python")

    def atom(self) -> str:
        """The text, in parentheses unless it is atomic: safe next to any operator."""
        return self.text if self.level == ATOM else f"({self.text})"

    def side(self, level: int, right: bool = False) -> str:
        """The text as an operand of an operator of `level` (left side unless `right`)."""
        if self.level > level or (self.level == level and not right and level not in (OR, AND, COMPARISON, PREDICATE)):
            return self.text
        return f"({self.text})"

    def _op(self, op: str, other: Any) -> Sql:
        level = _LEVEL[op]
        return Sql(f"{self.side(level)} {op} {operand(other).side(level, True)}", level)

    def _rop(self, op: str, other: Any) -> Sql:
        level = _LEVEL[op]
        return Sql(f"{operand(other).side(level)} {op} {self.side(level, True)}", level)

    def __and__(self, other: Any) -> Sql:
        return self._op("AND", other)

    def __rand__(self, other: Any) -> Sql:
        return self._rop("AND", other)

    def __or__(self, other: Any) -> Sql:
        return self._op("OR", other)

    def __ror__(self, other: Any) -> Sql:
        return self._rop("OR", other)

    def __invert__(self) -> Sql:
        return Sql(f"NOT {self.side(NOT, True)}", NOT)

    def __neg__(self) -> Sql:
        return Sql(f"- {self.side(SIGN, True)}", SIGN)

    def predicate(self, text: str) -> Sql:
        """`<self> IS NULL`, `<self> IN (...)`, ...: a predicate applies to a whole value
        expression (comparisons included), and is itself looser than a comparison."""
        return Sql(f"{self.side(PREDICATE)} {text}", PREDICATE)

    def __eq__(self, other: Any) -> Sql:  # type: ignore[override]
        return self._op("=", other)

    def __ne__(self, other: Any) -> Sql:  # type: ignore[override]
        return self._op("!=", other)

    def __lt__(self, other: Any) -> Sql:
        return self._op("<", other)

    def __le__(self, other: Any) -> Sql:
        return self._op("<=", other)

    def __gt__(self, other: Any) -> Sql:
        return self._op(">", other)

    def __ge__(self, other: Any) -> Sql:
        return self._op(">=", other)

    def __add__(self, other: Any) -> Sql:
        return self._op("+", other)

    def __radd__(self, other: Any) -> Sql:
        return self._rop("+", other)

    def __sub__(self, other: Any) -> Sql:
        return self._op("-", other)

    def __rsub__(self, other: Any) -> Sql:
        return self._rop("-", other)

    def __mul__(self, other: Any) -> Sql:
        return self._op("*", other)

    def __rmul__(self, other: Any) -> Sql:
        return self._rop("*", other)

    def __truediv__(self, other: Any) -> Sql:
        return self._op("/", other)

    def cast(self, type_name: str | DataType) -> Sql:
        name = type_name.simpleString() if isinstance(type_name, DataType) else type_name
        return Sql(f"CAST({self.text} AS {name})")

    def try_cast(self, type_name: str | DataType) -> Sql:
        """`TRY_CAST`: null where the value does not fit (Spark 4 runs in ANSI mode, where `CAST`
        of a user's 10^40 into a decimal(38,4) stops the whole query)."""
        name = type_name.simpleString() if isinstance(type_name, DataType) else type_name
        return Sql(f"TRY_CAST({self.text} AS {name})")

    def alias(self, name: str) -> str:
        """The select item `<expression> AS <name>`."""
        return f"{self.text} AS {ident(name)}"


class InCalendar(Sql):
    """A moment that a guarded shift made: null, or inside years 1-9999 by construction (see
    `SparkPlan.in_calendar`)."""

    __slots__ = ()


def ident(name: str) -> str:
    """A column the plan named itself, quoted; a name from anywhere else is refused (it must
    reach Spark through the DataFrame API, never through text)."""
    if not _IDENT.fullmatch(name):
        raise ValueError(f"geen interne kolomnaam: {name!r}")
    return f"`{name}`"


def string(value: str) -> Sql:
    """A string literal whose text cannot end early or be substituted: plain when it holds no
    quote, backslash, backtick, `$` or control character, else the hex of its UTF-8 bytes."""
    if value.isprintable() and not _UNSAFE & set(value):
        return Sql(f"'{value}'")
    return Sql(f"CAST(X'{value.encode('utf-8').hex().upper()}' AS STRING)")


def operand(value: Any) -> Sql:
    """A Python number or truth value written in an expression (as a Column would wrap it)."""
    if isinstance(value, Sql):
        return value
    if isinstance(value, bool):
        return Sql("TRUE" if value else "FALSE")
    if isinstance(value, int):
        return Sql(str(value) if value >= 0 else f"({value})")
    raise TypeError(f"geen SQL-operand: {type(value).__name__}")


def typed_integer(value: int, suffix: str) -> Sql:
    """A whole number as a literal of its type (`Y` tinyint, `S` smallint, `L` bigint): `7Y` is the
    value `CAST(7 AS tinyint)` gives, without a cast for Spark to resolve, give a time zone and fold
    (a status or row code is in every branch of every rule: 600 casts in wijkverpleging_2024)."""
    return Sql(f"{value}{suffix}" if value >= 0 else f"({value}{suffix})")


def call(function: str, *arguments: Any) -> Sql:
    """`function(arguments...)`; `function` is always a name written in this module."""
    return Sql(f"{function}({', '.join(operand(a).text for a in arguments)})")


def case(branches: list[tuple[Sql, Any]], otherwise: Any = None) -> Sql:
    """`CASE WHEN ... THEN ... [ELSE ...] END` (no ELSE: null, as `F.when` without `otherwise`)."""
    whens = " ".join(f"WHEN {operand(c).text} THEN {operand(v).text}" for c, v in branches)
    tail = "" if otherwise is None else f" ELSE {operand(otherwise).text}"
    return Sql(f"CASE {whens}{tail} END")


def rlike(text: Sql, pattern: str) -> Sql:
    """`<text> RLIKE '<pattern>'`: whether the text matches the regular expression."""
    return text.predicate(f"RLIKE {string(pattern).text}")


def is_in(column: Sql, values) -> Sql:
    """`<column> IN ('a', 'b')` for the texts `values`."""
    return column.predicate(f"IN ({', '.join(string(v).text for v in values)})")


def not_null(column: Sql) -> Sql:
    return column.predicate("IS NOT NULL")


def is_null(column: Sql) -> Sql:
    return column.predicate("IS NULL")


def date_literal(value: date | datetime, t: Type) -> Sql:
    """As text: ISO, which Spark reads for any year (py4j cannot hand over a date in year 1)."""
    return string(value.isoformat()).cast(spark_type(t))


NULL = Sql("NULL")
_FIRST, _LAST = date(1, 1, 1), date(9999, 12, 31)


class SparkPlan(ColumnarPlan):
    def __init__(self, policy):
        self.working_days: list[tuple[str, Sql, Sql]] = []   # (column, base date, amount)
        self.fields = {name: f"__v{k}" for k, name in enumerate(policy.fields)}
        self._lambdas = 0
        self._period_days: dict[int, Sql] = {}   # the lambda variable of each `gedurende` being written
        super().__init__(policy)

    def field_column(self, name: str) -> str:
        """The internal column that holds gegeven `name`, typed."""
        return self.fields[name]

    def col(self, name: str) -> Sql:
        return Sql(ident(self.fields.get(name, name)))

    def named(self, expr: Sql, name: str) -> tuple[str, Sql]:
        """A stage entry: (column name, expression), for `DataFrame.selectExpr`."""
        return name, expr

    def lit(self, value: Any, t: Type, scale: int = 0) -> Sql:
        if value is None:
            return NULL.cast(spark_type(t))
        if t.kind in SCALES:
            return string(str(Decimal(value))).cast(DecimalType(PRECISION, scale))
        if isinstance(value, date):
            return date_literal(value, t)
        if isinstance(value, str):
            return string(value).cast(spark_type(t))
        if isinstance(value, (list, tuple)):
            assert t.element is not None
            return call("array", *[self.lit(v, t.element, scale) for v in value]).cast(spark_type(t))
        if isinstance(value, bool):
            return operand(value)
        if isinstance(value, int) and isinstance(spark_type(t), LongType):
            return typed_integer(value, "L")
        return operand(value).cast(spark_type(t))

    def code(self, value: int) -> Sql:
        return typed_integer(value, "Y")

    def wide_code(self, value: int) -> Sql:
        return typed_integer(value, "S")

    def null(self) -> Sql:
        return NULL

    def case(self, branches: list[tuple[Sql, Sql]], otherwise: Sql) -> Sql:
        return case(branches, otherwise) if branches else otherwise

    def is_null(self, expr: Sql) -> Sql:
        return expr.predicate("IS NULL")

    def fill_false(self, expr: Sql) -> Sql:
        return call("coalesce", expr, False)

    def count_true(self, exprs: list[Sql]) -> Sql:
        return reduce(lambda a, b: a + b, [case([(e, 1)], 0) for e in exprs])

    def least(self, exprs: list[Sql], smallest: bool) -> Sql:
        """`least`/`greatest` skip nulls (null only when all are), as the per-case path's minimum
        of the outcomes of the rows that hold."""
        return call("least" if smallest else "greatest", *exprs)

    def decimal(self, expr: Sql, scale: int) -> Sql:
        return expr.cast(DecimalType(PRECISION, scale))

    def round_decimal(self, expr: Sql, scale: int, places: int, mode: E.RoundMode) -> Sql:
        """Exact on a decimal (measured): `round` is half away from zero, `bround` half to even,
        `floor`/`ceil` with a scale toward -infinity/+infinity."""
        if mode is E.RoundMode.HALF_UP:
            return call("round", expr, places)
        if mode is E.RoundMode.HALF_EVEN:
            return call("bround", expr, places)
        return call("floor" if mode is E.RoundMode.DOWN else "ceil", expr, places)

    def to_date(self, expr: Sql) -> Sql:
        return call("to_date", expr)

    def at_midnight(self, expr: Sql) -> Sql:
        return expr.cast(TimestampNTZType())

    # Spark raises on a date past 9999 (ANSI mode): each shift is computed only where its result
    # stays in the calendar, and is null (onbekend, as per case) elsewhere. A date-time within a
    # day of the calendar's ends is null here too.
    def _fits(self, days: Sql, day: Sql, margin: int) -> Sql:
        first = call("datediff", date_literal(_FIRST, Type("datum")), day)
        last = call("datediff", date_literal(_LAST, Type("datum")), day)
        return (days >= first + margin) & (days <= last - margin)

    def add_days(self, base: Sql, days: Sql, t: Type) -> Sql:
        fits = self._fits(days, call("to_date", base), 0 if t.kind == "datum" else 1)
        shifted = call("date_add", base, days.cast("int")) if t.kind == "datum" else \
            call("timestampadd", Sql("DAY"), days, base)
        return InCalendar(case([(fits, shifted)]).text)   # a date-time: its day at most 9999-12-30

    def add_seconds(self, base: Sql, seconds: Sql) -> Sql:
        fits = self._fits(call("floor", seconds / 86400), call("to_date", base), 1)
        return case([(fits, call("timestampadd", Sql("SECOND"), seconds, base))])

    def add_months(self, base: Sql, months: Sql, t: Type) -> Sql:
        index = call("year", base) * 12 + call("month", base) - 1 + months
        fits = (index >= 12) & (index <= 9999 * 12 + 11)
        shifted = call("add_months", base, months.cast("int")) if t.kind == "datum" else \
            call("timestampadd", Sql("MONTH"), months, base)
        guarded = case([(fits, shifted)])
        return InCalendar(guarded.text, guarded.level) if t.kind == "datum" else guarded

    def in_calendar(self, moment: Sql, t: Type) -> Sql:
        """A moment a guarded shift made is inside the calendar already: testing it again would
        write its expression three times more (and nested shifts and comparisons multiply that)."""
        return moment if isinstance(moment, InCalendar) else super().in_calendar(moment, t)

    def moment_cmp(self, a: Sql, a_t: Type, b: Sql, b_t: Type) -> Sql:
        """As `ColumnarPlan.moment_cmp` (-1, 0, 1; null when either is null, and a date against a
        date-time on the same day undecidable), with each side written once: the sign of their
        difference in days, or in microseconds between two date-times (exact for years 1-9999)."""
        if a_t.kind == "tijdstip" and b_t.kind == "tijdstip":
            difference = call("timestampdiff", Sql("MICROSECOND"), b, a)
        else:
            difference = call("datediff", self.day(a, a_t), self.day(b, b_t))
        sign = call("signum", difference).cast("tinyint")
        if a_t.kind == "datum" and b_t.kind == "tijdstip":
            return call("nullif", sign, operand(0).cast("tinyint"))
        return sign

    def shift(self, node: E.Shift) -> Sql:
        if node.unit == "werkdagen" and any(isinstance(n, E.RuleRef) for n in (*E.walk(node.base),
                                                                              *E.walk(node.amount))):
            raise Unsupported("werkdagen vanaf de uitkomst van een andere regel worden in Spark niet berekend")
        return super().shift(node)

    def add_working_days(self, day: Sql, n: Sql) -> Sql:
        if self._period_days:   # its column would be computed outside the lambda that binds the day
            raise Unsupported("werkdagen binnen 'gedurende de periode van ...' worden in Spark niet berekend")
        column = f"__w{len(self.working_days)}"
        self.working_days.append((column, day, n))
        return self.col(column)

    def with_time_of(self, day: Sql, moment: Sql) -> Sql:
        return call("timestampadd", Sql("SECOND"), self.seconds_of_day(moment), day.cast(TimestampNTZType()))

    def days_between(self, a: Sql, b: Sql) -> Sql:
        return call("datediff", a, b).cast(LongType())

    def seconds_between(self, a: Sql, b: Sql) -> Sql:
        return call("timestampdiff", Sql("SECOND"), b, a)

    def weekday(self, moment: Sql) -> Sql:
        return call("weekday", moment) + 1   # Spark: Monday 0

    def list_of(self, items: list[Sql]) -> Sql:
        return call("array", *items)

    def year_of(self, day: Sql) -> Sql:
        return call("year", day).cast(LongType())

    def year_value(self, history: Sql, year: Sql) -> Sql:
        """`try_element_at(filter(history, e -> e.jaar = year), 1).waarde` (null for no such year)."""
        found = self._lambda("filter", history, lambda e: Sql(f"({e.atom()}.jaar = {year.side(COMPARISON, True)})"))
        return Sql(f"(try_element_at({found.text}, 1).waarde)")

    def constant_value(self, history: Sql) -> Sql:
        """`try_element_at(history, 1).waarde` when that is the only pair and starts at `EVERY_DAY`."""
        return case([(self._one_value(history), Sql(f"(try_element_at({history.text}, 1).waarde)"))])

    def _one_value(self, history: Sql) -> Sql:
        """Whether a value per periode is one value on every day (null for a null history)."""
        first = Sql(f"(try_element_at({history.text}, 1).dag)")
        return (call("size", history) == operand(1)) & (first == date_literal(E.EVERY_DAY, Type("datum")))

    # Spark's higher-order functions see the row's other columns, so a value per periode is computed
    # day by day in the cluster, exactly as `dsl.core.expr.value_on` and `test_days` say.
    def on_day(self, node: E.OnDay) -> Sql:
        """The value of a history on a day: of the last pair starting on or before it (histories are
        sorted by day); without a day, the value of a history that is one value on every day."""
        history = self.col(node.name)
        if isinstance(node.day, E.PeriodDay):
            period_day = self._period_days.get(id(node.day))
            if period_day is None:   # the bound of its `gedurende` is onbekend: only a constant history counts
                return self.constant_value(history)
            return self._value_on(history, period_day)   # (a day of the period is never null)
        day = self.expr(node.day)
        return case([(day.predicate("IS NULL"), self.constant_value(history))], self._value_on(history, day))

    def _value_on(self, history: Sql, day: Sql) -> Sql:
        started = self._lambda("filter", history, lambda e: Sql(f"({e.atom()}.dag <= {day.side(COMPARISON, True)})"))
        return Sql(f"(try_element_at({started.text}, -1).waarde)")

    def throughout(self, node: E.Throughout) -> Sql:
        """`gedurende de periode van A tot en met B: c`: c on day A and on every day in the period
        a history it reads changes (`concat` of A and the histories' days after A up to the last
        day), false when it is false on one of them, true when true on all, else null; with a bound
        onbekend, c when every history is constant; an empty period, null."""
        if not node.histories:   # the same on every day: the portable form is exact (and short)
            return super().throughout(node)
        start, end = self.expr(node.start), self.expr(node.end)
        last = end if node.end_counted else call("date_sub", end, operand(1))
        self._lambdas += 1
        day = Sql(f"__dag{self._lambdas}")
        self._period_days[id(node.day)] = day
        try:
            on_each_day = self.expr(node.condition)
        finally:
            del self._period_days[id(node.day)]
        any_day = self.expr(node.condition)   # (the period day unbound: constant histories only)
        histories = [self.col(name) for name in node.histories]
        changes = [self._lambda("filter", self._lambda("transform", h, lambda e: Sql(f"({e.atom()}.dag)")),
                                lambda d: (d > start) & (d <= last)) for h in histories]
        days = call("concat", call("array", start), *changes).text
        fails = Sql(f"exists({days}, {day.text} -> ({on_each_day.side(COMPARISON)} <=> false))")
        holds = Sql(f"forall({days}, {day.text} -> coalesce({on_each_day.text}, false))")
        constant = reduce(lambda a, b: a & b, [self.is_null(h) | self._one_value(h) for h in histories], operand(True))
        unknown_bound = self.is_null(start) | self.is_null(end)
        return case([(unknown_bound, case([(constant, any_day)], NULL)), (last < start, NULL),
                     (fails, operand(False)), (holds, operand(True))], NULL)

    def year_date(self, peil: Sql, month: int, day: int, offset: int) -> Sql:
        """`make_date(year(peil) + offset, month, day)`; null without a peildatum or past year 9999."""
        year = call("year", peil) + offset
        return case([((year >= 1) & (year <= 9999), call("make_date", year, operand(month), operand(day)))])

    def seconds_of_day(self, moment: Sql) -> Sql:
        return (call("hour", moment) * 3600 + call("minute", moment) * 60 + call("second", moment)).cast(LongType())

    def _lambda(self, function: str, values: Sql, body: Callable[[Sql], Sql]) -> Sql:
        """`function(values, e -> body(e))` with a variable name no other lambda uses."""
        self._lambdas += 1
        variable = f"__e{self._lambdas}"
        return Sql(f"{function}({values.text}, {variable} -> {body(Sql(variable)).text})")

    def list_test(self, values: Sql, test) -> Sql:
        return self._lambda("transform", values, test)

    def list_any(self, values: Sql) -> Sql:
        return self._lambda("exists", values, lambda e: call("coalesce", e, False))

    def list_filter(self, values: Sql, test) -> Sql:
        return self._lambda("filter", values, test)

    def list_aggregate(self, func: str, values: Sql) -> Sql:
        if func == "len":
            return call("size", values).cast(LongType())
        if func == "min":
            return call("array_min", values)
        if func == "max":
            return call("array_max", values)
        total = DecimalType(PRECISION, 8)
        self._lambdas += 1
        acc, x = f"__a{self._lambdas}", f"__e{self._lambdas}"
        return Sql(f"aggregate({values.text}, {operand(0).cast(total).text}, "
                   f"({acc}, {x}) -> {(Sql(acc) + Sql(x)).cast(total).text})")
