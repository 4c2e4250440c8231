"""The `beleid` command: check a policy, evaluate a case with its explanation, run voorbeelden.

Contract: `main(argv)` returns the exit code (docs/opdrachtregel.md): 0 when all is well; 1 for
a mistake in a policy or a case (printed as Dutch diagnostics with file:line:column and a caret,
never a traceback), a failing voorbeeld, a consistency finding, versions that differ or an output
file that could not be written; 2 for a wrong command line; 3 when a table had rows refused;
4 under `evalueer --streng` when a verdict is not in order; 5 when `evalueer` gets a case that violates
an `aanname` of the policy (the outcome is still printed, the violation named first); 70 for a defect in Beleidstaal
itself (said in Dutch; `BELEID_DEBUG=1` shows the Python traceback instead).
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import os
import sys
from pathlib import Path

from dsl.errors import BeleidError

DESCRIPTION = """Beleidstaal: zorginkoopbeleid als code.

Controleer een beleid, evalueer een casus met een uitleg per regel, en draai de voorbeelden
die in een beleid staan."""

EPILOG = """voorbeelden:
  beleid controleer policies/wijkverpleging_2024.beleid
  beleid evalueer policies/wijkverpleging_2024.beleid --casus policies/casussen/wijkverpleging_thuiszorg_noord.json
  beleid test policies/"""


class _Formatter(argparse.RawDescriptionHelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        return super().add_usage(usage, actions, groups, prefix="gebruik: " if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", _Formatter)
        kwargs.setdefault("allow_abbrev", False)   # `--ca` is no guess at --casus or --casussen
        super().__init__(*args, **kwargs)
        self._optionals.title = "opties"
        self._positionals.title = "argumenten"

    def error(self, message):  # argparse's own words are English; say it in Dutch
        self.print_usage(sys.stderr)
        translated = (message.replace("the following arguments are required", "deze argumenten ontbreken")
                      .replace("one of the arguments", "geef een van deze argumenten:")
                      .replace(" is required", "")
                      .replace("not allowed with argument", "gaat niet samen met")
                      .replace("invalid choice", "onbekende keuze").replace("choose from", "kies uit")
                      .replace("unrecognized arguments", "onbekende argumenten")
                      .replace("ambiguous option", "dubbelzinnige optie").replace("could match", "kan zijn")
                      .replace("invalid int value", "geen heel getal")
                      .replace("invalid float value", "geen getal").replace("expected one argument",
                                                                             "verwacht één waarde"))
        self.exit(2, f"beleid: fout: {translated}\n")


def _not_negative(text: str) -> int:
    """An argparse type: a whole number of at least 0, refused in Dutch otherwise."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is geen heel getal") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{value} is negatief; geef 0 of meer")
    return value


def _command(sub, name: str, summary: str, description: str) -> argparse.ArgumentParser:
    """A subcommand with a Dutch -h/--help."""
    command = sub.add_parser(name, help=summary, description=description, add_help=False)
    command.add_argument("-h", "--help", action="help", help="toon deze hulp en stop")
    return command


def _search_budget(command) -> None:
    command.add_argument("--zoek-voorbeelden", type=int, metavar="N",
                         help="hoeveel casussen elke zoektocht probeert waar de solver niet kan; dit begrenst "
                              "de zoektocht, herhaalbaar (standaard 2000; ook via BELEID_ZOEK_VOORBEELDEN)")
    command.add_argument("--zoek-seconden", type=float, metavar="S",
                         help="een tijdgrens per zoektocht, alleen als vangnet (standaard 600; ook via "
                              "BELEID_ZOEK_SECONDEN); het rapport zegt het als zij een zoektocht afbreekt")
    command.add_argument("--zoek-zaad", type=int, metavar="Z",
                         help="beginwaarde van de zoektocht: dezelfde waarde geeft dezelfde casussen, een andere "
                              "waarde zoekt elders (standaard 0; ook via BELEID_ZOEK_ZAAD)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="beleid", description=DESCRIPTION, epilog=EPILOG, add_help=False)
    parser.add_argument("-h", "--help", action="help", help="toon deze hulp en stop")
    sub = parser.add_subparsers(dest="command", metavar="OPDRACHT", title="opdrachten")
    for add in (_add_check, _add_evaluate, _add_test, _add_diff, _add_sources):
        add(sub)
    for register in _plugins():
        register(sub, _command)
    return parser


def _add_check(sub) -> None:
    check = _command(sub, "controleer", "controleer de schrijfwijze, namen, typen en eenheden van een beleid",
                     "Controleer een beleid: syntaxis, namen, typen en eenheden. Alle fouten worden in één keer "
                     "gemeld.")
    check.add_argument("bestand", metavar="BESTAND", help="het .beleid-bestand")
    check.add_argument("--consistentie", action="store_true",
                       help="zoek ook gaten, overlappen, tegenstrijdigheden en onmogelijke termijnen")
    check.add_argument("--rapport", metavar="BESTAND",
                       help="schrijf het consistentierapport ook naar BESTAND (.html of .md)")
    check.add_argument("--json", action="store_true",
                       help="met --consistentie: het rapport als één JSON-object op stdout (schema: "
                            "docs/consistentie.schema.json)")
    check.add_argument("--vergelijk", metavar="VORIG.json",
                       help="met --consistentie: vergelijk met een rapport dat eerder met --json is geschreven; "
                            "elke bevinding is dan nieuw of eerder gemeld, en alleen nieuwe geven exitcode 1")
    _search_budget(check)


def _add_evaluate(sub) -> None:
    ev = _command(sub, "evalueer", "evalueer een casus of een tabel met casussen en leg de uitkomst uit",
                  "Evalueer een casus (JSON of YAML) tegen een beleid en toon per regel de uitkomst met een "
                  "Nederlandse uitleg en de bron; of evalueer een hele tabel met casussen (--casussen: CSV, "
                  "Parquet of JSON Lines) naar een uitvoerbestand (--uit), met een samenvatting.")
    ev.add_argument("bestand", metavar="BESTAND", help="het .beleid-bestand")
    which = ev.add_mutually_exclusive_group(required=True)
    which.add_argument("--casus", metavar="CASUS", help="de casus: een .json- of .yaml-bestand")
    which.add_argument("--casussen", metavar="TABEL",
                       help="een tabel met casussen: .csv (ook met puntkomma's en decimale komma's), .parquet "
                            "(of een map met Parquet-bestanden) of .jsonl")
    ev.add_argument("--uit", metavar="UITVOER",
                    help="met --casussen: schrijf per rij de uitkomsten naar UITVOER (.csv, .parquet of .jsonl)")
    ev.add_argument("--rij", metavar="SLEUTEL",
                    help="met --casussen: leg één rij uit, gevonden op de waarde van een sleutelkolom (of op "
                         "rijnummer), zoals bij --casus")
    ev.add_argument("--sleutel", metavar="KOLOM", help="met --rij: de kolom waarin SLEUTEL staat")
    ev.add_argument("--motor", choices=["polars", "python", "spark"], default="polars",
                    help="met --casussen: polars (standaard, kolomsgewijs), python (per casus) of spark (schrijft een "
                         "map met Parquet-bestanden); de uitkomsten zijn gelijk")
    ev.add_argument("--peildatum", metavar="DATUM",
                    help="met --casussen: de peildatum voor rijen zonder kolom 'peildatum' (zoals 2024-01-01)")
    ev.add_argument("--json", action="store_true", help="uitkomst als JSON, voor programma's")
    ev.add_argument("--volledig", action="store_true",
                    help="weiger een casus waarin gegevens ontbreken (standaard: ontbrekend = onbekend)")
    ev.add_argument("--diepte", type=_not_negative, default=2, metavar="N",
                    help="hoe diep de uitleg gaat (standaard 2; 0 = alleen de regels)")
    ev.add_argument("--streng", action="store_true",
                    help="exitcode 4 als een eis, groep, termijn of beslissing niet in orde is (niet voldaan, "
                         "niet gehaald, onbekend, geen uitkomst of meerdere regels); voor scripts en CI")
    ev.add_argument("--wat-als", action="store_true",
                    help="toon ook de kleinste verandering van één gegeven die een niet voldane eis, "
                         "een gemiste termijn of een andere uitkomst van een beslissing oplevert")


def _add_test(sub) -> None:
    test = _command(sub, "test", "draai de voorbeelden van een beleid of een map met beleid",
                    "Draai de voorbeelden ('voorbeeld') van een beleid, of van alle .beleid-bestanden in een map, "
                    "en meld per voorbeeld wat afwijkt.")
    test.add_argument("pad", metavar="BESTAND_OF_MAP", help="een .beleid-bestand of een map")
    test.add_argument("--diepte", type=_not_negative, default=1, metavar="N",
                      help="hoe diep de uitleg bij een mislukt voorbeeld gaat (standaard 1; 0 = alleen de regel)")
    test.add_argument("--dekking", action="store_true",
                      help="meld welke eisen, regels, uitzonderingen en takken de voorbeelden (niet) raken")


def _add_diff(sub) -> None:
    diff = _command(sub, "verschil", "vergelijk twee versies van een beleid",
                    "Semantisch verschil tussen twee versies van een beleid: gewijzigde grenzen en data, "
                    "toegevoegde of verwijderde regels, en casussen met een andere uitkomst. Alleen wat de "
                    "betekenis verandert telt; met een koppeling van namen ook tussen twee verzekeraars.")
    diff.add_argument("oud", metavar="OUD", help="de oude versie (.beleid)")
    diff.add_argument("nieuw", metavar="NIEUW", nargs="?",
                      help="de nieuwe versie (.beleid); weg te laten met --oud-op en --nieuw-op: dan is het "
                           "hetzelfde beleid op twee datums")
    diff.add_argument("--rapport", metavar="BESTAND", help="schrijf het verschil ook naar BESTAND (.html of .md)")
    diff.add_argument("--koppeling", metavar="BESTAND",
                      help="vergelijk per begrip met deze koppeling van namen (.koppeling); standaard "
                           "koppelingen/OUD__NIEUW.koppeling naast OUD, als die bestaat")
    diff.add_argument("--stel-koppeling-voor", action="store_true",
                      help="schrijf een voorstel voor een koppeling tussen OUD en NIEUW en stop")
    diff.add_argument("--oud-op", metavar="DATUM",
                      help="lees OUD zoals het op DATUM luidt: elke regel met versies ('geldig vanaf', 'wijziging') "
                           "in de versie van die dag")
    diff.add_argument("--nieuw-op", metavar="DATUM", help="lees NIEUW (of OUD, zonder NIEUW) zoals het op DATUM luidt")
    _search_budget(diff)


def _add_sources(sub) -> None:
    sources = _command(sub, "bronnen", "controleer de citaten van een beleid tegen de tekst van het document",
                       "Herleidbaarheid: controleer dat elk citaat ('citaat \"...\"') van het beleid letterlijk in "
                       "het document staat (na het gelijktrekken van witruimte, afbrekingen, aanhalingstekens en "
                       "streepjes), en noem de zinnen van het document met een regel (bedragen, percentages, "
                       "termijnen, 'ten minste', 'uiterlijk', 'mag', 'moet', ...) die geen citaat dekt. "
                       "Exitcode 1 bij een verouderd citaat.")
    sources.add_argument("bestand", metavar="BELEID", help="het .beleid-bestand")
    sources.add_argument("--document", required=True, metavar="TEKST",
                         help="het brondocument als tekstbestand (UTF-8), zoals policies/documenten/*.txt")
    sources.add_argument("--json", action="store_true", help="het resultaat als JSON, voor programma's")


@functools.cache
def _plugins() -> list:
    """Subcommands other packages add through the `beleidstaal.opdrachten` entry point (the
    notebook package adds `kernel`): each is a function `register(sub, command)` that adds its
    subparser with `command(sub, name, summary, description)` and sets `handler` on it. Looked up
    once per process (reading the installed packages' metadata took 60 ms per command run)."""
    from importlib.metadata import entry_points

    found = []
    for entry in entry_points(group="beleidstaal.opdrachten"):
        try:
            found.append(entry.load())
        except ImportError:  # the package is installed without its dependencies: leave it out
            continue
    return found


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    if (problem := _overwrites_input(args)) is not None:
        print(f"beleid: {problem}", file=sys.stderr)
        return 2
    try:
        handler = COMMANDS.get(args.command) or args.handler
        return handler(args)
    except BeleidError as err:
        print(err.render(), file=sys.stderr)
        return 1
    except (KeyboardInterrupt, BrokenPipeError):
        raise
    except Exception as err:   # a defect in Beleidstaal itself: said in Dutch, the stack only on request
        if os.environ.get("BELEID_DEBUG"):
            raise
        print(f"beleid: interne fout ({type(err).__name__}) in Beleidstaal, niet in uw beleid of casus; meld het "
              "bij de makers met de opdracht en de bestanden (BELEID_DEBUG=1 toont de Python-details)",
              file=sys.stderr)
        return EXIT_INTERNAL


OUTPUTS = ("uit", "rapport")   # the options that name a file (or folder) a command writes


def _overwrites_input(args) -> str | None:
    """Why the command may not run when a file it writes is one it reads (`--uit` the table of
    `--casussen`, `--rapport` the policy): the input would be replaced by the output and lost."""
    given = {key: value for key, value in vars(args).items() if isinstance(value, str) and value}
    for option in OUTPUTS:
        target = given.get(option)
        if target is None:
            continue
        for key, source in given.items():
            if key in OUTPUTS or not os.path.exists(source):
                continue
            with contextlib.suppress(OSError):
                if os.path.exists(target) and os.path.samefile(target, source):
                    return (f"--{option} {target} is ook de invoer van deze opdracht ({source}); die zou "
                            "overschreven worden: kies een ander uitvoerbestand")
                if os.path.isdir(source) and Path(target).resolve().is_relative_to(Path(source).resolve()):
                    return (f"--{option} {target} ligt in de map {source} die deze opdracht leest: een volgende "
                            "keer zouden de uitkomsten als invoer gelezen worden; kies een plaats buiten die map")
    return None


def _search_storage() -> None:
    """Hypothesis keeps a cache (of Unicode tables) in `.hypothesis` under the current folder;
    a command run in a user's folder must not leave one there, so it goes to the user's cache."""
    try:
        from hypothesis.configuration import set_hypothesis_home_dir
    except ImportError:  # the analysis extra is missing; dsl.analysis says so in Dutch
        return
    from dsl.cache import user_cache

    set_hypothesis_home_dir(user_cache() / "hypothesis")


def cmd_check(args) -> int:
    from dsl.policy import load_policy

    policy = load_policy(args.bestand)
    if args.consistentie:
        from dsl.analysis.cli import run_consistency

        _search_storage()
        return run_consistency(args, policy)
    print(f"{args.bestand}: in orde ({', '.join(policy_counts(policy.model))})")
    return 0


def policy_counts(model) -> list[str]:
    """What a policy holds, counted: gegevens (and how many of them are oordelen), rules by kind
    (eisen with how many are verwachtingen; bevoegdheden apart from berekeningen), voorbeelden."""
    from dsl.core.model import is_advice, is_power
    from dsl.runtime.formatting import counted

    counts: dict[str, list] = {}
    for rule in model.rules.values():
        kind = ("bevoegdheid", "bevoegdheden") if is_power(rule) else (str(rule.kind), rule.kind.plural)
        counts.setdefault(kind[0], [kind, 0, 0])
        counts[kind[0]][1] += 1
        counts[kind[0]][2] += is_advice(rule)
    judged = len(model.judgements())
    parts = [counted(len(model.fields), "gegeven", "gegevens")
             + (f", waarvan {counted(judged, 'oordeel', 'oordelen')}" if judged else "")]
    for (one, many), n, soft in counts.values():
        parts.append(counted(n, one, many) + (f" (waarvan {counted(soft, 'verwachting', 'verwachtingen')})"
                                               if soft else ""))
    if model.network and model.network.rules:
        parts.append(counted(len(model.network.rules), "netwerkeis", "netwerkeisen"))
    if model.network and model.network.rankings:
        parts.append(counted(len(model.network.rankings), "voorkeur", "voorkeuren"))
    parts.append(counted(len(model.examples), "voorbeeld", "voorbeelden"))
    return parts


def cmd_evaluate(args) -> int:
    from dsl.policy import load_policy

    policy = load_policy(args.bestand)
    if args.casussen is not None:
        from dsl.batch.cli import run_batch

        return run_batch(args, policy, report_case)
    case = policy.load_case(args.casus, complete=args.volledig)
    return report_case(args, policy, policy.evaluate(case, trace=True), f"casus {args.casus}")


def report_case(args, policy, outcome, what: str) -> int:
    """Print one evaluated case: its explanation per rule and the closing summary (or JSON)."""
    from dsl.explain import closing_summary, explain, render
    from dsl.runtime.formatting import counted

    if args.json:
        data = outcome.to_dict()
        data["uitleg"] = {s.name: s.sentence for s in _flatten(explain(outcome)) if s.name}
        if policy.model.network:   # netwerkeisen and voorkeuren: about a table, never about one case
            data["netwerk"] = {item.name: "niet van toepassing op één casus"
                               for item in (*policy.model.network.rules, *policy.model.network.rankings)}
        if args.wat_als:
            from dsl.explain.whatif import suggestions_for

            data["wat_als"] = [suggestion.to_dict() for suggestion in suggestions_for(outcome)]
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return assumption_code(outcome, strict_code(args, policy, outcome.statuses))
    print(f"{policy.title} — {what}")
    if outcome.missing:
        shown = ", ".join(outcome.missing[:10]) + (f" en {len(outcome.missing) - 10} meer" if len(outcome.missing) > 10 else "")
        verb = "ontbreekt" if len(outcome.missing) == 1 else "ontbreken"
        print(f"{counted(len(outcome.missing), 'gegeven', 'gegevens')} {verb} in de casus en "
              f"{'is' if len(outcome.missing) == 1 else 'zijn'} onbekend: {shown}")
    print()
    print(render(explain(outcome), max_depth=args.diepte))
    print()
    for line in obligations_summary(outcome):   # before the summary, which stays the closing lines
        print(line)
    from dsl.core.network import case_lines

    for line in case_lines(policy.model):   # netwerkeisen and voorkeuren: about a table, not one case
        print(line)
    print("\n".join(closing_summary(outcome)))
    if args.wat_als:
        _print_what_if(outcome)
    return assumption_code(outcome, strict_code(args, policy, outcome.statuses))


EXIT_NOT_IN_ORDER = 4
EXIT_ASSUMPTION = 5   # the case violates an aanname of the policy


def assumption_code(outcome, code: int) -> int:
    """The exit code of an evaluated case given its `code` so far: 5 when the case violates an
    aanname (said on stderr), unless the code is already another failure."""
    violations = outcome.violations
    if not violations:
        return code
    from dsl.runtime.formatting import counted

    print(f"beleid: de casus schendt {counted(len(violations), 'aanname', 'aannames')} van het beleid: "
          + ", ".join(v.name for v in violations), file=sys.stderr)
    return code or EXIT_ASSUMPTION
EXIT_INTERNAL = 70   # EX_SOFTWARE: a defect in the tool


def strict_code(args, policy, statuses) -> int:
    """The exit code of an evaluated case: 0, or under `--streng` 4 when a verdict is not in
    order (`dsl.core.model.NOT_IN_ORDER`), named on stderr."""
    from dsl.core.model import NOT_IN_ORDER, STATUS_ORDER, is_verdict
    from dsl.runtime.formatting import counted

    if not getattr(args, "streng", False):
        return 0
    wrong = [(rule.name, status) for rule, status in zip(policy.model.rules.values(), statuses, strict=True)
             if is_verdict(rule) and status in NOT_IN_ORDER]
    wrong.sort(key=lambda item: STATUS_ORDER.index(item[1]))  # what needs attention first
    if not wrong:
        return 0
    shown = ", ".join(f"{name} ({status})" for name, status in wrong[:10])
    more = f" en {len(wrong) - 10} meer" if len(wrong) > 10 else ""
    print(f"beleid: --streng: {counted(len(wrong), 'regel', 'regels')} niet in orde: {shown}{more}", file=sys.stderr)
    return EXIT_NOT_IN_ORDER


_POWER_WORDS = {True: "mag", False: "mag niet", None: "onbekend of zij mag"}


def obligations_summary(outcome) -> list[str]:
    """The lines after the summary that say what a verdict alone does not: which eisen that are
    not met are advice (`verwacht`), whose obligations are not in order (aanbieder, verzekeraar),
    what the insurer may do in this case (its bevoegdheden, never a verdict), and which gegevens
    are someone's assessment (`oordeel van`) rather than a fact."""
    from dsl.core.model import NOT_IN_ORDER, Status, is_advice, is_power, is_verdict
    from dsl.policy import format_typed

    model = outcome.policy.model
    lines: list[str] = []
    advice = [r for r in model.rules.values() if is_advice(r) and outcome.status(r.name) is Status.NIET_VOLDAAN]
    if advice:
        lines.append("Advies (verwacht, geen verplichting), niet gevolgd: "
                     + ", ".join(f"{r.display} ({r.name})" for r in advice) + ".")
    for party in sorted({r.bound for r in model.rules.values() if r.bound is not None and is_verdict(r)}):
        wrong = [r for r in model.rules.values() if r.bound is party and is_verdict(r)
                 and outcome.status(r.name) in NOT_IN_ORDER]
        if wrong:
            more = f" en {len(wrong) - 5} meer" if len(wrong) > 5 else ""
            lines.append(f"Niet in orde, {party.obligation}: "
                         + "; ".join(f"{r.display} ({outcome.status(r.name)})" for r in wrong[:5]) + more + ".")
    for rule in (r for r in model.rules.values() if is_power(r)):
        status = outcome.status(rule.name)
        said = "niet van toepassing" if status is Status.NVT else _POWER_WORDS[outcome.value(rule.name)]
        who = rule.bound.label if rule.bound is not None else "de verzekeraar"
        lines.append(f"Bevoegdheid van {who} ({rule.power}): {rule.display} — in dit geval: {said}.")
    judged = [f for f in model.judgements() if f.name not in outcome.missing]
    if judged:
        lines.append("Oordelen, geen feiten: " + "; ".join(
            f"{f.name} = {format_typed(outcome.case.data.get(f.name), f.type)} (beoordeeld door {f.judged_by})"
            for f in judged) + ".")
    return lines


def _print_what_if(outcome) -> None:
    """Per rule (what needs attention first: not met, unknown, ...; then the rules in order), the
    nearest change of each gegeven it reads that changes its outcome, nearest first."""
    from dsl.core.model import STATUS_ORDER
    from dsl.explain.whatif import suggestions_for

    per_rule: dict[str, list] = {}
    for suggestion in suggestions_for(outcome):
        per_rule.setdefault(suggestion.rule, []).append(suggestion)
    rules = outcome.policy.model.rules
    order = sorted(per_rule, key=lambda name: STATUS_ORDER.index(outcome.status(name)))
    print("\nWat als — per regel de dichtstbijzijnde verandering van één gegeven die de uitkomst verandert:")
    for name in order:
        found = per_rule[name]
        print(f"  {rules[name].title or name} ({name}) — nu {found[0].now}")
        for s in found:
            print(f"    • {s.field} {s.proposed} (nu {s.current}): {s.becomes}")
    if not per_rule:
        print("  geen enkele verandering van één gegeven verandert een uitkomst")


def _flatten(steps):
    for step in steps:
        yield step
        if step.kind == "groep":
            yield from _flatten(step.children)


def cmd_test(args) -> int:
    from dsl.examples import run_examples
    from dsl.policy import load_policy
    from dsl.runtime.formatting import counted

    path = Path(args.pad)
    # (a folder whose name ends in .beleid is searched, by rglob, not read as a policy)
    files = sorted(p for p in path.rglob("*.beleid") if p.is_file()) if path.is_dir() else [path]
    if not files:
        print(f"beleid: geen .beleid-bestanden gevonden in {path}", file=sys.stderr)
        return 1
    if args.dekking:
        from dsl.analysis.cli import run_coverage

        return run_coverage(args, files)
    passed = failed = broken = 0
    for file in files:
        try:
            results = run_examples(load_policy(file))
        except BeleidError as err:
            print(err.render(), file=sys.stderr)
            broken += 1
            continue
        for result in results:
            if result.passed:
                passed += 1
                continue
            failed += 1
            print(f"{file}:{result.span.line}: voorbeeld \"{result.title}\" mislukt")
            print(_why_example_failed(file, result, args.diepte))
    line = (f"{counted(passed + failed, 'voorbeeld', 'voorbeelden')} in {counted(len(files), 'bestand', 'bestanden')}: "
            f"{passed} geslaagd, {failed} mislukt")
    if broken:
        line += f", {counted(broken, 'bestand', 'bestanden')} met fouten"
    print(line)
    return 0 if not failed and not broken else 1


def _why_example_failed(file, result, depth: int) -> str:
    """Each expectation that did not come out, with the explanation of that rule for the
    voorbeeld's case (to `depth` levels), so the author sees why and not only that."""
    from dsl.explain import Explainer, render, rule_step

    traced = result.outcome.policy.evaluate(result.outcome.case, trace=True)
    explainer = Explainer(traced)
    lines = []
    for m in result.mismatches:
        lines.append(f"  {file}:{m.span.line}:{m.span.column}: {m.name}: verwacht {m.expected}, maar is {m.actual}")
        lines.append("    waarom:")
        lines.append(render([rule_step(explainer, m.name)], depth=3, max_depth=3 + depth))
    return "\n".join(lines)


def cmd_diff(args) -> int:
    from dsl.analysis.diffcli import run_diff

    _search_storage()
    return run_diff(args)


def cmd_sources(args) -> int:
    from dsl.analysis.sources import run_sources

    return run_sources(args)


COMMANDS = {"controleer": cmd_check, "evalueer": cmd_evaluate, "test": cmd_test, "verschil": cmd_diff,
            "bronnen": cmd_sources}


def run() -> None:  # console-script entry point
    try:
        code = main()
        sys.stdout.flush()
    except BrokenPipeError:  # output piped into `head` and closed early: not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = 0
    except KeyboardInterrupt:
        print("\nbeleid: afgebroken", file=sys.stderr)
        code = 130
    sys.exit(code)


if __name__ == "__main__":
    run()
