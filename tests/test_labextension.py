"""The prebuilt JupyterLab extension `beleidstaal-highlight` (syntax highlighting, and decision
tables shown with dmn-js; source in kernel/labextension/, built into kernel/labextension_build/):
it is present and complete, the kernel's language_info points at it, the wheel ships it, and
`install(prefix=...)` puts it next to the kernelspec. Its effect in a browser is tested in tests/test_browser.py."""

from __future__ import annotations

import contextlib
import io
import json
import tomllib
from pathlib import Path

from kernel.install import LABEXTENSION_DIR, LABEXTENSION_NAME, install
from kernel.kernel import LANGUAGE_INFO

ROOT = Path(__file__).resolve().parent.parent


def test_built_extension_is_present():
    data = json.loads((LABEXTENSION_DIR / "package.json").read_text(encoding="utf-8"))
    assert data["name"] == LABEXTENSION_NAME
    assert data["jupyterlab"]["extension"] is True
    entry = LABEXTENSION_DIR / data["jupyterlab"]["_build"]["load"]
    assert entry.is_file(), f"{entry} ontbreekt: bouw opnieuw (docs/notebook.md)"
    bundle = "".join(p.read_text(encoding="utf-8") for p in (LABEXTENSION_DIR / "static").glob("*.js"))
    assert "text/x-beleidstaal" in bundle


def test_built_extension_renders_decision_tables():
    """The same package registers a MIME renderer for the DMN XML `toon <beslissing>` sends
    (kernel/dmn_view.py), with dmn-js bundled (no download in the browser)."""
    from kernel.dmn_view import MIME

    data = json.loads((LABEXTENSION_DIR / "package.json").read_text(encoding="utf-8"))
    assert data["jupyterlab"]["mimeExtension"] == "lib/dmn.js"
    assert data["jupyterlab"]["_build"]["mimeExtension"] == "./mimeExtension"
    bundle = "".join(p.read_text(encoding="utf-8") for p in (LABEXTENSION_DIR / "static").glob("*.js"))
    assert MIME in bundle
    assert "dmn-decision-table-container" in bundle   # dmn-js's decision table viewer itself
    licenses = json.loads((LABEXTENSION_DIR / "static" / "third-party-licenses.json").read_text(encoding="utf-8"))
    assert "dmn-js-decision-table" in {p["name"] for p in licenses["packages"]}


def test_built_extension_matches_source_version():
    source = json.loads((ROOT / "kernel" / "labextension" / "package.json").read_text(encoding="utf-8"))
    built = json.loads((LABEXTENSION_DIR / "package.json").read_text(encoding="utf-8"))
    assert (built["name"], built["version"]) == (source["name"], source["version"])


def test_language_info_names_the_registered_language():
    bundle = "".join(p.read_text(encoding="utf-8") for p in (LABEXTENSION_DIR / "static").glob("*.js"))
    assert LANGUAGE_INFO["codemirror_mode"] == "beleidstaal"
    assert LANGUAGE_INFO["mimetype"] == "text/x-beleidstaal"
    assert '"beleidstaal"' in bundle or "'beleidstaal'" in bundle


def test_wheel_ships_the_extension():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    shared = config["tool"]["hatch"]["build"]["targets"]["wheel"]["shared-data"]
    source = LABEXTENSION_DIR.relative_to(ROOT).as_posix()
    assert shared[source] == f"share/jupyter/labextensions/{LABEXTENSION_NAME}"


def test_install_puts_the_extension_next_to_the_kernelspec(tmp_path):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert install(user=False, prefix=str(tmp_path)) == 0
    data_dir = tmp_path / "share" / "jupyter"
    assert (data_dir / "kernels" / "beleidstaal" / "kernel.json").is_file()
    target = data_dir / "labextensions" / LABEXTENSION_NAME
    assert json.loads((target / "package.json").read_text(encoding="utf-8"))["name"] == LABEXTENSION_NAME
    assert sorted(p.name for p in (target / "static").iterdir()) == sorted(
        p.name for p in (LABEXTENSION_DIR / "static").iterdir())
    assert str(target) in out.getvalue()
    # a second install replaces the copy (an upgrade leaves no stale bundles)
    (target / "static" / "oud.js").write_text("", encoding="utf-8")
    with contextlib.redirect_stdout(io.StringIO()):
        assert install(user=False, prefix=str(tmp_path)) == 0
    assert not (target / "static" / "oud.js").exists()
