"""Termijnen with fixed bounds are compiled inline (dsl.compiler.generator.timeline_on_fixed_days):
they must give exactly what the runtime's `timeline` gives, for every pair of a day or a time
against a day or a time bound, every way of writing the termijn, on and around its bounds, with
and without an event and a peildatum."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from dsl.policy import compile_text
from dsl.runtime.values import timeline

POLICY = """beleid "Termijnen met vaste grenzen"

gegevens
  ingediend : datum
  tijd : tijdstip

termijn d_uiterlijk "d"    ingediend uiterlijk 8 september 2023
termijn d_voor "d"         ingediend voor 8 september 2023
termijn d_op "d"           ingediend op 8 september 2023
termijn d_vanaf "d"        ingediend niet voor 16 juni 2023
termijn d_van_tm "d"       ingediend van 16 juni 2023 tot en met 8 september 2023
termijn d_van_tot "d"      ingediend van 16 juni 2023 tot 8 september 2023
termijn d_tijd "d"         ingediend uiterlijk 8 september 2023 17:00 uur
termijn d_tijd_van "d"     ingediend van 16 juni 2023 tot en met 8 september 2023 17:00 uur
termijn t_uiterlijk "t"    tijd uiterlijk 8 september 2023
termijn t_voor "t"         tijd voor 8 september 2023
termijn t_op "t"           tijd op 8 september 2023
termijn t_vanaf "t"        tijd niet voor 16 juni 2023
termijn t_van_tm "t"       tijd van 16 juni 2023 tot en met 8 september 2023
termijn t_van_tot "t"      tijd van 16 juni 2023 tot 8 september 2023
termijn t_tijd "t"         tijd uiterlijk 8 september 2023 17:00 uur
termijn t_tijd_voor "t"    tijd voor 8 september 2023 17:00 uur
termijn t_tijd_op "t"      tijd op 8 september 2023 17:00 uur
termijn t_tijd_van "t"     tijd van 16 juni 2023 09:00 uur tot en met 8 september 2023 17:00 uur
termijn t_tijd_van_tot "t" tijd van 16 juni 2023 tot 8 september 2023 17:00 uur
"""

DAYS = [date(2023, 6, 15), date(2023, 6, 16), date(2023, 6, 17), date(2023, 9, 7), date(2023, 9, 8),
        date(2023, 9, 9)]
TIMES = [datetime.combine(d, datetime.min.time()) + timedelta(hours=h, minutes=m)
         for d in DAYS for h, m in ((0, 0), (8, 59), (9, 0), (16, 59), (17, 0), (17, 1), (23, 59))]
PEIL = [None, *DAYS]


@pytest.fixture(scope="module")
def policy():
    return compile_text(POLICY, "vaste_grenzen.beleid")


def reference(rule, event, peil):
    start = None if rule.start is None else rule.start.value
    end = None if rule.end is None else rule.end.value
    return timeline(event, start, end, rule.start is not None, rule.end is not None, rule.strict, rule.exact, peil)


def test_every_termijn_is_inlined(policy):
    source = policy.compiled.source.split("\n\n")[0]   # the untraced function
    assert "timeline(" in source          # a day against a time bound still asks the runtime...
    assert source.count("type_of(") == 11  # ...but every tijdstip termijn tells a time from a day inline


@pytest.mark.parametrize("name", ["ingediend", "tijd"])
def test_inline_agrees_with_the_runtime(policy, name):
    rules = [r for r in policy.model.rules.values() if r.subject.name == name]
    names = list(policy.model.rules)
    events = [None, *DAYS] + (TIMES if name == "tijd" else [])
    checked = 0
    for event in events:
        for peil in PEIL:
            case = {} if event is None else {name: event}
            if peil is not None:
                case["peildatum"] = peil
            outcome = policy.evaluate(case)
            for rule in rules:
                i = names.index(rule.name)
                status, end, start = reference(rule, event, peil)
                assert outcome.statuses[i] == status, (rule.name, event, peil)
                assert outcome.details[i] == (end, start), (rule.name, event, peil)
                checked += 1
    assert checked > 300


def test_a_day_against_a_time_on_that_day_stays_undecided(policy):
    names = list(policy.model.rules)
    outcome = policy.evaluate({"tijd": date(2023, 9, 8), "ingediend": date(2023, 9, 8)})
    assert outcome.statuses[names.index("t_tijd")] == "onbekend"
    assert outcome.statuses[names.index("d_tijd")] == "onbekend"
    assert outcome.statuses[names.index("t_uiterlijk")] == "gehaald"
    assert outcome.statuses[names.index("t_voor")] == "niet gehaald"
    late = policy.evaluate({"tijd": datetime(2023, 9, 8, 17, 1)})
    assert late.statuses[names.index("t_tijd")] == "niet gehaald"
    assert late.statuses[names.index("t_uiterlijk")] == "gehaald"   # a day bound is that whole day


def test_without_an_event_the_peildatum_decides(policy):
    names = list(policy.model.rules)
    on_the_day = policy.evaluate({"peildatum": date(2023, 9, 8)})
    assert on_the_day.statuses[names.index("d_uiterlijk")] == "nog niet verstreken"
    assert on_the_day.statuses[names.index("d_voor")] == "verstreken zonder datum"
    assert on_the_day.statuses[names.index("t_tijd")] == "onbekend"   # 17:00 on the peildatum itself
    after = policy.evaluate({"peildatum": date(2023, 9, 9)})
    assert after.statuses[names.index("t_tijd")] == "verstreken zonder datum"
    assert after.statuses[names.index("t_vanaf")] == "onbekend"   # no end: nothing can be past


COMPUTED = """beleid "Termijnen met berekende grenzen"

gegevens
  aanvraag  : datum
  antwoord  : datum
  opname    : datum
  verzoek   : datum
  start     : datum

termijn binnen_drie_weken "b"  antwoord binnen 3 weken na aanvraag
termijn vier_weken_voor "v"    verzoek ten minste 4 weken voor dag 121 van opname
termijn na_start "n"           antwoord niet voor start
termijn voor_start "s"         antwoord voor start
termijn op_start "o"           antwoord op start
termijn een_maand "m"          antwoord uiterlijk 1 maand na aanvraag
"""


def test_computed_day_bounds_are_inlined_and_agree_with_the_runtime():
    from dsl.runtime.values import shift_days, shift_months

    policy = compile_text(COMPUTED, "berekend.beleid")
    source = policy.compiled.source.split("\n\n")[0]
    assert "timeline(" not in source   # every termijn here is a day against days
    names = list(policy.model.rules)
    days = [None, date(2024, 1, 31), date(2024, 2, 21), date(2024, 2, 22), date(2024, 2, 29), date(2024, 3, 1),
            date(2024, 4, 2), date(2024, 4, 30)]
    checked = 0
    for aanvraag in days:
        for antwoord in days:
            for peil in (None, date(2024, 2, 21), date(2024, 2, 29), date(2024, 3, 1)):
                case = {k: v for k, v in (("aanvraag", aanvraag), ("antwoord", antwoord), ("opname", aanvraag),
                                          ("verzoek", antwoord), ("start", aanvraag), ("peildatum", peil))
                        if v is not None}
                outcome = policy.evaluate(case)
                day_121 = shift_days(aanvraag, 120)
                expected = {
                    "binnen_drie_weken": timeline(antwoord, aanvraag, shift_days(aanvraag, 21), True, True, False,
                                                  False, peil),
                    "vier_weken_voor": timeline(antwoord, None, shift_days(day_121, -28), False, True, False, False,
                                                peil),
                    "na_start": timeline(antwoord, aanvraag, None, True, False, False, False, peil),
                    "voor_start": timeline(antwoord, None, aanvraag, False, True, True, False, peil),
                    "op_start": timeline(antwoord, None, aanvraag, False, True, False, True, peil),
                    "een_maand": timeline(antwoord, None, shift_months(aanvraag, 1), False, True, False, False, peil),
                }
                for name, (status, end, start) in expected.items():
                    i = names.index(name)
                    assert (outcome.statuses[i], outcome.details[i]) == (status, (end, start)), (name, case)
                    checked += 1
    assert checked == 6 * len(days) ** 2 * 4
