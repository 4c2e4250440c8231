"""`beleid verschil`: changes in meaning only, minimal witnesses, what a comparison cost, and two
insurers' policies compared per concept through a koppeling."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest

from dsl.analysis import Budget, diff_policies
from dsl.analysis.diff import DIFFERENT, SAME, diff_blocks
from dsl.analysis.diffcli import run_diff
from dsl.analysis.mapping import check_mapping, concept_diffs, parse_mapping, read_mapping, suggest
from dsl.analysis.report import render
from dsl.errors import BeleidError
from dsl.policy import compile_text, load_policy

ROOT = Path(__file__).resolve().parent.parent
SMALL = Budget(max_examples=40, seconds=60)

BASE = '''beleid "basis"
gegevens
  omzet : bedrag
  p : percentage
  n : aantal
  kind : ja/nee
  k : keuze uit "a", "b", "c"
eisen g "G"
  eis e1 "E1" vereist omzet is groter dan € 250.000 en kind
  eis e2 "E2" vereist n is ten minste 2 tenzij kind
  eis e3 "E3" vereist p is groter dan 5%
beslissing u "U" (uniek)
  als k is "a" dan "A"
  als k is "b" dan "B"
beslissing f "F" (eerste treffer)
  als omzet is groter dan € 100 dan "groot"
  als kind dan "kind"
'''


def _diff(old_text: str, new_text: str):
    return diff_policies(compile_text(old_text, "oud.beleid"), compile_text(new_text, "nieuw.beleid"), budget=SMALL)


def _texts(diff) -> list[str]:
    return [c.text for c in diff.changes]


# ---------------------------------------------------------------- meaning only
@pytest.mark.parametrize("old, new", [
    ("ten minste 2", "tenminste 2"),                                    # the documented alias
    ("groter dan € 250.000", "ten minste € 250.000,01"),                # an amount counts in cents
    ("omzet is groter dan € 250.000 en kind", "kind en € 250.000 is kleiner dan omzet"),  # order, sides
    ("tenzij kind", "met uitzondering van kind"),
    ('  als k is "a" dan "A"\n  als k is "b" dan "B"\n', '  als k is "b" dan "B"\n  als k is "a" dan "A"\n'),
])
def test_what_is_written_otherwise_but_means_the_same_is_no_change(old, new):
    assert BASE.count(old) == 1
    diff = _diff(BASE, BASE.replace(old, new))
    assert diff.changes == () and diff.rewritten == () and diff.cases == () and diff.same
    assert {v.kind for v in diff.verdicts} == {SAME}
    assert "Geen inhoudelijke verschillen gevonden." in render(diff_blocks(diff))


def test_comments_titles_and_sources_are_text_only_in_one_line():
    new = ("# een opmerking\n" + BASE.replace('"basis"', '"basis, herzien"').replace('"E1"', '"Omzet boven de grens"')
           .replace('eis e3 "E3"', 'eis e3 "E3"  bron "paragraaf 3"').replace("eisen g", "\n\neisen   g"))
    diff = _diff(BASE, new)
    assert diff.same and diff.changes == ()
    assert diff.wording == "de titel van het beleid; titel, bron, toelichting of citaat van 2 regels (e1, e3)"
    assert ("Alleen tekst gewijzigd, zonder gevolg voor een uitkomst: de titel van het beleid; titel, bron, "
            "toelichting of citaat van 2 regels (e1, e3).") in render(diff_blocks(diff))


def test_a_percentage_has_no_smallest_step_so_the_same_rewrite_is_a_change():
    diff = _diff(BASE, BASE.replace("groter dan 5%", "ten minste 5,01%"))
    assert _texts(diff) == ["grens in 'e3': groter dan 5% → ten minste 5,01% (regel 11 → regel 11)"]
    found = {c.rule: c for c in diff.cases}["e3"]
    assert (found.case, found.old, found.new) == ({"p": Decimal("5.005")}, "voldaan", "niet voldaan")


@pytest.mark.parametrize("old, new, rule", [
    ("vereist p is groter dan 5%", "vereist niet (p is groter dan 5%)", "e3"),
    ("tenzij kind", "tenzij niet kind", "e2"),
    ("als kind dan", "als niet kind dan", "f"),
])
def test_a_negation_is_listed_and_a_case_shows_it(old, new, rule):
    diff = _diff(BASE, BASE.replace(old, new))
    assert len(diff.changes) == 1 and diff.changes[0].rule == rule and "niet" in diff.changes[0].text
    assert not diff.same and {v.rule: v.kind for v in diff.verdicts}[rule] == DIFFERENT


def test_row_order_counts_under_first_hit_only():
    swapped = BASE.replace('  als omzet is groter dan € 100 dan "groot"\n  als kind dan "kind"\n',
                           '  als kind dan "kind"\n  als omzet is groter dan € 100 dan "groot"\n')
    diff = _diff(BASE, swapped)
    assert _texts(diff) == ["de rijen van 'f' staan in een andere volgorde (onder eerste treffer beslist de volgorde)"]
    found = {c.rule: c for c in diff.cases}["f"]
    assert (found.old, found.new) == ("groot", "kind")
    assert set(found.case) == {"omzet", "kind"} and found.case["omzet"] > 100 and found.case["kind"] is True


def test_a_rewrite_z3_proves_equal_is_set_apart_and_not_a_difference():
    diff = _diff(BASE, BASE.replace("n is ten minste 2", "2 * n is ten minste 4"))
    assert diff.changes == () and diff.same
    assert [c.rule for c in diff.rewritten] == ["e2"]
    assert "Anders geschreven, met dezelfde uitkomst voor elke volledige casus (bewezen door z3): e2." in render(
        diff_blocks(diff))


# ---------------------------------------------------------------- minimal witnesses
WIDE = '''beleid "breed"
gegevens
  x : bedrag
  aanvraag : datum
  besluit : datum
  looptijd : duur in maanden
%s
eisen g "G"
  eis e "E" vereist x is ten minste € 1.000 en besluit is ten hoogste looptijd na aanvraag en (%s)
'''
FLAGS = [f"a{i}" for i in range(1, 13)]


@pytest.mark.parametrize("months", [False, True])
def test_a_witness_keeps_only_the_gegevens_the_difference_needs(months):
    flags = "\n".join(f"  {f} : ja/nee" for f in FLAGS)
    text = WIDE % (flags, " of ".join(FLAGS))
    if not months:   # without calendar months z3 finds the case; with them the search does
        text = text.replace(" en besluit is ten hoogste looptijd na aanvraag", "")
    diff = _diff(text, text.replace("€ 1.000", "€ 2.000"))
    found = {c.rule: c for c in diff.cases}["e"]
    assert found.method == ("zoektocht" if months else "exact")
    assert (found.old, found.new) == ("voldaan", "niet voldaan")
    # one flag that holds is enough for `a1 of ... a12`: the other eleven are left out
    flags_kept = [f for f in FLAGS if f in found.case]
    assert len(flags_kept) == 1 and found.case[flags_kept[0]] is True
    assert found.case["x"] == Decimal("1000")
    assert len(found.case) == (5 if months else 2)
    # the witness really gives these outcomes, with everything else unknown
    old, new = compile_text(text, "o"), compile_text(text.replace("€ 1.000", "€ 2.000"), "n")
    assert (old.evaluate(found.case)["e"].status, new.evaluate(found.case)["e"].status) == ("voldaan", "niet voldaan")


# ---------------------------------------------------------------- cost and reproducibility
def test_the_report_says_how_long_it_took_and_how_many_cases_it_searched():
    months = ('beleid "m"\ngegevens\n  a : datum\n  b : datum\n  n : duur in maanden\neisen g "G"\n'
              '  eis e "E" vereist b is ten hoogste n na a\n')
    old, new = compile_text(months, "o"), compile_text(months.replace("ten hoogste", "kleiner dan"), "n")
    first = diff_policies(old, new, budget=SMALL)
    second = diff_policies(old, new, budget=SMALL)
    assert first.cases == second.cases    # a budget of cases, and a seed: the same search every time
    assert first.searched == sum(v.tried for v in first.verdicts if v.method == "zoektocht") > 0
    text = render(diff_blocks(first))
    assert re.search(r"^Vergeleken in \d+,\d s: 0 regels exact of ongewijzigd, 2 doorzocht \(\d+ casussen; "
                     r"ten hoogste 40 per regel, zaad 0\)\.$", text, re.M)


def test_a_shipped_policy_whose_text_changed_only_has_no_substantive_change(tmp_path, capsys):
    text = (ROOT / "policies" / "wijkverpleging_2024.beleid").read_text(encoding="utf-8")
    assert text.count("ten minste") >= 1 and text.count("\neisen ") >= 2
    edited = ("# herzien: alleen opmaak\n" + text.replace("ten minste", "tenminste")
              .replace("\neisen ", "\n# -- een nieuwe kop\neisen "))
    (tmp_path / "oud.beleid").write_text(text, encoding="utf-8")
    (tmp_path / "nieuw.beleid").write_text(edited, encoding="utf-8")
    args = SimpleNamespace(oud=str(tmp_path / "oud.beleid"), nieuw=str(tmp_path / "nieuw.beleid"), rapport=None,
                           zoek_voorbeelden=20, zoek_seconden=None, zoek_zaad=None)
    assert run_diff(args) == 0
    out = capsys.readouterr().out
    assert "Geen inhoudelijke verschillen gevonden." in out and "Vergeleken in " in out
    assert "Wijzigingen in de betekenis" not in out


# ---------------------------------------------------------------- koppelingen
INSURER_A = '''beleid "Verzekeraar A 2023"
gegevens
  aandeel_onderaanneming : percentage
  aanmelding : tijdstip
  opname : tijdstip
  gepland : ja/nee
  vestigingen : aantal
eisen minimum "Minimumeisen"
  eis onderaanneming "Onderaanneming ten hoogste een derde"
    vereist aandeel_onderaanneming is ten hoogste 33%
  eis locaties "Ten minste twee vestigingen" vereist vestigingen is ten minste 2
termijn opname_op_tijd "Opname binnen 24 uur"
  opname binnen 24 uur na aanmelding
'''
INSURER_B = '''beleid "Verzekeraar B 2024"
gegevens
  percentage_onderaanneming : percentage
  moment_aanmelding : tijdstip
  moment_opname : tijdstip
  geplande_zorg : ja/nee
  aantal_locaties : aantal
eisen eisen_b "Eisen"
  eis max_onderaanneming "Onderaanneming maximaal de helft"
    vereist percentage_onderaanneming is ten hoogste 50%
  eis vestigingen_b "Meer dan een vestiging" vereist aantal_locaties is groter dan 1
termijn opname_b "Geplande opname binnen 48 uur"
  van toepassing als geplande_zorg
  moment_opname binnen 48 uur na moment_aanmelding
'''
KOPPELING = '''# A 2023 → B 2024
koppeling "A → B"
oud "a.beleid"
nieuw "b.beleid"

begrip "onderaanneming"
  regel onderaanneming = max_onderaanneming
begrip "vestigingen"
  regel locaties = vestigingen_b
begrip "opname"
  regel opname_op_tijd = opname_b
begrip "alleen bij A"
  regel minimum = -

gegeven aandeel_onderaanneming = percentage_onderaanneming
gegeven aanmelding = moment_aanmelding
gegeven opname = moment_opname
gegeven vestigingen = aantal_locaties
'''


@pytest.fixture
def insurers(tmp_path):
    (tmp_path / "a.beleid").write_text(INSURER_A, encoding="utf-8")
    (tmp_path / "b.beleid").write_text(INSURER_B, encoding="utf-8")
    return load_policy(tmp_path / "a.beleid"), load_policy(tmp_path / "b.beleid")


def test_a_koppeling_reports_per_concept_the_thresholds_of_both(insurers):
    a, b = insurers
    mapping = parse_mapping(KOPPELING, "a__b.koppeling")
    check_mapping(mapping, a, b)
    found = {c.title: c.pairs for c in concept_diffs(a, b, mapping)}
    assert [(p.verdict, p.changes) for p in found["onderaanneming"]] == [
        ("gewijzigd", ("ten hoogste 33% → ten hoogste 50%",))]
    # `groter dan 1` on an aantal is `ten minste 2`: the same threshold in other words
    assert [p.verdict for p in found["vestigingen"]] == ["gelijk"]
    assert [(p.verdict, p.changes) for p in found["opname"]] == [
        ("gewijzigd", ("van toepassing als: — → geplande_zorg", "binnen 24 uur → binnen 48 uur"))]
    assert [(p.verdict, p.new_text) for p in found["alleen bij A"]] == [("alleen in oud", "")]
    diff = diff_policies(a, b, budget=SMALL, mapping=mapping)
    text = render(diff_blocks(diff))
    assert ("onderaanneming | onderaanneming: vereist aandeel_onderaanneming is ten hoogste 33% | max_onderaanneming: "
            "vereist percentage_onderaanneming is ten hoogste 50% | ten hoogste 33% → ten hoogste 50%") in text
    # renamed rules and gegevens are no longer listed as added and removed, only counted
    assert "is toegevoegd" not in text and "is verwijderd" not in text
    assert "Niet gekoppeld: 0 regels alleen in het oude beleid, 1 alleen in het nieuwe." in text
    assert "3 begrippen gekoppeld" not in diff.summary() and "4 begrippen gekoppeld (3 verschillend)" in diff.summary()
    assert not diff.same


def test_verschil_finds_the_koppeling_next_to_the_old_policy_or_takes_one_given(insurers, tmp_path, capsys):
    args = SimpleNamespace(oud=str(tmp_path / "a.beleid"), nieuw=str(tmp_path / "b.beleid"), rapport=None,
                           zoek_voorbeelden=20, zoek_seconden=None, zoek_zaad=None)
    assert run_diff(args) == 1
    assert "Per begrip" not in capsys.readouterr().out
    (tmp_path / "koppelingen").mkdir()
    (tmp_path / "koppelingen" / "a__b.koppeling").write_text(KOPPELING, encoding="utf-8")
    assert run_diff(args) == 1
    out = capsys.readouterr().out
    assert f"koppeling: {tmp_path / 'koppelingen' / 'a__b.koppeling'}" in out
    assert "| binnen 24 uur → binnen 48 uur" not in out and "binnen 24 uur → binnen 48 uur" in out
    other = tmp_path / "ander.koppeling"
    other.write_text(KOPPELING.replace("regel minimum = -\n", "regel minimum = eisen_b\n"), encoding="utf-8")
    assert run_diff(SimpleNamespace(**{**vars(args), "koppeling": str(other)})) == 1
    # the groups list corresponding eisen (each compared in its own concept)
    assert "alleen bij A | minimum: eisen: onderaanneming, locaties | eisen_b: eisen: max_onderaanneming, " \
           "vestigingen_b | gelijk" in capsys.readouterr().out


@pytest.mark.parametrize("old, new, first_line", [
    ('begrip "vestigingen"', 'begin "vestigingen"',
     "a__b.koppeling:8:1: fout: onbekend woord 'begin' aan het begin van de regel"),
    ("regel locaties =", "regel locatie =", "a__b.koppeling:9:3: fout: het oude beleid heeft geen regel 'locatie'"),
    ("gegeven vestigingen = aantal_locaties", "gegeven vestigingen = geplande_zorg",
     "a__b.koppeling:18:1: fout: gegeven 'vestigingen' is een aantal in het oude beleid, 'geplande_zorg' een "
     "ja/nee in het nieuwe"),
    ('oud "a.beleid"', 'oud "c.beleid"',
     "a__b.koppeling:3:1: fout: de koppeling is voor 'c.beleid' als oud beleid, niet voor 'a.beleid'"),
    ("regel onderaanneming = max", "regel onderaanneming max",
     "a__b.koppeling:7:3: fout: 'regel' verwacht: regel OUDE_NAAM = NIEUWE_NAAM (of - voor geen)"),
    ("regel opname_op_tijd = opname_b", "regel opname_op_tijd = max_onderaanneming",
     "a__b.koppeling:11:3: fout: regel 'max_onderaanneming' (nieuw) is al gekoppeld"),
])
def test_a_wrong_koppeling_is_told_in_dutch_with_its_line(insurers, old, new, first_line):
    a, b = insurers
    assert KOPPELING.count(old) == 1
    with pytest.raises(BeleidError) as info:
        check_mapping(parse_mapping(KOPPELING.replace(old, new), "a__b.koppeling"), a, b)
    rendered = info.value.render()
    assert rendered.splitlines()[0] == first_line
    if "locatie'" in first_line:
        assert "hint: bedoelde u 'locaties'?" in rendered


def test_a_regel_before_any_begrip_and_an_unreadable_file_are_dutch_errors(tmp_path):
    with pytest.raises(BeleidError) as info:
        parse_mapping("regel a = b\n", "k.koppeling")
    assert info.value.render().splitlines()[0] == "k.koppeling:1:1: fout: 'regel' hoort bij een begrip"
    with pytest.raises(BeleidError) as info:
        read_mapping(tmp_path / "weg.koppeling")
    assert "kan de koppeling niet lezen" in info.value.render()


def test_a_suggested_koppeling_pairs_renamed_rules_and_reads_back(insurers):
    a, b = insurers
    draft = suggest(a, b)
    mapping = parse_mapping(draft, "voorstel.koppeling")
    check_mapping(mapping, a, b)
    pairs = {p.old: p.new for c in mapping.concepts for p in c.rules}
    assert pairs["onderaanneming"] == "max_onderaanneming" and pairs["opname_op_tijd"] == "opname_b"
    assert {p.old: p.new for p in mapping.fields}["aandeel_onderaanneming"] == "percentage_onderaanneming"


def test_the_shipped_koppeling_of_two_insurers_compares_the_elv_admission_deadline():
    old = load_policy(ROOT / "policies" / "vgz_elv_grz_gzsp_2022.beleid")
    new = load_policy(ROOT / "policies" / "elv_grz_2023.beleid")
    mapping = read_mapping(ROOT / "policies" / "koppelingen" / "vgz_elv_grz_gzsp_2022__elv_grz_2023.koppeling")
    check_mapping(mapping, old, new)
    pairs = {(p.old, p.new): p for c in concept_diffs(old, new, mapping) for p in c.pairs}
    admission = pairs[("t_opname_24_uur", "t_opname_48_uur")]
    assert admission.verdict == "gewijzigd" and "binnen 24 uur → binnen 48 uur" in admission.changes


def test_compared_policies_are_freed_when_no_longer_used():
    """What comparing remembers of a policy (the normal forms of its rules, `textdiff.forms`) goes
    with it: the notebook's `verschil vorige` compares a new policy after every edit. Before, the
    cache entry held the model it was keyed by, and kept it for ever."""
    import gc
    import weakref

    from dsl.analysis.textdiff import text_changes
    from dsl.policy import RECENT_TEXTS

    base = 'beleid "V"\ngegevens\n  a : aantal\neisen g "G"\n  eis e "E" vereist a is ten minste {}\n'
    old, new = compile_text(base.format(1), "v1.beleid"), compile_text(base.format(2), "v2.beleid")
    assert any(change.rule == "e" for change in text_changes(old, new))
    gone = [weakref.ref(old.model), weakref.ref(new.model)]
    del old, new
    for i in range(RECENT_TEXTS):
        compile_text(base.format(10 + i), "v.beleid")
    gc.collect()
    assert [ref() for ref in gone] == [None, None]
