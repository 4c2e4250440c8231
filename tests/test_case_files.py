"""Case files read safely and strictly: duplicate names, safe YAML, limits, Dutch syntax errors
with line and column, a policy given as a case, the percentage rule and the default ranges —
through `read_case_file`/`load_case`, the compiled loader and the fused public path, and the
command line; and every example of docs/casus.md."""

from __future__ import annotations

import errno
import json
import os
import re
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dsl import types as T
from dsl.case import compile_case_loader, convert, load_case, read_case_text, written
from dsl.case.reading import _load_yaml
from dsl.case.values import CaseValueError
from dsl.cli import main
from dsl.errors import CaseError, os_problem
from dsl.policy import compile_text, load_policy
from tests.conftest import ROOT, WIJKVERPLEGING

DOC = (ROOT / "docs/casus.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```([^\n]*)\n(.*?)```", DOC, re.S)
DOC_POLICY = compile_text(next(body for info, body in BLOCKS if info == "beleid"), "voorbeeld.beleid")

# fragments of the English texts of json, PyYAML and the operating system, and of a traceback
ENGLISH = ("Traceback", "Expecting", "delimiter", "could not", "constructor", "found ", " line ", "column",
           "mapping values", "not allowed", "Permission denied", "No such file", "Is a directory",
           "Operation not permitted", "unacceptable", "special characters", "Errno", "Error", "recursion",
           "expected", "character", "while ", "scanning", "parsing", "unhashable")


def rendered(error: CaseError, *paths) -> str:
    """The rendered error with the folder of each path left out (a tmp_path holds the test's name)."""
    text = error.render()
    for path in paths:
        text = text.replace(str(path.parent) + "/", "")
    return text


def assert_dutch(text: str) -> None:
    assert not [word for word in ENGLISH if word in text], text


def refusal(path, policy=DOC_POLICY) -> str:
    """The Dutch report of reading and loading the case file `path` against `policy`."""
    with pytest.raises(CaseError) as info:
        policy.load_case(path)
    text = rendered(info.value, path)
    assert_dutch(text)
    return text


def write(tmp_path, name: str, content: str | bytes):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def cli(capsys, case) -> tuple[int, str]:
    """`beleid evalueer policies/wijkverpleging_2024.beleid --casus case`: exit code and stderr."""
    code = main(["evalueer", str(WIJKVERPLEGING), "--casus", str(case)])
    captured = capsys.readouterr()
    error = captured.err.replace(str(case.parent) + "/", "")
    assert_dutch(error + captured.out)
    return code, error


# ---------------------------------------------------------------- duplicate names
def test_a_name_given_twice_in_json_is_refused_naming_both_lines(tmp_path, capsys):
    path = write(tmp_path, "c.json", '{\n  "omzet": "€ 1",\n  "wtza": "ja",\n  "omzet": "€ 2"\n}\n')
    assert refusal(path).startswith("c.json:4:3: fout: 'omzet' staat twee keer in de casus (regel 2 en regel 4); "
                                    "geef elk gegeven één keer\n     4 |   \"omzet\": \"€ 2\"\n       |   ^")
    path = write(tmp_path, "w.json", '{"omzet_2023": 1,\n "omzet_2023": 2}')
    code, error = cli(capsys, path)
    assert code == 1 and "w.json:2:2: fout: 'omzet_2023' staat twee keer in de casus (regel 1 en regel 2)" in error


def test_a_name_given_twice_inside_a_nested_object_is_found_too(tmp_path):
    path = write(tmp_path, "c.json", '{"prijsniveaus": [1, {"a": 1,\n "a": 2}]}')
    assert "c.json:2:2: fout: 'a' staat twee keer in de casus (regel 1 en regel 2)" in refusal(path)


def test_yaml_numbers_are_read_without_the_legacy_octal_base_60_and_hex_forms(tmp_path):
    """YAML 1.1 read "010" as 8 (octal) and "1:30" as 90 (base 60), silently; YAML 1.2 dropped both.
    Such a text stays text: the case reader reads it as Dutch or says why not."""
    policy = load_policy(WIJKVERPLEGING)
    for fast in (False, True):   # PyYAML's own parser and libyaml's
        data, _ = _load_yaml("verzekerden_in_zorg_2023: 010\nfte: 1:30\nx: 0x10\ny: 0o17\nz: 1_000\n"
                             "w: 2.5\nj: yes\nd: 2024-01-01\n", fast)
        assert data == {"verzekerden_in_zorg_2023": "010", "fte": "1:30", "x": "0x10", "y": "0o17", "z": 1000,
                        "w": 2.5, "j": True, "d": date(2024, 1, 1)}
    case = policy.load_case(write(tmp_path, "c.yaml", "verzekerden_in_zorg_2023: 010\n"))
    assert case.data["verzekerden_in_zorg_2023"] == 10
    assert refusal(write(tmp_path, "d.yaml", "fte_niveau_6_loondienst: 1:30\n"), policy).startswith(
        "d.yaml:1:26: fout: gegeven 'fte_niveau_6_loondienst': '1:30' is geen getal")


def test_a_name_given_twice_in_yaml_is_refused_naming_both_lines(tmp_path, capsys):
    path = write(tmp_path, "c.yaml", "omzet: 1\nwtza: ja\nomzet: 2\n")
    assert refusal(path).startswith("c.yaml:3:1: fout: 'omzet' staat twee keer in de casus (regel 1 en regel 3)")
    path = write(tmp_path, "w.yml", "omzet_2023: 1\n\nomzet_2023: 1\n")
    code, error = cli(capsys, path)
    assert code == 1 and "'omzet_2023' staat twee keer in de casus (regel 1 en regel 3)" in error


# ---------------------------------------------------------------- YAML, safely
def test_a_python_tag_is_refused_in_dutch_and_never_runs(tmp_path, capsys):
    planted = tmp_path / "geplant"
    path = write(tmp_path, "c.yaml", f'omzet: !!python/object/apply:os.system ["touch {planted}"]\n')
    assert refusal(path).startswith("c.yaml:1:8: fout: de YAML-tag '!!python/object/apply:os.system' wordt in een "
                                    "casus niet gebruikt")
    code, error = cli(capsys, path)
    assert code == 1 and "de YAML-tag '!!python/object/apply:os.system' wordt in een casus niet gebruikt" in error
    assert not planted.exists()


@pytest.mark.parametrize("content, message", [
    ("omzet: !eigen 5\n", "c.yaml:1:8: fout: de YAML-tag '!eigen' wordt in een casus niet gebruikt"),
    ("naam: !!binary aGFsbG8=\n", "c.yaml:1:7: fout: de YAML-tag '!!binary' wordt in een casus niet gebruikt"),
    ("a: &x 1\nnaam: *x\n", "c.yaml:1:4: fout: een anker (&x) wordt in een casus niet gebruikt"),
    ("naam: *x\n", "c.yaml:1:7: fout: een verwijzing (*x) wordt in een casus niet gebruikt"),
    ("<<: {omzet: 5}\n", "c.yaml:1:1: fout: '<<' (samenvoegen) wordt in een casus niet gebruikt"),
    ("? [a, b]\n: 1\n", "c.yaml:1:3: fout: een naam is een tekst, geen lijst of object"),
])
def test_yaml_beyond_plain_values_is_refused(tmp_path, content, message):
    assert refusal(write(tmp_path, "c.yaml", content)).startswith(message)


def test_a_billion_laughs_is_refused_at_its_first_anchor(tmp_path, capsys):
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"{c}: &{c} [{', '.join([f'*{p}'] * 9)}]" for p, c in zip("abcdefgh", "bcdefghi")]
    path = write(tmp_path, "lol.yaml", "\n".join(lines) + "\n")
    assert refusal(path).startswith("lol.yaml:1:4: fout: een anker (&a) wordt in een casus niet gebruikt")
    assert cli(capsys, path)[0] == 1


def test_a_tijdstip_with_a_time_zone_is_refused_instead_of_crashing(tmp_path):
    path = write(tmp_path, "c.yaml", "ingediend: 2023-12-22T17:00:00+01:00\n")
    assert "gegeven 'ingediend': 2023-12-22 17:00:00+01:00 heeft een tijdzone; schrijf de plaatselijke tijd" in \
        refusal(path)
    aware = datetime(2023, 12, 22, 17, tzinfo=timezone(timedelta(hours=1)))
    policy = compile_text(DOC_POLICY.model.text, "voorbeeld.beleid")
    for _ in range(3):  # load_case, then the compiled loader, then the fused path
        with pytest.raises(CaseError, match="heeft een tijdzone"):
            policy.evaluate({"ingediend": aware})
    assert policy.evaluate({"ingediend": datetime(2023, 12, 22, 17)}).case.data["ingediend"].hour == 17


# ---------------------------------------------------------------- limits
def test_a_file_over_the_size_limit_is_refused_before_it_is_parsed(tmp_path, capsys):
    path = write(tmp_path, "groot.json", b'{"naam": "' + b"x" * (10 * 1024 * 1024) + b'"}')
    assert refusal(path) == ("groot.json: fout: het casusbestand is te groot: meer dan 10 MB; een casusbestand is "
                             "ten hoogste 10 MB")
    assert cli(capsys, path)[0] == 1


@pytest.mark.parametrize("content", ["[" * 100_000 + "]" * 100_000, '{"x": ' + "[" * 100_000 + "]" * 100_000 + "}",
                                     '{"x": ' + "[" * 100_000])
def test_json_nested_far_too_deep_is_refused_without_a_recursion_error(tmp_path, capsys, content):
    path = write(tmp_path, "diep.json", content)
    assert refusal(path) == ("diep.json: fout: het casusbestand is te diep genest: ten hoogste 2 niveaus (een casus "
                             "is plat: naam → waarde; een lijst is één niveau diep, zoals [1, 2, 3])")
    assert cli(capsys, path)[0] == 1


def test_a_list_inside_a_list_is_too_deep_naming_the_field(tmp_path):
    path = write(tmp_path, "c.json", '{\n  "prijsniveaus": [[1], 2]\n}')
    assert refusal(path).startswith("c.json:2:19: fout: gegeven 'prijsniveaus' is te diep genest: ten hoogste 2 "
                                    "niveaus")
    path = write(tmp_path, "c.yaml", "prijsniveaus:\n  - [1]\n")
    assert refusal(path).startswith("c.yaml:2:5: fout: te diep genest: ten hoogste 2 niveaus")
    path = write(tmp_path, "d.yaml", "a: " + "[" * 100_000 + "\n")
    assert refusal(path).startswith("d.yaml:1:5: fout: te diep genest")


def test_a_list_over_the_length_limit_is_refused_naming_the_field(tmp_path, capsys):
    items = ", ".join(["20"] * 100_001)
    path = write(tmp_path, "lang.json", f'{{"prijsniveaus": [{items}]}}')
    message = "gegeven 'prijsniveaus': de lijst heeft 100.001 waarden; een lijst heeft ten hoogste 100.000 waarden"
    assert refusal(path) == f"lang.json:1:18: fout: {message}"  # the line is too long to show
    path = write(tmp_path, "lang.yaml", "prijsniveaus:\n" + "- 20\n" * 100_001)
    assert refusal(path).startswith("lang.yaml:100002:3: fout: meer dan 100.000 waarden in één lijst of object")
    path = write(tmp_path, "w.json", f'{{"verzekerden_in_zorg_2023": [{items}]}}')
    assert cli(capsys, path)[0] == 1


def _yaml_outcome(text: str):
    """What reading `text` as a YAML case gives: its data and places, or the rendered refusal."""
    try:
        case = read_case_text(text, "c.yaml", yaml=True)
    except CaseError as err:
        return err.render()
    return dict(case), {name: case.place(name) for name in case}


YAML_TEXTS = [
    "omzet: 1\nwtza: ja\nprijsniveaus: [20, '0,5%']\n", "omzet: 1\nwtza: ja\nomzet: 2\n",
    "a: &x 1\nnaam: *x\n", "naam: *x\n", "<<: {omzet: 5}\n", "? [a, b]\n: 1\n", "omzet: !eigen 5\n",
    "prijsniveaus:\n  - [1]\n", "a: " + "[" * 1_000 + "\n", "a: {b: {c: 1}}\n",
    "omzet: 1\nwtza ja\nnaam: x\n", "omzet: a: b\n", "omzet: 1\n\twtza: ja\n", 'naam: "abc\n', 'naam: "\\q"\n',
    "prijsniveaus:\n  - 1\n - 2\n", "omzet: 1\n---\nwtza: ja\n", "naam: a\x00\n", "omzet: - 1\n", "# niets\n", "",
    # characters libyaml cannot take or reads as line breaks
    "naam: \ud800\n", 'naam: "\\ud800"\n', "naam: a\x85b: 1\n", "naam: a\u2028b\nc: 1\n", "\ufeffnaam: \U0001F600\n",
    "omzet: 1\r\nwtza: ja\r\n",
    # at the limit, and one over it (1,000 here): in a list, in a flow list, in an object (a name and its
    # value count once)
    "prijsniveaus:\n" + "- 20\n" * 1_000, "prijsniveaus:\n" + "- 20\n" * 1_001,
    "prijsniveaus: [" + "1, " * 1_000 + "2]\n", "".join(f"n{i}: {i}\n" for i in range(1_000)),
    "".join(f"n{i}: {i}\n" for i in range(1_001)),
    *(path.read_text(encoding="utf-8") for path in sorted((ROOT / "policies" / "casussen").glob("*.yaml"))),
]


def test_libyaml_and_pyyaml_read_every_yaml_case_alike(monkeypatch):
    """YAML is parsed by libyaml when PyYAML has it (a list of 100,001 values refused in 0.5 s, not
    4.5 s): the same data, places and refusals as PyYAML's own parser, limits included (at 1,000
    values here, which PyYAML's parser reaches in a few milliseconds)."""
    import yaml

    import dsl.case.reading

    if not yaml.__with_libyaml__:
        pytest.skip("deze PyYAML heeft geen libyaml")
    monkeypatch.setattr(dsl.case.reading, "MAX_ITEMS", 1_000)
    fast = [_yaml_outcome(text) for text in YAML_TEXTS]
    monkeypatch.setattr(yaml, "__with_libyaml__", False)
    for text, outcome in zip(YAML_TEXTS, fast, strict=True):
        assert outcome == _yaml_outcome(text), text[:60]
    at_limit, over_limit = (fast[YAML_TEXTS.index("".join(f"n{i}: {i}\n" for i in range(n)))] for n in (1_000, 1_001))
    assert isinstance(at_limit, tuple) and "c.yaml:1001:1: fout: meer dan 1.000 waarden in één lijst" in over_limit
    assert isinstance(fast[YAML_TEXTS.index("prijsniveaus:\n" + "- 20\n" * 1_000)], tuple)


def test_five_million_values_given_in_python_are_refused_before_any_is_read():
    policy = compile_text(DOC_POLICY.model.text, "voorbeeld.beleid")
    huge = [Decimal(20)] * 5_000_000
    message = "gegeven 'prijsniveaus': de lijst heeft 5.000.000 waarden; een lijst heeft ten hoogste 100.000 waarden"
    for given_as in (huge, tuple(huge), tuple(huge)):  # load_case, the compiled loader, the fused path
        with pytest.raises(CaseError) as info:
            policy.evaluate({"prijsniveaus": given_as})
        assert info.value.diagnostics[0].message == message


def test_many_unknown_names_are_counted_not_each_matched(tmp_path):
    names = {f"veld_{i}": 1 for i in range(5_000)}
    with pytest.raises(CaseError) as info:
        load_case(DOC_POLICY.model, names)
    messages = [d.message for d in info.value.diagnostics]
    assert len(messages) == 11 and messages[0] == "onbekend gegeven 'veld_0' in de casus"
    assert messages[-1] == "en nog 4.990 onbekende gegevens in de casus"


# ---------------------------------------------------------------- syntax errors in Dutch
@pytest.mark.parametrize("content, message", [
    ('{\n  "omzet": "€ 1"\n  "wtza": "ja"\n}', "c.json:3:3: fout: ongeldige JSON op regel 3, kolom 3: verwacht ',' "
                                               "tussen twee waarden"),
    ("{omzet: 1}", "c.json:1:2: fout: ongeldige JSON op regel 1, kolom 2: verwacht een naam tussen dubbele "
                   "aanhalingstekens"),
    ("{'omzet': 1}", "hint: JSON kent alleen dubbele aanhalingstekens"),
    ('{"omzet": 1,\n}', "c.json:2:1: fout: ongeldige JSON op regel 2, kolom 1: een komma na het laatste paar"),
    ('{"omzet" 1}', "c.json:1:10: fout: ongeldige JSON op regel 1, kolom 10: verwacht ':' na de naam"),
    ('{"omzet": }', "c.json:1:11: fout: ongeldige JSON op regel 1, kolom 11: verwacht een waarde"),
    ('{"omzet": "€ 1', "c.json:1:11: fout: ongeldige JSON op regel 1, kolom 11: een tekst zonder afsluitend "
                       "aanhalingsteken"),
    ('{"naam": "a\tb"}', "ongeldige JSON op regel 1, kolom 12: een tab of regeleinde binnen een tekst"),
    ('{"naam": "a\\qb"}', "ongeldige JSON op regel 1, kolom 12: een ongeldige \\-reeks in een tekst"),
    ('{"naam": "\\u12"}', "ongeldige JSON op regel 1, kolom 12: een ongeldige \\u-reeks in een tekst"),
    ('{"omzet": 1}\n{"wtza": true}', "c.json:2:1: fout: ongeldige JSON op regel 2, kolom 1: na het einde van de "
                                     "casus staat nog tekst"),
    ('{"prijsniveaus": [20,]}', "ongeldige JSON op regel 1, kolom 22: een komma na de laatste waarde"),
    ('{"omzet": 1,5}', 'hint: staat hier een Nederlands getal zonder aanhalingstekens? Schrijf het als tekst'),
    ('{"omzet": ' + "9" * 5000 + "}", "c.json: fout: het casusbestand bevat een getal met te veel cijfers"),
    ("", "c.json: fout: het casusbestand is leeg"),
    ("[1, 2]", "c.json: fout: een casus is een verzameling 'naam: waarde'-paren"),
])
def test_json_syntax_errors_are_dutch_with_line_and_column(tmp_path, content, message):
    assert message in refusal(write(tmp_path, "c.json", content))


@pytest.mark.parametrize("content, message", [
    ("omzet: 1\nwtza ja\nnaam: x\n", "c.yaml:3:1: fout: ongeldige YAML op regel 3, kolom 1: verwacht ':' na de naam"),
    ("omzet: a: b\n", "c.yaml:1:9: fout: ongeldige YAML op regel 1, kolom 9: hier mag geen ':' staan"),
    ("omzet: 1\n\twtza: ja\n", "c.yaml:2:1: fout: ongeldige YAML op regel 2, kolom 1: een tab"),
    ('naam: "abc\n', "c.yaml:2:1: fout: ongeldige YAML op regel 2, kolom 1: het bestand houdt op midden in een tekst"),
    ('naam: "\\q"\n', "ongeldige YAML op regel 1, kolom 9: een ongeldige \\-reeks in een tekst"),
    ("prijsniveaus:\n  - 1\n - 2\n", "c.yaml:3:2: fout: ongeldige YAML op regel 3, kolom 2: de inspringing klopt niet"),
    ("prijsniveaus: [1, 2\nnaam: x\n", "ongeldige YAML op regel 2, kolom 5: verwacht ',' of ']' in de lijst"),
    ("omzet: 1\n---\nwtza: ja\n", "ongeldige YAML op regel 2, kolom 1: het bestand bevat meer dan één document"),
    ("naam: @x\n", "ongeldige YAML op regel 1, kolom 7: dit teken kan hier geen waarde beginnen"),
    ("naam: a\x00\n", "ongeldige YAML op regel 1, kolom 8: het stuurteken 0x00 hoort niet in een casus"),
    ("omzet: - 1\n", "ongeldige YAML op regel 1, kolom 8: hier mag geen lijst ('- ') beginnen"),
    ("# alleen commentaar\n", "c.yaml: fout: een casus is een verzameling 'naam: waarde'-paren"),
])
def test_yaml_syntax_errors_are_dutch_with_line_and_column(tmp_path, content, message):
    assert message in refusal(write(tmp_path, "c.yaml", content))


def test_case_text_is_read_by_the_same_rules():
    assert read_case_text('{"omzet": "€ 5"}') == {"omzet": "€ 5"}
    with pytest.raises(CaseError) as info:
        read_case_text('{"omzet": 1,\n "omzet": 2}', "cel 3")
    assert info.value.render().startswith("cel 3:2:2: fout: 'omzet' staat twee keer in de casus (regel 1 en regel 2)")
    with pytest.raises(CaseError, match="ongeldige YAML op regel 1, kolom 9: hier mag geen ':' staan"):
        read_case_text("omzet: a: b", yaml=True)
    with pytest.raises(CaseError, match="te diep genest"):
        read_case_text("[" * 100_000)


def test_a_syntax_error_through_the_command_line(tmp_path, capsys):
    code, error = cli(capsys, write(tmp_path, "c.json", '{\n  "omzet_2023": "€ 240.000"\n  "wtza": true\n}'))
    assert code == 1 and error.startswith("c.json:3:3: fout: ongeldige JSON op regel 3, kolom 3: verwacht ','")
    code, error = cli(capsys, write(tmp_path, "c.yaml", "omzet_2023: 1\n\tb: 2\n"))
    assert code == 1 and error.startswith("c.yaml:2:1: fout: ongeldige YAML op regel 2, kolom 1: een tab")


# ---------------------------------------------------------------- a policy given as a case, unreadable files
def test_a_policy_given_as_a_case_is_recognised(tmp_path, capsys):
    text = WIJKVERPLEGING.read_text(encoding="utf-8")
    assert refusal(WIJKVERPLEGING).startswith("wijkverpleging_2024.beleid: fout: dit lijkt een beleid, geen casus: "
                                              "wijkverpleging_2024.beleid begint met 'beleid \"…\"'\n  hint: geef "
                                              "eerst het beleid en dan de casus")
    commented = write(tmp_path, "c.json", '# een beleid\n\n  BELEID "x"\ngegevens\n')
    assert refusal(commented).startswith("c.json: fout: dit lijkt een beleid, geen casus: c.json begint met")
    assert refusal(write(tmp_path, "x.beleid", "{}")).startswith(
        "x.beleid: fout: dit lijkt een beleid, geen casus: x.beleid is een .beleid-bestand")
    code, error = cli(capsys, write(tmp_path, "omgewisseld.yaml", text))
    assert code == 1 and error.startswith("omgewisseld.yaml: fout: dit lijkt een beleid, geen casus")


def test_a_table_given_as_a_case_is_named(tmp_path):
    path = write(tmp_path, "aanbieders.csv", "agb;naam\n1;Noord\n")
    assert refusal(path).startswith("aanbieders.csv: fout: dit lijkt een tabel, geen casus: een casusbestand is JSON "
                                    "of YAML\n  hint: een tabel met casussen lees je met --casussen")


def test_a_folder_or_a_missing_file_is_refused_in_dutch(tmp_path, capsys):
    (tmp_path / "map.json").mkdir()
    assert refusal(tmp_path / "map.json") == ("map.json: fout: kan het casusbestand niet lezen: dit is een map, "
                                              "geen bestand")
    assert refusal(tmp_path / "weg.json") == "weg.json: fout: kan het casusbestand niet lezen: het bestand bestaat niet"
    code, error = cli(capsys, tmp_path / "map.json")
    assert code == 1 and error.strip() == "map.json: fout: kan het casusbestand niet lezen: dit is een map, geen bestand"


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads any file")
def test_a_file_without_read_permission_is_refused_in_dutch(tmp_path):
    path = write(tmp_path, "geheim.json", "{}")
    path.chmod(0)
    assert refusal(path) == "geheim.json: fout: kan het casusbestand niet lezen: geen toegang"


def test_operating_system_errors_are_dutch_even_when_not_listed():
    assert os_problem(PermissionError(errno.EACCES, "Permission denied")) == "geen toegang"
    assert os_problem(PermissionError(errno.EPERM, "Operation not permitted")) == \
        "het besturingssysteem staat dit niet toe"
    assert os_problem(OSError(errno.ENOTEMPTY, "Directory not empty")) == "het besturingssysteem meldt fout ENOTEMPTY"
    assert os_problem(OSError("Not a gzipped file")) == "het besturingssysteem meldt een fout"


# ---------------------------------------------------------------- percentages given as numbers
AMBIGUOUS = ("bedoelt u 41% (schrijf 41 of \"41%\") of 0,41% (schrijf \"0,41%\")?")


@pytest.mark.parametrize("value, shown", [
    (Decimal("0.41"), "0.41"), (0.41, "0.41"), ("0,41", "'0,41'"), (Decimal("0.410"), "0.410"), (" 0,41 ", "' 0,41 '"),
])
def test_a_bare_number_between_0_and_1_for_a_percentage_is_ambiguous(value, shown):
    policy = compile_text(DOC_POLICY.model.text, "voorbeeld.beleid")
    for _ in range(3):  # load_case, then the compiled loader, then the fused path
        with pytest.raises(CaseError) as info:
            policy.evaluate({"aandeel_onder": value})
        assert info.value.diagnostics[0].message == f"gegeven 'aandeel_onder': {shown} is dubbelzinnig: {AMBIGUOUS}"


@pytest.mark.parametrize("value, expected", [
    ("0,41%", Decimal("0.41")), ("0,41 %", Decimal("0.41")), ("0,41 procent", Decimal("0.41")), (0, 0), (1, 1),
    (Decimal(0), 0), (Decimal("1.00"), 1), ("1", 1), ("0", 0), (41, 41), (Decimal("0.0"), 0), (100, 100),
    (Decimal("100.00"), 100), ("100%", 100), (12.5, Decimal("12.5")),
])
def test_a_percentage_with_its_sign_or_outside_0_to_1_is_read(value, expected):
    policy = compile_text(DOC_POLICY.model.text, "voorbeeld.beleid")
    for _ in range(3):
        assert policy.evaluate({"aandeel_onder": value}).case.data["aandeel_onder"] == expected


def test_the_percentage_rule_holds_in_files_and_in_lists(tmp_path, capsys):
    path = write(tmp_path, "c.json", '{\n  "aandeel_onder": 0.41\n}')
    assert refusal(path).startswith(f"c.json:2:20: fout: gegeven 'aandeel_onder': 0.41 is dubbelzinnig: {AMBIGUOUS}\n"
                                    "     2 |   \"aandeel_onder\": 0.41\n"
                                    "       |                    ^^^^")
    path = write(tmp_path, "c.yaml", "aandeel_onder: 0.41\nprijsniveaus: [20, 0.5, '0,5%']\n")
    text = refusal(path)
    assert f"c.yaml:1:16: fout: gegeven 'aandeel_onder': 0.41 is dubbelzinnig: {AMBIGUOUS}" in text
    assert "c.yaml:2:15: fout: gegeven 'prijsniveaus': 0.5 is dubbelzinnig: bedoelt u 50%" in text
    assert DOC_POLICY.load_case(write(tmp_path, "d.yaml", "aandeel_onder: 0,41%\n")).data["aandeel_onder"] == \
        Decimal("0.41")
    code, error = cli(capsys, write(tmp_path, "w.json", '{"aandeel_onderaanneming": 0.41}'))
    assert code == 1 and error.startswith(f"w.json:1:28: fout: gegeven 'aandeel_onderaanneming': 0.41 is "
                                          f"dubbelzinnig: {AMBIGUOUS}")


# ---------------------------------------------------------------- ranges
@pytest.mark.parametrize("field, value, message", [
    ("omzet", -5, "gegeven 'omzet': -5 is geen geldig bedrag: een bedrag is niet negatief"),
    ("omzet", Decimal("-0.01"), "gegeven 'omzet': -0.01 is geen geldig bedrag: een bedrag is niet negatief"),
    ("omzet", -0.5, "gegeven 'omzet': -0.5 is geen geldig bedrag: een bedrag is niet negatief"),
    ("omzet", "€ -5", "gegeven 'omzet': '€ -5' is geen geldig bedrag: een bedrag is niet negatief"),
    ("omzet", "-€ 1.000", "gegeven 'omzet': '-€ 1.000' is geen geldig bedrag: een bedrag is niet negatief"),
    ("aandeel_onder", 101, "gegeven 'aandeel_onder': 101 is geen geldig percentage: een percentage ligt tussen 0% "
                           "en 100%"),
    ("aandeel_onder", Decimal("100.01"), "gegeven 'aandeel_onder': 100.01 is geen geldig percentage"),
    ("aandeel_onder", "150%", "gegeven 'aandeel_onder': '150%' is geen geldig percentage"),
    ("aandeel_onder", "-5%", "gegeven 'aandeel_onder': '-5%' is geen geldig percentage"),
    ("aandeel_onder", -1, "gegeven 'aandeel_onder': -1 is geen geldig percentage"),
    ("prijsniveaus", [20, "101%"], "gegeven 'prijsniveaus': '101%' is geen geldig percentage"),
])
def test_default_ranges_are_enforced_at_load_naming_the_field(field, value, message):
    policy = compile_text(DOC_POLICY.model.text, "voorbeeld.beleid")
    for given_as in (value, value, tuple(value) if isinstance(value, list) else value):
        with pytest.raises(CaseError) as info:
            policy.evaluate({field: given_as})
        assert info.value.diagnostics[0].message.startswith(message)


def test_zero_amounts_and_negative_numbers_are_accepted(tmp_path):
    policy = compile_text(DOC_POLICY.model.text, "voorbeeld.beleid")
    for _ in range(3):
        case = policy.evaluate({"omzet": Decimal("-0"), "fte_niveau_6": -2}).case
        assert case.data == {"omzet": 0, "fte_niveau_6": Decimal(-2)}


def test_ranges_through_the_command_line(tmp_path, capsys):
    code, error = cli(capsys, write(tmp_path, "c.json", '{\n  "omzet_2023": -5,\n  "aandeel_ander_personeel": '
                                                         '"120%"\n}'))
    assert code == 1
    assert "c.json:2:17: fout: gegeven 'omzet_2023': -5 is geen geldig bedrag: een bedrag is niet negatief" in error
    assert "c.json:3:30: fout: gegeven 'aandeel_ander_personeel': '120%' is geen geldig percentage" in error


def test_a_subprocess_reports_bad_case_files_without_a_traceback(tmp_path):
    files = [write(tmp_path, "a.json", '{"aandeel_onderaanneming": 0.41, "omzet_2023": -1}'),
             write(tmp_path, "b.yaml", "omzet_2023: !!python/object:os.system 1\n"),
             write(tmp_path, "c.json", "[" * 100_000)]
    for path in files:
        run = subprocess.run([sys.executable, "-m", "dsl.cli", "evalueer", str(WIJKVERPLEGING), "--casus", str(path)],
                             capture_output=True, text=True, cwd=ROOT, timeout=120)
        assert run.returncode == 1 and run.stdout == "" and run.stderr.startswith(str(path))
        assert_dutch(run.stderr.replace(str(tmp_path), ""))


# ---------------------------------------------------------------- one meaning: load_case, compiled loader, written
TYPES = {"omzet": T.BEDRAG, "aandeel_onder": T.PERCENTAGE, "prijsniveaus": T.Type("lijst", element=T.PERCENTAGE),
         "ingediend": T.TIJDSTIP}
VALUES = st.sampled_from([
    None, 0, 1, 100, 101, -1, -0.0, 0.41, 0.999, Decimal("0.41"), Decimal("-0"), Decimal("0"), Decimal("1"),
    Decimal("1.0"), Decimal("99.99"), Decimal("100"), Decimal("100.01"), Decimal("-0.01"), Decimal("1E-30"),
    Decimal("NaN"), Decimal("Infinity"), "0,41", "0,41%", "41", "41%", "150%", "-5%", "€ -5", "€ 5", "-5", "0", "1",
    "100,00%", (Decimal(20), Decimal("0.5")), (Decimal(20), Decimal(100)), [20, "0,5%"], (), [101],
    datetime(2023, 12, 22, 17), datetime(2023, 12, 22, 17, tzinfo=UTC), date(2023, 12, 22),
])


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(list(TYPES)), VALUES, max_size=4))
def test_the_compiled_loader_agrees_with_load_case_on_ranges_and_percentages(data):
    expected, found = _loaded(lambda: load_case(DOC_POLICY.model, data)), _loaded(lambda: LOADER(data))
    assert found == expected


def _loaded(load) -> tuple:
    """(values, their types, peil, missing) of a loaded case, or the messages and hints of its refusal."""
    try:
        case = load()
    except CaseError as err:
        return tuple((d.message, d.hint) for d in err.diagnostics)
    return case.values, [type(v) for v in case.values], case.peil, case.missing


LOADER = compile_case_loader(DOC_POLICY.model)


@pytest.mark.parametrize("value, t", [
    (Decimal("0.41"), T.PERCENTAGE), (Decimal("0.5"), T.PERCENTAGE), (Decimal("1E-7"), T.PERCENTAGE),
    (Decimal(41), T.PERCENTAGE), (Decimal(0), T.PERCENTAGE), (14, T.duration("weken")), (3600, T.duration("uren")),
    ((Decimal("0.5"), Decimal(20)), T.Type("lijst", element=T.PERCENTAGE)), (Decimal("2.5"), T.BEDRAG),
])
def test_written_values_read_back_unchanged(value, t):
    assert convert(written(value, t), t) == value
    if t.kind == "percentage" and 0 < value < 1:
        with pytest.raises(CaseValueError, match="is dubbelzinnig"):
            convert(value, t)


# ---------------------------------------------------------------- docs/casus.md
def _examples():
    """(info, body, the text block after it) of each json and yaml block of docs/casus.md."""
    found = []
    for i, (info, body) in enumerate(BLOCKS):
        if info.split(" ")[0] in ("json", "yaml"):
            after = BLOCKS[i + 1][1] if i + 1 < len(BLOCKS) and BLOCKS[i + 1][0] == "text" else None
            found.append((info, body, after))
    return found


def test_the_case_file_documentation_has_its_examples():
    infos = [info for info, _, _ in _examples()]
    assert infos.count("json") >= 2 and "yaml" in infos and infos.count("json geweigerd") >= 3
    assert "yaml geweigerd" in infos


@pytest.mark.parametrize("info, body, after", _examples())
def test_each_case_file_of_the_documentation_loads_or_is_refused_as_shown(tmp_path, info, body, after):
    kind, *refused = info.split(" ")
    path = write(tmp_path, f"casus.{kind}", body)
    if not refused:
        outcome = DOC_POLICY.evaluate(path)
        assert outcome.case.values and after is None
        return
    assert after is not None, "a refused example is followed by the message it gives"
    text = refusal(path)
    for line in after.strip().splitlines():
        assert line in text


def test_the_policy_as_case_example_of_the_documentation(tmp_path):
    shown = [body for i, (info, body) in enumerate(BLOCKS) if info == "text" and "dit lijkt een beleid" in body]
    path = write(tmp_path, "voorbeeld.beleid", DOC_POLICY.model.text)
    assert shown and refusal(path).strip() == shown[0].strip()


def _table_rows():
    rows = re.findall(r"^\| `([^`]+)` \| (.*?) \| (.*?) \|$", DOC, re.M)
    return [(type_text, cell, accepted) for type_text, read, refused in rows
            for accepted, cell in ((True, read), (False, refused))]


@pytest.mark.parametrize("type_text, cell, accepted", _table_rows())
def test_each_form_in_the_documentation_table_is_read_or_refused_as_it_says(type_text, cell, accepted):
    t = compile_text(f'beleid "t"\ngegevens\n  x : {type_text}\n', "t.beleid").model.fields["x"].type
    examples = re.findall(r"`([^`]+)`", cell)
    assert examples
    for example in examples:
        value = json.loads(example, parse_float=Decimal)
        if accepted:
            convert(value, t)
        else:
            with pytest.raises(CaseValueError):
                convert(value, t)


def test_the_documentation_table_names_every_type():
    kinds = {compile_text(f'beleid "t"\ngegevens\n  x : {type_text}\n', "t.beleid").model.fields["x"].type.kind
             for type_text, _, _ in _table_rows()}
    assert kinds == {"bedrag", "percentage", "getal", "aantal", "ja/nee", "datum", "tijdstip", "duur", "keuze",
                     "tekst", "lijst"}
