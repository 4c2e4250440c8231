"""Spark (local[2]): the same outcomes as the per-case path, row for row, computed in the cluster."""

from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from dsl.batch import evaluate_table
from dsl.policy import compile_text
from tests.conftest import POLICIES, shipped
from tests.test_batch import BEKEND, KLEENE, TABLES, _example_rows

pytestmark = [pytest.mark.skipif(shutil.which("java") is None, reason="Spark heeft een Java-runtime nodig"),
              pytest.mark.xdist_group("spark")]   # under pytest -n: one worker, one JVM


@pytest.fixture(scope="module")
def spark():
    """The tests' session evaluates small tables (a few hundred rows), where compiling the generated
    Java of a policy's plan costs more than running it: the tests run Spark's interpreted evaluation
    (the same expressions, measured: the wijkverpleging agreement 16 s -> 7 s of execution).
    `test_the_command_line_runs_on_spark` starts its own session with Spark's defaults, so the
    compiled path runs too."""
    from dsl.batch.spark import session

    return _interpreted(session())


_INTERPRETED = {
    "spark.sql.codegen.wholeStage": "false",
    "spark.sql.codegen.factoryMode": "NO_CODEGEN",
    # without this rule the optimiser no longer evaluates a projection of local rows itself
    "spark.sql.optimizer.excludedRules": "org.apache.spark.sql.catalyst.optimizer.ConvertToLocalRelation",
}


def _interpreted(spark):
    for key, value in _INTERPRETED.items():
        spark.conf.set(key, value)
    return spark


def _spark_frame(spark, policy, rows):
    from dsl.batch.agreement import spark_input

    return spark_input(spark, policy, rows)


def _same(got: pl.DataFrame, expected: pl.DataFrame) -> None:
    for column in expected.columns:
        a, b = got[column].to_list(), expected[column].to_list()
        assert a == b, column


def _counted_round_trips(monkeypatch, build):
    """`build()` and the number of py4j round trips (commands sent to the JVM) it took."""
    from py4j.java_gateway import GatewayClient  # type: ignore[import-untyped]

    calls = []
    send = GatewayClient.send_command

    def counted(self, *args, **kwargs):
        calls.append(1)
        return send(self, *args, **kwargs)

    monkeypatch.setattr(GatewayClient, "send_command", counted)
    try:
        return build(), len(calls)
    finally:
        monkeypatch.undo()


def _operators(plan) -> list[str]:
    """The names of the operators of a Spark plan (walked node by node: its text is 100,000s of
    characters)."""
    names, todo = [], [plan]
    while todo:
        node = todo.pop()
        names.append(node.nodeName())
        children = node.children()
        todo += [children.apply(i) for i in range(children.size())]
    return names


@pytest.mark.parametrize("file", [*sorted(POLICIES.glob("*.beleid")), TABLES, BEKEND], ids=lambda f: f.stem)
def test_spark_agrees_with_the_per_case_path_on_every_voorbeeld(spark, file, monkeypatch):
    """Also: the plan is sent to Spark in a few hundred round trips, not one per expression node.
    Building the DataFrame of elv_grz_2023 (99 rules) took 104,505 py4j round trips and ~8 s when
    every Column node was made in the JVM; as SQL text it is about one per column. (This was a
    test of its own that built the elv_grz_2023 plan a second time: 6 s.)"""
    from dsl.batch.agreement import mixed_cases
    from dsl.batch.spark import evaluate_spark

    policy = shipped(file)
    rows = _example_rows(policy)
    rows += mixed_cases(policy, 200, seed=11, pool=50, nan_share=0)   # boundary-rich generated cases
    expected = evaluate_table(policy, rows, engine="python")
    if policy.model.network:   # netwerkeisen and voorkeuren run over the whole table, not on Spark
        network = set(policy.model.network.names)
        expected = expected.select([c for c in expected.columns if c.split(".")[0] not in network])
    frame = _spark_frame(spark, policy, rows)
    out, round_trips = _counted_round_trips(monkeypatch, lambda: evaluate_spark(policy, frame))
    assert round_trips < 3_000, round_trips
    if file.stem == "elv_grz_2023":
        assert len(out.columns) > 200
        # Spark analyses the whole plan below every DataFrame made on the way: the renamed input,
        # the typed gegevens, one projection per level of the rules' dependencies (6), the outputs
        # and their names; before, 18 (one projection per depth and phase of the plan, and more)
        assert _operators(out._jdf.queryExecution().analyzed()).count("Project") <= 10
    got = pl.from_arrow(out.toArrow())
    assert isinstance(got, pl.DataFrame)
    assert got["nr"].to_list() == list(range(len(rows)))   # the input's order, and its key column
    _same(got, expected)


def test_the_jvm_says_nothing_in_english_at_its_start_and_its_errors_still_reach_the_user():
    """Spark's launcher always loads an incubating Java module and Java announces it on stderr at
    every start (was the one English line of `beleid evalueer --motor spark`); the JVM's stderr
    goes through `forward_errors`, which leaves out only that."""
    import io

    from dsl.batch.spark import forward_errors

    out = io.StringIO()
    forward_errors(io.BytesIO(b"WARNING: Using incubator modules: jdk.incubator.vector\n"
                              b"26/12/02 ERROR Executor: taak mislukt \xe2\x82\xac\n"), out)
    assert out.getvalue() == "26/12/02 ERROR Executor: taak mislukt €\n"


MONTHS = '''beleid "M"
gegevens
  start : datum
  moment : tijdstip
  n : duur in werkdagen
berekening plus_een = 1 maand na start
berekening plus_zes = 6 maanden na start
berekening terug = 1 maand voor start
berekening werk = start + n
berekening werk_moment = moment + n
'''


def test_calendar_months_and_working_days_agree_at_month_ends_and_holidays(spark):
    from datetime import datetime

    from dsl.batch.spark import evaluate_spark

    policy = compile_text(MONTHS, "m.beleid")
    starts = [date(2024, 1, 31), date(2024, 2, 29), date(2023, 8, 31), date(2024, 3, 31), date(2025, 4, 25),
              date(2025, 4, 26), date(2024, 3, 28), date(2024, 12, 24), date(2023, 5, 4)]
    rows = [{"start": d, "moment": datetime(d.year, d.month, d.day, 16, 30), "n": n} for d in starts
            for n in (-3, 0, 1, 5)]
    expected = evaluate_table(policy, rows, engine="python")
    got = pl.from_arrow(evaluate_spark(policy, _spark_frame(spark, policy, rows)).toArrow())
    assert isinstance(got, pl.DataFrame)
    _same(got, expected)
    assert got["plus_zes.waarde"][8] == date(2024, 2, 29)    # 31 August + 6 months: the end of February


def test_text_columns_are_read_or_their_row_refused(spark):
    from dsl.batch.spark import evaluate_spark

    policy = compile_text(KLEENE, "k.beleid")
    frame = spark.createDataFrame([("1", "120000", "nee"), ("2", "abc", "ja"), ("3", "1000,5", "ja"), ("4", "1,500", "ja"),
                                   ("5", "1,234", "ja")], "id string, omzet string, zzp string")
    got = pl.from_arrow(evaluate_spark(policy, frame).toArrow())
    assert isinstance(got, pl.DataFrame)
    assert got["id"].to_list() == ["1", "2", "3", "4", "5"]
    assert got["soort"].to_list() == ["bepaald", None, "bepaald", None, "bepaald"]
    assert got["geweigerd"][1] == "gegeven 'omzet': 'abc' kan niet gelezen worden als bedrag"
    assert str(got["som.waarde"][2]) == "3001.5100"
    # "1,500" is 1.500 or 1,5: refused, as the case readers refuse it (it was read as 1,5)
    assert got["geweigerd"][3] == "gegeven 'omzet': '1,500' kan niet gelezen worden als bedrag"
    assert str(got["som.waarde"][4]) == "3.7120"   # 1,234 × 3 + € 0,01


def test_a_column_that_already_has_its_gegevens_type_is_not_checked_and_the_others_are(spark):
    """A row is refused only for a value that cannot be read or lies outside what a case may give;
    a column that already holds the gegeven's type (a boolean; a decimal amount but for its bound,
    not negative) cannot hold one, so the reason Spark computes per row reads only the other
    columns (here a percentage as a double: NaN) and the amount."""
    from dsl.batch.spark import evaluate_spark
    from dsl.batch.spark_inputs import typed_columns

    policy = compile_text(KLEENE, "k.beleid")
    frame = spark.createDataFrame([("1", Decimal(120000), False, 25.0), ("2", Decimal(500), True, float("nan"))],
                                  "id string, omzet decimal(38,4), zzp boolean, aandeel double")
    typed, _keys = typed_columns(policy.model, frame, None)
    projection = typed._jdf.queryExecution().analyzed().projectList()
    reason = next(projection.apply(i) for i in range(projection.size()) if projection.apply(i).name() == "geweigerd")
    read = reason.references().toSeq()
    assert sorted(read.apply(i).name() for i in range(read.size())) == ["__k1", "__k3"]   # omzet, aandeel
    got = pl.from_arrow(evaluate_spark(policy, frame).toArrow())
    assert isinstance(got, pl.DataFrame)
    assert got["geweigerd"].to_list() == [None, "gegeven 'aandeel': 'NaN' kan niet gelezen worden als percentage"]
    assert got["soort.waarde"].to_list() == ["klein", None]


def test_a_date_column_kept_as_date_times_at_midnight_is_read_as_dates_in_the_cluster(spark):
    """A timestamp column (without time zone, as Spark reads one from pandas' Parquet) for a datum:
    a row at 00:00 is its date, as in the per-case path; a row with another time is refused."""
    from datetime import datetime

    from dsl.batch.spark import evaluate_spark

    policy = compile_text('beleid "d"\ngegevens\n  start : datum\neisen g "G"\n'
                          '  eis e "E" vereist start is uiterlijk 1 januari 2024\n', "d.beleid")
    rows = [("1", datetime(2023, 12, 31)), ("2", datetime(2024, 1, 1, 10, 30)), ("3", datetime(2024, 1, 2)), ("4", None)]
    frame = spark.createDataFrame(rows, "id string, start timestamp_ntz")
    got = pl.from_arrow(evaluate_spark(policy, frame).toArrow())
    assert isinstance(got, pl.DataFrame)
    assert got.sort("id")["e"].to_list() == ["voldaan", None, "niet voldaan", "onbekend"]
    assert got.sort("id")["geweigerd"].to_list() == [
        None, "gegeven 'start': '2024-01-01 10:30:00' kan niet gelezen worden als datum", None, None]
    assert [policy.evaluate({"start": rows[i][1]}).status("e") for i in (0, 2)] == ["voldaan", "niet voldaan"]


def test_a_parquet_file_spark_would_misread_is_read_by_the_polars_readers_first(spark, tmp_path: Path):
    """Spark's Parquet reader refuses a timestamp in nanoseconds (pandas' default: the run ended in
    an internal error with Java's log in English) and reads a duration as its bare count of
    microseconds (a duur of 1 day was 86,400,000,000 days). Such a file is read by the Polars
    readers first: the same outcomes and reasons as `--motor polars`, a key column in nanoseconds
    kept (in microseconds, when that loses nothing), and a key column Spark cannot hold refuses
    the file in Dutch."""
    from datetime import datetime, time, timedelta

    from dsl.batch.files import BatchFileError, evaluate_file
    from dsl.batch.spark import evaluate_file_spark

    policy = compile_text('beleid "d"\ngegevens\n  start : datum\n  w : duur in dagen\neisen g "G"\n'
                          '  eis e "E" vereist start is uiterlijk 1 januari 2024\n'
                          '  eis f "F" vereist w is ten hoogste 3 dagen\n', "d.beleid")
    source = tmp_path / "pandas.parquet"
    pl.DataFrame({
        "id": pl.Series([datetime(2024, 5, 1, 9, 30), datetime(2024, 5, 2)], dtype=pl.Datetime("ns")),
        "start": pl.Series([datetime(2023, 12, 31), datetime(2024, 1, 2)], dtype=pl.Datetime("ns")),
        "w": pl.Series([timedelta(days=1), timedelta(hours=5)], dtype=pl.Duration("us")),
    }).write_parquet(source)
    evaluate_file_spark(policy, source, tmp_path / "spark")
    evaluate_file(policy, source, tmp_path / "polars.parquet")
    got, expected = pl.read_parquet(tmp_path / "spark"), pl.read_parquet(tmp_path / "polars.parquet")
    assert got["id"].to_list() == [datetime(2024, 5, 1, 9, 30), datetime(2024, 5, 2)]
    assert got["e"].to_list() == expected["e"].cast(pl.String).to_list() == ["voldaan", None]
    assert got["f"].to_list()[0] == "voldaan"   # 1 day, not 86,400,000,000
    assert got["geweigerd"].to_list() == expected["geweigerd"].to_list() == [
        None, "gegeven 'w': 5:00:00 is geen duur; verwacht een heel aantal dagen, zoals 3 of '3 dagen'"]
    # a gegeven given as text is read as the Polars route reads it: "€ 2.500,00" read, "1,500" refused
    texts = tmp_path / "tekst.parquet"
    pl.DataFrame({"id": [1, 2, 3], "w": ["1,500", "€ 2.500,00", "2"]}).write_parquet(texts)
    amounts = compile_text('beleid "b"\ngegevens\n  w : bedrag\neisen g "G"\n  eis e "E" vereist w is ten minste € 2\n',
                           "b.beleid")
    evaluate_file_spark(amounts, texts, tmp_path / "tekst_spark")
    evaluate_file(amounts, texts, tmp_path / "tekst_polars.parquet")
    got, expected = pl.read_parquet(tmp_path / "tekst_spark"), pl.read_parquet(tmp_path / "tekst_polars.parquet")
    assert got["e"].to_list() == expected["e"].cast(pl.String).to_list() == [None, "voldaan", "voldaan"]
    assert got["geweigerd"].to_list() == expected["geweigerd"].to_list()
    assert got["geweigerd"][0].startswith("gegeven 'w': '1,500' is geen bedrag; dubbelzinnig")
    timed = tmp_path / "tijd.parquet"
    pl.DataFrame({"id": [time(9, 30)], "start": [datetime(2023, 12, 31)]}).write_parquet(timed)
    with pytest.raises(BatchFileError, match=r"kolom 'id' \(Time\) kan Spark niet lezen zoals ze bedoeld is; "
                                             r"laat de kolom weg of gebruik --motor polars"):
        evaluate_file_spark(policy, timed, tmp_path / "tijd")
    assert not (tmp_path / "tijd").exists()


def test_a_duur_in_weeks_or_hours_from_a_csv_counts_once_on_spark(spark, tmp_path: Path):
    """A CSV goes to Spark as typed Parquet: a duur was written there as its count in days with the
    declared unit ("21 weken" for 3 weken), so Spark counted 147 days; the same as Polars now."""
    from dsl.batch.files import evaluate_file
    from dsl.batch.spark import evaluate_file_spark

    policy = compile_text('beleid "w"\ngegevens\n  w : duur in weken\n  u : duur in uren\n'
                          'berekening kw = w\nberekening ku = u\n', "w.beleid")
    source = tmp_path / "duur.csv"
    source.write_text("id;w;u\n1;3;2\n2;2 weken;90 minuten\n3;14 dagen;\n", encoding="utf-8")
    evaluate_file_spark(policy, source, tmp_path / "spark")
    evaluate_file(policy, source, tmp_path / "polars.parquet")
    got, expected = pl.read_parquet(tmp_path / "spark"), pl.read_parquet(tmp_path / "polars.parquet")
    assert got["kw.waarde"].to_list() == expected["kw.waarde"].to_list() == [21, 14, 14]
    assert got["ku.waarde"].to_list() == expected["ku.waarde"].to_list() == [7200, 5400, None]


def test_a_typed_number_column_is_refused_where_the_polars_route_refuses_it(spark):
    """Spark took a typed column's numbers as they came: a negative bedrag, a percentage of 150 or
    of 0.5 (ambiguous), and it rounded what its scale does not keep (a decimal(18,6) 0.123456 became
    € 0,1235; a double 0.123456789 too). Each now refuses its row, as the Polars route does; an
    exact 3.000000 is read."""
    from dsl.batch.spark import evaluate_spark

    policy = compile_text(KLEENE, "k.beleid")
    rows = [("1", Decimal("3"), 20.0), ("2", Decimal("-1"), 20.0), ("3", Decimal("0.123456"), 20.0),
            ("4", Decimal("1000"), 150.0), ("5", Decimal("1000"), 0.5), ("6", Decimal("1000"), 0.123456789)]
    frame = spark.createDataFrame(rows, "id string, omzet decimal(18,6), aandeel double")
    got = pl.from_arrow(evaluate_spark(policy, frame).toArrow())
    assert isinstance(got, pl.DataFrame)
    expected = evaluate_table(policy, pl.DataFrame({"omzet": pl.Series([r[1] for r in rows], dtype=pl.Decimal(18, 6)),
                                                    "aandeel": [r[2] for r in rows]}))
    assert [bool(r) for r in got["geweigerd"].to_list()] == [bool(r) for r in expected["geweigerd"].to_list()] == \
        [False, True, True, True, True, True]
    assert got["som.waarde"][0] == expected["som.waarde"][0] == Decimal("9.0100")
    # and every item of a list (before, [1, -2] summed to -1)
    lists = compile_text('beleid "l"\ngegevens\n  x : lijst van bedrag\nberekening sx = som van x\n', "l.beleid")
    column = pl.Series([[Decimal("1"), Decimal("-2")], [Decimal("0.123456")], [Decimal("3.000000"), Decimal("1")]],
                       dtype=pl.List(pl.Decimal(18, 6)))
    got = pl.from_arrow(evaluate_spark(lists, spark.createDataFrame(pl.DataFrame({"x": column}).to_arrow())).toArrow())
    expected = evaluate_table(lists, pl.DataFrame({"x": column}))
    assert isinstance(got, pl.DataFrame)
    assert [bool(r) for r in got["geweigerd"].to_list()] == [bool(r) for r in expected["geweigerd"].to_list()] == \
        [True, True, False]
    assert got["sx.waarde"][2] == expected["sx.waarde"][2] == Decimal(4)


def test_counts_held_as_doubles_and_float32_numbers_are_read_as_polars_reads_them(spark):
    """pandas makes a column of counts with a gap a float64: 3.0 is an aantal of 3 (Spark refused
    every row), 2.5, NaN and -1 refuse their row. A float32 0.3 is 0.3 (a cast went through
    0.30000001192092896 for a getal)."""
    from dsl.batch.spark import evaluate_spark

    policy = compile_text('beleid "a"\ngegevens\n  n : aantal\n  f : getal\nberekening kn = n\nberekening kf = f\n', "a.beleid")
    counts, floats = [3.0, 2.5, float("nan"), -1.0], [0.3, 0.3, 0.3, 0.3]
    frame = pl.DataFrame({"n": pl.Series(counts, dtype=pl.Float64), "f": pl.Series(floats, dtype=pl.Float32)})
    got = pl.from_arrow(evaluate_spark(policy, spark.createDataFrame(frame.to_arrow())).toArrow())
    expected = evaluate_table(policy, frame)
    assert isinstance(got, pl.DataFrame)
    assert got["kn.waarde"].to_list() == expected["kn.waarde"].to_list() == [3, None, None, None]
    assert got["kf.waarde"][0] == expected["kf.waarde"][0] == Decimal("0.3")
    assert [bool(r) for r in got["geweigerd"].to_list()] == [bool(r) for r in expected["geweigerd"].to_list()] == \
        [False, True, True, True]


def test_a_value_too_large_for_its_column_refuses_its_row_and_an_overflow_is_said_in_dutch(spark, tmp_path: Path):
    """Spark 4 runs in ANSI mode: a cast of a user's 10^38 into a decimal(38,4), of 1e300 into an
    aantal or of 2^62 weken into days stopped the whole query ("interne fout"). Such a value now
    refuses its row (`TRY_CAST`, `try_multiply`); an outcome past 38 digits stops the run with a
    Dutch message naming the way out, and nothing is written."""
    from dsl.batch.files import BatchFileError
    from dsl.batch.spark import evaluate_file_spark, evaluate_spark

    policy = compile_text('beleid "a"\ngegevens\n  b : bedrag\n  n : aantal\n  w : duur in weken\n'
                          'berekening kb = b\nberekening kn = n\nberekening kw = w\n', "a.beleid")
    frame = spark.createDataFrame([("99999999999999999999999999999999999999", 1e300, 2**62), ("3", 3.0, 3)],
                                  "b string, n double, w long")
    got = pl.from_arrow(evaluate_spark(policy, frame).toArrow())
    assert isinstance(got, pl.DataFrame)
    assert got.select("kb.waarde", "kn.waarde", "kw.waarde").rows() == [(None, None, None), (Decimal("3.0000"), 3, 21)]
    assert [bool(r) for r in got["geweigerd"].to_list()] == [True, False]
    product = compile_text('beleid "p"\ngegevens\n  b : bedrag\nberekening kb = b * 1000000\n', "p.beleid")
    source = tmp_path / "groot.csv"
    source.write_text("b\n10000000000000000000000000000000\n3\n", encoding="utf-8")
    with pytest.raises(BatchFileError, match=r"een uitkomst past niet in een kolom van Spark \(een bedrag of getal tot "
                                             r"38 cijfers, een aantal of duur tot 2\^63\)"):
        evaluate_file_spark(product, source, tmp_path / "uit")
    counts = compile_text('beleid "c"\ngegevens\n  n : aantal\nberekening kn = n * 1000000000\n', "c.beleid")
    (tmp_path / "aantal.csv").write_text("n\n1099511627776\n3\n", encoding="utf-8")   # 2^40 × 10^9: past 2^63
    with pytest.raises(BatchFileError, match=r"een uitkomst past niet in een kolom van Spark .*\(Spark: ARITHMETIC_OVERFLOW\)"):
        evaluate_file_spark(counts, tmp_path / "aantal.csv", tmp_path / "uit")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["aantal.csv", "groot.csv"]


def test_values_per_year_and_per_period_as_lists_of_pairs_agree_with_polars(spark, tmp_path: Path):
    """The same Parquet file of {jaar, waarde} and {dag, waarde} lists as in tests/test_batch.py: the
    same outcomes and refusals on Spark (an item's value checked as a single value is)."""
    from dsl.batch.files import evaluate_file
    from dsl.batch.spark import evaluate_file_spark
    from tests.test_batch import PAIRS, pairs_file

    policy, source = compile_text(PAIRS, "t.beleid"), pairs_file(tmp_path)
    evaluate_file_spark(policy, source, tmp_path / "spark")
    evaluate_file(policy, source, tmp_path / "polars.parquet")
    got, expected = pl.read_parquet(tmp_path / "spark"), pl.read_parquet(tmp_path / "polars.parquet")
    assert got["sx.waarde"].to_list() == expected["sx.waarde"].to_list() == [Decimal(7), None]
    assert got["e"].to_list() == expected["e"].cast(pl.String).to_list() == ["voldaan", None]
    assert [bool(r) for r in got["geweigerd"].to_list()] == [False, True]


def test_the_command_line_runs_on_spark(spark, tmp_path: Path, capsys):
    """`beleid evalueer --motor spark` as the command runs it (`dsl.cli.main`), in this process: its
    `session()` finds the module's Spark session, so no second JVM is started (that took 25 s). It
    runs with Spark's own settings (compiled Java, not the interpreted evaluation of the fixture), so
    the compiled path is tested too."""
    from dsl.cli import main

    for key in _INTERPRETED:
        spark.conf.unset(key)
    try:
        _run_cli(main, tmp_path, capsys)
    finally:
        _interpreted(spark)


def _run_cli(main, tmp_path: Path, capsys) -> None:
    policy = tmp_path / "k.beleid"
    policy.write_text(KLEENE, encoding="utf-8")
    source = tmp_path / "in.csv"
    source.write_text("agb;omzet;zzp\n1;120000;nee\n2;abc;nee\n", encoding="utf-8")
    target = tmp_path / "uit.parquet"
    code = main(["evalueer", str(policy), "--casussen", str(source), "--uit", str(target), "--motor", "spark"])
    out, err = capsys.readouterr()
    assert code == 3, err
    assert "2 rijen gelezen, 1 geëvalueerd, 1 geweigerd" in out
    assert "Traceback" not in err
    out = pl.read_parquet(target)
    assert out.sort("agb")["soort.waarde"].to_list() == ["klein", None]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "k.beleid", "uit.parquet"]
    assert target.stat().st_mode & 0o055   # a folder others may read, as any the user makes


def test_spark_gives_unknown_for_a_moment_outside_the_calendar(spark):
    from dsl.batch.spark import evaluate_spark
    from tests.test_batch import OUTSIDE, OUTSIDE_EXPECTED, OUTSIDE_ROWS

    policy = compile_text(OUTSIDE, "x.beleid")
    got = pl.from_arrow(evaluate_spark(policy, _spark_frame(spark, policy, OUTSIDE_ROWS)).toArrow())
    assert isinstance(got, pl.DataFrame)
    assert got.select("a.waarde", "b.waarde", "c.waarde").rows() == OUTSIDE_EXPECTED


def test_spark_rounds_as_the_per_case_path_in_every_mode(spark):
    """Every rounding mode of tests/test_rounding.py, at the halves and on generated cases."""
    from dsl.batch.agreement import mixed_cases, spark_input
    from dsl.batch.spark import evaluate_spark
    from tests.test_rounding import POLICY, _readable, _rows

    policy = compile_text(POLICY, "afronden.beleid")
    rows = _rows() + [row for row in mixed_cases(policy, 60, seed=9, pool=30, nan_share=0) if _readable(policy, row)]
    expected = evaluate_table(policy, rows, engine="python")
    got = pl.from_arrow(evaluate_spark(policy, spark_input(spark, policy, rows)).toArrow())
    assert isinstance(got, pl.DataFrame)
    for column in expected.columns:
        assert got[column].to_list() == expected[column].to_list(), column


TEKENS = r'''beleid "Tekens"
gegevens
  soort : keuze uit "l'aanbieder", "back`tick", "${spark.app.name}", "één \"x\"", "a\\b"
  bedrag_één : bedrag
beslissing label "Label" (eerste treffer)
  als soort is "l'aanbieder" dan "it's"
  als soort is "back`tick" dan "`; DROP TABLE x; --"
  als soort is "${spark.app.name}" dan "${env:HOME}"
  als bedrag_één is groter dan € 10 dan "groot ' OR 1=1 --"
  anders "\\' \n"
eisen g "G"
  eis e1 "E1" vereist soort is "één \"x\"" of bedrag_één is groter dan € 5
'''


def test_quotes_backticks_substitutions_and_unicode_reach_spark_as_values_never_as_query_text(spark):
    """The expressions go to Spark as SQL text: every string from a policy or a table (keuze
    options, outcomes, column names) must arrive as the value it is, and nothing may be run."""
    from decimal import Decimal

    from dsl.batch.spark import evaluate_spark

    policy = compile_text(TEKENS, "tekens.beleid")
    options = ["l'aanbieder", "back`tick", "${spark.app.name}", 'één "x"', "a\\b"]
    rows = [{"soort": s, "bedrag_één": b} for s in [*options, None] for b in (Decimal("12.50"), Decimal(3), None)]
    expected = evaluate_table(policy, rows, engine="python")
    key = "id `x` ${spark.app.name}"
    frame = spark.createDataFrame([(str(i), r["soort"], r["bedrag_één"], "eigen") for i, r in enumerate(rows)],
                                  f"`{key.replace('`', '``')}` string, soort string, `bedrag_één` decimal(18,2), "
                                  "label string")
    got = pl.from_arrow(evaluate_spark(policy, frame).toArrow())
    assert isinstance(got, pl.DataFrame)
    _same(got, expected)
    assert got[key].to_list() == [str(i) for i in range(len(rows))]
    assert got["invoer.label"].to_list() == ["eigen"] * len(rows)   # a key named like a rule keeps its value
    assert got["label.waarde"].to_list()[:6] == ["it's", "it's", "it's", "`; DROP TABLE x; --",
                                                 "`; DROP TABLE x; --", "`; DROP TABLE x; --"]
    assert got["label.waarde"][6] == "${env:HOME}" and got["label.waarde"][10] == "\\' \\n"
    assert got["geweigerd"].null_count() == len(rows)


def test_sql_with_only_the_needed_parentheses_parses_to_the_trees_of_fully_parenthesised_sql(spark, monkeypatch):
    """`Sql` writes parentheses only where Spark's grammar needs them (parsing a plan's text took
    twice as long with one pair around every operation); Spark must build the very same
    expression tree as from the fully parenthesised text: for operators next to each other of
    every level, and for every expression of a shipped policy (the printer made to put every
    operand in parentheses, as it did before)."""
    from dsl.batch.spark import _leaves, _output, rule_outputs
    from dsl.batch.spark_rules import SparkPlan, Sql, is_in, is_null

    parse = spark._jsparkSession.sessionState().sqlParser().parseExpression
    a, b, c, d = (Sql(f"`{name}`") for name in "abcd")
    written = [
        (a - (b - c), "(`a` - (`b` - `c`))"), ((a - b) - c, "((`a` - `b`) - `c`)"),
        (a * (b + c), "(`a` * (`b` + `c`))"), (a * b + c, "((`a` * `b`) + `c`)"), (-(a + b), "(- (`a` + `b`))"),
        (-a * b, "((- `a`) * `b`)"), (a / (b * c), "(`a` / (`b` * `c`))"),
        (-(-a), "(- (- `a`))"),  # noqa: B002 (written "- (- `a`)", never "--": a comment in SQL)  # noqa: B002 (never "--", a comment in SQL)
        (~(a == b), "(NOT (`a` = `b`))"), (~(a & b), "(NOT (`a` AND `b`))"), (~~a, "(NOT (NOT `a`))"),
        (~a & b, "((NOT `a`) AND `b`)"), ((a == 1) == (b == 2), "((`a` = 1) = (`b` = 2))"),
        ((a < b) != c, "((`a` < `b`) != `c`)"), (a + 1 >= b * 2, "((`a` + 1) >= (`b` * 2))"),
        (a | b & c, "(`a` OR (`b` AND `c`))"), ((a | b) & c, "((`a` OR `b`) AND `c`)"),
        (a & b & c & d, "(((`a` AND `b`) AND `c`) AND `d`)"), (a | (b | c), "(`a` OR (`b` OR `c`))"),
        (is_null(a & b), "((`a` AND `b`) IS NULL)"), (is_null(a == b), "((`a` = `b`) IS NULL)"),
        (is_null(a + b), "((`a` + `b`) IS NULL)"), (is_null(is_null(a)), "((`a` IS NULL) IS NULL)"),
        (~is_null(a), "(NOT (`a` IS NULL))"), (is_null(a) & b, "((`a` IS NULL) AND `b`)"),
        (is_null(a) == b, "((`a` IS NULL) = `b`)"), (is_in(a - b, ["x"]), "((`a` - `b`) IN ('x'))"),
        (1 - a, "(1 - `a`)"), (2 - (1 - a), "(2 - (1 - `a`))"), (True & (a | b), "(TRUE AND (`a` OR `b`))"),
    ]
    for expr, full in written:
        assert parse(expr.text).equals(parse(full)), (expr.text, full)
    assert (a - b - c).text == "`a` - `b` - `c`" and (~is_null(a)).text == "NOT `a` IS NULL"   # no pair not needed

    def every_expression(policy):
        plan = SparkPlan(policy.model)
        columns = {name: expr for stage in plan.stages for name, expr in stage}
        leaves = _leaves(columns, [internal for _, internal, _ in rule_outputs(policy.model)])
        outputs = _output(policy.model, plan, {name: columns[name] for name in leaves})
        return [e.text for e in columns.values()] + [e.text for _, e in outputs]

    policy = shipped(POLICIES / "vgz_elv_grz_gzsp_2022.beleid")
    needed = every_expression(policy)
    monkeypatch.setattr(Sql, "side", lambda self, level, right=False: self.atom())
    full = every_expression(policy)
    assert len(needed) == len(full) > 100
    assert sum(t.count("(") for t in needed) < 0.85 * sum(t.count("(") for t in full)
    for mine, theirs in zip(needed, full, strict=True):
        assert parse(mine).equals(parse(theirs)), mine


def test_the_plan_writes_a_compared_or_shifted_moment_once():
    """A comparison of two moments and a shift by days or months are written with each operand
    once (the sign of their difference; a guarded shift is not tested against the calendar
    again): nested in a decision's rows and its reason codes, the repeats made Spark analyse
    101,000 characters of expressions for elv_grz_2023 instead of 70,000 (the stage with the
    reason codes: 13.6 s -> 1.7 s of analysis, measured under load). Since then the policy's group
    clauses `gedurende de periode van ...` wrap some 50 eisen and four of them are computed day by
    day in the cluster: 85,000 characters."""
    from dsl.batch.spark_rules import SparkPlan

    def size(plan):
        return sum(len(expr.text) for stage in plan.stages for _, expr in stage)

    assert size(SparkPlan(shipped(POLICIES / "elv_grz_2023.beleid").model)) < 90_000
    policy = compile_text(MONTHS + 'eisen g "G"\n  eis later "L" vereist plus_een is na moment\n', "m.beleid")
    plan = SparkPlan(policy.model)
    texts = [expr.text for stage in plan.stages for _, expr in stage]
    assert sum(t.count("add_months(`__v0`") for t in texts) == 3   # plus_een, plus_zes, terug: once each
    assert any("nullif(CAST(signum(datediff(" in t for t in texts)   # a date against a date-time: undecidable on its day


def test_a_value_per_period_is_evaluated_day_by_day_in_the_cluster(spark):
    """`gedurende de periode van ...` and a gegeven per periode read on the peildatum: Spark picks
    each day's pair with its higher-order functions; the same outcomes as per case on a change on
    the last day, the day after, a history that starts late, an onbekend bound, an empty period,
    plain values, and a peildatum before, on and after a change (a plain CSV-like text column too)."""
    from dsl.batch.spark import evaluate_spark
    from tests.test_throughout import POLICY, TERM

    policy = compile_text(POLICY, "looptijd.beleid")
    change = {"2023-01-01": "ja", "2023-07-01": "nee"}
    rows = [{**TERM, "toelating": "ja", "bedden": 12, "rechtspersoon": "ja", "peildatum": "2023-03-01"},
            {**TERM, "toelating": change, "bedden": {"2022-01-01": 12}, "rechtspersoon": "ja"},
            {**TERM, "toelating": change, "peildatum": "2023-06-30"},
            {**TERM, "toelating": change, "peildatum": "2023-07-01"},
            {**TERM, "toelating": {"2023-01-01": "ja", "2024-01-01": "nee"}, "bedden": {"2023-01-01": 10,
                                                                                      "2023-12-31": 9}},
            {**TERM, "toelating": {"2023-01-02": "ja"}, "bedden": 11},   # starts a day late: onbekend
            {"begin_overeenkomst": "2023-01-01", "toelating": "ja", "bedden": 10},   # no end, constant
            {"begin_overeenkomst": "2023-01-01", "toelating": change},               # no end, a change
            {"begin_overeenkomst": "2023-06-01", "einde_overeenkomst": "2023-05-31", "toelating": "ja"},
            {**TERM, "toelating": {"2023-01-01": None, "2023-02-01": "ja"}, "rechtspersoon": "nee"},
            {}]
    expected = evaluate_table(policy, rows, engine="python")
    got = pl.from_arrow(evaluate_spark(policy, _spark_frame(spark, policy, rows)).toArrow())
    assert isinstance(got, pl.DataFrame)
    _same(got, expected)
    assert got["toegelaten"].to_list()[:4] == ["voldaan", "niet voldaan", "niet voldaan", "niet voldaan"]
    assert got["vandaag"].to_list()[2:4] == ["voldaan", "niet voldaan"]   # the peildatum picks the pair
    text = spark.createDataFrame([("ja", "2023-01-01", "2023-12-31", "12")],
                                 "toelating string, begin_overeenkomst string, einde_overeenkomst string, bedden string")
    plain = evaluate_spark(policy, text).collect()[0]
    assert (plain["toegelaten"], plain["tien_bedden"], plain["geweigerd"]) == ("voldaan", "voldaan", None)


def test_a_dutch_spreadsheet_on_spark_is_read_as_polars_reads_it(spark, tmp_path: Path, capsys):
    """`beleid evalueer --motor spark` on a CSV as Excel writes it in Dutch (semicolons, a BOM,
    "€ 2.500.000,00", "9,5%", "1-1-2015", "7-6-2023 15:26", an impossible date): the text is read by
    the readers of the Polars route (before, Spark's own readers knew only plain forms and refused
    every row of the notebook's provider list), so both engines give the same table, refusals and
    their Dutch reasons included."""
    from dsl.cli import main

    policy = POLICIES / "wijkverpleging_2024.beleid"
    source = tmp_path / "aanbieders.csv"
    source.write_text(
        "\ufeffagb;omzet_2023;aandeel_onderaanneming;verzekerd_bedrag;ingang_verzekering;inschrijving;fte_niveau_6_loondienst\n"
        "01;€ 240.000;9,5%;€ 2.500.000,00;1-1-2015;7-6-2023 15:26;1,5\n"
        "02;€ 1.250.000,50;33%;€ 2.499.999,99;1-1-2024;16-6-2023 17:01;0,8\n"
        "03;n.v.t.;0%;€ 5.000.000;31-4-2024;;2\n", encoding="utf-8")
    outputs, printed = {}, {}
    for engine in ("polars", "spark"):
        target = tmp_path / f"uit_{engine}.parquet"
        code = main(["evalueer", str(policy), "--casussen", str(source), "--uit", str(target), "--motor", engine])
        out, err = capsys.readouterr()
        assert code == 3 and "3 rijen gelezen, 2 geëvalueerd, 1 geweigerd" in out, (engine, out, err)
        outputs[engine] = pl.read_parquet(target if engine == "polars" else target / "*.parquet")
        printed[engine] = out.replace(str(target), "UIT")
    # the summary is counted from the written rows on both routes: the same counts, the same most
    # frequent reasons, the refused row with its number
    assert printed["spark"] == printed["polars"]
    assert "rij 3: gegeven 'omzet_2023': 'n.v.t.' is geen bedrag" in printed["spark"]
    polars, spark_out = outputs["polars"], outputs["spark"]
    assert polars.columns == spark_out.columns
    for column in polars.columns:
        assert polars[column].cast(pl.String).to_list() == spark_out[column].cast(pl.String).to_list(), column
    assert spark_out["onderaanneming"].to_list()[:2] == ["voldaan", "voldaan"]
    assert spark_out["aansprakelijkheid"].to_list()[:2] == ["voldaan", "niet voldaan"]
    assert "'31-4-2024' is geen geldige datum: april 2024 heeft 30 dagen" in spark_out["geweigerd"][2]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["aanbieders.csv", "uit_polars.parquet", "uit_spark.parquet"]
