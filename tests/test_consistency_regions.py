"""The region of a gap or overlap: per gegeven an interval, a set of keuze values or one value,
together a box in which every case shows the defect (proved by the solver), around the witness."""

from __future__ import annotations

import itertools
from decimal import Decimal

from dsl.analysis import Budget, check_policy
from dsl.analysis.jsonreport import consistency_json, region_text
from dsl.policy import compile_text

SMALL = Budget(max_examples=50, seconds=600)

BANDS = '''beleid "banden"
gegevens
  omzet : bedrag
  soort : keuze uit "instelling", "zzp", "eenmanszaak"
  j : ja/nee
beslissing d "D" (uniek)
  als omzet is kleiner dan € 100.000 dan "klein"
  als omzet ligt van € 200.000 tot € 300.000 en soort is "instelling" dan "middel"
  als omzet is ten minste € 300.000 en j dan "groot"
  als omzet is ten minste € 250.000 en omzet is ten hoogste € 400.000 en soort is "zzp" dan "zzp"
'''


def _report(text):
    policy = compile_text(text, "t.beleid")
    return policy, check_policy(policy, budget=SMALL)


def test_a_gap_region_is_a_proved_box_around_its_witness():
    # which gap z3 shows first depends on the solver's state (the tests before it in the same
    # process); whichever it is, its region must be a box of gaps around the witness
    policy, report = _report(BANDS)
    (gap,) = report.of_kind("gat")
    regions = {r.field: r for r in gap.regions}
    assert set(regions) == {"omzet", "soort", "j"}
    omzet = regions["omzet"]
    witness = gap.case["omzet"]
    assert (omzet.low is None or omzet.low < witness or (omzet.low_closed and omzet.low == witness))
    assert (omzet.high is None or witness < omzet.high or (omzet.high_closed and omzet.high == witness))
    assert gap.case["soort"] in regions["soort"].values and gap.case["j"] in regions["j"].values
    # every combination of the region's closed edges, the witness and a point far out is a gap
    points = [witness]
    if omzet.low is not None and omzet.low_closed:
        points.append(omzet.low)
    if omzet.high is not None and omzet.high_closed:
        points.append(omzet.high)
    if omzet.high is None:
        points.append(Decimal(10**7))
    for value, soort, j in itertools.product(points, regions["soort"].values, regions["j"].values):
        case = {"omzet": value, "soort": soort, "j": j}
        assert policy.evaluate(case)["d"].status == "geen uitkomst", case
    # the box's edges are the policy's own thresholds
    thresholds = {None, Decimal(100000), Decimal(200000), Decimal(250000), Decimal(300000), Decimal(400000)}
    assert omzet.low in thresholds and omzet.high in thresholds
    texts = [region_text(policy.model, r) for r in gap.regions]
    assert len(texts) == 3 and any("omzet" in t for t in texts)


def test_the_region_of_a_gap_between_two_bands_is_the_open_stretch():
    text = '''beleid "tussen"
gegevens
  x : bedrag
beslissing d "D" (uniek)
  als x is ten hoogste € 100 dan "laag"
  als x is ten minste € 200 dan "hoog"
'''
    policy, report = _report(text)
    (gap,) = report.of_kind("gat")
    (region,) = gap.regions
    assert (region.low, region.high, region.low_closed, region.high_closed) == (Decimal(100), Decimal(200), False, False)
    assert region_text(policy.model, region) == "€ 100,00 < x < € 200,00"
    (as_json,) = consistency_json(report, policy.model)["bevindingen"]
    assert as_json["gebieden"] == [{"gegeven": "x", "soort": "interval", "tekst": "€ 100,00 < x < € 200,00",
                                    "van": "€ 100,00", "tot": "€ 200,00", "van_inbegrepen": False,
                                    "tot_inbegrepen": False}]


def test_a_single_value_gap_and_an_overlap_have_point_regions():
    text = '''beleid "punt"
gegevens
  x : bedrag
  soort : keuze uit "a", "b"
beslissing d "D" (uniek)
  als x is kleiner dan € 250.000 dan "klein"
  als x is groter dan € 250.000 dan "groot"
  als x is ten minste € 250.000 en soort is "b" dan "b"
'''
    policy, report = _report(text)
    (gap,) = report.of_kind("gat")
    assert [region_text(policy.model, r) for r in gap.regions] == ["x = € 250.000,00", "soort is a"]
    (overlap,) = report.of_kind("overlap")
    regions = {r.field: r for r in overlap.regions}
    assert regions["soort"].values == ("b",)
    assert regions["x"].low == Decimal(250000) and not regions["x"].low_closed and regions["x"].high is None


def test_a_regions_values_are_shown_in_the_order_of_their_type():
    # regions merged in any order (it used to follow Python's hash seed) read the same way
    from dsl.analysis.jsonreport import region_json
    from dsl.analysis.regions import Region

    policy = compile_text(BANDS, "t.beleid")
    for values in itertools.permutations([True, None, False]):
        region = Region("j", values=values)
        assert region_text(policy.model, region) == "j is nee of ja of onbekend"
        assert region_json(policy.model, region)["waarden"] == [False, True, None]
    for values in itertools.permutations(["eenmanszaak", "instelling", "zzp"]):
        assert region_text(policy.model, Region("soort", values=values)) == \
            "soort is instelling of zzp of eenmanszaak"
