"""Checking network rules (`netwerkeis`) and rankings (`voorkeur`): rules over a table of cases.

Contract: `check_network(checker)` runs after every per-case rule is checked (a row condition may
use their outcomes). It claims each name, checks that `per` names gegevens a row can be grouped
by (not a list), that the row conditions and scopes are ja/nee, that a count is a whole number of
at least 0 and a share lies between 0% and 100%, that each criterion of a voorkeur can order rows
(`laagste`/`hoogste` a bedrag, percentage, getal, aantal, datum, tijdstip or duur; `met` a
ja/nee), and refuses what has no meaning for a table: `van toepassing als` and `geldig ...` (the
rows say which cases count: write `onder de ... waarvoor`), and a voorbeeld that expects an outcome
of a network rule (a voorbeeld is one case). Every problem is a Diagnostic with its place.
"""

from __future__ import annotations

from decimal import Decimal

from dsl import ast
from dsl import types as T
from dsl.checker.expressions import ExprChecker
from dsl.errors import Diagnostic

_ORDERABLE = ("bedrag", "percentage", "getal", "aantal", "datum", "tijdstip", "duur")
_GROUPABLE = ("keuze", "tekst", "aantal", "getal", "ja/nee", "datum", "bedrag", "percentage")


def check_network(checker) -> None:
    """Check the network rules and rankings of `checker.policy` (a `dsl.checker._Checker`)."""
    policy: ast.Policy = checker.policy
    problems: list[Diagnostic] = checker.problems
    items: list[ast.NetworkRule | ast.Ranking] = [*policy.networks, *policy.rankings]
    for item in items:
        what = "netwerkeis" if isinstance(item, ast.NetworkRule) else "voorkeur"
        checker._declare_name(item.name, item.span, what)
        _meta(item, what, problems)
        exprs = ExprChecker(checker.resolve, checker.types, problems)
        _grouping(item, checker, problems)
        if item.scope is not None:
            exprs.expect_bool(item.scope.condition, "de voorwaarde na 'waarvoor'")
        if isinstance(item, ast.NetworkRule):
            exprs.expect_bool(item.condition, "de voorwaarde na 'waarvoor'")
            _quantity(item, problems)
        else:
            for criterion in item.criteria:
                _criterion(criterion, exprs, problems)
    names = {item.name: ("netwerkeis" if isinstance(item, ast.NetworkRule) else "voorkeur") for item in items}
    if names:
        _expectations(policy, names, problems)


def _meta(item, what: str, problems: list[Diagnostic]) -> None:
    hint = "een netwerkeis of voorkeur gaat over de rijen van een tabel: zeg met 'onder de aanbieders waarvoor " \
           "...' welke rijen meetellen"
    if item.meta.applicable is not None:
        problems.append(Diagnostic("netwerk", f"een {what} heeft geen 'van toepassing als': zij geldt voor een "
                                   "tabel van casussen, niet voor één casus", item.meta.applicable.span, hint))
    if item.meta.validity is not None:
        problems.append(Diagnostic("netwerk", f"een {what} heeft geen eigen geldigheid ('geldig ...')",
                                   item.meta.validity.span, hint))
    if isinstance(item, ast.Ranking) and item.meta.bound is not None:
        problems.append(Diagnostic("netwerk", "een voorkeur bindt niemand: zij ordent de rijen van een tabel",
                                   item.meta.bound.span, "laat 'voor de ...' weg"))


def _grouping(item, checker, problems: list[Diagnostic]) -> None:
    seen: set[str] = set()
    for name in item.group_by:
        if name.name in seen:
            problems.append(Diagnostic("netwerk", f"'{name.name}' staat twee keer na 'per'", name.span))
            continue
        seen.add(name.name)
        if name.name not in checker.fields:
            hint = "groepeer naar een gegeven van de casus, zoals 'per regio'"
            if name.name in checker.rules:
                problems.append(Diagnostic("netwerk", f"'{name.name}' is een regel, geen gegeven: de rijen worden "
                                           "gegroepeerd naar een gegeven", name.span, hint))
            else:
                checker.resolve(name.name, name.span)   # the "onbekende naam" message with its suggestion
            continue
        t: T.Type = checker.fields[name.name][1]
        if t.kind not in _GROUPABLE:
            problems.append(Diagnostic("netwerk", f"de rijen kunnen niet gegroepeerd worden naar '{name.name}', een "
                                       f"{t}", name.span, "groepeer naar een keuze, tekst, getal, ja/nee of datum"))


def _quantity(rule: ast.NetworkRule, problems: list[Diagnostic]) -> None:
    if rule.count is not None and isinstance(rule.count.value, Decimal):
        value = rule.count.value
        if value != value.to_integral_value():
            problems.append(Diagnostic("netwerk", f"'{rule.count.text}' is geen heel aantal rijen", rule.count.span,
                                       "tel rijen met een heel getal, zoals 'ten minste 1 aanbieder'"))
    if rule.share is not None and isinstance(rule.share.value, Decimal) and not 0 <= rule.share.value <= 100:
        problems.append(Diagnostic("netwerk", f"een aandeel van de rijen ligt tussen 0% en 100%, niet {rule.share.text}",
                                   rule.share.span))


def _criterion(criterion: ast.Criterion, exprs: ExprChecker, problems: list[Diagnostic]) -> None:
    if criterion.direction == "met":
        exprs.expect_bool(criterion.expr, "de voorwaarde na 'met'")
        return
    t = exprs.check(criterion.expr)
    if t is not None and t.kind not in _ORDERABLE:
        problems.append(Diagnostic(
            "netwerk", f"'{criterion.direction}' ordent getallen, bedragen, percentages, datums of duren, geen {t}",
            criterion.expr.span,
            "schrijf voor een ja/nee 'met <voorwaarde>' (wie eraan voldoet gaat voor); voor een keuze: "
            "'met x is \"...\"'"))


def _expectations(policy: ast.Policy, names: dict[str, str], problems: list[Diagnostic]) -> None:
    """A voorbeeld is one case: an expectation of a network rule's outcome has no meaning there
    (the message of `check_examples` for an unknown rule is replaced by one that says why)."""
    for example in policy.examples:
        for expect in example.expectations:
            what = names.get(expect.name)
            if what is None:
                continue
            problems[:] = [p for p in problems if not (p.span == expect.span and p.code == "example")]
            problems.append(Diagnostic(
                "netwerk", f"'{expect.name}' is een {what}: die geldt voor een tabel van casussen, niet voor één "
                "voorbeeld", expect.span,
                "toets een netwerkeis met een tabel: beleid evalueer BELEID --casussen TABEL"))
