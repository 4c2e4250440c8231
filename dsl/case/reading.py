"""Reading a case: a JSON or YAML file into a dict, a dict into a `Case`, every problem at once.

Contract: `read_case_file(path)` gives the dict of a JSON or YAML file (a `CaseFile`, which also
knows where each name stands in the file) or raises `CaseError` with a Dutch message naming the
line and column; `load_case(model, data)` checks and converts a Mapping against the policy's
gegevens (see the package docstring) and raises `CaseError` naming every field at fault (for a
`CaseFile`, at its line and column). A case file is read strictly and safely: at most
`MAX_BYTES`; a name given twice is refused; YAML is read without Python tags, anchors or aliases;
containers nest at most `MAX_DEPTH` levels (the case, and a lijst in it) and hold at most
`MAX_ITEMS` values; a policy given as a case is recognised. No text of the JSON or YAML library
reaches the user.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from dsl import types as T
from dsl.case.conversion import MAX_ITEMS, _says_unknown, convert, dutch_count
from dsl.case.values import PEILDATUM, Case, CaseValueError
from dsl.errors import CaseError, Diagnostic, decode_text, os_problem, suggest
from dsl.span import Span

MAX_BYTES = 10 * 1024 * 1024  # 10 MB: a case of a few hundred gegevens takes a few kB
MAX_DEPTH = 2  # levels of containers: the case itself, and a lijst (or a wrongly nested object) in it
MAX_UNKNOWN = 10  # unknown names reported one by one; the rest are counted
_LONG_LINE = 300  # a source line longer than this is not shown under a message
_TABLES = (".csv", ".tsv", ".parquet", ".xlsx", ".xls")


class CaseFile(dict):
    """The dict of a case file, plus its `text` and where each top-level name stands in it:
    `place(name)` gives (span of the name, span of its value) or None."""

    def __init__(self, data: dict, text: str, places: dict | None = None):
        super().__init__(data)
        self.text = text
        self._places = places

    def place(self, name) -> tuple[Span, Span] | None:
        if self._places is None:
            try:
                self._places = _json_places(self.text)
            except (ValueError, RecursionError):  # the text was read once already; be safe all the same
                self._places = {}
        return self._places.get(name)


# ---------------------------------------------------------------- reading a file
def read_case_file(path: str | Path) -> CaseFile:
    """Read a JSON or YAML case file into a dict; CaseError when it cannot be read or is not a case."""
    path = Path(path)
    source = str(path)
    text = _read(path, source)
    if path.suffix.lower() == ".beleid" and not _POLICY_START.match(text):
        raise _error(source, f"dit lijkt een beleid, geen casus: {path.name} is een .beleid-bestand", hint=_SWAPPED)
    suffix = path.suffix.lower()
    return _parse(text, source, path.name, suffix in (".yaml", ".yml"), suffix in _TABLES)


def read_case_text(text: str, source: str = "<casus>", yaml: bool = False) -> CaseFile:
    """The case in JSON (or YAML) text, read with the rules of `read_case_file` (for a case typed
    in a notebook cell, say); a problem's span counts lines and columns in `text`."""
    return _parse(text, source, source, yaml, False)


_SWAPPED = "geef eerst het beleid en dan de casus: beleid evalueer BELEID.beleid --casus CASUS.json"


def _parse(text: str, source: str, name: str, yaml: bool, table: bool) -> CaseFile:
    if _POLICY_START.match(text):
        raise _error(source, f"dit lijkt een beleid, geen casus: {name} begint met 'beleid \"…\"'", hint=_SWAPPED)
    if not text.strip():
        raise _error(source, "het casusbestand is leeg; een casus is een verzameling 'naam: waarde'-paren")
    if yaml:
        data, places = _read_yaml(text, source)
    else:
        data, places = _read_json(text, source, table), None
    if not isinstance(data, dict):
        raise _error(source, "een casus is een verzameling 'naam: waarde'-paren, zoals {\"omzet\": \"€ 240.000\"}")
    case = CaseFile(data, text, places)
    _check_shape(case, source)
    return case


def _read(path: Path, source: str) -> str:
    """The file's text: at most MAX_BYTES are read (a device or a huge file is not read to its end)."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as err:
        raise _error(source, f"kan het casusbestand niet lezen: {os_problem(err)}") from None
    if len(data) > MAX_BYTES:
        raise _error(source, f"het casusbestand is te groot: meer dan {MAX_BYTES // (1024 * 1024)} MB; "
                             f"een casusbestand is ten hoogste {MAX_BYTES // (1024 * 1024)} MB")
    try:
        return decode_text(data)
    except ValueError as err:
        raise _error(source, f"kan het casusbestand niet lezen: {err}") from None


_POLICY_START = re.compile(r'\A(?:[ \t]*(?:#[^\n]*)?\r?\n)*[ \t]*beleid[ \t]+"', re.IGNORECASE)


def _check_shape(case: CaseFile, source: str) -> None:
    """At most MAX_ITEMS names and MAX_ITEMS values per lijst, containers at most MAX_DEPTH deep."""
    if len(case) > MAX_ITEMS:
        raise _error(source, f"de casus heeft {dutch_count(len(case))} namen; een casus heeft ten hoogste "
                             f"{dutch_count(MAX_ITEMS)} namen")
    for name, value in case.items():
        if isinstance(value, (list, dict)):
            at = case.place(name)
            if isinstance(value, list) and len(value) > MAX_ITEMS:
                raise _error(source, f"gegeven '{name}': de lijst heeft {dutch_count(len(value))} waarden; een lijst "
                                     f"heeft ten hoogste {dutch_count(MAX_ITEMS)} waarden", at and at[1], case.text)
            items = value.values() if isinstance(value, dict) else value
            if any(isinstance(item, (list, dict)) for item in items):
                raise _error(source, f"gegeven '{name}' is te diep genest: {_DEPTH_RULE}", at and at[1], case.text)


_DEPTH_RULE = (f"ten hoogste {MAX_DEPTH} niveaus (een casus is plat: naam → waarde; een lijst is één niveau diep, "
               "zoals [1, 2, 3])")


def _error(source: str, message: str, span: Span | None = None, text: str | None = None,
           hint: str | None = None) -> CaseError:
    return CaseError([Diagnostic("case", message, span, hint)], source, _showable(text, [span]))


def _showable(text: str | None, spans) -> str | None:
    """The text, to show the lines the spans point at, unless one of those lines is very long."""
    if text is None:
        return None
    lines = text.splitlines()
    for span in spans:
        if span is not None and 0 < span.line <= len(lines) and len(lines[span.line - 1]) > _LONG_LINE:
            return None
    return text


def _point(text: str, start: int, end: int | None = None) -> Span:
    """The span of text[start:end] (end exclusive; one character when end is None), 1-based."""
    line = text.count("\n", 0, start) + 1
    column = start - text.rfind("\n", 0, start)
    if end is None or end <= start + 1:
        return Span(line, column, line, column)
    last = end - 1
    end_line = line + text.count("\n", start, last)
    return Span(line, column, end_line, last - text.rfind("\n", 0, last))


# ---------------------------------------------------------------- JSON
class DuplicateName(Exception):
    """A JSON object names a member twice (`args[0]`: that name)."""


def unique_object(pairs: list) -> dict:
    """The object_pairs_hook of every JSON reader: a dict, or DuplicateName when a name occurs twice
    (json itself keeps the last value without a word)."""
    data = dict(pairs)
    if len(data) != len(pairs):
        seen: set = set()
        for name, _ in pairs:
            if name in seen:
                raise DuplicateName(name)
            seen.add(name)
    return data


def _read_json(text: str, source: str, table: bool) -> object:
    try:
        return json.loads(text, parse_float=Decimal, object_pairs_hook=unique_object)
    except json.JSONDecodeError as err:
        if table:
            raise _error(source, "dit lijkt een tabel, geen casus: een casusbestand is JSON of YAML",
                         hint="een tabel met casussen lees je met --casussen (of 'casussen' in een notebook)") from None
        message, hint = _json_problem(err)
        span = Span(err.lineno, err.colno, err.lineno, err.colno)
        raise _error(source, f"ongeldige JSON op regel {err.lineno}, kolom {err.colno}: {message}", span, text,
                     hint) from None
    except RecursionError:
        raise _error(source, f"het casusbestand is te diep genest: {_DEPTH_RULE}") from None
    except DuplicateName:
        raise _duplicate_error(text, source) from None
    except ValueError:  # an integer with more digits than Python converts
        raise _error(source, "het casusbestand bevat een getal met te veel cijfers") from None


# json's own messages (CPython 3.11 to 3.13), in Dutch, each with a hint where one helps
_JSON_PROBLEMS = [
    ("Expecting property name enclosed in double quotes", "verwacht een naam tussen dubbele aanhalingstekens",
     'schrijf namen als "omzet" (met dubbele aanhalingstekens) en zet geen komma na het laatste paar'),
    ("Illegal trailing comma", "een komma na de laatste waarde", "haal de laatste komma weg"),
    ("Expecting ':' delimiter", "verwacht ':' na de naam", None),
    ("Expecting ',' delimiter", "verwacht ',' tussen twee waarden",
     'een Nederlands getal (1.500,50) of een tekst schrijf je tussen dubbele aanhalingstekens: "1.500,50"'),
    ("Expecting value", "verwacht een waarde",
     'een waarde is een getal (1500.5), een tekst tussen dubbele aanhalingstekens ("€ 1.500,50"), '
     "true, false, null of een lijst [1, 2]"),
    ("Unterminated string", "een tekst zonder afsluitend aanhalingsteken", None),
    ("Invalid control character", "een tab of regeleinde binnen een tekst", r"schrijf \t of \n"),
    ("Invalid \\uXXXX escape", "een ongeldige \\u-reeks in een tekst",
     r"na \u volgen vier hexadecimale cijfers, zoals \u20ac"),
    ("Invalid \\escape", "een ongeldige \\-reeks in een tekst", r"schrijf \\ voor een backslash"),
    ("Extra data", "na het einde van de casus staat nog tekst", "een casus is één object { ... }"),
]


def _json_problem(err: json.JSONDecodeError) -> tuple[str, str | None]:
    for prefix, message, hint in _JSON_PROBLEMS:
        if err.msg.startswith(prefix):
            if prefix == "Expecting property name enclosed in double quotes" and err.doc[err.pos:err.pos + 1] == "'":
                hint = "JSON kent alleen dubbele aanhalingstekens"
            if prefix == "Expecting property name enclosed in double quotes" and err.doc[err.pos:err.pos + 1] == "}":
                return "een komma na het laatste paar", "haal de laatste komma weg"
            if prefix == "Expecting property name enclosed in double quotes" and err.doc[err.pos:err.pos + 1].isdigit():
                hint = ('staat hier een Nederlands getal zonder aanhalingstekens? Schrijf het als tekst: '
                        '"1.500,50"')
            if prefix == "Expecting value" and err.doc[err.pos:err.pos + 1] == "]":
                return "een komma na de laatste waarde of een lege plek in de lijst", "haal de laatste komma weg"
            return message, hint
    return "de JSON klopt hier niet", None


def _duplicate_error(text: str, source: str) -> CaseError:
    try:
        found = _first_duplicate(text, _skip_ws(text, 0))
    except (ValueError, RecursionError, IndexError):
        found = None
    if found is None:  # not expected: the hook saw one; say so without a place
        return _error(source, "een naam staat twee keer in hetzelfde object; geef elk gegeven één keer")
    name, first, second = found
    where = _point(text, second)
    return _error(source, f"'{name}' staat twee keer in de casus (regel {_point(text, first).line} en regel "
                          f"{where.line}); geef elk gegeven één keer", where, text)


_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder(parse_float=Decimal)


def _skip_ws(text: str, i: int) -> int:
    return _WS.match(text, i).end()  # type: ignore[union-attr]  # matches the empty string at least


def _members(text: str, i: int):
    """(name, start and end of the name, start and end of its value) of each pair of the object
    at i (ends exclusive)."""
    i = _skip_ws(text, i + 1)
    if text[i] == "}":
        return
    while True:
        name, end = json.decoder.scanstring(text, i + 1)  # type: ignore[attr-defined]
        value = _skip_ws(text, _skip_ws(text, end) + 1)
        _, value_end = _DECODER.raw_decode(text, value)
        yield name, i, end, value, value_end
        i = _skip_ws(text, value_end)
        if text[i] == "}":
            return
        i = _skip_ws(text, i + 1)


def _first_duplicate(text: str, i: int) -> tuple[str, int, int] | None:
    """The first name given twice in one object, in the order of the text, with both positions."""
    if text[i] == "{":
        seen: dict[str, int] = {}
        for name, at, _, value, _ in _members(text, i):
            if name in seen:
                return name, seen[name], at
            seen[name] = at
            found = _first_duplicate(text, value)
            if found:
                return found
    elif text[i] == "[":
        i = _skip_ws(text, i + 1)
        while text[i] != "]":
            found = _first_duplicate(text, i)
            if found:
                return found
            i = _skip_ws(text, _DECODER.raw_decode(text, i)[1])
            if text[i] == ",":
                i = _skip_ws(text, i + 1)
    return None


def _json_places(text: str) -> dict:
    """Name -> (span of the name, span of its value) for the top-level object of JSON text."""
    start = _skip_ws(text, 0)
    if text[start:start + 1] != "{":
        return {}
    return {name: (_point(text, at, name_end), _point(text, value_at, value_end))
            for name, at, name_end, value_at, value_end in _members(text, start)}


# ---------------------------------------------------------------- YAML
class _YamlRefusal(Exception):
    def __init__(self, mark, message: str, hint: str | None = None):
        super().__init__(message)
        self.mark, self.message, self.hint = mark, message, hint


_STANDARD_TAGS = frozenset(f"tag:yaml.org,2002:{name}"
                           for name in ("null", "bool", "int", "float", "str", "timestamp", "seq", "map"))
_MERGE_TAG = "tag:yaml.org,2002:merge"


def _yaml_loader(text: str, fast: bool = False):
    """A SafeLoader over text that refuses aliases, anchors, merge keys, tags other than the
    plain ones, a name given twice, containers nested deeper than MAX_DEPTH and more than
    MAX_ITEMS values in one container; it records where each top-level name stands. `fast`: the
    events come from libyaml's parser (PyYAML's composer and constructor, with these checks, stay)."""
    import yaml
    from yaml.events import AliasEvent, CollectionStartEvent

    if fast:
        from yaml._yaml import CParser
        from yaml.composer import Composer
        from yaml.constructor import SafeConstructor
        from yaml.resolver import Resolver

        class Base(Composer, CParser, SafeConstructor, Resolver):
            def __init__(self, stream: str):
                CParser.__init__(self, stream)
                Composer.__init__(self)
                SafeConstructor.__init__(self)
                Resolver.__init__(self)
    else:
        Base = yaml.SafeLoader  # type: ignore[misc, assignment]

    class CaseLoader(Base):
        def __init__(self, stream: str):
            super().__init__(stream)
            self.open_containers = 0
            self.root = None
            self.places: dict = {}

        def compose_node(self, parent, index):
            event: Any = self.peek_event()
            if isinstance(event, AliasEvent):
                raise _YamlRefusal(event.start_mark, f"een verwijzing (*{event.anchor}) wordt in een casus niet "
                                                     "gebruikt", "schrijf de waarde zelf uit")
            if getattr(event, "anchor", None) is not None:
                raise _YamlRefusal(event.start_mark, f"een anker (&{event.anchor}) wordt in een casus niet gebruikt",
                                   "haal het anker weg en schrijf elke waarde zelf uit")
            if parent is not None and len(parent.value) >= MAX_ITEMS and (index is None or type(index) is int):
                raise _YamlRefusal(event.start_mark, f"meer dan {dutch_count(MAX_ITEMS)} waarden in één lijst of "
                                                     f"object; ten hoogste {dutch_count(MAX_ITEMS)}")
            if not isinstance(event, CollectionStartEvent):
                return super().compose_node(parent, index)
            if self.open_containers >= MAX_DEPTH:
                raise _YamlRefusal(event.start_mark, f"te diep genest: {_DEPTH_RULE}")
            self.open_containers += 1
            try:
                return super().compose_node(parent, index)
            finally:
                self.open_containers -= 1

        def construct_object(self, node, deep=False):
            if node.tag not in _STANDARD_TAGS:
                tag = node.tag.replace("tag:yaml.org,2002:", "!!")
                raise _YamlRefusal(node.start_mark, f"de YAML-tag '{tag}' wordt in een casus niet gebruikt",
                                   "een casus bevat alleen getallen, teksten, ja/nee, datums en lijsten")
            return super().construct_object(node, deep)

        def construct_mapping(self, node, deep=False):
            seen: dict = {}
            for key_node, value_node in node.value:
                if key_node.tag == _MERGE_TAG:
                    raise _YamlRefusal(key_node.start_mark, "'<<' (samenvoegen) wordt in een casus niet gebruikt")
                key = self.construct_object(key_node, deep=True)
                if isinstance(key, (list, dict)):
                    raise _YamlRefusal(key_node.start_mark, "een naam is een tekst, geen lijst of object")
                line = key_node.start_mark.line + 1
                if key in seen:
                    raise _YamlRefusal(key_node.start_mark, f"'{key}' staat twee keer in de casus (regel {seen[key]} "
                                                            f"en regel {line}); geef elk gegeven één keer")
                seen[key] = line
                if node is self.root:
                    self.places[key] = (_span(key_node), _span(value_node))
            return super().construct_mapping(node, deep)

    CaseLoader.yaml_implicit_resolvers = _case_resolvers(Base.yaml_implicit_resolvers)
    return CaseLoader(text)


# YAML 1.1's numbers without its legacy forms (YAML 1.2 dropped them too): a leading zero made an
# octal number ("010" was 8 clients), a colon a base-60 one ("1:30" was 90 fte), "0x" a hex one.
# Such a text stays text, and the case reader reads it as Dutch ("010" is 10) or says why not.
_INT = re.compile(r"^[-+]?(?:0|[1-9][0-9_]*)$")
_FLOAT = re.compile(r"""^(?:[-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+][0-9]+)?
                    |\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?
                    |[-+]?\.(?:inf|Inf|INF)
                    |\.(?:nan|NaN|NAN))$""", re.X)
_NUMBER_TAGS = {"tag:yaml.org,2002:int": _INT, "tag:yaml.org,2002:float": _FLOAT}


def _case_resolvers(resolvers: dict) -> dict:
    """PyYAML's implicit resolvers (first character -> [(tag, pattern)]) with `_NUMBER_TAGS`'s
    patterns for numbers."""
    return {first: [(tag, _NUMBER_TAGS.get(tag, pattern)) for tag, pattern in pairs]
            for first, pairs in resolvers.items()}


def _span(node) -> Span:
    start, end = node.start_mark, node.end_mark
    if end.line > start.line and end.column == 0:  # a block value ends at the start of the next line
        return Span(start.line + 1, start.column + 1, start.line + 1, start.column + 1)
    return Span(start.line + 1, start.column + 1, end.line + 1, max(end.column, start.column + 1))


def _load_yaml(text: str, fast: bool) -> tuple[object, dict]:
    loader = None
    try:
        loader = _yaml_loader(text, fast)  # PyYAML's reader refuses a control character here already
        node = loader.get_single_node()
        if node is None:
            return None, {}
        loader.root = node
        return loader.construct_document(node), loader.places
    finally:
        if loader is not None:
            loader.dispose()


def _read_yaml(text: str, source: str) -> tuple[object, dict]:
    """The data of a YAML case and where its names stand. Parsed by libyaml when PyYAML has it
    (measured: a list of 100,001 values refused in about 0.5 s instead of 4.5 s); a text libyaml finds
    wrong or cannot take is read again by PyYAML's own parser, whose messages
    `_YAML_PROBLEMS` puts in Dutch."""
    import yaml

    try:
        if yaml.__with_libyaml__:
            try:
                return _load_yaml(text, fast=True)
            except (yaml.YAMLError, UnicodeError):   # (libyaml cannot take a lone surrogate, "\ud800")
                pass   # said below, in the words of PyYAML's parser
        return _load_yaml(text, fast=False)
    except _YamlRefusal as refusal:
        raise _error(source, refusal.message, _mark_span(refusal.mark), text, refusal.hint) from None
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        message, hint = _yaml_problem(err)
        if mark is None:
            raise _error(source, f"ongeldige YAML: {message}", hint=hint) from None
        span = _mark_span(mark)
        raise _error(source, f"ongeldige YAML op regel {span.line}, kolom {span.column}: {message}", span, text,
                     hint) from None
    except yaml.reader.ReaderError as err:  # a control character
        span = _point(text, min(err.position, len(text)))
        character = f" 0x{err.character:02x}" if isinstance(err.character, int) else ""
        raise _error(source, f"ongeldige YAML op regel {span.line}, kolom {span.column}: het stuurteken{character} "
                             "hoort niet in een casus", span, text) from None
    except yaml.YAMLError:
        raise _error(source, "ongeldige YAML") from None
    except RecursionError:
        raise _error(source, f"het casusbestand is te diep genest: {_DEPTH_RULE}") from None


def _mark_span(mark) -> Span:
    return Span(mark.line + 1, mark.column + 1, mark.line + 1, mark.column + 1)


# PyYAML's problems, in Dutch (the first prefix that matches counts)
_YAML_PROBLEMS = [
    ("mapping values are not allowed here", "hier mag geen ':' staan",
     "klopt de inspringing? Een tekst met ': ' erin zet je tussen aanhalingstekens"),
    ("could not find expected ':'", "verwacht ':' na de naam", "schrijf elk gegeven als 'naam: waarde'"),
    ("found character '\\t' that cannot start any token", "een tab", "YAML springt in met spaties, niet met tabs"),
    ("found a tab character", "een tab", "YAML springt in met spaties, niet met tabs"),
    ("found character", "dit teken kan hier geen waarde beginnen", "zet de waarde tussen aanhalingstekens"),
    ("found unexpected end of stream", "het bestand houdt op midden in een tekst",
     "ontbreekt een afsluitend aanhalingsteken?"),
    ("found unknown escape character", "een ongeldige \\-reeks in een tekst tussen dubbele aanhalingstekens",
     "gebruik enkele aanhalingstekens, of schrijf \\\\ voor een backslash"),
    ("expected <block end>", "de inspringing klopt niet", "zet elke naam van de casus aan het begin van de regel"),
    ("did not find expected key", "de inspringing klopt niet", "zet elke naam van de casus aan het begin van de regel"),
    ("expected ',' or ']'", "verwacht ',' of ']' in de lijst", None),
    ("expected ',' or '}'", "verwacht ',' of '}'", None),
    ("but found another document", "het bestand bevat meer dan één document ('---')", "een casus is één document"),
    ("sequence entries are not allowed here", "hier mag geen lijst ('- ') beginnen", "klopt de inspringing?"),
    ("expected alphabetic or numeric character", "een ongeldig teken na & of *",
     "zet een tekst die met & of * begint tussen aanhalingstekens"),
    ("did not find expected node content", "verwacht een waarde", None),
    ("expected the node content", "verwacht een waarde", None),
]


def _yaml_problem(err) -> tuple[str, str | None]:
    problem = err.problem or err.context or ""
    for prefix, message, hint in _YAML_PROBLEMS:
        if problem.startswith(prefix):
            return message, hint
    return "de YAML klopt hier niet", None


# ---------------------------------------------------------------- loading a dict
def load_case(model, data: Mapping, complete: bool = False, source: str = "<casus>") -> Case:
    """Check and convert a case against the policy's gegevens (see the module contract)."""
    problems, typed = [], {}
    place = data.place if isinstance(data, CaseFile) else None
    unknown = [key for key in data if key != PEILDATUM and key not in model.fields]
    for key in unknown[:MAX_UNKNOWN]:
        problems.append(Diagnostic("case", f"onbekend gegeven '{key}' in de casus", _at(place, key, 0),
                                   hint=suggest(str(key), model.fields) or "controleer de gegevens van het beleid"))
    if len(unknown) > MAX_UNKNOWN:
        problems.append(Diagnostic("case", f"en nog {dutch_count(len(unknown) - MAX_UNKNOWN)} onbekende gegevens "
                                           "in de casus", hint="is dit de casus van dit beleid?"))
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
            problems.append(Diagnostic("case", f"gegeven '{name}': {bad}", _at(place, name, 1)))
    peil = None
    if data.get(PEILDATUM) is not None:
        try:
            peil = convert(data[PEILDATUM], T.DATUM)
        except CaseValueError as bad:
            problems.append(Diagnostic("case", f"peildatum: {bad}", _at(place, PEILDATUM, 1)))
    if problems:
        text = data.text if isinstance(data, CaseFile) else None
        raise CaseError(problems, source, _showable(text, [p.span for p in problems]))
    values = tuple(typed.get(name) for name in model.fields)
    missing = tuple(name for name in model.fields if name not in typed)
    return Case(values, peil, missing, typed)


def _at(place, name, which: int) -> Span | None:
    """Where the name (0) or its value (1) stands in the case file, when the case came from one."""
    if place is None:
        return None
    found = place(name)
    return found[which] if found else None
