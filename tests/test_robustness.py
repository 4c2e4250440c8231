"""Robustness: any text, however broken, gives a Policy or a Dutch BeleidError — never a crash.

A slice: benchmarks/fuzz.py (`dsl.testing.fuzzing`) runs the large fuzzing, and
`pytest --hypothesis-profile=nachtelijk` runs ten times as many examples here. The fixed-seed
fuzzing slice of tests/test_bad_inputs.py feeds 1,000 inputs of the same kinds (about 450 mutated
shipped policies, 100 derivations of the grammar) through the same stages on every run; these
tests add inputs Hypothesis varies from run to run, so they keep fewer examples (30 mutations,
50 derivations: 16 s -> 8 s)."""

from __future__ import annotations

import contextlib
import functools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dsl.errors import BeleidError
from dsl.examples import run_examples
from dsl.policy import compile_text
from tests.conftest import POLICIES, examples

SOURCES = [p.read_text(encoding="utf-8") for p in sorted(POLICIES.glob("*.beleid"))]


def compiles_or_reports(text: str) -> None:
    try:
        compile_text(text, "fuzz.beleid")
    except BeleidError as err:
        assert err.render().startswith("fuzz.beleid")


@settings(max_examples=examples(30), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(SOURCES), st.data())
def test_mutated_policies_never_crash(source, data):
    lines = source.splitlines()
    start = data.draw(st.integers(0, len(lines) - 1))
    length = data.draw(st.integers(1, 4))
    action = data.draw(st.sampled_from(["delete", "duplicate", "swap", "truncate", "insert"]))
    chunk = lines[start:start + length]
    if action == "delete":
        lines[start:start + length] = []
    elif action == "duplicate":
        lines[start:start] = chunk
    elif action == "swap" and start + length < len(lines):
        lines[start], lines[start + length] = lines[start + length], lines[start]
    elif action == "truncate":
        cut = data.draw(st.integers(0, max(0, len(lines[start]) - 1)))
        lines[start] = lines[start][:cut]
    else:
        lines.insert(start, data.draw(st.text(st.characters(codec="utf-8"), max_size=30)))
    compiles_or_reports("\n".join(lines))


@settings(max_examples=examples(200), deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_text_never_crashes(text):
    compiles_or_reports('beleid "x"\n' + text)


@functools.lru_cache(maxsize=1)
def _grammar_programs():
    """Programs generated from the grammar itself; every terminal gets an explicit strategy padded
    with spaces (Hypothesis would otherwise glue words together), names come from a small pool so
    that references resolve often enough to reach the checker and the compiler."""
    import lark
    from hypothesis.extra.lark import from_lark

    from dsl.parser import GRAMMAR_PATH

    def words(*options):
        return st.sampled_from([f" {o} " for o in options])

    explicit = {
        "NAME": words("a", "b", "c", "omzet", "start", "lijst", "d1"),
        "STRING": words('"x"', '"zzp"', '"Titel"'), "NUMBER": words("1", "2,5", "250.000", "0"),
        "MONEY": words("€ 250.000", "€ 0,01"), "PERCENT": words("33%", "7,77%"),
        "DATE_NUM": words("2024-01-01", "31-12-2023"), "TIME": words("08:30", "17:00"), "MONTH": words("januari", "mei"),
        "WEEKDAY": words("maandag", "vrijdag", "zondag"),
        "UNIT": words("dagen", "weken", "maanden", "werkdagen", "uur"), "NUMBER_WORD": words("drie", "tien"),
        "BOOL": words("ja", "nee"), "CMP_OP": words("ten hoogste", "groter dan", "kleiner dan"),
        "HIT_POLICY": words("eerste treffer", "uniek"), "STATUS": words("voldaan", "niet gehaald", "geen uitkomst"),
        "SIMPLE_TYPE": words("bedrag", "percentage", "aantal", "getal", "ja/nee", "datum", "tijdstip", "tekst"),
        "AGGREGATE": words("som van", "aantal van", "maximum van"), "COMMENT": words("# opmerking\n"),
        "WS": words(" "),
    }
    grammar = lark.Lark(GRAMMAR_PATH.read_text(encoding="utf-8"), parser="lalr", lexer="contextual")
    for terminal in grammar.terminals:
        if terminal.name not in explicit:
            pattern = terminal.pattern
            text = pattern.value if pattern.type == "str" else None
            if text is None:  # a keyword regex: take its first alternative, as written
                text = pattern.value.split("|")[0].strip("()").replace("\\s+", " ").replace("\\s*", " ")
                text = text.replace("\\b", "").replace("\\/", "/").replace("(", "").replace(")", "")
            explicit[terminal.name] = st.just(f" {text} ")
    return from_lark(grammar, explicit=explicit)


@settings(max_examples=examples(50), deadline=None, suppress_health_check=list(HealthCheck))
@given(st.data())
def test_programs_generated_from_the_grammar_never_crash(data):
    program = data.draw(_grammar_programs())
    compiles_or_reports(program)
    if "voorbeeld" in program:  # a program that loads also runs its voorbeelden without crashing
        with contextlib.suppress(BeleidError):
            run_examples(compile_text(program, "fuzz.beleid"))


@settings(max_examples=examples(60), deadline=None, suppress_health_check=list(HealthCheck))
@given(st.data())
def test_generated_programs_evaluate_and_explain_generated_cases(data):
    from dsl.explain import explain, render
    from dsl.explain.whatif import suggestions_for
    from dsl.testing import cases

    try:
        policy = compile_text(data.draw(_grammar_programs()), "fuzz.beleid")
    except BeleidError:
        return
    outcome = policy.evaluate(data.draw(cases(policy)), trace=True)
    assert render(explain(outcome)) is not None
    assert isinstance(outcome.to_dict()["regels"], dict)
    suggestions_for(outcome)
