"""Network rules and rankings over a table, in Polars: the meaning of `dsl.core.network`, grouped.

Contract: `evaluate_with_network(policy, table, ...)` evaluates the table through the policy's row
policy (`dsl.core.network.row_policy`: the policy plus one hidden calculation per row condition,
scope, criterion and group value, computed by the same engine as every rule) and adds, per
network rule `r`, the columns
  - `r`: the status of the row's group (`dsl.core.network.verdict`; "onbekend" when the row's own
    group value is unknown, or the row was refused);
  - `r.groep`: the row's group ("noord"; several values joined with ", "; null when unknown);
  - `r.rij`: what the row does for its group: "telt mee" (in scope and meeting the condition),
    "telt niet mee" (in scope, not meeting it), "hoort er niet bij" (out of scope) or "onbekend";
and per ranking `v`: `v` ("gerangschikt", "onbekend": a criterion or the scope is unknown, "niet
van toepassing": out of scope), `v.groep`, `v.rang` (1 is the most preferred; rows that are equal
on every criterion share a rank, the next rank skips) and `v.gelijk` ("ja" when the row shares
its rank with another, else "nee"). The hidden columns are dropped. The whole table is one group set: a file with network
rules is evaluated in one piece (`dsl.batch.files`). `network_summary(model, result)` reads those
columns back into what the summary of `beleid evalueer --casussen` prints (`network_lines`).
"""

from __future__ import annotations

import weakref
from collections import Counter
from typing import Any

import attrs
import polars as pl

from dsl.core import model as M
from dsl.core import network as N

ROLE_YES, ROLE_NO, ROLE_OUT, ROLE_UNKNOWN = "telt mee", "telt niet mee", "hoort er niet bij", "onbekend"
RANKED, UNRANKED_UNKNOWN, UNRANKED_OUT = "gerangschikt", "onbekend", "niet van toepassing"
_ROW_POLICIES: weakref.WeakKeyDictionary[M.Policy, Any] = weakref.WeakKeyDictionary()
_SHOWN = 10


def network_of(model: M.Policy) -> N.Network | None:
    network = getattr(model, "network", None)
    return network if network else None


def _group_column(item: N.NetworkRule | N.Ranking, key: str) -> str:
    return f"{N.ROW_PREFIX}{item.name}.groep.{key}"


def row_policy(policy):
    """The compiled row policy of a compiled policy with network rules (built once)."""
    from dsl.compiler import compile_model
    from dsl.core import expr as E
    from dsl.policy import CompiledPolicy

    model: M.Policy = policy.model
    compiled = _ROW_POLICIES.get(model)
    if compiled is None:
        network = network_of(model)
        assert network is not None
        rows = N.row_policy(model, network)
        extra = dict(rows.rules)
        items: list[N.NetworkRule | N.Ranking] = [*network.rules, *network.rankings]
        for item in items:
            for key in item.group_by:
                field = model.fields[key]
                expression = E.Input(key, field.type, item.span, frozenset((key,)))
                extra[_group_column(item, key)] = M.Calculation(
                    name=_group_column(item, key), title=None, source=None, note=None, gates=(), deps=frozenset(),
                    inputs=expression.inputs, span=item.span, index=len(extra), expr=expression, type=field.type)
        rows = attrs.evolve(rows, rules=extra, network=None)
        compiled = CompiledPolicy(rows, compile_model(rows))
        _ROW_POLICIES[model] = compiled
    return compiled


def evaluate_with_network(policy, table, **options) -> pl.DataFrame:
    """The table's outcomes with the network rules' and rankings' columns (see the contract)."""
    from dsl.batch import evaluate_table

    network = network_of(policy.model)
    assert network is not None
    result = evaluate_table(row_policy(policy), table, **options)
    added = [*(_network_rule(rule, result) for rule in network.rules),
             *(_ranking(ranking, result) for ranking in network.rankings)]
    hidden = [c for c in result.columns if c.startswith(N.ROW_PREFIX)]
    result = result.drop(hidden)
    taken = {c for frame in added for c in frame.columns}
    result = result.rename({c: f"invoer.{c}" for c in result.columns if c in taken})   # a key column named alike
    return pl.concat([result, *added], how="horizontal")


def _value(name: str) -> pl.Expr:
    return pl.col(f"{name}.waarde")


def _label(item: N.NetworkRule | N.Ranking) -> tuple[pl.Expr, pl.Expr]:
    """(the group's label as text, whether the row's group is known)."""
    if not item.group_by:
        return pl.lit("alle rijen"), pl.lit(True)
    values = [_value(_group_column(item, key)) for key in item.group_by]
    known = pl.all_horizontal([v.is_not_null() for v in values])
    label = pl.concat_str([v.cast(pl.String) for v in values], separator=", ")
    return pl.when(known).then(label), known


def _network_rule(rule: N.NetworkRule, result: pl.DataFrame) -> pl.DataFrame:
    scope = _value(rule.scope_column) if rule.scope is not None else pl.lit(True)
    cond = _value(rule.condition_column)
    label, known = _label(rule)
    s_t, s_f = scope.fill_null(False), (~scope).fill_null(False)
    c_t, c_f = cond.fill_null(False), (~cond).fill_null(False)
    a, b = s_t & c_t, s_t & c_f
    frame = result.select(
        label.alias("groep"), known.alias("bekend"), a.alias("a"), b.alias("b"),
        (~a & ~s_f & ~c_f).alias("maybe_yes"), (~b & ~s_f & ~c_t).alias("maybe_no"),
        (~s_f & ~c_f).alias("stray_yes"), (~s_f & ~c_t).alias("stray_no"),
        pl.when(a).then(pl.lit(ROLE_YES)).when(b).then(pl.lit(ROLE_NO)).when(s_f).then(pl.lit(ROLE_OUT))
        .otherwise(pl.lit(ROLE_UNKNOWN)).alias("rol"))
    # a row whose group is unknown may belong to any group: there its scope is unknown
    stray = frame.filter(~pl.col("bekend")).select(pl.col("stray_yes").sum(), pl.col("stray_no").sum()).row(0)
    stray_yes, stray_no = (int(v or 0) for v in stray)
    groups = frame.filter(pl.col("bekend")).group_by("groep").agg(
        pl.col("a").sum(), pl.col("b").sum(), pl.col("maybe_yes").sum(), pl.col("maybe_no").sum())
    verdicts = {g: N.verdict(rule, N.Counts(a, b, y + stray_yes, n + stray_no)).value
                for g, a, b, y, n in groups.iter_rows()}
    statuses = pl.Series("status", [verdicts.get(g, M.Status.ONBEKEND.value) if g is not None
                                    else M.Status.ONBEKEND.value for g in frame.get_column("groep")],
                         dtype=pl.String)
    return pl.DataFrame([statuses.alias(rule.name), frame.get_column("groep").alias(f"{rule.name}.groep"),
                         frame.get_column("rol").alias(f"{rule.name}.rij")])


def _ranking(ranking: N.Ranking, result: pl.DataFrame) -> pl.DataFrame:
    scope = _value(ranking.scope_column) if ranking.scope is not None else pl.lit(True)
    label, known = _label(ranking)
    keys = [_value(ranking.criterion_column(i)).alias(f"k{i}") for i in range(len(ranking.criteria))]
    complete = pl.all_horizontal([k.is_not_null() for k in keys]) & known
    state = (pl.when(scope.fill_null(True).not_()).then(pl.lit(UNRANKED_OUT))
             .when(scope.is_null() | ~complete).then(pl.lit(UNRANKED_UNKNOWN)).otherwise(pl.lit(RANKED)))
    frame = result.select(pl.int_range(pl.len(), dtype=pl.UInt32).alias("i"), label.alias("groep"),
                          state.alias("stand"), *keys)
    ranked = frame.filter(pl.col("stand") == RANKED)
    key_names = [f"k{i}" for i in range(len(ranking.criteria))]
    descending = [c.direction is not N.Direction.LOWEST for c in ranking.criteria]
    ranked = ranked.sort(["groep", *key_names], descending=[False, *descending], maintain_order=True)
    ranked = ranked.with_columns((pl.int_range(pl.len(), dtype=pl.UInt32).over("groep") + 1).alias("pos"))
    ranked = ranked.with_columns(pl.col("pos").min().over(["groep", *key_names]).alias("rang"),
                                 pl.when(pl.len().over(["groep", *key_names]) > 1).then(pl.lit("ja"))
                                 .otherwise(pl.lit("nee")).alias("gelijk"))
    joined = frame.select("i", "groep", "stand").join(ranked.select("i", "rang", "gelijk"), on="i", how="left",
                                                      maintain_order="left")
    return pl.DataFrame([joined.get_column("stand").alias(ranking.name),
                         joined.get_column("groep").alias(f"{ranking.name}.groep"),
                         joined.get_column("rang").alias(f"{ranking.name}.rang"),
                         joined.get_column("gelijk").alias(f"{ranking.name}.gelijk")])


# ---------------------------------------------------------------- the summary
@attrs.define
class GroupResult:
    group: str | None          # None: the rows whose group is unknown
    status: str
    roles: dict[str, list[str]]   # role -> the rows (by key) with that role


@attrs.define
class RankedGroup:
    group: str | None
    places: list[tuple[int, list[str]]]   # rank -> the rows sharing it
    unranked: list[str]                    # criterion or scope unknown


def _row_names(result: pl.DataFrame, keys: list[str]) -> list[str]:
    """How the summary names a row: its first key column (as the output names it), else "rij N"."""
    keys = [k if k in result.columns else f"invoer.{k}" for k in keys]
    keys = [k for k in keys if k in result.columns]
    if keys:
        return [str(v) if v is not None else f"rij {i + 1}" for i, v in enumerate(result.get_column(keys[0]))]
    return [f"rij {i + 1}" for i in range(result.height)]


def network_summary(model: M.Policy, result: pl.DataFrame, keys: list[str]) -> dict[str, list] | None:
    """Per network rule its groups (`GroupResult`), per ranking its groups (`RankedGroup`), read
    from the columns `evaluate_with_network` wrote; None when the policy has no network rules."""
    network = network_of(model)
    if network is None:
        return None
    names = _row_names(result, keys)
    found: dict[str, list] = {}
    for rule in network.rules:
        groups: dict[str | None, GroupResult] = {}
        rows = zip(result.get_column(f"{rule.name}.groep"), result.get_column(rule.name),
                   result.get_column(f"{rule.name}.rij"), names, strict=True)
        for group, status, role, name in rows:
            entry = groups.setdefault(group, GroupResult(group, status, {}))
            entry.roles.setdefault(role, []).append(name)
        found[rule.name] = sorted(groups.values(), key=lambda g: (g.group is None, g.group or ""))
    for ranking in network.rankings:
        ranked: dict[str | None, RankedGroup] = {}
        rows = zip(result.get_column(f"{ranking.name}.groep"), result.get_column(ranking.name),
                   result.get_column(f"{ranking.name}.rang"), names, strict=True)
        for group, state, rank, name in rows:
            line = ranked.setdefault(group, RankedGroup(group, [], []))
            if state == RANKED:
                place = next((p for p in line.places if p[0] == rank), None)
                if place is None:
                    line.places.append((rank, [name]))
                else:
                    place[1].append(name)
            elif state == UNRANKED_UNKNOWN:
                line.unranked.append(name)
        for line in ranked.values():
            line.places.sort(key=lambda p: p[0])
        found[ranking.name] = sorted((g for g in ranked.values() if g.places or g.unranked),
                                     key=lambda g: (g.group is None, g.group or ""))
    return found


def _names(rows: list[str]) -> str:
    shown = ", ".join(rows[:_SHOWN])
    return shown + (f" en {len(rows) - _SHOWN} meer" if len(rows) > _SHOWN else "")


def _group_text(rule: N.NetworkRule, entry: GroupResult) -> str:
    """"noord: niet voldaan — 0 tellen mee; niet: Z4, Z5" for one group."""
    where = entry.group if entry.group is not None else "(groep onbekend)"
    counted = entry.roles.get(ROLE_YES, [])
    parts = [f"{len(counted)} {'telt' if len(counted) == 1 else 'tellen'} mee" + (f": {_names(counted)}"
                                                                                   if counted else "")]
    if rule.quantifier is N.Quantifier.EVERY or rule.share is not None or entry.status != M.Status.VOLDAAN:
        missing = entry.roles.get(ROLE_NO, [])
        if missing:
            parts.append(f"{len(missing)} niet: {_names(missing)}")
    unknown = entry.roles.get(ROLE_UNKNOWN, [])
    if unknown:
        parts.append(f"{len(unknown)} onbekend: {_names(unknown)}")
    if entry.group is None:
        return f"    {where}: {'; '.join(parts)} (deze rijen kunnen bij elke groep horen)"
    return f"    {where}: {entry.status} — {'; '.join(parts)}"


def network_lines(model: M.Policy, found: dict[str, list] | None) -> list[str]:
    """The summary lines of the network rules and rankings of a table run."""
    network = network_of(model)
    if network is None or found is None:
        return []
    lines: list[str] = []
    if network.rules:
        lines.append("Netwerkeisen (over de rijen van de tabel, per groep):")
    for rule in network.rules:
        per = f", per {' en '.join(rule.group_by)}" if rule.group_by else ""
        soft = " (verwacht, geen verplichting)" if rule.strength is M.Strength.SOFT else ""
        lines.append(f"  {rule.display} ({rule.name}){per}: {rule.scope_written + ' ' if rule.scope_written else ''}"
                     f"{rule.strength.value} {rule.written}{soft}")
        groups: list[GroupResult] = found[rule.name]
        tally = Counter(g.status for g in groups if g.group is not None)
        lines.append("    " + ", ".join(f"{counted_groups(tally[status])} {status}" for status in M.STATUS_ORDER
                                        if tally[status]))
        failing = [g for g in groups if g.group is None or g.status != M.Status.VOLDAAN]
        for entry in failing[:_SHOWN]:
            lines.append(_group_text(rule, entry))
        if len(failing) > _SHOWN:
            lines.append(f"    en {len(failing) - _SHOWN} groepen meer (kolom '{rule.name}' in de uitvoer)")
    if network.rankings:
        lines.append("Voorkeuren (rangorde per groep; 1 gaat voor, '=' is een gelijke stand):")
    for ranking in network.rankings:
        per = f", per {' en '.join(ranking.group_by)}" if ranking.group_by else ""
        lines.append(f"  {ranking.display} ({ranking.name}){per}:")
        groups_ranked: list[RankedGroup] = found[ranking.name]
        for line in groups_ranked[:_SHOWN]:
            order = "; ".join(f"{rank}. {' = '.join(rows)}" + (" (gelijk)" if len(rows) > 1 else "")
                              for rank, rows in line.places[:_SHOWN])
            more = f"; en {len(line.places) - _SHOWN} plaatsen meer" if len(line.places) > _SHOWN else ""
            unknown = f"niet gerangschikt (een criterium onbekend): {_names(line.unranked)}" if line.unranked else ""
            text = "; ".join(part for part in (order + more, unknown) if part)
            lines.append(f"    {line.group if line.group is not None else '(groep onbekend)'}: {text}")
        if len(groups_ranked) > _SHOWN:
            lines.append(f"    en {len(groups_ranked) - _SHOWN} groepen meer (kolom '{ranking.name}.rang' in de uitvoer)")
    return lines


def counted_groups(n: int) -> str:
    return f"{n} {'groep' if n == 1 else 'groepen'}"
