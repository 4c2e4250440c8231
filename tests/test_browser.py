"""End to end in a real browser: JupyterLab on localhost, Debian's Chromium driven by Playwright.

A notebook with the Beleidstaal kernel loads the district-nursing policy, evaluates the analyst
notebook's case (notebooks/casus_thuiszorg_noord.json) and shows the dashboard, with JupyterLab's
file browser open on the left. The tests click "volgende" in the step-through player and check
the step shown; change a field of the case form and check the summary; check that the editor of
a Beleidstaal cell is coloured by the labextension `beleidstaal-highlight`; at 1440 and 1100 px
wide open every tab (Uitleg with every <details> unfolded, Stap voor stap, Wat als, Termijnen)
and check from the element boxes that no text, control or chart of the dashboard lies outside
its pane (the `.jp-OutputArea-output` box) or outside a box that clips it, and that no text is
cut short; and finally run a later cell that redefines a rule and edit the (now stale)
dashboard's form: it says "verouderd" and shows no ✔/✘ verdict of the old rules. One
JupyterLab and one page for the module (the widths are set on the same page). Skips, with the
reason, when Chromium (/usr/bin/chromium), Playwright or JupyterLab is not installed (`.ci/run`
installs them; never `playwright install`, which downloads its own browser).
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"

if not Path(CHROMIUM).exists():
    pytest.skip(f"Chromium is niet geïnstalleerd ({CHROMIUM}); apt-get install chromium", allow_module_level=True)
playwright_api = pytest.importorskip("playwright.sync_api", reason="Python-pakket playwright ontbreekt")
expect = playwright_api.expect
# looked up, not imported: JupyterLab runs as its own process, and importing it here (jsonschema's
# format checkers) cost 4 s of every worker's collection
if importlib.util.find_spec("jupyterlab") is None:
    pytest.skip("JupyterLab ontbreekt (pip install 'jupyterlab>=4')", allow_module_level=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


TABS = ("Uitleg", "Stap voor stap", "Wat als", "Termijnen")
STRICTER = 'eis onderaanneming "Maximaal 25% onderaanneming" vereist aandeel_onderaanneming is ten hoogste 25%'


def _notebook(folder: Path) -> Path:
    # imported here, not at the top: its jsonschema import takes 2 s of every worker's collection
    import nbformat

    cells = [
        nbformat.v4.new_code_cell(f'laad "{ROOT / "policies" / "wijkverpleging_2024.beleid"}"'),
        nbformat.v4.new_code_cell(f'casus "{ROOT / "notebooks" / "casus_thuiszorg_noord.json"}"\nevalueer'),
        nbformat.v4.new_code_cell(STRICTER),   # run by the stale-dashboard test only
        nbformat.v4.new_code_cell("toon overeenkomst"),   # run by the decision-table tests only
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
         "--ServerApp.port_retries=0",   # never another port than the one polled below
         f"--ServerApp.root_dir={folder}", "--LabApp.news_url=", "--LabApp.expose_app_in_browser=True",
         f"--LabApp.user_settings_dir={folder / '.settings'}", f"--LabApp.workspaces_dir={folder / '.workspaces'}",
         "--LabApp.check_for_updates_class="
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
    deadline, last = time.monotonic() + 60, "geen antwoord"
    while time.monotonic() < deadline:
        try:   # the server may answer an error while the kernel is still starting (seen under load)
            kernels = json.load(urllib.request.urlopen(lab + "/api/kernels", timeout=5))
        except OSError as err:
            kernels, last = [], str(err)
        if any(k["execution_state"] == "idle" and k["connections"] > 0 for k in kernels):
            return
        time.sleep(0.3)
    pytest.fail(f"de kernel startte niet binnen 60 s ({last})")


@pytest.fixture(scope="module")
def page(lab):
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM,
                                    args=["--no-sandbox", "--disable-background-networking", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        page.goto(f"{lab}/lab/tree/proef.ipynb")
        page.wait_for_selector(".jp-Notebook", timeout=60_000)
        page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell", timeout=60_000)
        page.evaluate("() => window.jupyterapp.shell.activateById('filebrowser')")   # the side panel open
        page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=60_000)
        _wait_for_kernel(lab)
        page.locator(".jp-Cell .jp-InputArea-editor").first.click()
        for _ in range(2):  # run the first two cells, as a user does
            page.keyboard.press("Shift+Enter")
        page.locator(".jp-OutputArea-output .bt-dashboard").wait_for(timeout=60_000)
        yield page
        browser.close()


def dashboard_output(page):
    """The output area (the pane) holding the dashboard."""
    return page.locator(".jp-OutputArea-output:has(.bt-dashboard)").first


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
    editor = page.locator(".jp-Cell").nth(2).locator(".cm-content")
    editor.locator(".tok-keyword", has_text="vereist").wait_for(timeout=30_000)
    assert editor.locator(".tok-keyword", has_text="eis").count() >= 1
    assert "25%" in editor.locator(".tok-number").all_inner_texts()
    assert '"Maximaal 25% onderaanneming"' in editor.locator(".tok-string").all_inner_texts()
    assert editor.locator(".tok-variableName", has_text="aandeel_onderaanneming").count() == 1
    colour = editor.locator(".tok-keyword", has_text="vereist").evaluate("e => getComputedStyle(e).color")
    plain = editor.locator(".tok-variableName", has_text="aandeel_onderaanneming").evaluate(
        "e => getComputedStyle(e).color")
    assert colour != plain


# Every element with text of its own, every control and every chart inside the pane: its box
# must lie inside the pane and inside every box between them that clips (overflow other than
# visible), 1 px allowed; an element that clips its own text must show all of it (a tab title
# "Stap voor sta…" is cut short). Elements not shown (a hidden tab, a closed <details>) are skipped.
OUTSIDE = """pane => {
  const found = [], seen = new Set(), elements = [];
  const walker = document.createTreeWalker(pane, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    if (walker.currentNode.textContent.trim()) elements.push(walker.currentNode.parentElement);
  }
  pane.querySelectorAll('input, button, select, textarea, svg, .widget-slider, .widget-play, .bt-strip')
      .forEach(e => elements.push(e));
  const describe = (e, r, box, what) => `${what}: <${e.tagName.toLowerCase()} class="${e.className.baseVal ?? e.className}">`
      + ` "${(e.innerText || e.textContent || '').trim().slice(0, 50)}" x ${Math.round(r.left)}..${Math.round(r.right)}`
      + ` y ${Math.round(r.top)}..${Math.round(r.bottom)} (box x ${Math.round(box.left)}..${Math.round(box.right)})`;
  for (const e of elements) {
    if (seen.has(e) || !e.getClientRects().length) continue;
    seen.add(e);
    const style = getComputedStyle(e);
    if (style.visibility === 'hidden' || e.closest('[style*="display: none"], .lm-mod-hidden')) continue;
    const r = e.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    const p = pane.getBoundingClientRect();
    if (r.left < p.left - 1 || r.right > p.right + 1) found.push(describe(e, r, p, 'buiten het venster'));
    for (let a = e.parentElement; a && a !== pane; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (s.overflowX === 'visible') continue;
      const b = a.getBoundingClientRect();
      if (r.left < b.left - 1 || r.right > b.right + 1) { found.push(describe(e, r, b, 'afgesneden')); break; }
    }
    if (style.overflowX !== 'visible' && e.scrollWidth > e.clientWidth + 1 && e.tagName !== 'INPUT'
        && e.tagName !== 'SELECT' && e.tagName !== 'TEXTAREA' && getComputedStyle(e).display !== 'inline')
      found.push(describe(e, r, r, `tekst ingekort (${e.scrollWidth} > ${e.clientWidth})`));
  }
  return found;
}"""


def open_tab(page, title: str) -> None:
    output = dashboard_output(page)
    output.get_by_role("tab", name=title).click(timeout=30_000)
    shown = {"Uitleg": ".bt-tree", "Stap voor stap": ".bt-step-head", "Wat als": ".bt-whatif",
             "Termijnen": ".bt-timeline"}[title]
    output.locator(shown).first.wait_for(state="visible", timeout=30_000)
    if title == "Uitleg":   # unfold everything, so every line of the tree is measured
        output.evaluate("pane => pane.querySelectorAll('details').forEach(d => { d.open = true; })")
    page.wait_for_timeout(300)   # one layout pass after the click (not an assertion on time)


@pytest.mark.parametrize("width", [1440, 1100])
def test_nothing_lies_outside_its_pane(page, width):
    """JupyterLab with the file browser open, at 1440 and 1100 px: in every tab of the
    dashboard, no text, control or chart outside its pane, none cut off, no title shortened."""
    page.set_viewport_size({"width": width, "height": 900})
    page.evaluate("() => window.jupyterapp.shell.activateById('filebrowser')")
    assert page.locator("#filebrowser").is_visible()
    output = dashboard_output(page)
    problems = {}
    for title in TABS:
        open_tab(page, title)
        tab = output.get_by_role("tab", name=title)
        assert tab.inner_text() == title
        if title == "Stap voor stap":   # the play control, the slider and the counter are shown
            for part in (".widget-play", ".widget-slider", ".bt-step-head"):
                assert output.locator(part).first.is_visible()
            assert re.fullmatch(r"\d+ / \d+", output.locator(".bt-position").inner_text().strip())
        found = output.evaluate(OUTSIDE)
        if found:
            problems[title] = found[:30]
    assert problems == {}, json.dumps(problems, indent=1, ensure_ascii=False)


def test_a_stale_dashboards_form_gives_no_verdict(page):
    """A later cell redefines a rule (ten hoogste 33% -> 25%): the dashboard says at once that
    it is stale; editing its form then shows the notice and no ✔/✘ from the old rules."""
    page.set_viewport_size({"width": 1440, "height": 900})
    output = dashboard_output(page)
    page.locator(".jp-Cell").nth(2).locator(".jp-InputArea-editor").click()
    page.keyboard.press("Shift+Enter")
    output.get_by_text("verouderd: het beleid is gewijzigd in cel[").wait_for(timeout=30_000)
    field = output.locator(".bt-input-aandeel_onderaanneming input")
    field.fill("29%")
    field.press("Enter")
    output.locator(".bt-summary.bt-stale").wait_for(timeout=30_000)
    shown = output.inner_text()
    assert "verouderd" in shown and "Niet geëvalueerd" in shown
    assert "✔" not in shown and "✘" not in shown
    assert output.get_by_role("button", name="Opnieuw evalueren met het nieuwe beleid").is_visible()


def decision_table(page):
    """Run the `toon overeenkomst` cell once (again after a width change is harmless) and return
    the output pane dmn-js rendered the decision table in."""
    cell = page.locator(".jp-Cell").nth(3)
    pane = cell.locator(".jp-OutputArea-output.bt-dmn-viewer")   # the renderer is the output
    if not pane.count():
        cell.locator(".jp-InputArea-editor").click()
        page.keyboard.press("Shift+Enter")
    pane.locator(".dmn-decision-table-container tbody tr").first.wait_for(timeout=60_000)
    return pane.first


def test_decision_table_is_shown_with_dmn_js(page):
    """`toon overeenkomst` shows the policy text and, below it, the decision table rendered by
    dmn-js (bundled in the labextension): the decision's name, the hit policy First, an input column
    per gegeven tested and one row per rule, its cells and its annotation (the rule's bron)."""
    page.set_viewport_size({"width": 1440, "height": 900})
    pane = decision_table(page)
    assert pane.get_attribute("data-decision") == "d_overeenkomst"
    table = pane.locator(".dmn-decision-table-container")
    # dmn-js may fill the table's head a render after its rows (seen once in a full run, on a fast
    # machine): these two wait for their text, up to 10 s, as a reader's eye would
    expect(table.locator(".decision-table-name")).to_have_text("overeenkomst", timeout=10_000)
    expect(table.locator(".hit-policy")).to_have_text(re.compile(r"^\s*Hit policy:\s*First\s*$"), timeout=10_000)
    heads = [h.strip() for h in table.locator("thead th.input-cell").all_inner_texts()]
    assert len(heads) == 5 and "verwachte omzet wijkverpleging bij VGZ in 2023" in heads[2]
    rows = table.locator("tbody tr")
    assert rows.count() == 5
    first = [c.strip() for c in rows.nth(0).locator("td").all_inner_texts()]
    assert first[0] == "1" and '"zzp","eenmanszaak"' in first and '"zzp-overeenkomst"' in first
    assert first[-1] == "De zzp-overeenkomst"
    second = [c.strip() for c in rows.nth(1).locator("td").all_inner_texts()]
    assert "< 250000" in second and '"cliëntvolgende overeenkomst"' in second
    # the policy text is shown too, in an output of its own above the table
    text = page.locator(".jp-Cell").nth(3).locator(".jp-OutputArea-output .bt-policy")
    assert text.inner_text().startswith('beslissing overeenkomst "Soort overeenkomst wijkverpleging 2024"')


@pytest.mark.parametrize("width", [1440, 1100])
def test_decision_table_lies_inside_its_pane(page, width):
    """At 1440 and 1100 px, with the file browser open: no text or control of the dmn-js table
    outside its output pane or cut off by a box that clips it."""
    page.set_viewport_size({"width": width, "height": 900})
    page.evaluate("() => window.jupyterapp.shell.activateById('filebrowser')")
    pane = decision_table(page)
    page.wait_for_timeout(300)   # one layout pass after the resize (not an assertion on time)
    found = pane.evaluate(OUTSIDE)
    assert found == [], json.dumps(found[:30], indent=1, ensure_ascii=False)
    if os.environ.get("BELEID_SCREENSHOTS"):   # to look at: BELEID_SCREENSHOTS=folder
        pane.scroll_into_view_if_needed()
        page.screenshot(path=str(Path(os.environ["BELEID_SCREENSHOTS"]) / f"dmn-{width}.png"))
