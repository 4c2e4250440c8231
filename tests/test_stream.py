"""The streamed route (typed Parquet in, Parquet out, `dsl.batch.stream`): the same file and the same
summary as the eager `evaluate_table` and the chunked route, on many generated rows."""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from dsl.batch import evaluate_table, missing_inputs, to_frame
from dsl.batch.agreement import mixed_cases
from dsl.batch.columns import typed_inputs
from dsl.batch.files import Summary, evaluate_file
from dsl.batch.stream import lazy_query, missing_names
from dsl.policy import compile_text
from tests.conftest import POLICIES, shipped

ROOT = Path(__file__).resolve().parent.parent
BENCHMARK = ROOT / "benchmarks" / "eligibility_contract.beleid"
SUMMARY_FIELDS = ("rows", "refused", "counts", "failed", "outcomes", "refused_rows", "reasons")


def _typed_parquet(policy, rows: list[dict], path: Path) -> pl.DataFrame:
    """The rows as a Parquet file of typed columns (what the streamed route reads), with an id."""
    typed, _refused = typed_inputs(policy.model, to_frame(rows))
    # a gegeven per periode that holds one value on every day of every row is a plain column in a
    # user's file (the (dag, waarde) pairs are only needed for a value that changes)
    plain = [n for n, f in policy.model.fields.items() if f.type.kind == "per periode"]
    typed = typed.with_columns([pl.col(n).list.first().struct.field("waarde").alias(n) for n in plain])
    frame = typed.drop("peildatum").with_row_index("id")
    frame.write_parquet(path)
    return frame


def _assert_same_as_eager(policy, source: Path, target: Path) -> Summary:
    assert lazy_query(policy, dict(pl.read_parquet_schema(source)), None) is not None   # the streamed route
    summary = evaluate_file(policy, source, target)
    streamed, eager = pl.read_parquet(target), evaluate_table(policy, pl.read_parquet(source))
    assert streamed.schema == eager.schema
    for column in eager.columns:
        a, b = streamed[column].cast(pl.String), eager[column].cast(pl.String)
        if column == "geweigerd":
            # the same rows are refused for the same gegevens; a value out of its range is named in
            # constant words on the streamed route (formatting it per row doubled its time)
            a, b = _constant_words(a), _constant_words(b)
        differ = a.ne_missing(b)
        assert not differ.any(), (column, streamed.filter(differ).head(3), eager.filter(differ).head(3))
    chunked = Summary()
    chunked.add(policy.model, eager, 0)
    for field in SUMMARY_FIELDS:
        if field != "refused":
            assert getattr(summary, field) == getattr(chunked, field), field
    # the streamed summary names the first ten refused rows (read back from the file)
    assert [row for row, _ in summary.refused] == [row for row, _ in chunked.refused][:10]
    return summary


def _constant_words(reasons: pl.Series) -> pl.Series:
    """Per refused row the gegevens it was refused for, in order (the streamed route words a value
    out of its range without the value)."""
    return reasons.str.extract_all(r"gegeven '[^']+'").list.join("; ")


def _benchmark_frame(n: int, seed: int) -> pl.DataFrame:
    """Cases for benchmarks/eligibility_contract.beleid near its thresholds, about 3 % of each input
    unknown, and a few values each refusal rule refuses (a negative bedrag, a bare 0.5 and 101 as a
    percentage, a keuze that is no option)."""
    rng = np.random.default_rng(seed)

    def near(center: int, spread: int) -> np.ndarray:
        return np.where(rng.random(n) < 0.3, center + rng.integers(-1, 2, n), rng.integers(center - spread,
                                                                                          center + spread, n))

    def money(cents: np.ndarray) -> pl.Series:
        return pl.Series(cents).cast(pl.Decimal(18, 0)).cast(pl.Decimal(18, 2)) / 100

    frame = pl.DataFrame({
        "soort_aanbieder": np.array(["instelling", "zzp", "eenmanszaak", "kapper"])[
            np.minimum(rng.integers(0, 3, n) + (rng.random(n) < 0.002), 3)],
        "bestaande_zzp_overeenkomst": rng.random(n) < 0.5,
        "omzet_2023": money(near(25_000_000, 20_000_000) * np.where(rng.random(n) < 0.002, -1, 1)),
        "uitgesloten_van_benchmark": rng.random(n) < 0.1,
        "benchmarkscore": np.array(["beste", "overig"])[rng.integers(0, 2, n)],
        "agb_code_vv": rng.random(n) < 0.95,
        "fte_niveau_6_loondienst": money(near(100, 90)),
        "aandeel_onderaanneming": money(np.select([rng.random(n) < 0.002, rng.random(n) < 0.002],
                                                  [50, 10_100], near(3300, 3000))),
        "verzekerd_bedrag": money(near(250_000_000, 100_000_000)),
        "ingang_verzekering": pl.Series(near(19723, 400).astype("int32")).cast(pl.Date),
        "voldoet_aan_wtza": rng.random(n) < 0.95,
    })
    return frame.with_columns([pl.when(pl.lit(pl.Series(rng.random(n) < 0.03))).then(None).otherwise(pl.col(c))
                               .alias(c) for c in frame.columns]).with_row_index("id")


def test_streamed_file_equals_the_eager_table_on_every_row_with_refusals(tmp_path):
    policy = shipped(BENCHMARK)
    source, target = tmp_path / "in.parquet", tmp_path / "uit.parquet"
    _benchmark_frame(60_000, seed=7).write_parquet(source, row_group_size=16_000)
    summary = _assert_same_as_eager(policy, source, target)
    assert 0 < summary.refused_rows < 1_000 and summary.counts["overeenkomst"]["bepaald"] > 20_000
    out = pl.read_parquet(target)
    assert out.filter(pl.col("geweigerd").str.contains("'kapper' is geen van de keuzes")).height > 0
    assert out.filter(pl.col("geweigerd").str.contains("dubbelzinnig voor een percentage")).height > 0
    assert out.filter(pl.col("geweigerd").is_not_null())["ontbrekende_gegevens"].null_count() == summary.refused_rows
    # a row with three unknowns spells them in the policy's order, once
    three = out.filter(pl.col("ontbrekende_gegevens").cast(pl.String).str.count_matches(", ") == 2)
    assert three.height > 0 and three["overeenkomst"].cast(pl.String).is_in(["onbekend", "bepaald"]).all()


@pytest.mark.parametrize("name", ["elv_grz_2023", "wijkverpleging_2024"])
def test_a_shipped_policy_with_more_than_twelve_gegevens_streams_the_same_file(name, tmp_path):
    policy = shipped(POLICIES / f"{name}.beleid")
    assert len(policy.model.fields) > 12   # the missing inputs are spelled from more than one bit mask
    source, target = tmp_path / "in.parquet", tmp_path / "uit.parquet"
    # a gegeven per jaar is read pair by pair (the chunked route); without its column the file streams
    by_year = {n for n, f in policy.model.fields.items() if f.type.kind == "per jaar"}
    # values per gegeven from 50 drawn cases, and one gegeven in eight left out (onbekend), so that
    # the missing inputs of a row fall in any of the bit masks, in every combination (the drawn
    # cases themselves leave none out)
    left_out = random.Random(3)
    cases = [{k: v for k, v in case.items() if k != "peildatum" and k not in by_year and left_out.random() >= 0.125}
             for case in mixed_cases(policy, 3_000, seed=3, pool=50)]
    frame = _typed_parquet(policy, cases, source)
    if by_year:
        pl.read_parquet(source).drop(sorted(by_year)).write_parquet(source)
    unknown = [n for n in policy.model.fields if n in frame.columns and frame[n].null_count()]
    assert len(unknown) > len(policy.model.fields) - len(by_year) - 5
    _assert_same_as_eager(policy, source, target)


DECISIONS = '''beleid "W"
gegevens
  omzet : bedrag
  soort : keuze uit "zzp", "instelling"
beslissing klasse "Klasse" (eerste treffer)
  als omzet is kleiner dan € 100 dan "klein"
  anders "groot"
beslissing vorm "Vorm" (eerste treffer)
  als soort is "zzp" dan "klein"
  anders "middel"
beslissing eigen "Eigen" (eerste treffer)
  als omzet is kleiner dan € 10 dan soort
  anders "instelling"
beslissing zelfde "Zelfde" (eerste treffer)
  als klasse is vorm dan "ja"
  anders "nee"
'''


def test_decision_values_are_enums_of_the_policys_words_on_every_route(tmp_path):
    # `klasse` and `vorm` are read by `zelfde` (compared with each other), `eigen` takes a value
    # from the case: every `.waarde` column holds the policy's words as an Enum, in the streamed
    # file, the eager table and per case alike
    policy = compile_text(DECISIONS, "w.beleid")
    source, target = tmp_path / "in.parquet", tmp_path / "uit.parquet"
    pl.DataFrame({"omzet": [Decimal(5), Decimal(500), Decimal(50), None], "soort": ["zzp", "instelling", None, "zzp"]},
                 schema={"omzet": pl.Decimal(18, 2), "soort": pl.String}).write_parquet(source)
    _assert_same_as_eager(policy, source, target)
    out = pl.read_parquet(target)
    assert out.schema["klasse.waarde"] == pl.Enum(["klein", "groot"]) and out.schema["eigen.waarde"] == pl.Enum(
        ["zzp", "instelling"])
    assert out.select(pl.col("^.*waarde$")).rows() == [("klein", "klein", "zzp", "ja"), ("groot", "middel", "instelling", "nee"),
                                                       ("klein", None, "instelling", None), (None, "klein", None, None)]
    per_case = evaluate_table(policy, pl.read_parquet(source), engine="python")
    assert per_case.schema == out.schema and per_case.rows() == out.rows()


def test_missing_names_spells_the_unknown_gegevens_as_the_eager_table_does():
    names = [f"g{i}" for i in range(27)]   # three words of bit masks
    rng = np.random.default_rng(1)
    frame = pl.DataFrame({n: pl.Series([None if u < 0.2 else 1.0 for u in rng.random(500)]) for n in names})
    frame = pl.concat([frame, pl.DataFrame({n: [None] for n in names}, schema=frame.schema),
                       pl.DataFrame({n: [1.0] for n in names}, schema=frame.schema)])
    streamed = frame.lazy().select(missing_names(names)).collect(engine="streaming").to_series()
    assert streamed.cast(pl.String).to_list() == missing_inputs(frame, names).cast(pl.String).to_list()
    assert streamed[-2] == ", ".join(names) and streamed[-1] is None and streamed.dtype == pl.Categorical()


def test_a_decision_giving_a_value_from_the_case_is_counted_in_the_streamed_summary(tmp_path):
    policy = compile_text('beleid "T"\ngegevens\n  naam : tekst\n  n : aantal\n'
                          'beslissing b "B"\n  als n is ten minste 2 dan naam\n  anders "geen"\n', "t.beleid")
    source, target = tmp_path / "in.parquet", tmp_path / "uit.parquet"
    pl.DataFrame({"naam": ["a", "b", "a", None, "c"], "n": [2, 3, 5, 4, 1]}).write_parquet(source)
    summary = _assert_same_as_eager(policy, source, target)
    assert summary.outcomes["b"] == {"a": 2, "b": 1, "geen": 1}
    out = pl.read_parquet(target)
    cases = [{"naam": "a", "n": 2}, {"naam": "b", "n": 3}, {"naam": "a", "n": 5}, {"n": 4}, {"naam": "c", "n": 1}]
    assert out["b.waarde"].to_list() == [policy.evaluate(case).value("b") for case in cases] == ["a", "b", "a", None, "geen"]


@pytest.mark.parametrize("field, calculation, column, refusal, second", [
    ("n : aantal", "n", pl.Series([2**64 - 1, 5], dtype=pl.UInt64), "gegeven 'n': 18446744073709551615 is te groot", 5),
    ("w : duur in weken", "w", pl.Series([2**62, 3], dtype=pl.Int64), "gegeven 'w': de waarde is te groot voor een duur", 21),
    ("n : aantal", "n * 1000000000", pl.Series([2**40, 3], dtype=pl.Int64),
     "de uitkomst van berekening 'k' (1.099.511.627.776.000.000.000) past niet in een kolom van de tabel; "
     "de rij is niet geëvalueerd", 3_000_000_000),
    ("x : lijst van bedrag", "som van x", pl.Series([[Decimal(1), Decimal(-2)], [Decimal(3)]], dtype=pl.List(pl.Decimal(38, 4))),
     "gegeven 'x': -2.0000 is geen geldig bedrag: een bedrag is niet negatief", Decimal(3)),
    ("x : lijst van aantal", "som van x", pl.Series([[1, -2], [3]], dtype=pl.List(pl.Int64)),
     "gegeven 'x': -2 is geen aantal; een aantal is niet negatief", 3),
], ids=["uint64", "weken_in_dagen", "product", "lijst_bedrag", "lijst_aantal"])
def test_a_typed_parquet_value_past_its_column_or_its_limits_refuses_its_row(tmp_path, field, calculation, column,
                                                                                refusal, second):
    """Typed Parquet to Parquet (the streamed route) checked less than the chunked one: 2^62 weken
    wrapped round to a negative count of days, a list's negative bedrag or aantal went in unchecked,
    and a uint64 past 2^63 or a product past Int64 ended as "kan de uitkomsten niet schrijven (is
    de schijf vol?)". Each now refuses its row, and the other row is evaluated."""
    policy = compile_text(f'beleid "s"\ngegevens\n  {field}\nberekening k = {calculation}\n', "s.beleid")
    source, target = tmp_path / "in.parquet", tmp_path / "uit.parquet"
    pl.DataFrame({field.split()[0]: column}).write_parquet(source)
    summary = evaluate_file(policy, source, target)
    out = pl.read_parquet(target)
    assert out["geweigerd"].to_list() == [refusal, None]
    assert out["k.waarde"][1] == second and summary.refused_rows == 1
