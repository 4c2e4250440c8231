"""Benchmark of the notebook front end: kernel start-up and the `evalueer` round trip.

Prints medians (and ratios against baselines): the start-up of the Beleidstaal kernel until it
answers kernel_info, against IPython's own python3 kernel; and the round trip of a cell that
sets a case and evaluates it with the dashboard (`casus ...` + `evalueer`: evaluation, trace,
explanation, what-if, timeline and ~250 widget comm messages) from execute_request until the
kernel is idle again, against a trivial `%%python` cell. Target for the cell: < 200 ms.

    python benchmarks/bench_kernel.py [--starts 5] [--cells 20]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from jupyter_client.manager import start_new_kernel

ROOT = Path(__file__).resolve().parent.parent
CELL = ('casus soort_aanbieder = "instelling", omzet_2023 = € 250.000, benchmarkscore = "beste"\n'
        "  aandeel_onderaanneming = 41%, fte_niveau_6_loondienst = 0,5\n"
        "  aanvraag_compleet = 1 maart 2024, bericht_ophoging = 25 maart 2024\n"
        "evalueer")


def run(kc, code: str, timeout: float = 60) -> float:
    """Seconds from sending `code` until the kernel is idle after it."""
    start = time.perf_counter()
    msg_id = kc.execute(code)
    while True:
        msg = kc.get_iopub_msg(timeout=timeout)
        if (msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "status"
                and msg["content"]["execution_state"] == "idle"):
            break
    elapsed = time.perf_counter() - start
    reply = kc.get_shell_msg(timeout=timeout)
    assert reply["content"]["status"] == "ok", reply["content"]
    return elapsed


def start_up(name: str, times: int) -> float:
    samples = []
    for _ in range(times):
        start = time.perf_counter()
        km, kc = start_new_kernel(kernel_name=name, cwd=str(ROOT))
        samples.append(time.perf_counter() - start)
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    return statistics.median(samples)


def round_trips(cells: int) -> tuple[float, float, int]:
    km, kc = start_new_kernel(kernel_name="beleidstaal", cwd=str(ROOT))
    try:
        run(kc, 'laad "policies/wijkverpleging_2024.beleid"')
        run(kc, CELL)  # warm-up: first widget imports
        evaluate = [run(kc, CELL) for _ in range(cells)]
        trivial = [run(kc, "%%python\n1") for _ in range(cells)]
        comms = _count_comm_opens(kc)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    return statistics.median(evaluate), statistics.median(trivial), comms


def _count_comm_opens(kc) -> int:
    msg_id = kc.execute(CELL)
    count = 0
    while True:
        msg = kc.get_iopub_msg(timeout=60)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        count += msg["msg_type"] == "comm_open"
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--starts", type=int, default=5)
    parser.add_argument("--cells", type=int, default=20)
    args = parser.parse_args()
    ours, python = start_up("beleidstaal", args.starts), start_up("python3", args.starts)
    print(f"kernel start-up (median of {args.starts}): beleidstaal {ours * 1000:.0f} ms, "
          f"python3 {python * 1000:.0f} ms, ratio {ours / python:.2f}")
    cell, trivial, comms = round_trips(args.cells)
    verdict = "binnen" if cell < 0.2 else "BOVEN"
    print(f"cell 'casus + evalueer' round trip (median of {args.cells}): {cell * 1000:.0f} ms "
          f"({comms} widgets) — {verdict} het doel van 200 ms")
    print(f"trivial %%python cell round trip: {trivial * 1000:.1f} ms, ratio {cell / trivial:.1f}")


if __name__ == "__main__":
    main()
