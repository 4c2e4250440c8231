"""Network rules (`netwerkeis`) and rankings (`voorkeur`): rules over a table of cases, in the
shipped policies, in Polars and per case, with their Dutch summary and errors."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from dsl.batch import evaluate_table
from dsl.batch.files import evaluate_file, read_chunks
from dsl.batch.network import network_lines
from dsl.cli import main
from dsl.core import model as M
from dsl.core import network as N
from dsl.errors import BeleidError
from dsl.policy import compile_text, load_policy

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "netwerk"
HOSPITALS = DATA / "ziekenhuizen_zekur.csv"
ELV = DATA / "elv_zorgaanbieders.csv"

SMALL = """beleid "Netwerk"

gegevens
  regio     : keuze uit "noord", "zuid"
  nachtzorg : ja/nee "levert onplanbare nachtzorg"
  gecontracteerd : ja/nee
  score     : getal
  tarief    : bedrag

eisen basis "Basis"
  eis nachtzorg_eis "Levert nachtzorg" vereist nachtzorg

netwerkeis minstens_een "In elke regio ten minste één aanbieder die nachtzorg levert"
  per regio
  vereist ten minste 1 aanbieder waarvoor voldoet aan nachtzorg_eis

netwerkeis alle_gecontracteerd "Alle gecontracteerde aanbieders leveren nachtzorg"
  per regio
  onder de aanbieders waarvoor gecontracteerd
  verwacht elke aanbieder waarvoor nachtzorg

netwerkeis hoogstens_twee "Ten hoogste twee aanbieders zonder nachtzorg"
  vereist ten hoogste 2 aanbieders waarvoor niet nachtzorg

netwerkeis aandeel "De helft levert nachtzorg"
  vereist ten minste 50% van de aanbieders waarvoor nachtzorg

voorkeur rangorde "Voorkeur bij gelijke geschiktheid" per regio
  eerst hoogste score
  dan laagste tarief
"""


def _rows():
    return [
        {"naam": "Z1", "regio": "noord", "nachtzorg": True, "gecontracteerd": True, "score": "8", "tarief": "€ 50"},
        {"naam": "Z2", "regio": "noord", "nachtzorg": False, "gecontracteerd": True, "score": "8", "tarief": "€ 50"},
        {"naam": "Z3", "regio": "noord", "nachtzorg": None, "gecontracteerd": False, "score": "9", "tarief": "€ 60"},
        {"naam": "Z4", "regio": "zuid", "nachtzorg": False, "gecontracteerd": True, "score": "7", "tarief": "€ 40"},
        {"naam": "Z5", "regio": "zuid", "nachtzorg": False, "gecontracteerd": False, "score": None, "tarief": "€ 40"},
    ]


@pytest.fixture(scope="module")
def small():
    return compile_text(SMALL, "netwerk.beleid")


def _column(frame: pl.DataFrame, name: str) -> list:
    return frame.get_column(name).to_list()


@pytest.mark.parametrize("engine", ["polars", "python"])
def test_group_verdicts_and_roles_per_row(small, engine):
    result = evaluate_table(small, _rows(), engine=engine)
    assert _column(result, "minstens_een") == ["voldaan"] * 3 + ["niet voldaan"] * 2
    assert _column(result, "minstens_een.groep") == ["noord"] * 3 + ["zuid"] * 2
    assert _column(result, "minstens_een.rij") == ["telt mee", "telt niet mee", "onbekend", "telt niet mee",
                                                   "telt niet mee"]
    # Z2 is gecontracteerd without nachtzorg; Z3 and Z5 are not gecontracteerd: they do not count
    assert _column(result, "alle_gecontracteerd") == ["niet voldaan"] * 5
    assert _column(result, "alle_gecontracteerd.rij")[2] == "hoort er niet bij"
    # three rows surely without nachtzorg (Z2, Z4, Z5) and one unknown: more than two
    assert set(_column(result, "hoogstens_twee")) == {"niet voldaan"}
    # 1 of 5 surely, 2 of 5 at best: under 50% either way
    assert set(_column(result, "aandeel")) == {"niet voldaan"}
    # the per-case rules are still there, row by row
    assert _column(result, "nachtzorg_eis")[:2] == ["voldaan", "niet voldaan"]


@pytest.mark.parametrize("engine", ["polars", "python"])
def test_ranking_shares_a_rank_on_a_tie_and_leaves_an_unknown_unranked(small, engine):
    result = evaluate_table(small, _rows(), engine=engine)
    assert _column(result, "rangorde.rang") == [2, 2, 1, 1, None]
    assert _column(result, "rangorde.gelijk") == ["ja", "ja", "nee", "nee", None]
    assert _column(result, "rangorde") == ["gerangschikt"] * 4 + ["onbekend"]


def test_a_row_without_a_group_may_belong_to_any_group(small):
    rows = [*_rows(), {"naam": "Z6", "regio": None, "nachtzorg": True, "gecontracteerd": True, "score": "6",
                       "tarief": "€ 40"}]
    result = evaluate_table(small, rows)
    # zuid has no row with nachtzorg, but Z6 (regio unknown) has: zuid is onbekend, not niet voldaan
    assert _column(result, "minstens_een")[3:] == ["onbekend", "onbekend", "onbekend"]
    assert _column(result, "minstens_een.groep")[5] is None


@pytest.mark.parametrize(("counts", "expected"), [
    (N.Counts(1, 0, 0, 0), M.Status.VOLDAAN),
    (N.Counts(0, 3, 0, 0), M.Status.NIET_VOLDAAN),
    (N.Counts(0, 2, 1, 1), M.Status.ONBEKEND),
])
def test_at_least_one_follows_kleene(counts, expected):
    rule = compile_text(SMALL).model.network.rules[0]
    assert N.verdict(rule, counts) is expected


def test_share_is_exact_at_the_boundary():
    rule = compile_text(SMALL).model.network.rules[3]   # ten minste 50%
    assert N.verdict(rule, N.Counts(1, 1, 0, 0)) is M.Status.VOLDAAN          # 50% exactly
    assert N.verdict(rule, N.Counts(1, 2, 0, 0)) is M.Status.NIET_VOLDAAN     # 33%
    assert N.verdict(rule, N.Counts(1, 2, 1, 1)) is M.Status.ONBEKEND         # 25% .. 50%
    assert N.verdict(rule, N.Counts(0, 0, 0, 0)) is M.Status.NVT              # no row in scope


# ---------------------------------------------------------------- the shipped policies
def test_msz_ranks_the_zekur_hospitals_with_a_tie():
    policy = load_policy(ROOT / "policies" / "msz_2023.beleid")
    table = next(read_chunks(HOSPITALS))[0]
    result = evaluate_table(policy, table, decimal_point=False)
    ranks = dict(zip(_column(result, "naam"), _column(result, "voorkeur_zekur.rang"), strict=True))
    assert ranks == {"Ziekenhuis Noord": 1, "Ziekenhuis Oost": 2, "Ziekenhuis West": 3, "UMC Zuid": 3,
                     "Ziekenhuis Midden": 5, "Ziekenhuis Dal": None, "Kliniek Buiten": None}
    states = dict(zip(_column(result, "naam"), _column(result, "voorkeur_zekur"), strict=True))
    assert states["Ziekenhuis Dal"] == "onbekend" and states["Kliniek Buiten"] == "niet van toepassing"


def test_elv_beds_per_region_in_the_summary(tmp_path, capsys):
    code = main(["evalueer", str(ROOT / "policies" / "vgz_elv_grz_gzsp_2022.beleid"), "--casussen", str(ELV),
                 "--uit", str(tmp_path / "uit.csv")])
    out = capsys.readouterr().out
    assert code == 0
    assert "    1 groep niet voldaan, 1 groep onbekend, 1 groep voldaan" in out
    assert "    Zuid: niet voldaan — 1 telt mee: Verpleeghuis Dijk; 1 niet: Zorgcentrum Eik" in out
    assert "    Oost: onbekend — 1 telt mee: Herstelhuis Gaarde; 1 onbekend: Zorghotel Heuvel" in out
    assert "(groep onbekend): 1 telt mee: Zorgpension Ijs (deze rijen kunnen bij elke groep horen)" in out
    written = pl.read_csv(tmp_path / "uit.csv", separator=";")
    assert written.get_column("h_bedden_alle_zorgaanbieders").to_list()[:4] == ["voldaan", "voldaan",
                                                                                "niet voldaan", "niet voldaan"]


def test_summary_of_a_file_names_the_ranking(tmp_path):
    policy = load_policy(ROOT / "policies" / "msz_2023.beleid")
    summary = evaluate_file(policy, HOSPITALS, tmp_path / "uit.parquet")
    lines = network_lines(policy.model, summary.network)
    assert ("    alle rijen: 1. Ziekenhuis Noord; 2. Ziekenhuis Oost; 3. Ziekenhuis West = UMC Zuid (gelijk); "
            "5. Ziekenhuis Midden; niet gerangschikt (een criterium onbekend): Ziekenhuis Dal") in lines
    assert pl.read_parquet(tmp_path / "uit.parquet").get_column("voorkeur_zekur.rang").to_list()[0] == 1


def test_one_case_says_network_rules_do_not_apply(tmp_path, capsys):
    case = tmp_path / "casus.json"
    case.write_text('{"elv_regio": "Noord", "bedden_inzichtelijk": "ja"}', encoding="utf-8")
    code = main(["evalueer", str(ROOT / "policies" / "vgz_elv_grz_gzsp_2022.beleid"), "--casus", str(case)])
    out = capsys.readouterr().out
    assert code == 0
    assert ("Niet van toepassing op één casus (netwerkeisen en voorkeuren gaan over een tabel van casussen; "
            "evalueer met --casussen TABEL): h. Alle bedden (van alle zorgaanbieders) in de regio zijn "
            "inzichtelijk (h_bedden_alle_zorgaanbieders).") in out
    main(["evalueer", str(ROOT / "policies" / "vgz_elv_grz_gzsp_2022.beleid"), "--casus", str(case), "--json"])
    assert '"h_bedden_alle_zorgaanbieders": "niet van toepassing op één casus"' in capsys.readouterr().out


def test_spark_says_in_dutch_which_rules_it_leaves_out(tmp_path, capsys, monkeypatch):
    # the rules per row run on Spark (tests/test_spark.py checks them on every shipped policy);
    # here only what the command says before it hands the table to Spark
    import dsl.batch.spark as spark_engine
    from dsl.batch.columnar import Unsupported

    def handed(policy, source, target, peildatum=None):
        raise Unsupported("hier gestopt")   # the run itself is not this test's subject
    monkeypatch.setattr(spark_engine, "evaluate_file_spark", handed)
    code = main(["evalueer", str(ROOT / "policies" / "msz_2023.beleid"), "--casussen", str(HOSPITALS),
                 "--uit", str(tmp_path / "uit"), "--motor", "spark"])
    assert code == 1
    assert ("let op: netwerkeisen en voorkeuren (voorkeur_zekur) worden in Spark niet geëvalueerd (zij tellen "
            "en ordenen de rijen van de hele tabel) en staan niet in de uitvoer; gebruik --motor polars voor die"
            ) in capsys.readouterr().err


# ---------------------------------------------------------------- errors
def _errors(text: str) -> str:
    with pytest.raises(BeleidError) as err:
        compile_text(text, "fout.beleid")
    return str(err.value)


HEAD = 'beleid "F"\ngegevens\n  regio : keuze uit "a", "b"\n  x : ja/nee\n  score : getal\n  namen : lijst van getal\n'


@pytest.mark.parametrize(("body", "message"), [
    ('netwerkeis n "N" per regio vereist ten minste 1 aanbieder waarvoor score',
     "fout.beleid:7:68: fout: de voorwaarde na 'waarvoor' moet ja of nee opleveren, maar dit is een getal"),
    ('netwerkeis n "N" per regoi vereist elke aanbieder waarvoor x',
     "fout.beleid:7:22: fout: onbekende naam 'regoi'"),
    ('netwerkeis n "N" per namen vereist elke aanbieder waarvoor x',
     "fout.beleid:7:22: fout: de rijen kunnen niet gegroepeerd worden naar 'namen'"),
    ('netwerkeis n "N" vereist groter dan 1 aanbieder waarvoor x',
     "fout.beleid:7:26: fout: 'groter dan' telt geen rijen"),
    ('netwerkeis n "N" vereist ten minste 1,5 aanbieder waarvoor x',
     "fout.beleid:7:37: fout: '1,5' is geen heel aantal rijen"),
    ('netwerkeis n "N" van toepassing als x vereist elke aanbieder waarvoor x',
     "fout.beleid:7:37: fout: een netwerkeis heeft geen 'van toepassing als'"),
    ('voorkeur v "V" eerst laagste x',
     "fout.beleid:7:30: fout: 'laagste' ordent getallen, bedragen, percentages, datums of duren, geen ja/nee"),
    ('netwerkeis n "N" vereist elke aanbieder waarvoor x\neisen g "G"\n  eis e "E" vereist n',
     "fout.beleid:9:21: fout: 'n' is een netwerkeis of voorkeur"),
    ('netwerkeis n "N" vereist elke aanbieder waarvoor x\nvoorbeeld "v" gegeven x = ja verwacht n = voldaan',
     "fout.beleid:8:39: fout: 'n' is een netwerkeis: die geldt voor een tabel van casussen, niet voor één voorbeeld"),
])
def test_misuse_gets_a_dutch_error_with_its_place(body, message):
    assert message in _errors(HEAD + body + "\n")


# ---------------------------------------------------------------- the reference
def test_taal_reference_shows_the_summary_its_example_prints(tmp_path, capsys, monkeypatch):
    import re

    text = (ROOT / "docs" / "taal.md").read_text(encoding="utf-8")
    section = text.split("## Netwerkeisen en voorkeuren")[1].split("\n## ")[0]
    (policy_text,) = re.findall(r"```beleid\n(.*?)```", section, re.S)
    table, shown = re.findall(r"```text\n(.*?)```", section, re.S)
    (tmp_path / "nachtzorg.beleid").write_text(policy_text, encoding="utf-8")
    (tmp_path / "aanbieders.csv").write_text(table, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["evalueer", "nachtzorg.beleid", "--casussen", "aanbieders.csv", "--uit", "uit.csv"]) == 0
    out = capsys.readouterr().out
    assert shown.strip() in out
    written = pl.read_csv(tmp_path / "uit.csv", separator=";")
    assert written.get_column("rangorde.rang").to_list() == [2, 2, 1, 2, 1, None]


def test_batch_docs_show_the_ranking_the_hospitals_get(tmp_path, capsys, monkeypatch):
    import re

    text = (ROOT / "docs" / "batch.md").read_text(encoding="utf-8")
    section = text.split("## Netwerkeisen en voorkeuren")[1].split("\n## ")[0]
    command = re.search(r"```sh\n(beleid evalueer .*?)\n```", section).group(1)
    (shown,) = re.findall(r"```text\n(.*?)```", section, re.S)
    monkeypatch.chdir(ROOT)
    argv = command.split()[1:]
    argv[-1] = str(tmp_path / "zekur.csv")
    assert main(argv) == 0
    assert shown.strip() in capsys.readouterr().out
