"""The two batch jobs of docs/batch.md ("Twee voorbeelden"): a purchasing round and a claims audit.

notebooks/data/genereer.py is deterministic and the shipped provider CSV is exactly what it
writes; the purchasing round on that CSV gives the counts the docs state, and the docs show the
summary `beleid evalueer` prints for it; a small claims file refuses its impossible date, and
the docs' Polars snippet pulls out the rows that break a stay rule. The two notebooks of these jobs
are checked in tests/test_notebooks.py, which runs every notebook once.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import polars as pl
import pytest

from dsl.batch import evaluate_table
from dsl.batch.files import evaluate_file
from dsl.cli import main
from tests.conftest import shipped

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "notebooks" / "data"
SHIPPED = DATA / "aanbieders_wijkverpleging.csv"
DOCS = ROOT / "docs" / "batch.md"
STAY_RULES = ["t_toestemming_91_dagen", "t_duur_grz", "t_toestemming_120_dagen", "toestemming_42_dagen"]

# What the purchasing round on the shipped CSV gives (docs/batch.md states the same numbers).
CONTRACTS = {"standaardovereenkomst": 1766, "cliëntvolgende overeenkomst": 1518, "zzp-overeenkomst": 847,
             "plusovereenkomst": 604, "aanbod buiten de benchmark": 105, "onbekend": 95, "geen uitkomst": 58}
MOST_FAILED = [("samenwerking_keten", 319), ("fte_niveau_6", 265), ("aansprakelijkheid", 252),
               ("vijf_minuten", 232), ("prem", 215)]


@pytest.fixture(scope="module")
def genereer():
    spec = importlib.util.spec_from_file_location("genereer", DATA / "genereer.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def round_2024():
    policy = shipped(ROOT / "policies" / "wijkverpleging_2024.beleid")
    providers = pl.read_csv(SHIPPED, separator=";", infer_schema=False)
    return policy, evaluate_table(policy, providers)


def _section() -> str:
    text = DOCS.read_text(encoding="utf-8")
    assert "\n## Twee voorbeelden\n" in text
    return text.split("\n## Twee voorbeelden\n", 1)[1]


# ---------------------------------------------------------------- the generator
def test_provider_file_is_deterministic_and_written_as_dutch_excel_writes_it(genereer, tmp_path):
    first, second, other = tmp_path / "a.csv", tmp_path / "b.csv", tmp_path / "c.csv"
    assert genereer.main(["aanbieders", "--rijen", "300", "--uit", str(first)]) == 0
    genereer.main(["aanbieders", "--rijen", "300", "--uit", str(second)])
    genereer.main(["aanbieders", "--rijen", "300", "--uit", str(other), "--zaad", "7"])
    data = first.read_bytes()
    assert data == second.read_bytes()
    assert data != other.read_bytes()
    assert data.startswith("\ufeffagb;naam;plaats;soort_aanbieder;".encode())
    lines = data.decode("utf-8-sig").split("\r\n")
    assert len(lines) == 302 and lines[-1] == ""
    assert re.search(r";€ \d\.\d{3}\.\d{3},\d\d;", data.decode("utf-8-sig"))   # currency-formatted cells


def test_claims_file_is_deterministic(genereer, tmp_path):
    first, second, other = tmp_path / "a.parquet", tmp_path / "b.parquet", tmp_path / "c.parquet"
    for target, seed in ((first, []), (second, []), (other, ["--zaad", "1"])):
        assert genereer.main(["declaraties", "--rijen", "3000", "--uit", str(target), *seed]) == 0
    assert first.read_bytes() == second.read_bytes()
    claims = pl.read_parquet(first)
    assert claims.equals(pl.read_parquet(second))
    assert not claims.equals(pl.read_parquet(other))
    assert claims.height == 3000
    assert claims["declaratie_id"].to_list()[:2] == ["D23-000000001", "D23-000000002"]
    assert set(claims["zorgsoort"]) == {"ELV laagcomplex", "ELV hoogcomplex", "ELV palliatief", "GRZ"}


def test_generator_refuses_a_wrong_suffix_in_dutch(genereer, tmp_path, capsys):
    with pytest.raises(SystemExit):
        genereer.main(["declaraties", "--rijen", "10", "--uit", str(tmp_path / "x.csv")])
    assert "declaraties worden geschreven als .parquet, niet als '.csv'" in capsys.readouterr().err


def test_shipped_csv_is_what_the_generator_writes(genereer, tmp_path):
    target = tmp_path / "aanbieders.csv"
    genereer.main(["aanbieders", "--rijen", "5000", "--uit", str(target)])
    assert target.read_bytes() == SHIPPED.read_bytes(), (
        "the shipped CSV is not what genereer.py writes; after a change to the generator (or to numpy's "
        "distributions) regenerate it with the command in docs/batch.md and update the counts here and there")
    assert SHIPPED.stat().st_size < 2_000_000


# ---------------------------------------------------------------- job (a): the purchasing round
def test_purchasing_round_counts_per_contract_type(round_2024):
    _, outcomes = round_2024
    evaluated = outcomes.filter(pl.col("geweigerd").is_null())
    kinds = evaluated.select(pl.coalesce("overeenkomst.waarde", pl.col("overeenkomst").cast(pl.String)))
    assert dict(kinds.to_series().value_counts().iter_rows()) == CONTRACTS
    assert outcomes.height == 5000 and evaluated.height == 4993


def test_purchasing_round_refuses_the_broken_cells_by_row(round_2024):
    _, outcomes = round_2024
    reasons = outcomes["geweigerd"].drop_nulls().to_list()
    assert len(reasons) == 7
    assert "gegeven 'omzet_2023': '#WAARDE!' is geen bedrag; verwacht bijvoorbeeld € 120.000 of 120000" in reasons
    assert "gegeven 'ingang_verzekering': '29-2-2023' is geen geldige datum: februari 2023 heeft 28 dagen" in reasons


def test_purchasing_round_most_failed_requirements(round_2024):
    policy, outcomes = round_2024
    requirements = [name for name, rule in policy.model.rules.items() if rule.kind == "eis"]
    failed = (outcomes.select(requirements).unpivot(variable_name="eis", value_name="status")
              .filter(pl.col("status") == "niet voldaan").group_by("eis").len()
              .sort(["len", "eis"], descending=[True, False]).head(5))
    assert list(failed.iter_rows()) == MOST_FAILED


def test_docs_show_the_summary_the_purchasing_round_prints(capsys, tmp_path, monkeypatch):
    command = ("beleid evalueer policies/wijkverpleging_2024.beleid --casussen "
               "notebooks/data/aanbieders_wijkverpleging.csv --uit inkoopronde.parquet")
    section = _section()
    assert command in section
    monkeypatch.chdir(tmp_path)
    argv = command.split()[1:]
    argv[1], argv[3] = str(ROOT / argv[1]), str(ROOT / argv[3])
    assert main(argv) == 3
    out, err = capsys.readouterr()
    assert (tmp_path / "inkoopronde.parquet").exists()
    for line in [*err.splitlines(), *out.splitlines()]:
        assert line in section, line
    for kind, count in CONTRACTS.items():
        if kind not in ("onbekend", "geen uitkomst"):
            assert f"{count:>8}  {kind}" in out


# ---------------------------------------------------------------- job (b): the claims audit
def test_claims_audit_refuses_the_impossible_date_and_finds_the_stay_violations(genereer, tmp_path, monkeypatch):
    claims = tmp_path / "declaraties_2023.parquet"
    genereer.write_claims(5000, claims)
    policy = shipped(ROOT / "policies" / "elv_grz_2023.beleid")
    summary = evaluate_file(policy, claims, tmp_path / "declaratiecontrole.parquet")
    assert summary.rows == 5000 and summary.refused_rows == 1
    assert re.fullmatch(r"gegeven 'ontslag_(elv|grz)': '2023-\d\d-31' is geen geldige datum: \w+ 2023 heeft 30 "
                        r"dagen", summary.refused[0][1])
    for rule in STAY_RULES:
        assert summary.failed[rule] > 0, rule
    # every planning deadline of 2022 has passed in every row, and a claim has no date for it: that
    # is "verstreken zonder datum", not a known miss, and not among the failures
    assert summary.counts["t_publicatie_beleid"]["verstreken zonder datum"] == 4999
    assert summary.failed["t_publicatie_beleid"] == 0

    snippets = [b for b in re.findall(r"```python\n(.*?)```", _section(), re.S) if "overtredingen.parquet" in b]
    assert len(snippets) == 1, "the docs show how to get the violations out"
    monkeypatch.chdir(tmp_path)
    exec(snippets[0], {})
    violations = pl.read_parquet(tmp_path / "overtredingen.parquet")
    broken = pl.any_horizontal(pl.col(STAY_RULES).cast(pl.String)
                               .is_in(["niet gehaald", "verstreken zonder datum", "niet voldaan"]))
    assert violations.height == violations.filter(broken).height > 0
    assert violations.height == pl.read_parquet(tmp_path / "declaratiecontrole.parquet").filter(broken).height
    late = violations.filter(pl.col("t_toestemming_91_dagen") == "niet gehaald")
    assert late.height == summary.failed["t_toestemming_91_dagen"]
    missing = violations.filter(pl.col("t_toestemming_91_dagen") == "verstreken zonder datum")
    assert missing.height == summary.counts["t_toestemming_91_dagen"]["verstreken zonder datum"] > 0
    assert all(days > 91 for days in late["ligdagen_elv.waarde"].to_list())
