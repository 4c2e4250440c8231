"""What each word of a Beleidstaal cell is, for both highlighters: Pygments and JupyterLab.

Contract: the words come from the grammar (`dsl.vocabulary`) plus the notebook commands
(`kernel.cells.COMMANDS`); nothing is listed here but the class each group is shown as
(`GROUP_CLASSES`, CodeMirror tag names). `entries()` gives (pattern, class) for every keyword,
each text once and longest first, so one alternation of the patterns takes "ten minste een van"
before "ten minste"; a text in two groups (`dag` is a unit and the `dag` of `dag 3 van x`) takes
the class of the group listed first. `kernel.lexer` maps the classes to Pygments tokens;
`labextension_data()` is what the labextension's build writes to its `src/vocabulary.json`
(with a digest that `tests/test_vocabulary.py` looks for in the prebuilt bundle).
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from pathlib import Path

from dsl.vocabulary import Phrase, Vocabulary, vocabulary
from kernel.cells import COMMANDS

# Group of the vocabulary -> highlight class, in order of precedence.
GROUP_CLASSES = (
    ("statements", "definitionKeyword"),
    ("types", "typeName"),
    ("constants", "atom"),
    ("comparisons", "operatorKeyword"),
    ("units", "literal"),
    ("months", "literal"),
    ("weekdays", "literal"),
    ("number_words", "number"),
    ("keywords", "keyword"),
)
LABEXTENSION_JSON = Path(__file__).resolve().parent / "labextension" / "src" / "vocabulary.json"


def _group(v: Vocabulary, name: str) -> tuple[Phrase, ...]:
    if name == "statements":
        return tuple(Phrase(word, re.escape(word), word.upper()) for word in v.statements)
    return getattr(v, name)


@functools.lru_cache(maxsize=1)
def entries() -> tuple[tuple[str, str], ...]:
    """(pattern, class) for every keyword of the language (see the module contract)."""
    v = vocabulary()
    chosen: dict[str, tuple[str, str]] = {}
    for group, cls in GROUP_CLASSES:
        for phrase in _group(v, group):
            chosen.setdefault(phrase.text, (phrase.pattern, cls))
    missing = set(v.texts) - set(chosen)
    if missing:  # every keyword of the grammar is in some group: a new group would land here
        raise ValueError(f"keywords without a highlight class: {sorted(missing)}")
    return tuple(chosen[text] for text in sorted(chosen, key=lambda t: (-len(t), t)))


def labextension_data() -> dict:
    """The vocabulary the JupyterLab extension is built with: the commands, the keyword
    entries, and the month and unit patterns its date and duration literals use."""
    v = vocabulary()
    data = {"commands": list(COMMANDS), "words": [list(e) for e in entries()],
            "months": [p.pattern for p in v.months], "units": [p.pattern for p in v.units]}
    data["digest"] = hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]
    return data


def labextension_json() -> str:
    """`labextension_data()` as JSON text, one entry a line (so a change reads well in a diff)."""
    def dump(value) -> str:
        return json.dumps(value, ensure_ascii=False)

    parts = [f' "{key}": [\n' + ",\n".join(f"  {dump(item)}" for item in value) + "\n ]"
             if isinstance(value, list) else f' "{key}": {dump(value)}'
             for key, value in labextension_data().items()]
    return "{\n" + ",\n".join(parts) + "\n}\n"


if __name__ == "__main__":  # the labextension's build step: python -m kernel.highlight
    LABEXTENSION_JSON.write_text(labextension_json(), encoding="utf-8")
