"""Known findings (`bekend ... in ...`, issue 15 item 5) and deliberately partial decisions
(`bewust onvolledig`): the report separates the document's own findings from new ones, a new gap in a
table with a recorded one is still new, a record that no longer holds is reported, and mistakes in the
records get Dutch messages with line and column."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from dsl.analysis import Budget, check_policy
from dsl.analysis.findings import KINDS
from dsl.analysis.jsonreport import consistency_json
from dsl.analysis.report import consistency_blocks, render
from dsl.checker.assumptions import FINDING_KINDS
from dsl.cli import main
from dsl.errors import BeleidError
from dsl.policy import compile_text

BUDGET = Budget(max_examples=100, seconds=600)

TABLE = """beleid "Overeenkomsten"

gegevens
  omzet : bedrag "verwachte omzet"

beslissing overeenkomst "Soort overeenkomst" (eerste treffer)
  als omzet is kleiner dan € 250.000 dan "cliëntvolgende overeenkomst"
  als omzet is groter dan € 250.000 dan "standaardovereenkomst"
"""

RECORD = """
bekend gat in overeenkomst
  bron "Hoofdstuk 3"
  citaat "Bij een omzet kleiner dan € 250.000 ... Bij een omzet groter dan € 250.000"
  waar omzet is € 250.000
"""


def _check(text: str):
    policy = compile_text(text, "overeenkomst.beleid")
    return policy, check_policy(policy, budget=BUDGET)


def test_every_kind_of_finding_can_be_recorded():
    assert set(FINDING_KINDS) == set(KINDS) - {"bekend_vervallen"}


def test_a_recorded_gap_is_the_documents_own_and_does_not_fail(tmp_path, capsys):
    policy, report = _check(TABLE + RECORD)
    (gap,) = report.findings
    assert gap.kind == "gat" and gap.known and report.new == []
    assert gap.known_record == ('vastgelegd op regel 10; bron Hoofdstuk 3; citaat "Bij een omzet kleiner dan '
                                '€ 250.000 ... Bij een omzet groter dan € 250.000"')
    text = render(consistency_blocks(report, policy.model, policy.model.text))
    assert "1 bevinding: 0 nieuw, 1 in het document (vastgelegd als bekende bevinding)." in text
    assert "gat (geen regel van toepassing): overeenkomst (in het document)" in text
    data = consistency_json(report, policy.model)
    assert data["nieuw"] == 0 and data["bevindingen"][0]["bekend"] is True
    path = tmp_path / "overeenkomst.beleid"
    path.write_text(TABLE + RECORD, encoding="utf-8")
    assert main(["controleer", str(path), "--consistentie"]) == 0
    capsys.readouterr()
    assert main(["controleer", str(path), "--consistentie", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["bevindingen"][0]["vastgelegd"].startswith("vastgelegd op regel 10")


def test_a_new_gap_in_a_table_with_a_recorded_one_is_new(tmp_path):
    # planted: the third band leaves € 400.000 itself out, beside the document's own gap at € 250.000
    planted = TABLE.replace('  als omzet is groter dan € 250.000 dan "standaardovereenkomst"\n',
                            '  als omzet is groter dan € 250.000 en omzet is kleiner dan € 400.000 dan "standaard"\n'
                            '  als omzet is groter dan € 400.000 dan "plus"\n')
    policy, report = _check(planted + RECORD)
    known = [f for f in report.findings if f.known]
    new = report.new
    assert [f.kind for f in known] == ["gat"] and [f.kind for f in new] == ["gat"]
    assert known[0].case == {"omzet": Decimal("250000.00")} and new[0].case == {"omzet": Decimal("400000.00")}
    text = render(consistency_blocks(report, policy.model, policy.model.text))
    assert text.index("\nNieuw\n") < text.index("€ 400.000,00") < text.index("\nIn het document\n")
    path = tmp_path / "overeenkomst.beleid"
    path.write_text(planted + RECORD, encoding="utf-8")
    assert main(["controleer", str(path), "--consistentie"]) == 1


def test_a_record_without_region_covers_every_gap_of_its_kind_and_rule():
    planted = TABLE.replace('dan "standaardovereenkomst"', 'dan "standaardovereenkomst"\n  als omzet is groter '
                            'dan € 400.000 en omzet is kleiner dan € 300.000 dan "nooit"')
    _, report = _check(planted + '\nbekend gat in overeenkomst bron "3"\nbekend onmogelijke_regel in overeenkomst\n')
    assert all(f.known for f in report.findings) and report.new == []


def test_a_record_that_no_longer_holds_is_reported(tmp_path):
    fixed = TABLE.replace("groter dan € 250.000", "ten minste € 250.000")   # the gap is gone
    policy, report = _check(fixed + RECORD)
    (stale,) = report.findings
    assert stale.kind == "bekend_vervallen" and not stale.known and report.new == [stale]
    assert stale.message.startswith("De bekende bevinding 'gat' in 'overeenkomst' treedt niet (meer) op in het "
                                    "vastgelegde gebied")
    assert [(label, span.line, span.column) for label, span in stale.spans] == [
        ("bekende bevinding", 10, 1), ("regel overeenkomst", 10, 15)]
    assert consistency_json(report, policy.model)["bevindingen"][0]["methode"] == "beleid"
    path = tmp_path / "overeenkomst.beleid"
    path.write_text(fixed + RECORD, encoding="utf-8")
    assert main(["controleer", str(path), "--consistentie"]) == 1


def test_a_deliberately_partial_decision_has_no_gap_finding_only_a_note():
    partial = TABLE.replace('(eerste treffer)\n', '(eerste treffer)\n  bewust onvolledig "over precies € 250.000 '
                            'zegt het document niets"\n')
    _, report = _check(partial)
    assert report.findings == ()
    assert report.notes[0] == ("Beslissing 'overeenkomst' is bewust onvolledig (over precies € 250.000 zegt het "
                               "document niets): er zijn casussen waarvoor geen regel geldt; dat is geen bevinding.")
    searched = check_policy(compile_text(partial, "x.beleid"), method="hypothesis", budget=BUDGET)
    assert not searched.of_kind("gat")


@pytest.mark.parametrize("record, message", [
    ("bekend gatt in overeenkomst", "x.beleid:10:8: fout: onbekende soort bevinding 'gatt'"),
    ("bekend gat in overeenkomstt", "x.beleid:10:15: fout: onbekende regel 'overeenkomstt'"),
    ("bekend gat in omzet", "x.beleid:10:15: fout: 'omzet' is een gegeven"),
    ("bekend eis_altijd in overeenkomst", "x.beleid:10:22: fout: een bevinding 'eis_altijd' gaat over een eis, "
                                          "en 'overeenkomst' is een beslissing"),
    ("bekend gat in overeenkomst waar omzt is € 5", "x.beleid:10:33: fout: onbekende naam 'omzt'"),
    ("bekend gat in overeenkomst waar omzet", "x.beleid:10:33: fout:"),
    ("bekend gat overeenkomst", "x.beleid:10:12: fout:"),
])
def test_mistakes_in_a_record_get_dutch_messages_with_line_and_column(record, message):
    with pytest.raises(BeleidError) as err:
        compile_text(TABLE + "\n" + record + "\n", "x.beleid")
    assert message in err.value.render()


def test_a_gap_cannot_be_recorded_where_anders_closes_it():
    text = TABLE.replace('dan "standaardovereenkomst"\n', 'dan "standaardovereenkomst"\n  anders "geen"\n')
    with pytest.raises(BeleidError) as err:
        compile_text(text + "\nbekend gat in overeenkomst\n", "x.beleid")
    assert "beslissing 'overeenkomst' heeft 'anders' en dus geen gat" in err.value.render()
    with pytest.raises(BeleidError) as err:
        compile_text(text.replace("(eerste treffer)\n", "(eerste treffer)\n  bewust onvolledig\n"), "x.beleid")
    assert "x.beleid:7:3: fout: beslissing 'overeenkomst' heeft 'anders'" in err.value.render()


BLOCKED = '''beleid "Blokkade"

gegevens
  a : getal
  b : keuze uit "x", "y"

beslissing d "D" (eerste treffer)
  als b is "x" dan 1
  als a is kleiner dan 5 dan 2
  als a is ten minste 5 dan 3

bekend onbekend_blokkeert in d  bron "1"
  waar {waar}
'''


def test_a_blocked_row_record_narrowed_by_waar_covers_only_the_cases_it_names():
    from dsl.analysis.checks import check_policy
    from dsl.policy import compile_text

    def kinds(waar: str) -> list[tuple[str, bool]]:
        report = check_policy(compile_text(BLOCKED.format(waar=waar)))
        return sorted((f.kind, f.known) for f in report.findings)

    # the blocked row stands for every a: a record for a < 5 only does not cover it (and goes stale)
    assert kinds("a is kleiner dan 5") == [("bekend_vervallen", False), ("onbekend_blokkeert", False)]
    assert kinds("a is kleiner dan 5 of a is ten minste 5") == [("onbekend_blokkeert", True)]
    # a condition on the gegeven that is onbekend there cannot be proved of it
    assert kinds('b is "y"') == [("bekend_vervallen", False), ("onbekend_blokkeert", False)]
