"""docs/opdrachtregel.md runs: every `$ beleid …` example gives the output and exit code shown,
and every option of every command is documented there."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from dsl.cli import build_parser, main

ROOT = Path(__file__).resolve().parent.parent
DOC = (ROOT / "docs" / "opdrachtregel.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```console\n(.*?)```", DOC, re.S)


def _examples() -> list[tuple[str, list[str], int]]:
    found = []
    for block in BLOCKS:
        for part in re.split(r"^(?=\$ )", block, flags=re.M):
            if not part.startswith("$ "):
                continue
            command, *lines = part.rstrip("\n").split("\n")
            code = 0
            if lines and (m := re.fullmatch(r"\[exitcode (\d+)\]", lines[-1])):
                code, lines = int(m.group(1)), lines[:-1]
            found.append((command[2:], lines, code))
    return found


EXAMPLES = _examples()


def test_the_page_has_an_example_for_every_command():
    assert {shlex.split(c)[1] for c, _, _ in EXAMPLES} >= {"controleer", "evalueer", "test", "verschil"}


@pytest.mark.parametrize(("command", "expected", "code"), EXAMPLES, ids=[c[:60] for c, _, _ in EXAMPLES])
def test_example_gives_what_the_page_shows(command, expected, code, capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(ROOT)
    argv = shlex.split(command)[1:]
    if "--uit" in argv:   # written to a scratch folder, not into the project
        at = argv.index("--uit") + 1
        monkeypatch.chdir(tmp_path)
        argv = [str(ROOT / a) if (ROOT / a).exists() else a for a in argv]
        argv[at] = Path(argv[at]).name
    assert main(argv) == code
    out, err = capsys.readouterr()
    lines = [line.rstrip() for line in (out + err).splitlines()]
    at = 0
    for want in expected:   # in order; `...` skips any number of lines
        if want == "...":
            continue
        while at < len(lines) and not lines[at].startswith(want.rstrip()):
            at += 1
        assert at < len(lines), f"niet gevonden in de uitvoer: {want!r}"
        at += 1


def _options() -> dict[str, set[str]]:
    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    return {name: {o for a in sub._actions for o in a.option_strings if o.startswith("--") and o != "--help"}
            for name, sub in commands.items()}


@pytest.mark.parametrize("command", ["controleer", "evalueer", "test", "verschil", "kernel"])
def test_every_option_is_documented(command):
    missing = sorted(o for o in _options()[command] if f"`{o}" not in DOC and f"{o} " not in DOC
                     and f"{o}|" not in DOC and f"|{o}" not in DOC)
    assert not missing, f"{command}: niet in docs/opdrachtregel.md: {missing}"
