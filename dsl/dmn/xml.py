"""Reading DMN XML: a DMN 1.1–1.5 file into a small neutral model, with the place of every part.

Contract: `read_dmn(path)` / `parse_dmn(data, filename)` return a `Model`: the item definitions,
input data and decisions of the file, each decision with its logic as a `DecisionTable`, a
`LiteralExpression` or an `Unsupported` naming the DMN element that holds it (a context, an
invocation, a relation, ...), and every other DRG element (business knowledge models, decision
services, imports) as an `Unsupported` too. Nothing is interpreted here: FEEL stays text, type
references stay names, hit policies stay DMN's words. Every part carries a `Span` (line and
column of its start tag) so the importer can point at it. The XML is read with
`xml.etree.ElementTree` elements built by expat (ElementTree's own parser), which also gives the
positions; a DTD is refused (a DMN file never has one, and entity definitions are how
"billion laughs" files attack a reader). A file that is no well-formed DMN raises a `BeleidError`
in Dutch with the place; no Python or expat message reaches the user.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from pathlib import Path
from xml.parsers import expat

import attrs

from dsl.errors import BeleidError, Diagnostic, decode_text, os_problem
from dsl.span import Span

__all__ = ["DMN_NAMESPACES", "DecisionTable", "DmnDecision", "DmnInput", "InputClause", "ItemDefinition",
           "LiteralExpression", "Model", "OutputClause", "TableRule", "Unsupported", "parse_dmn", "parse_xml",
           "read_dmn"]

# The model namespace of every DMN version this reader knows, to its version number.
DMN_NAMESPACES = {
    "http://www.omg.org/spec/DMN/20151101/dmn.xsd": "1.1",
    "http://www.omg.org/spec/DMN/20180521/MODEL/": "1.2",
    "https://www.omg.org/spec/DMN/20191111/MODEL/": "1.3",
    "https://www.omg.org/spec/DMN/20211108/MODEL/": "1.4",
    "https://www.omg.org/spec/DMN/20230324/MODEL/": "1.5",
}


@attrs.frozen
class ItemDefinition:
    """A named type: a base type (`type_ref`), allowed values (FEEL unary tests as text), or a
    structure (`components`: the names of its item components) or a collection."""

    name: str
    type_ref: str | None
    allowed: str | None
    components: tuple[str, ...]
    collection: bool
    span: Span


@attrs.frozen
class DmnInput:
    """An inputData element."""

    id: str
    name: str
    type_ref: str | None
    span: Span
    label: str | None = None


@attrs.frozen
class InputClause:
    id: str
    label: str | None
    expression: str           # the FEEL text of its inputExpression
    type_ref: str | None
    allowed: str | None       # its inputValues (FEEL unary tests), if any
    span: Span


@attrs.frozen
class OutputClause:
    id: str
    name: str | None
    type_ref: str | None
    allowed: str | None       # its outputValues (the order `priority` and `output order` use)
    default: str | None       # its defaultOutputEntry (FEEL), if any
    span: Span


@attrs.frozen
class TableRule:
    id: str
    inputs: tuple[str, ...]   # the FEEL unary tests of its input entries, one per input clause
    outputs: tuple[str, ...]  # the FEEL expressions of its output entries, one per output clause
    annotation: str | None    # its first annotation entry
    span: Span
    description: str | None = None


@attrs.frozen
class DecisionTable:
    id: str
    hit_policy: str           # UNIQUE (the default), FIRST, ANY, PRIORITY, RULE ORDER, OUTPUT ORDER, COLLECT
    aggregation: str | None   # SUM, COUNT, MIN, MAX under COLLECT
    inputs: tuple[InputClause, ...]
    outputs: tuple[OutputClause, ...]
    rules: tuple[TableRule, ...]
    span: Span


@attrs.frozen
class LiteralExpression:
    id: str
    text: str
    span: Span


@attrs.frozen
class Unsupported:
    """A part this reader keeps only by name: `kind` is the DMN element's local name."""

    kind: str
    id: str
    name: str | None
    span: Span


@attrs.frozen
class DmnDecision:
    id: str
    name: str
    type_ref: str | None
    required_inputs: tuple[str, ...]      # ids (the href without '#') of the inputData it needs
    required_decisions: tuple[str, ...]   # ids of the decisions it needs
    logic: DecisionTable | LiteralExpression | Unsupported | None
    span: Span
    label: str | None = None
    description: str | None = None


@attrs.frozen
class Model:
    name: str
    namespace: str
    version: str
    item_definitions: dict[str, ItemDefinition]
    inputs: tuple[DmnInput, ...]
    decisions: tuple[DmnDecision, ...]
    others: tuple[Unsupported, ...]       # BKMs, decision services, imports, ...
    filename: str
    text: str = attrs.field(repr=False)


def read_dmn(path: str | os.PathLike[str]) -> Model:
    """Read a DMN file; BeleidError (Dutch, with the place) when it cannot be read or is no DMN."""
    try:
        data = Path(path).read_bytes()
    except OSError as err:
        raise BeleidError([Diagnostic("dmn", f"kan het DMN-bestand niet lezen: {os_problem(err)}")], str(path)) from None
    return parse_dmn(data, str(path))


def parse_dmn(data: bytes | str, filename: str = "<dmn>") -> Model:
    """A `Model` from DMN XML text or bytes (see the module contract)."""
    root, positions, text = parse_xml(data, filename)
    return _Reader(positions, filename, text).model(root)


def parse_xml(data: bytes | str, filename: str) -> tuple[ET.Element, dict[ET.Element, Span], str]:
    """The root element of an XML document, the place of every element, and the text (for
    messages); BeleidError in Dutch for XML that is not well-formed or has a DTD."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        text = decode_text(raw)
    except ValueError:
        text = raw.decode("utf-8", errors="replace")
    root, positions = _build_tree(raw, filename, text)
    return root, positions, text


# ---------------------------------------------------------------- building the tree

class _DoctypeRefused(Exception):
    pass


_EXPAT_DUTCH = {
    "XML_ERROR_SYNTAX": "syntaxfout in de XML",
    "XML_ERROR_NO_ELEMENTS": "het bestand bevat geen XML-element (leeg of afgebroken)",
    "XML_ERROR_INVALID_TOKEN": "ongeldig teken in de XML",
    "XML_ERROR_UNCLOSED_TOKEN": "een XML-element is niet afgesloten",
    "XML_ERROR_PARTIAL_CHAR": "een teken is afgebroken",
    "XML_ERROR_TAG_MISMATCH": "de sluittag past niet bij de openingstag",
    "XML_ERROR_DUPLICATE_ATTRIBUTE": "een attribuut staat twee keer op hetzelfde element",
    "XML_ERROR_JUNK_AFTER_DOC_ELEMENT": "er staat nog tekst na het hoofdelement",
    "XML_ERROR_UNDEFINED_ENTITY": "een onbekende entiteit (&...;)",
    "XML_ERROR_UNBOUND_PREFIX": "een namespace-voorvoegsel zonder declaratie",
    "XML_ERROR_UNKNOWN_ENCODING": "een onbekende tekencodering",
    "XML_ERROR_INCORRECT_ENCODING": "de tekencodering klopt niet met de declaratie",
    "XML_ERROR_MISPLACED_XML_PI": "de XML-declaratie staat niet aan het begin",
    "XML_ERROR_AMPLIFICATION_LIMIT_BREACH": "het bestand zou onredelijk groot uitdijen (entiteiten)",
}


def _expat_dutch(code: int) -> str:
    """expat's error, in Dutch (its own messages are English)."""
    message = expat.errors.messages.get(code, "")
    for name, value in vars(expat.errors).items():
        if name.startswith("XML_ERROR_") and value == message:
            return _EXPAT_DUTCH.get(name, "de XML is niet goed gevormd")
    return "de XML is niet goed gevormd"


def _build_tree(raw: bytes, filename: str, text: str) -> tuple[ET.Element, dict[ET.Element, Span]]:
    """ElementTree elements built by expat, with the line and column of each start tag."""
    parser = expat.ParserCreate(namespace_separator="}")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    positions: dict[ET.Element, Span] = {}
    stack: list[ET.Element] = []
    texts: list[list[str]] = []
    root: list[ET.Element] = []

    def start(tag: str, attributes: dict[str, str]) -> None:
        element = ET.Element(_clark(tag), {_clark(k): v for k, v in attributes.items()})
        line, column = parser.CurrentLineNumber, parser.CurrentColumnNumber + 1
        positions[element] = Span(line, column, line, column)
        if stack:
            stack[-1].append(element)
        else:
            root.append(element)
        stack.append(element)
        texts.append([])

    def end(_tag: str) -> None:
        element = stack.pop()
        element.text = "".join(texts.pop())

    def characters(data: str) -> None:
        if texts:
            texts[-1].append(data)

    def doctype(*_args) -> None:
        raise _DoctypeRefused

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = characters
    parser.StartDoctypeDeclHandler = doctype
    try:
        parser.Parse(raw, True)
    except expat.ExpatError as err:
        where = Span(err.lineno, err.offset + 1, err.lineno, err.offset + 1)
        raise BeleidError([Diagnostic("dmn", f"geen geldige XML: {_expat_dutch(err.code)}", where)],
                          filename, text) from None
    except _DoctypeRefused:
        line = parser.CurrentLineNumber
        raise BeleidError([Diagnostic("dmn", "een DTD (<!DOCTYPE ...>) hoort niet in een DMN-bestand en wordt niet "
                                             "gelezen", Span(line, 1, line, 1))], filename, text) from None
    return root[0], positions


def _clark(name: str) -> str:
    """expat's 'uri}local' as ElementTree's '{uri}local'."""
    return "{" + name if "}" in name else name


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


# ---------------------------------------------------------------- reading the model

class _Reader:
    def __init__(self, positions: dict[ET.Element, Span], filename: str, text: str):
        self.positions = positions
        self.filename = filename
        self.text = text
        self.ns = ""

    def span(self, element: ET.Element) -> Span:
        return self.positions.get(element, Span(1, 1, 1, 1))

    def q(self, local: str) -> str:
        return f"{{{self.ns}}}{local}"

    def children(self, element: ET.Element, local: str) -> list[ET.Element]:
        return element.findall(self.q(local))

    def child_text(self, element: ET.Element, *path: str) -> str | None:
        found = element.find("/".join(self.q(p) for p in path))
        return None if found is None else (found.text or "").strip()

    def model(self, root: ET.Element) -> Model:
        namespace = root.tag[1:].partition("}")[0] if root.tag.startswith("{") else ""
        if _local(root.tag) != "definitions" or namespace not in DMN_NAMESPACES:
            found = f"<{_local(root.tag)}>" + (f" in namespace {namespace}" if namespace else " zonder namespace")
            raise BeleidError([Diagnostic(
                "dmn", f"geen DMN-model: het hoofdelement is {found}", self.span(root),
                hint="een DMN-bestand begint met <definitions> in de namespace van DMN 1.1 tot en met 1.5")],
                self.filename, self.text)
        self.ns = namespace
        items = {d.name: d for d in (self.item_definition(e) for e in self.children(root, "itemDefinition"))}
        inputs, decisions, others = [], [], []
        for element in root:
            kind = _local(element.tag)
            if element.tag.startswith("{") and not element.tag.startswith(f"{{{self.ns}}}"):
                continue   # a diagram (DMNDI) or a vendor extension: layout, not meaning
            if kind == "inputData":
                inputs.append(self.input_data(element))
            elif kind == "decision":
                decisions.append(self.decision(element))
            elif kind in _DRG_OTHERS:
                others.append(self.unsupported(element))
        return Model(name=root.get("name") or "", namespace=namespace, version=DMN_NAMESPACES[namespace],
                     item_definitions=items, inputs=tuple(inputs), decisions=tuple(decisions),
                     others=tuple(others), filename=self.filename, text=self.text)

    def unsupported(self, element: ET.Element) -> Unsupported:
        return Unsupported(_local(element.tag), element.get("id") or "", element.get("name"), self.span(element))

    def item_definition(self, element: ET.Element) -> ItemDefinition:
        return ItemDefinition(
            name=element.get("name") or "", type_ref=self.child_text(element, "typeRef"),
            allowed=self.child_text(element, "allowedValues", "text"),
            components=tuple(c.get("name") or "" for c in self.children(element, "itemComponent")),
            collection=element.get("isCollection") == "true", span=self.span(element))

    def variable_type(self, element: ET.Element) -> str | None:
        variable = element.find(self.q("variable"))
        return None if variable is None else variable.get("typeRef")

    def input_data(self, element: ET.Element) -> DmnInput:
        return DmnInput(element.get("id") or "", element.get("name") or "", self.variable_type(element),
                        self.span(element), element.get("label"))

    def decision(self, element: ET.Element) -> DmnDecision:
        inputs: list[str] = []
        decisions: list[str] = []
        for requirement in self.children(element, "informationRequirement"):
            for kind, found in (("requiredInput", inputs), ("requiredDecision", decisions)):
                for ref in self.children(requirement, kind):
                    found.append((ref.get("href") or "").lstrip("#"))
        return DmnDecision(id=element.get("id") or "", name=element.get("name") or "",
                           type_ref=self.variable_type(element), required_inputs=tuple(inputs),
                           required_decisions=tuple(decisions), logic=self.logic(element), span=self.span(element),
                           label=element.get("label"), description=self.child_text(element, "description"))

    def logic(self, decision: ET.Element) -> DecisionTable | LiteralExpression | Unsupported | None:
        for element in decision:
            kind = _local(element.tag)
            if kind == "decisionTable":
                return self.table(element)
            if kind == "literalExpression":
                return LiteralExpression(element.get("id") or "", self.child_text(element, "text") or "",
                                         self.span(element))
            if kind in _EXPRESSIONS:
                return self.unsupported(element)
        return None

    def table(self, element: ET.Element) -> DecisionTable:
        inputs = tuple(
            InputClause(id=c.get("id") or "", label=c.get("label"),
                        expression=self.child_text(c, "inputExpression", "text") or "",
                        type_ref=_attribute(c.find(self.q("inputExpression")), "typeRef"),
                        allowed=self.child_text(c, "inputValues", "text"), span=self.span(c))
            for c in self.children(element, "input"))
        outputs = tuple(
            OutputClause(id=c.get("id") or "", name=c.get("name"), type_ref=c.get("typeRef"),
                         allowed=self.child_text(c, "outputValues", "text"),
                         default=self.child_text(c, "defaultOutputEntry", "text"), span=self.span(c))
            for c in self.children(element, "output"))
        rules = tuple(
            TableRule(id=r.get("id") or "",
                      inputs=tuple((e.findtext(self.q("text")) or "").strip() for e in self.children(r, "inputEntry")),
                      outputs=tuple((e.findtext(self.q("text")) or "").strip()
                                    for e in self.children(r, "outputEntry")),
                      annotation=self.child_text(r, "annotationEntry", "text"), span=self.span(r),
                      description=self.child_text(r, "description"))
            for r in self.children(element, "rule"))
        return DecisionTable(id=element.get("id") or "", hit_policy=element.get("hitPolicy") or "UNIQUE",
                             aggregation=element.get("aggregation"), inputs=inputs, outputs=outputs, rules=rules,
                             span=self.span(element))


def _attribute(element: ET.Element | None, name: str) -> str | None:
    return None if element is None else element.get(name)


# DRG elements other than decisions and input data; and the boxed expressions a decision may hold.
# (A knowledge source only documents an authority and a decision service only groups decisions:
# neither holds logic, so both are left out.)
_DRG_OTHERS = frozenset({"businessKnowledgeModel", "import"})
_EXPRESSIONS = frozenset({"context", "invocation", "relation", "list", "functionDefinition", "conditional",
                          "filter", "iterator", "for", "every", "some"})
