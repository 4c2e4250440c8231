"""What the fuzzer passes around: an input, an internal error found, the tally of a run, and
the pattern of Python and library words that must never reach an author."""

from __future__ import annotations

import re
from pathlib import Path

import attrs

ROOT = Path(__file__).resolve().parents[3]
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
