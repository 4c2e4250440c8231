"""One keyword vocabulary, read from the grammar: `dsl.vocabulary` and every list built from it.

The vocabulary is checked against the grammar itself (each phrase is accepted by its terminal's
own regular expression), pinned on the phrases users write, and then every consumer is checked
against it: the Pygments lexer (each keyword one token of its class), completion (each keyword
offered), the cell language and the session (the section words), is_complete (a cell ending in a
keyword that cannot end a statement goes on), and the JupyterLab extension (its generated
`src/vocabulary.json` and the list inside the prebuilt bundle). Any of them drifting from the
grammar fails here.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import lark
import pytest
from pygments import lex

from dsl.vocabulary import GRAMMAR_PATH, vocabulary
from kernel import assist, cells, session
from kernel.highlight import entries, labextension_data, labextension_json
from kernel.install import LABEXTENSION_DIR
from kernel.lexer import TOKENS, BeleidLexer

ROOT = Path(__file__).resolve().parent.parent
V = vocabulary()
TEXTS = V.texts


@pytest.fixture(scope="module")
def grammar_terminals() -> dict:
    parser = lark.Lark(GRAMMAR_PATH.read_text(encoding="utf-8"), parser="lalr", lexer="contextual")
    return {t.name: t for t in parser.terminals}


# ---------------------------------------------------------------- the vocabulary itself
def test_every_keyword_terminal_of_the_grammar_is_in_the_vocabulary(grammar_terminals):
    keyword_terminals = {name for name, t in grammar_terminals.items()
                         if t.pattern.type == "re" and t.pattern.value.endswith(r"\b")}
    assert set(V.terminals) == keyword_terminals
    assert {"TEN_MINSTE", "CMP_OP", "STATUS", "SIMPLE_TYPE", "EIS", "VEREIST"} <= keyword_terminals


def _accepts(terminal: re.Pattern, text: str) -> bool:
    """Whether the terminal takes exactly `text`; a terminal with a lookahead (`som` only before
    the `)` of a hit policy) is given that `)` after it, and must stop before it."""
    found = terminal.match(text + ")") if "(?=" in terminal.pattern else terminal.fullmatch(text)
    return found is not None and found.end() == len(text)


def test_each_phrase_is_accepted_by_its_terminal_as_written_and_spaced_out(grammar_terminals):
    for name, phrases in V.terminals.items():
        terminal = re.compile(grammar_terminals[name].pattern.to_regexp())
        for phrase in phrases:
            assert _accepts(terminal, phrase.text), (name, phrase.text)
            assert _accepts(terminal, phrase.text.upper().replace(" ", "  \n ")), (name, phrase.text)
            assert re.fullmatch(phrase.pattern, phrase.text.replace(" ", "\t "), re.IGNORECASE), phrase


@pytest.mark.parametrize(("terminal", "texts"), [
    ("TEN_MINSTE", {"ten minste"}),
    ("NIET_VOOR", {"niet eerder dan", "niet voor", "vanaf"}),
    ("ANY_OF", {"minstens een van", "minstens één van", "ten minste een van", "ten minste één van"}),
    ("MET_UITZONDERING_VAN", {"met uitzondering van"}),
    ("VOOR", {"voor", "vóór"}),
])
def test_alternatives_are_expanded(terminal, texts):
    assert {p.text for p in V.terminals[terminal]} == texts


def test_glued_spelling_follows_the_grammar():
    (ten_minste,) = V.terminals["TEN_MINSTE"]
    assert re.fullmatch(ten_minste.pattern, "tenminste", re.IGNORECASE)
    (uitzondering,) = V.terminals["MET_UITZONDERING_VAN"]
    assert not re.fullmatch(uitzondering.pattern, "metuitzondering van", re.IGNORECASE)


def test_groups_read_from_the_grammar_structure():
    assert V.statements == ("beleid", "gegevens", "eisen", "eis", "berekening", "beslissing", "termijn",
                            "bevoegdheid", "voorbeeld", "wijziging", "aanname", "netwerkeis", "voorkeur", "bekend")
    assert {"groter dan of gelijk aan", "ten hoogste", "ten minste", "gelijk aan"} <= {p.text for p in V.comparisons}
    assert {"bedrag", "ja/nee", "duur", "duur in werkdagen", "keuze uit", "lijst van"} <= set(V.type_phrases)
    assert {"voldaan", "niet van toepassing", "ja", "nee", "onbekend"} <= {p.text for p in V.constants}
    assert "kalendermaanden" in {p.text for p in V.units}
    phrases = [p.text for p in V.phrases]
    assert phrases.index("groter dan of gelijk aan") < phrases.index("groter dan")  # longest first


def test_continuing_keywords_are_those_no_statement_ends_with():
    continuing = {p.text for p in V.continuing}
    assert {"vereist", "en", "of", "tot en met", "met uitzondering van", "van toepassing als", "tenzij"} <= continuing
    # `x is ...` may end a statement (`som van x dat groter dan 5 is`); `dag` may (the unit of `3 dag`)
    assert not {"is", "dag", "voldaan", "ja", "weken", "uur"} & continuing


# ---------------------------------------------------------------- consumers
def _keyword_tokens(text: str) -> list:
    return [(token, value) for token, value in lex(text, BeleidLexer()) if value.strip()]


@pytest.mark.parametrize("text", TEXTS)
def test_lexer_makes_each_keyword_one_token_of_its_class(text):
    expected = next(TOKENS[c] for p, c in entries() if re.fullmatch(p, text, re.IGNORECASE))
    written = text.upper().replace(" ", "  ")
    assert _keyword_tokens("x " + written) == [(_name_token(), "x"), (expected, written)]


def _name_token():
    return _keyword_tokens("x")[0][0]


def test_lexer_and_labextension_share_one_table():
    assert {p for p, _ in entries()} == {p for p, _ in labextension_data()["words"]}
    assert {t for _, t in entries()} <= set(TOKENS)
    covered = {text for text in TEXTS if any(re.fullmatch(p, text, re.IGNORECASE) for p, _ in entries())}
    assert covered == set(TEXTS)


@pytest.fixture(scope="module")
def empty_session():
    return session.Session(base=ROOT, display=lambda obj: None)


def test_completion_lists_are_the_vocabulary():
    assert set(assist.PHRASES) | set(assist.TYPES) | set(cells.SECTIONS) == set(TEXTS) | set(V.type_phrases)


@pytest.mark.parametrize("text", TEXTS)
def test_completion_offers_each_keyword(empty_session, text):
    code = f'eis a "A" vereist x is {text[:-1]}'
    found = assist.complete(empty_session, code, len(code))
    assert text in found["matches"] or (text in cells.SECTIONS and _offered_at_line_start(empty_session, text))


def _offered_at_line_start(s, text: str) -> bool:
    return text in assist.complete(s, text[:-1], len(text) - 1)["matches"]


def test_cells_and_session_use_the_grammar_sections():
    assert V.statements == cells.SECTIONS
    assert V.sections == session._SECTIONS
    for word in V.statements:
        (statement,) = cells.split_cell(f"{word} x", "cel")
        assert statement.kind == "beleid"
    for word in V.sections:
        assert session._section_word(f"{word} x") == word
    assert set(assist.KEYWORD_HELP) >= set(V.statements) | set(cells.COMMANDS)


@pytest.mark.parametrize("phrase", [p.text for p in V.continuing])
def test_a_cell_ending_in_a_continuing_keyword_goes_on(phrase):
    assert assist.is_complete(f'eis a "A" vereist x is ten minste 1 {phrase}') == ("incomplete", "    ")


def test_labextension_source_list_is_generated_from_the_grammar():
    path = ROOT / "kernel" / "labextension" / "src" / "vocabulary.json"
    assert path.read_text(encoding="utf-8") == labextension_json(), \
        "bouw de labextension opnieuw: cd kernel/labextension && npm run build (docs/notebook.md)"
    index = (ROOT / "kernel" / "labextension" / "src" / "index.ts").read_text(encoding="utf-8")
    assert "from './vocabulary.json'" in index
    package = json.loads((ROOT / "kernel" / "labextension" / "package.json").read_text(encoding="utf-8"))
    assert package["scripts"]["build"].startswith("npm run build:vocabulary")


def test_prebuilt_labextension_ships_the_same_list():
    """The bundle inlines src/vocabulary.json (as `JSON.parse('...')`, keys shortened); its values
    and digest must be those of the grammar's vocabulary now."""
    expected = labextension_data()
    bundle = "".join(p.read_text(encoding="utf-8") for p in (LABEXTENSION_DIR / "static").glob("*.js"))
    assert expected["digest"] in bundle, "bouw de labextension opnieuw (docs/notebook.md)"
    literal = next(m.group(1) for m in re.finditer(r"JSON\.parse\('((?:[^'\\]|\\.)*)'\)", bundle)
                   if expected["digest"] in m.group(1))
    shipped = json.loads(re.sub(r"\\(.)", r"\1", literal))
    assert sorted(map(json.dumps, shipped.values())) == sorted(map(json.dumps, expected.values()))
