"""Coverage of voorbeelden and the semantic diff between two versions of a policy."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from dsl.analysis import Budget, coverage, diff_policies
from dsl.analysis.coverage import coverage_blocks
from dsl.analysis.diff import DIFFERENT, SAME, SEARCHED, diff_blocks
from dsl.analysis.report import render
from dsl.policy import compile_text, load_policy

ROOT = Path(__file__).resolve().parent.parent
SMALL = Budget(max_examples=40, seconds=20)

POLICY = '''beleid "dekking"
gegevens
  omzet : bedrag
  n : aantal
  kind : ja/nee
eisen g "G"
  eis minstens_twee "Twee" vereist n is ten minste 2 tenzij kind
beslissing tier "Tier" (eerste treffer)
  als omzet is kleiner dan € 250.000 dan "klein"
  als omzet is groter dan € 250.000 dan "groot"
  anders "precies"
voorbeeld "klein"
  gegeven omzet = € 100, n = 3, kind = nee
  verwacht tier = "klein", minstens_twee = voldaan
'''


def _items(report, kind):
    return {(i.label, i.hit) for i in report.items if i.kind == kind}


def test_coverage_lists_reached_and_unreached_parts():
    report = coverage(compile_text(POLICY, "dekking"))
    assert _items(report, "rij") == {('rij 1: dan "klein"', True), ('rij 2: dan "groot"', False),
                                     ('anders "precies"', False)}
    assert _items(report, "uitzondering") == {("tenzij kind", False)}
    branches = _items(report, "tak")
    assert ("'n is ten minste 2' waar", True) in branches and ("'n is ten minste 2' onwaar", False) in branches
    hit, total = report.counts()
    assert 0 < hit < total and len(report.missed()) == total - hit


def test_more_voorbeelden_reach_more():
    more = POLICY + '''voorbeeld "groot"
  gegeven omzet = € 300.000, n = 1, kind = ja
  verwacht tier = "groot", minstens_twee = voldaan
voorbeeld "grens"
  gegeven omzet = € 250.000, n = 1, kind = nee
  verwacht tier = "precies", minstens_twee = niet voldaan
'''
    report = coverage(compile_text(more, "meer"))
    assert all(hit for _, hit in _items(report, "rij"))
    assert _items(report, "uitzondering") == {("tenzij kind", True)}
    assert "Alle onderdelen worden door de voorbeelden bereikt" in render(coverage_blocks([report]))


def test_shipped_policy_coverage_runs():
    report = coverage(load_policy(ROOT / "policies" / "wijkverpleging_2024.beleid"))
    rows = {i.label: i.hit for i in report.items if i.rule == "overeenkomst" and i.kind == "rij"}
    assert all(rows.values()) and len(rows) == 5


# The ELV table of elv_grz_2023 is `(uniek)`: with a cost of at least € 300.000, a minimal
# deviation (tabel_gelijk_of_minimaal) that is also a deviation (tabel_afwijking) makes both rows
# hold, and the outcome is "meerdere regels".
OVERLAP_VOORBEELD = '''
voorbeeld "ELV-tabel: een minimale afwijking is ook een afwijking"
  gegeven kosten_elv = € 400.000, tabel_gelijk_of_minimaal = ja, tabel_afwijking = ja
  verwacht kosten_boven_300000 = voldaan
'''


def _elv_rules_only() -> str:
    text = (ROOT / "policies" / "elv_grz_2023.beleid").read_text(encoding="utf-8")
    return text[:text.index("\nvoorbeeld ")] + "\n"


def _elv_line(start: str) -> int:
    """The line of the shipped ELV policy that starts (after indentation) with `start`."""
    lines = (ROOT / "policies" / "elv_grz_2023.beleid").read_text(encoding="utf-8").splitlines()
    (number,) = [n for n, line in enumerate(lines, start=1) if line.strip().startswith(start)]
    return number


BASIS_ROW = "als kosten_elv is ten minste € 300.000 en tabel_gelijk_of_minimaal"
MAATWERK_ROW = "als kosten_elv is ten minste € 300.000 en tabel_afwijking"


def test_a_row_reached_only_inside_an_overlap_counts_as_hit_and_says_so(tmp_path):
    path = tmp_path / "elv.beleid"
    path.write_text(_elv_rules_only() + OVERLAP_VOORBEELD, encoding="utf-8")
    policy = load_policy(path)
    assert policy.evaluate({"kosten_elv": "€ 400.000", "tabel_gelijk_of_minimaal": True,
                            "tabel_afwijking": True})["categorie_elv"].status == "meerdere regels"
    report = coverage(policy)
    rows = {i.label[:6]: (i.hit, i.overlap, i.shown) for i in report.items
            if i.rule == "categorie_elv" and i.kind == "rij"}
    assert rows == {"rij 1:": (True, True, "geraakt (in een overlap)"),
                    "rij 2:": (True, True, "geraakt (in een overlap)")}
    text = render(coverage_blocks([report]))
    line = _elv_line(BASIS_ROW)
    assert f'rij | categorie_elv | rij 1: dan "Basis" | regel {line} | geraakt (in een overlap)' in text
    assert f'rij | afspraak_elv | rij 1: dan "Prijsafspraak" | regel {line} | geraakt (in een overlap)' in text
    assert "categorie_elv: rij 1" not in text.split("Nooit bereikt:")[-1]


def test_a_row_also_reached_on_its_own_is_plainly_hit(tmp_path):
    path = tmp_path / "elv.beleid"
    shipped = (ROOT / "policies" / "elv_grz_2023.beleid").read_text(encoding="utf-8")
    path.write_text(shipped + OVERLAP_VOORBEELD, encoding="utf-8")
    rows = {i.label[:6]: i.shown for i in coverage(load_policy(path)).items
            if i.rule == "categorie_elv" and i.kind == "rij"}
    assert rows == {"rij 1:": "ja", "rij 2:": "ja"}


NEW = POLICY.replace("€ 250.000", "€ 275.000").replace("ten minste 2", "ten minste 3").replace(
    'anders "precies"\n', 'anders "precies"\nberekening extra "nieuw" = omzet + € 1\n')


def _verdicts(diff):
    return {v.rule: v for v in diff.verdicts}


def test_diff_reports_changed_thresholds_added_rules_and_differing_cases():
    old, new = compile_text(POLICY, "oud"), compile_text(NEW, "nieuw")
    diff = diff_policies(old, new, budget=SMALL)
    texts = [c.text for c in diff.changes]
    assert "berekening 'extra' is toegevoegd" in texts
    assert "grens in 'tier, rij 1': kleiner dan € 250.000 → kleiner dan € 275.000 (regel 9 → regel 9)" in texts
    assert "grens in 'minstens_twee': ten minste 2 → ten minste 3 (regel 7 → regel 7)" in texts
    by_rule = {c.rule: c for c in diff.cases}
    assert set(by_rule) == {"tier", "minstens_twee", "g"}
    tier = by_rule["tier"]
    assert tier.method == "exact" and tier.old != tier.new
    # the witness names only what the rule reads, at a threshold of one of the versions
    assert set(tier.case) == {"omzet"} and tier.case["omzet"] in (Decimal("250000"), Decimal("275000"))
    assert by_rule["minstens_twee"].case == {"n": 2, "kind": False}
    assert {v.rule: v.text for v in diff.verdicts} == {"tier": "bewezen verschillend", "g": "bewezen verschillend",
                                                       "minstens_twee": "bewezen verschillend"}
    assert diff.summary() == ("0 regels bewezen gelijk, 3 bewezen verschillend, 0 gezocht zonder verschil, "
                              "1 regel toegevoegd, 0 verwijderd")


def test_identical_versions_are_proven_equal_rule_by_rule():
    policy = compile_text(POLICY, "zelfde")
    retitled = POLICY.replace('"Tier"', '"Omzetklasse"').replace("€ 250.000", "€ 250.000,00")
    diff = diff_policies(policy, compile_text(retitled, "zelfde2"), budget=SMALL)
    assert diff.changes == () and diff.cases == () and diff.same
    assert {v.rule: (v.kind, v.method) for v in diff.verdicts} == {
        "minstens_twee": (SAME, "tekst"), "g": (SAME, "tekst"), "tier": (SAME, "tekst")}
    text = render(diff_blocks(diff), "md")
    assert "Samenvatting: 3 regels bewezen gelijk, 0 bewezen verschillend, 0 gezocht zonder verschil." in text
    assert "Geen inhoudelijke verschillen gevonden." in text
    assert ("Bewezen gelijk (ongewijzigd: de regel en wat hij gebruikt betekenen hetzelfde): minstens_twee, g, "
            "tier.") in text


def test_a_rewritten_rule_that_means_the_same_is_set_apart_and_proven_equal_by_z3():
    old = compile_text(POLICY, "oud")
    # (`groter dan 1` on an aantal is `ten minste 2` already in the normal form; `n + 1` is not)
    new = compile_text(POLICY.replace("n is ten minste 2", "n + 1 is ten minste 3"), "nieuw")
    diff = diff_policies(old, new, budget=SMALL)
    assert diff.changes == () and diff.same and diff.cases == ()
    assert [(c.kind, c.rule) for c in diff.rewritten] == [("inhoud", "minstens_twee")]
    verdicts = _verdicts(diff)
    # the group uses the rewritten eis: it is not written alike either, and z3 proves both equal
    assert [(verdicts[n].kind, verdicts[n].method) for n in ("minstens_twee", "g", "tier")] == [
        (SAME, "exact"), (SAME, "exact"), (SAME, "tekst")]
    text = render(diff_blocks(diff))
    assert "Bewezen gelijk (z3, voor elke volledige casus): minstens_twee, g." in text
    assert ("Anders geschreven, met dezelfde uitkomst voor elke volledige casus (bewezen door z3): "
            "minstens_twee.") in text


def test_a_unique_decision_is_compared_exactly_overlap_included():
    text = ('beleid "u"\ngegevens\n  x : aantal\nbeslissing b "B" (uniek)\n'
            '  als x is kleiner dan 100 dan "a"\n  als x is ten minste 100 dan "b"\n')
    old = compile_text(text, "oud")
    new = compile_text(text.replace("kleiner dan 100", "ten hoogste 100"), "nieuw")
    verdict = _verdicts(diff_policies(old, new, budget=SMALL))["b"]
    assert (verdict.kind, verdict.method) == (DIFFERENT, "exact")
    assert (verdict.case.case, verdict.case.old, verdict.case.new) == ({"x": 100}, "b", "meerdere regels")


def test_a_division_by_zero_is_compared_too():
    text = 'beleid "d"\ngegevens\n  x : getal\n  y : getal\neisen g "G"\n  eis e "E" vereist %s\n'
    old = compile_text(text % "x / y is ten minste 2", "oud")
    # equal wherever y is not 0; at y = 0 the old version is onbekend and the new one voldaan
    verdict = _verdicts(diff_policies(old, compile_text(text % "x is ten minste 2 * y", "nieuw"), budget=SMALL))["e"]
    assert (verdict.kind, verdict.case.case_text, verdict.case.old, verdict.case.new) == (
        DIFFERENT, "x = 0, y = 0", "onbekend", "voldaan")
    # both unknown at y = 0: equal, and the report says for which cases
    same = compile_text(text % "x / y is groter dan 1,5 en x / y is ten minste 2", "nieuw")
    verdict = _verdicts(diff_policies(old, same, budget=SMALL))["e"]
    assert (verdict.kind, verdict.how) == (SAME, "z3, voor elke volledige casus waarin geen deler nul is")


def test_a_witness_is_minimised_to_what_the_rule_reads_and_a_threshold():
    text = ('beleid "m"\ngegevens\n  x : bedrag\n  y : percentage\n  z : ja/nee\n'
            'eisen g "G"\n  eis e "E" vereist x is ten minste € 1.000\n  eis f "F" vereist y is ten hoogste 5% of z\n')
    old = compile_text(text, "oud")
    new = compile_text(text.replace("€ 1.000", "€ 2.000"), "nieuw")
    found = {c.rule: c for c in diff_policies(old, new, budget=SMALL).cases}
    assert set(found) == {"e", "g"}
    assert found["e"].case == {"x": Decimal("1000")} and found["e"].case_text == "x = € 1.000,00"
    assert (found["e"].old, found["e"].new) == ("voldaan", "niet voldaan")


def test_a_searched_witness_is_minimised_too():
    text = ('beleid "m"\ngegevens\n  x : bedrag\n  aanvraag : datum\n  besluit : datum\n  z : ja/nee\n'
            '  k : keuze uit "a", "b", "c"\n  ander : bedrag\n  looptijd : duur in maanden\neisen g "G"\n'
            '  eis e "E" vereist x is ten minste € 1.000 en besluit is ten hoogste looptijd na aanvraag en (z of k is "b")\n  eis f "F" vereist ander is € 0\n')
    old = compile_text(text, "oud")
    new = compile_text(text.replace("€ 1.000", "€ 2.000"), "nieuw")
    found = _verdicts(diff_policies(old, new, budget=SMALL))["e"].case
    assert found.method == "zoektocht" and (found.old, found.new) == ("voldaan", "niet voldaan")
    case = found.case
    # what the difference needs, in declared order: one of z = ja or k = "b" makes `z of k is "b"`
    # hold, so the other is left out (and `ander`, which the rule does not read, never appears)
    assert list(case)[:3] == ["x", "aanvraag", "besluit"] and len(case) == 5
    assert case.get("z") is True or case.get("k") == "b"
    # the old threshold; dates on the first of January: as round as still differs
    assert case["x"] == Decimal("1000")
    assert case["aanvraag"].day == case["besluit"].day == 1 and case["aanvraag"].month == case["besluit"].month == 1


def test_a_rule_whose_gegeven_changed_type_is_not_compared():
    text = 'beleid "t"\ngegevens\n  n : aantal\neisen g "G"\n  eis e "E" vereist n is ten minste 2\n'
    old = compile_text(text, "oud")
    new = compile_text(text.replace("n : aantal", "n : getal"), "nieuw")
    diff = diff_policies(old, new, budget=SMALL)
    assert [c.text for c in diff.changes] == ["gegeven 'n': aantal → getal"]
    assert {(v.rule, v.text, v.how) for v in diff.verdicts} == {
        ("e", "niet vergeleken", "gegeven 'n' heeft in de nieuwe versie een ander type"),
        ("g", "niet vergeleken", "gegeven 'n' heeft in de nieuwe versie een ander type")}
    assert diff.summary().endswith("0 gezocht zonder verschil, 2 niet vergeleken")


def test_a_changed_own_gate_is_a_text_change():
    text = ('beleid "p"\ngegevens\n  x : bedrag\n  jong : ja/nee\n'
            'eisen g "G"\n  eis e "E"\n    van toepassing als jong\n    vereist x is ten minste € 10\n')
    old = compile_text(text, "oud")
    new = compile_text(text.replace("    van toepassing als jong\n", ""), "nieuw")
    diff = diff_policies(old, new, budget=SMALL)
    assert [c.text for c in diff.changes] == ["'van toepassing als' van 'e' is vervallen (was: jong)"]
    # not applicable in the old version, voldaan in the new one: at the threshold
    found = _verdicts(diff)["e"].case
    assert (found.case, found.old, found.new) == ({"jong": False, "x": Decimal("10")}, "niet van toepassing", "voldaan")


MONTHS = '''beleid "maanden"
gegevens
  aanvraag : datum
  besluit : datum
termijn besluit_op_tijd "Besluit binnen 2 maanden"
  besluit binnen 2 maanden na aanvraag
eisen g "G"
  eis op_tijd "Op tijd" vereist besluit is ten hoogste 2 maanden na aanvraag
'''


# a number of months the case gives is not exact in z3 (written months are)
MONTHS_FROM_CASE = MONTHS.replace("  besluit : datum\n", "  besluit : datum\n  looptijd : duur in maanden\n") \
    .replace("vereist besluit is ten hoogste 2 maanden na aanvraag", "vereist besluit is ten hoogste looptijd na aanvraag")


def test_a_rule_the_solver_cannot_encode_is_searched_and_says_it_proves_nothing():
    old = compile_text(MONTHS_FROM_CASE, "oud")
    new = compile_text(MONTHS_FROM_CASE.replace("besluit is ten hoogste looptijd na aanvraag",
                                                "looptijd na aanvraag is ten minste besluit"), "nieuw")
    diff = diff_policies(old, new, budget=SMALL)
    verdicts = _verdicts(diff)
    assert verdicts["besluit_op_tijd"].method == "tekst"
    verdict = verdicts["op_tijd"]
    assert (verdict.kind, verdict.tried, verdict.case) == (SEARCHED, 40, None)
    assert verdict.text == "gezocht, niets gevonden (40 casussen)"
    assert "maanden" in verdict.reason and not diff.same and diff.cases == ()
    text = render(diff_blocks(diff))
    assert "Samenvatting: 1 regel bewezen gelijk, 0 bewezen verschillend, 2 gezocht zonder verschil." in text
    assert "op_tijd | gezocht, niets gevonden (40 casussen) | niet exact te vergelijken: " in text
    assert "niets vinden bewijst niets" in text
    assert "en een zoektocht (ten hoogste 40 casussen of 20 s per regel) vond geen verschil; dat bewijst niets" in text


def test_a_moved_month_bound_is_found_around_the_bound():
    old = compile_text(MONTHS, "oud")
    new = compile_text(MONTHS.replace("2 maanden", "3 maanden"), "nieuw")
    verdicts = _verdicts(diff_policies(old, new, budget=SMALL))
    for name in ("besluit_op_tijd", "op_tijd"):  # a termijn's end, and a comparison with a shifted date
        verdict = verdicts[name]
        assert (verdict.kind, verdict.method) == (DIFFERENT, "exact")   # months are exact in z3
        case = verdict.case.case
        assert set(case) == {"aanvraag", "besluit"}
        deadlines = [p.evaluate(case)["besluit_op_tijd"].deadline for p in (old, new)]
        assert deadlines[0] < case["besluit"] <= deadlines[1]
    assert (verdicts["besluit_op_tijd"].case.old, verdicts["besluit_op_tijd"].case.new) == ("niet gehaald", "gehaald")
    assert (verdicts["op_tijd"].case.old, verdicts["op_tijd"].case.new) == ("niet voldaan", "voldaan")


@pytest.fixture(scope="module")
def working_days_diff(tmp_path_factory):
    """The shipped GGZ policy and a copy whose reply deadline is 15 instead of 10 working days."""
    folder = tmp_path_factory.mktemp("werkdagen")
    text = (ROOT / "policies" / "ggz_2020.beleid").read_text(encoding="utf-8")
    line = "reactie_vgz binnen 10 werkdagen na vraag_gemaild"
    assert text.count(line) == 1
    (folder / "oud.beleid").write_text(text, encoding="utf-8")
    (folder / "nieuw.beleid").write_text(text.replace(line, line.replace("10", "15")), encoding="utf-8")
    old, new = load_policy(folder / "oud.beleid"), load_policy(folder / "nieuw.beleid")
    return folder, old, new, diff_policies(old, new, budget=SMALL)


def test_a_deadline_in_working_days_moved_from_10_to_15_is_proven_different(working_days_diff):
    _, old, new, diff = working_days_diff
    line = next(i for i, text in enumerate(old.model.text.splitlines(), start=1)
                if "reactie_vgz binnen 10 werkdagen" in text)
    assert [c.text for c in diff.changes] == [
        f"grens in 'reactie_tien_werkdagen': 10 werkdagen → 15 werkdagen (regel {line} → regel {line})"]
    verdict = _verdicts(diff)["reactie_tien_werkdagen"]
    assert (verdict.kind, verdict.method) == (DIFFERENT, "exact")   # working days are exact in z3
    case = verdict.case.case
    assert set(case) == {"vraag_gemaild", "reactie_vgz"}
    ends = [p.evaluate(case)["reactie_tien_werkdagen"].deadline for p in (old, new)]
    assert ends[0] < case["reactie_vgz"] <= ends[1]
    assert (verdict.case.old, verdict.case.new) == ("niet gehaald", "gehaald")
    # every other rule is written alike in both versions
    others = {(v.kind, v.method) for v in diff.verdicts if v.rule != "reactie_tien_werkdagen"}
    assert others == {(SAME, "tekst")}
    assert diff.summary() == (f"{len(old.model.rules) - 1} regels bewezen gelijk, 1 bewezen verschillend, "
                              "0 gezocht zonder verschil")


def test_verschil_exit_codes(tmp_path, capsys):
    from dsl.cli import main

    (tmp_path / "oud.beleid").write_text(POLICY, encoding="utf-8")
    (tmp_path / "zelfde.beleid").write_text(POLICY, encoding="utf-8")
    (tmp_path / "nieuw.beleid").write_text(NEW, encoding="utf-8")
    (tmp_path / "fout.beleid").write_text(POLICY.replace("n is ten minste", "nn is ten minste"), encoding="utf-8")
    out = tmp_path / "verschil.html"
    small = ["--zoek-voorbeelden", "20"]   # (every rule here is compared exactly; a search would stay small)
    assert main(["verschil", str(tmp_path / "oud.beleid"), str(tmp_path / "nieuw.beleid"),
                 "--rapport", str(out), *small]) == 1
    printed = capsys.readouterr().out
    assert "Casussen met een andere uitkomst" in printed
    assert "tier | bewezen verschillend | z3; de casus is door beide versies nagerekend" in printed
    html = out.read_text(encoding="utf-8")
    assert "<table>" in html and "<td>bewezen verschillend</td>" in html
    assert main(["verschil", str(tmp_path / "oud.beleid"), str(tmp_path / "zelfde.beleid"), *small]) == 0
    assert main(["verschil", str(tmp_path / "oud.beleid"), str(tmp_path / "fout.beleid"), *small]) == 1
    assert "onbekende naam 'nn'" in capsys.readouterr().err
    capsys.readouterr()
    assert main(["verschil", str(tmp_path / "oud.beleid")]) == 2   # NIEUW or two dates are needed
    assert "deze argumenten ontbreken: NIEUW" in capsys.readouterr().err


def test_dekking_command(tmp_path, capsys):
    from dsl.cli import main

    (tmp_path / "d.beleid").write_text(POLICY, encoding="utf-8")
    assert main(["test", str(tmp_path), "--dekking"]) == 0
    out = capsys.readouterr().out
    assert "Nooit bereikt:" in out and "rij 2: dan \"groot\"" in out and "0 voorbeelden mislukt" in out


def test_dekking_command_says_when_a_row_is_hit_in_an_overlap(tmp_path, capsys):
    from dsl.cli import main

    (tmp_path / "elv.beleid").write_text(_elv_rules_only() + OVERLAP_VOORBEELD, encoding="utf-8")
    assert main(["test", str(tmp_path), "--dekking"]) == 0
    out = capsys.readouterr().out
    assert 'rij 2: dan "Doelmatigheidsafspraak met staffelafspraak" | ' \
           f"regel {_elv_line(MAATWERK_ROW)} | geraakt (in een overlap)" in out




def test_quotes_added_or_moved_are_no_change_in_meaning():
    """Two versions that differ only in their `citaat` lines (and so in every place after them)
    have no text changes and every rule proved equal."""
    path = Path(__file__).resolve().parent.parent / "policies" / "wijkverpleging_2024.beleid"
    quoted = path.read_text(encoding="utf-8")
    bare = "\n".join(line for line in quoted.split("\n") if not line.lstrip().startswith("citaat "))
    assert bare != quoted
    diff = diff_policies(compile_text(bare, "kaal.beleid"), compile_text(quoted, str(path)),
                         budget=Budget(max_examples=20, seconds=2))
    assert diff.changes == ()
    assert {v.kind for v in diff.verdicts} == {SAME}
