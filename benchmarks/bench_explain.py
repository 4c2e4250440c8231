"""Benchmark: explaining a case (`dsl.explain.explain`) against its traced evaluation.

On policies/wijkverpleging_2024.beleid, prints per scenario the time of `explain(outcome)`
(which builds its `Explainer` and every rule's step and sentence; the steps of conditions and
rows are made when first looked at) and its ratio to `policy.evaluate(case, trace=True)` on an
already loaded `Case` (target: at most 10×). Scenarios, for each shipped case file:
  - "warm": a process that has explained this policy before (its wording and the values it
    formatted are remembered), the fastest of many calls;
  - "warm + render van de hele boom": the same, with every step of the tree made and rendered;
  - "koud": the first explanation after loading the policy: Babel formats every value (tens
    of µs each), every node's text and form are worked out;
  - "notebook": the case with one gegeven changed, each in turn (the mean over all changes;
    a changed value is formatted for the first time).
Then generated cases, each explained once (the mean). The garbage collector is off while
timing, as `timeit` does. Run:

    python benchmarks/bench_explain.py [--herhaal 200] [--casussen 200] [--profiel]
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import random
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dsl.explain import explain, render  # noqa: E402
from dsl.explain import text as wording_cache  # noqa: E402
from dsl.policy import load_policy  # noqa: E402

POLICY = ROOT / "policies" / "wijkverpleging_2024.beleid"
CASES = [ROOT / "policies/casussen/wijkverpleging_thuiszorg_noord.json",
         ROOT / "policies/casussen/wijkverpleging_kleine_aanbieder.yaml"]


def forget(policy) -> None:
    """The cold case: drop everything explanations remember about the policy."""
    wording_cache._WORDINGS.pop(policy.model, None)


def fastest(fn: Callable[[], object], repeat: int, before: Callable[[], None] | None = None) -> float:
    """The fastest of `repeat` timed calls, in seconds (`before` runs untimed before each)."""
    best = float("inf")
    for _ in range(repeat):
        if before is not None:
            before()
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def mean_over(fn: Callable[[object], object], items: list) -> float:
    start = time.perf_counter()
    for item in items:
        fn(item)
    return (time.perf_counter() - start) / len(items)


def changed_one_at_a_time(policy, case) -> list:
    """The case with one gegeven changed, for each gegeven in turn: a ja/nee flipped, a number
    one up, a date a day later, any other value (or an unknown one) left out or filled in."""
    data = dict(case.data)
    variants = []
    for name, field in policy.model.fields.items():
        value = data.get(name)
        changed = dict(data)
        if isinstance(value, bool):
            changed[name] = not value
        elif isinstance(value, (int, Decimal)):
            changed[name] = value + 1
        elif isinstance(value, date):
            changed[name] = value + timedelta(days=1)
        elif value is None and field.type.kind == "ja/nee":
            changed[name] = True
        else:
            changed.pop(name, None)
        if case.peil is not None:
            changed["peildatum"] = case.peil
        variants.append(policy.load_case(changed))
    return variants


def random_cases(policy, n: int) -> list:
    """`n` generated cases: each gegeven left out with chance 0.3, else a random typed value."""
    rng = random.Random(7)
    makers = {"bedrag": lambda t: Decimal(rng.randrange(0, 5_000_000_00)) / 100,
              "percentage": lambda t: Decimal(rng.randrange(0, 10000)) / 100,
              "getal": lambda t: Decimal(rng.randrange(0, 2000)) / 100,
              "aantal": lambda t: rng.randrange(0, 20),
              "ja/nee": lambda t: rng.random() < 0.5,
              "keuze": lambda t: rng.choice(t.options),
              "datum": lambda t: f"2023-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}",
              "tijdstip": lambda t: f"2023-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}T17:00",
              "duur": lambda t: f"{rng.randrange(0, 60)} {t.unit}"}
    cases = []
    for _ in range(n):
        data = {name: makers[f.type.kind](f.type) for name, f in policy.model.fields.items()
                if rng.random() >= 0.3 and f.type.kind in makers}
        cases.append(policy.load_case(data))
    return cases


def row(label: str, evaluate_s: float, explain_s: float) -> None:
    print(f"  {label:<44} {explain_s * 1e6:9.1f} µs  {explain_s / evaluate_s:6.1f}×")


def measure_case(policy, label: str, case, repeat: int) -> None:
    evaluate_s = fastest(lambda: policy.evaluate(case, trace=True), repeat)
    outcome = policy.evaluate(case, trace=True)
    explain(outcome)
    print(f"{label}: evaluate(trace=True) {evaluate_s * 1e6:.1f} µs; explain:")
    row("warm", evaluate_s, fastest(lambda: explain(outcome), repeat))
    row("warm + render van de hele boom", evaluate_s,
        fastest(lambda: render(explain(outcome), max_depth=99), repeat))
    row("koud (eerste na het laden)", evaluate_s,
        fastest(lambda: explain(outcome), max(5, repeat // 10), lambda: forget(policy)))
    variants = changed_one_at_a_time(policy, case)
    outcomes = [policy.evaluate(v, trace=True) for v in variants]
    row(f"notebook: één gegeven anders (gemiddeld over {len(variants)})",
        mean_over(lambda v: policy.evaluate(v, trace=True), variants), mean_over(explain, outcomes))


def measure_generated(policy, cases: list) -> None:
    """Different cases, each evaluated and explained once (a warm process)."""
    outcomes = [policy.evaluate(case, trace=True) for case in cases]
    evaluate_s = mean_over(lambda case: policy.evaluate(case, trace=True), cases)
    print(f"{len(cases)} gegenereerde casussen, elk eenmaal: evaluate(trace=True) {evaluate_s * 1e6:.1f} µs; explain:")
    row("gemiddeld (nieuwe waarden: Babel formatteert)", evaluate_s, mean_over(explain, outcomes))


def profile(policy, case, repeat: int) -> None:
    outcome = policy.evaluate(case, trace=True)
    explain(outcome)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(repeat):
        explain(outcome)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("tottime").print_stats(25)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--herhaal", type=int, default=200, help="timed calls per figure")
    parser.add_argument("--casussen", type=int, default=200, help="generated cases")
    parser.add_argument("--profiel", action="store_true", help="print a cProfile of explain() on the first case")
    args = parser.parse_args()
    policy = load_policy(POLICY)
    print(f"{POLICY.relative_to(ROOT)}: {len(policy.model.rules)} regels, "
          f"{len(policy.compiled.steps)} stappen in het spoor")
    cases = [policy.load_case(path) for path in CASES]
    gc.disable()
    for path, case in zip(CASES, cases, strict=True):
        measure_case(policy, path.name, case, args.herhaal)
    measure_generated(policy, random_cases(policy, args.casussen))
    gc.enable()
    if args.profiel:
        profile(policy, cases[0], args.herhaal)


if __name__ == "__main__":
    main()
