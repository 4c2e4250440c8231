"""Screenshots of the notebooks for docs/notebook.md, made in JupyterLab and Chromium.

Run from the checkout: `.venv/bin/python docs/screenshots.py` (optionally `--uit MAP`, default
docs/). Copies notebooks/ and policies/ into a temporary folder, starts JupyterLab there (on a
free port, no token, its own settings and workspaces, no news pop-up, with the kernelspec and
the labextension of this checkout in a private JUPYTER_PATH, before any installed copy), opens analist.ipynb, auteur.ipynb and
reviewer.ipynb in Debian's Chromium (/usr/bin/chromium through Playwright's Python package;
never `playwright install`) at 1440x900 with the file browser open, runs all cells under the
kernel each notebook names, and writes one PNG per notebook: the first dashboard (or the first
output, for a notebook without widgets) at the top of the window. Then analist.ipynb again at
1100 px wide, one PNG per tab of its first dashboard. Last, `toon overeenkomst` in a small
notebook of its own (written into the copy): the decision table as dmn-js shows it, at 1440 px
(notebook-dmn-1440.png); `--alleen beslistabel` makes only that one. Every PNG is written to a temporary file
beside its target and renamed into place (`dsl.atomic.publish`); the script prints each file
it wrote. A notebook whose cells do not finish within five minutes stops the script with a
message and leaves the PNGs already in docs/ as they were.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager, redirect_stdout
from pathlib import Path

from dsl.atomic import publish, temporary_beside

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
NOTEBOOKS = ("analist", "auteur", "reviewer")
TABS = ("Uitleg", "Stap voor stap", "Wat als", "Termijnen")
WIDE, NARROW, HEIGHT = 1440, 1100, 900
RUN_LIMIT = 300.0   # seconds for all cells of one notebook


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def jupyterlab(folder: Path):
    """JupyterLab serving `folder`, its URL while the block runs; stopped afterwards."""
    port = _free_port()
    private = folder / ".jupyter-lab"
    quiet = private / "settings" / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
    quiet.parent.mkdir(parents=True)
    quiet.write_text('{"fetchNews": "false", "checkForUpdates": false}', encoding="utf-8")   # no news pop-up
    # the kernelspec and the labextension of this checkout, found before any installed copy
    from kernel.install import install

    with redirect_stdout(io.StringIO()):
        install(user=False, prefix=str(private / "prefix"))
    data = os.pathsep.join(p for p in (str(private / "prefix" / "share" / "jupyter"), os.environ.get("JUPYTER_PATH")) if p)
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(private / "config"), "JUPYTER_PATH": data}
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", f"--port={port}",
         "--ServerApp.ip=127.0.0.1", "--IdentityProvider.token=", "--ServerApp.password=",
         "--ServerApp.disable_check_xsrf=True",   # stop_kernels: DELETE without a browser cookie
         f"--ServerApp.root_dir={folder}", "--LabApp.news_url=", "--LabApp.expose_app_in_browser=True",
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
         f"--LabApp.user_settings_dir={private / 'settings'}", f"--LabApp.workspaces_dir={private / 'workspaces'}"],
        cwd=folder, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(url + "/api/status", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit("JupyterLab startte niet binnen 60 s") from None
                time.sleep(0.3)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=20)


def open_notebook(page, url: str, name: str) -> None:
    """Open notebooks/<name>.ipynb with the file browser open and wait until its kernel has
    started and the page is connected to it (a cell run before that is dropped). Should
    JupyterLab ask which kernel to start, the one the notebook names is chosen (the default)."""
    page.goto(f"{url}/lab/tree/notebooks/{name}.ipynb?reset")   # not the workspace of the one before
    page.wait_for_selector(".jp-Notebook", timeout=60_000)
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell", timeout=60_000)
    page.evaluate("() => window.jupyterapp.shell.activateById('filebrowser')")
    deadline = time.monotonic() + 90
    while not _kernel_ready(url, f"notebooks/{name}.ipynb"):
        if time.monotonic() > deadline:
            raise SystemExit(f"de kernel van {name}.ipynb startte niet binnen 90 s")
        accept = page.locator(".jp-Dialog .jp-mod-accept")
        if accept.count() and accept.first.is_visible():
            accept.first.click()
        page.wait_for_timeout(300)


def _kernel_ready(url: str, path: str) -> bool:
    sessions = json.load(urllib.request.urlopen(url + "/api/sessions", timeout=5))
    return any(s["path"] == path and s["kernel"]["execution_state"] == "idle" and s["kernel"]["connections"] > 0
               for s in sessions)


def run_all(page) -> None:
    """Run every cell (JupyterLab's "Run All"; it stops at a cell that fails, as for a user) and
    wait until the run has finished and the kernel is idle, then let widgets render."""
    page.evaluate("""() => {
        window.__ran = false;
        const done = () => { window.__ran = true; };
        window.jupyterapp.commands.execute('notebook:run-all-cells').then(done, done);
    }""")
    page.wait_for_function("() => window.__ran", timeout=RUN_LIMIT * 1000, polling=500)
    page.wait_for_timeout(1500)


def first_output(page, name: str = "analist"):
    """What the notebook is about: in reviewer.ipynb the first report of a reviewer's cell, else
    the first dashboard; the first output of the notebook when there is neither."""
    wanted = ".bt-review" if name == "reviewer" else ".widget-tab"
    found = page.locator(f".jp-OutputArea-output:has({wanted})")
    if found.count():
        return found.first
    return page.locator(".jp-OutputArea-output").first


def bring_to_top(page, output) -> None:
    """Scroll the cell of `output` so that its input is at the top of the notebook panel."""
    output.evaluate("e => e.closest('.jp-Cell').scrollIntoView({block: 'start'})")
    page.wait_for_timeout(400)


def save(page, target: Path) -> Path:
    """A PNG of the window, written beside `target` and renamed into place."""
    temp = temporary_beside(target)
    try:
        temp.write_bytes(page.screenshot(type="png"))
        publish(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return target


def slug(title: str) -> str:
    return title.lower().replace(" ", "-")


def stop_kernels(url: str) -> None:
    """Shut down every session's kernel (the next notebook gets the machine to itself)."""
    for session in json.load(urllib.request.urlopen(url + "/api/sessions", timeout=5)):
        request = urllib.request.Request(f"{url}/api/sessions/{session['id']}", method="DELETE")
        urllib.request.urlopen(request, timeout=30)


DMN_NOTEBOOK = "beslistabel"


def write_decision_table_notebook(folder: Path) -> None:
    """notebooks/beslistabel.ipynb in the copy: the district-nursing policy and `toon overeenkomst`."""
    import nbformat

    cells = [nbformat.v4.new_code_cell('laad "policies/wijkverpleging_2024.beleid"'),
             nbformat.v4.new_code_cell("toon overeenkomst")]
    nb = nbformat.v4.new_notebook(cells=cells, metadata={
        "kernelspec": {"name": "beleidstaal", "display_name": "Beleidstaal", "language": "beleidstaal"}})
    nbformat.write(nb, folder / "notebooks" / f"{DMN_NOTEBOOK}.ipynb")


def shoot_decision_table(browser, url: str, out: Path) -> Path:
    """`toon overeenkomst` at 1440 px: the dmn-js table in the middle of the window."""
    page = browser.new_context(viewport={"width": WIDE, "height": HEIGHT}).new_page()
    open_notebook(page, url, DMN_NOTEBOOK)
    run_all(page)
    table = page.locator(".jp-OutputArea-output.bt-dmn-viewer .dmn-decision-table-container").first
    table.wait_for(timeout=60_000)
    table.evaluate("e => e.scrollIntoView({block: 'center'})")   # the end of the rule's text above it
    page.wait_for_timeout(400)
    target = save(page, out / f"notebook-dmn-{WIDE}.png")
    page.context.close()
    stop_kernels(url)
    return target


def shoot(folder: Path, out: Path, only_table: bool = False) -> list[Path]:
    from playwright.sync_api import sync_playwright

    written: list[Path] = []

    def done(path: Path) -> None:
        written.append(path)
        print(f"geschreven: {path}", flush=True)

    with jupyterlab(folder) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM,
                                    args=["--no-sandbox", "--disable-background-networking", "--disable-gpu"])
        try:
            if only_table:
                done(shoot_decision_table(browser, url, out))
                return written
            for name in NOTEBOOKS:
                print(f"bezig: {name}.ipynb, {WIDE} px", file=sys.stderr, flush=True)
                page = browser.new_context(viewport={"width": WIDE, "height": HEIGHT}).new_page()
                open_notebook(page, url, name)
                run_all(page)
                bring_to_top(page, first_output(page, name))
                done(save(page, out / f"notebook-{name}-{WIDE}.png"))
                page.context.close()
                stop_kernels(url)
            print(f"bezig: analist.ipynb, {NARROW} px", file=sys.stderr, flush=True)
            page = browser.new_context(viewport={"width": NARROW, "height": HEIGHT}).new_page()
            open_notebook(page, url, "analist")
            run_all(page)
            dashboard = first_output(page)
            for title in TABS:
                dashboard.get_by_role("tab", name=title).click()
                page.wait_for_timeout(500)
                dashboard.locator(".widget-tab > .lm-TabBar").evaluate("e => e.scrollIntoView({block: 'start'})")
                page.wait_for_timeout(400)
                done(save(page, out / f"notebook-analist-{NARROW}-{slug(title)}.png"))
            page.context.close()
            stop_kernels(url)
            print(f"bezig: {DMN_NOTEBOOK}.ipynb, {WIDE} px", file=sys.stderr, flush=True)
            done(shoot_decision_table(browser, url, out))
        finally:
            browser.close()
    return written


def _not_copied(folder: str, names: list[str]) -> list[str]:
    """What the copy leaves out: anything that is neither a file nor a folder (a kernel's socket
    left in notebooks/ stopped the copy, and the script, with shutil's error)."""
    return [n for n in names if not (os.path.isfile(os.path.join(folder, n)) or os.path.isdir(os.path.join(folder, n)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Schermafbeeldingen van de notebooks voor docs/notebook.md.")
    parser.add_argument("--uit", type=Path, default=ROOT / "docs", help="map voor de PNG's (standaard docs/)")
    parser.add_argument("--alleen", choices=["beslistabel"],
                        help="alleen de beslistabel van 'toon overeenkomst' (notebook-dmn-1440.png)")
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        print(f"Chromium ontbreekt ({CHROMIUM}); installeer het met apt-get install chromium", file=sys.stderr)
        return 2
    args.uit.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="beleid-screenshots-") as tmp:
        folder = Path(tmp)
        shutil.copytree(ROOT / "notebooks", folder / "notebooks", ignore=_not_copied)
        shutil.copytree(ROOT / "policies", folder / "policies", ignore=_not_copied)
        write_decision_table_notebook(folder)
        written = shoot(folder, args.uit.resolve(), only_table=args.alleen == "beslistabel")
    print(f"{len(written)} schermafbeeldingen in {args.uit}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
