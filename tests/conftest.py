"""Shared fixtures: the shipped policies, and a helper to compile small policies inline."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from dsl.policy import compile_text, load_policy

ROOT = Path(__file__).resolve().parent.parent
POLICIES = ROOT / "policies"
WIJKVERPLEGING = POLICIES / "wijkverpleging_2024.beleid"


def pytest_sessionstart(session):
    """Register the Beleidstaal kernelspec of *this* environment in a private JUPYTER_PATH, which
    Jupyter searches before the user's folders: a kernelspec left by another installation (with
    another Python) can never be picked up by the kernel and notebook tests. `install` also puts
    the prebuilt labextension `beleidstaal-highlight` next to it (`labextensions/`), where the
    JupyterLab of tests/test_browser.py finds it."""
    from kernel.install import install

    prefix = tempfile.mkdtemp(prefix="beleid-jupyter-")
    session.config._beleid_jupyter_prefix = prefix
    with contextlib.redirect_stdout(io.StringIO()):
        install(user=False, prefix=prefix)
    os.environ["JUPYTER_PATH"] = os.pathsep.join(
        p for p in (str(Path(prefix) / "share" / "jupyter"), os.environ.get("JUPYTER_PATH")) if p)


def pytest_sessionfinish(session, exitstatus):
    """Remove the private Jupyter folder again (every run would otherwise leave one in /tmp)."""
    prefix = getattr(session.config, "_beleid_jupyter_prefix", None)
    if prefix:
        shutil.rmtree(prefix, ignore_errors=True)


@pytest.fixture(scope="session")
def wijkverpleging():
    return load_policy(WIJKVERPLEGING)


@pytest.fixture
def compile_policy():
    """Compile policy text given without the `beleid "..."` header line."""
    def build(body: str, title: str = "Test"):
        return compile_text(f'beleid "{title}"\n' + body, "test.beleid")
    return build


@pytest.fixture(scope="session")
def wijkverpleging_policy(wijkverpleging):
    """The same policy, for Hypothesis tests (function-scoped fixtures are not reset per example)."""
    return wijkverpleging
