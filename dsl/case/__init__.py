"""Case loading: a dict, JSON or YAML file -> the typed input tuple a compiled policy takes.

Contract: `load_case(model, data)` returns a `Case` whose `values` follow the order of the
policy's gegevens, each converted to its runtime type (Decimal for bedrag, percentage and
getal; int for aantal and for durations, counted in the base unit of their family; date,
datetime, bool, str, tuple). A fact that is absent or `null` is unknown (None) and listed in
`missing` (so is the text "onbekend"); with `complete=True` an absent fact is refused instead.
An unknown field, a value of the wrong type ("abc" for a bedrag, "31-02-2024" for a datum), NaN,
a value outside the default range (a negative bedrag, a percentage outside 0–100) or a percentage
given as a bare number strictly between 0 and 1 (ambiguous: 0.41 could be 41 % or 0,41 %) raises
`CaseError` naming every field at fault and what was expected. Nothing is guessed.

`read_case_file(path)` reads a JSON or YAML file strictly and safely (a name given twice, YAML
tags, anchors and aliases, more than 10 MB, nesting deeper than a lijst in the case, more than
100,000 values in a lijst: each refused in Dutch with its line and column); the rules are written
down for users in docs/casus.md; `read_case_text(text)` reads JSON or YAML text by the same
rules; `date_option(option, text)` reads the date of a command-line option. `written(value, t)` gives a runtime value as a case writes it, so
that code handing typed values back to the loader (as a dict) is read unchanged.

`compile_case_loader(model)` generates, once per policy, a function with the same contract for
a Mapping, built for speed: a value that already has its runtime type and lies in its range (a
finite Decimal, an int for an aantal or a duration in its declared unit, a date, a bool, a str
that is one of a keuze's options, ...) passes through untouched; plainly written text
("€ 240.000", "41%", "ja", "1 april 2024") is read by the small readers below, which give what
dsl.literals gives for it;
only other values go through `convert`. On any problem (an unknown key, a refused value, a
missing fact with `complete=True`) it hands the whole case to `load_case`, so errors are the
same word for word. Like the compiler, it builds an `ast.Module` in which gegeven names are only
`ast.Constant` keys and types and options are bound through the namespace, and checks the tree
against an allow-list before compiling it.
"""

from dsl.case.conversion import MAX_ITEMS, convert, date_option, written
from dsl.case.loader import compile_case_loader
from dsl.case.reading import MAX_BYTES, MAX_DEPTH, CaseFile, load_case, read_case_file, read_case_text
from dsl.case.values import PEILDATUM, Case, CaseValueError

__all__ = ["MAX_BYTES", "MAX_DEPTH", "MAX_ITEMS", "PEILDATUM", "Case", "CaseFile", "CaseValueError",
           "compile_case_loader", "convert", "date_option", "load_case", "read_case_file", "read_case_text", "written"]
