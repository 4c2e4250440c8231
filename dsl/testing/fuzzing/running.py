"""Feeding inputs through every stage a user's input reaches, and the files that reproduce what
broke (see the package's contract)."""

from __future__ import annotations

import json
import random
import re
import signal
import traceback
from collections.abc import Iterable
from datetime import date, datetime

from dsl import errors
from dsl.errors import BeleidError
from dsl.testing.fuzzing.cases import make_case
from dsl.testing.fuzzing.records import ENGLISH, Finding, FuzzInput, Tally

# compiled case loader and the fused evaluator took about 20 ms per policy, three times the rest.
PATHS_SHARE = 0.2


class _Slow(BaseException):
    """Raised by the timer when one input takes too long (a BaseException, so that no
    `except Exception` in the code under test swallows it)."""


# A BeleidError that reports a defect of the tool met while evaluating (dsl.errors.InternalError),
# not a mistake in the input: always a finding. Looked up by name so that this module loads with
# or without it.
_DEFECT: tuple[type, ...] = tuple(t for t in (getattr(errors, "InternalError", None),) if isinstance(t, type))


# ---------------------------------------------------------------- running
def run(inputs: Iterable[FuzzInput], seconds: float | None = None, progress=None) -> Tally:
    """Feed each input through compile, evaluate, voorbeelden, explain, what-if and JSON (see the
    module contract); with `seconds`, an input that takes longer is an internal error ("tijd").
    `progress(tally)` is called after each input."""
    tally = Tally()
    for item in inputs:
        tally.inputs += 1
        _run_one(item, tally, seconds)
        if progress is not None:
            progress(tally)
    return tally


def _run_one(item: FuzzInput, tally: Tally, seconds: float | None) -> None:
    state: dict = {"stage": "compileren", "case": None}
    timer = seconds is not None and hasattr(signal, "setitimer")
    if timer and seconds is not None:
        previous = signal.signal(signal.SIGALRM, _raise_slow)
        signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        _stages(item, tally, state)
    except _Slow:
        tally.internal.append(Finding(item, "tijd", f"{state['stage']}: langer dan {seconds} seconden",
                                      state["case"]))
    except Exception as err:  # every exception but a user's BeleidError is what the fuzzer looks for
        trace = "".join(traceback.format_exception(err))
        tally.internal.append(Finding(item, state["stage"], trace, state["case"]))
    finally:
        if timer:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)


def _raise_slow(signum, frame):
    raise _Slow()


def _stages(item: FuzzInput, tally: Tally, state: dict) -> None:
    from dsl.examples import run_examples
    from dsl.explain import explain, render
    from dsl.explain.whatif import suggestions_for
    from dsl.policy import compile_text

    try:
        policy = compile_text(item.text, "fuzz.beleid")
    except BeleidError as err:
        _refusal(err, state)
        tally.refused += 1
        return
    tally.compiled += 1
    state["stage"] = "casus"
    case = item.case if item.case is not None else make_case(policy, random.Random(item.seed + ":casus"))
    state["case"], state["stage"] = case, "evalueren"
    try:
        outcome = policy.evaluate(case, trace=True)
    except BeleidError as err:
        _refusal(err, state)
        tally.cases_refused += 1
        return
    if random.Random(item.seed + ":paden").random() < PATHS_SHARE:
        state["stage"] = "paden"
        _same_on_every_path(policy, case, outcome)
    state["stage"] = "voorbeelden"
    run_examples(policy)
    state["stage"] = "uitleggen"
    render(explain(outcome), max_depth=5)
    state["stage"] = "wat-als"
    suggestions_for(outcome)
    state["stage"] = "json"
    json.dumps(outcome.to_dict(), ensure_ascii=False)


def _same_on_every_path(policy, case, traced) -> None:
    """The case evaluated without a trace, once through the compiled case loader and once on the
    fused path (`dsl.compiler.fused`; the traced run converted it directly), must give the
    statuses and values of the traced run."""
    for path in ("geladen", "versmolten"):
        plain = policy.evaluate(dict(case) if isinstance(case, dict) else case)
        if (plain.statuses, plain.values) != (traced.statuses, traced.values):
            raise AssertionError(f"zonder spoor ({path}) een andere uitkomst dan met spoor:\n"
                                 f"  zonder: {plain.statuses} {plain.values}\n  met: {traced.statuses} {traced.values}")


def _refusal(err: BeleidError, state: dict) -> None:
    """A refusal must be a user's mistake said in Dutch: a reported defect, or English library
    words in the message, are internal errors."""
    if isinstance(err, _DEFECT):
        raise err
    text = err.render()
    found = ENGLISH.search(_without_source_lines(text))
    if found:
        state["stage"] = "melding"
        raise AssertionError(f"Engelse tekst '{found.group()}' in de melding:\n{text}")


def _without_source_lines(text: str) -> str:
    """A rendered message without the quoted source lines ("  12 | ...") an input may fill with anything."""
    return "\n".join(line for line in text.splitlines() if not re.match(r"\s*(\d+\s*)?\| ", line))



# ---------------------------------------------------------------- reproducers
def reproducer(error: Finding, name: str = "fout") -> dict[str, str]:
    """The files that reproduce an internal error, by suffix: the policy (".beleid"), the case
    (".casus.json", when there was one: amounts as text, dates in ISO form) and a note (".txt")
    with the stage, the traceback and the commands that rerun it (`name` is the files' stem)."""
    files = {".beleid": error.input.text}
    if error.case is not None:
        files[".casus.json"] = json.dumps(error.case, ensure_ascii=False, indent=2, default=_json_value) + "\n"
    seed, index = error.input.seed.rsplit(":", 1)
    command = f"beleid test {name}.beleid"
    if error.case is not None:
        command += f"; beleid evalueer {name}.beleid --casus {name}.casus.json --wat-als"
    files[".txt"] = (f"herkomst: {error.input.origin}\nstap: {error.stage}\nzaad: {seed}, nummer: {index}\n"
                     f"opnieuw: python -c \"from dsl.testing.fuzzing import make_input, run; "
                     f"print(run([make_input({seed!r}, {index})]).internal[0].traceback)\"\n"
                     f"of: {command}\n\n{error.traceback}")
    return files


def _json_value(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)
