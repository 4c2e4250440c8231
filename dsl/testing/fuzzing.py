"""Fuzzing: policy texts and cases, generated or mutated, fed through every stage a user's input reaches.

Contract: `generate(count, seed)` yields `count` `FuzzInput`s, the same ones for the same seed;
`make_input(seed, index)` rebuilds input `index` of that run alone (a reproducer needs no more).
`run(inputs)` feeds each input to `dsl.policy.compile_text`; when that compiles it evaluates one
case with a trace (the input's own case, else one made from the policy with the input's seed),
runs the policy's voorbeelden, explains the outcome (`dsl.explain.explain` and `render`), asks
for the what-if suggestions and formats `to_dict()` as JSON. It returns a `Tally`: how many
compiled, how many were refused with a Dutch `BeleidError`, and every *internal error* with its
input, stage and traceback. An internal error is any exception other than `BeleidError` (and its
subclasses), a `BeleidError` whose rendered text holds Python or English library words
(`ENGLISH`), or an input that takes longer than `seconds`.

Three generators, mixed by `make_input`:
- *statements* (`statement_policy`): a hand-written generator of declarations, rules and
  voorbeelden that follows grammar/beleid.lark and picks names and operands by type, so most of
  its programs pass the checker and reach the compiler, the runtime, the explanation and the JSON
  output, where a crash hides behind a program that parses. A third of them is mutated.
- *derivations* (`derived_policy`): random derivations of grammar/beleid.lark itself, read when
  first used, so a construct added to the grammar is fuzzed without a change here. Their names
  and types are random, so nearly all stop at the parser or the checker: they test those.
- *mutations* (`mutated_policy`): a slice of a shipped policy (policies/*.beleid: the header, a
  few rules with the rules they use, the gegevens they read, sometimes voorbeelden), or now and
  then a whole one, with one to three edits: a token deleted, duplicated or swapped, random
  characters (control characters, a non-breaking space, other scripts) inserted, a number, amount,
  date or unit swapped for an extreme or foreign one, or an operand nested a hundred levels deep.
Cases (`make_case`) mix values from the policy's voorbeelden and the shipped cases
(policies/casussen/*) with boundary and extreme values: the thresholds of the policy and their
neighbours, amounts of 10^26, a percentage written 0.41, dates in the year 9999 or 2150, working
days, negative and huge durations, wrong types, nested lists, NaN.
"""

from __future__ import annotations

import functools
import json
import random
import re
import signal
import traceback
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import attrs

from dsl import errors
from dsl.core.model import STATUSES, RuleKind
from dsl.errors import BeleidError

ROOT = Path(__file__).resolve().parents[2]
POLICIES = ROOT / "policies"

# Words of Python and of the libraries the tool uses; none may reach an author (checked on every
# rendered message here and on every command's output in tests/test_bad_inputs.py).
ENGLISH = re.compile(
    r"Traceback|\bError\b|Exception|Expecting|\bline \d+|\bcolumn \d+|could not|cannot|can't|\binvalid\b|"
    r"not permitted|No such file|Permission denied|Is a directory|\bErrno\b|\bcodec\b|\bunexpected\b|"
    r"\bexpected\b|overflow|recursion|out of range|NoneType|has no attribute|not supported|must be|"
    r"\bgot an?\b|object of type|unsupported operand|division by zero|ambiguous|could match|usage:|"
    r"show this help", re.IGNORECASE)


@attrs.frozen
class FuzzInput:
    """One input: a policy text, an optional case (else one is made from the policy with
    `seed`), where it came from ("statements", "derivation", "mutation: ggz_2020 (slice)"), and
    the seed and index that rebuild it (`make_input(seed, index)`)."""

    text: str
    origin: str
    seed: str
    case: dict | None = None


@attrs.frozen
class Finding:
    """An internal error: an input that made a stage fail other than with a Dutch `BeleidError`."""

    input: FuzzInput
    stage: str        # compileren, melding, evalueren, paden, voorbeelden, uitleggen, wat-als, json, tijd
    traceback: str
    case: object = None   # the case evaluated, once the policy compiled

    @property
    def summary(self) -> str:
        """The first exception line of the traceback: the root of a chain of exceptions
        ("TypeError: '>=' not supported ..."), else its last line."""
        lines = self.traceback.strip().splitlines()
        roots = [line for line in lines if re.match(r"[A-Za-z_][\w.]*: ", line)
                 and not line.startswith(("The above", "During handling"))]
        return roots[0] if roots else lines[-1] if lines else self.stage


@attrs.define
class Tally:
    """What `run` found: inputs seen, compiled, refused (the policy with a Dutch error), cases
    refused (the policy compiled, its case was refused in Dutch) and the internal errors."""

    inputs: int = 0
    compiled: int = 0
    refused: int = 0
    cases_refused: int = 0
    internal: list[Finding] = attrs.Factory(list)

    def add(self, other: Tally) -> None:
        self.inputs += other.inputs
        self.compiled += other.compiled
        self.refused += other.refused
        self.cases_refused += other.cases_refused
        self.internal.extend(other.internal)


# The share of compiled inputs whose case is also evaluated on the untraced paths: generating the
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


# ---------------------------------------------------------------- inputs
def generate(count: int, seed: int | str = 0) -> Iterator[FuzzInput]:
    """`count` inputs, deterministic per seed: input i is `make_input(seed, i)`."""
    for index in range(count):
        yield make_input(seed, index)


def make_input(seed: int | str, index: int) -> FuzzInput:
    """Input `index` of the run with `seed`: 45% statements, 10% derivations, 45% mutations."""
    key = f"{seed}:{index}"
    rng = random.Random(key)
    roll = rng.random()
    if roll < 0.45:
        text = statement_policy(rng)
        if rng.random() < 1 / 3:
            return FuzzInput(mutate(text, rng), "statements, gemuteerd", key)
        return FuzzInput(text, "statements", key)
    if roll < 0.55:
        return FuzzInput(derived_policy(rng), "derivation", key)
    return mutated_policy(rng, key)


# ---------------------------------------------------------------- statements
_FIELD_KINDS = ("bedrag", "percentage", "aantal", "getal", "ja/nee", "datum", "tijdstip", "keuze", "tekst",
                "duur:dagen", "duur:maanden", "duur:werkdagen", "duur:uren", "lijst:getal", "lijst:bedrag")
_DECLARED = {"keuze": 'keuze uit "a", "b", "c"', "duur:dagen": "duur in dagen", "duur:maanden": "duur in maanden",
             "duur:werkdagen": "duur in werkdagen", "duur:uren": "duur in uren", "lijst:getal": "lijst van getal",
             "lijst:bedrag": "lijst van bedrag"}
_RANGES = {"bedrag": "van € -1.000 tot en met € 1.000", "percentage": "van 0% tot en met 1.000%",
           "aantal": "van 1 tot en met 3", "getal": "van 0 tot en met 5,5"}
_LITERALS = {
    "bedrag": ["€ 250.000", "€ 249.999,99", "€ 0", "€ 0,01", "€ 5,-", "€ 2.500.000",
               "€ 100.000.000.000.000.000.000.000.000"],
    "percentage": ["33%", "7,77%", "0%", "100%", "0,5%", "1.000%"],
    "aantal": ["0", "1", "3", "10", "tien", "honderd", "1.000.000"],
    "getal": ["0,3", "1,5", "2", "0", "1.300,5", "0,0001"],
    "ja/nee": ["ja", "nee"],
    "datum": ["1 januari 2024", "2024-02-29", "31-12-2023", "29 februari 2024", "9999-12-31", "1 januari 0001",
              "2150-03-02", "27 april 2025"],
    "tijdstip": ["22 december 2023 17:00 uur", "8 december 2023 17.00", "9999-12-31 23:59", "1 januari 2024 00:00"],
    "keuze": ['"a"', '"b"', '"c"'],
    "tekst": ['"a"', '"x y"', '""'],
    "duur:dagen": ["3 dagen", "2 weken", "91 dagen", "0 dagen", "een week"],
    "duur:maanden": ["6 maanden", "1 jaar", "zes maanden", "1 kalendermaand"],
    "duur:werkdagen": ["10 werkdagen", "1 werkdag"],
    "duur:uren": ["24 uur", "48 uren", "30 minuten", "90 seconden"],
    "lijst:getal": ["[0,5; 0,8]", "[]", "[1; 2; 3]"],
    "lijst:bedrag": ["[€ 5; € 10]", "[]"],
}
_CMP = ["is ten minste", "is ten hoogste", "is groter dan", "is kleiner dan", "is", "is niet", "is gelijk aan",
        "is meer dan", "is minder dan", "is groter dan of gelijk aan", "is tenminste"]
_ROUNDING = ("centen", "hele euro's", "centen naar boven", "hele euro's naar beneden", "centen half naar even",
             "centen rekenkundig")


class _Program:
    """The state of one generated program: its gegevens by kind and its rules by kind."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.fields: dict[str, list[str]] = {}
        self.rules: dict[str, list[str]] = {}          # kind of value -> calculations of that kind
        self.eisen: list[str] = []
        self.statuses: dict[str, list[str]] = {}       # rule -> the statuses a voorbeeld may expect
        self.values: dict[str, str] = {}               # rule -> the kind of its value
        self.count = 0

    def name(self, prefix: str) -> str:
        self.count += 1
        return f"{prefix}{self.count}"

    def operand(self, kind: str) -> str | None:
        names = self.fields.get(kind, []) + self.rules.get(kind, [])
        return self.rng.choice(names) if names else None

    def value(self, kind: str, depth: int = 0) -> str:
        """An expression of `kind` (a field kind; "ja/nee" is a condition)."""
        rng = self.rng
        if kind == "ja/nee":
            return self.condition(depth)
        name = self.operand(kind)
        if depth > 2 or rng.random() < 0.35:
            return name if name and rng.random() < 0.7 else rng.choice(_LITERALS[kind])
        builder = _BUILDERS.get(kind)
        return builder(self, depth + 1) if builder else (name or rng.choice(_LITERALS[kind]))

    def condition(self, depth: int = 0) -> str:
        rng = self.rng
        if depth > 2:
            name = self.operand("ja/nee")
            return name if name and rng.random() < 0.5 else self.compare(depth)
        pick = rng.random()
        if pick < 0.45:
            return self.compare(depth)
        if pick < 0.6:
            return f"{self.condition(depth + 1)} {rng.choice(['en', 'of'])} {self.condition(depth + 1)}"
        if pick < 0.68:
            return f"niet {self.condition(depth + 1)}"
        if pick < 0.75:
            word = rng.choice(["alle van", "minstens een van"])
            return f"{word} ({self.condition(depth + 1)}; {self.condition(depth + 1)})"
        if pick < 0.82 and self.eisen:
            return f"{rng.choice(['voldoet aan', 'voldoet niet aan'])} {rng.choice(self.eisen)}"
        if pick < 0.9:
            return f"({self.condition(depth + 1)})"
        return self.operand("ja/nee") or rng.choice(["ja", "nee"])

    def compare(self, depth: int) -> str:
        rng = self.rng
        kinds = [k for k in ("bedrag", "percentage", "aantal", "getal", "datum", "tijdstip", "keuze", "duur:dagen",
                             "duur:maanden", "duur:werkdagen", "lijst:getal") if self.operand(k)]
        kind = rng.choice(kinds) if kinds else rng.choice(["bedrag", "aantal"])
        left = self.value(kind, depth + 1)
        if kind == "keuze":
            if rng.random() < 0.5:
                return f'{left} is {rng.choice(["een van", "geen van"])} "a", "b"'
            return f"{left} is {rng.choice(_LITERALS['keuze'])}"
        if kind == "lijst:getal":
            return f"elk van {self.operand(kind)} is ten minste {rng.choice(_LITERALS['getal'])}"
        if kind in ("datum", "tijdstip"):
            if kind == "tijdstip" and rng.random() < 0.3:
                return f"{left} valt op maandag tot en met vrijdag van 08:30 tot 17:00 uur"
            op = rng.choice(["is voor", "is na", "is uiterlijk", "is", "is later dan", "is eerder dan"])
            return f"{left} {op} {self.value(kind, depth + 1)}"
        if rng.random() < 0.15:
            return f"{left} ligt tussen {self.value(kind, depth + 2)} en {self.value(kind, depth + 2)}"
        return f"{left} {rng.choice(_CMP)} {self.value(kind, depth + 1)}"


def _money(p: _Program, depth: int) -> str:
    rng = p.rng
    pick = rng.random()
    if pick < 0.25:
        return f"{_atom(p, 'bedrag', depth)} {rng.choice(['+', '-'])} {_atom(p, 'bedrag', depth)}"
    if pick < 0.4:
        return f"{_atom(p, 'bedrag', depth)} {rng.choice(['*', '/'])} {_atom(p, 'getal', depth)}"
    if pick < 0.55:
        return f"{_atom(p, 'percentage', depth)} van {_atom(p, 'bedrag', depth)}"
    if pick < 0.65 and p.operand("lijst:bedrag"):
        return f"{rng.choice(['som van', 'maximum van', 'minimum van'])} {p.operand('lijst:bedrag')}"
    if pick < 0.75:
        return f"({p.value('bedrag', depth)} afgerond op {rng.choice(_ROUNDING)})"
    if pick < 0.8:
        return f"-{_atom(p, 'bedrag', depth)}"
    return f"({p.value('bedrag', depth)})"


def _number(p: _Program, depth: int) -> str:
    rng = p.rng
    pick = rng.random()
    kind = rng.choice(["getal", "aantal"])
    if pick < 0.4:
        return f"{_atom(p, kind, depth)} {rng.choice(['+', '-', '*', '/'])} {_atom(p, kind, depth)}"
    if pick < 0.6 and p.operand("lijst:getal"):
        which = rng.choice(["som van", "aantal van", "gemiddelde van", "maximum van"])
        tail = f" dat ten minste {rng.choice(_LITERALS['getal'])} is" if rng.random() < 0.3 else ""
        return f"({which} {p.operand('lijst:getal')}{tail})"
    return f"({p.value(kind, depth)})"


def _percentage(p: _Program, depth: int) -> str:
    return f"{_atom(p, 'percentage', depth)} {p.rng.choice(['+', '-'])} {_atom(p, 'percentage', depth)}"


def _moment(kind: str):
    def build(p: _Program, depth: int) -> str:
        rng = p.rng
        durations = ["duur:dagen", "duur:maanden", "duur:werkdagen"] + (["duur:uren"] if kind == "tijdstip" else [])
        duration = p.value(rng.choice(durations), depth)
        pick = rng.random()
        if pick < 0.4:
            return f"{_atom(p, kind, depth)} {rng.choice(['+', '-'])} {_atom_duration(duration)}"
        if pick < 0.7:
            return f"{_atom_duration(duration)} {rng.choice(['na', 'voor'])} {_atom(p, kind, depth)}"
        if pick < 0.85 and kind == "datum":
            return f"dag {rng.choice(['1', '121', '366'])} van {_atom(p, 'datum', depth)}"
        return "peildatum" if kind == "datum" else p.value(kind, depth)
    return build


def _days(p: _Program, depth: int) -> str:
    if p.rng.random() < 0.5:
        return f"{_atom(p, 'datum', depth)} - {_atom(p, 'datum', depth)}"
    return f"{_atom(p, 'duur:dagen', depth)} + {_atom(p, 'duur:dagen', depth)}"


def _atom(p: _Program, kind: str, depth: int) -> str:
    return _bracketed(p.value(kind, depth))


def _atom_duration(text: str) -> str:
    return text if re.fullmatch(r"[0-9]+ \w+|een \w+|zes \w+", text) else _bracketed(text)


def _bracketed(text: str) -> str:
    """`text` as one operand: as it is when it is one word or one bracketed whole, else in brackets."""
    if re.fullmatch(r"[\w€%,.\-]+", text):
        return text
    if text.startswith("("):
        depth = 0
        for i, char in enumerate(text):
            depth += {"(": 1, ")": -1}.get(char, 0)
            if depth == 0:
                return text if i == len(text) - 1 else f"({text})"
    return f"({text})"


_BUILDERS = {"bedrag": _money, "getal": _number, "aantal": _number, "percentage": _percentage,
             "datum": _moment("datum"), "tijdstip": _moment("tijdstip"), "duur:dagen": _days}


def statement_policy(rng: random.Random) -> str:
    """A small policy written statement by statement after the grammar: a header, 3-10 gegevens
    of random kinds (some with a declared range), 1-6 rules (eisen, berekeningen, beslissingen,
    termijnen) whose operands are names and literals of the right kind, and 0-2 voorbeelden."""
    p = _Program(rng)
    lines = ['beleid "Fuzz"']
    if rng.random() < 0.3:
        lines.append("  geldig van 1 januari 2024 tot en met 31 december 2024")
    lines.append("gegevens")
    for _ in range(rng.randint(3, 10)):
        kind = rng.choice(_FIELD_KINDS)
        name = p.name("g")
        declared = _DECLARED.get(kind, kind)
        if kind in _RANGES and rng.random() < 0.2:
            declared += " " + _RANGES[kind]
        lines.append(f'  {name} : {declared} "{kind}"')
        p.fields.setdefault(kind, []).append(name)
    for _ in range(rng.randint(1, 6)):
        lines += rng.choice([_calculation, _requirements, _decision, _timeline])(p)
    for _ in range(rng.choice([0, 0, 1, 2])):
        lines += _example(p)
    return "\n".join(lines) + "\n"


def _calculation(p: _Program) -> list[str]:
    kind = p.rng.choice(["bedrag", "percentage", "getal", "aantal", "datum", "duur:dagen", "ja/nee", "tijdstip"])
    name = p.name("r")
    text = p.value(kind, 0)
    if kind == "bedrag" and p.rng.random() < 0.2:
        text += f" afgerond op {p.rng.choice(_ROUNDING)}"
    gate = f"\n  van toepassing als {p.condition(1)}" if p.rng.random() < 0.15 else ""
    p.rules.setdefault(kind, []).append(name)
    p.statuses[name], p.values[name] = ["onbekend", "niet van toepassing"], kind
    return [f'berekening {name} "{kind}"{gate} = {text}']


def _requirements(p: _Program) -> list[str]:
    group = p.name("groep")
    lines = [f'eisen {group} "Groep"']
    if p.rng.random() < 0.2:
        lines.append(f"  van toepassing als {p.condition(1)}")
    for _ in range(p.rng.randint(1, 3)):
        name = p.name("e")
        lines.append(f'  eis {name} "Eis"')
        if p.rng.random() < 0.2:
            lines.append(f"    van toepassing als {p.condition(1)}")
        lines.append(f"    vereist {p.condition()}")
        if p.rng.random() < 0.2:
            lines.append(f"    {p.rng.choice(['tenzij', 'met uitzondering van'])} {p.condition(1)}")
        p.eisen.append(name)
        p.statuses[name] = ["voldaan", "niet voldaan", "onbekend", "niet van toepassing"]
    p.eisen.append(group)
    p.statuses[group] = ["voldaan", "niet voldaan", "onbekend"]
    return lines


def _decision(p: _Program) -> list[str]:
    rng = p.rng
    name = p.name("s")
    kind = rng.choice(["bedrag", "tekst", "duur:maanden", "aantal"])
    policy = rng.choice(["", " (eerste treffer)", " (uniek)"])
    lines = [f'beslissing {name} "Beslissing"{policy}']
    for _ in range(rng.randint(1, 4)):
        lines.append(f"  als {p.condition(1)} dan {p.value(kind, 2)}")
    if rng.random() < 0.5:
        lines.append(f"  anders {p.value(kind, 2)}")
    p.statuses[name] = ["geen uitkomst", "meerdere regels", "onbekend"]
    p.values[name] = kind
    return lines


def _timeline(p: _Program) -> list[str]:
    rng = p.rng
    subjects = p.fields.get("datum", []) + p.fields.get("tijdstip", [])
    if not subjects:
        return _calculation(p)
    subject = rng.choice(subjects)
    kind = "tijdstip" if subject in p.fields.get("tijdstip", []) else "datum"
    moment = _atom(p, kind, 1)
    duration = _atom_duration(p.value(rng.choice(["duur:dagen", "duur:maanden", "duur:werkdagen"]), 2))
    timing = rng.choice([f"uiterlijk {moment}", f"voor {moment}", f"op {moment}", f"niet voor {moment}",
                         f"binnen {duration} na {moment}", f"ten minste {duration} voor {moment}",
                         f"van {moment} tot en met {_atom(p, kind, 1)}", f"van {moment} tot {_atom(p, kind, 1)}"])
    name = p.name("t")
    p.statuses[name] = [str(status) for status in STATUSES[RuleKind.TIMELINE]]
    return [f'termijn {name} "Termijn"', f"  {subject} {timing}"]


def _example(p: _Program) -> list[str]:
    rng = p.rng
    fields = [(name, kind) for kind, names in p.fields.items() for name in names]
    givens = [f"{name} = {rng.choice(_LITERALS[kind] + ['onbekend'])}"
              for name, kind in rng.sample(fields, min(len(fields), rng.randint(1, 4)))]
    if rng.random() < 0.3:
        givens.append(f"peildatum = {rng.choice(_LITERALS['datum'])}")
    expectations = []
    for rule in rng.sample(sorted(p.statuses), min(len(p.statuses), rng.randint(1, 3))):
        kind = p.values.get(rule)
        if kind and kind in _LITERALS and rng.random() < 0.5:
            expectations.append(f"{rule} = {rng.choice(_LITERALS[kind])}")
        else:
            expectations.append(f"{rule} = {rng.choice(p.statuses[rule])}")
    if not expectations:
        return []
    return ['voorbeeld "Voorbeeld"', "  gegeven " + ", ".join(givens), "  verwacht " + ", ".join(expectations)]


# ---------------------------------------------------------------- derivations of the grammar
_TERMINAL_SAMPLES = {
    "NAME": ["a", "b", "omzet", "start", "lijst1", "d1", "e1", "g"], "STRING": ['"x"', '"zzp"', '"Titel"', '""'],
    "NUMBER": ["1", "2,5", "250.000", "0", "1.5", "99999999999999999999"],
    "MONEY": ["€ 250.000", "€ 0,01", "€ 5,-", "€ -3", "€ 2,500,000"],
    "PERCENT": ["33%", "7,77%", "0%", "1.000%"], "DATE_NUM": ["2024-01-01", "31-12-2023", "9999-12-31", "2024-02-30"],
    "TIME": ["08:30", "17.00", "24:00"], "COMMENT": ["# opmerking\n"], "WS": [" "],
}


@functools.cache
def _grammar():
    """The rules of grammar/beleid.lark by origin (as Lark compiles them: `?` rules inlined,
    repetitions as helper rules), each nonterminal's smallest derivation height, and the
    pattern of each terminal."""
    import lark

    from dsl.parser import GRAMMAR_PATH

    parser = lark.Lark(GRAMMAR_PATH.read_text(encoding="utf-8"), parser="lalr", lexer="contextual")
    rules: dict[str, list[tuple[tuple[str, bool], ...]]] = {}
    for rule in parser.rules:
        expansion = tuple((s.name, s.is_term) for s in rule.expansion)
        rules.setdefault(rule.origin.name, []).append(expansion)
    height = _heights(rules)
    terminals = {t.name: t.pattern for t in parser.terminals}
    return rules, height, terminals


def _heights(rules: dict) -> dict[str, int]:
    """The least number of levels each nonterminal needs to reach terminals only (a fixpoint)."""
    height: dict[str, int] = {}
    changed = True
    while changed:
        changed = False
        for origin, expansions in rules.items():
            for expansion in expansions:
                parts = [0 if term else height.get(name) for name, term in expansion]
                if all(h is not None for h in parts):
                    h = 1 + max((x for x in parts if x is not None), default=0)
                    if h < height.get(origin, 10**9):
                        height[origin], changed = h, True
    return height


def derived_policy(rng: random.Random, max_depth: int = 14, max_tokens: int = 400) -> str:
    """A random derivation of grammar/beleid.lark from `start`, words joined by spaces: beyond
    `max_depth` levels (or `max_tokens` words) only the shortest expansions are taken."""
    rules, height, terminals = _grammar()
    out: list[str] = []
    stack: list[tuple[str, bool, int]] = [("start", False, 0)]
    while stack:
        name, is_term, depth = stack.pop()
        if is_term:
            out.append(_terminal_text(name, terminals[name], rng))
            continue
        options = rules[name]
        if depth > max_depth or len(out) > max_tokens:
            least = min(_expansion_height(e, height) for e in options)
            options = [e for e in options if _expansion_height(e, height) == least]
        expansion = rng.choice(options)
        stack.extend((n, t, depth + 1) for n, t in reversed(expansion))
    return " ".join(out) + "\n"


def _expansion_height(expansion, height) -> int:
    return max((0 if term else height.get(name, 10**9) for name, term in expansion), default=0)


def _terminal_text(name: str, pattern, rng: random.Random) -> str:
    if name in _TERMINAL_SAMPLES:
        return rng.choice(_TERMINAL_SAMPLES[name])
    if pattern.type == "str":
        return pattern.value
    return _sample_regex(pattern.value, rng)


def _sample_regex(regex: str, rng: random.Random) -> str:
    """A text a keyword pattern of the grammar matches: `(?i:(van\\s+toepassing\\s+als|alleen\\s+als)\\b)`
    gives "van toepassing als" or "alleen als" (the patterns are alternatives of words and spaces).

    >>> _sample_regex(r"(?i:(eerste\\s+treffer|uniek)\\b)", random.Random(1))
    'eerste treffer'
    """
    text = regex[4:-1] if regex.startswith("(?i:") else regex
    text = text.replace("\\b", "").replace("\\/", "/")
    group = re.compile(r"\(([^()]*)\)")
    while True:
        match = group.search(text)
        if not match:
            break
        text = text[:match.start()] + rng.choice(match.group(1).split("|")) + text[match.end():]
    return text.replace("\\s+", " ").replace("\\s*", " ")


# ---------------------------------------------------------------- mutations of the shipped policies
_TOKEN = re.compile(r'ja/nee|"(?:[^"\\\n]|\\.)*"|€\s*-?[0-9][0-9.,]*-?|[0-9][0-9.,:%]*|[^\W\d]\w*|#[^\n]*|\s+|.', re.S)
_SECTION = re.compile(r"^(beleid|gegevens|eisen|berekening|beslissing|termijn|voorbeeld)\b", re.I)
_WORD = re.compile(r"[^\W\d]\w*")


@functools.cache
def _shipped() -> tuple[tuple[str, str], ...]:
    """The shipped policies: (name, text)."""
    return tuple((p.stem, p.read_text(encoding="utf-8")) for p in sorted(POLICIES.glob("*.beleid")))


@functools.cache
def _sections(name: str) -> tuple[str, dict[str, str], list[tuple[str, frozenset, frozenset]]]:
    """A shipped policy cut at its top-level keywords: the header, its gegevens lines by name, and
    per other section (text, names it defines, words it uses)."""
    text = dict(_shipped())[name]
    blocks: list[list[str]] = [[]]
    for line in text.splitlines():
        if _SECTION.match(line):
            blocks.append([])
        blocks[-1].append(line)
    header, fields, sections = "", {}, []
    for block in blocks[1:]:
        body = "\n".join(block)
        first = block[0].split()[0].lower()
        if first == "beleid":
            header = body
        elif first == "gegevens":
            for line in block[1:]:
                found = re.match(r"\s*([^\W\d]\w*)\s*:", line)
                if found:
                    fields[found.group(1)] = line
        else:
            defined = frozenset(re.findall(r"^\s*(?:eisen|eis|berekening|beslissing|termijn)\s+(\w+)", body, re.M | re.I))
            sections.append((body, defined, frozenset(_WORD.findall(body))))
    return header, fields, sections


def policy_slice(name: str, rng: random.Random) -> str:
    """A shipped policy cut down: its header, one to three rule sections plus the sections
    they use (transitively), the gegevens those read and, half of the time, the voorbeelden
    that only name what is kept."""
    header, fields, sections = _sections(name)
    rules = [s for s in sections if s[1]]
    chosen = {id(s): s for s in rng.sample(rules, min(len(rules), rng.randint(1, 3)))}
    grew = True
    while grew:
        used = set().union(*(s[2] for s in chosen.values()))
        extra = [s for s in rules if id(s) not in chosen and s[1] & used]
        grew = bool(extra)
        chosen.update((id(s), s) for s in extra)
    used = set().union(*(s[2] for s in chosen.values()))
    defined = set().union(*(s[1] for s in chosen.values()))
    kept = [line for field, line in fields.items() if field in used]
    examples = []
    if rng.random() < 0.5:
        known = defined | set(fields) | {"gegeven", "verwacht", "voorbeeld", "peildatum"}
        examples = [s[0] for s in sections if not s[1] and _example_names(s[0]) <= known][:3]
        kept = [line for field, line in fields.items() if field in used or any(field in e for e in examples)]
    ordered = [s[0] for s in sections if id(s) in chosen]
    return "\n".join([header, "gegevens", *kept, *ordered, *examples]) + "\n"


def _example_names(text: str) -> set[str]:
    return set(re.findall(r"(\w+)\s*=", text))


def mutated_policy(rng: random.Random, key: str) -> FuzzInput:
    """A slice of a shipped policy (one in two hundred: the whole policy), mutated (half of the
    time gently: see `mutate`)."""
    name, text = rng.choice(_shipped())
    whole = rng.random() < 0.005
    source = text if whole else policy_slice(name, rng)
    gentle = rng.random() < 0.5
    return FuzzInput(mutate(source, rng, gentle), f"mutation: {name} ({'geheel' if whole else 'deel'})", key)


# Values that still read (extremes), and foreign or broken ones, per kind of token.
_VALID = {"€": ["€ 0", "€ 0,01", "€ 5,-", "€ 250.000,01", "€ 100.000.000.000.000.000.000.000.000"],
          "%": ["0%", "100%", "1.000%", "0,001%", "33,333%"],
          "0": ["0", "1", "99999999999999999999999999", "0,0001", "1.000.000"],
          "-": ["9999-12-31", "0001-01-01", "2150-01-01", "1966-01-01", "2024-02-29"],
          "jaar": ["0001", "1966", "2100", "2150", "9999"], "dag": ["1", "28", "29", "31"]}
_FOREIGN = {"€": ["€ -250.000", "€ 2,500,000", "€ 2\u00a0500\u00a0000", "€ 0,001", "2.500.000", "€ 1.5"],
            "%": ["0,41", "-5%", "1,5.5%", "33 %%"],
            "0": ["-1", "1,500.5", "1.5", "1e3", "\u0661\u0662", "00,5", "2.50"],
            "-": ["31-02-2023", "2024-13-01", "31-12-99999", "0000-01-01"],
            "jaar": ["1", "0", "10000", "99999999999999999999"], "dag": ["0", "32", "1.000.000"]}
_UNITS = ["dagen", "werkdagen", "maanden", "uur", "seconden", "jaren", "weken", "kalendermaand"]
_FOREIGN_UNITS = ["werkweken", "eeuwen", "dgn", "kwartaal"]
_KEYWORDS = ["is", "ligt", "en", "of", "niet", "voor", "na", "van", "tot en met", "dan", "als", "anders", "vereist",
             "tenzij", "minimaal", "maximaal", "ten minste", "ten hoogste", "uiterlijk", "binnen", "afgerond op"]
_NOISE = ["\x00", "\u00a0", "\x0c", "\u202e", "\t", "\r", "\ufeff", "€", "%", "(", ")", '"', ";", ",", "ë", "ß", "漢",
          "\U0001f600", "\\", "#", ":", "=", "[", "]"]


def mutate(text: str, rng: random.Random, gentle: bool = False) -> str:
    """One to three random edits of a policy text at the level of its tokens (see the module
    docs); `gentle` edits only swap values for extreme ones that still read, or nest an operand
    within the depth limit, so that the text mostly still compiles."""
    tokens = _TOKEN.findall(text)
    for _ in range(rng.choices((1, 2, 3), (6, 3, 1))[0]):
        rng.choice(_GENTLE if gentle else _MUTATIONS)(tokens, rng)
    return "".join(tokens)


def _solid(tokens: list[str], rng: random.Random, pattern: str | None = None) -> int | None:
    """The index of a random token that is not white space (and matches `pattern`), or None."""
    places = [i for i, t in enumerate(tokens) if not t.isspace() and (pattern is None or re.fullmatch(pattern, t))]
    return rng.choice(places) if places else None


def _delete(tokens, rng):
    i = _solid(tokens, rng)
    if i is not None:
        tokens[i] = ""


def _duplicate(tokens, rng):
    i = _solid(tokens, rng)
    if i is not None:
        tokens[i] = tokens[i] + " " + tokens[i]


def _swap(tokens, rng):
    i, j = _solid(tokens, rng), _solid(tokens, rng)
    if i is not None and j is not None:
        tokens[i], tokens[j] = tokens[j], tokens[i]


def _noise(tokens, rng):
    i = rng.randrange(len(tokens) + 1)
    tokens.insert(i, "".join(rng.choice(_NOISE) for _ in range(rng.randint(1, 3))))


def _number_swap(tokens, rng, valid: float = 0.75):
    """An amount, percentage, date or number swapped for an extreme one (with chance `valid`) or
    a foreign or broken one; the day or year of a written date ("1 januari 2024") for another."""
    i = _solid(tokens, rng, r"€.*|[0-9].*")
    if i is None:
        return
    token = tokens[i]
    kind = "€" if token.startswith("€") else "%" if token.endswith("%") else "-" if "-" in token else "0"
    if _neighbour(tokens, i, -1) in _MONTHS:
        kind = "jaar"
    elif _neighbour(tokens, i, 1) in _MONTHS:
        kind = "dag"
    tokens[i] = rng.choice((_VALID if rng.random() < valid else _FOREIGN)[kind])


_MONTHS = frozenset(["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
                     "oktober", "november", "december"])


def _neighbour(tokens: list[str], i: int, step: int) -> str:
    """The nearest token before (step -1) or after (step 1) token i that is not white space."""
    j = i + step
    while 0 <= j < len(tokens) and tokens[j].isspace():
        j += step
    return tokens[j].lower() if 0 <= j < len(tokens) else ""


def _unit_swap(tokens, rng, valid: float = 0.75):
    words = "dagen|dag|weken|week|maanden|maand|jaren|jaar|werkdagen|werkdag|uren|uur|minuten|seconden|kalendermaand"
    i = _solid(tokens, rng, words)
    if i is not None:
        tokens[i] = rng.choice(_UNITS if rng.random() < valid else _FOREIGN_UNITS)


def _keyword_swap(tokens, rng):
    i = _solid(tokens, rng, "|".join(w for w in _KEYWORDS if " " not in w))
    if i is not None:
        tokens[i] = rng.choice(_KEYWORDS)


def _nest(tokens, rng, levels=(2, 50, 99, 100, 101, 150, 300, 1000), operands_only=False):
    """Wrap an operand (a name, a number or an amount) in many levels: brackets with a sum,
    'niet', or plain brackets, around the depth limit (`dsl.parser.limits.MAX_DEPTH`); with
    `operands_only`, only a token that follows a word that an operand follows ("is", "dan", "+")."""
    i = _solid(tokens, rng, r"[^\W\d]\w*_\w*|[0-9].*|€.*")   # a name (they have an underscore), a number
    if operands_only and i is not None and _neighbour(tokens, i, -1) not in _BEFORE_OPERANDS:
        return
    if i is None:
        return
    n = rng.choice(levels)
    word = tokens[i]
    tokens[i] = rng.choice([
        "(" * n + word + ")" * n,
        f"({word} + " * n + word + ")" * n,
        "niet " * n + word,
        " en ".join([word] * n),
    ])


def _line_edit(tokens, rng):
    text = "".join(tokens)
    lines = text.split("\n")
    i = rng.randrange(len(lines))
    action = rng.choice(["delete", "duplicate", "indent", "truncate"])
    if action == "delete":
        del lines[i]
    elif action == "duplicate":
        lines.insert(i, lines[i])
    elif action == "indent":
        lines[i] = " " * rng.choice([1, 8, 200]) + lines[i]
    else:
        lines[i] = lines[i][:rng.randrange(len(lines[i]) + 1)]
    tokens[:] = _TOKEN.findall("\n".join(lines))


# Value swaps (mostly to values that still read) come up most, so that about half of the mutated
# texts still compile and reach evaluation with extreme thresholds and durations.
_MUTATIONS: tuple[Callable[[list[str], random.Random], None], ...] = (_delete, _duplicate, _swap, _noise, _keyword_swap, _nest, _line_edit,
              _number_swap, _number_swap, _number_swap, _number_swap, _unit_swap, _unit_swap, _unit_swap)
_GENTLE: tuple[Callable[[list[str], random.Random], None], ...] = (
    functools.partial(_number_swap, valid=1), functools.partial(_number_swap, valid=1),
           functools.partial(_unit_swap, valid=1), functools.partial(_nest, levels=(2, 10, 40), operands_only=True))
_BEFORE_OPERANDS = frozenset(["is", "dan", "vereist", "+", "-", "*", "/", "tussen", "als", "anders", "en", "of"])


# ---------------------------------------------------------------- cases
_EXTREMES: dict[str, list] = {
    "bedrag": [0, -1, "€ -5", 10**26, "€ 123.456.789.012.345.678.901.234.567.890,12", "1E+41", "1e-999999", 1.5,
               "€ 1,500.5", "€ 2\u00a0500", "nan", True, Decimal("0.005"), "€ 250.000", "€ 249.999,99"],
    "percentage": [0.41, "41%", 0, 100, "100,0001%", "-1%", 1e308, "0,41%", 33, Decimal("33"), "33"],
    "aantal": [0, -1, 10**30, 2**63, "tien", "1,5", True, 1.0, "3"],
    "getal": ["0,0001", "1e400", -1e-300, "1.5", 0, Decimal("-0"), "1.300,5", 10**40],
    "ja/nee": [True, False, "ja", "nee", "misschien", 1, "Ja"],
    "datum": ["9999-12-31", "0001-01-01", "2150-01-01", "1965-12-31", "31-02-2024", "29 februari 2023",
              "2024-02-29", 20240101, date(9999, 12, 31), "2024-01-01T10:00", "27 april 2025"],
    "tijdstip": ["9999-12-31 23:59", "2024-01-01 24:00", "2024-03-31 02:30", "2024-01-01T10:00+02:00",
                 datetime(9999, 12, 31, 23, 59), "2024-01-01", "0001-01-01 00:00"],
    "duur": [0, -1, 10**8, 10**20, "3 dagen", "2 werkweken", "10 werkdagen", "6 maanden", "48 uur", 1.5],
    "keuze": ["", "A", None],
    "tekst": ["", "x" * 10_000, "\x00", "€ 5"],
    "lijst": [[], [[1]], {"a": 1}, "1; 2", [None]],
}
_PEILDATA = ["2024-01-01", "9999-12-31", "0001-01-01", "2150-06-01", "2023-12-15", None, "morgen"]


def make_case(policy, rng: random.Random) -> dict:
    """A case for a compiled policy: per gegeven (four in five are given) a value from its
    voorbeelden or a shipped case, a threshold of the policy or its neighbour, a plain value, or
    an extreme or ill-typed one (`_EXTREMES`: in one case in four for many gegevens, else for
    few); sometimes a peildatum, an unknown name or "onbekend"."""
    from dsl.case import written

    model = policy.model
    given: dict[str, list] = {}
    for example in model.examples:
        for name, value in example.givens.items():
            given.setdefault(name, []).append(written(value, model.fields[name].type))
    thresholds = _thresholds(model)
    wild = 0.4 if rng.random() < 0.25 else 0.05
    case: dict = {}
    for name, field in model.fields.items():
        if rng.random() < 0.2:
            continue
        known = given.get(name, []) + _shipped_values().get(name, [])
        case[name] = _value_for(field.type, known, thresholds, rng, wild)
    if rng.random() < 0.5:
        case["peildatum"] = rng.choice(_PEILDATA)
    if rng.random() < 0.03:
        case[rng.choice(["onbekend_gegeven", "Omzet", "peil datum"])] = 1
    return case


_PLAIN = {"bedrag": "€ 100.000", "percentage": "33%", "aantal": 3, "getal": "1,5", "ja/nee": True,
          "datum": "2024-03-01", "tijdstip": "2024-03-01 10:00", "tekst": "x"}


def _value_for(t, known: list, thresholds: dict, rng: random.Random, wild: float):
    """One value of type `t`: extreme with chance `wild`, else known, a threshold, plain or unknown."""
    if rng.random() < wild:
        return rng.choice(_EXTREMES.get(t.kind, [None]))
    roll = rng.random()
    if roll < 0.4 and known:
        return rng.choice(known)
    if roll < 0.7 and thresholds.get(t.kind):
        value = rng.choice(thresholds[t.kind])
        return _near(value, rng) if isinstance(value, Decimal) else value
    if roll < 0.9:
        if t.kind == "keuze" and t.options:
            return rng.choice(t.options)
        if t.kind == "lijst" and t.element is not None:
            return [_value_for(t.element, [], thresholds, rng, wild) for _ in range(rng.choice([0, 1, 2, 5]))]
        if t.kind == "duur":
            return f"{rng.choice([0, 1, 3, 91])} {t.unit}"
        return _PLAIN.get(t.kind)
    return rng.choice([None, "onbekend"])


def _near(value: Decimal, rng: random.Random):
    step = rng.choice([Decimal(0), Decimal("0.01"), Decimal("-0.01"), Decimal(1), Decimal(-1)])
    return value + step


def _thresholds(model) -> dict[str, list]:
    """The constants of the policy's rules by the kind of their type (the places where outcomes turn)."""
    from dsl.core import expr as E

    found: dict[str, list] = {}
    for rule in model.rules.values():
        for root in _roots(rule):
            for node in E.walk(root):
                if isinstance(node, E.Const) and node.type is not None and node.value is not None:
                    found.setdefault(node.type.kind, []).append(node.value)
    return found


def _roots(rule) -> list:
    """The expressions a rule holds, whatever its kind (attributes that are core expressions)."""
    from dsl.core import expr as E

    roots: list = []
    for gate in getattr(rule, "gates", ()):
        roots.append(gate.condition)
    for value in attrs.asdict(rule, recurse=False).values():
        items = value if isinstance(value, tuple) else (value,)
        for item in items:
            if isinstance(item, E.EXPR_CLASSES):
                roots.append(item)
            elif attrs.has(type(item)):
                roots += [v for v in attrs.asdict(item, recurse=False).values() if isinstance(v, E.EXPR_CLASSES)]
    return roots


@functools.cache
def _shipped_values() -> dict[str, list]:
    """The values of the shipped cases (policies/casussen/*) by gegeven name."""
    from dsl.case import read_case_file

    values: dict[str, list] = {}
    for path in sorted((POLICIES / "casussen").glob("*")):
        try:
            data = read_case_file(path)
        except BeleidError:
            continue
        for name, value in data.items():
            values.setdefault(name, []).append(value)
    return values


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
