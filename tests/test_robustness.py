"""Robustness: any text, however broken, gives a Policy or a Dutch BeleidError — never a crash."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dsl.errors import BeleidError
from dsl.policy import compile_text
from tests.conftest import POLICIES

SOURCES = [p.read_text(encoding="utf-8") for p in sorted(POLICIES.glob("*.beleid"))]


def compiles_or_reports(text: str) -> None:
    try:
        compile_text(text, "fuzz.beleid")
    except BeleidError as err:
        assert err.render().startswith("fuzz.beleid")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
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


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_text_never_crashes(text):
    compiles_or_reports('beleid "x"\n' + text)
