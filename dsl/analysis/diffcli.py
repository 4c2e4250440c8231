"""The `beleid verschil` subcommand: two versions (or two insurers' policies) compared.

Contract: `run_diff(args)` reads `args.oud`, `args.nieuw` and, when present, `args.rapport`,
`args.koppeling` (a koppeling file, `dsl.analysis.mapping`), `args.stel_koppeling_voor` and the
search budget (`--zoek-voorbeelden`, `--zoek-seconden`, `--zoek-zaad`), prints the Dutch report
and returns the exit code: 0 when the versions mean the same (no change in meaning, no case on
which they differ, and with a koppeling no concept that differs and no unpaired rule), else 1; 1
too when a policy or the koppeling cannot be read or is wrong (its diagnostics, never a
traceback) or the report cannot be written. Without `--koppeling`, a koppeling
`koppelingen/OUD__NIEUW.koppeling` next to the old policy is used when it exists (the report names
it). `--stel-koppeling-voor` prints a draft koppeling instead of comparing, and returns 0.
"""

from __future__ import annotations

import sys

from dsl.analysis import report as rep
from dsl.analysis.cli import TerminalProgress, _budget, _target_ok, _write
from dsl.errors import BeleidError

__all__ = ["run_diff"]


def _mapping(args, old, new):
    """The koppeling to use (None when there is none); BeleidError when it is wrong."""
    from dsl.analysis.mapping import check_mapping, find_mapping, read_mapping

    path = getattr(args, "koppeling", None)
    if not path and getattr(args, "nieuw", None) is not None:   # one file on two dates: no koppeling
        path = find_mapping(args.oud, args.nieuw)
    if not path:
        return None
    mapping = read_mapping(path)
    check_mapping(mapping, old, new)
    return mapping


def _versions(args, load_policy):
    """(old, new): the two files, or one file (NIEUW left out) read on two dates; with
    `--oud-op` / `--nieuw-op` each side is the policy as it reads on that date (its versioned
    rules at their version of that day: `CompiledPolicy.on`)."""
    from dsl.case import date_option

    old_day = date_option("--oud-op", getattr(args, "oud_op", None))
    new_day = date_option("--nieuw-op", getattr(args, "nieuw_op", None))
    new_file = getattr(args, "nieuw", None)
    old = load_policy(args.oud)
    new = old if new_file is None else load_policy(new_file)
    return (old if old_day is None else old.on(old_day)), (new if new_day is None else new.on(new_day))


def run_diff(args) -> int:
    from dsl.analysis.diff import diff_blocks, diff_policies
    from dsl.analysis.mapping import suggest
    from dsl.policy import load_policy

    if getattr(args, "nieuw", None) is None and not (getattr(args, "oud_op", None) and getattr(args, "nieuw_op", None)):
        print("beleid verschil: fout: deze argumenten ontbreken: NIEUW (of vergelijk één beleid op twee datums met "
              "--oud-op DATUM en --nieuw-op DATUM)", file=sys.stderr)
        return 2
    try:
        old, new = _versions(args, load_policy)
        if getattr(args, "stel_koppeling_voor", False):
            print(suggest(old, new), end="")
            return 0
        mapping = _mapping(args, old, new)
    except BeleidError as err:
        print(err.render(), file=sys.stderr)
        return 1
    if not _target_ok(getattr(args, "rapport", None)):
        return 1
    progress = TerminalProgress("vergelijken")
    try:
        difference = diff_policies(old, new, budget=_budget(args, 300), progress=progress, mapping=mapping)
    finally:
        progress.close()
    blocks = diff_blocks(difference)
    print(rep.render(blocks, "text"), end="")
    written = _write(blocks, getattr(args, "rapport", None))
    return 0 if difference.same and written else 1
