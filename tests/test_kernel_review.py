"""The reviewer's cells: `controleer`, `dekking`, `verschil`, and batch views that go stale.

Through the real `Session` on the shipped district-nursing policy (its € 250.000 gap), with small
search budgets (`snel`); the interrupt is a real KeyboardInterrupt delivered to the main thread
(`_thread.interrupt_main`, what Ctrl-C and the kernel's interrupt do) while `controleer` runs,
and once through a real kernel process.
"""

from __future__ import annotations

import _thread
import os
import re
from decimal import Decimal
from html import unescape
from pathlib import Path

import ipywidgets as w
import pytest

from dsl.analysis import check_policy
from kernel.cells import CellError
from kernel.session import Session
from kernel.widgets.review import OPEN, ConsistencyView, DiffView, Progress
from tests.conftest import shipped, start_new_kernel
from tests.test_kernel import run
from tests.test_kernel_batch import fresh_session, write_table

ROOT = Path(__file__).resolve().parent.parent
POLICY = ROOT / "policies" / "wijkverpleging_2024.beleid"
LINES = POLICY.read_text(encoding="utf-8").split("\n")
# The decision `overeenkomst` as written, and with the gap closed.
_START = next(i for i, line in enumerate(LINES) if line.startswith("beslissing overeenkomst "))
DECISION = "\n".join(LINES[_START:LINES.index("", _START)])   # the decision, up to its blank line
CLOSED = DECISION.replace("kleiner dan € 250.000", "ten hoogste € 250.000")


@pytest.fixture(autouse=True, scope="module")
def _close_all():
    yield
    w.Widget.close_all()


@pytest.fixture()
def shown() -> list:
    return []


@pytest.fixture(scope="module")
def loaded() -> Session:
    """A session that ran `laad` on the policy as cel[1], once for the module."""
    s = Session(base=ROOT, display=lambda obj: None)
    s.run_cell(f'laad "{POLICY}"', name="cel[1]")
    return s


@pytest.fixture()
def session(loaded, shown) -> Session:
    """A new session in the loaded state (`tests.test_kernel_batch.fresh_session`)."""
    return fresh_session(loaded, ROOT, shown.append)


def text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def all_text(view) -> str:
    out, stack = [], [view]
    while stack:
        widget = stack.pop(0)
        if isinstance(widget, w.HTML):
            out.append(text(widget.value))
        stack.extend(getattr(widget, "children", ()))
    return "\n".join(out)


# ---------------------------------------------------------------- controleer
def test_controleer_finds_the_gap_at_250000_as_the_cli_does(session, shown):
    view = session.run_cell("controleer snel", name="cel[2]")
    assert isinstance(view, ConsistencyView)
    cli = check_policy(shipped(POLICY))
    assert [(f.kind, f.rule) for f in view.report.findings] == [(f.kind, f.rule) for f in cli.findings] \
        == [("gat", "overeenkomst")] + [("onbekend_blokkeert", "overeenkomst")] * 3
    finding = view.report.findings[0]
    assert finding.case["omzet_2023"] == Decimal("250000.00") and finding.confirmed is True
    shown_text = all_text(view)
    assert "gat (geen regel van toepassing) — 1" in shown_text
    assert "omzet_2023 = € 250.000,00" in shown_text
    assert f"{POLICY}:{_START + 1}:1 (beslissing)" in shown_text   # where it was written, not the composed text
    assert [b.description for b in view.open_buttons] == [OPEN] * 4
    assert repr(view).startswith("Consistentie van 'Inkoopbeleid Wijkverpleging 2024': 4 bevindingen (1 gat, "
                                 "3 onbekend blokkeert): 0 nieuw, 4 in het document.")   # all recorded with `bekend`
    (progress,) = [o for o in shown if isinstance(o, Progress)]
    assert progress.state == "klaar" and progress.total == len(shipped(POLICY).model.rules)
    assert repr(progress) == f"controleren: klaar ({progress.total} regels)"


def test_open_als_casus_makes_the_counterexample_the_case_and_shows_its_dashboard(session):
    view = session.run_cell("controleer snel", name="cel[2]")
    view.open_buttons[0].click()
    board = view.dashboard
    assert board is not None and board in view.case_area.children
    assert board.evaluation.outcome["overeenkomst"].status == "geen uitkomst"
    assert board.policy is session.policy
    assert Decimal(str(session.case["omzet_2023"])) == Decimal("250000")
    assert session.case["soort_aanbieder"] == "instelling"
    assert "gat: overeenkomst" in text(view.case_head.value)
    # the session's `evalueer` now evaluates that case
    again = session.run_cell("evalueer", name="cel[3]")
    assert again.evaluation.outcome["overeenkomst"].status == "geen uitkomst"


def test_a_changed_policy_makes_the_report_stale_and_opens_nothing(session):
    view = session.run_cell("controleer snel", name="cel[2]")
    view.open_buttons[0].click()
    opened = view.dashboard
    session.run_cell(CLOSED, name="cel[3]")
    assert "verouderd: het beleid is gewijzigd in cel[3]" in text(view.notice.value)
    assert view.notice.layout.display == ""
    assert all(b.disabled for b in view.open_buttons)
    assert opened.stale == "cel[3]"   # the dashboard it opened is told as well
    view.open_case(view.report.findings[0].case, "gat: overeenkomst")
    assert view.dashboard is opened and "niet geopend" in text(view.case_head.value)


def test_interrupted_controleer_is_onderbroken_and_leaves_the_session_intact(session, shown, python_handles_ctrl_c):
    session.run_cell('casus omzet_2023 = € 100.000, soort_aanbieder = "instelling"', name="cel[2]")
    before = (session.policy, session.state, session.case)

    def interrupt(progress):
        if progress.state == "bezig":
            _thread.interrupt_main()   # a real KeyboardInterrupt in this (the main) thread, as Ctrl-C

    session.display = lambda obj: (shown.append(obj), obj.on_update(interrupt) if isinstance(obj, Progress) else None)
    with pytest.raises(CellError) as caught:
        session.run_cell("controleer", name="cel[3]")
    message = caught.value.render()
    assert message.startswith("cel[3]:1:1: fout: onderbroken: 'controleer' is niet afgemaakt; de sessie is ongewijzigd")
    assert "Traceback" not in message and "KeyboardInterrupt" not in message
    assert (session.policy, session.state, session.case) == before
    progress = next(o for o in shown if isinstance(o, Progress))
    assert progress.state == "onderbroken" and repr(progress).startswith("controleren: onderbroken bij regel 1 van")
    session.display = shown.append
    assert session.run_cell("evalueer", name="cel[4]").evaluation.outcome["overeenkomst"].value \
        == "cliëntvolgende overeenkomst"


@pytest.mark.parametrize(("cell", "message"), [
    ("controleer grondig", "cel[2]:1:12: fout: 'grondig' is geen optie van 'controleer'"),
    ("dekking nu", "cel[2]:1:9: fout: 'dekking' heeft geen argumenten, maar hier staat 'nu'"),
    ('verschil "weg.beleid"', "cel[2]:1:10: fout: kan het beleid 'weg.beleid' niet lezen: "),
    ("verschil vorige", "cel[2]:1:10: fout: er is nog geen vorige versie van het beleid in deze sessie"),
    ("verschil", "cel[2]:1:9: fout: 'verschil' verwacht een bestandsnaam tussen aanhalingstekens of 'vorige'"),
])
def test_bad_use_is_a_dutch_error_on_the_cell_line(session, cell, message):
    with pytest.raises(CellError) as caught:
        session.run_cell(cell, name="cel[2]")
    assert caught.value.render().startswith(message)


@pytest.mark.parametrize("cell", ["controleer", "dekking", 'verschil "x.beleid"'])
def test_without_a_policy_the_reviewer_cells_say_so(cell):
    with pytest.raises(CellError) as caught:
        Session(base=ROOT, display=lambda obj: None).run_cell(cell, name="cel[1]")
    assert re.match(r"cel\[1\]:1:1: fout: er is nog geen beleid om te (controleren|toetsen|vergelijken)",
                    caught.value.render())


# ---------------------------------------------------------------- dekking
def test_dekking_reports_the_parts_no_voorbeeld_reaches(session):
    view = session.run_cell("dekking", name="cel[2]")
    hit, total = view.report.counts()
    assert 0 < hit < total
    assert repr(view).startswith(f"Dekking van de voorbeelden van 'Inkoopbeleid Wijkverpleging 2024': "
                                 f"{hit} van {total} onderdelen geraakt")
    first = view.report.missed()[0]
    line, column = map(int, re.search(rf"{re.escape(first.label)} \({re.escape(str(POLICY))}:(\d+):(\d+)\)",
                                      repr(view)).groups())
    snippet = first.label.split("'")[1]   # "tak: 'voldoet aan minimumeisen' waar": where it is written in the file
    assert LINES[line - 1][column - 1:].startswith(snippet)
    assert "Nooit bereikt" in text(view.head.value)


# ---------------------------------------------------------------- verschil
def test_verschil_vorige_proves_the_closed_gap_different_and_the_rest_equal(session):
    session.run_cell(CLOSED, name="cel[2]")
    view = session.run_cell("verschil vorige snel", name="cel[3]")
    assert isinstance(view, DiffView)
    verdicts = {v.rule: v for v in view.diff.verdicts}
    gap = verdicts["overeenkomst"]
    assert (gap.kind, gap.method) == ("bewezen verschillend", "exact")
    assert (gap.case.old, gap.case.new) == ("geen uitkomst", "cliëntvolgende overeenkomst")
    assert "omzet_2023 = € 250.000,00" in gap.case.case_text
    assert verdicts["fte_niveau_6"].kind == "bewezen gelijk"
    assert "oud: de vorige versie (uit cel[1])" in repr(view)
    assert re.search(r"overeenkomst bewezen verschillend z3", text(view.children[-2].value))
    # a witness opens as the session's case, under the session's (new) policy
    index = [c.rule for c in view.diff.cases].index("overeenkomst")
    view.open_buttons[index].click()
    assert view.dashboard.evaluation.outcome["overeenkomst"].value == "cliëntvolgende overeenkomst"


def test_verschil_against_a_file_takes_the_file_as_the_old_version(session, tmp_path):
    old = tmp_path / "oud.beleid"
    old.write_text(POLICY.read_text(encoding="utf-8").replace("kleiner dan € 250.000", "kleiner dan € 200.000"),
                   encoding="utf-8")
    view = session.run_cell(f'verschil "{old}" snel', name="cel[2]")
    gap = next(v for v in view.diff.verdicts if v.rule == "overeenkomst")
    assert gap.kind == "bewezen verschillend"
    assert view.diff.changes and "200.000" in view.diff.changes[0].text
    assert f"oud: {old}" in repr(view)


# ---------------------------------------------------------------- evalueer alle goes stale
def test_batch_view_goes_stale_opens_nothing_and_reruns_with_the_new_policy(loaded, tmp_path):
    write_table(tmp_path / "aanbieders.csv")
    s = fresh_session(loaded, tmp_path, lambda obj: None)   # the policy loaded as cel[1]
    s.run_cell('casussen "aanbieders.csv"', name="cel[2]")
    view = s.run_cell("evalueer alle", name="cel[3]", cell_id="tabel")
    gap_rows = [n for n in range(1, 31) if view.evaluation.outcome_of(n)["overeenkomst"].status == "geen uitkomst"]
    view.open_row(gap_rows[0])
    opened = view.dashboard
    s.run_cell(CLOSED, name="cel[4]")
    assert "verouderd: het beleid is gewijzigd in cel[4]" in text(view.notice.value)
    assert view.rerun_button.layout.display == "" and repr(view).startswith("verouderd: het beleid is gewijzigd in cel[4]")
    assert opened.stale == "cel[4]"
    view.open_row(gap_rows[1])
    assert view.dashboard is opened and "niet geopend" in text(view.message.value)
    view.rerun_button.click()
    assert view.stale is None and view.policy is s.policy and opened.comm is None
    assert "Opnieuw geëvalueerd met het beleid uit cel[4]" in text(view.notice.value)
    view.open_row(gap_rows[1])
    assert view.dashboard.evaluation.outcome["overeenkomst"].value == "cliëntvolgende overeenkomst"
    assert "geen uitkomst" not in view.evaluation.results["overeenkomst"].to_list()


# ---------------------------------------------------------------- through a real kernel
@pytest.fixture(scope="module")
def kc():
    env = {"BELEID_ZOEK_VOORBEELDEN": "1000000", "BELEID_ZOEK_SECONDEN": "600"}   # a search that never ends
    km, client = start_new_kernel(kernel_name="beleidstaal", env={**os.environ, **env},
                                  extra_arguments=["--HistoryManager.hist_file=:memory:"])
    yield km, client
    client.stop_channels()
    km.shutdown_kernel(now=True)


def test_controleer_in_a_kernel_shows_progress_and_an_interrupt_says_onderbroken(kc):
    km, client = kc
    run(client, f'laad "{ROOT / "policies" / "ggz_2020.beleid"}"', timeout=180)
    msg_id = client.execute("controleer")
    progress = []
    while True:   # wait until the check shows its progress, then interrupt it
        msg = client.get_iopub_msg(timeout=180)
        if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] in ("display_data", "update_display_data"):
            progress.append(msg["content"]["data"]["text/plain"])
            if len(progress) == 2:
                km.interrupt_kernel()
                break
    errors = []
    while True:
        msg = client.get_iopub_msg(timeout=180)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "error":
            errors.append("\n".join(msg["content"]["traceback"]))
        if msg["msg_type"] == "update_display_data":
            progress.append(msg["content"]["data"]["text/plain"])
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            break
    assert progress[0].startswith("controleren")
    assert re.match(r"controleren: onderbroken bij regel \d+ van 122", progress[-1]), errors
    (error,) = errors
    assert re.match(r"cel\[\d+\]:1:1: fout: onderbroken: 'controleer' is niet afgemaakt; de sessie is ongewijzigd", error)
    assert "Traceback" not in error
    reply, outputs = run(client, "%%python\nprint(__beleid__.policy.title, len(__beleid__.policy.model.rules))", timeout=60)
    assert reply["content"]["status"] == "ok"
    assert outputs[0]["content"]["text"].strip().endswith(" 122") and "GGZ" in outputs[0]["content"]["text"]
