"""Parser: the grammar builds strictly, every node has a span, syntax errors are Dutch and exact."""

from __future__ import annotations

from pathlib import Path

import lark
import pytest

from dsl import ast
from dsl.errors import BeleidError
from dsl.examples import run_examples
from dsl.parser import GRAMMAR_PATH, MISTAKES, _label, parse
from dsl.policy import compile_text
from dsl.vocabulary import grammar_parser

ROOT = Path(__file__).resolve().parent.parent


def test_grammar_is_conflict_free_in_strict_mode():
    lark.Lark(GRAMMAR_PATH.read_text(encoding="utf-8"), parser="lalr", lexer="contextual", strict=True)


def test_a_node_is_known_by_its_own_type_and_no_node_class_has_a_subclass():
    """`ast.is_node` looks a value's type up in a set: a subclass of a node class would not be
    walked, so none may exist; the walk of a shipped policy meets every kind of value."""
    assert [c.__name__ for c in ast.NODE_CLASSES if c.__subclasses__()] == []
    policy = parse((ROOT / "policies/elv_grz_2023.beleid").read_text(), "e.beleid")
    nodes = list(ast.walk(policy))
    assert {type(n) for n in nodes} <= ast.NODE_TYPES and len({type(n) for n in nodes}) > 20
    assert all(ast.is_node(n) for n in nodes)
    spans = [n.span for n in nodes if getattr(n, "span", None) is not None][:1]
    assert spans and not any(ast.is_node(v) for v in ("eis", 3, None, (), *spans, ast.NODE_CLASSES))


def test_every_node_of_the_shipped_policy_has_a_span():
    policy = parse((ROOT / "policies/wijkverpleging_2024.beleid").read_text(), "w.beleid")
    nodes = [n for n in ast.walk(policy) if not isinstance(n, ast.Policy | ast.Meta)]
    assert len(nodes) > 500
    assert [n for n in nodes if n.span.line <= 0] == []


def test_policy_structure():
    policy = parse(
        'beleid "X" verzekeraar "VGZ" geldig van 1 januari 2024 tot en met 31 december 2024\n'
        "gegevens omzet : bedrag \"omzet\"\n"
        'eisen g "G" bron "B2" eis a "A" vereist omzet is groter dan € 250.000\n'
    )
    assert policy.header.insurer == "VGZ"
    assert str(policy.header.valid_until.value) == "2024-12-31"
    req = policy.groups[0].requirements[0]
    assert isinstance(req.condition, ast.Compare)
    assert (req.condition.op, req.condition.words) == (">", "groter dan")
    assert str(req.condition.right.value) == "250000"


@pytest.mark.parametrize("phrase, op", [
    ("ten minste", ">="), ("tenminste", ">="), ("ten hoogste", "<="), ("groter dan", ">"),
    ("kleiner dan", "<"), ("groter dan of gelijk aan", ">="), ("kleiner dan of gelijk aan", "<="),
    ("meer dan", ">"), ("minder dan", "<"), ("gelijk aan", "=="), ("niet", "!="), ("niet gelijk aan", "!="),
])
def test_comparison_phrases(phrase, op):
    policy = parse(f'beleid "x" gegevens a : getal eisen g "G" eis e "E" vereist a is {phrase} 3')
    assert policy.groups[0].requirements[0].condition.op == op


def _error(text: str) -> str:
    with pytest.raises(BeleidError) as info:
        parse(text, "fout.beleid")
    return str(info.value)


def test_syntax_error_shows_place_caret_expected_and_label():
    message = _error('beleid "x"\ngegevens\n  omzet : bedrag\neisen g "G"\n  eis a "A" omzet is ten minste 5\n')
    assert message.splitlines() == [
        "fout.beleid:5:13: fout: onverwacht 'omzet' hier",
        "     5 |   eis a \"A\" omzet is ten minste 5",
        "       |             ^",
        "  verwacht: 'bron', 'citaat', ':', 'toelichting', 'van toepassing als', 'vereist'",
        "  hint: Een eis heeft 'vereist' (of ':') vóór de voorwaarde nodig.",
    ]


def test_unterminated_string():
    message = _error('beleid "x\n')
    assert message.startswith("fout.beleid:1:8: fout: deze tekst is niet afgesloten")


def test_unexpected_end_of_file():
    message = _error('beleid "x" gegevens a : bedrag eisen g "G" eis e "E" vereist a is ten minste')
    assert "het bestand houdt hier onverwacht op" in message
    assert "een bedrag (€ ...)" in message


def test_unexpected_character():
    assert "onverwacht teken '$'" in _error('beleid "x" gegevens a : bedrag $')


@pytest.mark.parametrize("text, fragment", [
    ('beleid "x" voorbeeld "v" gegeven d = 31-02-2024 verwacht x = voldaan', "februari 2024 heeft 29 dagen"),
    ('beleid "x" gegevens a : getal eisen g "G" eis e "E" vereist a is 1.5', "1.5"),
])
def test_malformed_literals_are_reported_with_their_place(text, fragment):
    message = _error(text)
    assert fragment in message
    assert message.startswith("fout.beleid:1:")


def test_every_mistake_example_maps_to_its_label():
    for label, examples in MISTAKES.items():
        for example in examples:
            with pytest.raises(lark.exceptions.UnexpectedInput) as info:
                grammar_parser().parse(example)
            assert _label(info.value) == label, example


def test_dates_times_durations_and_number_words():
    policy = parse('beleid "x" gegevens a : tijdstip b : datum termijn t "T" a binnen zes weken na b '
                   'termijn u "U" a uiterlijk 22 december 2023 17.00 uur')
    within, deadline = policy.timelines
    assert within.args[0].value == (6, "weken")
    assert str(deadline.args[0].value) == "2023-12-22 17:00:00"


def test_lists_and_aggregates():
    policy = parse('beleid "x" gegevens f : lijst van getal eisen g "G" '
                   'eis e "E" vereist som van f is ten minste 1,3 en elk van f is ten minste 0,3')
    cond = policy.groups[0].requirements[0].condition
    assert isinstance(cond.items[0].left, ast.Aggregate) and isinstance(cond.items[1], ast.Each)


def test_a_list_in_a_voorbeeld_keeps_its_text_and_can_be_expected():
    text = ('beleid "x" gegevens fte : lijst van getal berekening kopie = fte\n'
            'voorbeeld "v" gegeven fte = [1; 2] verwacht kopie = [ 1;  2 ]')
    expected = parse(text).examples[0].expectations[0].value
    assert isinstance(expected, ast.ListLiteral) and expected.text == "[ 1; 2 ]"
    assert [r.passed for r in run_examples(compile_text(text))] == [True]


def test_time_followed_by_a_comma():
    policy = parse('beleid "x" gegevens a : tijdstip b : tijdstip\n'
                   'voorbeeld "v" gegeven a = 1 januari 2024 10:00, b = 2 januari 2024 17.30 verwacht x = voldaan')
    a, b = policy.examples[0].givens
    assert (a.value.value.hour, b.value.value.minute) == (10, 30)


def test_filtered_aggregate():
    policy = parse('beleid "x" gegevens f : lijst van getal eisen g "G" '
                   'eis e "E" vereist (som van f die groter dan 0,2 zijn) is ten minste 1')
    agg = policy.groups[0].requirements[0].condition.left
    assert (agg.func, agg.where_op, agg.where_words, str(agg.where_bound.value)) == ("som", ">", "groter dan", "0.2")


HEAD = 'beleid "x"\ngegevens\n  omzet : bedrag\n  d : datum\n'


@pytest.mark.parametrize("body, where, hint", [
    ('eisn g "G"\n', "5:6", "'eisn' is geen sleutelwoord; bedoelde u 'eisen'?"),
    ('beslising b "B" als omzet is 1 dan "x"\n', "5:11", "'beslising' is geen sleutelwoord; bedoelde u 'beslissing'?"),
    ('eis e "E" vereist omzet is 1\n', "5:5", "Een eis hoort in een groep: begin met 'eisen <naam> \"<titel>\"'."),
    ('eisen g "G" eis e "E" vereist omzet is grotter dan € 5\n', "5:48",
     "'grotter' is geen sleutelwoord; bedoelde u 'groter dan'?"),
    ('termijn t "T" d binnen 3 weeken na d\n', "5:26", "'weeken' is geen sleutelwoord; bedoelde u 'weken'?"),
    ('eisen g "G" eis e "E" vereist omzet is groter dan EUR 750.000\n', "5:55",
     "schrijf een bedrag met het euroteken, zoals € 750.000"),
    ('eisen g "G" eis e "E" vereist omzet is groter dan 33 procent\n', "5:54",
     "schrijf een percentage met een %-teken, zoals 33%"),
])
def test_misspelt_keywords_get_a_suggestion(body, where, hint):
    with pytest.raises(BeleidError) as info:
        parse(HEAD + body, "k.beleid")
    diagnostic = info.value.diagnostics[0]
    assert f"{diagnostic.span.line}:{diagnostic.span.column}" == where
    assert diagnostic.hint == hint


def test_keywords_cannot_be_declared_as_names_but_phrase_words_can():
    from dsl.policy import compile_text

    with pytest.raises(BeleidError) as info:
        compile_text(HEAD + '  dag : datum\n  uniek : ja/nee\n  maximum : bedrag\n'
                     'berekening twee = 2\n', "r.beleid")
    assert [d.message for d in info.value.diagnostics] == [
        "'dag' is een sleutelwoord en kan geen naam van een gegeven zijn",
        "'uniek' is een sleutelwoord en kan geen naam van een gegeven zijn",
        "'twee' is een sleutelwoord en kan geen naam van een berekening zijn",
    ]


def test_a_bad_literal_does_not_hide_the_checkers_problems():
    from dsl.policy import compile_text

    with pytest.raises(BeleidError) as info:
        compile_text(HEAD + 'eisen g "G"\n  eis e "E" vereist omzt is ten minste € 5\n'
                     '  eis f "F" vereist d is na 31 februari 2024\n  eis h "H" vereist omzet is ten minste 3 dagen\n',
                     "l.beleid")
    assert [(d.span.line, d.message) for d in info.value.diagnostics] == [
        (6, "onbekende naam 'omzt'"),
        (7, "'31 februari 2024' bestaat niet: februari 2024 heeft 29 dagen"),
        (8, "een bedrag kan niet vergeleken worden met een duur (in dagen)"),
    ]


def test_comparison_symbols_point_to_the_words():
    with pytest.raises(BeleidError) as info:
        parse(HEAD + 'eisen g "G" eis e "E" vereist omzet > € 5\n', "s.beleid")
    diagnostic = info.value.diagnostics[0]
    assert diagnostic.message == "onverwacht teken '>'"
    assert diagnostic.hint.startswith("vergelijk in woorden: 'is groter dan'")


def test_a_text_parsed_again_in_one_process_gives_the_remembered_tree_and_a_new_error():
    from dsl import parser

    text = 'beleid "Onthouden"\ngegevens\n  omzet : bedrag\n'
    assert parser.parse(text, "a.beleid") is parser.parse(text, "a.beleid")
    assert parser.parse(text, "b.beleid") is not parser.parse(text, "a.beleid")   # spans name their file
    tree, problems = parser.parse(text, "a.beleid", partial=True)
    problems.append("iets")   # the caller's list, not the memory's
    assert parser.parse(text, "a.beleid", partial=True) == (tree, [])
    wrong = 'beleid "Fout"\ngegevens\n  omzet bedrag\n'
    errors = []
    for _ in range(2):
        with pytest.raises(BeleidError) as caught:
            parser.parse(wrong, "f.beleid")
        errors.append(caught.value)
    assert errors[0] is not errors[1] and errors[0].diagnostics == errors[1].diagnostics
    assert errors[1].diagnostics[0].span.line == 3
    for n in range(parser.REMEMBERED):   # as many other texts: the first is forgotten, and parsed anew
        parser.parse(text + f"  veld_{n} : getal\n", "a.beleid")
    assert parser.parse(text, "a.beleid") is not tree and parser.parse(text, "a.beleid") == tree
