"""Every file the tool writes appears whole or not at all (dsl.atomic, reports, batch output)."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from dsl.atomic import write_text

ROOT = Path(__file__).resolve().parent.parent
ELV = ROOT / "policies" / "elv_grz_2023.beleid"
CASES = ROOT / "policies" / "casussen"


def _limited(bytes_: int):
    def limit():  # Python ignores SIGXFSZ, so a write past the limit raises EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (bytes_, bytes_))
    return limit


def _beleid(*args, limit: int, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, BELEID_ZOEK_SECONDEN="2", BELEID_ZOEK_VOORBEELDEN="50")
    return subprocess.run([sys.executable, "-m", "dsl.cli", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, env=env, preexec_fn=_limited(limit), timeout=300)


def test_write_text_replaces_the_old_file_in_one_step(tmp_path):
    target = tmp_path / "rapport.md"
    target.write_text("oud", encoding="utf-8")
    write_text(target, "nieuw rapport\n")
    assert target.read_text(encoding="utf-8") == "nieuw rapport\n"
    assert [p.name for p in tmp_path.iterdir()] == ["rapport.md"]


def test_write_text_into_a_folder_is_refused_and_leaves_nothing(tmp_path):
    (tmp_path / "map").mkdir()
    with pytest.raises(IsADirectoryError):
        write_text(tmp_path / "map", "x")
    assert [p.name for p in tmp_path.iterdir()] == ["map"]


@pytest.mark.parametrize("name", ["rapport.html", "rapport.md"])
def test_a_consistency_report_that_cannot_be_written_whole_leaves_no_file(tmp_path, name):
    old = tmp_path / name
    old.write_text("vorig rapport", encoding="utf-8")
    done = _beleid("controleer", ELV, "--consistentie", "--rapport", old, limit=200, cwd=tmp_path)
    assert done.returncode == 1
    assert f"kan het rapport niet schrijven naar {old}: het bestand is te groot" in done.stderr
    assert "Traceback" not in done.stderr
    assert old.read_text(encoding="utf-8") == "vorig rapport"  # the old report is untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]  # and no temporary is left


def test_a_diff_report_that_cannot_be_written_whole_leaves_no_file(tmp_path):
    target = tmp_path / "verschil.md"
    done = _beleid("verschil", ELV, ELV, "--rapport", target, limit=10, cwd=tmp_path)
    assert "kan het rapport niet schrijven" in done.stderr and "Traceback" not in done.stderr
    assert list(tmp_path.iterdir()) == []


def _rows(tmp_path: Path, n: int = 400) -> Path:
    rows = tmp_path / "casussen.jsonl"
    line = (CASES / "elv_grz_2023_verblijf.json").read_text(encoding="utf-8").replace("\n", " ")
    rows.write_text("\n".join([line] * n) + "\n", encoding="utf-8")
    return rows


@pytest.mark.parametrize(("target", "motor"), [("uit.jsonl", "python"), ("uit.csv", "polars"),
                                               ("uit.parquet", "polars")])
def test_batch_output_that_cannot_be_written_whole_leaves_no_file(tmp_path, target, motor):
    rows = _rows(tmp_path)
    done = _beleid("evalueer", ELV, "--casussen", rows, "--uit", tmp_path / target, "--motor", motor,
                   limit=256, cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    assert f"{tmp_path / target}: kan de uitkomsten niet schrijven: het bestand is te groot" in done.stderr
    assert "Traceback" not in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["casussen.jsonl"]


def test_streamed_batch_output_that_cannot_be_written_whole_leaves_no_file(tmp_path):
    import polars as pl

    from dsl.batch.stream import lazy_query
    from dsl.policy import load_policy

    small = ROOT / "benchmarks" / "eligibility_contract.beleid"
    source = tmp_path / "casussen.parquet"
    n = 5000
    pl.DataFrame({"soort_aanbieder": ["instelling", "zzp"] * (n // 2),
                  "omzet_2023": pl.Series([Decimal(i) for i in range(n)], dtype=pl.Decimal(18, 2)),
                  "aandeel_onderaanneming": pl.Series([Decimal(i % 100) for i in range(n)], dtype=pl.Decimal(5, 2)),
                  "voldoet_aan_wtza": [True, False] * (n // 2)}).write_parquet(source)
    schema = dict(pl.scan_parquet(source).collect_schema())
    assert lazy_query(load_policy(small), schema, date(2024, 1, 1)) is not None  # the streamed route
    done = _beleid("evalueer", small, "--casussen", source, "--uit", tmp_path / "uit.parquet",
                   "--peildatum", "2024-01-01", limit=256, cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    assert "uit.parquet: kan de uitkomsten niet schrijven: het schrijven mislukte" in done.stderr
    assert "Traceback" not in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["casussen.parquet"]
