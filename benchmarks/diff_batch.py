"""The engines against the per-case path on many generated cases, per shipped policy.

For every policy in policies/: N boundary-rich cases (`dsl.batch.agreement.mixed_cases`: values
from dsl.testing's strategies, recombined per gegeven, with unknowns and NaN), evaluated by
Polars (and with --spark by Spark local[2]) and compared row for row, column for column, with
`policy.evaluate(case)`. Prints the counts and every disagreement (none expected).
Spark gets the rows in slices (`--spark-plak`, 25,000 by default): one DataFrame of 100,000
readable rows built from Python values did not fit the driver's default 1 GiB heap (the script
also asks for a 3 GiB driver unless PYSPARK_SUBMIT_ARGS says otherwise).
Usage: python benchmarks/diff_batch.py [--rijen 100000] [--spark] [--spark-plak 25000] [--zaad 0]
                                       [--beleid NAAM ...]   (default: every policy in policies/)
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dsl.batch import evaluate_table  # noqa: E402
from dsl.batch.agreement import disagreements, mixed_cases, spark_input  # noqa: E402
from dsl.policy import load_policy  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rijen", type=int, default=100_000)
    parser.add_argument("--spark", action="store_true")
    parser.add_argument("--spark-plak", type=int, default=25_000)
    parser.add_argument("--zaad", type=int, default=0)
    parser.add_argument("--beleid", action="append", metavar="NAAM",
                        help="alleen dit beleid (de naam van het bestand zonder .beleid); mag vaker")
    args = parser.parse_args()
    files = sorted((ROOT / "policies").glob("*.beleid"))
    if args.beleid:
        unknown = sorted(set(args.beleid) - {f.stem for f in files})
        if unknown:
            parser.error(f"onbekend beleid: {', '.join(unknown)}; kies uit {', '.join(f.stem for f in files)}")
        files = [f for f in files if f.stem in args.beleid]
    spark = None
    if args.spark:
        os.environ.setdefault("PYSPARK_SUBMIT_ARGS", "--driver-memory 3g pyspark-shell")
        from dsl.batch.spark import evaluate_spark, session

        spark = session()
        # Rows made from Python values are a LocalRelation, which Spark's optimizer would evaluate on
        # the driver, row by row, with an interpreted projection that indexes a linked list per
        # column: quadratic in the ~300 columns of a policy (measured: one slice of 25,000 rows of
        # elv_grz_2023 still unfinished after 20 CPU-minutes). The tests exclude the rule too.
        spark.conf.set("spark.sql.optimizer.excludedRules",
                       "org.apache.spark.sql.catalyst.optimizer.ConvertToLocalRelation")
    total = 0
    for file in files:
        policy = load_policy(file)
        start = time.perf_counter()
        cases = mixed_cases(policy, args.rijen, seed=args.zaad, pool=2000)
        made = time.perf_counter()
        table = evaluate_table(policy, cases)
        found = disagreements(policy, cases, table)
        count = f"{len(cases):,}".replace(",", ".")   # 10.000 rows, as Dutch writes it
        line = (f"{file.stem}: {count} casussen ({made - start:.0f} s gemaakt), Polars: {len(found)} "
                f"verschillen, {table['geweigerd'].is_not_null().sum()} geweigerd")
        if spark is not None:
            readable = [c for c, r in zip(cases, table["geweigerd"].to_list()) if r is None]
            spark_found = []
            for begin in range(0, len(readable), args.spark_plak):
                piece = readable[begin:begin + args.spark_plak]
                got = pl.from_arrow(evaluate_spark(policy, spark_input(spark, policy, piece)).toArrow())
                assert isinstance(got, pl.DataFrame)
                spark_found += disagreements(policy, piece, got)
            found += spark_found
            line += f"; Spark: {len(spark_found)} verschillen"
        print(line, flush=True)
        for row in found[:20]:
            print("   ", row)
        total += len(found)
    print(f"{total} verschillen in totaal")
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
