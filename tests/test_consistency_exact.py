"""Calendar months, working days, lists and every hit policy, exact in the solver (issue 15, item 6).

Each construct gets a policy with a planted gap the solver now proves (its witness confirmed by the
compiled policy) and one without a gap the solver proves gap-free (checked exactly, no fall-back to
the search). The solver's month and working-day shifts are compared with the compiled policy's
on many dates: the encoded term is evaluated with the date filled in (and its guards and facts with
it), and on a sample of those dates z3 is asked for the shift of the fixed date as well. The
unknowns analysis under the hit policies beyond eerste treffer and uniek is compared with the
compiled policy by brute force."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
import z3

from dsl.analysis import Budget, calendar_smt, check_policy
from dsl.analysis.smt import Domain, Encoder
from dsl.policy import compile_text, load_policy
from dsl.runtime.calendar import add_working_days, is_working_day
from tests.test_consistency_unknowns import brute_force_unknowns

SMALL = Budget(max_examples=20, seconds=600)
# a gap on the calendar lies in many places (every month, every week with a holiday); its first
# regions say enough, and each costs solver calls over the calendar's tables
FEW_REGIONS = Budget(max_examples=20, seconds=600, max_regions=1)


def _exact(report, rule: str) -> bool:
    """Checked by the solver, with no fall-back to the search."""
    return (any(c.rule == rule and c.method == "exact" for c in report.checked)
            and not any(f.rule == rule for f in report.fallbacks)
            and not any(s.rule == rule for s in report.searches))


def _gaps(report, rule: str) -> list:
    return [f for f in report.of_kind("gat") if f.rule == rule]


# ---------------------------------------------------------------- the shifts against the runtime
SHIFTS = '''beleid "verschuivingen"
gegevens
  start  : datum
  moment : tijdstip
  aantal_wd : duur in werkdagen
berekening m1 = 1 maand na start
berekening m6 = 6 maanden na start
berekening m3_terug = 3 maanden voor start
berekening j1 = 1 jaar na start
berekening m_genest = 3 maanden voor 2 jaar na start
berekening w1 = 1 werkdag na start
berekening w10 = 10 werkdagen na start
berekening w5_terug = 5 werkdagen voor start
berekening w_gegeven = aantal_wd na start
berekening t_maand = 1 maand na moment
berekening t_werkdagen = 2 werkdagen na moment
'''


def _special_dates() -> list[date]:
    """Month ends, leap days, the days around Easter, Koningsdag and Christmas, and the edges of the
    years whose holidays the runtime knows (1966..2100) and of the solver's Domain (1900..2199)."""
    out = [date(1900, 1, 1), date(1900, 2, 28), date(1965, 12, 31), date(1966, 1, 1), date(2100, 12, 31),
           date(2101, 1, 1), date(2199, 12, 31), date(2000, 2, 29), date(2100, 2, 28), date(2024, 2, 29)]
    for year in (2023, 2024, 2025):
        for month in range(1, 13):
            first = date(year, month, 1)
            out += [first, first - timedelta(days=1), first + timedelta(days=27), first + timedelta(days=29)]
        out += [date(year, 4, 26) + timedelta(days=k) for k in range(-3, 3)]
        out += [date(year, 12, 23) + timedelta(days=k) for k in range(12)]
    out += [date(2024, 3, 27) + timedelta(days=k) for k in range(8)]   # Goede Vrijdag .. Tweede Paasdag
    rng = random.Random(15)
    out += [date.fromordinal(rng.randint(date(1900, 1, 1).toordinal(), date(2199, 12, 31).toordinal()))
            for _ in range(60)]
    out += [date.fromordinal(rng.randint(date(1966, 1, 1).toordinal(), date(2100, 12, 31).toordinal()))
            for _ in range(60)]
    return out


def _solver_value(solver, enc, rule: str, fixed: dict):
    """The value z3 gives a rule when the gegevens are fixed (None: the rule has no value there:
    its guards, the cases where the runtime gives onbekend, cannot hold)."""
    enc.guards = []
    term = enc.rule_value(rule)
    solver.push()
    solver.add(*enc.guards, *[enc.var(n) == enc.const(v, enc.model.fields[n].type) for n, v in fixed.items()])
    answer = solver.check()
    value = None
    if answer == z3.sat:
        number = solver.model().eval(term, model_completion=True).as_long()
        value = number
    solver.pop()
    assert answer != z3.unknown
    return value


def _evaluated_value(enc, rule: str, fixed: dict):
    """The value of the rule's encoded term with the gegevens filled in, read without a solver call
    (z3 evaluates the term under a model that fixes them: 1-1.5 ms a date where a check took 12-15 ms;
    `z3.simplify` after `z3.substitute` walked the whole calendar table, 16-33 ms). None where a guard
    that is not a fact is false: the runtime gives onbekend there. The facts the encoding hands out
    (`calendar_smt.is_fact`) must hold at every date, and every guard and the value must come out
    as a constant (the term depends on the fixed gegevens alone)."""
    enc.guards = []
    term = enc.rule_value(rule)
    model = z3.Model()
    for n, v in fixed.items():
        model.update_value(enc.var(n), enc.const(v, enc.model.fields[n].type))
    known = True
    for guard in enc.guards:
        holds = model.eval(guard, model_completion=True)
        assert z3.is_true(holds) or z3.is_false(holds), (rule, fixed, guard)
        if calendar_smt.is_fact(guard):
            assert z3.is_true(holds), (rule, fixed, "fact", guard)
        known = known and z3.is_true(holds)
    value = model.eval(term, model_completion=True)
    assert z3.is_int_value(value), (rule, fixed)
    return value.as_long() if known else None


# every how many-th date the solver is asked too (the rest are evaluated): keeps the solver's own
# path tested for every rule, months and working days, at an eighth of the cost
SOLVER_EVERY = 8


def _ordinal(value) -> int | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.toordinal() * 86400 + value.hour * 3600 + value.minute * 60 + value.second
    return value.toordinal()


@pytest.mark.parametrize("rule", ["m1", "m6", "m3_terug", "j1", "m_genest", "w1", "w10", "w5_terug"])
def test_the_solver_shifts_a_date_as_the_compiled_policy_does(rule):
    policy = compile_text(SHIFTS, "verschuivingen.beleid")
    enc = Encoder(policy.model)
    solver = z3.Solver()
    solver.add(*enc.constraints())
    for k, day in enumerate(_special_dates()):
        expected = _ordinal(policy.evaluate({"start": day})[rule].value)
        assert _evaluated_value(enc, rule, {"start": day}) == expected, (rule, day)
        if k % SOLVER_EVERY == 0:
            assert _solver_value(solver, enc, rule, {"start": day}) == expected, (rule, day)


def test_a_working_day_count_from_the_case_and_date_times_shift_as_the_compiled_policy_does():
    policy = compile_text(SHIFTS, "verschuivingen.beleid")
    enc = Encoder(policy.model)
    solver = z3.Solver()
    solver.add(*enc.constraints())
    rng = random.Random(6)
    for k, day in enumerate(_special_dates()[::6]):
        by_solver = k % 4 == 0   # a quarter of the dates by the solver too (see SOLVER_EVERY)
        count = rng.choice([0, 1, 3, 10, 25, 400])
        case = {"start": day, "aantal_wd": count}
        expected = _ordinal(policy.evaluate({"start": day, "aantal_wd": f"{count} werkdagen"})["w_gegeven"].value)
        assert _evaluated_value(enc, "w_gegeven", case) == expected, (day, count)
        if by_solver:
            assert _solver_value(solver, enc, "w_gegeven", case) == expected, (day, count)
        moment = datetime.combine(day, datetime.min.time()) + timedelta(hours=rng.randint(0, 23), minutes=7)
        result = policy.evaluate({"moment": moment})
        seconds = _ordinal(moment)
        for rule in ("t_maand", "t_werkdagen"):
            expected = _ordinal(result[rule].value)
            assert _evaluated_value(enc, rule, {"moment": seconds}) == expected, (rule, moment)
            if by_solver:
                assert _solver_value(solver, enc, rule, {"moment": seconds}) == expected, (rule, moment)


# ---------------------------------------------------------------- calendar months
MONTHS = '''beleid "maanden"
gegevens
  opname  : datum
  ontslag : datum
beslissing verblijf "Verblijf" (eerste treffer)
  als ontslag is uiterlijk 6 maanden na opname dan "kort"
  als ontslag is later dan 184 dagen na opname dan "lang"
'''


def test_a_gap_between_six_months_and_184_days_is_proved():
    policy = compile_text(MONTHS, "maanden.beleid")
    report = check_policy(policy, budget=FEW_REGIONS)
    assert _exact(report, "verblijf")
    (gap,) = _gaps(report, "verblijf")
    assert gap.method == "exact" and gap.confirmed
    for case, _ in gap.boxes:
        opname, ontslag = (date.fromisoformat(str(case[n])) for n in ("opname", "ontslag"))
        # between the day six months on and 184 days on: six months are 181 to 184 days
        assert 181 < (ontslag - opname).days <= 184
        assert policy.evaluate(case)["verblijf"].status == "geen uitkomst"
    # a relation with a calendar shift is written as the policy writes the shift, not as the table of
    # every day it stands for (3,441 characters of nested If, and 2.5 s to print each time)
    assert {r.relation_text for _, regions in gap.boxes for r in regions if r.relation_text} == {
        "ontslag > 184 dagen na opname", "ontslag ≤ 6 maanden na opname"}


def test_six_months_then_later_than_six_months_has_no_gap_and_is_proved():
    text = MONTHS.replace("later dan 184 dagen na opname", "later dan 6 maanden na opname")
    report = check_policy(compile_text(text, "maanden.beleid"), budget=SMALL)
    assert _exact(report, "verblijf") and not _gaps(report, "verblijf")


def test_a_termijn_of_months_that_another_contradicts_is_proved():
    text = '''beleid "termijnen"
gegevens
  opname  : datum
  ontslag : datum
termijn t_duur "Ten hoogste zes maanden"
  ontslag uiterlijk zes maanden na opname
termijn t_lang "Ten minste 185 dagen"
  ontslag niet eerder dan 185 dagen na opname
'''
    report = check_policy(compile_text(text, "t.beleid"), budget=SMALL)
    assert not report.fallbacks
    (order,) = report.of_kind("volgorde_onmogelijk")
    assert order.method == "exact" and order.confirmed


# ---------------------------------------------------------------- working days
WORKING = '''beleid "werkdagen"
gegevens
  aanvraag : datum
  besluit  : datum
beslissing tijdig "Tijdig" (eerste treffer)
  als besluit is uiterlijk 10 werkdagen na aanvraag dan "op tijd"
  als besluit is later dan 16 dagen na aanvraag dan "te laat"
'''


def test_a_gap_between_ten_working_days_and_sixteen_days_is_proved_around_holidays():
    policy = compile_text(WORKING, "werkdagen.beleid")
    report = check_policy(policy, budget=FEW_REGIONS)
    assert _exact(report, "tijdig")
    (gap,) = _gaps(report, "tijdig")
    assert gap.method == "exact" and gap.confirmed
    case = gap.case
    aanvraag, besluit = (date.fromisoformat(str(case[n])) for n in ("aanvraag", "besluit"))
    # a gap: later than the tenth working day, not later than 16 days
    assert besluit > add_working_days(aanvraag, 10) and (besluit - aanvraag).days <= 16
    # from a working day, ten working days are 14 calendar days without a holiday: more is a week with
    # a holiday in it. (From a Saturday they are 13 days, so a besluit 14 days after a Saturday is in
    # the gap without a holiday: which witness z3 gives depends on what the process built before, and
    # the unchanged test failed with it after `-k "m1 or ten_working_days_and_sixteen"`.)
    if is_working_day(aanvraag):
        assert 14 < (besluit - aanvraag).days <= 16


def test_ten_working_days_then_later_than_ten_working_days_has_no_gap_and_is_proved():
    text = WORKING.replace("later dan 16 dagen na aanvraag", "later dan 10 werkdagen na aanvraag")
    report = check_policy(compile_text(text, "werkdagen.beleid"), budget=SMALL)
    assert _exact(report, "tijdig") and not _gaps(report, "tijdig")


def test_working_days_outside_the_known_calendar_are_onbekend_not_a_gap():
    """Before 1966 the runtime knows no holidays: `10 werkdagen na aanvraag` is onbekend there, so
    no row is false and there is no gap, even for aanvragen in 1950."""
    text = WORKING.replace("later dan 16 dagen na aanvraag", "later dan 10 werkdagen na aanvraag")
    policy = compile_text(text, "werkdagen.beleid")
    assert policy.evaluate({"aanvraag": date(1950, 3, 1), "besluit": date(1950, 3, 2)})["tijdig"].status == "onbekend"
    report = check_policy(policy, budget=SMALL, domain=Domain(first_year=1900, last_year=1965))
    assert _exact(report, "tijdig") and not _gaps(report, "tijdig")


# ---------------------------------------------------------------- lists
LISTS = '''beleid "lijsten"
gegevens
  fte : lijst van getal "fte per specialist"
beslissing bezetting "Bezetting" (eerste treffer)
  als aantal van fte is kleiner dan 2 dan "te weinig specialisten"
  als som van fte is ten minste 1,3 en elk van fte is ten minste 0,3 dan "voldoende"
  als minimum van fte is kleiner dan 0,3 dan "een specialist te klein"
'''


def test_a_gap_in_a_table_over_a_list_is_proved():
    """Two or more specialists with 1,3 FTE or more together fall under row 2 or 3; less than
    1,3 FTE together with every specialist at 0,3 or more falls under none."""
    policy = compile_text(LISTS, "lijsten.beleid")
    report = check_policy(policy, budget=SMALL)
    assert _exact(report, "bezetting")
    (gap,) = _gaps(report, "bezetting")
    assert gap.method == "exact" and gap.confirmed
    fte = [Decimal(str(v).replace(",", ".")) for v in gap.case["fte"]]
    assert len(fte) >= 2 and sum(fte) < Decimal("1.3") and min(fte) >= Decimal("0.3")


def test_a_table_over_a_list_without_a_gap_is_proved():
    text = LISTS + "  als som van fte is kleiner dan 1,3 dan \"te weinig fte\"\n"
    policy = compile_text(text, "lijsten.beleid")
    report = check_policy(policy, budget=SMALL)
    assert _exact(report, "bezetting") and not _gaps(report, "bezetting")
    # the proof is about lists of at most Domain.max_list elements, and the encoder says so
    enc = Encoder(policy.model)
    enc.constraints()
    assert enc.assumptions() == ["De solver rekent met lijsten van ten hoogste 10 elementen (fte); wat hij over "
                                 "die lijsten bewijst, geldt voor langere lijsten niet vanzelf."]


def test_filtered_counts_averages_and_written_lists_are_exact():
    text = '''beleid "lijsten"
gegevens
  fte : lijst van getal
  a   : getal
  b   : getal
eisen g "G"
  eis tweetal "Twee van ten minste 0,3"
    vereist aantal van fte dat ten minste 0,3 is is ten minste 2
  eis gemiddeld "Gemiddeld ten minste 0,5"
    van toepassing als voldoet aan tweetal
    vereist gemiddelde van fte is ten minste 0,3
  eis grootste "De grootste van a en b"
    vereist maximum van [a; b] is ten minste a
'''
    policy = compile_text(text, "lijsten.beleid")
    report = check_policy(policy, budget=SMALL)
    assert not report.fallbacks
    # two elements of 0,3 or more make the average 0,3 or more only if the others do not pull it down
    assert not [f for f in report.findings if f.rule == "gemiddeld"]
    (always,) = [f for f in report.findings if f.rule == "grootste"]
    assert always.kind == "eis_altijd" and always.method == "exact"


# ---------------------------------------------------------------- shipped policies
def test_the_shipped_msz_policy_checks_its_fte_lists_and_its_month_termijn_exactly():
    report = check_policy(load_policy("policies/msz_2023.beleid"), budget=SMALL)
    assert not report.fallbacks and not report.searches
    for rule in ("twee_specialisten", "fte_gezamenlijk", "fte_individueel", "twee_specialisten_van_03",
                 "uitsluitsel_binnen_maand"):
        assert _exact(report, rule), rule


# ---------------------------------------------------------------- unknowns under every hit policy
POLICIES = '''beleid "trefferbeleid"
gegevens
  a : ja/nee
  b : ja/nee
  soort : keuze uit "instelling", "zzp"
  omzet : bedrag
beslissing klasse "Klasse" (om het even)
  als a dan "groot"
  als b dan "groot"
  als soort is "zzp" dan "klein"
beslissing toets "Toets" (voorrang "volledig", "beperkt", "geen")
  als soort is "zzp" dan "beperkt"
  als a dan "volledig"
  anders "geen"
beslissing toeslag "Toeslag" (som)
  als a dan € 2,50
  als soort is "zzp" dan omzet
  anders € 0
beslissing aantal_toeslagen "Aantal" (aantal)
  als a dan "a"
  als b dan "b"
beslissing kleinste "Kleinste" (minimum)
  als a dan omzet
  als b dan € 10
beslissing redenen "Redenen" (alle)
  als a dan "a"
  als soort is "zzp" dan "zzp"
beslissing gebruikt "Gebruikt" (eerste treffer)
  als toeslag is groter dan € 2 dan "ja"
  anders "nee"
'''
VALUES = {"a": [True, False], "b": [True, False], "soort": ["instelling", "zzp"],
          "omzet": [Decimal(0), Decimal(1), Decimal(100)]}


def test_the_unknowns_under_every_hit_policy_are_those_the_compiled_policy_shows():
    policy = compile_text(POLICIES, "t.beleid")
    report = check_policy(policy, budget=SMALL)
    listed = {u.rule: set(u.inputs) for u in report.unknowns}
    for rule in ("klasse", "toets", "toeslag", "aantal_toeslagen", "kleinste", "redenen", "gebruikt"):
        assert listed.get(rule, set()) == brute_force_unknowns(policy, rule, VALUES), rule
    # under om het even two rows that hold and disagree give meerdere regels, not onbekend: a missing
    # a with b ja and a zzp is meerdere regels whatever a is
    assert policy.evaluate({"b": True, "soort": "zzp"})["klasse"].status == "meerdere regels"
    # a collecting table is onbekend as soon as one row is: a missing a always does it
    assert "a" in listed["aantal_toeslagen"] and "a" in listed["redenen"]


def test_a_row_that_an_unknown_blocks_under_voorrang_is_reported():
    """Under voorrang the rows are looked at by the rank of their outcome: row 2 ("volledig") goes
    first, so a missing a leaves it open while row 1 (a zzp) would decide: the toets is onbekend."""
    policy = compile_text(POLICIES, "t.beleid")
    report = check_policy(policy, budget=SMALL)
    (blocked,) = [f for f in report.of_kind("onbekend_blokkeert") if f.rule == "toets"]
    assert blocked.message.startswith("Rij 2 van beslissing 'toets' is onbekend als a ontbreekt")
    assert blocked.confirmed
    assert policy.evaluate(blocked.case)["toets"].status == "onbekend"
    assert policy.evaluate({**blocked.case, "a": False})["toets"].value == "beperkt"
