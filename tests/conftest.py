"""Shared fixtures: the shipped policies, and a helper to compile small policies inline."""

from __future__ import annotations

import contextlib
import functools
import gc
import io
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings

from dsl.policy import CompiledPolicy, compile_text, load_policy

ROOT = Path(__file__).resolve().parent.parent
POLICIES = ROOT / "policies"
WIJKVERPLEGING = POLICIES / "wijkverpleging_2024.beleid"


# Spark's JVM (tests/test_spark.py and the Spark back ends) lives for one test session and
# evaluates small tables: the fast JIT tier and the one-thread collector save a quarter of its
# time (measured: the Spark tests 124 s -> 96 s) and change no result. A value set outside wins.
os.environ.setdefault("PYSPARK_SUBMIT_ARGS",
                      "--driver-java-options '-XX:TieredStopAtLevel=1 -XX:+UseSerialGC' pyspark-shell")

# jsonschema (imported with nbformat and jupyter_kernel_test) imports rfc3987_syntax when it is
# installed, which builds a Lark parser for the "iri" formats at import: 2 s in every test process.
# Beleidstaal does not import jsonschema, and no schema the tests check uses a format, so the test
# processes go without it (jsonschema then leaves those formats unchecked).
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]

# Hypothesis: the default profile is what every run uses; `pytest --hypothesis-profile=nachtelijk`
# runs ten times as many examples in the tests that size themselves with `examples(n)`
# (the fuzzing in tests/test_robustness.py), for a nightly job.
settings.register_profile("nachtelijk", max_examples=1000)


def examples(n: int) -> int:
    """`n` examples under the default profile (100 examples), scaled with the loaded profile."""
    return max(1, n * settings.default.max_examples // 100)


@functools.cache
def _shipped(path: Path) -> CompiledPolicy:
    return load_policy(path)


def shipped(path: str | Path) -> CompiledPolicy:
    """A shipped policy (a file under policies/), compiled once per test session. A compiled
    policy is not changed by evaluating it (its lazily built case loader gives the same outcomes),
    so modules share it; a test that changes a policy compiles its own with `compile_policy`."""
    return _shipped(Path(path).resolve())


# Under pytest-xdist (`pytest -n 2 --dist loadfile --no-loadscope-reorder`) each file is one unit of
# work, handed to the workers in collection order: the files that take longest come first (longest
# processing time first), so that none of them starts last on one worker while the other worker
# idles, and the run ends on many small files. The order is that of the summed test time per file
# (`--durations=0`, session 8, two workers on a loaded machine, so only the order counts): Spark,
# exact consistency, bad inputs, batch, notebooks, browser, dashboard state, consistency, consistency
# mutants, kernel review, kernel, ...; every other file keeps the collection order.
SLOWEST_FIRST = ("test_spark.py", "test_consistency_exact.py", "test_bad_inputs.py", "test_batch.py",
                 "test_notebooks.py", "test_browser.py", "test_dashboard_state.py", "test_consistency.py",
                 "test_consistency_mutants.py", "test_kernel_review.py", "test_kernel.py", "test_kernel_batch.py",
                 "test_stream.py", "test_case_files.py", "test_policy_hardening.py", "test_versions.py",
                 "test_atomic.py", "test_robustness.py", "test_shipped_findings.py", "test_cli_docs.py",
                 "test_plugin.py", "test_widgets.py", "test_jobs.py", "test_cli.py", "test_consistency_json.py",
                 "test_output.py", "test_kernel_cells.py", "test_dmn_export.py", "test_consistency_compare.py",
                 "test_core.py", "test_coverage_diff.py", "test_explain.py", "test_case.py")


# Python's cyclic collector in a test process: the imports and the collected tests (compiled
# policies, Hypothesis strategies, z3 and Polars) are a large heap that lives to the end, and a full
# collection walked all of it again and again (measured on five heavy files: 10.6 s of 88 s in
# the collector). The young generation is collected every 10,000 allocations instead of 700, and
# what exists after collection is frozen (`gc.freeze`: never walked again, never freed). Cycles are
# still collected; no test depends on when.
gc.set_threshold(10_000, 10, 10)


def pytest_collection_finish(session):
    gc.collect()
    gc.freeze()


def pytest_collection_modifyitems(config, items):
    if os.environ.get("PYTEST_XDIST_WORKER"):
        rank = {name: i for i, name in enumerate(SLOWEST_FIRST)}
        items.sort(key=lambda item: rank.get(item.path.name, len(rank)))   # stable: a file keeps its order


@pytest.fixture
def python_handles_ctrl_c():
    """Python's own SIGINT handler during the test, as in `beleid` and the kernel (ipykernel puts
    `default_int_handler` in place while a cell runs), whatever code run earlier in the same worker
    left in place (PySpark puts its own). Session 12 saw the two Ctrl-C tests outside
    tests/test_interrupts.py get no interrupt ("DID NOT RAISE") in two of six full-suite runs, the
    same worker both times; the cause was not found (a run that logged the handler before each test
    passed, with Python's own handler before both)."""
    import signal

    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, before)


def beleid(*args: str | Path, process: bool = False) -> subprocess.CompletedProcess:
    """`beleid ARGS`: its exit code and what it wrote to stdout and stderr. Through `dsl.cli.main`
    in this process (the command's own code: every exception becomes a Dutch line there; a new
    Python per call cost half a second), or with `process` as a separate Python, as a user runs it."""
    argv = [str(a) for a in args]
    if process:
        return subprocess.run([sys.executable, "-m", "dsl.cli", *argv], cwd=ROOT, capture_output=True, text=True,
                              timeout=120)
    from dsl.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return subprocess.CompletedProcess(argv, code, out.getvalue(), err.getvalue())


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
    return shipped(WIJKVERPLEGING)


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


KERNEL_DIED = "Kernel died before replying to kernel_info"


def _once_more_if_the_kernel_died(start):
    """`start()`, and once more when the kernel it started died before it answered (jupyter_client
    then raises KERNEL_DIED; each try picks new ports). Seen twice in full runs of the suite under
    load (not alone), the kernel's own last words not kept. The likely cause is the race of
    jupyter/jupyter_client#154: jupyter_client picks free TCP ports and lets go of them before the
    kernel binds them, so a process starting at that moment (the other test worker's kernel, Spark's
    JVM, JupyterLab) can take one. A kernel that cannot start at all fails the second time too.
    (Unix sockets instead of ports avoid the race, but lost IOPub messages of a widget-heavy cell.)"""
    try:
        return start()
    except RuntimeError as err:
        if KERNEL_DIED not in str(err):
            raise
        return start()


def start_new_kernel(kernel_name: str = "beleidstaal", startup_timeout: float = 60, **kwargs):
    """`jupyter_client.manager.start_new_kernel`, once more if the kernel died at start (above)."""
    from jupyter_client.manager import start_new_kernel as start

    return _once_more_if_the_kernel_died(
        lambda: start(startup_timeout=startup_timeout, kernel_name=kernel_name, **kwargs))


@pytest.fixture(scope="session")
def executed_notebook():
    """`executed_notebook(path)`: the notebook, run from top to bottom with nbclient under the
    kernel its metadata names, in its own folder; once per test session (tests/test_notebooks.py
    and tests/test_jobs.py read the same runs; each took a kernel start and a few seconds)."""
    import nbformat
    from nbclient import NotebookClient

    cache: dict[Path, nbformat.NotebookNode] = {}

    def run(path: Path) -> nbformat.NotebookNode:
        path = Path(path).resolve()
        if path not in cache:
            cache[path] = _once_more_if_the_kernel_died(lambda: execute(path))
        return cache[path]

    def execute(path: Path) -> nbformat.NotebookNode:
        nb = nbformat.read(path, as_version=4)
        kernel = nb.metadata.get("kernelspec", {}).get("name", "python3")
        NotebookClient(nb, kernel_name=kernel, timeout=120, resources={"metadata": {"path": str(path.parent)}}).execute()
        return nb

    return run
