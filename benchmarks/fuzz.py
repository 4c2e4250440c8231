"""Benchmark: fuzz the whole pipeline with generated and mutated inputs (target: ≥ 100,000, zero internal errors).

Feeds `--aantal` inputs of `dsl.testing.fuzzing` (statements written after the grammar,
derivations of the grammar, mutations of the shipped policies; a generated or mutated case for
each policy that compiles) through compile, evaluate with a trace, the untraced paths (a share),
the voorbeelden, the explanation, what-if and JSON. Prints its progress, the inputs per second,
the count per kind (compiled, refused with a Dutch error, case refused, internal error) and per
origin, and writes the reproducer of every internal error (the policy, the case, a note with the
traceback and the command that reruns it) to `--uit`, each file atomically. Run:

    python benchmarks/fuzz.py --aantal 100000 --zaad 0 --uit fuzz-fouten

The exit code is 0 when no internal error was found, 1 otherwise.
"""

from __future__ import annotations

import argparse
import collections
import sys
import time
from pathlib import Path

from dsl.atomic import write_text
from dsl.testing.fuzzing import Finding, Tally, make_input, reproducer, run


def dutch(n: int | float) -> str:
    """A number with a point between thousands, as Dutch writes it: 100.000."""
    return f"{n:,.0f}".replace(",", ".")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--aantal", type=int, default=100_000, help="hoeveel invoeren (standaard 100.000)")
    parser.add_argument("--zaad", default="0", help="beginwaarde: hetzelfde zaad geeft dezelfde invoeren")
    parser.add_argument("--uit", type=Path, default=Path("fuzz-fouten"),
                        help="map voor de reproducties van interne fouten (standaard fuzz-fouten)")
    parser.add_argument("--seconden", type=float, default=30, help="een invoer die langer duurt is een fout")
    parser.add_argument("--elke", type=int, default=5_000, help="voortgang na elke N invoeren")
    args = parser.parse_args(argv)

    total, origins = Tally(), collections.Counter[tuple[str, str]]()
    start = last = time.perf_counter()
    for index in range(args.aantal):
        item = make_input(args.zaad, index)
        found = run([item], seconds=args.seconden)
        origins[_kind(item.origin, found)] += 1
        for finding in found.internal:
            _save(finding, args.uit, len(total.internal) + 1)
        total.add(found)
        if (index + 1) % args.elke == 0 or time.perf_counter() - last > 60:
            last = time.perf_counter()
            _progress(total, last - start, args.aantal)
    seconds = time.perf_counter() - start
    _report(total, origins, seconds, args)
    return 1 if total.internal else 0


def _kind(origin: str, found: Tally) -> tuple[str, str]:
    what = "intern" if found.internal else "vertaald" if found.compiled else "geweigerd"
    return origin.split(" (")[0], what


def _save(finding: Finding, folder: Path, number: int) -> None:
    """The reproducer of one internal error as files `NNNNNN.beleid`, `.casus.json`, `.txt`."""
    folder.mkdir(parents=True, exist_ok=True)
    for suffix, text in reproducer(finding, f"{number:06d}").items():
        write_text(folder / f"{number:06d}{suffix}", text)
    print(f"  interne fout {number} ({finding.stage}, invoer {finding.input.seed}): {finding.summary[:160]}",
          file=sys.stderr)


def _progress(total: Tally, seconds: float, planned: int) -> None:
    print(f"{dutch(total.inputs)}/{dutch(planned)} invoeren in {seconds:.0f} s ({total.inputs / seconds:.0f} per "
          f"seconde): {dutch(total.compiled)} vertaald, {dutch(total.refused)} geweigerd, "
          f"{dutch(len(total.internal))} interne fouten", flush=True)


def _report(total: Tally, origins: collections.Counter, seconds: float, args) -> None:
    print()
    print(f"Fuzzing, zaad {args.zaad}: {dutch(total.inputs)} invoeren in {seconds:.0f} s "
          f"({total.inputs / seconds:.0f} invoeren per seconde)")
    print(f"  vertaald (gecompileerd):                {dutch(total.compiled)}")
    print(f"    waarvan casus geweigerd (Nederlands): {dutch(total.cases_refused)}")
    print(f"  geweigerd met een Nederlandse fout:     {dutch(total.refused)}")
    print(f"  interne fouten:                         {dutch(len(total.internal))}")
    print("\nPer herkomst (vertaald / geweigerd / intern):")
    for origin in sorted({o for o, _ in origins}):
        counts = [origins[origin, what] for what in ("vertaald", "geweigerd", "intern")]
        print(f"  {origin:<36} {' / '.join(dutch(c) for c in counts)}")
    groups = collections.Counter((f.stage, f.summary[:120]) for f in total.internal)
    if groups:
        print(f"\nInterne fouten per soort (reproducties in {args.uit}):")
        for (stage, summary), count in groups.most_common():
            first = next(f.input.seed for f in total.internal if (f.stage, f.summary[:120]) == (stage, summary))
            print(f"  {count:>6} × {stage}: {summary}  (eerste: invoer {first})")


if __name__ == "__main__":
    sys.exit(main())
