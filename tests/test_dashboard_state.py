"""Dashboards against the session's state, without a kernel: stale dashboards after a policy
change, widgets released on re-runs, a form in the policy's language, what matters first.

Cells run through `Session.run_cell` on the shipped policies; field changes and clicks are
simulated by setting traits and `Button.click()`; the assertions read what the widgets show.
"""

from __future__ import annotations

import gc
import json
import re
import weakref
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import ipywidgets as w
import pytest

from dsl.core.model import NOT_IN_ORDER, STATUS_ORDER, RuleKind, Status
from kernel.evaluation import fit_case
from kernel.session import Session
from kernel.widgets import Dashboard
from kernel.widgets.dashboard import REEVALUATE
from kernel.widgets.form import CLEAR_PROMPT, UNKNOWN
from kernel.widgets.html import AMBER, RED, STATUS_MARKS, badge
from kernel.widgets.lifecycle import widgets_under
from tests.conftest import shipped

pytestmark = pytest.mark.filterwarnings("ignore:Widget.widgets is deprecated")
ROOT = Path(__file__).resolve().parent.parent
WIJK = "policies/wijkverpleging_2024.beleid"
OTHER = "policies/vgz_elv_grz_gzsp_2022.beleid"
CASE = ('casus {"soort_aanbieder": "instelling", "omzet_2023": "€ 250.000", "aandeel_onderaanneming": "41%",'
        ' "benchmarkscore": "beste", "voldoet_aan_wtza": true, "peildatum": "2024-04-01"}')
STRICTER = 'eis onderaanneming "Maximaal 25% onderaanneming" vereist aandeel_onderaanneming is ten hoogste 25%'


@pytest.fixture(autouse=True)
def _close_all():
    yield
    w.Widget.close_all()


@pytest.fixture()
def session():
    s = Session(base=ROOT, display=lambda obj: None)
    s.run_cell(f'laad "{WIJK}"', name="cel[1]", cell_id="c1")
    s.run_cell(CASE, name="cel[2]", cell_id="c2")
    return s


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def shown(widget) -> bool:
    return widget.layout.display != "none"


def live_widgets() -> int:
    return sum(1 for widget in list(w.Widget.widgets.values()) if widget.comm is not None)


# ---------------------------------------------------------------- 1. stale dashboards
def test_a_later_policy_cell_makes_the_dashboard_stale_at_once(session):
    board = session.run_cell("evalueer", name="cel[3]", cell_id="c3")
    assert board.policy_cell == "cel[1]" and board.stale is None
    assert not shown(board.notice_bar)
    session.run_cell(STRICTER, name="cel[4]", cell_id="c4")
    assert board.stale == "cel[4]"
    assert "verouderd: het beleid is gewijzigd in cel[4]" in board.notice.value
    assert shown(board.notice_bar) and shown(board.reevaluate_button)
    assert board.reevaluate_button.description == REEVALUATE == "Opnieuw evalueren met het nieuwe beleid"
    assert all(button.disabled for _, button in board.whatif.rows) and board.whatif.rows


def test_editing_a_stale_form_gives_no_verdict_from_the_old_rules(session):
    board = session.run_cell("evalueer", name="cel[3]", cell_id="c3")
    old_rules = board.policy
    session.run_cell(STRICTER, name="cel[4]", cell_id="c4")
    before = board.evaluation
    board.form.inputs["aandeel_onderaanneming"].value = "29%"
    # under the old rule 29% would pass: the dashboard must not say so
    assert old_rules.evaluate(old_rules.load_case({"aandeel_onderaanneming": "29%"})).status("onderaanneming") == "voldaan"
    assert board.evaluation is before
    assert "bt-result" not in board.summary.value and "voldaan" not in board.summary.value
    assert "Niet geëvalueerd" in board.summary.value and "cel[4]" in board.summary.value
    assert not shown(board.tabs)
    assert "verouderd: het beleid is gewijzigd in cel[4]" in board.notice.value
    assert session.case["aandeel_onderaanneming"] == "41%"   # the stale form wrote nothing


def test_the_button_re_evaluates_with_the_new_rules(session):
    board = session.run_cell("evalueer", name="cel[3]", cell_id="c3")
    session.run_cell(STRICTER, name="cel[4]", cell_id="c4")
    board.form.inputs["aandeel_onderaanneming"].value = "29%"
    board.reevaluate_button.click()
    assert board.stale is None and board.policy is session.policy and board.policy_cell == "cel[4]"
    assert board.evaluation.outcome.status("onderaanneming") == "niet voldaan"   # 29% > 25%
    assert board.evaluation.outcome.case.data["aandeel_onderaanneming"] == Decimal("29")
    assert "Maximaal 25% onderaanneming" in board.tree.view.value
    assert shown(board.tabs) and not shown(board.reevaluate_button)
    assert "Opnieuw geëvalueerd met het beleid uit cel[4]" in board.notice.value
    assert "Weggelaten" not in board.notice.value   # every gegeven is still there
    # current again: an edit evaluates and is written into the session's case
    board.form.inputs["aandeel_onderaanneming"].value = "20%"
    assert board.evaluation.outcome.status("onderaanneming") == "voldaan"
    assert session.case["aandeel_onderaanneming"] == "20%"


def test_after_laad_the_old_form_never_writes_into_the_new_policys_case(session):
    board = session.run_cell("evalueer", name="cel[3]", cell_id="c3")
    session.run_cell(f'laad "{OTHER}"', name="cel[5]", cell_id="c5")
    assert "verouderd: het beleid is gewijzigd in cel[5]" in board.notice.value
    case_before = session.case
    board.form.inputs["omzet_2023"].value = "€ 100.000"
    assert session.case == case_before
    assert "omzet_2023" not in session.policy.model.fields
    board.reevaluate_button.click()
    assert board.policy is session.policy
    assert set(board.form.inputs) == set(session.policy.model.fields)
    dropped = board.notice.value
    assert "Weggelaten gegevens:" in dropped and "<b>omzet_2023</b>: niet in dit beleid" in dropped
    assert "<b>aandeel_onderaanneming</b>: niet in dit beleid" in dropped
    assert board.evaluation.policy is session.policy
    # the new form writes the new policy's gegevens
    board.form.inputs["triage"].value = True
    assert session.case == {"triage": True, "peildatum": "2024-04-01"}


def test_rerunning_the_same_policy_keeps_dashboards_current(session):
    board = session.run_cell("evalueer", name="cel[3]", cell_id="c3")
    policy = session.policy
    session.run_cell(f'laad "{WIJK}"', name="cel[6]", cell_id="c1")
    assert session.policy is policy and board.stale is None and not shown(board.notice_bar)
    board.form.inputs["aandeel_onderaanneming"].value = "33%"
    assert board.evaluation.outcome.status("onderaanneming") == "voldaan"
    assert session.case["aandeel_onderaanneming"] == "33%"


def test_a_dashboard_made_in_the_changing_cell_is_current(session):
    board = session.run_cell(STRICTER + "\nevalueer", name="cel[4]", cell_id="c4")
    assert board.stale is None and board.policy is session.policy and board.policy_cell == "cel[4]"
    assert board.evaluation.outcome.status("onderaanneming") == "niet voldaan"


def test_fit_case_drops_what_the_other_policy_cannot_read(compile_policy):
    new = compile_policy('gegevens\n  a : ja/nee "A"\n  b : bedrag "B"\neisen g "G"\n  eis e "E" vereist a\n')
    kept, dropped = fit_case(new.model, {"a": "€ 12", "b": "€ 12", "c": 1, "peildatum": "2024-01-01"})
    assert kept == {"b": "€ 12", "peildatum": "2024-01-01"}
    assert dropped["c"] == "niet in dit beleid"
    assert "ja/nee" in dropped["a"] or "ja of nee" in dropped["a"]


# ---------------------------------------------------------------- 2. memory stays flat
def test_rerunning_one_evalueer_cell_100_times_keeps_the_widget_count_flat():
    """A dashboard or widget kept per run shows as growth from the second run on (issue 12 asks
    for 100 runs)."""
    session = Session(base=ROOT, display=lambda obj: None)
    session.run_cell(f'laad "{OTHER}"', cell_id="a")
    session.run_cell('casus {"triage": true, "gzsp_in_groep": false, "peildatum": "2024-01-01"}', cell_id="b")
    boards, counts = [], []
    for _ in range(100):
        board = session.run_cell("evalueer", cell_id="c")
        boards.append(weakref.ref(board))
        del board
        counts.append(live_widgets())
    assert counts[0] > 100 and set(counts) == {counts[0]}
    gc.collect()
    assert sum(ref() is not None for ref in boards) == 1   # only the one still shown
    session.forget_cells(["c"])
    session._last = None   # what a Python cell may still hold; the session itself keeps nothing
    gc.collect()
    assert all(ref() is None for ref in boards)


EDITED = """beleid "Bewerkt"
gegevens
  omzet : bedrag
  zzp : ja/nee
eisen g "G"
  eis e "E" vereist omzet is ten minste € {}
beslissing soort "Soort" (eerste treffer)
  als zzp dan "zzp"
  als omzet is kleiner dan € 250.000 dan "klein"
  als omzet is ten minste € 250.000 dan "groot"
"""


def test_a_session_keeps_no_old_version_of_an_edited_policy(tmp_path, monkeypatch):
    """A policy edited six times in a notebook that shows a dashboard, a table (`evalueer alle`),
    `verschil vorige` and `toon`: the old versions are freed. Before, the batch plan and the cache of
    the comparison each kept every version (40 alive after 39 edits, where `compile_text`'s memory of
    recent texts accounts for 16)."""
    import dsl.policy as P
    from dsl.core.model import Policy

    monkeypatch.setattr(P, "RECENT_TEXTS", 1)
    rows = tmp_path / "rijen.csv"
    rows.write_text("omzet;zzp\n100;ja\n300000;nee\n", encoding="utf-8")
    session = Session(base=ROOT, display=lambda obj: None)
    for i in range(6):
        session.run_cell(EDITED.format(100 + i), cell_id="beleid")
        if i:
            session.run_cell("verschil vorige", cell_id="verschil")
        for j, cell in enumerate(['casus {"omzet": "€ 120.000", "zzp": false}', "evalueer", f'casussen "{rows}"',
                                  "evalueer alle", "toon soort"]):
            session.run_cell(cell, cell_id=f"c{j}")
    gc.collect()
    versions = sorted(p.text.split("€ ")[1][:3] for p in gc.get_objects() if type(p) is Policy and "Bewerkt" in p.text)
    assert versions[0] >= "104", versions   # the one shown and the one before it, for verschil vorige


def test_a_closed_dashboard_is_not_told_about_policy_changes(session):
    board = session.run_cell("evalueer", name="cel[3]", cell_id="c3")
    session.forget_cells(["c3"])
    ref = weakref.ref(board)
    del board
    session.run_cell(STRICTER, name="cel[4]", cell_id="c4")   # must not touch the closed one
    session._last = None
    gc.collect()
    assert ref() is None


# ---------------------------------------------------------------- 3. the form
@pytest.fixture()
def analyst_board():
    """The dashboard of the analyst notebook's case (notebooks/casus_thuiszorg_noord.json)."""
    raw = json.loads((ROOT / "notebooks" / "casus_thuiszorg_noord.json").read_text(encoding="utf-8"))
    board = Dashboard(shipped(ROOT / WIJK), raw)
    yield board
    board.close()


@pytest.fixture()
def dash():
    board = Dashboard(shipped(ROOT / WIJK), {"soort_aanbieder": "instelling", "omzet_2023": "€ 100.000"})
    yield board
    board.close()


def test_labels_are_descriptions_with_the_identifier_as_tooltip(dash):
    label = dash.form.labels["omzet_2023"].value
    assert "verwachte omzet wijkverpleging bij VGZ in 2023" in label and 'title="omzet_2023"' in label
    assert dash.form.inputs["omzet_2023"].tooltip == "omzet_2023"
    assert "bt-input-omzet_2023" in dash.form.inputs["omzet_2023"]._dom_classes
    assert dash.form.inputs["omzet_2023"].description == ""
    fields = dash.form.children[-1].children
    assert fields.index(dash.form.labels["omzet_2023"]) + 1 == fields.index(dash.form.inputs["omzet_2023"])


def test_the_inputs_of_one_kind_share_one_style_and_closing_the_form_closes_it(dash):
    """ipywidgets gives every input a Style model of its own: 215 of the 752 widgets of this
    dashboard were such copies. Now there is one per kind of input in the form, and it is closed
    with the form (a style made for a kind the policy lacks would have been left open)."""
    inputs = dash.form.inputs.values()
    for kind in (w.Checkbox, w.Text, w.DatePicker, w.Dropdown):
        styles = {id(widget.style) for widget in inputs if type(widget) is kind}
        assert len(styles) == 1, kind
    under = widgets_under(dash)
    assert len(under) < 560
    styles = [widget for widget in under if type(widget).__name__.endswith("Style")]
    dash.close()
    assert all(style.comm is None for style in styles)


def test_unknown_is_shown_as_onbekend_and_wis_reads(dash):
    choice = dash.form.inputs["benchmarkscore"]
    assert choice.label == UNKNOWN and choice.index == 0
    wtza = dash.form.inputs["voldoet_aan_wtza"]
    assert wtza.description == "(onbekend)"
    assert dash.form.clear_choice.label == CLEAR_PROMPT == "kies een gegeven om onbekend te maken"
    choice.value = "beste"
    wtza.value = True
    assert wtza.description == "ja" and dash.evaluation.outcome.case.data["voldoet_aan_wtza"] is True
    wtza.value = False
    assert wtza.description == "nee" and dash.evaluation.outcome.case.data["voldoet_aan_wtza"] is False
    labels = {v: k for k, v in dash.form.clear_choice.options}
    assert labels["benchmarkscore"] == dash.policy.model.fields["benchmarkscore"].description
    dash.form.clear_choice.value = "benchmarkscore"
    assert choice.label == UNKNOWN and "benchmarkscore" not in dash.form.raw
    assert dash.form.clear_choice.label == CLEAR_PROMPT
    choice.value = "beste"
    choice.index = 0   # choosing "onbekend" in the dropdown itself
    assert "benchmarkscore" not in dash.form.raw and "benchmarkscore" in dash.evaluation.outcome.missing


def test_placeholders_cannot_be_taken_for_values(dash):
    texts = [x for x in dash.form.inputs.values() if isinstance(x, w.Text)]
    assert texts and all(x.placeholder.startswith("bijv. ") for x in texts)
    assert dash.form.inputs["omzet_2023"].placeholder == "bijv. € 120.000"


def test_counts_in_dutch_and_no_doubled_words(dash):
    dash.whatif.filter.value = "alles"
    text = " ".join(text_of(str(getattr(x, "value", ""))) for x in widgets_under(dash)
                    if isinstance(getattr(x, "value", None), str))
    assert "(en)" not in text and "(s)" not in text
    assert f"{len(dash.policy.model.fields)} gegevens" in text_of(dash.form.children[0].value)
    doubled = [m.group(0) for m in re.finditer(r"\b(\w{3,}) \1\b", text)]
    assert doubled == []
    head = dash.whatif.html.split('data-name="overeenkomst"')[1].split(">", 1)[1].split("</div>")[0]
    assert text_of(head) == "Soort overeenkomst wijkverpleging 2024 : cliëntvolgende overeenkomst"


# ---------------------------------------------------------------- 4. what matters first
def test_summary_statuses_in_status_order(session):
    session.run_cell('casus {"soort_aanbieder": "instelling", "aandeel_onderaanneming": "41%", '
                     '"voldoet_aan_wtza": true}', cell_id="c2")
    board = session.run_cell("evalueer", cell_id="c3")
    eisen = board.summary.value.split('data-kind="eis">')[1].split("</div>")[0]
    order = re.findall(r'data-result="([^"]+)"', eisen)
    assert order == ["niet voldaan", "onbekend", "voldaan", "niet van toepassing"]
    assert order == [str(s) for s in STATUS_ORDER if str(s) in order]


def counts_shown(summary: str, kind: str) -> dict[str, int]:
    line = summary.split(f'data-kind="{kind}">')[1].split("</div>")[0]
    return {status: int(n) for status, n in re.findall(r'data-result="([^"]+)"[^>]*>[^<]*</span> (\d+)', line)}


def test_summary_counts_every_status_of_eisen_and_termijnen(analyst_board):
    """Every status that occurs is counted, deadlines passed without a date too, in STATUS_ORDER."""
    outcome = analyst_board.evaluation.outcome
    for kind in (RuleKind.REQUIREMENT, RuleKind.TIMELINE):
        expected: dict[str, int] = {}
        for result in outcome.of_kind(kind).values():
            expected[str(result.status)] = expected.get(str(result.status), 0) + 1
        shown = counts_shown(analyst_board.summary.value, str(kind))
        assert shown == expected
        assert list(shown) == [str(s) for s in STATUS_ORDER if str(s) in shown]
    termijnen = counts_shown(analyst_board.summary.value, "termijn")
    assert termijnen["niet gehaald"] == 1 and termijnen["verstreken zonder datum"] == 15


def test_every_status_has_a_mark_and_a_colour():
    for status in Status:
        mark, colour = STATUS_MARKS[status]
        assert mark and colour.startswith("#") and f"{mark} {status}" in badge(status)
    assert STATUS_MARKS[Status.VERSTREKEN_ZONDER_DATUM] == ("!", AMBER)
    assert STATUS_MARKS[Status.NIET_GEHAALD] == ("✘", RED) and AMBER != RED


def test_passed_without_a_date_is_amber_in_summary_tree_and_timeline(analyst_board):
    outcome = analyst_board.evaluation.outcome
    passed = [n for n, r in outcome.of_kind(RuleKind.TIMELINE).items() if r.status is Status.VERSTREKEN_ZONDER_DATUM]
    missed = [n for n, r in outcome.of_kind(RuleKind.TIMELINE).items() if r.status is Status.NIET_GEHAALD]
    assert passed and missed == ["antwoord_ophoging"]
    amber = f'data-result="verstreken zonder datum" style="color:{AMBER};font-weight:600">! verstreken zonder datum'
    assert amber in analyst_board.summary.value
    tree = analyst_board.tree.view.value
    for name in passed:
        item = tree.split(f'data-name="{name}"')[1].split("</summary>")[0]
        assert amber in item
    timeline = analyst_board.timeline.value
    for name in passed:
        row = timeline.split(f'data-name="{name}"')[1].split('class="bt-deadline"')[0]
        assert row.startswith(' data-status="verstreken zonder datum"')
        assert f"color:{AMBER};" in row and "<b>! verstreken zonder datum</b>" in row
    missed_row = timeline.split('data-name="antwoord_ophoging"')[1].split('class="bt-deadline"')[0]
    assert f"color:{RED};" in missed_row and "<b>✘ niet gehaald</b>" in missed_row


class _Details(HTMLParser):
    """The nesting of <details> in the tree's HTML: (class, data-name, open, children)."""

    def __init__(self):
        super().__init__()
        self.root: list = []
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        if tag == "details":
            a = dict(attrs)
            node: tuple[str | None, str | None, bool, list] = (a.get("class"), a.get("data-name"), "open" in a, [])
            self.stack[-1].append(node)
            self.stack.append(node[3])

    def handle_endtag(self, tag):
        if tag == "details":
            self.stack.pop()


def details_of(html: str) -> list:
    parser = _Details()
    parser.feed(html)
    return parser.root


def test_the_tree_shows_failing_and_unknown_first_and_folds_the_rest(analyst_board):
    """At the top and inside a group: what fails or needs attention first, in STATUS_ORDER;
    what is in order or does not apply folded in a closed <details> that says how many."""
    outcome = analyst_board.evaluation.outcome
    rank = {s: i for i, s in enumerate(STATUS_ORDER)}
    top = details_of(analyst_board.tree.view.value)
    *first, rest = top
    assert rest[0] == "bt-rest" and not rest[2] and all(node[0] == "bt-node" for node in first)
    statuses = [outcome.status(node[1]) for node in first]
    assert all(s in NOT_IN_ORDER for s in statuses) and [rank[s] for s in statuses] == sorted(rank[s] for s in statuses)
    assert first[0][1:3] == ("minimumeisen", True) and "antwoord_ophoging" in [n[1] for n in first]
    folded = [outcome.status(node[1]) for node in rest[3]]
    assert folded and not any(s in NOT_IN_ORDER for s in folded)
    *failing, group_rest = first[0][3]
    assert [n[1] for n in failing[:2]] == ["fte_niveau_6", "onderaanneming"]
    assert {outcome.status(n[1]) for n in failing} == {Status.NIET_VOLDAAN, Status.ONBEKEND}
    assert group_rest[0] == "bt-rest" and not group_rest[2] and "aanspraak_vv" in [n[1] for n in group_rest[3]]
    html = analyst_board.tree.view.value
    heading = html.split('data-name="minimumeisen" open')[1].split('<details class="bt-rest"')[1].split("</summary>")[0]
    in_group = [outcome.status(n[1]) for n in group_rest[3]]
    assert f"Verder {len(in_group)} regels:" in heading
    assert f"✔ voldaan</span> {in_group.count(Status.VOLDAAN)}" in heading
    assert f"– niet van toepassing</span> {in_group.count(Status.NVT)}" in heading


def test_each_suggestion_has_its_own_apply_button(session):
    board = session.run_cell("evalueer", cell_id="c3")
    view = board.whatif
    assert view.filter.value == "niet in orde"
    rules = {s.rule for s, _ in view.rows}
    assert {"onderaanneming", "overeenkomst"} <= rules   # failing ones only
    assert {str(board.evaluation.outcome.status(r)) for r in rules} <= {"niet voldaan", "niet gehaald", "geen uitkomst"}
    for s, button in view.rows:
        row = next(r for r in view.list.children if button in getattr(r, "children", ()))
        assert row.children[0].value.count(s.sentence.split(",")[0]) == 1 and row.children[1] is button
    suggestion, button = next((s, b) for s, b in view.rows if s.rule == "onderaanneming")
    assert button.description == "Pas toe" and suggestion.proposed == "33%"
    button.click()
    assert board.form.inputs["aandeel_onderaanneming"].value == "33%"
    assert board.evaluation.outcome.status("onderaanneming") == "voldaan"
    assert session.case["aandeel_onderaanneming"] == "33%"


def test_whatif_lists_failing_rules_first(session):
    board = session.run_cell("evalueer", cell_id="c3")
    board.whatif.filter.value = "alles"
    names = re.findall(r'class="bt-whatif" data-name="([^"]+)"', board.whatif.html)
    statuses = [board.evaluation.outcome.status(n) for n in names]
    rank = {s: i for i, s in enumerate(STATUS_ORDER)}
    assert [rank[s] for s in statuses] == sorted(rank[s] for s in statuses)
    assert statuses[0] in ("niet voldaan", "geen uitkomst") and "onbekend" in statuses
    count = live_widgets()
    board.whatif.filter.value = "niet in orde"
    board.whatif.filter.value = "alles"
    assert live_widgets() == count   # rows are closed when the view is rebuilt
