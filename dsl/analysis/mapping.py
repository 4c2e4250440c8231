"""Koppelingen: which rule and gegeven of one policy is which of another, and the comparison per
concept that they make possible (two insurers, or two years with renamed rules).

Contract: a koppeling is a small text file the user writes (`policies/koppelingen/OUD__NIEUW.koppeling`):

    # commentaar
    koppeling "ELV en GRZ: VGZ 2022 → Zorg en Zekerheid 2023"
    oud "vgz_elv_grz_gzsp_2022.beleid"
    nieuw "elv_grz_2023.beleid"

    begrip "Opname in het eerstelijnsverblijf binnen 24 of 48 uur"
      regel t_opname_24_uur = t_opname_48_uur
    begrip "Alleen in het nieuwe beleid: acute opname"
      regel - = acute_opname

    gegeven aanvraag_elv = aanmelding_elv

`koppeling`, `oud` and `nieuw` are optional (`oud`/`nieuw` name the policies' files, and are
checked against the files compared); every `regel OUD = NIEUW` belongs to the `begrip` above it;
`-` says that one side has no such rule; `gegeven OUD = NIEUW` renames a gegeven for the
comparison. `read_mapping(path)` / `parse_mapping(text, filename)` read it; `check_mapping(m, old,
new)` checks it against the two compiled policies (names that exist, each named once, a gegeven of
the same type on both sides). Every mistake is a `BeleidError` with file:line:column in Dutch.

`concept_diffs(old, new, m)` compares, per concept and per pair of rules, the normal forms of
`dsl.analysis.normal` with the old policy's names translated by the koppeling: "gelijk", each
changed threshold with its words ("binnen 24 uur → binnen 48 uur", "ten hoogste 33% → ten hoogste
50%"), a `van toepassing als` added, removed or changed, or both texts when the rules are built
differently. This compares what the documents say, not cases: the two policies have different
gegevens, so no case is evaluated by both.

`suggest(old, new)` drafts a koppeling from the titles, sources, kinds and gegevens of the rules
(`beleid verschil OUD NIEUW --stel-koppeling-voor`): pairs whose words overlap most, greedily,
each rule once, with the score as a comment; the user keeps, corrects or deletes them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

import attrs

from dsl.analysis.coverage import snippet
from dsl.analysis.normal import Normaliser, same_form, shape, written
from dsl.analysis.thresholds import own_gate
from dsl.core.model import Calculation, Decision, Group, Policy, Requirement, Rule, Timeline
from dsl.errors import BeleidError, Diagnostic, os_problem, read_text
from dsl.errors import suggest as suggest_name
from dsl.span import Span, text_at

__all__ = ["ConceptDiff", "Mapping", "Pair", "PairDiff", "check_mapping", "concept_diffs", "find_mapping",
           "parse_mapping", "read_mapping", "suggest"]

NONE = "-"


@attrs.frozen
class Pair:
    old: str        # a name, or "-" when the old policy has no counterpart
    new: str
    span: Span      # the line that says it


@attrs.frozen
class Concept:
    title: str
    rules: tuple[Pair, ...]
    span: Span


@attrs.frozen
class Mapping:
    filename: str
    text: str
    title: str = ""
    old_file: tuple[str, Span] | None = None
    new_file: tuple[str, Span] | None = None
    concepts: tuple[Concept, ...] = ()
    fields: tuple[Pair, ...] = ()

    def names(self) -> dict[str, str]:
        """Old name → new name, for the gegevens and the rules paired on both sides."""
        pairs = [*self.fields, *(p for c in self.concepts for p in c.rules)]
        return {p.old: p.new for p in pairs if NONE not in (p.old, p.new)}


# ---------------------------------------------------------------- reading
_NAME = r"([A-Za-z_][A-Za-z0-9_]*|-)"
_LINES = [
    ("koppeling", re.compile(r'koppeling\s+"([^"]*)"\s*$')),
    ("oud", re.compile(r'oud\s+"([^"]*)"\s*$')),
    ("nieuw", re.compile(r'nieuw\s+"([^"]*)"\s*$')),
    ("begrip", re.compile(r'begrip\s+"([^"]+)"\s*$')),
    ("regel", re.compile(rf"regel\s+{_NAME}\s*=\s*{_NAME}\s*$")),
    ("gegeven", re.compile(rf"gegeven\s+{_NAME}\s*=\s*{_NAME}\s*$")),
]
_KEYS = "koppeling, oud, nieuw, begrip, regel of gegeven"
_FORMS = {"koppeling": 'koppeling "titel"', "oud": 'oud "bestand.beleid"', "nieuw": 'nieuw "bestand.beleid"',
          "begrip": 'begrip "naam van het begrip"', "regel": "regel OUDE_NAAM = NIEUWE_NAAM (of - voor geen)",
          "gegeven": "gegeven OUDE_NAAM = NIEUWE_NAAM"}


def _span(line: int, column: int, width: int) -> Span:
    return Span(line, column, line, column + max(width, 1) - 1)


class _Reader:
    def __init__(self, text: str, filename: str):
        self.text, self.filename = text, filename
        self.problems: list[Diagnostic] = []
        self.title = ""
        self.files: dict[str, tuple[str, Span]] = {}
        self.concepts: list[Concept] = []
        self.rules: list[Pair] = []
        self.fields: list[Pair] = []
        self.concept: tuple[str, Span] | None = None

    def read(self) -> Mapping:
        for number, raw in enumerate(self.text.splitlines(), start=1):
            stripped = raw.split("#", 1)[0].rstrip() if '"' not in raw else _uncomment(raw)
            if stripped.strip():
                self.line(number, stripped)
        self.close()
        if self.problems:
            raise BeleidError(self.problems, self.filename, self.text)
        return Mapping(self.filename, self.text, self.title, self.files.get("oud"), self.files.get("nieuw"),
                       tuple(self.concepts), tuple(self.fields))

    def line(self, number: int, raw: str) -> None:
        column = len(raw) - len(raw.lstrip()) + 1
        body = raw.strip()
        word = body.split(None, 1)[0]
        pattern = dict(_LINES).get(word)
        where = _span(number, column, len(body))
        if pattern is None:
            self.problems.append(Diagnostic("koppeling", f"onbekend woord '{word}' aan het begin van de regel",
                                            _span(number, column, len(word)), f"een regel begint met {_KEYS}"))
            return
        found = pattern.match(body)
        if found is None:
            self.problems.append(Diagnostic("koppeling", f"'{word}' verwacht: {_FORMS[word]}", where))
            return
        self.take(word, found.groups(), where)

    def take(self, word: str, values: tuple[str, ...], where: Span) -> None:
        if word == "koppeling":
            self.title = values[0]
        elif word in ("oud", "nieuw"):
            self.files[word] = (values[0], where)
        elif word == "begrip":
            self.close()
            self.concept = (values[0], where)
        elif values == (NONE, NONE):
            self.problems.append(Diagnostic("koppeling", "aan beide kanten '-': er valt niets te koppelen", where))
        elif word == "gegeven":
            if NONE in values:
                self.problems.append(Diagnostic("koppeling", "een gegeven koppelt u aan een gegeven, niet aan '-'",
                                                where))
            self.fields.append(Pair(values[0], values[1], where))
        elif self.concept is None:
            self.problems.append(Diagnostic("koppeling", "'regel' hoort bij een begrip", where,
                                            'zet er een regel begrip "..." boven'))
        else:
            self.rules.append(Pair(values[0], values[1], where))

    def close(self) -> None:
        if self.concept is None:
            return
        title, where = self.concept
        if not self.rules:
            self.problems.append(Diagnostic("koppeling", f"begrip '{title}' heeft geen 'regel'", where))
        self.concepts.append(Concept(title, tuple(self.rules), where))
        self.concept, self.rules = None, []


def _uncomment(raw: str) -> str:
    """A line without its `#` comment, a `#` inside quotes kept."""
    quoted = False
    for i, char in enumerate(raw):
        if char == '"':
            quoted = not quoted
        elif char == "#" and not quoted:
            return raw[:i].rstrip()
    return raw


def parse_mapping(text: str, filename: str = "<koppeling>") -> Mapping:
    return _Reader(text, filename).read()


def read_mapping(path: str | Path) -> Mapping:
    """The koppeling in file `path`; a file that cannot be read is a `BeleidError` too."""
    try:
        text = read_text(path)
    except OSError as err:
        raise BeleidError([Diagnostic("koppeling", f"kan de koppeling niet lezen: {os_problem(err)}")],
                          str(path)) from None
    except ValueError as err:
        raise BeleidError([Diagnostic("koppeling", str(err))], str(path)) from None
    return parse_mapping(text, str(path))


def find_mapping(old_path: str | Path, new_path: str | Path) -> Path | None:
    """`koppelingen/OUD__NIEUW.koppeling` next to the old policy, when it exists."""
    old, new = Path(old_path), Path(new_path)
    candidate = old.parent / "koppelingen" / f"{old.stem}__{new.stem}.koppeling"
    return candidate if candidate.is_file() else None


# ---------------------------------------------------------------- checking
def check_mapping(mapping: Mapping, old, new) -> None:
    """Raise a `BeleidError` listing every name the policies do not have, every name used twice,
    a gegeven whose type differs on the two sides, and `oud`/`nieuw` files that are not the ones
    compared."""
    om, nm = old.model, new.model
    problems: list[Diagnostic] = []
    for side, model, declared in (("oud", om, mapping.old_file), ("nieuw", nm, mapping.new_file)):
        if declared is not None and Path(declared[0]).name != Path(model.filename).name:
            problems.append(Diagnostic("koppeling", f"de koppeling is voor '{declared[0]}' als {side} beleid, "
                                       f"niet voor '{Path(model.filename).name}'", declared[1]))
    rules = [p for c in mapping.concepts for p in c.rules]
    problems += _names(rules, om.rules, nm.rules, "regel")
    problems += _names(mapping.fields, om.fields, nm.fields, "gegeven")
    for pair in mapping.fields:
        a, b = om.fields.get(pair.old), nm.fields.get(pair.new)
        if a is not None and b is not None and a.type != b.type:
            problems.append(Diagnostic("koppeling", f"gegeven '{pair.old}' is een {a.type} in het oude beleid, "
                                       f"'{pair.new}' een {b.type} in het nieuwe", pair.span,
                                       "koppel alleen gegevens van hetzelfde type"))
    if problems:
        raise BeleidError(sorted(problems, key=lambda d: (d.span.line, d.span.column) if d.span else (0, 0)),
                          mapping.filename, mapping.text)


def _names(pairs: Iterable[Pair], old: dict, new: dict, what: str) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    seen: dict[str, set[str]] = {"oud": set(), "nieuw": set()}
    for pair in pairs:
        for side, name, known in (("oud", pair.old, old), ("nieuw", pair.new, new)):
            if name == NONE:
                continue
            if name not in known:
                out.append(Diagnostic("koppeling", f"het {side}e beleid heeft geen {what} '{name}'", pair.span,
                                      suggest_name(name, known)))
            elif name in seen[side]:
                out.append(Diagnostic("koppeling", f"{what} '{name}' ({side}) is al gekoppeld", pair.span))
            seen[side].add(name)
    return out


# ---------------------------------------------------------------- comparing per concept
@attrs.frozen
class PairDiff:
    old: str
    new: str
    old_text: str           # what the rule says, on one line ("" when there is no such rule)
    new_text: str
    verdict: str            # gelijk, gewijzigd, anders opgebouwd, alleen in oud, alleen in nieuw
    changes: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        return self.verdict != "gelijk"


@attrs.frozen
class ConceptDiff:
    title: str
    pairs: tuple[PairDiff, ...]

    @property
    def changed(self) -> bool:
        return any(p.changed for p in self.pairs)


def concept_diffs(old, new, mapping: Mapping) -> tuple[ConceptDiff, ...]:
    """Per concept of the koppeling, each pair of rules compared (see the module docstring)."""
    om, nm = old.model, new.model
    fa, fb = Normaliser(om.text, mapping.names()), Normaliser(nm.text)
    out = []
    for concept in mapping.concepts:
        pairs = []
        for pair in concept.rules:
            a, b = om.rules.get(pair.old), nm.rules.get(pair.new)
            pairs.append(_pair_diff(pair, a, b, om, nm, fa, fb))
        out.append(ConceptDiff(concept.title, tuple(pairs)))
    return tuple(out)


def _pair_diff(pair: Pair, a: Rule | None, b: Rule | None, om: Policy, nm: Policy,
               fa: Normaliser, fb: Normaliser) -> PairDiff:
    if a is None or b is None:
        return PairDiff(pair.old, pair.new, _says(a, om.text), _says(b, nm.text),
                        "alleen in oud" if b is None else "alleen in nieuw")
    changes = _gate(a, b, om.text, nm.text, fa, fb)
    x, y = fa.rule(a), fb.rule(b)
    verdict = "gelijk"
    if a.kind is not b.kind or shape(x) != shape(y):
        verdict = "anders opgebouwd"
    elif not same_form(x, y):
        verdict = "gewijzigd"
        changes += [f"{_with_words(a, v.kind, v.shown)} → {_with_words(b, w.kind, w.shown)}"
                    for v, w in zip(written(x), written(y)) if v != w]
    if changes and verdict == "gelijk":
        verdict = "gewijzigd"
    return PairDiff(pair.old, pair.new, _says(a, om.text), _says(b, nm.text), verdict, tuple(changes))


def _with_words(rule: Rule, kind: str, shown: str) -> str:
    """A termijn's duration with its word: "binnen 24 uur"."""
    return f"{rule.words} {shown}" if isinstance(rule, Timeline) and kind == "duur" else shown


def _gate(a: Rule, b: Rule, old_text: str, new_text: str, fa: Normaliser, fb: Normaliser) -> list[str]:
    x, y = own_gate(a), own_gate(b)
    if x is None and y is None:
        return []
    if x is not None and y is not None and same_form(fa.part(x), fb.part(y)):
        return []
    shown_x = snippet(old_text, x.span) if x is not None else "—"
    shown_y = snippet(new_text, y.span) if y is not None else "—"
    return [f"van toepassing als: {shown_x} → {shown_y}"]


def _says(rule: Rule | None, text: str) -> str:
    """What a rule says, on one line: `vereist ...`, the termijn, the rows, `= ...`."""
    if rule is None:
        return ""
    match rule:
        case Requirement():
            return f"{rule.strength} {snippet(text, rule.condition.span)}"
        case Timeline():
            ends = [e.span for e in (rule.subject, *rule.bounds)]
            last = max(ends, key=lambda s: (s.end_line, s.end_column))
            first = rule.subject.span
            return text_at(text, Span(first.line, first.column, last.end_line, last.end_column)) or "?"
        case Decision():
            return "; ".join(snippet(text, r.span) for r in rule.all_rows)
        case Calculation():
            return f"= {snippet(text, rule.expr.span)}"
        case Group():
            return "eisen: " + ", ".join(rule.members)
    return ""


# ---------------------------------------------------------------- suggestions
_STOP = frozenset({"de", "het", "een", "en", "of", "van", "in", "op", "voor", "is", "aan", "met", "te", "die",
                   "dat", "bij", "naar", "zijn", "wordt", "worden", "kan", "moet", "dient", "als", "door", "om",
                   "tot", "er", "niet", "ook", "zo", "dan", "wij", "u", "zij", "hun", "haar", "deze", "dit", "uit",
                   "over", "per",
                   # the words of a bound say how, not what: "ten hoogste een derde" and "maximaal de helft"
                   "ten", "minste", "tenminste", "hoogste", "maximaal", "minimaal", "meer", "minder", "groter",
                   "kleiner"})


def _words(text: str | None) -> set[str]:
    """The content words of a text, lower case, without accents, cut to a stem of six letters."""
    if not text:
        return set()
    plain = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
    return {w[:6] for w in re.findall(r"[a-z0-9]+", plain) if w not in _STOP and (len(w) > 2 or w.isdigit())}


def _overlap(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


class _Profile:
    """What suggestions compare of a rule: the words of its title, source and gegevens."""

    def __init__(self, rule: Rule, model: Policy):
        self.rule = rule
        self.title = _words(rule.title or rule.name.replace("_", " "))
        self.source = _words(rule.source)
        own = rule.inputs if not isinstance(rule, Group) else frozenset()
        self.fields = set().union(*(_words(model.fields[f].label or f) for f in own)) if own else set()
        self.types = {str(model.fields[f].type) for f in own}

    def score(self, other: _Profile) -> float:
        """0..1; 0 when the titles share too few words (kinds and types alone say little)."""
        if _overlap(self.title, other.title) < 0.2:
            return 0.0
        same_kind = 1.0 if self.rule.kind is other.rule.kind else 0.0
        types = _overlap(self.types, other.types)
        return (0.5 * _overlap(self.title, other.title) + 0.2 * _overlap(self.fields, other.fields)
                + 0.1 * _overlap(self.source, other.source) + 0.1 * same_kind + 0.1 * types)


def _pairs(old: Policy, new: Policy, floor: float) -> list[tuple[float, str, str]]:
    a = [_Profile(r, old) for r in old.rules.values()]
    b = [_Profile(r, new) for r in new.rules.values()]
    scored = sorted(((x.score(y), x.rule.name, y.rule.name) for x in a for y in b), key=lambda t: (-t[0], t[1], t[2]))
    taken_a: set[str] = set()
    taken_b: set[str] = set()
    out = []
    for score, x, y in scored:
        if score < floor or x in taken_a or y in taken_b:
            continue
        taken_a.add(x)
        taken_b.add(y)
        out.append((score, x, y))
    return sorted(out, key=lambda t: old.rules[t[1]].index)


def _field_pairs(old: Policy, new: Policy, rules: list[tuple[float, str, str]]) -> list[tuple[str, str]]:
    """Gegevens read by paired rules, paired by the words of their descriptions and their type."""
    out: list[tuple[str, str]] = []
    taken: set[str] = set()
    for _, x, y in rules:
        a, b = old.rules[x], new.rules[y]
        for f in sorted(a.inputs):
            if f in taken or isinstance(a, Group):
                continue
            fa = old.fields[f]
            options = [(_overlap(_words(fa.label or f), _words(new.fields[g].label or g)), g) for g in sorted(b.inputs)
                       if new.fields[g].type == fa.type and g not in {p[1] for p in out}]
            best = max(options, default=(0.0, ""))
            if best[0] >= 0.2 or (f in new.fields and new.fields[f].type == fa.type and best[1] == f):
                out.append((f, best[1]))
                taken.add(f)
    return out


def _quoted(text: str | None, limit: int = 90) -> str:
    text = (text or "").replace('"', "'")
    return text if len(text) <= limit else text[:limit - 1] + "…"


def suggest(old, new, floor: float = 0.3) -> str:
    """A draft koppeling between two compiled policies (see the module docstring)."""
    om, nm = old.model, new.model
    rules = _pairs(om, nm, floor)
    fields = _field_pairs(om, nm, rules)
    out = [f"# Voorstel voor een koppeling: {Path(om.filename).name} → {Path(nm.filename).name}.",
           "# Gemaakt uit titels, bronnen, soorten en gegevens van de regels; controleer elk paar, verbeter",
           "# of schrap het, en geef elk begrip een eigen naam. Niet gekoppelde regels blijven buiten het",
           "# vergelijk per begrip.",
           f'koppeling "{_quoted(om.title)} → {_quoted(nm.title)}"',
           f'oud "{Path(om.filename).name}"', f'nieuw "{Path(nm.filename).name}"', ""]
    for score, x, y in rules:
        a, b = om.rules[x], nm.rules[y]
        out += [f"# {score:.2f}".replace(".", ",") + f" — oud: {_quoted(a.title, 70)} — nieuw: {_quoted(b.title, 70)}",
                f'begrip "{_quoted(a.title or x)}"', f"  regel {x} = {y}", ""]
    if fields:
        out.append("# gegevens die de gekoppelde regels lezen")
        out += [f"gegeven {x} = {y}" for x, y in fields]
    left = len(om.rules) - len(rules)
    out.append(f"# niet gekoppeld: {left} van {len(om.rules)} regels van het oude beleid, "
               f"{len(nm.rules) - len(rules)} van {len(nm.rules)} van het nieuwe")
    return "\n".join(out) + "\n"
