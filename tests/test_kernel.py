"""Protocol tests of the Beleidstaal kernel: jupyter_kernel_test plus our own round trips.

The kernelspec `beleidstaal` of this environment is registered by tests/conftest.py (in a
private JUPYTER_PATH) before the session starts. Every test talks to a
real kernel process over ZMQ: execute, errors, completion, inspection, is_complete, history,
a widget click sent as a comm message, and the `%%beleid` magic in a plain Python kernel.
"""

from __future__ import annotations

import os
import queue
import unittest
from pathlib import Path
from typing import ClassVar

import jupyter_kernel_test as jkt

from tests.conftest import start_new_kernel

ROOT = Path(__file__).resolve().parent.parent
POLICY = "policies/wijkverpleging_2024.beleid"


os.chdir(ROOT)  # `laad "policies/..."` in the samples resolves from here


def run(kc, code: str, timeout: float = 30):
    """Execute `code`; return (reply, iopub messages of that request except status/input)."""
    msg_id = kc.execute(code)
    reply = kc.get_shell_msg(timeout=timeout)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=timeout)
    outputs = []
    while True:
        msg = kc.get_iopub_msg(timeout=timeout)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            break
        if msg["msg_type"] not in ("status", "execute_input"):
            outputs.append(msg)
    return reply, outputs


class BeleidKernelProtocol(jkt.KernelTests):
    kernel_name = "beleidstaal"
    language_name = "beleidstaal"
    file_extension = ".beleid"

    code_hello_world = '%%python\nprint("hello, world")'
    code_stderr = '%%python\nimport sys; print("fout", file=sys.stderr)'
    completion_samples: ClassVar = [{"text": "evalu", "matches": {"evalueer"}},
                                    {"text": "eis a \"A\" vereist x is ten h", "matches": {"ten hoogste"}}]
    complete_code_samples: ClassVar = ["evalueer", 'eis a "A" vereist x is ten minste 2', "casus a = € 1"]
    incomplete_code_samples: ClassVar = ['eis a "A" vereist', 'casus {"a": 1,', 'eis a "A"\n  vereist x is ten minste 2 en']
    invalid_code_samples: ClassVar = ['eis a "A" vereist x is ten minste 2 )']
    code_generate_error = 'eis a "A" vereist'
    code_execute_result: ClassVar = [
        {"code": 'beleid "Proef"\ngegevens\n  a : bedrag "A"',
         "result": "Beleid 'Proef': 1 gegeven.\n  gegeven 'a' toegevoegd"},
        {"code": "%%python\n6 * 7", "result": "42"},
    ]
    code_display_data: ClassVar = [{"code": 'gegevens\n  a : bedrag "A"\ncasus a = € 1', "mime": "text/html"}]
    code_history_pattern = "beleid*"
    supported_history_operations = ("tail", "search")
    code_inspect_sample = "evalueer"

    @classmethod
    def setUpClass(cls) -> None:
        # a history of its own: searches must not see cells of earlier test runs
        cls.km, cls.kc = start_new_kernel(kernel_name=cls.kernel_name,
                                          extra_arguments=["--HistoryManager.hist_file=:memory:"])

    def test_language_info_and_no_debugger(self):
        self.flush_channels()
        reply = self.kc.kernel_info(reply=True)["content"]
        info = reply["language_info"]
        self.assertEqual((info["name"], info["pygments_lexer"], info["file_extension"]),
                         ("beleidstaal", "beleid", ".beleid"))
        self.assertNotIn("debugger", reply.get("supported_features", []))
        from pygments.lexers import get_lexer_by_name

        self.assertEqual(get_lexer_by_name(info["pygments_lexer"]).name, "Beleidstaal")


class BeleidKernelBehaviour(unittest.TestCase):
    """Behaviour beyond the standard protocol samples, on one kernel with the real policy."""

    @classmethod
    def setUpClass(cls):
        cls.km, cls.kc = start_new_kernel(kernel_name="beleidstaal", cwd=str(ROOT / "notebooks"))
        reply, _ = run(cls.kc, f'laad "{POLICY}"\ncasus omzet_2023 = € 250.000, soort_aanbieder = "instelling"')
        assert reply["content"]["status"] == "ok", reply

    @classmethod
    def tearDownClass(cls):
        cls.kc.stop_channels()
        cls.km.shutdown_kernel(now=True)

    def test_error_is_dutch_points_at_cell_line_and_keeps_state(self):
        reply, outputs = run(self.kc, 'berekening b = 1\neis x "X" vereist omzet_2024 is ten minste € 1')
        self.assertEqual(reply["content"]["status"], "error")
        errors = [m for m in outputs if m["msg_type"] == "error"]
        self.assertEqual(len(errors), 1)
        text = "\n".join(errors[0]["content"]["traceback"])
        self.assertRegex(text, r"cel\[\d+\]:2:19: fout: onbekende naam 'omzet_2024'")
        self.assertIn("bedoelde u 'omzet_2023'?", text)
        self.assertNotIn("Traceback", text)
        reply, outputs = run(self.kc, "%%python\nsorted(__beleid__.names())[:1], 'b' in __beleid__.names()")
        result = next(m for m in outputs if m["msg_type"] == "execute_result")["content"]["data"]["text/plain"]
        self.assertIn("False", result)  # the failed cell's berekening b was not committed
        reply, _ = run(self.kc, "evalueer")
        self.assertEqual(reply["content"]["status"], "ok")

    def test_inline_json_case_is_read_by_the_case_file_rules(self):
        """`casus {...}` refuses a name given twice, in Dutch at the cell's line; a percentage
        between 0 and 1 written as "0,5%" (JSON or Beleidstaal) is read and evaluated."""
        reply, outputs = run(self.kc, 'casus {"omzet_2023": 1,\n       "omzet_2023": 2}')
        self.assertEqual(reply["content"]["status"], "error")
        text = "\n".join(next(m for m in outputs if m["msg_type"] == "error")["content"]["traceback"])
        self.assertRegex(text, r"cel\[\d+\]:2:8: fout: 'omzet_2023' staat twee keer in de casus \(regel 1 en regel 2\)")
        self.assertNotIn("Traceback", text)
        for cell in ('casus {"aandeel_onderaanneming": "0,5%"}\nevalueer', "casus aandeel_onderaanneming = 0,5%\nevalueer"):
            reply, _ = run(self.kc, cell)
            self.assertEqual(reply["content"]["status"], "ok", cell)
        reply, outputs = run(self.kc, "%%python\n__beleid__.case")
        result = next(m for m in outputs if m["msg_type"] == "execute_result")["content"]["data"]["text/plain"]
        self.assertEqual(result, "{'aandeel_onderaanneming': '0,5%'}")
        run(self.kc, 'casus omzet_2023 = € 250.000, soort_aanbieder = "instelling"')

    def test_completion_offers_declared_names_and_files(self):
        reply = self.kc.complete('eis a "A" vereist omzet_', 24, reply=True)["content"]
        self.assertEqual(reply["matches"], ["omzet_2023"])
        reply = self.kc.complete('laad "policies/wijk', 19, reply=True)["content"]
        self.assertIn(POLICY, reply["matches"])

    def test_inspection_shows_type_label_text_and_source(self):
        reply = self.kc.inspect("vereist aandeel_onderaanneming", 12, reply=True)["content"]
        self.assertTrue(reply["found"])
        text = reply["data"]["text/plain"]
        self.assertIn("gegeven aandeel_onderaanneming : percentage", text)
        self.assertIn("aandeel van de zorg geleverd door onderaannemers", text)
        reply = self.kc.inspect("voldoet aan onderaanneming", 16, reply=True)["content"]
        text = reply["data"]["text/plain"]
        self.assertIn('eis onderaanneming — "Maximaal 33% van de zorg door onderaannemers"', text)
        line = next(i for i, t in enumerate((ROOT / POLICY).read_text(encoding="utf-8").split("\n"), 1)
                    if 'eis onderaanneming "' in t)
        self.assertIn(f"geschreven in: {POLICY}, regel {line}", text)
        self.assertIn("vereist aandeel_onderaanneming is ten hoogste 33%", text)

    def test_magics_and_python_pass_through(self):
        reply, outputs = run(self.kc, "%time 1 + 1")
        self.assertEqual(reply["content"]["status"], "ok")
        self.assertTrue(any(m["msg_type"] == "execute_result" and m["content"]["data"]["text/plain"] == "2"
                            for m in outputs))

    def test_widget_click_round_trip(self):
        """Click "volgende" in the step player through a comm message; the step view updates."""
        reply, outputs = run(self.kc, "evalueer")
        self.assertEqual(reply["content"]["status"], "ok")
        opened = {m["content"]["comm_id"]: dict(m["content"]["data"]["state"]) for m in outputs
                  if m["msg_type"] == "comm_open"}
        for m in outputs:  # later updates in the same cell (values set after creation)
            if m["msg_type"] == "comm_msg" and m["content"]["data"].get("method") == "update":
                opened[m["content"]["comm_id"]].update(m["content"]["data"]["state"])
        button = next(cid for cid, state in opened.items()
                      if state.get("_model_name") == "ButtonModel" and state.get("description") == "volgende")
        first = [s["value"] for s in opened.values() if "Stap 1 van" in str(s.get("value", ""))]
        self.assertEqual(len(first), 1)
        msg = self.kc.session.msg("comm_msg", {"comm_id": button,
                                               "data": {"method": "custom", "content": {"event": "click"}}})
        self.kc.shell_channel.send(msg)
        updates = []
        try:
            while True:
                m = self.kc.get_iopub_msg(timeout=5)
                if m["msg_type"] == "comm_msg" and m["content"]["data"].get("method") == "update":
                    updates.append(m["content"]["data"]["state"])
                    if any("Stap 2 van" in str(u.get("value", "")) for u in updates):
                        break
        except queue.Empty:
            pass
        self.assertTrue(any(u.get("value") == 1 for u in updates), updates)
        self.assertTrue(any("Stap 2 van" in str(u.get("value", "")) for u in updates))


class BeleidMagicInPython(unittest.TestCase):
    """`%%beleid` in an ordinary Python kernel shares one session across cells."""

    def test_cell_magic(self):
        km, kc = start_new_kernel(kernel_name="python3", cwd=str(ROOT))
        try:
            reply, _ = run(kc, "%load_ext kernel")
            self.assertEqual(reply["content"]["status"], "ok")
            reply, outputs = run(kc, '%%beleid\nbeleid "Magie"\ngegevens\n  a : bedrag "A"\n'
                                     'eisen g "G"\n  eis e "E" vereist a is ten minste € 10')
            self.assertEqual(reply["content"]["status"], "ok")
            reply, outputs = run(kc, "%%beleid\ncasus a = € 9,99\nevalueer")
            self.assertEqual(reply["content"]["status"], "ok")
            reply, outputs = run(kc, '%%beleid\neis e "E" vereist a is ten minste')
            errors = [m for m in outputs if m["msg_type"] == "error"]
            self.assertEqual(len(errors), 1)
            self.assertIn("fout: het bestand houdt hier onverwacht op", "\n".join(errors[0]["content"]["traceback"]))
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)
