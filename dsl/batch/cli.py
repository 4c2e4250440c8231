"""`beleid evalueer BELEID --casussen TABEL --uit UITVOER` and `--rij SLEUTEL`: the command line of
batch evaluation.

Contract: `run_batch(args, policy, report_case)` checks the columns before anything runs (a
column that looks like a misspelt gegeven, gegevens no column gives), evaluates the table into
the output file in chunks with a progress line on a terminal, and prints a Dutch summary:
counts per status per kind of rule, the requirements and deadlines most often not met, and the
rows refused with why. Exit code 0 when every row was evaluated, 3 when rows were refused
(they are in the output with their reason), 1 when the table or output cannot be read or
written. With `--rij`, one row is explained exactly as `--casus` explains a case.
"""

from __future__ import annotations

import sys
from collections import Counter
from datetime import date
from pathlib import Path

from dsl.case import date_option
from dsl.core import model as M
from dsl.core.reasons import parts as reason_parts
from dsl.core.reasons import reasons
from dsl.runtime.formatting import counted

EXIT_REFUSED = 3
EXIT_NOT_IN_ORDER = 4   # as dsl.cli's, under --streng
_SHOWN = 10


def _fail(message: str) -> int:
    print(f"beleid: {message}", file=sys.stderr)
    return 1


def run_batch(args, policy, report_case) -> int:
    try:
        import polars  # noqa: F401 - only to say in Dutch what is missing
    except ImportError:
        return _fail("tabellen evalueren vraagt Polars: installeer 'beleidstaal[batch]'")
    from dsl.batch.files import BatchFileError, check_columns, evaluate_file, progress_line, read_chunks

    source = Path(args.casussen)
    peil = date_option("--peildatum", args.peildatum)
    try:
        if args.rij is not None:
            return _explain_row(args, policy, source, peil, report_case)
        if args.uit is None:
            return _fail("geef met --uit aan waar de uitkomsten heen moeten (of kies één rij met --rij)")
        first, _point = next(read_chunks(source, 1000))
        notes, missing = check_columns(policy.model, first.columns)
        for note in notes:
            print(f"let op: {note}", file=sys.stderr)
        if missing:
            shown = ", ".join(missing[:_SHOWN]) + (f" en {len(missing) - _SHOWN} meer" if len(missing) > _SHOWN else "")
            print(f"let op: geen kolom voor {counted(len(missing), 'gegeven', 'gegevens')} (overal onbekend): {shown}",
                  file=sys.stderr)
        if args.motor == "spark":
            summary = _run_spark(policy, source, Path(args.uit), peil)
            if summary is None:
                return 1
        else:
            progress = progress_line()
            summary = evaluate_file(policy, source, Path(args.uit), peildatum=peil, engine=args.motor,
                                    progress=progress)
            if progress is not None:
                sys.stderr.write("\n")
    except BatchFileError as err:
        return _fail(str(err))
    except StopIteration:
        return _fail(f"{source}: het bestand bevat geen casussen")
    print("\n".join(summary_lines(policy.model, summary, args.uit)))
    if summary.refused_rows:
        return EXIT_REFUSED
    return _strict_code(args, policy.model, summary)


def _strict_code(args, model: M.Policy, summary) -> int:
    """Under `--streng`: 4 when some row has a verdict not in order (as for one case), named on
    stderr with how many rows; else 0."""
    if not getattr(args, "streng", False):
        return 0
    wrong = [(name, sum(n for status, n in tally.items() if status in M.NOT_IN_ORDER))
             for name, tally in summary.counts.items() if M.is_verdict(model.rules[name])]
    wrong = [(name, n) for name, n in wrong if n]
    if not wrong:
        return 0
    shown = ", ".join(f"{name} ({counted(n, 'rij', 'rijen')})" for name, n in wrong[:_SHOWN])
    more = f" en {len(wrong) - _SHOWN} meer" if len(wrong) > _SHOWN else ""
    print(f"beleid: --streng: {counted(len(wrong), 'regel', 'regels')} niet in orde: {shown}{more}", file=sys.stderr)
    return EXIT_NOT_IN_ORDER


def _run_spark(policy, source: Path, target: Path, peil: date | None):
    """The run on Spark (local[2], or the cluster `spark-submit` gives); None when Spark cannot run."""
    try:
        from dsl.batch.spark import evaluate_file_spark
    except ImportError:
        _fail("--motor spark vraagt PySpark en Java: installeer 'beleidstaal[spark]' en een Java-runtime")
        return None
    from dsl.batch.columnar import Unsupported

    if policy.model.network:   # the rules per row run on Spark; the ones over the whole table do not
        names = ", ".join(policy.model.network.names)
        print(f"let op: netwerkeisen en voorkeuren ({names}) worden in Spark niet geëvalueerd (zij tellen en "
              "ordenen de rijen van de hele tabel) en staan niet in de uitvoer; gebruik --motor polars voor die",
              file=sys.stderr)
    try:
        return evaluate_file_spark(policy, source, target, peildatum=peil)
    except Unsupported as why:
        _fail(f"dit beleid kan niet in Spark geëvalueerd worden: {why}; gebruik --motor polars")
        return None


def _explain_row(args, policy, source: Path, peil: date | None, report_case) -> int:
    import polars as pl

    from dsl.batch import outcome_of_row
    from dsl.batch.files import read_chunks

    chunks = list(read_chunks(source))
    table = pl.concat([c for c, _ in chunks], how="diagonal_relaxed")
    point = chunks[0][1] if chunks else False
    try:
        outcome = outcome_of_row(policy, table, args.rij, column=args.sleutel, peildatum=peil, decimal_point=point)
    except LookupError as err:
        return _fail(f"{source}: {err}")
    return report_case(args, policy, outcome, f"rij {args.rij} van {source}")


def summary_lines(model: M.Policy, summary, target: str) -> list[str]:
    """The Dutch summary of a batch run."""
    evaluated = summary.rows - summary.refused_rows
    lines = [f"{counted(summary.rows, 'rij', 'rijen')} gelezen, {evaluated} geëvalueerd, "
             f"{summary.refused_rows} geweigerd; uitkomsten in {target}"]
    per_kind: dict[str, Counter] = {}
    for name, tally in summary.counts.items():
        rule = model.rules[name]   # a bevoegdheid is counted apart from the berekeningen it is lowered to
        per_kind.setdefault("bevoegdheden" if M.is_power(rule) else rule.kind.plural, Counter()).update(tally)
    for label in ("groepen", "eisen", "beslissingen", "termijnen", "berekeningen", "bevoegdheden"):
        if label in per_kind:
            tally = per_kind[label]
            parts = ", ".join(f"{tally[s]} {s}" for s in M.STATUS_ORDER if tally[s])
            lines.append(f"  {label}: {parts}")
    for name, values in summary.outcomes.items():
        if values:
            lines.append(f"{model.rules[name].display} ({name}):")
            lines.extend(f"  {n:>8}  {value}" for value, n in values.most_common())
            tally = summary.counts.get(name, Counter())   # the rows without an outcome, and why
            lines.extend(f"  {tally[s]:>8}  ({s})" for s in M.STATUS_ORDER if s is not M.Status.BEPAALD and tally[s])
    if summary.failed:
        lines.append("Het vaakst niet voldaan of niet gehaald:")
        for name, n in summary.failed.most_common(_SHOWN):
            lines.append(f"  {n:>8}  {model.rules[name].display} ({name})")
    passed = Counter({name: n for name, tally in summary.counts.items()
                      if (n := tally[M.Status.VERSTREKEN_ZONDER_DATUM])})
    if passed:
        lines.append("Het vaakst verstreken zonder datum (de datum van de gebeurtenis staat niet in de rij):")
        for name, n in passed.most_common(_SHOWN):
            lines.append(f"  {n:>8}  {model.rules[name].display} ({name})")
    # which part failed, for the eisen of more than one part (for the others the eis says it all)
    compound = Counter({key: n for key, n in summary.reasons.items()
                        if isinstance(rule := model.rules[key[0]], M.Requirement) and len(reason_parts(rule)) > 1})
    if compound:
        lines.append("Welk deel van een samengestelde eis het vaakst niet voldaan was (kolom '<eis>.reden'):")
        for (name, code), n in compound.most_common(_SHOWN):
            text = next(r.text for r in reasons(model, model.rules[name]) if r.code == code)
            lines.append(f"  {n:>8}  {name}.reden = {code}: {text}")
    if getattr(summary, "network", None):
        from dsl.batch.network import network_lines

        lines.extend(network_lines(model, summary.network))
    if summary.refused_rows:
        lines.append(f"Geweigerde rijen ({summary.refused_rows}):")
        for row, reason in summary.refused[:_SHOWN]:
            lines.append(f"  rij {row}: {reason}" if row else f"  {reason}")
        if summary.refused_rows > _SHOWN:
            lines.append(f"  en {summary.refused_rows - _SHOWN} meer (kolom 'geweigerd' in de uitvoer)")
    return lines
