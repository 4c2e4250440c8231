"""How much it costs to build the Spark plan of each shipped policy, before Spark runs anything.

For every policy in policies/ (and benchmarks/eligibility_contract.beleid): the py4j round trips
(every command the Python driver sends to the JVM, counted by wrapping py4j's
`GatewayClient.send_command`) and the seconds `evaluate_spark(policy, frame)` takes to return its
DataFrame (plan building: Column objects, analysis of the logical plan), then, separately, the
seconds Spark takes to run that plan on a small frame (`toArrow()`, the optimiser included).
The frame is made (and counted) beforehand. Spark runs as local[2]; the first policy is measured
after a warm-up run, so the JVM's own start is not counted.
With `--zoals-tests` the session runs as in tests/test_spark.py (Spark's interpreted evaluation,
no generated Java), where the analysis of the expressions is most of a test's time.
Usage: python benchmarks/bench_spark_plan.py [--rijen 200] [--herhaal 2] [--zoals-tests]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from py4j.java_gateway import GatewayClient  # type: ignore[import-untyped]

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dsl.batch import evaluate_table  # noqa: E402
from dsl.batch.agreement import mixed_cases, spark_input  # noqa: E402
from dsl.batch.spark import evaluate_spark, session  # noqa: E402
from dsl.policy import load_policy  # noqa: E402

_calls = [0]
_send = GatewayClient.send_command


def _counted(self, *args, **kwargs):
    _calls[0] += 1
    return _send(self, *args, **kwargs)


GatewayClient.send_command = _counted


def measure(spark, policy, rows: int) -> tuple[int, float, float]:
    """(round trips, seconds) of building the plan, and the seconds of running it."""
    cases = mixed_cases(policy, rows, seed=1, pool=50, nan_share=0)
    refused = evaluate_table(policy, cases)["geweigerd"].to_list()
    frame = spark_input(spark, policy, [c for c, why in zip(cases, refused) if why is None]).cache()
    frame.count()
    before, start = _calls[0], time.perf_counter()
    out = evaluate_spark(policy, frame)
    built = time.perf_counter()
    trips = _calls[0] - before
    out.toArrow()
    ran = time.perf_counter()
    frame.unpersist()
    return trips, built - start, ran - built


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rijen", type=int, default=200)
    parser.add_argument("--herhaal", type=int, default=2)
    parser.add_argument("--zoals-tests", action="store_true", help="de instellingen van tests/test_spark.py")
    args = parser.parse_args()
    spark = session()
    if args.zoals_tests:
        from tests.test_spark import _interpreted

        _interpreted(spark)
    files = [*sorted((ROOT / "policies").glob("*.beleid")), ROOT / "benchmarks" / "eligibility_contract.beleid"]
    measure(spark, load_policy(files[0]), 20)   # warm-up: the JVM's classes, the calendar
    print(f"{'beleid':32} {'py4j':>8} {'plan s':>8} {'uitvoeren s':>12}")
    for file in files:
        policy = load_policy(file)
        runs = [measure(spark, policy, args.rijen) for _ in range(args.herhaal)]
        trips = min(r[0] for r in runs)
        plan = min(r[1] for r in runs)
        execute = min(r[2] for r in runs)
        print(f"{file.stem:32} {trips:8,} {plan:8.2f} {execute:12.2f}".replace(",", "."), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
