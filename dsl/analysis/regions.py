"""The region around a witness: per gegeven, the values for which a defect still holds.

Contract: `around(ctx, formulas, found)` takes the formulas a defect satisfies (for a gap:
the decision's applicability and "no row applies") and the witness `found` of a `CheckContext`
(case, relevant gegevens, z3 model), and returns one `Region` per relevant gegeven such that the
formulas hold for every combination of values in the regions together (a box, proved by the
solver). The regions are grown one gegeven after another, in the policy's order: each as far as
the formulas hold for every value of the regions before it, with the gegevens after it at their
witness values. For a number, amount, date or
duration the candidate edges are the policy's own thresholds for that gegeven
(`dsl.analysis.thresholds`), swept as points and the open stretches between them (the sweep line
of decision-table verification); the region is the run of proved pieces around the witness value,
or the witness value alone. For a keuze or ja/nee it is the set of values for which the formulas
hold. A gegeven whose thresholds are not constants (compared with another gegeven) gets the
stretch the solver proves, which may be the witness value alone: a region is never larger than
what is proved.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import z3

from dsl.analysis.findings import Region, case_value
from dsl.analysis.thresholds import thresholds

__all__ = ["around"]

_ORDERED = ("bedrag", "percentage", "getal", "aantal", "datum", "tijdstip", "duur")


def around(ctx, formulas: list, found) -> tuple[Region, ...]:
    """The regions of a witness (see the module docstring); () when there is no witness."""
    if found is None:
        return ()
    case, relevant, m = found
    enc, model = ctx.enc, ctx.model
    names = [n for n in relevant if n in enc.vars]
    # every gegeven starts at its witness value; each region found replaces that, so the regions
    # grown later hold for every value of the earlier ones: together they are a proved box
    within = {n: enc.vars[n] == m.eval(enc.vars[n], model_completion=True) for n in names}
    holds = z3.And(*formulas)
    out = []
    for name in names:
        v, kind = enc.vars[name], model.fields[name].type.kind
        fixed = [c for n, c in within.items() if n != name]
        if kind in ("keuze", "ja/nee"):
            found_region = _values(ctx, name, v, kind, fixed, holds)
        elif kind in _ORDERED:
            witness = (case_value(model, name, case.get(name)), m.eval(v, model_completion=True))
            found_region = _interval(ctx, name, v, fixed, holds, witness)
        else:
            continue
        if found_region is not None:
            region, member = found_region
            within[name] = member
            out.append(region)
    return tuple(out)


def _always(ctx, fixed, holds, *within) -> bool:
    """Whether `holds` is true for every value allowed by `within` (and the domain), and some is."""
    return ctx.sat(*fixed, *within) and not ctx.sat(*fixed, *within, z3.Not(holds))


def _values(ctx, name: str, v, kind: str, fixed, holds) -> tuple[Region, Any] | None:
    t = ctx.model.fields[name].type
    options: list[Any] = [False, True] if kind == "ja/nee" else list(t.options)
    terms = [z3.BoolVal(o) for o in options] if kind == "ja/nee" else [z3.IntVal(i) for i in range(len(options))]
    keep = [(o, term) for o, term in zip(options, terms, strict=True) if _always(ctx, fixed, holds, v == term)]
    if not keep:
        return None
    return Region(name, values=tuple(o for o, _ in keep)), z3.Or(*[v == term for _, term in keep])


def _edges(ctx, name: str) -> list:
    """The constant thresholds of a gegeven that fit its type, sorted, each once."""
    kind = ctx.model.fields[name].type.kind
    out = []
    for th in thresholds(ctx.model).get(name, []):
        value = th.value
        if isinstance(value, (bool, str)):
            continue
        if kind == "datum" and isinstance(value, datetime):
            continue
        if kind not in ("datum", "tijdstip") and isinstance(value, date):
            continue
        if value not in out:
            out.append(value)
    return out


def _interval(ctx, name: str, v, fixed, holds, witness) -> tuple[Region, Any] | None:
    t = ctx.model.fields[name].type
    points = _edges(ctx, name)
    pieces: list[tuple[str, int]] = [("lt", 0)] if points else [("all", 0)]
    for i in range(len(points)):
        pieces += [("at", i), ("between", i)]

    def inside(k: int):
        return _inside(pieces[k], points, v, t, ctx.enc.const)

    value = witness[1]
    home = next((k for k in range(len(pieces)) if z3.is_true(z3.simplify(z3.substitute(inside(k), (v, value))))),
                None)
    if home is None:
        return None
    if not _always(ctx, fixed, holds, inside(home)):
        return Region(name, witness[0], witness[0]), v == value
    start = end = home
    while start > 0 and _always(ctx, fixed, holds, inside(start - 1)):
        start -= 1
    while end + 1 < len(pieces) and _always(ctx, fixed, holds, inside(end + 1)):
        end += 1
    return _region(name, pieces[start], pieces[end], points), z3.Or(*[inside(k) for k in range(start, end + 1)])


def _inside(piece: tuple[str, int], points: list, w, t, value) -> Any:
    kind, i = piece
    if kind == "all":
        return z3.BoolVal(True)
    if kind == "lt":
        return w < value(points[0], t)
    if kind == "at":
        return w == value(points[i], t)
    if i + 1 < len(points):
        return z3.And(w > value(points[i], t), w < value(points[i + 1], t))
    return w > value(points[i], t)


def _region(name: str, first: tuple[str, int], last: tuple[str, int], points: list) -> Region:
    """The interval from the start of piece `first` to the end of piece `last` (None: unbounded)."""
    kind, i = first
    low, low_closed = (None, True) if kind in ("lt", "all") else (points[i], kind == "at")
    kind, i = last
    if kind == "all" or (kind == "between" and i + 1 == len(points)):
        high, high_closed = None, True
    elif kind == "lt":
        high, high_closed = points[0], False
    elif kind == "at":
        high, high_closed = points[i], True
    else:
        high, high_closed = points[i + 1], False
    return Region(name, low, high, low_closed, high_closed)
