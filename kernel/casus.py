"""The `casus` statement: a case from a file, a JSON object or Beleidstaal assignments.

Contract: `read_casus(statement, cell, name, policy, base)` returns the case as a plain dict in
the form `dsl.case.convert` accepts (Decimal, date, bool, str, "3 weken", tuples), checked
against the policy's gegevens with `policy.load_case`. Every mistake is a `CellError` pointing
at the cell line: a JSON object is read by the rules of a case file (`dsl.case.read_case_text`;
a JSON syntax error or a name given twice at its line and column), a bad assignment at the
value, an unknown gegeven or a value that does not fit at the assignment (or JSON pair) that names it.
"""

from __future__ import annotations

import re

import attrs

from dsl.case import read_case_file, read_case_text
from dsl.errors import BeleidError
from dsl.parser.hints import is_number_hint
from dsl.span import Span
from kernel.cells import CellError, Statement, cell_error, string_argument
from kernel.compose import example_givens

_SYNTHETIC = 'beleid "casus"\nvoorbeeld "casus" gegeven\n'
_SHIFT = 2  # lines of synthetic text in front of the cell
_CLOSING = " verwacht casus = voldaan\n"   # after the cell's assignments: what a voorbeeld needs to parse
# what the parser expecting the closing text means in a cell
_END_WORDS = ("',' en nog een toewijzing", "het einde van de casus")
_NAMED = re.compile(r"gegeven '([^']+)'|^peildatum")


def read_casus(statement: Statement, cell: str, name: str, policy, resolve) -> dict:
    """The case a `casus` statement gives (see the module contract)."""
    body = statement.text.strip()
    if body.startswith('"'):
        path = resolve(string_argument(statement, name, cell, "een bestandsnaam"))
        from_file = read_case_file(path)
        _check(policy, from_file, name, cell, {})
        return from_file
    if body.startswith("{"):
        raw, spans = _json(statement, cell, name)
        _check(policy, raw, name, cell, spans)
        return raw
    if not body:
        raise cell_error("'casus' verwacht gegevens", name, cell, statement.line, statement.column,
                         hint='bijvoorbeeld: casus omzet_2023 = € 120.000, soort_aanbieder = "instelling"')
    raw, spans = _assignments(statement, cell, name)
    _check(policy, raw, name, cell, spans)
    return raw


def _json(statement: Statement, cell: str, name: str) -> tuple[dict, dict]:
    """The JSON object of `casus {...}`, read by the rules of a case file
    (`dsl.case.read_case_text`: a name given twice is refused, every message is Dutch), and the
    span of each `"naam": waarde` pair in the cell. The text is read where it stands in the
    cell, so the lines and columns of a problem or a pair are the cell's."""
    text = "\n" * (statement.line - 1) + " " * (statement.column - 1) + statement.text
    try:
        raw = read_case_text(text, name)
    except BeleidError as err:
        start = Span(statement.line, statement.column, statement.line, statement.column)
        diags = [d if d.span is not None else attrs.evolve(d, span=start) for d in err.diagnostics]
        raise CellError(diags, name, cell) from None
    spans = {key: _pair(*place) for key in raw if (place := raw.place(key)) is not None}
    return dict(raw), spans


def _pair(name: Span, value: Span) -> Span:
    """The span of `"naam": waarde`, like the span of an assignment `naam = waarde`."""
    return Span(name.line, name.column, value.end_line, value.end_column)


def _assignments(statement: Statement, cell: str, name: str) -> tuple[dict, dict]:
    """Parse `naam = waarde, ...` with the voorbeeld grammar; spans mapped to the cell."""
    lines = cell.split("\n")
    text = "\n".join(line if statement.line - 1 <= i < statement.line + statement.text.count("\n") else ""
                     for i, line in enumerate(lines))
    # blank out the word `casus` itself, keep the columns of what follows
    first = lines[statement.line - 1]
    body_lines = text.split("\n")
    body_lines[statement.line - 1] = " " * (statement.column - 1) + first[statement.column - 1:]
    body = _SYNTHETIC + "\n".join(_with_commas(body_lines)).rstrip().rstrip(",")
    source = body + _CLOSING
    try:
        givens = example_givens(source, name)
    except BeleidError as err:
        end = (body.count("\n") + 1, len(body) - body.rfind("\n"))   # line and column of the closing text
        raise _shifted(err, name, cell, _SHIFT, end) from None
    raw, spans = {}, {}
    for given, value, span in givens:
        raw[given] = value
        spans[given] = _unshift(span, _SHIFT)
    return raw, spans


_STARTS_ASSIGNMENT = re.compile(r"^\s*[^\W\d]\w*\s*=")


def _with_commas(lines: list[str]) -> list[str]:
    """One assignment per line needs no comma: add it at the end of the line before (the
    columns of what the author wrote stay where they are)."""
    out, previous = list(lines), None
    for i, line in enumerate(out):
        code = line.split("#")[0].rstrip()
        if not code.strip():
            continue
        if previous is not None and _STARTS_ASSIGNMENT.match(code) and not out[previous].split("#")[0].rstrip().endswith(","):
            before = out[previous].split("#")[0].rstrip()
            out[previous] = before + ","
        previous = i
    return out


def _unshift(span: Span, lines: int) -> Span:
    return attrs.evolve(span, line=span.line - lines, end_line=span.end_line - lines)


def _shifted(err: BeleidError, name: str, cell: str, lines: int, end: tuple[int, int]) -> CellError:
    """The parser's problems in the cell's lines and words: the synthetic text around the
    assignments (`_SYNTHETIC`, `_CLOSING`, from `end` on) is never named, as found or as expected."""
    diags = []
    for d in err.diagnostics:
        if d.code == "syntax":   # a hint on a mistake may speak of voorbeelden; one on a number does not
            expected = tuple(dict.fromkeys(word for w in d.expected
                                           for word in (_END_WORDS if w == "'verwacht'" else (w,))))
            d = attrs.evolve(d, hint=d.hint if is_number_hint(d.hint) else None, expected=expected)
            if d.span and (d.span.line, d.span.column) >= end:
                d = attrs.evolve(d, message="de casus houdt hier op, maar er hoort nog iets te staan")
        diags.append(attrs.evolve(d, span=_unshift(d.span, lines)) if d.span and d.span.line > lines
                     else attrs.evolve(d, span=None))
    return CellError(diags, name, cell)


def _check(policy, raw: dict, name: str, cell: str, spans: dict) -> None:
    """Load the case once to check it; map each problem to the assignment that caused it."""
    try:
        policy.load_case(raw)
    except BeleidError as err:
        diags = []
        for d in err.diagnostics:
            m = _NAMED.search(d.message)
            key = (m.group(1) or "peildatum") if m else None
            diags.append(attrs.evolve(d, span=spans.get(key)))
        raise CellError(diags, name, cell) from None
