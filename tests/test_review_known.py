"""The notebook's `controleer` view tells findings the policy records as the document's own
(`bekend ...`: "in het document") from new ones, as `beleid controleer --consistentie` does: the head
counts both, each recorded finding says so with its record, and new findings come first."""

from __future__ import annotations

import re
from html import unescape

from dsl.analysis import Budget, check_policy
from dsl.policy import compile_text
from kernel.widgets.review import ConsistencyView

POLICY = '''beleid "Bevindingen van het document"

gegevens
  omzet   : bedrag "verwachte omzet"
  fte     : getal "fte in loondienst"

beslissing overeenkomst "Soort overeenkomst" (eerste treffer)
  als omzet is kleiner dan € 250.000 dan "cliëntvolgende overeenkomst"
  als omzet is groter dan € 250.000 dan "standaardovereenkomst"

beslissing bezetting "Bezetting" (eerste treffer)
  als fte is kleiner dan 1 dan "te weinig"
  als fte is groter dan 1 dan "genoeg"

bekend gat in overeenkomst
  bron "Hoofdstuk 3"
  citaat "Bij een omzet kleiner dan € 250.000 ... Bij een omzet groter dan € 250.000"
  toelichting "Over precies € 250.000 zegt het document niets."
  waar omzet is € 250.000
'''


def _text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", "", html.replace("</div>", " "))).split())


def test_the_view_counts_and_marks_findings_in_the_document_apart_from_new_ones():
    policy = compile_text(POLICY, "document.beleid")
    report = check_policy(policy, budget=Budget(max_examples=50))
    view = ConsistencyView(report, policy)
    gaps = [f for f in report.findings if f.kind == "gat"]
    assert sorted(f.rule for f in gaps) == ["bezetting", "overeenkomst"]
    assert "2 bevindingen (2 gat): 1 nieuw, 1 in het document" in _text(view.head.value)
    findings = [c.value for c in view.children if "bt-finding" in getattr(c, "value", "")]
    assert len(findings) == 2
    new, known = findings   # the new gap first
    assert 'data-known="ja"' not in new and "bezetting" in _text(new)
    assert 'data-known="ja"' in known and "overeenkomst" in _text(known)
    assert ("In het document: het beleid legt deze bevinding vast als van het document zelf (vastgelegd op regel 15"
            in _text(known))
