"""`casussen` and `evalueer alle` in the notebook: a table of cases evaluated at once.

The widget tests need no kernel: the session runs the two cells on the district-nursing policy
and a small table written to tmp_path, then the tests set the filter, click a row's button and
read what the widgets show (the visible rows, the summary, the charts, the dashboard of the
opened case). One test runs the same cells through a real kernel process.
"""

from __future__ import annotations

import csv
import re
import warnings
from collections import Counter
from decimal import Decimal
from html import unescape
from pathlib import Path

import attrs
import ipywidgets as w
import pytest

from dsl.core import model as M
from dsl.core.expr import Const
from kernel.batch import thresholds
from kernel.cells import CellError
from kernel.session import Session
from kernel.widgets.batch import PAGE, BatchView
from tests.conftest import shipped, start_new_kernel
from tests.test_kernel import run

ROOT = Path(__file__).resolve().parent.parent
POLICY = ROOT / "policies" / "wijkverpleging_2024.beleid"

# Five kinds of provider, in turn; every third one has too little fte niveau 6 in loondienst.
PATTERN = (
    ({"soort_aanbieder": "zzp", "bestaande_zzp_overeenkomst": "ja", "omzet_2023": "40000"}, "zzp-overeenkomst"),
    ({"soort_aanbieder": "instelling", "omzet_2023": "120000"}, "cliëntvolgende overeenkomst"),
    ({"soort_aanbieder": "instelling", "omzet_2023": "900000", "benchmarkscore": "beste"}, "plusovereenkomst"),
    ({"soort_aanbieder": "instelling", "omzet_2023": "900000", "benchmarkscore": "overig"}, "standaardovereenkomst"),
    ({"soort_aanbieder": "instelling", "omzet_2023": "250000"}, None),  # the gap: geen uitkomst
)
ROWS = 30                 # and one more that is refused
COLUMNS = ("agb", "soort_aanbieder", "bestaande_zzp_overeenkomst", "omzet_2023", "benchmarkscore",
           "uitgesloten_van_benchmark", "fte_niveau_6_loondienst")


def agb(i: int) -> str:
    return f"03-{500 + i:06d}"


def case_of(i: int) -> dict:
    values, _ = PATTERN[i % len(PATTERN)]
    return {"agb": agb(i), "bestaande_zzp_overeenkomst": "nee", "benchmarkscore": "overig",
            "uitgesloten_van_benchmark": "nee", "fte_niveau_6_loondienst": "0.5" if i % 3 == 0 else "2", **values}


def expected(i: int) -> str | None:
    return PATTERN[i % len(PATTERN)][1]


def write_table(path: Path) -> Path:
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(case_of(i) for i in range(ROWS))
        writer.writerow({**case_of(ROWS), "omzet_2023": "veel"})
    return path


@pytest.fixture(scope="module")
def policy():
    return shipped(POLICY)


@pytest.fixture(scope="module")
def table(tmp_path_factory):
    return write_table(tmp_path_factory.mktemp("casussen") / "aanbieders.csv")


@pytest.fixture(scope="module")
def loaded(table):
    """A session that ran `laad` on the policy, once for the module (a `laad` took 0.5-3 s)."""
    s = Session(base=table.parent, display=lambda obj: None)
    s.run_cell(f'laad "{POLICY}"')
    return s


def fresh_session(loaded: Session, base: Path, display) -> Session:
    """A new session in the state `loaded` reached: the state (policy, case, table) is frozen and
    replaced as a whole by every cell, so the new session shares nothing a test can change; its
    widgets, open dashboards and cell counter are its own."""
    s = Session(base=base, display=display)
    s.state = attrs.evolve(loaded.state, case=dict(loaded.state.case))   # the one mutable part, copied
    s.counter = loaded.counter
    return s


@pytest.fixture()
def session(loaded, table):
    return fresh_session(loaded, table.parent, lambda obj: None)


@pytest.fixture()
def view(session):
    session.run_cell('casussen "aanbieders.csv"')
    board = session.run_cell("evalueer alle", cell_id="tabel")
    yield board
    board.close()


@pytest.fixture(autouse=True, scope="module")
def _close_all():
    yield
    w.Widget.close_all()


def live_widgets() -> int:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return sum(1 for widget in list(w.Widget.widgets.values()) if widget.comm is not None)


def text(html: str) -> str:
    """What a widget's HTML reads as: tags dropped, entities resolved, spaces collapsed."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


# ---------------------------------------------------------------- casussen
def test_casussen_reports_rows_columns_and_misspelt_columns(session, tmp_path):
    report = session.run_cell('casussen "aanbieders.csv"')
    shown = repr(report)
    assert shown.startswith(f"Casussen uit aanbieders.csv: {ROWS + 1} rijen, {len(COLUMNS)} kolommen.")
    assert "6 kolommen zijn gegevens van het beleid: soort_aanbieder, bestaande_zzp_overeenkomst, omzet_2023" in shown
    assert "1 kolom gaat als sleutel mee: agb" in shown
    assert re.search(r"geen kolom voor \d+ gegevens \(overal onbekend\): agb_code_vv, ", shown)
    assert session.table.rows == ROWS + 1
    misspelt = tmp_path / "spelfout.jsonl"
    misspelt.write_text('{"omzet_2032": 1, "soort_aanbieder": "zzp"}\n', encoding="utf-8")
    report = session.run_cell(f'casussen "{misspelt}"')
    assert "let op: kolom 'omzet_2032' is geen gegeven van het beleid (bedoelde u 'omzet_2023'?)" in repr(report)
    assert "bedoelde u" in report._repr_html_()


def test_missing_file_is_a_dutch_error_on_the_cell_line(session):
    before = session.state
    with pytest.raises(CellError) as info:
        session.run_cell('# tabel\ncasussen "weg.csv"', name="cel[4]")
    rendered = info.value.render()
    assert rendered.startswith("cel[4]:2:10: fout: kan de casussen 'weg.csv' niet lezen: het bestand bestaat niet")
    assert "Traceback" not in rendered
    assert session.state is before


def test_wrong_format_and_missing_quotes_are_dutch_errors(session, tmp_path):
    (tmp_path / "tabel.xlsx").write_bytes(b"PK")
    with pytest.raises(CellError, match=r"cel\[1\]:1:10: fout: kan de casussen '.*tabel.xlsx' niet lezen: "
                                        r"onbekend bestandsformaat '.xlsx'; gebruik .csv, .parquet of .jsonl"):
        session.run_cell(f'casussen "{tmp_path / "tabel.xlsx"}"', name="cel[1]")
    with pytest.raises(CellError, match=r"cel\[2\]:1:10: fout: 'casussen' verwacht een bestandsnaam tussen aanhalingstekens"):
        session.run_cell("casussen aanbieders.csv", name="cel[2]")


def test_a_table_that_would_be_misread_is_refused_in_the_cell_in_the_readers_words(session):
    """The file-level refusals of `beleid evalueer --casussen` (tests/bad_inputs/tabel), once: the
    cell names the file, the reader the problem."""
    tables = ROOT / "tests" / "bad_inputs" / "tabel"
    for file, reason in [("dubbele_kolom.csv", "kolom 'omzet_2023' staat 2 keer in de kopregel (kolommen 2 en 3)"),
                         ("windows_1252.csv", "het bestand is niet in UTF-8 geschreven")]:
        with pytest.raises(CellError) as info:
            session.run_cell(f'casussen "{tables / file}"', name="cel[3]")
        assert info.value.render().startswith(f"cel[3]:1:10: fout: kan de casussen '{tables / file}' niet lezen: {reason}")
    # a decimal comma in a comma-separated file refuses its row, not the table
    session.run_cell(f'casussen "{tables / "komma_in_getal.csv"}"')
    view = session.run_cell("evalueer alle")
    assert "2 rijen, 1 geëvalueerd, 1 geweigerd" in repr(view)
    assert "geweigerd: rij 1: de rij heeft meer velden dan de kopregel (3): staat er een decimale komma" in repr(view)
    view.close()


def test_evalueer_alle_needs_a_table_and_evalueer_takes_only_alle(session):
    with pytest.raises(CellError, match=r"cel\[7\]:1:1: fout: er zijn nog geen casussen om te evalueren"):
        session.run_cell("evalueer alle", name="cel[7]")
    with pytest.raises(CellError, match=r"cel\[8\]:1:10: fout: 'evalueer' kent alleen 'alle' als argument, "
                                        r"maar hier staat 'allemaal'"):
        session.run_cell("evalueer allemaal", name="cel[8]")


# ---------------------------------------------------------------- summary
def test_summary_counts_match_case_by_case_in_status_order(view, policy):
    truth: dict[M.RuleKind, Counter] = {}
    for i in range(ROWS):
        case = {k: v for k, v in case_of(i).items() if k != "agb"}
        case["omzet_2023"] = Decimal(case["omzet_2023"])
        case["fte_niveau_6_loondienst"] = Decimal(case["fte_niveau_6_loondienst"])
        outcome = policy.evaluate(case)
        for name, rule in policy.model.rules.items():
            truth.setdefault(rule.kind, Counter())[outcome.status(name)] += 1
    assert dict(view.evaluation.kind_counts()) == truth
    html = view.summary.value
    statuses = re.findall(r'<tr data-status="([^"]+)">', html)
    assert statuses == [s.value for s in M.STATUS_ORDER if any(t[s] for t in truth.values())]
    kinds = re.findall(r'<th[^>]*data-kind="([^"]+)"', html)
    assert kinds == ["groep", "eis", "beslissing", "termijn", "berekening"]
    table = {status: [text(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row)[1:]]
             for status, row in re.findall(r'<tr data-status="([^"]+)">(.*?)</tr>', html)}
    for status in statuses:
        assert table[status] == [f"{truth[M.RuleKind(k)][status]:,}".replace(",", ".")
                                 if truth[M.RuleKind(k)][status] else "·" for k in kinds]
    assert table["geen uitkomst"][kinds.index("beslissing")] == str(ROWS // len(PATTERN))
    assert f"{ROWS + 1} rijen, {ROWS} geëvalueerd, 1 geweigerd" in text(html)
    assert f"rij {ROWS + 1}: gegeven 'omzet_2023': 'veel' is geen bedrag" in text(html)
    assert repr(view).startswith(f"Inkoopbeleid Wijkverpleging 2024 op aanbieders.csv: {ROWS + 1} rijen, "
                                 f"{ROWS} geëvalueerd, 1 geweigerd")


# ---------------------------------------------------------------- rows and filters
def test_first_page_and_paging(view):
    assert view.visible() == list(range(1, PAGE + 1))
    assert text(view.position.value) == f"rijen 1–{PAGE} van {ROWS + 1}"
    assert view.previous.disabled
    view.next.click()
    assert view.visible() == list(range(PAGE + 1, 2 * PAGE + 1))
    view.next.click()
    assert view.visible() == list(range(2 * PAGE + 1, ROWS + 2))
    assert view.next.disabled
    hidden = [b for b in view.row_buttons if b.layout.display == "none"]
    assert len(hidden) == 3 * PAGE - ROWS - 1


def test_filter_on_a_decision_outcome_shows_its_rows(view):
    view.rule.value = "overeenkomst"
    labels = [label for label, _ in view.choice.options]
    assert labels[:4] == ["uitkomst: zzp-overeenkomst (6)", "uitkomst: cliëntvolgende overeenkomst (6)",
                          "uitkomst: plusovereenkomst (6)", "uitkomst: standaardovereenkomst (6)"]
    assert "geen uitkomst (6)" in labels
    view.choice.value = labels.index("uitkomst: cliëntvolgende overeenkomst (6)")
    wanted = [i + 1 for i in range(ROWS) if expected(i) == "cliëntvolgende overeenkomst"]
    assert view.visible() == wanted
    lines = [line.value for line in view.row_lines if line.layout.display != "none"]
    assert len(lines) == len(wanted)
    assert all("cliëntvolgende overeenkomst" in line for line in lines)
    assert f'data-row="{wanted[0]}"' in lines[0] and agb(wanted[0] - 1) in lines[0]
    assert "geweigerd" not in view.header.value  # no refused row on this page
    assert [b.description for b in view.row_buttons[:len(wanted)]] == [str(n) for n in wanted]
    assert text(view.found.value) == f"{len(wanted)} van {ROWS + 1} rijen"


def test_filter_on_a_requirement_status(view):
    view.rule.value = "fte_niveau_6"
    options = dict(view.choice.options)
    view.choice.value = options["niet voldaan (10)"]
    assert view.visible() == [i + 1 for i in range(ROWS) if i % 3 == 0]
    assert "fte_niveau_6" in view.header.value
    assert 'data-result="niet voldaan"' in view.row_lines[0].value
    view.choice.value = options["voldaan (20)"]
    assert view.visible()[:3] == [2, 3, 5]


def test_filter_on_refused_rows(view):
    view.rule.value = "(geweigerd)"
    assert view.visible() == [ROWS + 1]
    assert "'veel' is geen bedrag" in text(view.row_lines[0].value) and "geweigerd" in view.header.value
    view.rule.value = "(alle)"
    assert len(view.visible()) == PAGE and view.choice.disabled


# ---------------------------------------------------------------- opening a row
def test_clicking_a_row_opens_the_dashboard_of_that_case(view):
    view.rule.value = "overeenkomst"
    view.choice.value = 2  # uitkomst: plusovereenkomst
    row = view.visible()[1]
    view.row_buttons[1].click()
    board = view.dashboard
    assert board is not None and view.case_area.children[-1] is board
    assert board.evaluation.outcome.value("overeenkomst") == "plusovereenkomst"
    assert board.evaluation.outcome.case.data["omzet_2023"] == Decimal("900000")
    assert board.form.inputs["agb_code_vv"].description.endswith("(onbekend)")
    assert board.form.inputs["omzet_2023"].value == "€ 900.000,00"
    assert "plusovereenkomst" in board.summary.value
    assert f"Rij {row}" in view.case_head.value and agb(row - 1) in view.case_head.value
    assert view.row_buttons[1].button_style == "info"
    # the explanation and the steps of that case are there
    assert "Stap 1 van" in board.player.view.value
    assert 'data-name="overeenkomst"' in board.tree.view.value


def test_opening_another_row_closes_the_previous_dashboard(view):
    from kernel.widgets.lifecycle import widgets_under

    view.row_buttons[0].click()
    first = view.dashboard
    under = widgets_under(first)
    count = live_widgets()
    view.row_buttons[1].click()
    assert first.comm is None and first.form.comm is None and first.player._link.comm is None
    assert all(w.comm is None for w in under)   # every widget of the old dashboard is closed
    view.row_buttons[0].click()
    assert live_widgets() == count  # the same row again: as many widgets as the first time, memory flat


def test_key_field_opens_a_row_by_key_or_number(view):
    view.key.value = agb(6)
    assert view.opened == 7 and view.dashboard.evaluation.outcome.value("overeenkomst") == "cliëntvolgende overeenkomst"
    view.key.value = "3"
    assert view.opened == 3
    view.key.value = "99-999"
    assert view.opened == 3
    assert text(view.message.value) == "geen rij met sleutel '99-999' in agb, en geen rijnummer van 1 tot en met 31"


def test_a_refused_row_shows_its_reason_not_a_dashboard(view):
    view.key.value = str(ROWS + 1)
    assert view.dashboard is None
    assert text(view.message.value).startswith(f"rij {ROWS + 1} is geweigerd: gegeven 'omzet_2023': 'veel' is geen bedrag")


# ---------------------------------------------------------------- charts
def test_bar_chart_of_the_outcomes_per_decision(view):
    html = view.charts.value
    block = re.search(r'<div class="bt-decision-charts" data-name="overeenkomst".*?</svg>', html, re.S).group(0)
    bars = dict(re.findall(r'<g class="bt-bar" data-label="([^"]+)" data-count="(\d+)"', block))
    assert bars == {"zzp-overeenkomst": "6", "cliëntvolgende overeenkomst": "6", "plusovereenkomst": "6",
                    "standaardovereenkomst": "6", "geen uitkomst": "6"}
    assert '<div class="bt-decision-charts" data-name="looptijd_plusovereenkomst"' not in html


def test_histogram_marks_the_thresholds_of_the_decision(view):
    html = view.charts.value
    histogram = re.search(r'<svg class="bt-histogram" data-name="omzet_2023".*?</svg>', html, re.S).group(0)
    assert histogram.count('<g class="bt-threshold"') == 1
    assert '<g class="bt-threshold" data-value="€ 250.000">' in histogram
    # exact counts on either side: 6 + 6 below, 6 exactly at, 12 above
    assert "€ 250.000 : 12 eronder · 6 precies erop · 12 erboven" in text(html)
    stacked = sum(map(sum, view.evaluation.histograms(view.evaluation.model.rules["overeenkomst"])[0].stacks))
    assert stacked == ROWS


def test_thresholds_come_from_the_core_model(policy, compile_policy):
    found = thresholds(policy.model.rules["overeenkomst"])
    assert list(found) == ["omzet_2023"]
    assert [c.value for c in found["omzet_2023"]] == [Decimal("250000")]
    other = compile_policy('gegevens\n  a : bedrag "A"\n  n : aantal "N"\n  s : keuze uit "x", "y" "S"\n'
                           'beslissing b "B" (eerste treffer)\n'
                           '  als € 10 is kleiner dan a dan "hoog"\n'
                           '  als n ligt tussen 2 en 5 en s is "x" dan "midden"\n'
                           '  anders "laag"\n')
    found = thresholds(other.model.rules["b"])
    assert {name: [c.value for c in consts] for name, consts in found.items()} == \
        {"a": [Decimal("10")], "n": [2, 5]}
    assert all(isinstance(c, Const) for consts in found.values() for c in consts)


# ---------------------------------------------------------------- closing
def test_rerunning_the_cell_closes_the_whole_view(session):
    session.run_cell('casussen "aanbieders.csv"')
    first = session.run_cell("evalueer alle", cell_id="b")
    first.row_buttons[0].click()
    board = first.dashboard
    assert session.last is first
    second = session.run_cell("evalueer alle", cell_id="b")
    assert first.comm is None and board.comm is None and first.rule.layout.comm is None
    assert second.comm is not None and session.last is second
    session.forget_cells(["b"])
    assert second.comm is None


def test_a_failing_cell_closes_the_view_it_made(session):
    session.run_cell('casussen "aanbieders.csv"')
    count = live_widgets()
    with pytest.raises(CellError, match="'bestaat_niet' is geen gegeven of regel"):
        session.run_cell("evalueer alle\ntoon bestaat_niet", cell_id="c")
    assert live_widgets() == count


def test_view_without_key_columns_opens_rows_by_number(policy, tmp_path):
    import polars as pl

    from kernel.casussen import CaseTable

    frame = pl.DataFrame({"omzet_2023": ["100000", "300000"], "soort_aanbieder": ["instelling", "instelling"]})
    view = BatchView(policy, CaseTable("tabel", frame, True))
    try:
        assert view.evaluation.keys == ()
        view.key.value = "2"
        assert view.dashboard.evaluation.outcome.case.data["omzet_2023"] == Decimal("300000")
    finally:
        view.close()


def test_jsonl_table_with_a_mixed_key_column_and_a_blank_line(session, tmp_path):
    (tmp_path / "gemengd.jsonl").write_text(
        '{"id": 1, "omzet_2023": 120000, "soort_aanbieder": "instelling"}\n'
        '{"id": "b", "omzet_2023": 900000.5, "soort_aanbieder": "instelling", "benchmarkscore": "beste",'
        ' "uitgesloten_van_benchmark": false}\n'
        "\n", encoding="utf-8")
    session.base = tmp_path
    session.run_cell('casussen "gemengd.jsonl"')
    view = session.run_cell("evalueer alle")
    try:
        assert repr(view).startswith("Inkoopbeleid Wijkverpleging 2024 op gemengd.jsonl: 3 rijen, 2 geëvalueerd, 1 geweigerd")
        assert "geweigerd: rij 3: regel 3 is leeg" in repr(view)
        view.key.value = "b"
        assert view.opened == 2
        assert view.dashboard.evaluation.outcome.case.data["omzet_2023"] == Decimal("900000.5")
        assert view.dashboard.evaluation.outcome.value("overeenkomst") == "plusovereenkomst"
    finally:
        view.close()


# ---------------------------------------------------------------- through the kernel
def _run(kc, code: str):
    return run(kc, code, timeout=60)   # tests/test_kernel.py's request runner, with more time


def test_the_two_cells_through_the_kernel(table):
    km, kc = start_new_kernel(kernel_name="beleidstaal", cwd=str(table.parent))
    try:
        reply, outputs = _run(kc, f'laad "{POLICY}"\ncasussen "aanbieders.csv"')
        assert reply["content"]["status"] == "ok", outputs
        shown = [m["content"]["data"]["text/plain"] for m in outputs
                 if m["msg_type"] in ("execute_result", "display_data")]
        assert any(s.startswith(f"Casussen uit aanbieders.csv: {ROWS + 1} rijen") for s in shown), shown
        reply, outputs = _run(kc, "evalueer alle")
        assert reply["content"]["status"] == "ok"
        assert not [m for m in outputs if m["msg_type"] in ("error", "stream")]
        result = next(m for m in outputs if m["msg_type"] == "execute_result")["content"]["data"]
        assert result["text/plain"].startswith(f"Inkoopbeleid Wijkverpleging 2024 op aanbieders.csv: {ROWS + 1} rijen, "
                                               f"{ROWS} geëvalueerd, 1 geweigerd")
        assert "application/vnd.jupyter.widget-view+json" in result
        states = [m["content"]["data"]["state"] for m in outputs if m["msg_type"] == "comm_open"]
        summary = next(s["value"] for s in states if 'class="bt-batch-summary"' in str(s.get("value", "")))
        assert '<tr data-status="niet voldaan">' in summary
        reply, outputs = _run(kc, '\ncasussen "weg.csv"')
        errors = [m for m in outputs if m["msg_type"] == "error"]
        assert reply["content"]["status"] == "error" and len(errors) == 1
        rendered = "\n".join(errors[0]["content"]["traceback"])
        assert re.search(r"cel\[\d+\]:2:10: fout: kan de casussen 'weg.csv' niet lezen: het bestand bestaat niet",
                         rendered)
        assert "Traceback" not in rendered
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
