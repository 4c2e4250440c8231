"""Policies from a hand-written generator that follows the grammar and picks names and operands by
type, so that most pass the checker and reach the compiler, the runtime and the explanation."""

from __future__ import annotations

import random
import re

from dsl.core.model import STATUSES, RuleKind

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
