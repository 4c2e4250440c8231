"""Benchmark: where the test suite's time goes, in one run of the README's test command.

Run: .venv/bin/python benchmarks/suite_time.py [more pytest arguments]   (Linux: it reads /proc)

Runs `python -m pytest -n 2 --dist loadfile --no-loadscope-reorder -q` (the README's command) with
this file as a pytest plugin (`-p suite_time`), which writes per test its worker, start, end, the
worker's CPU time and that of the child processes the worker waited for. Meanwhile this process
samples, every half second, the machine's idle time (/proc/stat) and the CPU time of pytest and
every process below it (/proc/<pid>/stat), grouped by kind: test workers, Spark's JVM, kernels,
`beleid` commands, Chromium, JupyterLab. (A process is seen last up to half a second before it
ends, so short processes are counted a little low.) Before and after the run it times a fixed
pure-Python loop: the speed of this machine varies by half within an hour (measured: the same loop
1.7 to 3.1 s), so a suite time means little without it.

Prints the suite's time, the loop before and after, CPU seconds per kind of process, the idle
share, the start-up before the first test, per worker the files that took more than 2 s, and the
slowest tests. The exit code is pytest's.
"""

from __future__ import annotations

import collections
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README_COMMAND = ["-m", "pytest", "-n", "2", "--dist", "loadfile", "--no-loadscope-reorder", "-q"]
TIMELINE = "SUITE_TIME_DIR"   # where the plugin writes its lines; without it the plugin does nothing
TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
LOOP = 10_000_000


# ---------------------------------------------------------------- the pytest plugin (in each worker)
def _plugin_file():
    folder = os.environ.get(TIMELINE)
    if not folder:
        return None
    worker = os.environ.get("PYTEST_XDIST_WORKER", "hoofd")
    return open(Path(folder) / f"{worker}.jsonl", "a", encoding="utf-8")


_OUT = None


def pytest_configure(config):
    global _OUT
    _OUT = _plugin_file()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    if _OUT is None:
        yield
        return
    start, cpu = time.time(), time.process_time()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    yield
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    children = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    _OUT.write(json.dumps([item.nodeid, os.environ.get("PYTEST_XDIST_WORKER", "hoofd"), start, time.time(),
                           time.process_time() - cpu, children]) + "\n")
    _OUT.flush()


# ---------------------------------------------------------------- sampling processes
def kind_of(command: list[str], pytest_pid: int, pid: int) -> str:
    """The kind of a process by its command line (the groups the report adds up)."""
    text = " ".join(command)
    name = Path(command[0]).name if command else "?"
    if pid == pytest_pid:
        return "pytest (hoofdproces)"
    if "java" in name and "spark" in text.lower():
        return "Spark (java)"
    if "chrom" in name or name == "headless_shell":
        return "Chromium"
    if "jupyter-lab" in text or "jupyterlab" in text or "jupyter_server" in text or "jupyter-server" in text:
        return "JupyterLab"
    if "-m kernel" in text or "ipykernel" in text:
        return "kernels"
    if "dsl.cli" in text or any(Path(part).name == "beleid" for part in command[:2]):
        return "beleid-opdrachten"
    if "exec(eval(sys.stdin.readline()))" in text or "execnet" in text:
        return "testwerkers"
    if name.startswith("python"):
        module = command[command.index("-m") + 1] if "-m" in command[:-1] else None
        return f"overig Python ({'-m ' + module if module else Path(command[1]).name if len(command) > 1 else ''})"
    return f"overig: {name}" if command else "overig: weg voor het gezien werd"


def _stat_of(pid: str) -> tuple[int, int, int] | None:
    """(parent, start time in ticks since boot, user + system ticks) of a live process, or None."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            raw = f.read()
    except OSError:
        return None
    fields = raw[raw.rindex(")") + 2:].split()   # after "pid (name) ": fields 3.. of proc(5)
    return int(fields[1]), int(fields[19]), int(fields[11]) + int(fields[12])


def _command_of(pid: int) -> list[str]:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return [part.decode(errors="replace") for part in f.read().split(b"\0") if part]
    except OSError:
        return []


class Sampler(threading.Thread):
    """Every `period` seconds: the idle share since the last sample, and the CPU ticks of `root`
    and every process below it (the last value seen of each)."""

    def __init__(self, root: int, period: float = 0.5):
        super().__init__(daemon=True)
        self.root, self.period = root, period
        self.seen: dict[tuple[int, int], int] = {}
        self.commands: dict[tuple[int, int], list[str]] = {}
        self.idle = self.total = 0
        self.stop = threading.Event()

    def run(self) -> None:
        previous = _proc_stat()
        while not self.stop.wait(self.period):
            self.sample()
            current = _proc_stat()
            delta = [c - p for c, p in zip(current, previous)]
            previous = current
            self.idle += delta[3] + delta[4]
            self.total += sum(delta)
        self.sample()

    def sample(self) -> None:
        stats = {int(pid): found for pid in os.listdir("/proc") if pid.isdigit()
                 if (found := _stat_of(pid)) is not None}
        for pid, (_, start, ticks) in stats.items():
            ancestor = pid
            while ancestor != self.root and ancestor in stats and ancestor > 1:
                ancestor = stats[ancestor][0]
            if ancestor != self.root:
                continue
            key = (pid, start)
            if key not in self.commands or kind_of(self.commands[key], self.root, pid).startswith("overig"):
                self.commands[key] = _command_of(pid)   # again: a launcher (env, a shell) may have become java
            self.seen[key] = ticks


def _proc_stat() -> list[int]:
    with open("/proc/stat") as f:
        return [int(x) for x in f.readline().split()[1:]]


# ---------------------------------------------------------------- the report
def loop_seconds() -> float:
    """The best of three timings of a fixed pure-Python loop (this machine's speed now)."""
    best = float("inf")
    for _ in range(3):
        start, total = time.perf_counter(), 0
        for i in range(LOOP):
            total += i
        best = min(best, time.perf_counter() - start)
    return best


def dutch(x: float, digits: int = 1) -> str:
    return f"{x:,.{digits}f}".replace(",", "_").replace(".", ",").replace("_", ".")


def cpu_by_kind(seen: dict, commands: dict, pytest_pid: int) -> dict[str, float]:
    kinds: dict[str, float] = collections.Counter()
    for key, ticks in seen.items():
        kinds[kind_of(commands.get(key, []), pytest_pid, key[0])] += ticks / TICK
    return dict(sorted(kinds.items(), key=lambda kv: -kv[1]))


def timeline_report(rows: list[list], started: float, slowest: int = 15) -> list[str]:
    """Per worker: start-up before its first test, its end, and the files over 2 s; then the
    slowest tests. A row: [nodeid, worker, start, end, cpu, children]."""
    lines = []
    by_worker: dict[str, list[list]] = collections.defaultdict(list)
    for row in rows:
        by_worker[row[1]].append(row)
    for worker, own in sorted(by_worker.items()):
        own.sort(key=lambda r: r[2])
        lines.append(f"{worker}: eerste test na {dutch(own[0][2] - started)} s, laatste klaar na "
                     f"{dutch(own[-1][3] - started)} s; processortijd in de werker {dutch(sum(r[4] for r in own))} s, "
                     f"in zijn kindprocessen {dutch(sum(r[5] for r in own))} s")
        files: dict[str, list[float]] = {}
        for nodeid, _, start, end, cpu, children in own:
            entry = files.setdefault(nodeid.split("::")[0], [start, end, 0.0, 0.0, 0.0])
            entry[1] = end
            entry[2] += end - start
            entry[3] += cpu
            entry[4] += children
        for name, (start, end, wall, cpu, children) in files.items():
            if wall > 2:
                lines.append(f"  {dutch(start - started):>6}–{dutch(end - started):>6} s  wand {dutch(wall):>5}  "
                             f"cpu {dutch(cpu):>5}  kinderen {dutch(children):>5}  {name}")
    lines.append(f"de {slowest} langste tests (wand, cpu van de werker, kinderen; seconden):")
    longest_first = sorted(rows, key=lambda r: r[2] - r[3])
    for nodeid, _, start, end, cpu, children in longest_first[:slowest]:
        lines.append(f"  {dutch(end - start):>5} {dutch(cpu):>5} {dutch(children):>5}  {nodeid}")
    return lines


def main(argv: list[str]) -> int:
    if not Path("/proc/stat").exists():
        print("suite_time.py leest /proc en werkt alleen op Linux", file=sys.stderr)
        return 2
    print(f"lus van {dutch(LOOP, 0)} optellingen (lager is sneller): ", end="", flush=True)
    before = loop_seconds()
    print(f"{dutch(before, 2)} s")
    with tempfile.TemporaryDirectory(prefix="suite-tijd-") as folder:
        env = dict(os.environ, **{TIMELINE: folder})
        env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "benchmarks"), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
        started = time.time()
        run = subprocess.Popen([sys.executable, *README_COMMAND, "-p", "suite_time", *argv], cwd=ROOT, env=env)
        sampler = Sampler(run.pid)
        sampler.start()
        code = run.wait()
        wall = time.time() - started
        sampler.stop.set()
        sampler.join()
        rows = [json.loads(line) for path in Path(folder).glob("*.jsonl")
                for line in path.read_text(encoding="utf-8").splitlines() if line]
    after = loop_seconds()
    kinds = cpu_by_kind(sampler.seen, sampler.commands, run.pid)
    total = sum(kinds.values())
    print()
    print(f"suite: {dutch(wall)} s (pytest met {len(rows)} tests, exitcode {code}); "
          f"lus voor {dutch(before, 2)} s, na {dutch(after, 2)} s")
    print(f"processortijd {dutch(total)} kern-s over de run, onbenut "
          f"{dutch(100 * sampler.idle / max(sampler.total, 1))} % van de machine:")
    for kind, seconds in kinds.items():
        print(f"  {dutch(seconds):>7} s  {kind}")
    for line in timeline_report(rows, started):
        print(line)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
