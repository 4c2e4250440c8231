"""benchmarks/suite_time.py: the kinds it adds CPU time up by, and its timeline per worker."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_SPEC = importlib.util.spec_from_file_location("suite_time", ROOT / "benchmarks" / "suite_time.py")
assert _SPEC is not None and _SPEC.loader is not None
suite_time = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(suite_time)


def test_each_process_of_a_test_run_is_counted_with_its_kind():
    py = "/work/main/.venv/bin/python"
    commands = {
        "pytest (hoofdproces)": ([py, "-m", "pytest", "-n", "2"], 100),
        "testwerkers": ([py, "-c", "import sys;exec(eval(sys.stdin.readline()))"], 101),
        "Spark (java)": (["/usr/lib/jvm/java-17-openjdk-amd64/bin/java", "-cp", "/x/pyspark/jars/*",
                          "org.apache.spark.deploy.SparkSubmit", "pyspark-shell"], 102),
        "kernels": ([py, "-m", "kernel", "-f", "/tmp/kernel-1.json"], 103),
        "beleid-opdrachten": ([py, "-m", "dsl.cli", "evalueer", "x.beleid"], 104),
        "Chromium": (["/usr/lib/chromium/chromium", "--headless", "--type=renderer"], 105),
        "JupyterLab": ([py, "-m", "jupyterlab", "--no-browser"], 106),
        "overig: node": (["node", "check.mjs"], 107),
        "overig Python (-m pip)": ([py, "-m", "pip", "list"], 109),
        "overig: weg voor het gezien werd": ([], 110),
    }
    for kind, (command, pid) in commands.items():
        assert suite_time.kind_of(command, 100, pid) == kind, command
    console_script = [py, "/work/main/.venv/bin/beleid", "controleer", "p.beleid"]
    assert suite_time.kind_of(console_script, 100, 108) == "beleid-opdrachten"


def test_the_timeline_lists_per_worker_the_files_over_two_seconds_and_the_longest_tests_first():
    rows = [["tests/test_a.py::t1", "gw0", 10.0, 11.5, 1.0, 0.0],
            ["tests/test_a.py::t2", "gw0", 11.5, 13.0, 1.4, 0.1],
            ["tests/test_b.py::t1", "gw0", 13.0, 13.5, 0.5, 0.0],
            ["tests/test_c.py::t1", "gw1", 10.5, 14.0, 0.2, 3.0]]
    lines = suite_time.timeline_report(rows, started=8.0, slowest=2)
    assert lines[0] == ("gw0: eerste test na 2,0 s, laatste klaar na 5,5 s; processortijd in de werker "
                        "2,9 s, in zijn kindprocessen 0,1 s")
    assert "tests/test_a.py" in lines[1] and "wand   3,0" in lines[1]
    assert not any("test_b.py" in line for line in lines)   # 0.5 s: not listed as a file
    assert lines[2].startswith("gw1: eerste test na 2,5 s") and "test_c.py" in lines[3]
    assert lines[4] == "de 2 langste tests (wand, cpu van de werker, kinderen; seconden):"
    assert lines[5].endswith("tests/test_c.py::t1") and lines[6].endswith("tests/test_a.py::t1")
