"""Run the decision-table cases of a DMN TCK checkout through `beleid dmn` and say how each fares.

Usage: python benchmarks/tck.py PATH/TO/tck [--niveau 2 3] [--alle]

PATH is a checkout of https://github.com/dmn-tck/tck (Apache 2.0; not shipped with Beleidstaal).
For every case folder of TestCases/compliance-level-N whose model has a decision table (with
`--alle`: every case), the model is imported (`dsl.dmn.importer`) and every test file of the
folder is run (`dsl.dmn.tck`). Per case it prints `geslaagd` (every test case passes), `mislukt`
(one or more give another result; the differences are listed) or `niet ondersteund` with each
reason: the DMN element and the feature Beleidstaal lacks for it. It ends with a count per level
and a count of cases per missing feature: the work list for the language.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dsl.dmn.importer import import_model
from dsl.dmn.tck import read_tests, run_case
from dsl.dmn.xml import parse_xml, read_dmn
from dsl.errors import BeleidError
from dsl.policy import compile_text


def has_decision_table(path: Path) -> bool:
    try:
        root, _, _ = parse_xml(path.read_bytes(), str(path))
    except BeleidError:
        return False
    return any(e.tag.rpartition("}")[2] == "decisionTable" for e in root.iter())


def models_of(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.dmn"))


def reason_of(message: str) -> str:
    """The feature a diagnostic names, without the element it was found on."""
    return message.partition("niet te importeren: ")[2] or message


def feature_of(reason: str) -> str:
    """A short name for the missing feature, for the tally."""
    rules = [(r"hit policy (COLLECT \w+|[A-Z ]+?) \(", lambda m: f"hit policy {m.group(1)}"),
             (r"(\d+) uitkomsten per regel", lambda m: "meerdere uitkomsten per regel"),
             (r"business knowledge model", lambda m: "business knowledge model"),
             (r"FEEL-functie '([^']+)'", lambda m: f"FEEL-functie {m.group(1)}"),
             (r"gestructureerd", lambda m: "gestructureerde invoer/typen"),
             (r"een lijst|lijst \(|'\w+': een lijst", lambda m: "lijsten"),
             (r"boxed context|een context", lambda m: "boxed context"),
             (r"\*\*", lambda m: "machtsverheffen (**)"),
             (r"tijd van de dag", lambda m: "tijd van de dag (time)"),
             (r"een duur", lambda m: "duur (duration)"),
             (r"'null'|lege uitkomst", lambda m: "null (ontbrekende waarde)"),
             (r"import", lambda m: "import van een ander model"),
             (r"invocation", lambda m: "invocation"),
             (r"teksten ordenen", lambda m: "teksten ordenen (<, >)"),
             (r"FEEL '(\w+)'", lambda m: f"FEEL '{m.group(1)}'")]
    for pattern, name in rules:
        match = re.search(pattern, reason)
        if match:
            return name(match)
    return reason


def _one_per_feature(reasons: list[str]) -> list[str]:
    """Each missing feature once, with the first reason that names it (and how many more)."""
    grouped: dict[str, list[str]] = {}
    for reason in reasons:
        grouped.setdefault(feature_of(reason), []).append(reason)
    return [found[0] + (f" (en nog {len(found) - 1} keer)" if len(found) > 1 else "") for found in grouped.values()]


def run_case_folder(folder: Path) -> tuple[str, list[str], set[str]]:
    """(verdict, lines, missing features) for one TCK case folder."""
    tests = sorted(folder.glob("*-test-*.xml"))
    models = models_of(folder)
    if not models or not tests:
        return "niet ondersteund", ["geen model of geen testbestand"], {"geen model"}
    main = next((m for m in models if m.stem == folder.name), models[0])
    if len(models) > 1:
        extra = ", ".join(m.name for m in models if m != main)
        return "niet ondersteund", [f"meer dan één model (import van {extra})"], {"import van een ander model"}
    try:
        imported = import_model(read_dmn(main))
    except BeleidError as err:
        reasons = list(dict.fromkeys(reason_of(d.message) for d in err.diagnostics))
        return "niet ondersteund", _one_per_feature(reasons), {feature_of(r) for r in reasons}
    policy = compile_text(imported.text, str(main))
    lines, failed, unsupported, features = [], 0, 0, set()
    for test_file in tests:
        for case in read_tests(test_file).cases:
            result = run_case(policy, imported, case)
            if not result.supported:
                unsupported += 1
                lines += [f"testgeval {case.id}: {line}" for line in result.lines]
                features |= {feature_of(line) for line in result.lines}
            elif not result.passed:
                failed += 1
                lines += [f"testgeval {case.id}: {line}" for line in result.lines if "verschilt" in line]
    if failed:
        return "mislukt", lines, features
    if unsupported:
        return "niet ondersteund", lines, features
    return "geslaagd", lines, features


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("tck", type=Path, help="een checkout van github.com/dmn-tck/tck")
    parser.add_argument("--niveau", type=int, nargs="+", default=[2, 3], help="compliance levels (standaard 2 3)")
    parser.add_argument("--alle", action="store_true", help="ook gevallen zonder beslistabel")
    args = parser.parse_args(argv)
    features: Counter[str] = Counter()
    for level in args.niveau:
        root = args.tck / "TestCases" / f"compliance-level-{level}"
        if not root.is_dir():
            print(f"{root}: geen map; geef de map van een TCK-checkout", file=sys.stderr)
            return 2
        counts: Counter[str] = Counter()
        print(f"== compliance level {level}")
        for folder in sorted(p for p in root.iterdir() if p.is_dir()):
            if not args.alle and not any(has_decision_table(m) for m in models_of(folder)):
                continue
            verdict, lines, missing = run_case_folder(folder)
            counts[verdict] += 1
            features.update(missing)
            print(f"{folder.name}: {verdict}")
            for line in lines:
                print(f"    {line}")
        total = sum(counts.values())
        print(f"niveau {level}: {total} gevallen: {counts['geslaagd']} geslaagd, {counts['mislukt']} mislukt, "
              f"{counts['niet ondersteund']} niet ondersteund\n")
    print("== ontbrekend, naar het aantal gevallen dat het nodig heeft")
    for feature, count in features.most_common():
        print(f"{count:3}  {feature}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
