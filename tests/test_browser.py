"""End to end in a real browser: JupyterLab on localhost, Debian's Chromium driven by Playwright.

A notebook with the Beleidstaal kernel loads the district-nursing policy, evaluates a case
and shows the dashboard; the test clicks "volgende" in the step-through player and checks the
step shown, then changes a field of the case form and checks the summary; the editor of a
Beleidstaal cell is coloured by the labextension `beleidstaal-highlight`. Skips, with the
reason, when Chromium (/usr/bin/chromium), Playwright or JupyterLab is not installed
(`.ci/run` installs them; never `playwright install`, which downloads its own browser).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"

if not Path(CHROMIUM).exists():
    pytest.skip(f"Chromium is niet geïnstalleerd ({CHROMIUM}); apt-get install chromium", allow_module_level=True)
playwright_api = pytest.importorskip("playwright.sync_api", reason="Python-pakket playwright ontbreekt")
pytest.importorskip("jupyterlab", reason="JupyterLab ontbreekt (pip install 'jupyterlab>=4')")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _notebook(folder: Path) -> Path:
    cells = [
        nbformat.v4.new_code_cell(f'laad "{ROOT / "policies" / "wijkverpleging_2024.beleid"}"'),
        nbformat.v4.new_code_cell('casus soort_aanbieder = "instelling", omzet_2023 = € 250.000\n'
                                  '  aandeel_onderaanneming = 41%\nevalueer'),
    ]
    nb = nbformat.v4.new_notebook(cells=cells, metadata={
        "kernelspec": {"name": "beleidstaal", "display_name": "Beleidstaal", "language": "beleidstaal"}})
    path = folder / "proef.ipynb"
    nbformat.write(nb, path)
    return path


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    folder = tmp_path_factory.mktemp("lab")
    _notebook(folder)
    port = _free_port()
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(folder / ".config")}
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", f"--port={port}",
         "--ServerApp.ip=127.0.0.1", "--IdentityProvider.token=", "--ServerApp.password=",
         f"--ServerApp.root_dir={folder}", "--LabApp.news_url=", "--LabApp.check_for_updates_class="
         "jupyterlab.NeverCheckForUpdate"],
        cwd=folder, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "/api/status", timeout=2)
            break
        except OSError:
            time.sleep(0.3)
    else:
        server.terminate()
        pytest.fail("JupyterLab startte niet binnen 60 s")
    yield url
    server.terminate()
    server.wait(timeout=20)
    shutil.rmtree(folder / ".config", ignore_errors=True)


def _wait_for_kernel(lab: str) -> None:
    """Until the notebook's kernel has started and JupyterLab is connected to it: a cell run
    before that is dropped without a trace (the kernel takes a few seconds to start)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        kernels = json.load(urllib.request.urlopen(lab + "/api/kernels", timeout=5))
        if any(k["execution_state"] == "idle" and k["connections"] > 0 for k in kernels):
            return
        time.sleep(0.3)
    pytest.fail("de kernel startte niet binnen 60 s")


@pytest.fixture(scope="module")
def page(lab):
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM,
                                    args=["--no-sandbox", "--disable-background-networking", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1500, "height": 1000})
        page.goto(f"{lab}/lab/tree/proef.ipynb")
        page.wait_for_selector(".jp-Notebook", timeout=60_000)
        page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=60_000)
        _wait_for_kernel(lab)
        page.locator(".jp-Cell .jp-InputArea-editor").first.click()
        for _ in range(2):  # run both cells, as a user does
            page.keyboard.press("Shift+Enter")
        yield page
        browser.close()


def test_step_player_next_button(page):
    output = page.locator(".jp-OutputArea")
    output.get_by_role("tab", name="Stap voor stap").click(timeout=60_000)
    output.get_by_text("Stap 1 van").wait_for(timeout=20_000)
    output.get_by_role("button", name="volgende").click()
    step = output.locator(".bt-step-head")
    step.get_by_text("Stap 2 van").wait_for(timeout=20_000)
    assert step.inner_text().startswith("Stap 2 van")
    output.get_by_role("button", name="laatste").click()
    output.locator(".bt-step-head").get_by_text("Stap").wait_for()
    total = output.locator(".bt-step-head").inner_text().split(" van ")[1].split()[0]
    page.wait_for_function(
        "t => document.querySelector('.bt-step-head').innerText.startsWith('Stap ' + t + ' van ' + t)", arg=total)


def test_case_form_change_re_evaluates(page):
    output = page.locator(".jp-OutputArea")
    field = output.locator(".bt-input-omzet_2023 input")
    field.fill("€ 249.999,99")
    field.press("Enter")
    output.locator(".bt-summary").get_by_text("cliëntvolgende overeenkomst").wait_for(timeout=20_000)


def test_cells_are_highlighted(page):
    """The labextension (installed next to the kernelspec by conftest) gives the editor of a
    Beleidstaal cell CodeMirror tokens: `tok-*` classes from the language's class highlighter."""
    editor = page.locator(".jp-Cell").nth(1).locator(".cm-content")
    editor.locator(".tok-keyword", has_text="casus").wait_for(timeout=30_000)
    assert editor.locator(".tok-keyword", has_text="evalueer").count() == 1
    assert "€ 250.000" in editor.locator(".tok-number").all_inner_texts()
    assert '"instelling"' in editor.locator(".tok-string").all_inner_texts()
    assert editor.locator(".tok-variableName", has_text="omzet_2023").count() == 1
    colour = editor.locator(".tok-keyword", has_text="evalueer").evaluate("e => getComputedStyle(e).color")
    plain = editor.locator(".tok-variableName", has_text="omzet_2023").evaluate("e => getComputedStyle(e).color")
    assert colour != plain
