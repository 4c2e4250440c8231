"""Recurring weekly windows (`x valt op maandag tot en met vrijdag van 08:30 tot 17:00 uur`)
through every stage: parser, checker, runtime (against an independent computation), explanation,
what-if, the exact and the searching consistency checks, boundary-aware strategies, highlighting."""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pygments.token import Keyword, Name

from dsl.analysis import Budget, check_policy, thresholds
from dsl.errors import BeleidError
from dsl.explain.whatif import suggestions_for
from dsl.parser import parse
from dsl.policy import compile_text
from dsl.runtime import values as rtv
from dsl.testing import cases
from kernel.lexer import BeleidLexer

LOKET = '''beleid "Bereikbaarheid"
gegevens
  telefoontje : tijdstip "moment van bellen"
  brief       : datum "dag van de brief"
eisen bereikbaarheid "Bereikbaarheid"
  eis kantoortijd "Bellen op maandag t/m vrijdag van 08.30 - 17.00 uur"
    vereist telefoontje valt op maandag tot en met vrijdag van 08:30 tot 17:00 uur
berekening weekend "Brief in het weekend" = brief valt op zaterdag tot en met zondag
berekening nacht "Over het weekend heen" = brief valt op vrijdag tot en met maandag
'''
POLICY = compile_text(LOKET, "loket.beleid")
SMALL = Budget(max_examples=300, seconds=20)


def status(case, name="kantoortijd"):
    return POLICY.evaluate(case)[name]


# ---------------------------------------------------------------- parser
def test_days_run_in_calendar_order_and_wrap_past_sunday():
    policy = parse(LOKET, "loket.beleid")
    kantoor, weekend, nacht = (policy.groups[0].requirements[0].condition, policy.calculations[0].expr,
                               policy.calculations[1].expr)
    assert (kantoor.days, kantoor.start, kantoor.end, kantoor.end_inclusive) == ((0, 1, 2, 3, 4), 30600, 61200, False)
    assert kantoor.words == "valt op maandag tot en met vrijdag van 08:30 tot 17:00 uur"
    assert weekend.days == (5, 6) and weekend.start is None
    assert nacht.days == (4, 5, 6, 0)


def test_an_impossible_clock_time_is_a_literal_error_at_its_place():
    with pytest.raises(BeleidError) as info:
        parse(LOKET.replace("van 08:30 tot 17:00", "van 08:30 tot 24:00"), "loket.beleid")
    text = str(info.value)
    assert "loket.beleid:7:74: fout: '24:00' is geen geldige tijd" in text
    assert text.rstrip().endswith("^^^^^")


def test_a_missing_weekday_names_what_was_expected():
    with pytest.raises(BeleidError) as info:
        parse(LOKET.replace("valt op maandag tot", "valt op 8 tot"), "loket.beleid")
    assert "een dag van de week (maandag ... zondag)" in str(info.value)


# ---------------------------------------------------------------- checker
@pytest.mark.parametrize("change, message", [
    (("telefoontje : tijdstip", "telefoontje : bedrag"),
     "'valt op' vraagt om een datum of tijdstip, maar dit is een bedrag"),
    (("brief valt op zaterdag tot en met zondag", "brief valt op zaterdag van 09:00 tot 12:00"),
     "een datum heeft geen kloktijd; de tijden vragen om een tijdstip"),
    (("van 08:30 tot 17:00", "van 17:00 tot 08:30"), "de begintijd ligt niet voor de eindtijd"),
])
def test_checker_refuses_wrong_operands_and_empty_windows(change, message):
    with pytest.raises(BeleidError) as info:
        compile_text(LOKET.replace(*change), "loket.beleid")
    assert message in str(info.value)


# ---------------------------------------------------------------- runtime
@settings(max_examples=400, deadline=None)
@given(moment=st.datetimes(datetime(1990, 1, 1), datetime(2060, 12, 31)),
       first=st.integers(0, 6), length=st.integers(1, 7),
       start=st.integers(0, 24 * 60 - 1), span=st.integers(1, 24 * 60), inclusive=st.booleans())
def test_weekly_agrees_with_an_independent_computation(moment, first, length, start, span, inclusive):
    moment = moment.replace(microsecond=0)
    days = {(first + i) % 7 for i in range(length)}
    end = min(start + span, 24 * 60 - 1)
    weekday = calendar.weekday(moment.year, moment.month, moment.day)
    minutes = moment.hour * 60 + moment.minute + moment.second / 60
    expected = weekday in days and start <= minutes and (minutes <= end if inclusive else minutes < end)
    mask = sum(1 << d for d in days)
    assert rtv.weekly(moment, mask, start * 60, end * 60, inclusive) is expected
    assert rtv.weekly(moment, mask, None, None, False) is (weekday in days)


def test_a_date_has_a_weekday_but_no_time_and_nothing_is_unknown():
    friday, saturday = date(2020, 6, 5), date(2020, 6, 6)
    assert rtv.weekly(saturday, 0b11111, 30600, 61200, False) is False
    assert rtv.weekly(friday, 0b11111, 30600, 61200, False) is None
    assert rtv.weekly(None, 0b11111, None, None, False) is None


@pytest.mark.parametrize("moment, expected", [
    ("2020-06-01T08:29", "niet voldaan"),   # Monday, a minute early
    ("2020-06-01T08:30", "voldaan"),
    ("2020-06-05T16:59", "voldaan"),        # Friday
    ("2020-06-05T17:00", "niet voldaan"),   # "tot": 17:00 itself is outside
    ("2020-06-06T10:00", "niet voldaan"),   # Saturday
    ("2020-04-27T10:00", "voldaan"),        # Koningsdag: the text names weekdays, not holidays
])
def test_requirement_on_a_real_week(moment, expected):
    assert status({"telefoontje": moment}).status == expected


def test_wrapping_days_and_a_missing_moment():
    assert status({"brief": "2020-06-08"}, "nacht").value is True      # a Monday
    assert status({"brief": "2020-06-09"}, "nacht").value is False     # a Tuesday
    result = status({})
    assert result.status == "onbekend" and "telefoontje" in POLICY.evaluate({}).case.missing


# ---------------------------------------------------------------- explanation and what-if
def test_sentences_say_the_weekday_and_which_part_fails():
    from dsl.explain import rule_step
    from dsl.explain.steps import Explainer

    def sentence(moment):
        return rule_step(Explainer(POLICY.evaluate({"telefoontje": moment}, trace=True)), "kantoortijd").sentence

    assert sentence("2020-06-07T10:00").startswith(
        "Voldoet niet: moment van bellen is 7 juni 2020 10:00 uur, een zondag; "
        "dat valt niet op maandag tot en met vrijdag")
    assert sentence("2020-06-05T17:00").startswith(
        "Voldoet niet: moment van bellen is 5 juni 2020 17:00 uur, een vrijdag; "
        "dat valt niet van 08:30 tot 17:00 uur")
    step = Explainer(POLICY.evaluate({"telefoontje": "2020-06-04T10:00"}, trace=True))
    condition = POLICY.model.rules["kantoortijd"].condition
    assert step.sentence(condition, True) == (
        "Klopt: moment van bellen is 4 juni 2020 10:00 uur, een donderdag; "
        "dat valt op maandag tot en met vrijdag van 08:30 tot 17:00 uur.")


@pytest.mark.parametrize("moment, proposed", [
    ("2020-06-05T17:00", "5 juni 2020 16:59 uur"),   # a minute earlier
    ("2020-06-07T10:00", "8 juni 2020 08:30 uur"),   # Sunday: Monday's opening is nearest
    ("2020-06-05T08:00", "5 juni 2020 08:30 uur"),
])
def test_what_if_finds_the_nearest_moment_inside(moment, proposed):
    found = [s for s in suggestions_for(POLICY.evaluate({"telefoontje": moment})) if s.rule == "kantoortijd"]
    assert found[0].proposed == proposed


# ---------------------------------------------------------------- consistency
ROSTER = '''beleid "Rooster"
gegevens
  melding : tijdstip
beslissing dienst "Dienst" (uniek)
  als melding valt op maandag tot en met vrijdag van 08:00 tot en met 12:00 dan "ochtend"
  als melding valt op maandag tot en met vrijdag van 12:00 tot 17:00 dan "middag"
  als melding valt op maandag tot en met vrijdag van 17:00 tot en met 23:59 dan "avond"
  als melding valt op zaterdag tot en met zondag dan "weekend"
'''


def _only(report, kind):
    found = report.of_kind(kind)
    assert len(found) == 1, [(f.kind, f.rule) for f in report.findings]
    return found[0]


def test_solver_and_search_find_the_single_overlapping_second():
    policy = compile_text(ROSTER, "rooster.beleid")
    exact = _only(check_policy(policy, budget=SMALL), "overlap")
    searched = _only(check_policy(policy, budget=SMALL, method="hypothesis"), "overlap")
    assert (exact.method, searched.method) == ("exact", "zoektocht")
    for finding in (exact, searched):
        moment = finding.case["melding"]
        assert finding.confirmed and moment.weekday() < 5 and moment.time().isoformat() == "12:00:00"


def test_solver_finds_the_gap_before_opening_and_proves_a_full_week_clean():
    policy = compile_text(ROSTER, "rooster.beleid")
    gap = _only(check_policy(policy, budget=SMALL), "gat")
    moment = gap.case["melding"]
    assert gap.method == "exact" and gap.confirmed and moment.weekday() < 5
    assert moment.time() < datetime(2000, 1, 1, 8).time() or moment.time() > datetime(2000, 1, 1, 23, 59).time()
    clean = compile_text('''beleid "Week"
gegevens
  melding : tijdstip
beslissing deel "Deel van de week" (uniek)
  als melding valt op maandag tot en met vrijdag dan "werkweek"
  als melding valt op zaterdag tot en met zondag dan "weekend"
''', "week.beleid")
    report = check_policy(clean, budget=SMALL)
    assert report.findings == () and not report.fallbacks


# ---------------------------------------------------------------- strategies and highlighting
def test_thresholds_are_the_window_edges_in_a_reference_week():
    found = {name: [t.value for t in ts] for name, ts in thresholds(POLICY.model).items()}
    monday = date(2024, 1, 1)   # no validity: the first week of 2024
    assert found["telefoontje"] == [datetime(2024, 1, 1, 8, 30), datetime(2024, 1, 1, 17),
                                    datetime(2024, 1, 5, 8, 30), datetime(2024, 1, 5, 17)]
    assert monday + timedelta(days=5) in found["brief"]


def test_generated_cases_hit_both_sides_of_each_edge():
    seen = set()

    @settings(max_examples=200, deadline=None, database=None)
    @given(cases(POLICY, fields=["telefoontje"]))
    def collect(case):
        seen.add(case["telefoontje"])

    collect()
    assert {datetime(2024, 1, 1, 8, 29), datetime(2024, 1, 1, 8, 30), datetime(2024, 1, 5, 16, 59),
            datetime(2024, 1, 5, 17)} <= seen


def test_pygments_colours_the_phrase_and_the_days():
    tokens = [(t, v) for t, v in BeleidLexer().get_tokens("melding valt op maandag tot en met vrijdag")
              if v.strip()]
    assert tokens[1] == (Keyword, "valt op")
    assert (Name.Constant, "maandag") in tokens and (Name.Constant, "vrijdag") in tokens


def test_diff_of_a_moved_closing_time_gives_the_exact_moment_in_dutch():
    from dsl.analysis.diff import diff_policies

    new = compile_text(LOKET.replace("tot 17:00 uur", "tot 17:30 uur").replace(
        "= brief valt op zaterdag", "= brief valt op vrijdag"), "loket_nieuw.beleid")
    found = {c.rule: c for c in diff_policies(POLICY, new, budget=SMALL).cases}
    moment = found["kantoortijd"].case["telefoontje"]
    assert (found["kantoortijd"].old, found["kantoortijd"].new) == ("niet voldaan", "voldaan")
    assert moment.weekday() < 5 and datetime(2000, 1, 1, 17).time() <= moment.time() < datetime(2000, 1, 1, 17, 30).time()
    assert (found["weekend"].old, found["weekend"].new, found["weekend"].case["brief"].weekday()) == ("nee", "ja", 4)
