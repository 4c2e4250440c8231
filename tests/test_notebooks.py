"""Every notebook in notebooks/ runs from top to bottom with nbclient, so none can rot.

Each notebook runs with the kernel its metadata names, in its own folder. A cell may only fail
when it is tagged `raises-exception` (the author notebook shows a Dutch error on purpose); such
an error must be Dutch and free of a Python traceback. For the Beleidstaal notebooks the stored
widget state is checked without a browser, and nbconvert's HTML export must highlight the
Beleidstaal cells with our Pygments lexer. The notebooks of the two batch jobs of docs/batch.md
(tests/test_jobs.py) print the figures the docs state. (These checks live in this one file because
`--dist loadfile` gives each file to one worker: split over two files, a notebook ran twice.)
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.xdist_group("notebooks")   # under pytest -n --dist loadgroup: each notebook runs once
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def _line_of(start: str) -> int:
    """The line of the shipped district-nursing policy that starts with `start`."""
    lines = (ROOT / "policies" / "wijkverpleging_2024.beleid").read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if line.startswith(start))


def _kernel_name(nb) -> str:
    return nb.metadata.get("kernelspec", {}).get("name", "python3")


def _errors(nb):
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                yield cell, output


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs(path, executed_notebook):
    nb = executed_notebook(path)
    for cell, error in _errors(nb):
        assert "raises-exception" in cell.metadata.get("tags", []), (cell.source, error)
        if _kernel_name(nb) == "beleidstaal":
            text = "\n".join(error["traceback"])
            assert ": fout: " in text and "Traceback" not in text


# read as JSON, not with nbformat: its jsonschema import takes 2 s of every worker's collection
BELEID = [p for p in NOTEBOOKS
          if json.loads(p.read_text(encoding="utf-8"))["metadata"].get("kernelspec", {}).get("name") == "beleidstaal"]


def _widget_states(nb) -> list[dict]:
    store = nb.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {})
    return [m["state"] for m in store.get("state", {}).values()]


@pytest.mark.parametrize("path", BELEID, ids=[p.name for p in BELEID])
def test_dashboard_state_is_stored(path, executed_notebook):
    states = _widget_states(executed_notebook(path))
    descriptions = {s.get("description") for s in states}
    assert {"eerste", "vorige", "volgende", "laatste", "Pas toe"} <= descriptions
    assert any("Stap 1 van" in str(s.get("value", "")) for s in states)
    assert any('class="bt-timeline"' in str(s.get("value", "")) for s in states)   # the deadlines chart


def test_analyst_notebook_steps_and_what_if(executed_notebook):
    nb = executed_notebook(ROOT / "notebooks" / "analist.ipynb")
    text = "\n".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []) if o.get("name") == "stdout")
    assert re.search(r"^Stap \d+: fte_niveau_6 — Voldoet niet: .* is 0,8, ten minste 1 is vereist", text, re.M)
    assert "Als aandeel van de zorg geleverd door onderaannemers (DigiMV) 33% is (nu 41%)" in text
    assert "Als verwachte omzet wijkverpleging bij VGZ in 2023 € 249.999,99 is (nu € 250.000,00)" in text


def test_author_notebook_error_points_at_the_cell_line(executed_notebook):
    nb = executed_notebook(ROOT / "notebooks" / "auteur.ipynb")
    (_cell, error), = list(_errors(nb))
    assert error["traceback"][0].endswith(":2:11: fout: onbekende naam 'aandeel_ondr'")
    assert "bedoelde u 'aandeel_onder'?" in "\n".join(error["traceback"])


@pytest.mark.parametrize("path", BELEID, ids=[p.name for p in BELEID])
def test_html_export_highlights_beleidstaal(path, executed_notebook):
    from nbconvert import HTMLExporter

    html, _ = HTMLExporter().from_notebook_node(executed_notebook(path))
    assert re.search(r'<span class="(kd|kp)">(laad|eisen|gegevens|evalueer)</span>', html)
    assert "err" not in {part.split('"')[0] for part in html.split('<span class="')[1:]}


def _plain(cell) -> str:
    return "\n".join(str(o.get("data", {}).get("text/plain", "")) + o.get("text", "") for o in cell.get("outputs", []))


def test_reviewer_notebook_tells_the_story_in_reviewer_cells(executed_notebook):
    nb = executed_notebook(ROOT / "notebooks" / "reviewer.ipynb")
    assert _kernel_name(nb) == "beleidstaal"
    by_source = {cell.source.strip(): _plain(cell) for cell in nb.cells if cell.cell_type == "code"}
    check = by_source["controleer snel"]
    assert "controleren: klaar (167 regels)" in check
    assert ("Consistentie van 'Inkoopbeleid Wijkverpleging 2024': 4 bevindingen (1 gat, 3 onbekend blokkeert): "
            "0 nieuw, 4 in het document." in check)
    assert "omzet_2023 = € 250.000,00" in check
    assert f"policies/wijkverpleging_2024.beleid:{_line_of('beslissing overeenkomst ')}:1 (beslissing)" in check
    assert re.search(r"overeenkomst: geen uitkomst", "\n".join(by_source.values()))
    assert "gevonden door zoeken: 250000" in "\n".join(by_source.values())
    assert re.search(r"Dekking van de voorbeelden van 'Inkoopbeleid Wijkverpleging 2024': \d+ van \d+ onderdelen geraakt",
                     by_source["dekking"])
    diff = by_source["verschil vorige snel"]
    assert "oud: de vorige versie (uit cel[1])" in diff
    assert re.search(r"^  overeenkomst: bewezen verschillend \(z3;", diff, re.M)
    assert "eigenschap geldt voor 100 casusparen" in "\n".join(by_source.values())
    states = _widget_states(nb)
    assert any(s.get("description") == "Open als casus" for s in states)
    assert any("verouderd: het beleid is gewijzigd in cel[" in str(s.get("value", "")) for s in states)


# ---------------------------------------------------------------- the batch jobs' notebooks (docs/batch.md)
def _printed(executed_notebook, name: str) -> str:
    """The printed text of a notebook that runs under the python3 kernel, without an error."""
    nb = executed_notebook(ROOT / "notebooks" / name)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, errors
    return "\n".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []) if o.get("name") == "stdout")


def test_purchasing_round_notebook_runs(executed_notebook):
    from tests.test_jobs import CONTRACTS

    text = _printed(executed_notebook, "inkoopronde.ipynb")
    assert "4993 aanbieders geëvalueerd, 7 geweigerd:" in text
    for kind, count in CONTRACTS.items():
        assert f"{count:>6}  {kind}\n" in text
    assert "overeenkomst: Soort overeenkomst wijkverpleging 2024  [geen uitkomst]" in text


def test_claims_audit_notebook_runs(executed_notebook):
    text = _printed(executed_notebook, "declaratiecontrole.ipynb")
    assert "20000 rijen gelezen, 19999 geëvalueerd, 1 geweigerd" in text
    assert re.search(r"^\d+ van de 20000 declaraties overtreden een regel over het verblijf:$", text, re.M)
    assert "t_toestemming_91_dagen: Voorafgaand schriftelijke toestemming voor een verblijf langer dan 91 dagen  " \
           "[niet gehaald]" in text
