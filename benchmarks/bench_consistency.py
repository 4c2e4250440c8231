"""Benchmark: exact consistency check of a generated 50-row decision table (target < 2 s).

Prints, for a table of N rows over four inputs (bedrag, percentage, aantal, datum):
the time of the full exact check under `uniek` (gap + all N·(N−1)/2 overlap pairs + rows that
can never apply) and under `eerste treffer` (gap + shadowed rows), and for comparison a
Hypothesis search for the planted gap within a fixed budget. With --beleid it checks every shipped
policy instead and prints, per policy, the time of `check_policy` and, per decision, how many regions
each gap, overlap and blocking unknown has (`dsl.analysis.regions`: all regions, not one witness).
Run:

    python benchmarks/bench_consistency.py [--rijen 50] [--zoek 2000] [--beleid]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from dsl.analysis import Budget, check_policy
from dsl.policy import compile_text


def table(rows: int, hit_policy: str) -> str:
    """N disjoint revenue bands (one left out: a planted gap), each split on the other inputs."""
    lines = ['beleid "bench"', "gegevens", "  omzet : bedrag", "  aandeel : percentage", "  n : aantal",
             "  start : datum", f'beslissing tarief "Tarief" ({hit_policy})']
    for i in range(rows):
        low, high = i * 10_000, (i + 1) * 10_000
        if i == rows // 2:
            high -= 1  # the gap: [high - 1, high) is covered by no row
        extra = ("aandeel is ten hoogste 50%" if i % 2 else "aandeel is groter dan 50%")
        lines.append(f"  als omzet ligt van € {low:,} tot € {high:,} en ({extra} of n is ten minste {i}) "
                     f"en start is na 1 januari 2020 dan \"t{i}\"".replace(",", "."))
    return "\n".join(lines) + "\n"


def timed(policy, **kwargs):
    start = time.perf_counter()
    report = check_policy(policy, **kwargs)
    return time.perf_counter() - start, report


def shipped(examples: int) -> None:
    """Every policy under policies/: the time of its check and the regions per defect."""
    from dsl.policy import load_policy

    for path in sorted((Path(__file__).resolve().parent.parent / "policies").glob("*.beleid")):
        policy = load_policy(path)
        seconds, report = timed(policy, budget=Budget(max_examples=examples, seconds=600))
        regions = [f"{f.rule} {f.kind} {len(f.boxes) or 1}" for f in report.findings
                   if f.kind in ("gat", "overlap", "onbekend_blokkeert")]
        print(f"{path.name:32} {seconds:6.2f} s  bevindingen: {len(report.findings):2}  "
              f"gebieden per gebrek: {', '.join(regions) or '-'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rijen", type=int, default=50)
    parser.add_argument("--zoek", type=int, default=2000, help="Hypothesis budget (examples)")
    parser.add_argument("--beleid", action="store_true", help="check every shipped policy instead")
    args = parser.parse_args()
    if args.beleid:
        return shipped(args.zoek)
    for hit_policy in ("uniek", "eerste treffer"):
        policy = compile_text(table(args.rijen, hit_policy), "bench")
        seconds, report = timed(policy)
        kinds = sorted({f.kind for f in report.findings})
        print(f"exact, {args.rijen} rijen, {hit_policy:>14}: {seconds:6.3f} s  bevindingen: "
              f"{len(report.findings)} {kinds}")
    budget = Budget(max_examples=args.zoek, seconds=60)
    seconds, report = timed(policy, method="hypothesis", budget=budget)
    gaps = report.of_kind("gat")
    print(f"zoektocht (Hypothesis, ten hoogste {args.zoek} casussen): {seconds:6.3f} s  "
          f"gat gevonden: {'ja' if gaps else 'nee'}")


if __name__ == "__main__":
    main()
