"""Composing a policy from pieces written in several cells (and files).

Contract: a `Draft` is an immutable set of policy pieces, each a `Chunk` of source text cut out
of the cell or file it came from, keyed by what it declares: the header, each gegeven, each rule
by name (eisen groups, eis, berekening, beslissing, termijn) and each voorbeeld by title.
`Draft.merge(text, origin)` parses policy text (a `BeleidError` for a syntax error) and returns
a new draft where every piece of it replaces the piece with the same key (one namespace for
rule names: redefining a name replaces whatever had it) and the list of changes in Dutch. A
loose `eis` replaces the eis of that name in its group, or joins the group defined last
(`LooseRequirement` when there is none). `Draft.compose()` gives the policy text plus a
`SourceMap` that maps every line of it back to its origin, so a checker error or a step of the
explanation points at the line of the cell or file the author wrote. `example_givens(text)`
reads the `gegeven` assignments of a voorbeeld (the `casus` statement is written that way).
Nothing here checks types: the composed text goes through `dsl.policy.compile_text` like any
policy file. This is the one module of the kernel that reads the syntax tree (`dsl.ast`): cells
are composed as text, before there is a policy to lower.
"""

from __future__ import annotations

from datetime import date

import attrs

from dsl import ast
from dsl.case import written
from dsl.parser import parse
from dsl.types import SIMPLE

DEFAULT_HEADER = 'beleid "Beleid in dit notebook"'


@attrs.frozen
class Origin:
    """Where text came from: a cell ("cel[3]") or a file, with its whole text."""

    name: str
    text: str = attrs.field(repr=False)


@attrs.frozen
class Chunk:
    """A piece of source: `text` holds origin lines `line`.. exactly (columns kept by padding)."""

    kind: str
    name: str
    text: str
    origin: Origin | None
    line: int
    group: str | None = None


class LooseRequirement(LookupError):
    """A loose `eis` while there is no group for it to join."""

    def __init__(self, name: str, span: ast.Span):
        super().__init__(name)
        self.name, self.span = name, span


def example_givens(text: str, filename: str) -> list[tuple[str, object, ast.Span]]:
    """(name, value, span) of each `gegeven` of the first voorbeeld of policy text, the value in
    the form `dsl.case.convert` reads unchanged (Decimal, date, bool, str, "3 weken", "0,41%", a
    list, None for onbekend). BeleidError for a syntax error."""
    policy = parse(text, filename)
    return [(given.name, _plain(given.value), given.span) for given in policy.examples[0].givens]


def _plain(node):
    if isinstance(node, ast.UnknownLiteral):
        return None
    if isinstance(node, ast.ListLiteral):
        return [_plain(i) for i in node.items]
    if isinstance(node, ast.HistoryLiteral):   # a value per year, as a case file writes it
        return {str(year): _plain(item) for year, item in node.entries}
    if isinstance(node, ast.PeriodHistoryLiteral):   # a value per period: {"2023-01-01": ..., ...}
        return {day.value.isoformat() if isinstance(day.value, date) else day.text: _plain(item)
                for day, item in node.entries}
    if node.kind == "duur":
        amount, unit = node.value
        return f"{amount} {unit}"
    t = SIMPLE.get(node.kind)
    return node.value if t is None else written(node.value, t)


def cut(lines: list[str], span: ast.Span, stop: tuple | None = None) -> str:
    """The text of `span` (or up to, not including, `stop` = (line, column)), whole lines,
    with the first line padded so every column stays where it was."""
    end_line, end_col = (span.end_line, span.end_column) if stop is None else (stop[0], stop[1] - 1)
    out = []
    for number in range(span.line, end_line + 1):
        text = lines[number - 1]
        if number == end_line:
            text = text[:end_col]
        if number == span.line:
            text = " " * (span.column - 1) + text[span.column - 1:]
        out.append(text.rstrip())
    return "\n".join(out)


@attrs.frozen
class SourceMap:
    """Maps lines of a composed policy back to the cell or file they were written in."""

    text: str
    lines: tuple  # composed line (0-based) -> (Origin, origin line) or None for glue lines

    def locate(self, span: ast.Span | None):
        """(origin name, origin text, span in the origin) for a span of the composed text;
        the span is given as is when it spans glue or several origins."""
        if span is None or not span.line:
            return None
        start = self.lines[span.line - 1] if span.line <= len(self.lines) else None
        end = self.lines[span.end_line - 1] if span.end_line <= len(self.lines) else None
        if start is None or end is None or start[0] is not end[0]:
            return None
        shift = start[1] - span.line
        return start[0].name, start[0].text, attrs.evolve(span, line=span.line + shift,
                                                          end_line=span.end_line + shift)


def identity_map(policy_text: str, name: str) -> SourceMap:
    """The source map of a policy that was not composed (a file loaded directly)."""
    origin = Origin(name, policy_text)
    return SourceMap(policy_text, tuple((origin, i + 1) for i in range(len(policy_text.split("\n")))))


@attrs.frozen
class Draft:
    header: Chunk | None = None
    fields: dict = attrs.field(factory=dict)    # name -> Chunk
    rules: dict = attrs.field(factory=dict)     # name -> Chunk (kind eisen/eis/berekening/...)
    members: dict = attrs.field(factory=dict)   # group name -> tuple of eis names
    examples: dict = attrs.field(factory=dict)  # title -> Chunk
    last_group: str | None = None

    @property
    def empty(self) -> bool:
        return not (self.fields or self.rules or self.examples)

    def merge(self, text: str, origin: Origin, line_shift: int = 0,
              replace_all: bool = False, loose_group: str | None = None) -> tuple[Draft, list[str]]:
        """The draft with the pieces of policy `text` merged in (see the module contract).
        `text` is `origin.text` with `line_shift` lines of synthetic text in front (subtracted
        from the parsed spans); `loose_group` is the synthetic group that holds loose `eis`
        pieces. BeleidError for a syntax error in `text`, with its spans in `text`."""
        policy = parse(text, origin.name)
        lines = ("\n" * line_shift + origin.text).split("\n")
        new = _Builder(Draft() if replace_all else self, origin, lines, line_shift)
        if replace_all:
            new.header = new.chunk("beleid", "", policy.header.span)
        for field in policy.fields:
            new.put_field(field)
        for group in policy.groups:
            if new.put_amended(group):
                continue
            if group.name == loose_group:
                for req in group.requirements:
                    new.put_loose(req)
            else:
                new.put_group(group)
        for node in (*policy.calculations, *policy.decisions, *policy.timelines):
            if not new.put_amended(node):
                new.put_rule(node)
        for node in (*policy.assumptions, *policy.networks, *policy.rankings):
            new.put_rule(node)
        for record in policy.known_findings:
            new.put_record(record)
        for example in policy.examples:
            new._note("voorbeeld", example.title, example.title in new.examples)
            new.examples[example.title] = new.chunk("voorbeeld", example.title, example.span)
        return new.freeze(), new.changes

    def compose(self) -> SourceMap:
        """The whole policy text and its line map."""
        out: list[tuple[str, object]] = []

        def emit(chunk: Chunk) -> None:
            for i, text in enumerate(chunk.text.split("\n")):
                out.append((text, (chunk.origin, chunk.line + i) if chunk.origin else None))

        if self.header is not None:
            emit(self.header)
        else:
            out.append((DEFAULT_HEADER, None))
        if self.fields:
            out.append(("gegevens", None))
            for chunk in self.fields.values():
                emit(chunk)
        for name, chunk in self.rules.items():
            if chunk.kind == "eis":
                continue  # emitted with its group
            emit(chunk)
            for member in self.members.get(name, ()):
                emit(self.rules[member])
        for chunk in self.examples.values():
            emit(chunk)
        return SourceMap("\n".join(t for t, _ in out) + "\n", tuple(o for _, o in out))


class _Builder:
    """Mutable working copy used by `Draft.merge` only."""

    def __init__(self, draft: Draft, origin: Origin, lines: list[str], shift: int):
        self.header = draft.header
        self.fields, self.rules = dict(draft.fields), dict(draft.rules)
        self.members, self.examples = dict(draft.members), dict(draft.examples)
        self.last_group = draft.last_group
        self.origin, self.lines, self.shift = origin, lines, shift
        self.changes: list[str] = []
        self.placed: dict[str, int] = {}   # rule name -> declarations of it in this text (versions)

    def chunk(self, kind: str, name: str, span: ast.Span, stop=None, group=None) -> Chunk:
        text = cut(self.lines, span, stop)
        return Chunk(kind, name, text, self.origin, span.line - self.shift, group)

    def _note(self, what: str, name: str, existed: bool) -> None:
        self.changes.append(f"{what} '{name}' {'vervangen' if existed else 'toegevoegd'}")

    def put_field(self, field: ast.Field) -> None:
        self._note("gegeven", field.name, field.name in self.fields)
        self.fields[field.name] = self.chunk("gegeven", field.name, field.span)

    def _key(self, name: str) -> str:
        """The key of a declaration of `name` in this text: the name, and for a later version of
        the same rule (`geldig vanaf ...` on each) the name with its number."""
        n = self.placed.get(name, 0)
        self.placed[name] = n + 1
        return name if n == 0 else f"{name}#{n + 1}"

    def put_amended(self, node) -> bool:
        """A rule written in a `wijziging ... einde wijziging` block: the whole block is one piece
        (keyed by its title), kept once; True when `node` is in such a block."""
        amendment = node.meta.amendment
        if amendment is None:
            return False
        key = f"wijziging {amendment.title}"
        if self.placed.get(key) is None:
            self.placed[key] = 1
            existed = key in self.rules
            self.rules[key] = self.chunk("wijziging", amendment.title, amendment.span)
            self._note("wijziging", amendment.title, existed)
        return True

    def _drop(self, name: str) -> None:
        """Forget what `name` was, before it gets a new definition (with every later version of
        it written outside a wijziging)."""
        for key in [k for k in self.rules if k.startswith(name + "#")]:
            del self.rules[key]
        old = self.rules.get(name)
        if old is None:
            return
        if old.kind == "eisen":
            for member in self.members.pop(name, ()):
                self.rules.pop(member, None)
        elif old.kind == "eis" and old.group in self.members:
            self.members[old.group] = tuple(m for m in self.members[old.group] if m != name)
            if not self.members[old.group]:  # a group needs at least one eis
                self.members.pop(old.group)
                self.rules.pop(old.group, None)

    def put_group(self, group: ast.Group) -> None:
        existed = group.name in self.rules
        if existed and self.rules[group.name].kind == "eisen":
            for member in self.members.pop(group.name, ()):
                self.rules.pop(member, None)
        else:
            self._drop(group.name)
        first = group.requirements[0].span
        self.rules[group.name] = self.chunk("eisen", group.name, group.span, stop=(first.line, first.column))
        for req in group.requirements:
            self._drop(req.name)
            self.rules[req.name] = self.chunk("eis", req.name, req.span, group=group.name)
        self.members[group.name] = tuple(r.name for r in group.requirements)
        self.last_group = group.name
        self._note("eisengroep", group.name, existed)

    def put_loose(self, req: ast.Requirement) -> None:
        old = self.rules.get(req.name)
        if old is not None and old.kind == "eis":
            self.rules[req.name] = self.chunk("eis", req.name, req.span, group=old.group)
            self._note("eis", req.name, True)
            return
        group = self.last_group if self.last_group in self.members else None
        if group is None:
            raise LooseRequirement(req.name, req.span)
        self._drop(req.name)
        self.rules[req.name] = self.chunk("eis", req.name, req.span, group=group)
        self.members[group] = (*self.members[group], req.name)
        self.changes.append(f"eis '{req.name}' toegevoegd aan groep '{group}'")

    def put_rule(self, node) -> None:
        kind = {ast.Calculation: "berekening", ast.Decision: "beslissing", ast.Timeline: "termijn",
                ast.Assumption: "aanname", ast.NetworkRule: "netwerkeis", ast.Ranking: "voorkeur"}[type(node)]
        key = self._key(node.name)
        existed = node.name in self.rules
        if key == node.name:
            self._drop(node.name)
        self.rules[key] = self.chunk(kind, node.name, node.span)
        self._note(kind, node.name, existed)

    def put_record(self, record: ast.KnownFinding) -> None:
        """`bekend gat in x ...`: kept under its kind and rules; the same record written again
        (with another source or region) replaces it."""
        what = f"{record.kind} in {', '.join(r.name for r in record.rules)}"
        key = f"bekend {what}"
        self._note("bekende bevinding", what, key in self.rules)
        self.rules[key] = self.chunk("bekend", what, record.span)

    def freeze(self) -> Draft:
        return Draft(self.header, self.fields, self.rules, self.members, self.examples, self.last_group)
