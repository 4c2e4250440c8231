"""Batch evaluation against hand-vectorised numpy, in one run.

Workload: benchmarks/eligibility_contract.beleid (six minimum requirements over eleven inputs,
their group, and a first-hit contract decision), N generated cases with near-threshold probes and
about 2 % unknowns per input. Every route must give the same 8 outcomes on every row (asserted).

Paths measured (each from the user's input to what the user reads):
  - in memory: a Polars DataFrame of typed columns -> `evaluate_table` (the full output table:
    Dutch status columns, values, missing inputs) against numpy computing the 8 outcomes as int8
    codes from the same columns (money as int64 cents, Kleene masks written out by hand);
  - a 1,000-row call of `evaluate_table`;
  - streamed: a Parquet file -> `dsl.batch.files.evaluate_file` -> a Parquet file, against two
    numpy routes reading pyarrow batches and writing with a ParquetWriter: one writes only the 8
    codes (int8), the other the same 20 columns the user gets from Polars (`numpy_table`: statuses,
    reason codes, the decision's value and row, the unknown gegevens per row and the refusals, as
    dictionary columns of the same words; asserted equal to `evaluate_table` on every row of the
    in-memory table). Each route runs in its own process, so its peak memory (VmHWM) is its own,
    `--rondes` times in turn; the ratios are the medians of each round's ratios;
  - a check before the streamed timing: the first `--controle` rows (2M by default) streamed to a
    file must equal `evaluate_table` on the same rows in memory, every row, every column, and the
    schema.
Usage: python benchmarks/bench_batch.py [--rijen 1000000] [--stroom 10000000] [--controle 2000000]
                                        [--rondes 3] [--spark]
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.compute
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dsl.batch import evaluate_table  # noqa: E402
from dsl.policy import load_policy  # noqa: E402

POLICY = ROOT / "benchmarks" / "eligibility_contract.beleid"
SOORTEN = ["instelling", "zzp", "eenmanszaak"]
SCORES = ["beste", "overig"]
OUTCOMES = ["aanspraak_vv", "wtza", "fte_niveau_6", "onderaanneming", "aansprakelijkheid", "zzp_overeenkomst",
            "minimumeisen", "overeenkomst"]
# status codes shared by both routes: voldaan 0, niet voldaan 1, onbekend 2, n.v.t. 3;
# decision: 0 geen overeenkomst .. 5 standaard, 6 onbekend, 7 geen uitkomst
STATUS = {"voldaan": 0, "niet voldaan": 1, "onbekend": 2, "niet van toepassing": 3}
CONTRACTS = ["geen overeenkomst", "zzp-overeenkomst", "cliëntvolgende overeenkomst", "aanbod buiten de benchmark",
             "plusovereenkomst", "standaardovereenkomst"]


# ---------------------------------------------------------------- data
def generate(n: int, seed: int = 20240101) -> pa.Table:
    """N cases: money near € 250.000 and € 2.500.000, shares near 33 %, fte near 1, dates near
    1 January 2024; about 2 % of each input unknown."""
    rng = np.random.default_rng(seed)

    def near(center: int, spread: int, unit: int) -> np.ndarray:
        probe = rng.random(n) < 0.3
        values = rng.integers(center - spread, center + spread, n)
        return np.where(probe, center + rng.integers(-1, 2, n) * unit, values)

    def missing() -> np.ndarray:
        return rng.random(n) < 0.02

    omzet = near(25_000_000, 20_000_000, 1)             # cents
    verzekerd = near(250_000_000, 100_000_000, 1)       # cents
    aandeel = near(3300, 3000, 1)                        # hundredths of a percent
    fte = near(100, 90, 1)                               # hundredths
    ingang = near(19723, 400, 1)                         # days since 1970 (19723 = 2024-01-01)
    columns = {
        "id": pa.array(np.arange(n)),
        "soort_aanbieder": _masked(pa.array(np.array(SOORTEN)[rng.integers(0, 3, n)]), missing()),
        "bestaande_zzp_overeenkomst": _masked(pa.array(rng.random(n) < 0.5), missing()),
        "omzet_2023": _masked(_decimal(omzet, 2), missing()),
        "uitgesloten_van_benchmark": _masked(pa.array(rng.random(n) < 0.1), missing()),
        "benchmarkscore": _masked(pa.array(np.array(SCORES)[rng.integers(0, 2, n)]), missing()),
        "agb_code_vv": _masked(pa.array(rng.random(n) < 0.95), missing()),
        "fte_niveau_6_loondienst": _masked(_decimal(fte, 2), missing()),
        "aandeel_onderaanneming": _masked(_decimal(aandeel, 2), missing()),
        "verzekerd_bedrag": _masked(_decimal(verzekerd, 2), missing()),
        "ingang_verzekering": _masked(pa.array(ingang.astype("int32"), pa.date32()), missing()),
        "voldoet_aan_wtza": _masked(pa.array(rng.random(n) < 0.95), missing()),
    }
    return pa.table(columns)


def _decimal(units: np.ndarray, scale: int) -> pa.Array:
    """Whole units (cents) as an exact decimal128(18, scale) column."""
    series = pl.Series(units).cast(pl.Decimal(18, scale)) / pl.lit(Decimal(10 ** scale), pl.Decimal(18, scale))
    return pl.select(series.cast(pl.Decimal(18, scale))).to_series().to_arrow()


def _masked(array: pa.Array, mask: np.ndarray) -> pa.Array:
    return pa.compute.if_else(pa.array(mask), pa.nulls(len(array), array.type), array)


# ---------------------------------------------------------------- the numpy baseline
def _cents(column, scale: int) -> tuple[np.ndarray, np.ndarray]:
    """(whole units at `scale`, null mask) of a decimal column, exactly (no float)."""
    null = column.is_null().to_numpy(zero_copy_only=False)
    unscaled = pa.compute.multiply_checked(column.cast(pa.decimal128(18, scale)), pa.scalar(Decimal(10 ** scale)))
    return unscaled.cast(pa.int64()).fill_null(0).to_numpy(zero_copy_only=False), null


def _bools(column) -> tuple[np.ndarray, np.ndarray]:
    null = column.is_null().to_numpy(zero_copy_only=False)
    return column.fill_null(False).to_numpy(zero_copy_only=False).astype(bool), null


def _equal(column, text: str) -> np.ndarray:
    """Text equality computed by Arrow (no Python strings), null as False."""
    return pa.compute.equal(column, text).fill_null(False).to_numpy(zero_copy_only=False)


def numpy_codes(table: pa.Table) -> dict[str, np.ndarray]:
    """The 8 outcomes as int8 codes, Kleene logic by hand."""
    return numpy_evaluate(table)[0]


def numpy_evaluate(table: pa.Table) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """(the 8 outcomes as int8 codes, the parts and null masks they were computed from: what the
    reasons and the refusals of `numpy_table` read)."""
    def status(true: np.ndarray, unknown: np.ndarray) -> np.ndarray:
        return np.where(unknown, 2, np.where(true, 0, 1)).astype(np.int8)

    agb, agb_n = _bools(table["agb_code_vv"])
    wtza, wtza_n = _bools(table["voldoet_aan_wtza"])
    fte, fte_n = _cents(table["fte_niveau_6_loondienst"], 2)
    aandeel, aandeel_n = _cents(table["aandeel_onderaanneming"], 2)
    verzekerd, verzekerd_n = _cents(table["verzekerd_bedrag"], 2)
    ingang_col = table["ingang_verzekering"]
    ingang = ingang_col.cast(pa.int32()).fill_null(0).to_numpy(zero_copy_only=False)
    ingang_n = ingang_col.is_null().to_numpy(zero_copy_only=False)
    soort_col = table["soort_aanbieder"]
    soort_n = soort_col.is_null().to_numpy(zero_copy_only=False)
    is_zzp = _equal(soort_col, "zzp")
    zzp_soort = is_zzp | _equal(soort_col, "eenmanszaak")
    zzp, zzp_n = _bools(table["bestaande_zzp_overeenkomst"])
    omzet, omzet_n = _cents(table["omzet_2023"], 2)
    uitgesloten, uitgesloten_n = _bools(table["uitgesloten_van_benchmark"])
    score_col = table["benchmarkscore"]
    score_n = score_col.is_null().to_numpy(zero_copy_only=False)
    beste = _equal(score_col, "beste")

    out = {"aanspraak_vv": status(agb, agb_n), "wtza": status(wtza, wtza_n),
           "fte_niveau_6": status(fte >= 100, fte_n), "onderaanneming": status(aandeel <= 3300, aandeel_n)}
    a_ok, a_n = verzekerd >= 250_000_000, verzekerd_n
    b_ok, b_n = ingang <= 19723, ingang_n
    false = (~a_ok & ~a_n) | (~b_ok & ~b_n)
    out["aansprakelijkheid"] = np.where(false, 1, np.where(a_n | b_n, 2, 0)).astype(np.int8)
    zzp_status = status(zzp, zzp_n)
    out["zzp_overeenkomst"] = np.where(soort_n, 2, np.where(is_zzp, zzp_status, 3)).astype(np.int8)
    members = np.stack([out[k] for k in OUTCOMES[:6]])
    out["minimumeisen"] = np.where((members == 1).any(0), 1, np.where((members == 2).any(0), 2, 0)).astype(np.int8)

    group = out["minimumeisen"]
    c1 = np.where(group == 2, -1, group == 1)       # -1 unknown, else bool
    c2_false = (~zzp_soort & ~soort_n) | (~zzp & ~zzp_n)
    c2 = np.where(c2_false, 0, np.where(soort_n | zzp_n, -1, 1))
    c3 = np.where(omzet_n, -1, omzet < 25_000_000)
    gt = omzet > 25_000_000
    c4_false = (~gt & ~omzet_n) | (~uitgesloten & ~uitgesloten_n)
    c4 = np.where(c4_false, 0, np.where(omzet_n | uitgesloten_n, -1, 1))
    c5_false = (~gt & ~omzet_n) | (~beste & ~score_n)
    c5 = np.where(c5_false, 0, np.where(omzet_n | score_n, -1, 1))
    c6 = np.where(omzet_n, -1, gt)
    decision = np.full(len(group), 7, np.int8)
    decided = np.zeros(len(group), bool)
    for index, c in enumerate((c1, c2, c3, c4, c5, c6)):
        unknown = (c == -1) & ~decided
        decision[unknown] = 6
        decided |= unknown
        hit = (c == 1) & ~decided
        decision[hit] = index
        decided |= hit
    out["overeenkomst"] = decision
    parts = {"a_false": ~a_ok & ~a_n, "b_false": ~b_ok & ~b_n, "a_n": a_n, "b_n": b_n, "soort_n": soort_n,
             "is_zzp": is_zzp, "zzp_soort": zzp_soort, "soort_known": _equal(soort_col, "instelling") | zzp_soort,
             "score_known": beste | _equal(score_col, "overig"), "score_n": score_n,
             "omzet": omzet, "verzekerd": verzekerd, "aandeel": aandeel}
    return out, parts


# ---------------------------------------------------------------- the numpy baseline, full output
FIELDS = ["soort_aanbieder", "bestaande_zzp_overeenkomst", "omzet_2023", "uitgesloten_van_benchmark", "benchmarkscore",
          "agb_code_vv", "fte_niveau_6_loondienst", "aandeel_onderaanneming", "verzekerd_bedrag", "ingang_verzekering",
          "voldoet_aan_wtza"]
# status code (voldaan 0, niet voldaan 1, onbekend 2, n.v.t. 3) -> index in the output's status words
STATUS_WORDS = ["voldaan", "niet voldaan", "gehaald", "niet gehaald", "verstreken zonder datum", "nog niet verstreken",
                "bepaald", "geen uitkomst", "meerdere regels", "onbekend", "niet van toepassing"]
STATUS_INDEX = np.array([0, 1, 9, 10], np.int8)
DECISION_INDEX = np.array([6] * 6 + [9, 7], np.int8)   # a row's outcome: bepaald; 6 onbekend; 7 geen uitkomst
MEMBERS = OUTCOMES[:6]
REASONS = {name: ["1", "?1"] for name in OUTCOMES[:4]} | {
    "aansprakelijkheid": ["1", "2", "?1", "?2"], "zzp_overeenkomst": ["1", "?1", "?toepassing"],
    "minimumeisen": MEMBERS + ["?" + m for m in MEMBERS]}
SPELLINGS = pa.array([", ".join(n for i, n in enumerate(FIELDS) if mask >> i & 1) for mask in range(1 << len(FIELDS))])


def _dictionary(indices: np.ndarray, null: np.ndarray | None, words: list[str] | pa.Array) -> pa.DictionaryArray:
    return pa.DictionaryArray.from_arrays(pa.array(indices, mask=null), words if isinstance(words, pa.Array)
                                          else pa.array(words))


def numpy_table(table: pa.Table) -> pa.Table:
    """What `evaluate_table` gives the user, computed by hand with numpy: the key, per rule its status
    and, for eisen and groepen, its reason code (dictionary columns of the same words), the
    decision's value and row, the unknown gegevens per row and the refusals (a keuze that is not
    an option, a bedrag below zero, a percentage outside 0-100 or strictly between 0 and 1)."""
    codes, parts = numpy_evaluate(table)
    refused = (~parts["soort_known"] & ~parts["soort_n"]) | (~parts["score_known"] & ~parts["score_n"]) \
        | (parts["omzet"] < 0) | (parts["verzekerd"] < 0) | (parts["aandeel"] < 0) | (parts["aandeel"] > 10_000) \
        | ((parts["aandeel"] > 0) & (parts["aandeel"] < 100))
    gone = refused if refused.any() else None
    out: dict[str, pa.Array] = {"id": table["id"].combine_chunks()}
    for name in OUTCOMES[:7]:
        status = codes[name]
        out[name] = _dictionary(STATUS_INDEX[status], gone, STATUS_WORDS)
        index, null = _reason(name, status, codes, parts, refused)
        out[f"{name}.reden"] = _dictionary(index, null, REASONS[name])
    decision = codes["overeenkomst"]
    hit = decision < 6
    out["overeenkomst"] = _dictionary(DECISION_INDEX[decision], gone, STATUS_WORDS)
    out["overeenkomst.waarde"] = _dictionary(np.minimum(decision, 5), ~hit | refused, CONTRACTS)
    out["overeenkomst.regel"] = pa.array((decision + 1).astype(np.int16), mask=~hit | refused)
    mask = np.zeros(len(decision), np.uint16)
    for i, name in enumerate(FIELDS):
        mask |= table[name].is_null().to_numpy(zero_copy_only=False).astype(np.uint16) << i
    out["ontbrekende_gegevens"] = _dictionary(mask, (mask == 0) | refused, SPELLINGS)
    out["geweigerd"] = pa.array(["gegeven buiten zijn bereik"] * len(decision), mask=~refused) if gone is not None \
        else pa.nulls(len(decision), pa.string())
    return pa.table(out)


def _reason(name: str, status: np.ndarray, codes: dict, parts: dict,
            refused: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(indices into REASONS[name], null mask) of an eis or groep's reason code."""
    failed, unknown = status == 1, status == 2
    if name == "aansprakelijkheid":
        index = np.where(parts["a_false"], 0, np.where(parts["b_false"], 1, np.where(parts["a_n"], 2, 3)))
    elif name == "zzp_overeenkomst":
        index = np.where(parts["soort_n"], 2, np.where(failed, 0, 1))
    elif name == "minimumeisen":
        members = np.stack([codes[m] for m in MEMBERS])
        index = np.where(failed, (members == 1).argmax(0), len(MEMBERS) + (members == 2).argmax(0))
    else:
        index = np.where(failed, 0, 1)
    return index.astype(np.int8), ~(failed | unknown) | refused


def polars_codes(result: pl.DataFrame) -> dict[str, np.ndarray]:
    """The same 8 codes read back from `evaluate_table`'s output, to check agreement."""
    out = {}
    for name in OUTCOMES[:7]:
        out[name] = result[name].cast(pl.String).replace_strict(STATUS, return_dtype=pl.Int8).to_numpy()
    value = result["overeenkomst.waarde"].replace_strict({c: i for i, c in enumerate(CONTRACTS)}, default=None,
                                                        return_dtype=pl.Int8)
    status = result["overeenkomst"].cast(pl.String)
    out["overeenkomst"] = pl.select(pl.when(pl.lit(status) == "onbekend").then(6)
                                    .when(pl.lit(status) == "geen uitkomst").then(7)
                                    .otherwise(pl.lit(value))).to_series().cast(pl.Int8).to_numpy()
    return out


def agree(a: dict, b: dict) -> int:
    return sum(int((a[k] != b[k]).sum()) for k in OUTCOMES)


def best_of(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


# ---------------------------------------------------------------- streamed routes (own process each)
def stream_numpy(source: str, target: str) -> None:
    writer = None
    for batch in pq.ParquetFile(source).iter_batches(batch_size=1_000_000):
        table = pa.Table.from_batches([batch])
        codes = numpy_codes(table)
        out = pa.table({"id": table["id"], **{k: pa.array(v) for k, v in codes.items()}})
        writer = writer or pq.ParquetWriter(target, out.schema, compression="zstd")
        writer.write_table(out)
    assert writer is not None
    writer.close()


def stream_numpy_full(source: str, target: str) -> None:
    """The same columns as `evaluate_file` writes (`numpy_table`), with pyarrow's writer; no
    statistics (Polars writes only null counts): the baseline is never made slower than it must be."""
    writer = None
    for batch in pq.ParquetFile(source).iter_batches(batch_size=1_000_000):
        out = numpy_table(pa.Table.from_batches([batch]))
        writer = writer or pq.ParquetWriter(target, out.schema, compression="zstd", write_statistics=False)
        writer.write_table(out)
    assert writer is not None
    writer.close()


def stream_polars(source: str, target: str) -> None:
    from dsl.batch.files import evaluate_file

    evaluate_file(load_policy(POLICY), Path(source), Path(target), chunk_rows=1_000_000)


def stream_spark(source: str, target: str) -> None:
    from dsl.batch.spark import evaluate_file_spark, session

    session()  # a cluster's session is already running: the job alone is timed as well
    start = time.perf_counter()
    evaluate_file_spark(load_policy(POLICY), Path(source), Path(target))
    SPARK_JOB.write_text(f"{time.perf_counter() - start:.3f}")


SPARK_JOB = Path(tempfile.gettempdir()) / "bench_batch_spark_job.txt"   # the Spark job's own seconds


def _child(route: str, source: str, target: str) -> None:
    start = time.perf_counter()
    {"numpy": stream_numpy, "numpy-alles": stream_numpy_full, "polars": stream_polars,
     "spark": stream_spark}[route](source, target)
    seconds = time.perf_counter() - start
    print(f"{seconds:.3f} {_peak_mib():.0f}")


def _peak_mib() -> float:
    """This process's peak resident memory. VmHWM belongs to the program now running; ru_maxrss
    keeps the peak of the process that started it across the exec (measured: a child of this
    script reported the parent's 1.47 GB), so it is only the fallback off Linux."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _streamed(route: str, source: str, target: str) -> tuple[float, float]:
    out = subprocess.run([sys.executable, __file__, "--kind", route, source, target], capture_output=True,
                         text=True, check=True)
    seconds, peak = out.stdout.split()
    return float(seconds), float(peak)


def check_streamed(policy, source: str, folder: str, rows: int) -> None:
    """The first `rows` rows of `source` streamed Parquet -> Parquet equal `evaluate_table` in memory."""
    from dsl.batch.files import evaluate_file

    os.makedirs(folder)
    head = os.path.join(folder, "invoer.parquet")
    pl.scan_parquet(source).head(rows).sink_parquet(head)
    evaluate_file(policy, Path(head), Path(folder) / "uit.parquet")
    streamed = pl.read_parquet(Path(folder) / "uit.parquet")
    eager = evaluate_table(policy, pl.read_parquet(head))
    differ = {c: int(streamed[c].cast(pl.String).ne_missing(eager[c].cast(pl.String)).sum()) for c in eager.columns}
    print(f"controle: {rows:,} rijen gestroomd en in het geheugen: {sum(differ.values())} verschillen, "
          f"schema gelijk: {streamed.schema == eager.schema}".replace(",", "."))
    assert streamed.schema == eager.schema and not any(differ.values()), differ


def same_table(a: pl.DataFrame, b: pl.DataFrame) -> bool:
    """The same columns with the same values in every row (compared as text: a dictionary column
    of pyarrow against a Polars Enum)."""
    return a.columns == b.columns and all(
        not a[c].cast(pl.String).ne_missing(b[c].cast(pl.String)).any() for c in a.columns)


ROUTES = [("numpy", "numpy, alleen de 8 uitkomsten als codes"), ("numpy-alles", "numpy, dezelfde 20 kolommen"),
          ("polars", "evaluate_file (Polars)")]


def streamed(source: str, folder: str, rounds: int, spark: bool) -> None:
    """Each route in its own process, `rounds` times in turn (load on the shared machine hits every
    route alike); the ratios are medians of the rounds' ratios, each round's own numpy the base."""
    import statistics

    times: dict[str, list[float]] = {route: [] for route, _ in ROUTES}
    peaks: dict[str, list[float]] = {route: [] for route, _ in ROUTES}
    for _ in range(rounds):
        for route, _label in ROUTES:
            seconds, peak = _streamed(route, source, os.path.join(folder, f"{route}.parquet"))
            times[route].append(seconds)
            peaks[route].append(peak)
    rows = f"{stroom_rows(source):,}".replace(",", ".")
    print(f"gestroomd, Parquet -> Parquet, {rows} rijen, {rounds} rondes (load aan het eind {os.getloadavg()[0]:.1f}):")
    for route, label in ROUTES:
        against = [statistics.median(a / b for a, b in zip(times[route], times[base])) for base in ("numpy", "numpy-alles")]
        print(f"  {label:40} {_spread(times[route])} s   {against[0]:4.2f}x / {against[1]:4.2f}x   "
              f"piek {max(peaks[route]):5.0f} MiB")
    print("  (x numpy met codes / x numpy met dezelfde kolommen; doel <= 0,5x en < 1 GiB)")
    if spark:   # once: it takes minutes
        SPARK_JOB.unlink(missing_ok=True)
        spark_s, spark_mb = _streamed("spark", source, os.path.join(folder, "spark.parquet"))
        job_s = float(SPARK_JOB.read_text()) if SPARK_JOB.exists() else float("nan")
        numpy_s, _ = _streamed("numpy", source, os.path.join(folder, "numpy.parquet"))
        full_s, _ = _streamed("numpy-alles", source, os.path.join(folder, "numpy-alles.parquet"))
        print(f"  Spark local[2]: {spark_s:.1f} s met het starten van de sessie, {job_s:.1f} s zonder; zonder: "
              f"{job_s / numpy_s:.1f}x numpy met codes ({numpy_s:.2f} s), {job_s / full_s:.1f}x numpy met dezelfde "
              f"kolommen ({full_s:.2f} s); piek {spark_mb:.0f} MiB (alleen het Python-proces; de JVM apart); "
              f"load aan het eind {os.getloadavg()[0]:.1f}")


def stroom_rows(source: str) -> int:
    return pq.ParquetFile(source).metadata.num_rows


def _spread(values: list[float]) -> str:
    low, high = min(values), max(values)
    return f"{low:5.2f}-{high:5.2f}" if len(values) > 1 else f"{low:5.2f}      "


# ---------------------------------------------------------------- main
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rijen", type=int, default=1_000_000)
    parser.add_argument("--stroom", type=int, default=10_000_000)
    parser.add_argument("--controle", type=int, default=2_000_000,
                        help="zoveel rijen gestroomd en in het geheugen vergelijken (0: niet)")
    parser.add_argument("--rondes", type=int, default=3, help="zoveel keer elke gestroomde route, om de beurt")
    parser.add_argument("--spark", action="store_true", help="ook Spark local[2] op het gestroomde bestand")
    args = parser.parse_args()
    policy = load_policy(POLICY)

    table = generate(args.rijen)
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    result = evaluate_table(policy, frame)
    mismatches = agree(numpy_codes(table), polars_codes(result))
    small = frame.head(1000)
    reference = evaluate_table(policy, small, engine="python")
    same = evaluate_table(policy, small).rows() == reference.rows()
    by_hand = pl.from_arrow(numpy_table(table))
    assert isinstance(by_hand, pl.DataFrame)
    full = same_table(by_hand, result)
    print(f"{args.rijen:,} casussen: {mismatches} verschillen tussen numpy en Polars; "
          f"1.000 rijen per casus (python) en Polars gelijk: {same}; "
          f"numpy met alle kolommen en Polars gelijk: {full}".replace(",", "."))
    assert mismatches == 0 and same and full

    numpy_s = best_of(lambda: numpy_codes(table))
    polars_s = best_of(lambda: evaluate_table(policy, frame))
    small_s = best_of(lambda: evaluate_table(policy, small), repeat=10)
    print(f"in het geheugen, {args.rijen:_} rijen (load {os.getloadavg()[0]:.1f}):".replace("_", "."))
    print(f"  numpy (8 uitkomsten als codes)       {numpy_s:8.3f} s   1,00x")
    print(f"  evaluate_table (Polars, hele tabel)  {polars_s:8.3f} s   {polars_s / numpy_s:4.2f}x   (doel <= 1,5x)")
    print(f"  1.000 rijen per aanroep              {small_s * 1000:8.1f} ms           (doel < 20 ms)")

    if args.stroom:
        with tempfile.TemporaryDirectory() as folder:
            source = os.path.join(folder, "casussen.parquet")
            writer = None
            for start in range(0, args.stroom, 1_000_000):
                part = generate(min(1_000_000, args.stroom - start), seed=start + 1)
                part = part.set_column(0, "id", pa.array(np.arange(start, start + part.num_rows)))
                writer = writer or pq.ParquetWriter(source, part.schema)
                writer.write_table(part)
            assert writer is not None
            writer.close()
            if args.controle:
                check_streamed(policy, source, os.path.join(folder, "controle"), args.controle)
            streamed(source, folder, args.rondes, args.spark)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--kind":
        _child(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        main()
