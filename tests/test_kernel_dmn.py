"""`toon <beslissing>` in a real Beleidstaal kernel: the policy text and the decision table as DMN.

The kernel (over ZMQ, as tests/test_kernel.py starts it) answers `toon overeenkomst` (the
district-nursing policy) and `toon afspraak_elv_tabel` (a table with two outcomes of the ELV/GRZ
policy) with two display_data messages: the rule's text, then the table, whose bundle carries the
DMN XML the exporter writes (under `application/vnd.beleidstaal.dmn+xml`, rendered by the
labextension with dmn-js; tests/test_browser.py looks at that), a static HTML table with the hit
policy letter, the columns and the rows, and the same table as text. A beslissing the exporter
refuses (`van toepassing als`) shows the Dutch refusal and still its text. The view's own
behaviour without a kernel (the letters of every hit policy) is tested at the end.
"""

from __future__ import annotations

import html
import re
import unittest
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from dsl.dmn.xml import parse_dmn
from kernel.dmn_view import MIME, decision_view, hit_policy_letter
from kernel.session import Session
from tests.conftest import start_new_kernel
from tests.test_kernel import run

ROOT = Path(__file__).resolve().parent.parent
DMN = "{https://www.omg.org/spec/DMN/20191111/MODEL/}"


def displays(outputs: list) -> list[dict]:
    return [m["content"] for m in outputs if m["msg_type"] in ("display_data", "execute_result")]


def cells_of(fallback: str) -> list[list[str]]:
    """The rows of the static HTML table, as the text of their cells."""
    rows = re.findall(r'<tr class="bt-dmn-rule">(.*?)</tr>', fallback)
    return [[html.unescape(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row)] for row in rows]


class ToonShowsTheDecisionTable(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.km, cls.kc = start_new_kernel(kernel_name="beleidstaal", cwd=str(ROOT))

    @classmethod
    def tearDownClass(cls):
        cls.kc.stop_channels()
        cls.km.shutdown_kernel(now=True)

    def toon(self, policy: str, name: str) -> tuple[dict, dict]:
        reply, _ = run(self.kc, f'laad "policies/{policy}"')
        self.assertEqual(reply["content"]["status"], "ok")
        reply, outputs = run(self.kc, f"toon {name}")
        self.assertEqual(reply["content"]["status"], "ok")
        self.assertEqual([m["msg_type"] for m in outputs], ["display_data", "display_data"])
        text, table = displays(outputs)
        return text, table

    def test_first_hit_table_of_the_district_nursing_policy(self):
        text, table = self.toon("wijkverpleging_2024.beleid", "overeenkomst")
        self.assertTrue(text["data"]["text/plain"].startswith(
            'beslissing overeenkomst "Soort overeenkomst wijkverpleging 2024" (eerste treffer)'))
        self.assertNotIn(MIME, text["data"])
        data = table["data"]
        self.assertEqual(table["metadata"][MIME], {"decision": "d_overeenkomst", "name": "overeenkomst"})
        root = ET.fromstring(data[MIME].encode("utf-8"))
        decision = root.find(f"{DMN}decision[@name='overeenkomst']")
        self.assertIsNotNone(decision)
        self.assertEqual(decision.get("label"), "Soort overeenkomst wijkverpleging 2024")
        self.assertEqual(decision.find(f"{DMN}decisionTable").get("hitPolicy"), "FIRST")
        model = parse_dmn(data[MIME])
        self.assertEqual([d.name for d in model.decisions], ["overeenkomst"])   # it uses no other rule
        self.assertEqual(len(model.decisions[0].logic.rules), 5)
        # the HTML fallback: hit policy letter, column heads with expression and type, rows
        fallback = data["text/html"]
        self.assertIn('class="bt-dmn-hit-policy" title="First">F</th>', fallback)
        self.assertIn("verwachte omzet wijkverpleging bij VGZ in 2023", fallback)
        self.assertRegex(fallback, r"omzet_2023</span><span[^>]*>number</span>")
        rows = cells_of(fallback)
        self.assertEqual(len(rows), 5)
        self.assertEqual(rows[0], ["1", '"zzp","eenmanszaak"', "true", "-", "-", "-", '"zzp-overeenkomst"',
                                   "De zzp-overeenkomst"])
        self.assertEqual(rows[1][3], "< 250000")
        self.assertEqual(rows[1][6], '"cliëntvolgende overeenkomst"')
        plain = data["text/plain"]
        self.assertTrue(plain.startswith("Beslistabel Soort overeenkomst wijkverpleging 2024 (overeenkomst), "
                                         "hit policy F (First)"))
        self.assertRegex(plain, r'\n1 +\| "zzp","eenmanszaak" +\| true .*\|\| "zzp-overeenkomst" +\| De zzp-overeenkomst')

    def test_table_with_two_outcomes(self):
        text, table = self.toon("elv_grz_2023.beleid", "afspraak_elv_tabel")
        self.assertTrue(text["data"]["text/plain"].startswith("beslissing afspraak_elv_tabel"))
        data = table["data"]
        model = parse_dmn(data[MIME])
        decision = next(d for d in model.decisions if d.name == "afspraak_elv_tabel")
        self.assertEqual(table["metadata"][MIME]["decision"], decision.id)
        self.assertEqual(decision.logic.hit_policy, "UNIQUE")
        self.assertEqual([o.name for o in decision.logic.outputs], ["categorie_elv", "afspraak_elv"])
        self.assertEqual(decision.logic.rules[1].outputs,
                         ('"Maatwerk met aanvullende afspraken"', '"Doelmatigheidsafspraak met staffelafspraak"'))
        fallback = data["text/html"]
        self.assertIn('title="Unique">U</th>', fallback)
        self.assertEqual(fallback.count('class="bt-dmn-output"'), 2)
        rows = cells_of(fallback)
        self.assertEqual([r[0] for r in rows], ["1", "2"])
        self.assertEqual(rows[0][1:], [">= 300000", "true", "-", '"Basis"', '"Prijsafspraak"', ""])

    def test_refused_table_shows_the_dutch_reason_and_its_text(self):
        reply, _ = run(self.kc, 'beleid "Proef"\ngegevens\n  omzet : bedrag "Omzet"\n  actief : ja/nee "Actief"\n'
                                'beslissing soort "Soort" (eerste treffer)\n  van toepassing als actief\n'
                                '  als omzet is kleiner dan € 1.000 dan "klein"\n  anders "groot"')
        self.assertEqual(reply["content"]["status"], "ok")
        reply, outputs = run(self.kc, "toon soort")
        self.assertEqual(reply["content"]["status"], "ok")
        text, refusal = displays(outputs)
        self.assertTrue(text["data"]["text/plain"].startswith('beslissing soort "Soort"'))
        self.assertNotIn(MIME, refusal["data"])
        plain = refusal["data"]["text/plain"]
        self.assertIn("Beslistabel 'soort' kan niet als DMN getoond worden:", plain)
        self.assertRegex(plain, r"niet naar DMN te exporteren: 'soort' heeft 'van toepassing als'; DMN kent geen "
                                r"'niet van toepassing' \(cel\[\d+\], regel 5\)")
        self.assertIn("kan niet als DMN getoond worden", refusal["data"]["text/html"])

    def test_other_rules_show_only_their_text(self):
        reply, _ = run(self.kc, 'laad "policies/wijkverpleging_2024.beleid"')
        reply, outputs = run(self.kc, "toon omzet_2023")
        self.assertEqual(reply["content"]["status"], "ok")
        shown = displays(outputs)
        self.assertEqual(len(shown), 1)
        self.assertNotIn(MIME, shown[0]["data"])


# ------------------------------------------------------------ the view without a kernel

HIT_POLICIES = [("uniek", "U"), ("eerste treffer", "F"), ("om het even", "A"), ("som", "C+"), ("aantal", "C#"),
                ("minimum", "C<"), ("maximum", "C>"), ("alle", "C"), ("alle, in regelvolgorde", "R"),
                ('voorrang "a", "b"', "P"), ('alle, op volgorde van voorrang "a", "b"', "O")]


@pytest.mark.parametrize(("words", "letter"), HIT_POLICIES)
def test_hit_policy_letter(words, letter):
    numeric = words in ("som", "aantal", "minimum", "maximum")
    values = ("1", "2") if numeric else ('"a"', '"b"')
    session = Session(ROOT)
    session.run_cell(f'beleid "Proef"\ngegevens\n  x : getal "X"\nbeslissing d "D" ({words})\n'
                     f"  als x is kleiner dan 5 dan {values[0]}\n  als x is groter dan 3 dan {values[1]}")
    view = decision_view(session.policy, "d", session.state.source)
    assert view is not None and view.table is not None
    assert hit_policy_letter(view.table) == letter
    assert re.search(rf'class="bt-dmn-hit-policy" title="[^"]+">{re.escape(html.escape(letter))}</th>', view._repr_html_())
    assert f", hit policy {letter} (" in repr(view).split("\n")[0]
    assert [r.inputs for r in view.table.rules] == [("< 5",), ("> 3",)]


def test_a_refusal_elsewhere_does_not_stop_the_table():
    """Only the table and what it uses is exported: another beslissing that DMN cannot say (it
    has `van toepassing als`) is refused on its own and does not stop this one."""
    session = Session(ROOT)
    session.run_cell('beleid "Proef"\ngegevens\n  x : getal "X"\n  actief : ja/nee "Actief"\n'
                     'beslissing e "E" (eerste treffer)\n  van toepassing als actief\n  als x is groter dan 1 dan 2\n'
                     '  anders 3\n'
                     'beslissing d "D" (uniek)\n  als x is kleiner dan 5 dan "klein"\n  anders "groot"')
    view = decision_view(session.policy, "d", session.state.source)
    assert view is not None and view.refusal == () and view.xml is not None
    assert view.table is not None and [r.outputs for r in view.table.rules] == [('"klein"',)]
    refused = decision_view(session.policy, "e", session.state.source)
    assert refused is not None and refused.xml is None and len(refused.refusal) == 1
    assert "'e' heeft 'van toepassing als'" in refused.refusal[0]
    assert decision_view(session.policy, "x", session.state.source) is None
