"""Unknown inputs (`dsl.analysis.unknowns`): which missing gegevens can make a rule onbekend, and
rows of a beslissing that an unknown blocks. The solver's three-valued encoding is checked against
the compiled policy itself: every case of a small policy, with each gegeven known or missing."""

from __future__ import annotations

import itertools
from decimal import Decimal

from dsl.analysis import Budget, check_policy
from dsl.policy import compile_text

SMALL = Budget(max_examples=20, seconds=600)

KLEENE = '''beleid "onbekend"
gegevens
  a : ja/nee
  b : ja/nee
  soort : keuze uit "instelling", "zzp"
  omzet : bedrag
eisen g "G"
  eis e1 "E1" vereist a of b
  eis e2 "E2" vereist omzet is ten minste € 100 tenzij a
  eis e3 "E3"
    van toepassing als soort is "zzp"
    vereist b
beslissing d "D" (eerste treffer)
  als soort is "zzp" en a dan "x"
  als omzet is kleiner dan € 100 dan "y"
  als b dan "z"
  anders "w"
beslissing u "U" (uniek)
  als a en b dan "p"
  als niet a dan "q"
beslissing r "R" (eerste treffer)
  als voldoet aan e3 en d is "y" dan "ja"
  anders "nee"
'''
VALUES = {"a": [True, False], "b": [True, False], "soort": ["instelling", "zzp"],
          "omzet": [Decimal(0), Decimal(100), Decimal(200)]}


def brute_force_unknowns(policy, rule: str, tried: dict | None = None) -> set[str]:
    """The gegevens that, missing alone (the rule's other gegevens known), make `rule` onbekend in
    some case: by evaluating every case of the values `tried` per gegeven (default `VALUES`)."""
    tried = VALUES if tried is None else tried
    names = sorted(policy.model.rules[rule].inputs)
    found = set()
    for missing in names:
        others = [n for n in names if n != missing]
        for values in itertools.product(*[tried[n] for n in others]):
            if policy.evaluate(dict(zip(others, values, strict=True)))[rule].status == "onbekend":
                found.add(missing)
                break
    return found


def test_the_gegevens_that_make_a_rule_onbekend_are_those_the_compiled_policy_shows():
    policy = compile_text(KLEENE, "t.beleid")
    report = check_policy(policy, budget=SMALL)
    listed = {u.rule: set(u.inputs) for u in report.unknowns}
    for rule in ("e1", "e2", "e3", "d", "u", "r"):
        assert listed.get(rule, set()) == brute_force_unknowns(policy, rule), rule
    # `a of b`: either can be missing; the exception `tenzij a` makes omzet matter only when a is nee
    assert listed["e1"] == {"a", "b"} and listed["e2"] == {"a", "omzet"}
    # r uses d (which has an `anders`) and e3: exact, through both
    assert listed["r"] == {"a", "b", "soort", "omzet"}


def test_a_row_that_an_unknown_blocks_is_reported_with_its_regions():
    policy = compile_text(KLEENE, "t.beleid")
    report = check_policy(policy, budget=SMALL)
    found = {f.message.split(" van ")[0]: f for f in report.of_kind("onbekend_blokkeert")}
    assert set(found) == {"Rij 1", "Rij 2"} and {f.rule for f in found.values()} == {"d"}
    blocked = found["Rij 1"]
    # a missing a (for a zzp) or a missing soort (with a ja) leaves row 1 open while row 2 or 3 decides
    assert "als a of soort ontbreekt" in blocked.message and "als omzet ontbreekt" in found["Rij 2"].message
    assert blocked.confirmed
    # the witness leaves a out, is a zzp, and a later row decides without a
    missing = {r.field for _, regions in blocked.boxes for r in regions if r.values == (None,)}
    assert missing == {"a", "soort"}
    for case, regions in blocked.boxes:
        (gone,) = [r.field for r in regions if r.values == (None,)]
        assert gone not in case
        assert policy.evaluate(case)["d"].status == "onbekend"
        # completed one way the row does not hold, and a later row decides
        closing = {"a": False, "soort": "instelling"}[gone]
        assert policy.evaluate({**case, gone: closing})["d"].status == "bepaald"


def test_a_later_row_that_reads_the_missing_gegeven_is_not_blocked():
    text = '''beleid "nodig"
gegevens
  a : ja/nee
  c : ja/nee
  soort : keuze uit "instelling", "zzp"
  bestaand : ja/nee
  omzet : bedrag
beslissing d "D" (eerste treffer)
  als a dan "x"
  als a of c dan "y"
beslissing e "E" (eerste treffer)
  als soort is "zzp" en bestaand dan "zzp"
  als soort is "zzp" dan "zzp zonder"
  als omzet is kleiner dan € 100 dan "klein"
  als omzet is ten minste € 100 dan "groot"
'''
    policy = compile_text(text, "t.beleid")
    report = check_policy(policy, budget=SMALL)
    # in d a missing a leaves row 1 open, and row 2 is true (c is ja) but reads a itself: its
    # answer is no answer without a, so nothing is blocked (the outcome is really onbekend)
    assert policy.evaluate({"c": True})["d"].status == "onbekend"
    found = report.of_kind("onbekend_blokkeert")
    assert {f.rule for f in found} == {"e"}
    # in e a missing bestaand blocks row 2 for a zzp (row 2 reads only soort); a missing soort
    # leaves row 2 open while row 3 or 4 (reading only omzet) would decide
    assert sorted(f.message.split(" is onbekend als ")[1].split(" ")[0] for f in found) == ["bestaand", "soort"]
    assert all(f.confirmed for f in found)


def test_a_rule_that_uses_a_decision_without_anders_is_checked_exactly():
    """Issue 15, item 6: decisions that refer to other decisions stay exact. The eis applies when
    the decision (no `anders`, so it can give no outcome) says "x", and then requires "y": it can
    never be met, which the solver proves (no fall-back to the search)."""
    text = '''beleid "keten"
gegevens
  omzet : bedrag
  soort : keuze uit "a", "b"
beslissing d "D" (eerste treffer)
  als omzet is kleiner dan € 100 dan "x"
  als omzet is groter dan € 100 dan "y"
beslissing u "U" (uniek)
  als soort is "a" dan "x"
  als soort is "a" en omzet is groter dan € 50 dan "y"
eisen g "G"
  eis e "E"
    van toepassing als d is "x"
    vereist d is "y"
  eis f "F"
    vereist u is "x" of omzet is ten minste € 10
'''
    policy = compile_text(text, "t.beleid")
    report = check_policy(policy, budget=SMALL)
    assert report.fallbacks == () and not report.searches
    (never,) = report.of_kind("eis_onvervulbaar")
    assert never.rule == "e" and never.method == "exact" and never.confirmed
    # u decides only for soort a with omzet ≤ € 50, and then says "x": f is never niet voldaan (where
    # u gives no outcome f is onbekend or, from € 10, voldaan), which the solver proves
    (always,) = [f for f in report.findings if f.rule == "f"]
    assert always.kind == "eis_altijd" and always.confirmed
    # the decision's own gap is reported by its own check, at exactly € 100
    (gap,) = [f for f in report.of_kind("gat") if f.rule == "d"]
    assert gap.case["omzet"] == 100


def test_the_shipped_policies_no_longer_fall_back_for_a_decision_that_can_give_no_outcome():
    from pathlib import Path

    from tests.conftest import shipped

    policy = shipped(Path(__file__).resolve().parent.parent / "policies" / "wijkverpleging_2024.beleid")
    report = check_policy(policy, budget=SMALL)
    assert not [fb for fb in report.fallbacks if "kan ontbreken" in fb.reason]
    assert {"plafond_clientvolgend", "clientenstop"} <= {c.rule for c in report.checked if c.method == "exact"}
