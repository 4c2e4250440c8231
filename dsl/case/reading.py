"""Reading a case: a JSON or YAML file into a dict, a dict into a `Case`, every problem at once.

Contract: `read_case_file(path)` gives the dict of a JSON or YAML file or raises `CaseError`;
`load_case(model, data)` checks and converts a Mapping against the policy's gegevens (see the
package docstring) and raises `CaseError` naming every field at fault.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path

from dsl import types as T
from dsl.case.conversion import _says_unknown, convert
from dsl.case.values import PEILDATUM, Case, CaseValueError
from dsl.errors import CaseError, Diagnostic, os_problem, read_text, suggest


def read_case_file(path: str | Path) -> dict:
    """Read a JSON or YAML case file into a dict; CaseError when it cannot be read."""
    path = Path(path)
    try:
        text = read_text(path)
    except (OSError, ValueError) as err:
        reason = os_problem(err) if isinstance(err, OSError) else str(err)
        raise CaseError([Diagnostic("case", f"kan het casusbestand niet lezen: {reason}")], str(path)) from None
    try:
        if path.suffix.lower() in (".yaml", ".yml"):
            import yaml

            data = yaml.safe_load(text)
        else:
            data = json.loads(text, parse_float=Decimal)
    except Exception as err:  # json and yaml raise different classes; the message is kept
        line = getattr(err, "lineno", None) or getattr(getattr(err, "problem_mark", None), "line", None)
        where = f" (regel {line})" if line else ""
        raise CaseError([Diagnostic("case", f"het casusbestand is geen geldige JSON of YAML{where}: {err}")],
                        str(path)) from None
    if not isinstance(data, dict):
        raise CaseError([Diagnostic("case", "een casus is een verzameling 'naam: waarde'-paren")], str(path))
    return data


def load_case(model, data: Mapping, complete: bool = False, source: str = "<casus>") -> Case:
    """Check and convert a case against the policy's gegevens (see the module contract)."""
    problems, typed = [], {}
    for key in data:
        if key != PEILDATUM and key not in model.fields:
            problems.append(Diagnostic("case", f"onbekend gegeven '{key}' in de casus",
                                       hint=suggest(str(key), model.fields) or "controleer de gegevens van het beleid"))
    for name, field in model.fields.items():
        t = field.type
        raw = data.get(name)
        if _says_unknown(raw, t):
            raw = None
        if raw is None:
            if complete:
                problems.append(Diagnostic("case", f"gegeven '{name}' ontbreekt in de casus (verwacht: {t})"))
            continue
        try:
            typed[name] = convert(raw, t)
        except CaseValueError as bad:
            problems.append(Diagnostic("case", f"gegeven '{name}': {bad}"))
    peil = None
    if data.get(PEILDATUM) is not None:
        try:
            peil = convert(data[PEILDATUM], T.DATUM)
        except CaseValueError as bad:
            problems.append(Diagnostic("case", f"peildatum: {bad}"))
    if problems:
        raise CaseError(problems, source)
    values = tuple(typed.get(name) for name in model.fields)
    missing = tuple(name for name in model.fields if name not in typed)
    return Case(values, peil, missing, typed)
