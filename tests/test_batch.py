"""Batch evaluation: tables and files through a policy, the same outcomes as case by case."""

from __future__ import annotations

import json
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from dsl.batch import evaluate_table, outcome_of_row, plan_for, to_frame
from dsl.batch.files import evaluate_file
from dsl.batch.polars_rules import PolarsPlan
from dsl.errors import CaseError
from dsl.examples import example_case
from dsl.policy import compile_text
from tests.conftest import POLICIES, beleid, shipped

# The shipped policies, the decision tables of issue 14 (two outcomes per row, every hit policy
# that gives one value) and `is bekend` on every type (tests/test_bekend.py): Polars must agree with
# the per-case path on each.
TABLES = Path(__file__).parent / "data" / "tabellen" / "inkoop_tabellen.beleid"
BEKEND = Path(__file__).parent / "data" / "bekend" / "bekend.beleid"
FILES = [*sorted(POLICIES.glob("*.beleid")), TABLES, BEKEND]
_FILE = {f.stem: f for f in FILES}   # compiled when a test asks (`shipped`), not at collection


def _evalueer(*args: str, process: bool = False) -> subprocess.CompletedProcess:
    """`beleid evalueer ARGS`, its output captured (`tests.conftest.beleid`: in this process, or a new one)."""
    return beleid("evalueer", *args, process=process)


def _example_rows(policy) -> list[dict]:
    """The voorbeelden as table rows: values as a case file writes them (a duration with its unit)."""
    from dsl.testing.strategies import as_case_value

    fields = policy.model.fields
    return [{**{k: as_case_value(v, fields[k].type) for k, v in example.givens.items()}, "peildatum": example.peil}
            for example in policy.model.examples]


@pytest.mark.parametrize("name", sorted(_FILE))
def test_every_shipped_policy_compiles_to_polars(name):
    assert isinstance(plan_for(shipped(_FILE[name])), PolarsPlan)


@pytest.mark.parametrize("name", sorted(_FILE))
def test_polars_per_case_and_the_voorbeelden_agree_on_every_row(name):
    policy = shipped(_FILE[name])
    rows = _example_rows(policy)
    columnar = evaluate_table(policy, rows)
    reference = evaluate_table(policy, rows, engine="python")
    assert columnar.columns == reference.columns
    for column in columnar.columns:
        assert columnar[column].to_list() == reference[column].to_list(), column
    for i, example in enumerate(policy.model.examples):
        outcome = policy.evaluate(example_case(policy, example))
        for rule in policy.model.rules:
            assert columnar[rule][i] == outcome.status(rule), (example.title, rule)
            if f"{rule}.waarde" in columnar.columns:
                assert columnar[f"{rule}.waarde"][i] == outcome.value(rule), (example.title, rule)


KLEENE = '''beleid "K"
gegevens
  omzet : bedrag
  zzp : ja/nee
  aandeel : percentage
eisen basis "Basis"
  eis e1 "E1" vereist omzet is ten minste € 100 en aandeel is ten hoogste 33%
  eis e2 "E2" vereist omzet is groter dan € 1.000 of zzp
beslissing soort "Soort" (eerste treffer)
  als zzp dan "zzp"
  als omzet is kleiner dan € 250.000 dan "klein"
  als omzet is groter dan € 250.000 dan "groot"
beslissing enkel "Enkel" (uniek)
  als omzet is ten minste € 10 dan "a"
  als omzet is ten minste € 20 dan "b"
berekening deel = 10% van omzet
berekening som = omzet * 3 + € 0,01
'''


@pytest.mark.parametrize("row, expected", [
    ({"omzet": None, "zzp": False, "aandeel": Decimal(10)}, {"e1": "onbekend", "soort": "onbekend"}),
    ({"omzet": Decimal(50), "zzp": None, "aandeel": None}, {"e1": "niet voldaan", "e2": "onbekend",
                                                             "soort": "onbekend"}),
    ({"omzet": Decimal(5000), "zzp": None, "aandeel": Decimal(40)}, {"e2": "voldaan", "e1": "niet voldaan"}),
    ({"omzet": Decimal(250000), "zzp": False}, {"soort": "geen uitkomst"}),
    ({"omzet": Decimal(25), "zzp": False}, {"enkel": "meerdere regels"}),
    ({"omzet": Decimal(15), "zzp": False}, {"enkel": "bepaald", "enkel.waarde": "a", "enkel.regel": 1,
                                             "deel.waarde": Decimal("1.5"), "som.waarde": Decimal("45.01")}),
])
def test_unknowns_follow_kleene_and_never_fall_through(row, expected):
    policy = compile_text(KLEENE, "k.beleid")
    out = evaluate_table(policy, [row])
    for column, value in expected.items():
        assert out[column][0] == value, column
    reference = evaluate_table(policy, [row], engine="python")
    assert out.rows() == reference.rows()


def test_input_columns_are_read_exactly_and_refused_by_row():
    policy = compile_text(KLEENE, "k.beleid")
    table = pl.DataFrame({"id": ["a", "b", "c", "d"],
                          "omzet": ["€ 2.500,00", "abc", "1.000,00005", "NaN"],
                          "zzp": ["ja", "nee", "ja", "ja"]})
    out = evaluate_table(policy, table)
    assert out["id"].to_list() == ["a", "b", "c", "d"]
    assert out["som.waarde"][0] == Decimal("7500.01")
    assert out["geweigerd"].to_list() == [
        None,
        "gegeven 'omzet': 'abc' is geen bedrag; verwacht bijvoorbeeld € 120.000 of 120000",
        "gegeven 'omzet': 1000.00005 heeft meer dan 4 decimalen",
        "gegeven 'omzet': 'NaN' is geen bedrag; verwacht bijvoorbeeld € 120.000 of 120000",
    ]
    assert out["e1"][1] is None and out["ontbrekende_gegevens"][1] is None
    assert out["ontbrekende_gegevens"][0] == "aandeel"


@pytest.mark.parametrize("height", [0, 1, 300])
def test_a_column_of_one_repeated_value_is_what_pl_repeat_gives(height):
    """An absent gegeven, an empty column of reasons and a given peildatum are columns of one value,
    made without a query (`dsl.batch.columns._constant`, from a cached one-value Series): the same
    values, type and name as `pl.repeat`, whatever name was asked for before."""
    from dsl.batch.columns import _constant

    for value, dtype in [(None, pl.Decimal(38, 2)), (None, pl.String()), (False, pl.Boolean()),
                         (date(2024, 1, 1), pl.Date()), (None, pl.Datetime("us")), (None, pl.Categorical())]:
        for name in ("omzet", "peildatum"):
            expected = pl.repeat(value, height, dtype=dtype, eager=True).alias(name)
            got = _constant(name, value, dtype, height)
            assert got.equals(expected) and (got.name, got.dtype, got.len()) == (name, dtype, height), (value, dtype)


DIVISION = 'beleid "D"\ngegevens\n  a : getal\n  b : getal\nberekening q = a / b\n'   # evaluated per case


@pytest.mark.parametrize("text", [KLEENE, DIVISION], ids=["in Polars", "per casus"])
def test_a_policy_evaluated_as_a_table_is_freed_when_no_longer_used(text):
    """What the batch path keeps per policy (its Polars plan, or why it has none; its output
    columns) goes with the policy. Before, the cached plan held its model, so every policy ever
    evaluated as a table stayed in memory (the notebook compiles one per edit). (`compile_text`
    keeps its last few texts: they are pushed out by as many others.)"""
    import gc
    import weakref

    from dsl.batch.polars_rules import output_exprs
    from dsl.policy import RECENT_TEXTS

    policy = compile_text(text + "\n# eigen tekst\n", "k.beleid")
    assert isinstance(plan_for(policy), PolarsPlan) == (text is KLEENE)
    rows = [{"omzet": Decimal("120000"), "zzp": False}] if text is KLEENE else [{"a": 1, "b": 3}]
    first = evaluate_table(policy, rows)
    assert first.equals(evaluate_table(policy, rows))   # the second time from what was kept
    assert output_exprs(policy.model)[0] is not output_exprs(policy.model)[0]   # each caller its own list
    gone = weakref.ref(policy.model)
    del policy
    for i in range(RECENT_TEXTS):
        compile_text(text + f"\n# bewerking {i}\n", "k.beleid")
    gc.collect()
    assert gone() is None


def test_a_value_with_more_decimals_than_its_column_is_refused_not_rounded():
    policy = compile_text(KLEENE, "k.beleid")
    out = evaluate_table(policy, [{"omzet": "1,123456"}])
    assert out["geweigerd"][0] == "gegeven 'omzet': 1.123456 heeft meer dan 4 decimalen"


def test_a_decimal_column_with_more_decimals_than_the_gegeven_keeps_is_read_where_they_are_zeros():
    """A database's DECIMAL(18,6) for a bedrag (4 decimals): 3.000000 and 1.123400 are exact and read;
    0.123456 would need rounding and refuses its row, as does a negative amount."""
    policy = compile_text(KLEENE, "k.beleid")
    column = pl.Series([Decimal("3"), Decimal("1.1234"), Decimal("0.123456"), Decimal("-1"), None], dtype=pl.Decimal(18, 6))
    out = evaluate_table(policy, pl.DataFrame({"omzet": column}))
    assert out["geweigerd"].to_list() == [
        None, None, "gegeven 'omzet': 0.123456 heeft meer dan 4 decimalen",
        "gegeven 'omzet': -1.000000 is geen geldig bedrag: een bedrag is niet negatief", None]
    assert out["som.waarde"].to_list()[:2] == [Decimal("9.0100"), Decimal("3.3802")]


def test_a_float32_column_is_read_through_its_shortest_text():
    """0.3 in a float32 column is 0.30000001192092896 as a Python float, so it was refused as having
    more than 4 decimals; it is read as 0.3, the shortest text that is that float32 (as Spark
    reads it). A float32 that needs more decimals than the bedrag keeps is still refused."""
    policy = compile_text(KLEENE, "k.beleid")
    out = evaluate_table(policy, pl.DataFrame({"omzet": pl.Series([0.3, 1234.5, 0.12345], dtype=pl.Float32)}))
    assert out["som.waarde"].to_list()[:2] == [Decimal("0.9100"), Decimal("3703.5100")]
    assert out["geweigerd"].to_list() == [None, None, "gegeven 'omzet': 0.12345 heeft meer dan 4 decimalen"]


def test_counts_and_durations_past_int64_refuse_their_row_and_never_wrap_round():
    """An aantal or duur is held in an Int64 column: a uint64 past 2^63 stopped the run, 2^62
    weken came out negative (× 7 wrapped round), and 10^20 (a number or text) came out unknown
    without a reason. Each now refuses its row, saying it is too large."""
    policy = compile_text('beleid "a"\ngegevens\n  n : aantal\n  w : duur in weken\nberekening kn = n\n'
                          'berekening kw = w\n', "a.beleid")
    out = evaluate_table(policy, pl.DataFrame({"n": pl.Series([2**64 - 1, 5], dtype=pl.UInt64),
                                               "w": pl.Series([2**62, 3], dtype=pl.Int64)}))
    assert out["geweigerd"].to_list() == ["gegeven 'n': 18446744073709551615 is te groot; "
                                          "gegeven 'w': 32281802128991715328 dagen is te groot", None]
    assert (out["kn.waarde"][1], out["kw.waarde"][1]) == (5, 21)
    out = evaluate_table(policy, [{"n": 10**20}, {"n": "100000000000000000000"}, {"w": "1317624576693539401"}])
    assert out["geweigerd"].to_list()[:2] == ["gegeven 'n': 100000000000000000000 is te groot"] * 2
    assert out["kw.waarde"][2] == 2**63 - 1   # the largest that fits: 1317624576693539401 weken


def test_a_product_past_a_decimal_column_is_computed_per_case_not_a_crash(tmp_path):
    """€ 10^31 × 10^6 does not fit Polars' decimal(38,4) arithmetic: the query stopped ("interne
    fout", exit 70). The table is computed per case instead: 10^37 is written whole, and an aantal
    past Int64 (2^62 × 10^9, which came out empty with status bepaald) refuses its row."""
    policy = compile_text('beleid "a"\ngegevens\n  b : bedrag\n  n : aantal\nberekening kb = b * 1000000\n'
                          'berekening kn = n * 1000000000\n', "a.beleid")
    frame = pl.DataFrame({"b": pl.Series([Decimal(10**31), Decimal(3)], dtype=pl.Decimal(38, 4)), "n": [3, 2**62]})
    out = evaluate_table(policy, frame)
    assert out["kb.waarde"][0] == Decimal(10**37) and out["kn.waarde"][0] == 3_000_000_000
    assert out["geweigerd"].to_list() == [None, "de uitkomst van berekening 'kn' (4.611.686.018.427.387.904.000.000.000) "
                                                "past niet in een kolom van de tabel; de rij is niet geëvalueerd"]
    assert policy.evaluate({"b": Decimal(10**31), "n": 3}).values == (Decimal(10**37), 3_000_000_000)
    # whole numbers: Polars' Int64 arithmetic wrapped round (2^40 × 10^9 was -7.293.016.646.573.096.960)
    counts = compile_text('beleid "c"\ngegevens\n  n : aantal\nberekening kn = n * 1000000000\nberekening ks = n + n\n',
                          "c.beleid")
    out = evaluate_table(counts, pl.DataFrame({"n": [2**40, 3]}))
    assert out["geweigerd"][0] == ("de uitkomst van berekening 'kn' (1.099.511.627.776.000.000.000) past niet in een kolom "
                                   "van de tabel; de rij is niet geëvalueerd")
    assert (out["kn.waarde"][1], out["ks.waarde"][1]) == (3_000_000_000, 6)


PAIRS = ('beleid "t"\ngegevens\n  x : bedrag per jaar\n  t : bedrag per periode\n  start : datum\n'
         'berekening sx = x in 2023\neisen g "G"\n'
         '  eis e "E" vereist gedurende de periode van start tot en met start: t is ten minste € 5\n')


def pairs_file(folder: Path) -> Path:
    """A Parquet file for `PAIRS`: a value per year and one per period as lists of {jaar|dag, waarde}
    structs, two rows (the second with a negative bedrag in 2023)."""
    from datetime import date

    years = pl.Struct({"jaar": pl.Int64, "waarde": pl.Decimal(18, 4)})
    days = pl.Struct({"dag": pl.Date, "waarde": pl.Decimal(18, 4)})
    source = folder / "paren.parquet"
    pl.DataFrame({
        "x": pl.Series([[{"jaar": 2023, "waarde": Decimal(7)}], [{"jaar": 2023, "waarde": Decimal(-1)}]], dtype=pl.List(years)),
        "t": pl.Series([[{"dag": date(2023, 1, 1), "waarde": Decimal(5)}, {"dag": date(2023, 7, 1), "waarde": Decimal(4)}]] * 2,
                       dtype=pl.List(days)),
        "start": [date(2023, 3, 1), date(2023, 3, 1)],
    }).write_parquet(source)
    return source


def test_values_per_year_and_per_period_as_a_list_of_pairs_are_read(tmp_path):
    """A Parquet list of {jaar, waarde} or {dag, waarde} structs (the form Beleidstaal writes them
    in, docs/batch.md) was refused as "geen waarde per jaar"; it is read as the same pairs in an
    object are, each value checked (a negative bedrag refuses its row)."""
    policy, source, target = compile_text(PAIRS, "t.beleid"), pairs_file(tmp_path), tmp_path / "uit.parquet"
    evaluate_file(policy, source, target)
    out = pl.read_parquet(target)
    assert out["sx.waarde"].to_list() == [Decimal(7), None] and out["e"].to_list() == ["voldaan", None]
    assert out["geweigerd"][1] == "gegeven 'x': jaar 2023: -1.0000 is geen geldig bedrag: een bedrag is niet negatief"
    case = {"x": {"2023": "€ 7"}, "t": {"2023-01-01": "€ 5", "2023-07-01": "€ 4"}, "start": "2023-03-01"}
    assert policy.evaluate(case).statuses == policy.evaluate(
        {"x": [{"jaar": 2023, "waarde": "€ 7"}], "t": [{"dag": "2023-01-01", "waarde": "€ 5"},
                                                       {"dag": "2023-07-01", "waarde": "€ 4"}], "start": "2023-03-01"}).statuses


def test_working_days_and_calendar_months_agree_with_the_per_case_calendar():
    text = '''beleid "D"
gegevens
  start : datum
  n : duur in werkdagen
berekening werk = start + n
berekening terug = 3 werkdagen voor start
berekening volgende = 1 maand na start
'''
    policy = compile_text(text, "d.beleid")
    days = [date(2024, 1, 31), date(2025, 4, 25), date(2025, 4, 26), date(2024, 3, 28), date(2024, 12, 24),
            date(2024, 2, 29), date(2023, 5, 5)]
    rows = [{"start": d, "n": n} for d in days for n in (0, 1, 2, 5)]
    columnar = evaluate_table(policy, rows)
    for i, row in enumerate(rows):
        outcome = policy.evaluate(row)
        for rule in ("werk", "terug", "volgende"):
            assert columnar[f"{rule}.waarde"][i] == outcome.value(rule), (row, rule)


DUTCH_CSV = ("\ufeffagb;omzet;zzp;aandeel\n"
             "1;120.000;nee;10\n"
             "2;abc;nee;41\n"
             "3;€ 300.000,50;ja;NaN\n"
             "\n"
             "4;250000;nee;33,5\n")


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_a_dutch_csv_with_broken_rows_gives_every_row_and_exit_code_3(tmp_path):
    policy_file = _write(tmp_path / "k.beleid", KLEENE)
    source = _write(tmp_path / "in.csv", DUTCH_CSV)
    target = tmp_path / "uit.csv"
    run = _evalueer(str(policy_file), "--casussen", str(source), "--uit", str(target), process=True)
    assert run.returncode == 3, run.stderr
    assert "5 rijen gelezen, 2 geëvalueerd, 3 geweigerd" in run.stdout
    assert "rij 2: gegeven 'omzet': 'abc' is geen bedrag" in run.stdout
    assert "rij 3: gegeven 'aandeel': 'NaN' is geen percentage" in run.stdout
    assert "rij 4: lege regel" in run.stdout
    assert "Soort (soort):\n         1  klein\n         1  (geen uitkomst)" in run.stdout
    out = pl.read_csv(target, separator=";", infer_schema=False)
    assert out["agb"].to_list() == ["1", "2", "3", None, "4"]
    assert out["som.waarde"][0] == "360000,01"   # decimal comma, as the input wrote it
    assert out["soort.waarde"].to_list() == ["klein", None, None, None, None]
    assert not list(tmp_path.glob(".uit.csv.*"))
    assert target.stat().st_mode & 0o044   # readable by others, as any file the user writes


def test_plain_csv_parquet_and_json_lines_give_the_same_outcomes(tmp_path):
    policy = compile_text(KLEENE, "k.beleid")
    plain = _write(tmp_path / "in.csv", "id,omzet,zzp\n1,1234.56,false\n2,300000,true\n")
    parquet = tmp_path / "in.parquet"
    pl.DataFrame({"id": [1, 2], "omzet": [Decimal("1234.56"), Decimal(300000)], "zzp": [False, True]},
                 schema={"id": pl.Int64, "omzet": pl.Decimal(18, 2), "zzp": pl.Boolean}).write_parquet(parquet)
    lines = _write(tmp_path / "in.jsonl", '{"id": 1, "omzet": 1234.56, "zzp": false}\n'
                                           '{"id": 2, "omzet": 300000, "zzp": true}\n')
    results = []
    for source in (plain, parquet, lines):
        target = tmp_path / f"uit-{source.suffix[1:]}.parquet"
        summary = evaluate_file(policy, source, target)
        assert summary.rows == 2 and not summary.refused
        results.append(pl.read_parquet(target).select("e1", "soort", "som.waarde").rows())
    assert results[0] == results[1] == results[2]
    assert results[0][0][2] == Decimal("3703.69")


def test_a_failed_run_leaves_no_file(tmp_path, monkeypatch):
    policy = compile_text(KLEENE, "k.beleid")
    source = _write(tmp_path / "in.csv", "omzet\n" + "\n".join(str(i) for i in range(1, 50)) + "\n")
    target = tmp_path / "uit.parquet"
    import dsl.batch.files as files

    calls = []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        return evaluate_table(*args, **kwargs)

    monkeypatch.setattr(files, "evaluate_table", failing)
    with pytest.raises(OSError):
        files.evaluate_file(policy, source, target, chunk_rows=10)
    assert list(tmp_path.iterdir()) == [source]


def test_one_row_is_explained_as_a_single_case(tmp_path):
    policy_file = _write(tmp_path / "k.beleid", KLEENE)
    source = _write(tmp_path / "in.csv", DUTCH_CSV)
    case = _write(tmp_path / "case.json", json.dumps({"omzet": "120.000", "zzp": "nee", "aandeel": "10"}))
    row = _evalueer(str(policy_file), "--casussen", str(source), "--rij", "1", "--sleutel", "agb")
    single = _evalueer(str(policy_file), "--casus", str(case))
    assert row.returncode == single.returncode == 0, row.stderr + single.stderr
    assert row.stdout.splitlines()[1:] == single.stdout.splitlines()[1:]
    assert row.stdout.splitlines()[0].endswith(f"rij 1 van {source}")
    policy = compile_text(KLEENE, "k.beleid")
    table = pl.read_csv(source, separator=";", infer_schema=False, encoding="utf8")
    table = table.rename({table.columns[0]: "agb"})
    assert outcome_of_row(policy, table, "1", column="agb")["soort"].value == "klein"
    assert outcome_of_row(policy, table, "4")["soort"].status == "geen uitkomst"   # agb 4
    with pytest.raises(CaseError, match="'NaN' is geen percentage"):
        outcome_of_row(policy, table, "3", column="agb")
    with pytest.raises(LookupError, match="geen rij met sleutel '99'"):
        outcome_of_row(policy, table, "99", column="agb")


def test_a_misspelt_column_is_reported_before_the_run(tmp_path):
    policy_file = _write(tmp_path / "k.beleid", KLEENE)
    source = _write(tmp_path / "in.csv", "omzett;zzp\n100;ja\n")
    run = _evalueer(str(policy_file), "--casussen", str(source), "--uit", str(tmp_path / "uit.csv"))
    assert run.returncode == 0
    assert "kolom 'omzett' is geen gegeven van het beleid (bedoelde u 'omzet'?)" in run.stderr
    assert "geen kolom voor 2 gegevens (overal onbekend): omzet, aandeel" in run.stderr


@pytest.mark.parametrize("name", sorted(_FILE))
def test_polars_agrees_with_the_per_case_path_on_generated_boundary_cases(name):
    """A slice of benchmarks/diff_batch.py: boundary-rich cases from dsl.testing's strategies,
    recombined per gegeven, with unknowns and a few NaN values."""
    from dsl.batch.agreement import disagreements, mixed_cases

    policy = shipped(_FILE[name])
    cases = mixed_cases(policy, 1000, seed=7, pool=100, nan_share=0.01)
    table = evaluate_table(policy, cases)
    assert disagreements(policy, cases, table) == []
    assert table["geweigerd"].is_not_null().sum() > 0 or not any(
        f.type.kind in ("bedrag", "percentage", "getal") for f in policy.model.fields.values())


def test_disagreements_finds_each_kind_of_changed_cell_by_row_and_column():
    """The agreement tests pass when `disagreements` finds nothing, so it must find each kind of
    difference: a status, a reason code, a value, the row of a beslissing, the date of a termijn,
    and a refusal the per-case path does not make (that row's other columns then go unread)."""
    from dsl.batch.agreement import disagreements

    policy = shipped(_FILE["wijkverpleging_2024"])
    rows = _example_rows(policy)
    table = evaluate_table(policy, rows)
    assert disagreements(policy, rows, table) == []

    def first_known(column: str, avoid: set[int]) -> int:
        return next(i for i, v in enumerate(table[column].to_list()) if v is not None and i not in avoid)

    planted: dict[tuple[int, str], object] = {}
    for column, other in [("aanspraak_vv", "voldaan"), ("aansprakelijkheid.reden", "2"),
                          ("signaalgrens_plafond.waarde", Decimal("1.5")), ("overeenkomst.regel", 5),
                          ("antwoord_ophoging.uiterste_datum", date(2030, 1, 1)), ("geweigerd", "te veel")]:
        used = {row for row, _ in planted}
        row = first_known(column if column != "geweigerd" else "aanspraak_vv", used)
        if column == "aanspraak_vv" and table[column][row] == other:
            other = "niet voldaan"
        planted[row, column] = other
    changed = table.with_row_index("__i").with_columns([
        pl.when(pl.col("__i") == row).then(pl.lit(value, dtype=table.schema[column])).otherwise(pl.col(column)).alias(column)
        for (row, column), value in planted.items()]).drop("__i")
    found = disagreements(policy, rows, changed)
    assert {(row, column): got for row, column, got, _ in found} == planted
    expected = {(row, column): want for row, column, _, want in found}
    assert expected[next(k for k in planted if k[1] == "geweigerd")] is None   # the per-case path read that row
    for (row, column), want in expected.items():
        if column != "geweigerd":
            assert want == table[column][row], (row, column)   # what the per-case path gives: the unchanged cell


def test_a_whole_number_duration_column_counts_in_the_declared_unit():
    policy = compile_text('beleid "D"\ngegevens\n  wacht : duur in weken\n'
                          'eisen g "G"\n  eis e "E" vereist wacht is ten hoogste 3 weken\n', "d.beleid")
    table = pl.DataFrame({"wacht": [2, 3, 4]}, schema={"wacht": pl.Int32})
    out = evaluate_table(policy, table)
    assert out["e"].to_list() == ["voldaan", "voldaan", "niet voldaan"]
    assert out.rows() == evaluate_table(policy, [{"wacht": 2}, {"wacht": 3}, {"wacht": 4}], engine="python").rows()
    assert [policy.evaluate({"wacht": w}).status("e") for w in (2, 3, 4)] == out["e"].to_list()


@pytest.mark.parametrize("name", sorted(_FILE))
def test_a_typed_parquet_file_is_streamed_with_the_same_outcomes(name, tmp_path):
    from dsl.batch.columns import typed_inputs
    from dsl.batch.stream import lazy_query

    policy = shipped(_FILE[name])
    rows = _example_rows(policy)
    typed, _refused = typed_inputs(policy.model, to_frame(rows))
    source, target = tmp_path / "in.parquet", tmp_path / "uit.parquet"
    typed.with_row_index("nr").write_parquet(source)
    from dsl.types import limits

    # a list of keuzes, or of values with limits (a bedrag, a percentage, an aantal), is checked
    # item by item on the chunked route
    keuze_lists = any(f.type.kind == "lijst" and f.type.element is not None and (
        f.type.element.kind == "keuze" or limits(f.type.element) != (None, None)) for f in policy.model.fields.values())
    streams = lazy_query(policy, dict(pl.read_parquet_schema(source)), None) is not None
    by_year = any(f.type.kind in ("per jaar", "per periode")   # (day or year, value) pairs: read one by one
                  for f in policy.model.fields.values())
    assert streams or keuze_lists or by_year   # the streaming route, unless list elements need checking one by one
    summary = evaluate_file(policy, source, target)
    streamed, expected = pl.read_parquet(target), evaluate_table(policy, typed.with_row_index("nr"))
    assert streamed.columns == expected.columns and summary.rows == len(rows)
    for column in expected.columns:
        assert streamed[column].cast(pl.String).to_list() == expected[column].cast(pl.String).to_list(), column


def test_a_streamed_parquet_refuses_a_value_outside_its_keuze_by_row(tmp_path):
    policy = compile_text('beleid "S"\ngegevens\n  soort : keuze uit "zzp", "instelling"\n  n : aantal\n'
                          'eisen g "G"\n  eis e "E" vereist n is ten minste 2\n'
                          'beslissing b "B"\n  als soort is "zzp" dan "z"\n  anders "i"\n', "s.beleid")
    source, target = tmp_path / "in.parquet", tmp_path / "uit.parquet"
    pl.DataFrame({"id": [1, 2, 3], "soort": ["zzp", "kapper", "instelling"], "n": [3, 1, -1]}).write_parquet(source)
    summary = evaluate_file(policy, source, target)
    out = pl.read_parquet(target)
    assert out["geweigerd"].to_list() == [None, "gegeven 'soort': 'kapper' is geen van de keuzes \"zzp\", \"instelling\"",
                                          "gegeven 'n': -1 is geen aantal; een aantal is niet negatief"]
    assert out["b.waarde"].to_list() == ["z", None, None]
    assert (summary.rows, summary.refused_rows, [r for r, _ in summary.refused]) == (3, 2, [2, 3])
    assert summary.outcomes["b"] == {"z": 1} and summary.counts["e"] == {"voldaan": 1}


def test_a_date_column_kept_as_date_times_at_midnight_is_read_as_dates(tmp_path):
    """A Parquet file from pandas or Excel often holds a date column as date-times at 00:00: each
    is its date, in the file's own unit; a row with another time is refused with the per-case
    reader's words, and a column with a time zone refuses its rows. The same outcome as the
    per-case path on the same values."""
    from datetime import datetime

    policy = compile_text('beleid "d"\ngegevens\n  start : datum\neisen g "G"\n'
                          '  eis e "E" vereist start is uiterlijk 1 januari 2024\n', "d.beleid")
    moments = [datetime(2023, 12, 31), datetime(2024, 1, 1, 10, 30), datetime(2024, 1, 2), None]
    for unit in ("ns", "us", "ms"):
        source, target = tmp_path / f"in_{unit}.parquet", tmp_path / f"uit_{unit}.parquet"
        pl.DataFrame({"start": pl.Series(moments, dtype=pl.Datetime(unit))}).write_parquet(source)
        summary = evaluate_file(policy, source, target)
        out = pl.read_parquet(target)
        assert out["e"].to_list() == ["voldaan", None, "niet voldaan", "onbekend"], unit
        assert out["geweigerd"].to_list() == [
            None, "gegeven 'start': 2024-01-01 10:30:00 is een tijdstip; verwacht een datum zonder tijd, "
            "zoals 2024-01-01", None, None], unit
        assert [policy.evaluate({"start": m}).status("e") for m in (moments[0], moments[2])] == ["voldaan", "niet voldaan"]
        assert (summary.rows, summary.refused_rows) == (4, 1)
    zoned = pl.DataFrame({"start": pl.Series([datetime(2023, 12, 31)], dtype=pl.Datetime("us", "Europe/Amsterdam"))})
    out = evaluate_table(policy, zoned)
    assert out["geweigerd"][0].startswith("gegeven 'start': 2023-12-31 01:00:00+01:00 is een tijdstip met een tijdzone")


def test_a_policy_polars_cannot_evaluate_exactly_is_evaluated_per_case_from_a_typed_parquet(tmp_path):
    policy = compile_text('beleid "d"\ngegevens\n  a : bedrag\n  b : bedrag\nberekening q = a / b\n', "d.beleid")
    source, target = tmp_path / "in.parquet", tmp_path / "uit.parquet"
    pl.DataFrame({"a": [Decimal("10.00"), Decimal("1.00")], "b": [Decimal("3.00"), Decimal("0.00")]},
                 schema={"a": pl.Decimal(18, 2), "b": pl.Decimal(18, 2)}).write_parquet(source)
    summary = evaluate_file(policy, source, target)
    out = pl.read_parquet(target)
    assert out["q"].to_list() == ["bepaald", "onbekend"] and summary.rows == 2
    assert out["q.waarde"][0] == policy.evaluate({"a": 10, "b": 3}).value("q")


def test_a_file_that_is_not_parquet_gets_a_dutch_message(tmp_path):
    policy_file = _write(tmp_path / "k.beleid", KLEENE)
    source = _write(tmp_path / "in.parquet", "geen parquet")
    run = _evalueer(str(policy_file), "--casussen", str(source), "--uit", str(tmp_path / "uit.parquet"))
    assert run.returncode == 1
    assert run.stderr.strip() == f"beleid: {source}: kan de casussen niet lezen: het is geen geldig Parquet-bestand"


# ---------------------------------------------------------------- reason codes
REASONS = '''beleid "R"
gegevens
  bedrag_verzekerd : bedrag
  ingang : datum
  soort : keuze uit "zzp", "instelling"
  heeft_overeenkomst : ja/nee
  vrijgesteld : ja/nee
eisen g "G"
  eis verzekering "Verzekerd, op tijd"
    vereist bedrag_verzekerd is ten minste € 2.500.000 en ingang is uiterlijk 1 januari 2024
  eis zzp "Een zzp'er heeft een overeenkomst"
    van toepassing als soort is "zzp"
    vereist heeft_overeenkomst
    tenzij vrijgesteld
'''


@pytest.mark.parametrize("row, expected", [
    ({"bedrag_verzekerd": 2_000_000, "ingang": date(2024, 2, 1), "soort": "instelling"},
     {"verzekering.reden": "1", "zzp.reden": None, "g.reden": "verzekering"}),
    ({"bedrag_verzekerd": 3_000_000, "ingang": date(2024, 2, 1), "soort": "instelling"},
     {"verzekering.reden": "2", "zzp.reden": None, "g.reden": "verzekering"}),
    ({"bedrag_verzekerd": 3_000_000, "soort": "zzp", "heeft_overeenkomst": False},
     {"verzekering.reden": "?2", "zzp.reden": "?tenzij", "g.reden": "?verzekering"}),
    ({"ingang": date(2023, 1, 1), "soort": "zzp", "heeft_overeenkomst": False, "vrijgesteld": False},
     {"verzekering.reden": "?1", "zzp.reden": "1", "g.reden": "zzp"}),
    ({"bedrag_verzekerd": 3_000_000, "ingang": date(2023, 1, 1)},
     {"verzekering.reden": None, "zzp.reden": "?toepassing", "g.reden": "?zzp"}),
])
def test_every_engine_gives_the_reason_code_the_per_case_path_gives(row, expected):
    policy = compile_text(REASONS, "r.beleid")
    outcome = policy.evaluate(dict(row))
    assert {f"{n}.reden": outcome.reason(n) for n in ("verzekering", "zzp", "g")} == expected
    for engine in ("polars", "python"):
        table = evaluate_table(policy, [row], engine=engine)
        assert {c: table[c][0] for c in expected} == expected, engine
    entry = outcome.to_dict()["regels"]["verzekering"]
    if expected["verzekering.reden"] == "2":
        assert entry["reden_tekst"] == "niet voldaan: ingang is uiterlijk 1 januari 2024"


def test_the_summary_names_the_part_of_a_compound_eis_that_failed_most(tmp_path):
    policy_file = _write(tmp_path / "r.beleid", REASONS)
    rows = [{"bedrag_verzekerd": "3000000", "ingang": "2024-02-01"}] * 3 + [{"bedrag_verzekerd": "1", "ingang": "2023-01-01"}]
    source = tmp_path / "in.csv"
    pl.DataFrame(rows).write_csv(source)
    run = _evalueer(str(policy_file), "--casussen", str(source), "--uit", str(tmp_path / "uit.csv"))
    assert run.returncode == 0, run.stderr
    assert ("Welk deel van een samengestelde eis het vaakst niet voldaan was (kolom '<eis>.reden'):\n"
            "         3  verzekering.reden = 2: niet voldaan: ingang is uiterlijk 1 januari 2024\n"
            "         1  verzekering.reden = 1: niet voldaan: bedrag_verzekerd is ten minste € 2.500.000") in run.stdout
    out = pl.read_csv(tmp_path / "uit.csv", infer_schema=False)
    assert out["verzekering.reden"].to_list() == ["2", "2", "2", "1"]


OUTSIDE = '''beleid "x"
gegevens
  start : datum
  n : duur in dagen
  m : duur in maanden
  w : duur in werkdagen
berekening a = start + n
berekening b = start + m
berekening c = start + w
'''
OUTSIDE_ROWS = [
    {"start": date(9999, 12, 31), "n": "1 dagen", "m": "1 maanden", "w": "1 werkdagen"},
    {"start": date(2024, 1, 1), "n": "100000000 dagen", "m": "12 maanden", "w": "100000 werkdagen"},
    {"start": date(2099, 12, 1), "n": "1 dagen", "m": "1 maanden", "w": "40 werkdagen"},
    {"start": date(1965, 12, 31), "n": "1 dagen", "m": "1 maanden", "w": "1 werkdagen"},
]
OUTSIDE_EXPECTED = [(None, None, None), (None, date(2025, 1, 1), None),
                    (date(2099, 12, 2), date(2100, 1, 1), date(2100, 1, 28)), (date(1966, 1, 1), date(1966, 1, 31), None)]


def test_a_moment_outside_the_calendar_is_unknown_in_every_engine():
    policy = compile_text(OUTSIDE, "x.beleid")
    assert [tuple(policy.evaluate(dict(r)).values) for r in OUTSIDE_ROWS] == OUTSIDE_EXPECTED
    for engine in ("polars", "python"):
        table = evaluate_table(policy, OUTSIDE_ROWS, engine=engine)
        assert table.select("a.waarde", "b.waarde", "c.waarde").rows() == OUTSIDE_EXPECTED, engine
