"""Hypothesis properties: exact arithmetic, boundary semantics, calendar arithmetic against an
independent computation, Kleene logic, and determinism of evaluation."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from dsl import types as T
from dsl.case.conversion import written
from dsl.policy import compile_text
from dsl.runtime.formatting import format_date, format_number

cents = st.integers(min_value=0, max_value=10**9).map(lambda c: Decimal(c) / 100)   # a case refuses < € 0
percents = st.integers(min_value=0, max_value=10_000).map(lambda c: Decimal(c) / 100)  # ... and > 100%


def pct(value: Decimal):
    """A percentage as a case takes it: between 0 and 1 with its sign (a bare 0.41 is ambiguous)."""
    return written(value, T.PERCENTAGE)

SUMS = compile_text('beleid "s" gegevens x : percentage y : percentage b : bedrag c : bedrag\n'
                    'berekening p = x + y\nberekening q = b + c\nberekening r = x van b\n', "sums.beleid")


def test_price_indexation_is_exact():
    assert SUMS.evaluate({"x": "6,37%", "y": "1,4%"})["p"].value == Decimal("7.77")


@given(percents, percents, cents, cents)
def test_decimal_arithmetic_is_exact(x, y, b, c):
    outcome = SUMS.evaluate({"x": pct(x), "y": pct(y), "b": b, "c": c})
    assert outcome["p"].value == x + y
    assert outcome["q"].value == b + c
    assert outcome["r"].value * 100 == x * b


OPS = {"ten minste": lambda v, t: v >= t, "groter dan": lambda v, t: v > t,
       "ten hoogste": lambda v, t: v <= t, "kleiner dan": lambda v, t: v < t}


def boundary_policy(kind: str, literal: str):
    rules = "\n".join(f'  eis e{i} "E{i}" vereist v is {op} {literal}' for i, op in enumerate(OPS))
    return compile_text(f'beleid "b" gegevens v : {kind}\neisen g "G"\n{rules}\n', "boundary.beleid")


def check_boundary(policy, t, epsilon):
    t_type = policy.model.fields["v"].type
    for value in (t - epsilon, t, t + epsilon):
        if isinstance(value, Decimal) and (value < 0 or (t_type.kind == "percentage" and value > 100)):
            continue   # outside what a case may hold
        outcome = policy.evaluate({"v": written(value, t_type)})
        for i, (op, oracle) in enumerate(OPS.items()):
            expected = "voldaan" if oracle(value, t) else "niet voldaan"
            assert outcome[f"e{i}"].status == expected, (op, value, t)


@settings(max_examples=25, deadline=None)
@given(st.integers(min_value=0, max_value=10**8).map(lambda c: Decimal(c) / 100))
def test_money_boundaries(t):
    literal = "€ " + format_number(t)
    check_boundary(boundary_policy("bedrag", literal), t, Decimal("0.01"))


@settings(max_examples=25, deadline=None)
@given(st.integers(min_value=0, max_value=10**6).map(lambda c: Decimal(c) / 1000))
def test_number_boundaries(t):
    check_boundary(boundary_policy("getal", format_number(t)), t, Decimal("0.001"))


@settings(max_examples=25, deadline=None)
@given(percents)
def test_percentage_boundaries(t):
    check_boundary(boundary_policy("percentage", format_number(t) + "%"), t, Decimal("0.01"))


@settings(max_examples=25, deadline=None)
@given(st.dates(min_value=date(1990, 1, 2), max_value=date(2090, 12, 30)))
def test_date_boundaries(t):
    check_boundary(boundary_policy("datum", format_date(t)), t, timedelta(days=1))


MONTHS = compile_text('beleid "m" gegevens s : datum e : datum n : aantal\n'
                      'eisen g "G" eis zeven_maanden "B" vereist e is uiterlijk 7 maanden na s\n'
                      '  eis een_jaar "J" vereist e is uiterlijk 1 jaar na s\n', "months.beleid")


def months_oracle(start: date, n: int) -> date:
    """Count months one by one; clamp to the month's last day (independent of dsl.runtime)."""
    year, month = start.year, start.month
    for _ in range(n):
        month += 1
        if month == 13:
            year, month = year + 1, 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2080, 12, 31)))
def test_calendar_months_against_an_independent_count(start):
    for rule, n in (("zeven_maanden", 7), ("een_jaar", 12)):
        deadline = months_oracle(start, n)
        assert MONTHS.evaluate({"s": start, "e": deadline})[rule].status == "voldaan"
        assert MONTHS.evaluate({"s": start, "e": deadline + timedelta(days=1)})[rule].status == "niet voldaan"


HOLIDAYS_2024 = {date(2024, 1, 1), date(2024, 3, 29), date(2024, 4, 1), date(2024, 4, 27), date(2024, 5, 5),
                 date(2024, 5, 9), date(2024, 5, 20), date(2024, 12, 25), date(2024, 12, 26)}
WORKDAYS = compile_text('beleid "w" gegevens s : datum e : datum\n'
                        'termijn t "T" e binnen 10 werkdagen na s\n', "workdays.beleid")


def workdays_oracle(start: date, n: int) -> date:
    day, left = start, n
    while left:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in HOLIDAYS_2024:
            left -= 1
    return day


@settings(max_examples=150, deadline=None)
@given(st.dates(min_value=date(2024, 1, 1), max_value=date(2024, 12, 10)))
def test_working_days_against_a_day_by_day_count(start):
    deadline = workdays_oracle(start, 10)
    assert WORKDAYS.evaluate({"s": start, "e": deadline})["t"].status == "gehaald"
    assert WORKDAYS.evaluate({"s": start, "e": deadline + timedelta(days=1)})["t"].status == "niet gehaald"


LOGIC = compile_text('beleid "l" gegevens a : ja/nee b : ja/nee\n'
                     'berekening en_ = a en b\nberekening of_ = a of b\nberekening niet_ = niet a\n', "l.beleid")
KLEENE_AND = {(True, True): True, (False, None): False, (None, False): False, (True, None): None,
              (None, True): None, (None, None): None}
tri = st.sampled_from([True, False, None])


@given(tri, tri)
def test_kleene_logic(a, b):
    outcome = LOGIC.evaluate({"a": a, "b": b})
    expected_and = False if False in (a, b) else (None if None in (a, b) else True)
    expected_or = True if True in (a, b) else (None if None in (a, b) else False)
    assert outcome["en_"].value is expected_and
    assert outcome["of_"].value is expected_or
    assert outcome["niet_"].value is (None if a is None else not a)


@settings(max_examples=60, deadline=None)
@given(st.fixed_dictionaries({}, optional={
    "omzet_2023": cents, "aandeel_onderaanneming": percents.map(pct), "soort_aanbieder":
    st.sampled_from(["instelling", "zzp", "eenmanszaak"]), "bestaande_zzp_overeenkomst": st.booleans(),
    "benchmarkscore": st.sampled_from(["beste", "overig"]), "uitgesloten_van_benchmark": st.booleans(),
    "aanvraag_compleet": st.dates(min_value=date(2023, 1, 1), max_value=date(2025, 1, 1)),
    "bericht_ophoging": st.dates(min_value=date(2023, 1, 1), max_value=date(2025, 1, 1)),
    "peildatum": st.dates(min_value=date(2023, 1, 1), max_value=date(2025, 1, 1))}))
def test_evaluation_is_deterministic_and_trace_agrees(wijkverpleging_policy, case):
    first = wijkverpleging_policy.evaluate(case)
    second = wijkverpleging_policy.evaluate(case)
    traced = wijkverpleging_policy.evaluate(case, trace=True)
    def raw(outcome):
        return outcome.statuses, outcome.values, outcome.details

    assert raw(first) == raw(second) == raw(traced)
