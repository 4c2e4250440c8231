"""DMN TCK test files: read them, and run their cases against an imported model.

Contract: `read_tests(path)` / `parse_tests(data, filename)` read a TCK test file (namespace
http://www.omg.org/spec/DMN/20160719/testcase): each `testCase` with its `inputNode`s (DMN name →
value) and `resultNode`s (DMN name → expected value). Values are typed by `xsi:type`: decimals,
integers and doubles as `Decimal`, strings, booleans, `date`, `datetime`; `xsi:nil` is None; a
structured (`component`) or list (`list`) value is a `Composite`: a structure of plain values is
compared per component with the outcomes of a table with several outputs, a list item by item
(a list of structures per output), and deeper ones are reported as not supported. `run_case(policy, imported, case)` evaluates one case with the compiled policy of an
imported model and compares each result: a DMN null (or `errorResult`) matches a decision without
a value (`geen uitkomst`, `meerdere regels`, `onbekend`), anything else must be equal (numbers by
value). A case that needs something the import lacks is `supported=False` with the reason.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import attrs

from dsl.dmn.importer import Imported
from dsl.dmn.xml import parse_xml
from dsl.errors import BeleidError, Diagnostic, os_problem
from dsl.span import Span

__all__ = ["CaseResult", "Composite", "TestCase", "TestFile", "format_value", "parse_tests", "read_tests", "run_case"]

TESTCASE_NS = "http://www.omg.org/spec/DMN/20160719/testcase"
_XSI = "{http://www.w3.org/2001/XMLSchema-instance}"


@attrs.frozen
class Composite:
    """A structured or list value. A structure of plain values keeps them (`fields`, by component
    name): the expected result of a decision table with several outputs; anything deeper is kept
    by kind only."""

    kind: str          # "component" or "list"
    fields: tuple[tuple[str, Any], ...] | None = None   # a structure's components, by name
    items: tuple[Any, ...] | None = None                # a list's items (plain values or structures)


@attrs.frozen
class Expected:
    name: str
    value: Any
    error: bool        # errorResult="true": DMN expects an error (null)
    part: str | None = None   # of a decision with several outputs: the output (component) compared


@attrs.frozen
class TestCase:
    id: str
    kind: str                        # decision (the default), bkm, decisionService
    inputs: dict[str, Any]
    results: tuple[Expected, ...]
    span: Span


@attrs.frozen
class TestFile:
    model_name: str | None
    cases: tuple[TestCase, ...]
    filename: str


@attrs.frozen
class CaseResult:
    id: str
    supported: bool
    passed: bool
    lines: tuple[str, ...]           # per result, or the reason it is not supported


def read_tests(path: str | os.PathLike[str]) -> TestFile:
    try:
        data = Path(path).read_bytes()
    except OSError as err:
        raise BeleidError([Diagnostic("dmn", f"kan het testbestand niet lezen: {os_problem(err)}")], str(path)) from None
    return parse_tests(data, str(path))


def parse_tests(data: bytes | str, filename: str = "<tests>") -> TestFile:
    root, positions, text = parse_xml(data, filename)
    if root.tag != f"{{{TESTCASE_NS}}}testCases":
        raise BeleidError([Diagnostic("dmn", "geen TCK-testbestand: het hoofdelement is geen <testCases> in de "
                                             f"namespace {TESTCASE_NS}", positions.get(root))], filename, text)
    q = f"{{{TESTCASE_NS}}}"
    cases: list[TestCase] = []
    for element in root.findall(q + "testCase"):
        inputs = {node.get("name") or "": _value(node) for node in element.findall(q + "inputNode")}
        results = tuple(Expected(node.get("name") or "", _value(node.find(q + "expected")),
                                 node.get("errorResult") == "true")
                        for node in element.findall(q + "resultNode"))
        cases.append(TestCase(element.get("id") or str(len(cases) + 1), element.get("type") or "decision",
                              inputs, results, positions.get(element, Span(1, 1, 1, 1))))
    return TestFile(root.findtext(q + "modelName"), tuple(cases), filename)


def _value(node: ET.Element | None) -> Any:
    """The typed value of a value-holding element (inputNode, expected)."""
    if node is None:
        return None
    q = f"{{{TESTCASE_NS}}}"
    components = node.findall(q + "component")
    if components:
        values = [(c.get("name") or "", _value(c)) for c in components]
        flat = all(not isinstance(v, Composite) for _, v in values)
        return Composite("component", tuple(values) if flat else None)
    listed = node.find(q + "list")
    if listed is not None:
        if listed.get(_XSI + "nil") == "true":
            return None
        items = tuple(_value(item) for item in listed.findall(q + "item"))
        nested = any(isinstance(i, Composite) and (i.kind == "list" or i.fields is None) for i in items)
        return Composite("list", items=None if nested else items)
    value = node.find(q + "value")
    if value is None or value.get(_XSI + "nil") == "true":
        return None
    return _typed((value.text or ""), (value.get(_XSI + "type") or "").rpartition(":")[2])


def _typed(text: str, xsd_type: str) -> Any:
    try:
        if xsd_type in ("decimal", "double", "float", "int", "integer", "long", "short"):
            return Decimal(text.strip())
        if xsd_type == "boolean":
            return text.strip() in ("true", "1")
        if xsd_type == "date":
            return date.fromisoformat(text.strip())
        if xsd_type == "dateTime":
            return datetime.fromisoformat(text.strip())
    except (InvalidOperation, ValueError):
        return text
    return text


# ---------------------------------------------------------------- running

_NO_VALUE = ("geen uitkomst", "meerdere regels", "onbekend")


def run_case(policy, imported: Imported, case: TestCase) -> CaseResult:
    """Evaluate one TCK case with `policy` (the compiled `imported.text`) and compare."""
    if case.kind != "decision":
        return CaseResult(case.id, False, False, (f"een test van een {case.kind} (alleen beslissingen)",))
    data, reasons = _case_data(imported, case)
    missing = [r.name for r in case.results if r.name not in imported.decisions]
    missing += [f"{r.name}.{n}" for r in case.results if r.name in imported.outputs
                for n, _ in _components(r) if n not in imported.outputs[r.name]]
    reasons += [f"'{name}' is geen beslissing van het model" for name in missing]
    if reasons:
        return CaseResult(case.id, False, False, tuple(reasons))
    try:
        outcome = policy.evaluate(data)
    except BeleidError as err:
        return CaseResult(case.id, True, False, ("de casus past niet bij het beleid: " + " ".join(err.render().split()),))
    lines, passed = [], True
    for expected in _expanded(imported, case.results):
        rule = imported.outputs[expected.name][expected.part] if expected.part else imported.decisions[expected.name]
        status, value = str(outcome.status(rule)), outcome.value(rule)
        ok = _matches(expected, status, value)
        passed = passed and ok
        got = format_value(value) if value is not None else status
        if status == "onbekend" and outcome.missing:
            got += f" (ontbrekend: {', '.join(map(str, outcome.missing))}" + (
                "; DMN slaat een regel met zo'n test over)" if imported.nulls.get(rule) == "beleidstaal" else ")")
        label = f"{expected.name}.{expected.part}" if expected.part else expected.name
        lines.append(f"{label}: verwacht {_shown(expected)}, uitkomst {got}"
                     + ("" if ok else "  <- verschilt"))
    return CaseResult(case.id, True, passed, tuple(lines))


def _components(expected: Expected) -> tuple[tuple[str, Any], ...]:
    value = expected.value
    return value.fields if isinstance(value, Composite) and value.fields is not None else ()


def _expanded(imported: Imported, results: tuple[Expected, ...]) -> list[Expected]:
    """The results to compare: of a decision with several outputs, one per output (a structure is
    compared component by component; a null is expected of every output)."""
    found: list[Expected] = []
    for expected in results:
        outputs = imported.outputs.get(expected.name)
        if outputs is None:
            found.append(expected)
        elif isinstance(expected.value, Composite) and expected.value.fields is not None:
            found += [Expected(expected.name, v, expected.error, n) for n, v in expected.value.fields]
        elif isinstance(expected.value, Composite) and expected.value.items is not None and all(
                isinstance(i, Composite) and i.fields is not None for i in expected.value.items):
            # a list of structures: per output, the list of its component
            for n in outputs:
                column = tuple(dict(i.fields or ()).get(n) for i in expected.value.items)
                found.append(Expected(expected.name, Composite("list", items=column), expected.error, n))
        else:
            found += [Expected(expected.name, expected.value, expected.error, n) for n in outputs]
    return found


def _case_data(imported: Imported, case: TestCase) -> tuple[dict[str, Any], list[str]]:
    data: dict[str, Any] = {}
    reasons: list[str] = []
    for name, value in case.inputs.items():
        if isinstance(value, Composite):
            reasons.append(f"invoer '{name}' is een {'structuur' if value.kind == 'component' else 'lijst'}")
            continue
        target = imported.inputs.get(name)
        if target is None:
            reasons.append(f"invoer '{name}' is geen invoer van het model")
            continue
        if value is not None:
            data[target] = _for_type(value, imported.types.get(target, "tekst"))
    return data, reasons


def _for_type(value: Any, kind: str) -> Any:
    """A TCK value as the gegeven's type expects it (an untyped value is text in the file)."""
    if kind == "getal" and isinstance(value, str):
        try:
            return Decimal(value.strip())
        except InvalidOperation:
            return value
    if kind == "ja/nee" and isinstance(value, str):
        return {"true": True, "false": False}.get(value.strip(), value)
    return value


def _matches(expected: Expected, status: str, value: Any) -> bool:
    if expected.error or expected.value is None:
        return value is None and status in _NO_VALUE
    return _equal(expected.value, value)


def _equal(expected: Any, value: Any) -> bool:
    """A DMN value against a Beleidstaal one: numbers by value, a list item by item."""
    if isinstance(expected, Composite):
        return expected.kind == "list" and expected.items is not None and isinstance(value, tuple) \
            and len(value) == len(expected.items) and all(map(_equal, expected.items, value))
    if value is None or expected is None:
        return value is None and expected is None
    if isinstance(expected, bool) or isinstance(value, bool):
        return type(expected) is type(value) and expected == value
    if isinstance(expected, Decimal):
        return isinstance(value, (int, Decimal)) and Decimal(value) == expected
    return type(expected) is type(value) and expected == value


def _shown(expected: Expected) -> str:
    if expected.error:
        return "een fout (null)"
    return _shown_value(expected.value)


def _shown_value(value: Any) -> str:
    if isinstance(value, Composite) and value.items is not None:
        return "[" + ", ".join(map(_shown_value, value.items)) + "]"
    if isinstance(value, Composite):
        return "een structuur" if value.kind == "component" else "een lijst"
    return "null" if value is None else format_value(value)


def format_value(value: Any) -> str:
    """A value as DMN writes it: strings quoted, numbers plain, true/false, ISO dates."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral_value() else format(value, "f")
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, tuple):
        return "[" + ", ".join("null" if v is None else format_value(v) for v in value) + "]"
    return str(value)
