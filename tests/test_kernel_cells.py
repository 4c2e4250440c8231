"""Cell references match the prompt numbers: an error in prompt [N] names cel[N], and so does
inspection's "geschreven in". Runs a real kernel process (the kernelspec of tests/conftest.py)."""

from __future__ import annotations

import pytest
from jupyter_client.manager import start_new_kernel

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
