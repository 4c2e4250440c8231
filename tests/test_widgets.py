"""Widgets and the cell language without a kernel: built from the real policy and a real case.

Field changes and button clicks are simulated by setting traits and calling `Button.click()`;
the assertions read what the widgets display (`HTML.value`) and the case the form passes on.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import ipywidgets as w
import pytest

from kernel.cells import CellError
from kernel.evaluation import Evaluation
from kernel.session import Session
from kernel.widgets import Dashboard, StepPlayer, timeline_svg
from tests.conftest import shipped

ROOT = Path(__file__).resolve().parent.parent
POLICY_PATH = ROOT / "policies" / "wijkverpleging_2024.beleid"
CASE = {
    "soort_aanbieder": "instelling", "omzet_2023": "€ 250.000", "benchmarkscore": "beste",
    "uitgesloten_van_benchmark": False, "aandeel_onderaanneming": "41%", "fte_niveau_6_loondienst": "0,5",
    "aanvraag_compleet": "2024-03-01", "bericht_ophoging": "2024-03-25", "peildatum": "2024-04-01",
}


def line_of(text: str) -> int:
    """The 1-based line of the policy file holding `text` (the policy grows; lines move)."""
    return next(i for i, line in enumerate(POLICY_PATH.read_text(encoding="utf-8").split("\n"), 1) if text in line)


@pytest.fixture(scope="module")
def policy():
    return shipped(POLICY_PATH)


@pytest.fixture()
def dash(policy):
    board = Dashboard(policy, CASE)
    yield board
    board.close()


@pytest.fixture(autouse=True, scope="module")
def _close_all():
    yield
    w.Widget.close_all()


def requirement_status(board, name):
    return board.evaluation.outcome.results[name].status


# ---------------------------------------------------------------- case form
def test_form_has_a_fitting_widget_per_gegeven(dash):
    inputs = dash.form.inputs
    assert isinstance(inputs["omzet_2023"], w.Text) and inputs["omzet_2023"].value == "€ 250.000,00"
    assert isinstance(inputs["aandeel_onderaanneming"], w.Text) and inputs["aandeel_onderaanneming"].value == "41%"
    assert isinstance(inputs["ingang_verzekering"], w.DatePicker)
    assert isinstance(inputs["voldoet_aan_wtza"], w.Checkbox)
    assert isinstance(inputs["soort_aanbieder"], w.Dropdown) and inputs["soort_aanbieder"].value == "instelling"
    assert inputs["voldoet_aan_wtza"].description.endswith("(onbekend)")


def test_a_date_picker_says_its_date_in_dutch_whatever_the_browsers_format(dash):
    picker = dash.form.inputs["bericht_ophoging"]
    assert picker.value == date(2024, 3, 25) and picker.description == "25 maart 2024"
    unknown = dash.form.inputs["ingang_verzekering"]
    assert unknown.value is None and unknown.description == "(onbekend)"
    unknown.value = date(2024, 1, 1)
    assert unknown.description == "1 januari 2024"
    assert dash.evaluation.outcome.case.data["ingang_verzekering"] == date(2024, 1, 1)
    unknown.value = None
    assert unknown.description == "(onbekend)" and "ingang_verzekering" not in dash.form.raw


def test_money_field_is_read_exactly_and_re_evaluates(dash):
    assert "geen uitkomst" in dash.summary.value
    dash.form.inputs["omzet_2023"].value = "€ 249.999,99"
    assert dash.evaluation.outcome.case.data["omzet_2023"] == Decimal("249999.99")
    assert "cliëntvolgende overeenkomst" in dash.summary.value
    dash.form.inputs["omzet_2023"].value = "250000,01"
    assert dash.evaluation.outcome.case.data["omzet_2023"] == Decimal("250000.01")
    assert "plusovereenkomst" in dash.summary.value


def test_bad_value_is_reported_in_dutch_and_not_evaluated(dash):
    before = dash.evaluation
    dash.form.inputs["aandeel_onderaanneming"].value = "veel"
    assert "'veel' is geen percentage" in dash.form.messages.value
    assert dash.evaluation is before
    dash.form.inputs["aandeel_onderaanneming"].value = "33%"
    assert dash.form.messages.value == ""
    assert requirement_status(dash, "onderaanneming") == "voldaan"


def test_checkbox_date_dropdown_and_clearing(dash):
    received: list[dict] = []
    dash.on_case(received.append)
    dash.form.inputs["voldoet_aan_wtza"].value = True
    assert requirement_status(dash, "wtza") == "voldaan"
    dash.form.inputs["ingang_verzekering"].value = date(2024, 1, 1)
    assert dash.evaluation.outcome.case.data["ingang_verzekering"] == date(2024, 1, 1)
    dash.form.inputs["soort_aanbieder"].value = "zzp"
    assert dash.evaluation.outcome.results["zzp"].status != "niet van toepassing"
    dash.form.clear_choice.value = "voldoet_aan_wtza"
    assert requirement_status(dash, "wtza") == "onbekend"
    assert "voldoet_aan_wtza" not in received[-1]
    assert received[-1]["soort_aanbieder"] == "zzp"


# ---------------------------------------------------------------- step-through player
def test_player_moves_over_the_trace(dash):
    player = dash.player
    total = len(dash.evaluation)
    assert f"Stap 1 van {total}" in player.view.value
    assert player.first.disabled and player.previous.disabled
    player.next.click()
    assert f"Stap 2 van {total}" in player.view.value
    player.last.click()
    assert f"Stap {total} van {total}" in player.view.value and player.next.disabled
    player.previous.click()
    assert f"Stap {total - 1} van {total}" in player.view.value
    player.first.click()
    assert player.index == 0


def test_player_highlights_the_rule_in_the_source_with_values_and_sentence(dash):
    player = dash.player
    index = next(i for i in range(len(dash.evaluation))
                 if dash.evaluation.step(i).text == "aandeel_onderaanneming is ten hoogste 33%")
    player.go(index)
    html = player.view.value
    rule_line, condition_line = line_of('eis onderaanneming "'), line_of("vereist aandeel_onderaanneming is ten hoogste 33%")
    assert f"wijkverpleging_2024.beleid, regel {rule_line}" in html
    assert '<mark class="bt-current" style="background:#ffd33d;padding:0">aandeel_onderaanneming is ten hoogste 33%</mark>' in html
    line = html.split(f"{condition_line:>4} │ </span>")[1].split("</div>")[0]
    assert line.startswith('<span class="bt-code" style="white-space:pre-wrap;') and "    vereist <mark" in line
    assert html.split(f"{condition_line:>4} │ </span>")[0].rsplit("<div", 1)[1].startswith(
        ' class="bt-rule-line" style="background:#fff8c5;')   # the rule's own lines are highlighted
    assert "41%" in html and "ten hoogste 33% is toegestaan" in html


def test_player_follows_a_new_evaluation(dash):
    dash.player.go(5)
    dash.form.inputs["fte_niveau_6_loondienst"].value = "2"
    assert dash.player.index == 5
    assert f"van {len(dash.evaluation)}" in dash.player.view.value


def test_steps_name_their_rule_and_the_gegevens_they_read(compile_policy):
    """The owner and the inputs of a step come from the typed trace: a group's gate belongs to
    the group, an eis's condition to the eis, and the group itself reads what its gate and
    eisen read."""
    policy = compile_policy('gegevens\n  a : bedrag "A"\n  b : bedrag "B"\n  c : bedrag "C"\n'
                            'eisen g "G"\n  van toepassing als a is ten minste € 10\n'
                            '  eis e "E" vereist b is ten hoogste € 5\n')
    evaluation = Evaluation.build(policy, {"a": "€ 20", "b": "€ 7"})
    steps = [evaluation.step(i) for i in range(len(evaluation))]
    gate = next(s for s in steps if s.text == "a is ten minste € 10")
    assert (gate.rule, gate.rule_title, gate.kind, gate.inputs) == ("g", "G", "voorwaarde", ("a",))
    condition = next(s for s in steps if s.text == "b is ten hoogste € 5")
    assert (condition.rule, condition.result, condition.inputs) == ("e", "nee", ("b",))
    group = next(s for s in steps if s.kind == "groep")
    assert (group.rule, group.result, group.inputs) == ("g", "niet voldaan", ("a", "b"))
    player = StepPlayer(evaluation)
    player.go(steps.index(condition))
    assert "Leest de gegevens: b" in player.view.value
    player.close()


# ---------------------------------------------------------------- explanation tree
def test_tree_marks_and_filters(dash):
    html = dash.tree.view.value
    assert 'data-name="minimumeisen" open' in html
    assert 'data-result="niet voldaan"' in html and 'data-result="onbekend"' in html
    dash.tree.filter.value = "niet voldaan"
    html = dash.tree.view.value
    assert 'data-name="minimumeisen"' in html and 'data-name="signaalgrens_plafond"' not in html
    dash.tree.filter.value = "onbekend"
    assert 'data-name="signaalgrens_plafond"' in dash.tree.view.value
    assert 'data-name="minimumeisen"' not in dash.tree.view.value


# ---------------------------------------------------------------- what-if
def test_whatif_gives_exact_boundaries_in_dutch(dash):
    found = {(s.rule, s.field): s for s in dash.whatif.found}
    assert found[("onderaanneming", "aandeel_onderaanneming")].raw == Decimal("33")
    assert found[("fte_niveau_6", "fte_niveau_6_loondienst")].raw == Decimal("1")
    decision = [s for s in dash.whatif.found if s.rule == "overeenkomst"]
    assert {s.raw for s in decision} == {Decimal("249999.99"), Decimal("250000.01")}
    assert found[("antwoord_ophoging", "bericht_ophoging")].raw == date(2024, 3, 22)
    html = dash.whatif.html
    assert "Als aandeel van de zorg geleverd door onderaannemers (DigiMV) 33% is (nu 41%)" in html
    assert "€ 249.999,99" in html


def test_whatif_apply_changes_the_case(dash):
    next(b for s, b in dash.whatif.rows if s.rule == "onderaanneming" and s.proposed == "33%").click()
    assert dash.form.inputs["aandeel_onderaanneming"].value == "33%"
    assert requirement_status(dash, "onderaanneming") == "voldaan"


def test_whatif_says_when_one_change_is_not_enough(policy):
    board = Dashboard(policy, {"verzekerd_bedrag": "€ 1.000.000", "ingang_verzekering": "2024-06-01"})
    try:
        block = board.whatif.html.split('data-name="aansprakelijkheid"')[1].split("</div>")[0]
        assert "Geen enkele wijziging van één gegeven is genoeg" in block
    finally:
        board.close()


# ---------------------------------------------------------------- timeline
def test_timeline_draws_deadlines_met_or_missed(dash):
    svg = dash.timeline.value
    assert svg.startswith('<div class="bt-timeline"')
    assert 'data-name="antwoord_ophoging" data-status="niet gehaald"' in svg
    assert "uiterlijk 22 maart 2024 · gebeurd 25 maart 2024" in svg
    assert "peildatum 1 april 2024" in svg


def test_timeline_scales_to_its_pane_and_writes_dates_as_dates(dash):
    """No fixed pixel width: every mark is placed in percent of its strip, inside it; the axis
    reads "3 april 2023", not "3 april 2023 00:00 uur"."""
    html = dash.timeline.value
    assert not re.search(r'width="\d+"|width:\s*[1-9]\d{2,}px', html)
    places = [float(p) for p in re.findall(r"left:(-?[\d.]+)%", html)]
    assert places and all(0 <= p <= 100 for p in places)
    axis = re.findall(r'class="bt-axis-(low|high)"[^>]*>([^<]*)<', html)
    assert axis == [("low", "3 april 2023"), ("high", "1 april 2024")]
    assert "00:00" not in html


def test_timeline_follows_the_date_picker(dash):
    dash.form.inputs["bericht_ophoging"].value = date(2024, 3, 20)
    assert 'data-name="antwoord_ophoging" data-status="gehaald"' in dash.timeline.value


def test_timeline_words_each_window_from_its_meaning(compile_policy):
    policy = compile_policy('gegevens\n  aanvraag : datum "A"\n  besluit : datum "B"\n'
                            'termijn voor_april "Voor april" besluit voor 1 april 2024\n'
                            'termijn niet_te_vroeg "Niet te vroeg" besluit niet voor aanvraag\n'
                            'termijn in_maart "In maart" besluit van 1 maart 2024 tot en met 31 maart 2024\n'
                            'termijn snel "Snel" besluit binnen 2 weken na aanvraag\n')
    evaluation = Evaluation.build(policy, {"aanvraag": "2024-03-01", "besluit": "2024-03-20",
                                           "peildatum": "2024-04-02"})
    svg = timeline_svg(evaluation)
    assert 'data-name="voor_april" data-status="gehaald"' in svg
    assert "vóór 1 april 2024 · gebeurd 20 maart 2024" in svg
    assert "niet vóór 1 maart 2024 · gebeurd 20 maart 2024" in svg
    assert "van 1 maart 2024 tot en met 31 maart 2024 · gebeurd" in svg
    assert 'data-name="snel" data-status="niet gehaald"' in svg and "uiterlijk 15 maart 2024" in svg


# ---------------------------------------------------------------- closing
def test_close_closes_every_child(policy):
    board = Dashboard(policy, CASE)
    assert board.form is not None
    children = [board.player.next, board.form.inputs["omzet_2023"], board.tree.view, board.player._link]
    board.close()
    assert all(child.comm is None for child in children)


# ---------------------------------------------------------------- the cell language
@pytest.fixture()
def session():
    return Session(base=ROOT / "notebooks", display=lambda obj: None)


def test_cells_build_a_policy_and_replace_rules(session):
    report = session.run_cell('gegevens\n  omzet : bedrag "omzet"\n  zzp : ja/nee "zzp"\n'
                              'eisen basis "Basis"\n  eis omzet_min "Omzet" vereist omzet is ten minste € 100')
    assert "gegeven 'omzet' toegevoegd" in repr(report) and "eisengroep 'basis' toegevoegd" in repr(report)
    report = session.run_cell('eis geen_zzp "Geen zzp" vereist niet zzp')
    assert "eis 'geen_zzp' toegevoegd aan groep 'basis'" in repr(report)
    report = session.run_cell('eis omzet_min "Omzet" vereist omzet is ten minste € 200')
    assert "eis 'omzet_min' vervangen" in repr(report)
    assert session.policy.model.rules["omzet_min"].group == "basis"
    session.run_cell("casus omzet = € 150\n  zzp = nee")
    board = session.run_cell("evalueer")
    assert board.evaluation.outcome.results["omzet_min"].status == "niet voldaan"
    assert board.evaluation.outcome.results["geen_zzp"].status == "voldaan"
    board.close()


def test_bad_cell_points_at_its_line_and_keeps_state(session):
    session.run_cell('gegevens\n  omzet : bedrag "omzet"\neisen g "G"\n  eis e "E" vereist omzet is ten minste € 1')
    before = session.state
    with pytest.raises(CellError) as info:
        session.run_cell('berekening dubbel = omzet * 2\n\neis x "X" vereist omzett is ten minste € 1', name="cel[9]")
    text = "\n".join(info.value._render_traceback_())
    assert text.startswith("cel[9]:3:19: fout: onbekende naam 'omzett'")
    assert "bedoelde u 'omzet'?" in text
    assert session.state is before
    with pytest.raises(CellError, match=r"cel\[3\]:2:1: fout: onbekende opdracht 'hallo'"):
        session.run_cell("evalueer\nhallo", name="cel[3]")


def test_loose_eis_without_a_group_points_at_the_eis(session):
    session.run_cell('gegevens\n  a : bedrag "A"')
    with pytest.raises(CellError) as info:
        session.run_cell('berekening b = a * 2\n\neis e "E" vereist a is ten minste € 1', name="cel[2]")
    text = info.value.render()
    assert text.startswith("cel[2]:3:1: fout: de eis 'e' hoort in een eisengroep, en er is nog geen groep")
    assert "begin met 'eisen <naam> \"<titel>\"'" in text


def test_error_in_an_earlier_cell_points_there(session):
    session.run_cell('gegevens\n  a : bedrag "A"\nberekening dubbel = a * 2', name="cel[1]")
    with pytest.raises(CellError) as info:
        session.run_cell('gegevens\n  a : ja/nee "A"', name="cel[2]")
    assert "cel[1]:3:" in info.value.render()


def test_laad_and_casus_file_and_json(session, tmp_path):
    session.run_cell('laad "policies/wijkverpleging_2024.beleid"')
    case = tmp_path / "casus.json"
    case.write_text('{"omzet_2023": 100000.10, "soort_aanbieder": "instelling"}', encoding="utf-8")
    session.run_cell(f'casus "{case}"')
    assert session.case["omzet_2023"] == Decimal("100000.10")
    session.run_cell('casus {"omzet_2023": "€ 3.400.000",\n "benchmarkscore": "beste"}')
    assert session.case == {"omzet_2023": "€ 3.400.000", "benchmarkscore": "beste"}
    with pytest.raises(CellError, match=r":2:2: fout: ongeldige JSON op regel 2, kolom 2: een komma na het laatste paar"):
        session.run_cell('casus {"omzet_2023": 1,\n }', name="c")


def test_a_casus_cell_speaks_of_what_the_author_wrote(session):
    """The assignments are parsed as a voorbeeld with text around them; that text is never named."""
    session.run_cell('gegevens\n  omzet : bedrag "omzet"')
    with pytest.raises(CellError) as info:
        session.run_cell("casus omzet =", name="cel[2]")
    text = info.value.render()
    assert text.startswith("cel[2]:1:15: fout: de casus houdt hier op, maar er hoort nog iets te staan")
    assert "verwacht: ja of nee, een datum" in text and "'verwacht'" not in text
    with pytest.raises(CellError) as info:
        session.run_cell("casus omzet = € 2 500 000", name="cel[3]")
    assert info.value.render().splitlines()[0] == "cel[3]:1:17: fout: '2 500 000' is geen Nederlandse schrijfwijze van een bedrag"
    assert "hint: schrijf bedragen op zijn Nederlands, met een punt tussen duizendtallen: € 2.500.000" in info.value.render()
    with pytest.raises(CellError) as info:
        session.run_cell("casus omzet = € 5 6", name="cel[4]")
    assert "verwacht: ',' en nog een toewijzing, het einde van de casus" in info.value.render()


def test_rerunning_a_cell_closes_its_old_dashboard(session):
    session.run_cell('laad "policies/wijkverpleging_2024.beleid"')
    first = session.run_cell("evalueer", cell_id="abc")
    second = session.run_cell("evalueer", cell_id="abc")
    assert first.comm is None and second.comm is not None
    session.forget_cells(["abc"])
    assert second.comm is None


def test_what_if_lists_deadlines_passed_without_a_date_under_onbekend(dash):
    """A termijn verstreken zonder datum is not a known failure: the what-if view shows it with
    the unknowns, and its suggestion is the date that would make it gehaald."""
    from kernel.widgets.whatif import rules_shown

    evaluation = dash.evaluation
    passed = {name for name, r in evaluation.outcome.results.items() if r.status == "verstreken zonder datum"}
    assert passed
    found = dash.whatif.found
    open_ = {result.name for result, _ in rules_shown(evaluation, found, "onbekend")}
    failing = {result.name for result, _ in rules_shown(evaluation, found, "niet in orde")}
    assert passed <= open_ and not passed & failing
