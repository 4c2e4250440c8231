"""The `beleid` subcommands of the analysis: consistency and coverage.

Contract: `dsl.cli` parses the command line and calls
  run_consistency(args, policy)  `beleid controleer BESTAND --consistentie [--rapport UIT] [--json]
                                 [--vergelijk VORIG.json]`
  run_coverage(args, files)      `beleid test PAD --dekking`
Each prints a Dutch report and returns the exit code:
  controleer --consistentie  1 when there are findings not recorded as the document's own
                             (`Finding.known`), else 0; with --json the report is one JSON
                             object on stdout (`dsl.analysis.jsonreport`, the schema in
                             docs/consistentie.schema.json) and every other message goes to stderr;
                             with --vergelijk VORIG.json (a report saved earlier with --json)
                             each finding is marked nieuw or eerder gemeld (`dsl.analysis.compare`)
                             and only new ones make the exit code 1; an unreadable VORIG.json is
                             said in Dutch on stderr, before the check, with exit code 1
  test --dekking             1 when a voorbeeld fails or a policy cannot be loaded, else 0
and 1 whenever a policy cannot be loaded or the report cannot be written (`dsl.cli` itself
exits 2 for a wrong command line). A mistake in a policy is printed as its diagnostics
(`BeleidError.render()`), never as a traceback. `--rapport` writes the same report as HTML
(.html) or Markdown (.md); other extensions give plain text. The coverage report is built by
`dsl.analysis.coverage.coverage_blocks`; `beleid verschil` is `dsl.analysis.diffcli`, which
shares the progress line, the budget and the report writing of this module.
Search budgets follow --zoek-voorbeelden (the count of cases: it bounds a search), --zoek-zaad
and --zoek-seconden (a safety net only), or BELEID_ZOEK_VOORBEELDEN, BELEID_ZOEK_ZAAD and
BELEID_ZOEK_SECONDEN (`dsl.analysis.search`).
On a terminal, the consistency check shows its progress on one line of
stderr ("controleren 12/98: afspraak_elv_tabel"), wiped before the report is printed.
"""

from __future__ import annotations

import sys

import attrs

from dsl.analysis import report as rep
from dsl.errors import BeleidError, os_problem
from dsl.runtime.formatting import counted

__all__ = ["run_consistency", "run_coverage"]


def _write(blocks, path, quiet: bool = False) -> bool:
    """Write the report to `path` (if given); `quiet` says where it went on stderr, not stdout."""
    if not path:
        return True
    try:
        rep.write(blocks, path)
    except OSError as err:
        print(f"beleid: kan het rapport niet schrijven naar {path}: {os_problem(err, writing=True)}", file=sys.stderr)
        return False
    print(f"Rapport geschreven naar {path}", file=sys.stderr if quiet else sys.stdout)
    return True


def _target_ok(path) -> bool:
    """Whether a report can go to `path`; said before a long check or comparison, not after."""
    if not path:
        return True
    from pathlib import Path

    folder = Path(path).parent
    if folder.is_dir():
        return True
    missing = FileNotFoundError(2, "No such file or directory", str(path))
    print(f"beleid: kan het rapport niet schrijven naar {path}: {os_problem(missing, writing=True)}", file=sys.stderr)
    return False


class TerminalProgress:
    """A one-line progress display on `stream` (stderr), only when it is a terminal."""

    def __init__(self, verb: str, stream=None):
        self.verb, self.stream = verb, stream if stream is not None else sys.stderr
        self.active = bool(getattr(self.stream, "isatty", lambda: False)())
        self.width = 0

    def __call__(self, done: int, total: int, name: str) -> None:
        if not self.active:
            return
        line = f"{self.verb} {done + 1}/{total}: {name}"[:78]
        self.stream.write("\r" + line.ljust(self.width))
        self.stream.flush()
        self.width = max(self.width, len(line))

    def close(self) -> None:
        if self.active and self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()


def _budget(args, default_examples: int):
    """The search budget from --zoek-voorbeelden / --zoek-seconden, else the defaults."""
    from dsl.analysis.search import Budget

    examples = getattr(args, "zoek_voorbeelden", None)
    seconds = getattr(args, "zoek_seconden", None)
    zaad = getattr(args, "zoek_zaad", None)
    budget = Budget(max_examples=default_examples) if default_examples else Budget()
    if examples is not None:
        budget = attrs.evolve(budget, max_examples=examples)
    if seconds is not None:
        budget = attrs.evolve(budget, seconds=float(seconds))
    if zaad is not None:
        budget = attrs.evolve(budget, seed=zaad)
    return budget


def run_consistency(args, policy) -> int:
    from dsl.analysis.checks import check_policy

    if not _target_ok(getattr(args, "rapport", None)):
        return 1
    previous_path = getattr(args, "vergelijk", None)
    previous = None
    if previous_path:
        from dsl.analysis.compare import PreviousReportError, load_previous

        try:
            previous = load_previous(previous_path)
        except PreviousReportError as err:
            print(f"beleid: {err}", file=sys.stderr)
            return 1
    progress = TerminalProgress("controleren")
    try:
        report = check_policy(policy, budget=_budget(args, 0), progress=progress)
    finally:
        progress.close()
    if previous is not None:
        from dsl.analysis.compare import compare

        report = compare(report, policy.model, previous, policy.model.text, previous_path)
    blocks = rep.consistency_blocks(report, policy.model, policy.model.text)
    as_json = bool(getattr(args, "json", False))
    if as_json:
        import json

        from dsl.analysis.jsonreport import consistency_json

        print(json.dumps(consistency_json(report, policy.model), ensure_ascii=False, indent=2))
    else:
        print(rep.render(blocks, "text"), end="")
        if policy.model.network:   # rules over a table: no per-case finding says anything about them
            print("Let op: netwerkregels worden niet op consistentie gecontroleerd (netwerkeisen en voorkeuren: "
                  + ", ".join(policy.model.network.names) + ").")
    written = _write(blocks, getattr(args, "rapport", None), quiet=as_json)
    return 1 if report.new or not written else 0


def run_coverage(args, files) -> int:
    from dsl.analysis.coverage import coverage, coverage_blocks
    from dsl.examples import run_examples
    from dsl.policy import load_policy

    reports, failed, broken = [], 0, 0
    for file in files:
        try:
            policy = load_policy(file)
        except BeleidError as err:
            print(err.render(), file=sys.stderr)
            broken += 1
            continue
        for result in run_examples(policy):
            if not result.passed:
                failed += 1
                print(f"{file}:{result.span.line}: voorbeeld \"{result.title}\" mislukt")
        reports.append(coverage(policy))
    print(rep.render(coverage_blocks(reports), "text"), end="")
    hit = sum(r.counts()[0] for r in reports)
    total = sum(r.counts()[1] for r in reports)
    share = f"{100 * hit / total:.0f}%" if total else "-"
    print(f"Dekking: {hit} van {total} onderdelen ({share}); {counted(failed, 'voorbeeld', 'voorbeelden')} mislukt"
          + (f", {counted(broken, 'bestand', 'bestanden')} met fouten" if broken else ""))
    return 1 if failed or broken else 0
