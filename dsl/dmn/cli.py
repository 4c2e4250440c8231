"""The `beleid dmn` subcommand: import a DMN model, export a policy's beslissingen, run TCK tests.

Added to the core command line through the `beleidstaal.opdrachten` entry point
(`dmn = "dsl.dmn.cli:register"`), so `dsl.cli` never imports this package. Exit codes follow
`dsl.cli`: 0 when all is well; 1 for a model, policy or test file at fault (Dutch diagnostics,
raised as `BeleidError` for `dsl.cli.main` to print), a file that could not be written, or a
failing or unsupported test case; 2 for a wrong command line. Files are written atomically.
"""

from __future__ import annotations

import sys
from pathlib import Path


def register(sub, command) -> None:
    """Add `beleid dmn importeer | exporteer | test`."""
    dmn = command(sub, "dmn", "importeer, exporteer en test DMN-beslismodellen",
                  "DMN (Decision Model and Notation, OMG) naast Beleidstaal: een DMN-model als beleid "
                  "importeren, de beslissingen van een beleid als DMN 1.3 exporteren, en TCK-tests draaien.")
    actions = dmn.add_subparsers(dest="dmn_actie", metavar="ACTIE", title="acties", required=True)
    importeer = command(actions, "importeer", "een DMN-model als .beleid", "Zet een DMN-model (DMN 1.1–1.5) om "
                        "in een leesbaar beleid; wat niet kan, wordt per element gemeld.")
    importeer.add_argument("model", metavar="MODEL.dmn", help="het DMN-bestand")
    importeer.add_argument("--uit", metavar="X.beleid", help="schrijf het beleid hierheen (anders naar het scherm)")
    _null_options(importeer)
    importeer.set_defaults(handler=run_import)
    exporteer = command(actions, "exporteer", "de beslissingen van een beleid als DMN 1.3",
                        "Schrijf de beslissingen van een beleid (met de berekeningen en gegevens die ze gebruiken) "
                        "als DMN 1.3-model.")
    exporteer.add_argument("beleid", metavar="BELEID", help="het .beleid-bestand")
    exporteer.add_argument("--uit", metavar="X.dmn", help="schrijf het model hierheen (anders naar het scherm)")
    exporteer.set_defaults(handler=run_export)
    test = command(actions, "test", "draai een TCK-testbestand tegen een DMN-model",
                   "Importeer het model en draai elk testgeval van een testbestand in het formaat van de DMN TCK "
                   "(inputNode/resultNode); eindigt met 'N geslaagd, M mislukt'.")
    test.add_argument("model", metavar="MODEL.dmn", help="het DMN-bestand")
    test.add_argument("tests", metavar="TESTS.xml", help="het testbestand (TCK-formaat)")
    _null_options(test)
    test.set_defaults(handler=run_test)


def _null_options(parser) -> None:
    """`--null dmn|beleidstaal` for every table, `--null-dmn T` / `--null-beleidstaal T` for one."""
    parser.add_argument("--null", choices=("dmn", "beleidstaal"), default="dmn",
                        help="wat een ontbrekend gegeven betekent in elke beslistabel: 'dmn' (standaard: een test "
                             "erop geldt niet en de tabel gaat verder) of 'beleidstaal' (de beslissing wordt onbekend)")
    parser.add_argument("--null-dmn", metavar="TABEL", action="append", default=[],
                        help="deze beslistabel (DMN- of Beleidstaal-naam) met de betekenis van DMN; herhaalbaar")
    parser.add_argument("--null-beleidstaal", metavar="TABEL", action="append", default=[],
                        help="deze beslistabel met de betekenis van Beleidstaal; herhaalbaar")


def _nulls(args):
    from dsl.dmn.importer import NullChoice

    tables = dict.fromkeys(getattr(args, "null_dmn", None) or (), "dmn")
    tables.update(dict.fromkeys(getattr(args, "null_beleidstaal", None) or (), "beleidstaal"))
    return NullChoice(getattr(args, "null", None) or "dmn", tables)


def _write(text: str, target: str | None) -> int:
    from dsl.atomic import write_text
    from dsl.errors import os_problem

    if target is None:
        sys.stdout.write(text)
        return 0
    try:
        write_text(target, text)
    except OSError as err:
        print(f"beleid: kan {target} niet schrijven: {os_problem(err, writing=True)}", file=sys.stderr)
        return 1
    print(f"{target}: geschreven", file=sys.stderr)
    return 0


def run_import(args) -> int:
    from dsl.dmn.importer import import_model
    from dsl.dmn.xml import read_dmn

    imported = import_model(read_dmn(args.model), nulls=_nulls(args))
    return _write(imported.text, args.uit)


def run_export(args) -> int:
    from dsl.dmn.exporter import export_policy
    from dsl.policy import load_policy

    return _write(export_policy(load_policy(args.beleid).model), args.uit)


def run_test(args) -> int:
    from dsl.dmn.importer import import_model
    from dsl.dmn.tck import read_tests, run_case
    from dsl.dmn.xml import read_dmn
    from dsl.policy import compile_text

    imported = import_model(read_dmn(args.model), nulls=_nulls(args))
    tests = read_tests(args.tests)
    policy = compile_text(imported.text, f"{args.model} (als beleid)")
    passed = failed = unsupported = 0
    for case in tests.cases:
        result = run_case(policy, imported, case)
        if not result.supported:
            unsupported += 1
            verdict = "niet ondersteund"
        elif result.passed:
            passed += 1
            verdict = "geslaagd"
        else:
            failed += 1
            verdict = "mislukt"
        print(f"{Path(args.tests).name}:{case.span.line}: testgeval {case.id}: {verdict}")
        for line in result.lines:
            print(f"  {line}")
    summary = f"{passed} geslaagd, {failed} mislukt"
    if unsupported:
        summary += f", {unsupported} niet ondersteund"
    print(summary)
    return 0 if not failed and not unsupported else 1
