"""Cell references match the prompt numbers: an error in prompt [N] names cel[N], and so does
inspection's "geschreven in". Runs a real kernel process (the kernelspec of tests/conftest.py)."""

from __future__ import annotations

import pytest

from tests.conftest import start_new_kernel
from tests.test_kernel import run


@pytest.fixture(scope="module")
def kc():
    km, client = start_new_kernel(kernel_name="beleidstaal", extra_arguments=["--HistoryManager.hist_file=:memory:"])
    yield client
    client.stop_channels()
    km.shutdown_kernel(now=True)


def _text(outputs) -> str:
    parts = []
    for m in outputs:
        c = m["content"]
        parts += [*c.get("traceback", []), c.get("text", ""), c.get("data", {}).get("text/plain", "")]
    return "\n".join(parts)


def test_an_error_names_the_cell_by_its_prompt_number(kc):
    run(kc, 'beleid "Proef"\ngegevens\n  omzet : bedrag "omzet"')
    run(kc, "%%python\n1 + 1")
    reply, outputs = run(kc, 'eis hoog "Hoog"\n  vereist omzet is ten minste')
    count = reply["content"]["execution_count"]
    assert reply["content"]["status"] == "error"
    assert f"cel[{count}]:2:" in _text(outputs)
    assert f"cel[{count + 1}]" not in _text(outputs)


def test_inspection_names_the_cell_a_rule_was_written_in(kc):
    reply, _ = run(kc, 'eisen minimum "Minimum"\n  eis omzet_hoog "Omzet hoog"\n    vereist omzet is ten minste € 10')
    count = reply["content"]["execution_count"]
    found = kc.inspect("omzet_hoog", 5, reply=True)["content"]
    assert f"cel[{count}]" in found["data"]["text/plain"]


def _run_in_cell(kc, code: str, cell_id: str, timeout: float = 180) -> None:
    content = {"code": code, "silent": False, "store_history": True, "user_expressions": {},
               "allow_stdin": False, "stop_on_error": True}
    msg = kc.session.msg("execute_request", content, metadata={"cellId": cell_id})
    kc.shell_channel.send(msg)
    while kc.get_shell_msg(timeout=timeout)["parent_header"].get("msg_id") != msg["header"]["msg_id"]:
        pass


def _live(kc) -> tuple[int, int]:
    """(open widgets, Dashboard objects still in memory) in the kernel."""
    _, outputs = run(kc, "%%python\nimport gc, ipywidgets\nfrom kernel.widgets import Dashboard\ngc.collect()\n"
                         "print(len(ipywidgets.Widget.widgets), sum(isinstance(o, Dashboard) for o in gc.get_objects()))",
                     timeout=180)
    text = next(m["content"]["text"] for m in outputs if m["msg_type"] == "stream").split()
    return int(text[-2]), int(text[-1])


def test_rerunning_an_evalueer_cell_keeps_the_widget_count_flat_in_a_real_kernel(kc):
    run(kc, 'laad "benchmarks/eligibility_contract.beleid"', timeout=180)
    run(kc, 'casus soort_aanbieder = "instelling", omzet_2023 = € 300.000, aandeel_onderaanneming = 40%',
        timeout=180)
    for _ in range(3):
        _run_in_cell(kc, "evalueer", "dezelfde-cel")
    before = _live(kc)
    for _ in range(12):
        _run_in_cell(kc, "evalueer", "dezelfde-cel")
    assert _live(kc) == before   # neither the session nor IPython's Out[] keeps closed dashboards
    assert before[1] <= 3   # the open one, and the last results IPython still holds for a cell or two
