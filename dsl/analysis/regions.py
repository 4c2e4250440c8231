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
of decision-table verification); the region is the run of proved pieces around the witness value
(found with doubling and halving steps, a few solver calls for a long run), or the witness value alone. For a keuze or ja/nee it is the set of values for which the formulas
hold. A gegeven whose thresholds are not constants (compared with another gegeven) gets the
stretch the solver proves, which may be the witness value alone: a region is never larger than
what is proved. The facts among the formulas (`calendar_smt.is_fact`: how many days n months or
working days add at least and at most, true for every case of the domain) are given to each
proof as known, not proved again for every value: with them in "the formulas fail somewhere", z3
walked the calendar table to disprove them in each such proof (2.1 and 4.3 s of the six-months
gap in tests/test_consistency_exact.py; now 0.02-0.05 s). The answers are the same: a formula that
holds for every case is true with or without them.

`all_regions(ctx, rule, formulas, limit)` lists every region of a defect, not one witness: find a
witness, grow the proved box around it (`around_box`), add "not in this box" and repeat until the
solver finds no further case or `limit` boxes were found (a count, so the same policy gives the
same boxes on any machine; `Boxes.stopped` says the count stopped it while cases were left);
then boxes that differ along one gegeven only and abut there are merged (`merge`). Each box keeps
the witness it was grown around. `region_formula(enc, region)` is a region as a z3 formula again
(for "not in this box", and to compare a report with an earlier one, `dsl.analysis.compare`).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import attrs
import z3

from dsl.analysis.calendar_smt import is_fact
from dsl.analysis.findings import Region, case_value
from dsl.analysis.term_memo import TermMemo
from dsl.analysis.thresholds import thresholds
from dsl.case import CaseValueError, convert

__all__ = ["Boxes", "all_regions", "around", "around_box", "merge", "region_formula", "region_value", "relation_names",
           "relation_sexpr", "relation_text", "relations_of"]

_ORDERED = ("bedrag", "percentage", "getal", "aantal", "datum", "tijdstip", "duur")


@attrs.frozen
class Boxes:
    """Every region of one defect: (witness, regions) per box, and whether the count bound
    stopped the listing while further cases were left."""

    boxes: tuple
    stopped: bool = False


def all_regions(ctx, rule: str, formulas: list, limit: int) -> Boxes:
    """Every box of cases satisfying `formulas` (see the module docstring)."""
    found_boxes: list[tuple[Any, tuple[Region, ...]]] = []
    outside: list = []
    relations = relations_of(formulas)
    while True:
        found = ctx.witness(rule, *formulas, *outside)
        if found is None:
            return Boxes(tuple(merge(found_boxes)))
        if len(found_boxes) >= limit:
            return Boxes(tuple(merge(found_boxes)), stopped=True)
        regions, member = around_box(ctx, formulas, found, relations=relations)
        found_boxes.append((found, regions))
        outside.append(z3.Not(member))


def merge(boxes: list) -> list:
    """Boxes (witness, regions) with the boxes that abut along one gegeven joined, the first
    box's witness kept; repeated until no two can be joined."""
    out = list(boxes)
    joined = True
    while joined:
        joined = False
        for i in range(len(out)):
            for j in range(i + 1, len(out)):
                both = _join(out[i][1], out[j][1])
                if both is not None:
                    out[i] = (out[i][0], both)
                    del out[j]
                    joined = True
                    break
            if joined:
                break
    return out


def _join(a: tuple[Region, ...], b: tuple[Region, ...]) -> tuple[Region, ...] | None:
    """One box for boxes `a` and `b` when they are equal but along one gegeven, where they
    abut or overlap; else None."""
    if [r.field for r in a] != [r.field for r in b]:
        return None
    differ = [k for k, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    if len(differ) != 1:
        return None if differ else a
    k = differ[0]
    both = _union(a[k], b[k])
    return None if both is None else (*a[:k], both, *a[k + 1:])


def _union(x: Any, y: Any) -> Region | None:
    """One region for two regions of one gegeven whose union is one set or interval, else None."""
    if x.relation != y.relation:
        return None
    if x.values is not None or y.values is not None:
        if x.values is None or y.values is None:
            return None
        return attrs.evolve(x, values=x.values + tuple(v for v in y.values if v not in x.values))
    try:
        if _starts_before(y, x):
            x, y = y, x
        if not _reaches(x, y):
            return None
        if x.high is None or (y.high is not None and (y.high > x.high or (y.high == x.high and y.high_closed))):
            return attrs.evolve(x, high=y.high, high_closed=y.high_closed)
        return x
    except TypeError:   # values that do not compare (a duur written as text): left apart
        return None


def _starts_before(y: Any, x: Any) -> bool:
    if y.low is None or x.low is None:
        return y.low is None and x.low is not None
    return y.low < x.low or (y.low == x.low and y.low_closed and not x.low_closed)


def _reaches(x: Any, y: Any) -> bool:
    """Whether `y` (starting no earlier than `x`) starts inside `x` or right at its end."""
    if x.high is None or y.low is None:
        return True
    return y.low < x.high or (y.low == x.high and (x.high_closed or y.low_closed))


def region_value(model, name: str, value):
    """A value of a region (or of a witness) as the runtime has it, also a duur written as text
    ("14 dagen" is 14); None for "onbekend"."""
    value = case_value(model, name, value)
    t = model.fields[name].type
    if isinstance(value, str) and t.kind not in ("tekst", "keuze"):
        try:
            return convert(value, t)
        except CaseValueError:
            return value
    return value


def region_formula(enc, region: Region):
    """A region as a z3 formula over the encoder's variable of its gegeven (None when the
    gegeven is not encoded). A value None in `values` is "onbekend", which the solver's complete
    cases never have (`dsl.analysis.unknowns` has its own formula for it). A relation is read
    back from its formula."""
    name = region.field
    if name not in enc.model.fields:
        return None
    if region.relation is not None:
        return _relation_formula(enc, region)
    v, t = enc.var(name), enc.model.fields[name].type
    const = lambda value: enc.const(region_value(enc.model, name, value), t)  # noqa: E731
    if region.values is not None:
        return z3.Or(*[v == const(value) for value in region.values if value is not None])
    parts = []
    if region.low is not None:
        parts.append(v >= const(region.low) if region.low_closed else v > const(region.low))
    if region.high is not None:
        parts.append(v <= const(region.high) if region.high_closed else v < const(region.high))
    return z3.And(*parts)


def _relation_formula(enc, region: Region):
    decls = {}
    for name in enc.model.fields:
        try:
            decls[name] = enc.var(name)
        except Exception:   # a gegeven the solver does not encode (a lijst)
            continue
    try:
        (atom,) = z3.parse_smt2_string(f"(assert {region.relation})", decls=decls)
    except (z3.Z3Exception, ValueError):
        return None
    return z3.Or(*[atom == z3.BoolVal(bool(v)) for v in region.values or ()])


def around(ctx, formulas: list, found) -> tuple[Region, ...]:
    """The regions of a witness (see the module docstring); () when there is no witness."""
    if found is None:
        return ()
    return around_box(ctx, formulas, found)[0]


def around_box(ctx, formulas: list, found, given: list | tuple = (),
               relations: list | None = None) -> tuple[tuple[Region, ...], Any]:
    """The regions of a witness and the z3 formula of the box they make (a gegeven without a
    region, such as a tekst, at its witness value); `given` are constraints every case of the box
    keeps (the "is bekend" flags of `dsl.analysis.unknowns`); `relations` are `relations_of(formulas)`
    when the caller has them already."""
    case, relevant, m = found
    enc, model = ctx.enc, ctx.model
    names = [n for n in relevant if n in enc.vars]
    # every gegeven starts at its witness value; each region found replaces that, so the regions
    # grown later hold for every value of the earlier ones: together they are a proved box. A
    # comparison of two gegevens (a relation) keeps its witness truth, so the gegevens in it can
    # grow along the policy's constants instead of being pinned to one value each
    atoms = relations if relations is not None else relations_of(formulas)
    kept = {str(k): (atom, z3.is_true(m.eval(atom, model_completion=True))) for k, atom in enumerate(atoms)}
    within = {n: enc.vars[n] == m.eval(enc.vars[n], model_completion=True) for n in names}
    within.update({k: atom == z3.BoolVal(truth) for k, (atom, truth) in kept.items()})
    within.update({f"?{k}": g for k, g in enumerate(given)})
    facts = [f for f in formulas if is_fact(f)]
    holds = z3.And(*[f for f in formulas if not is_fact(f)])
    out = []
    for name in names:
        v, kind = enc.vars[name], model.fields[name].type.kind
        fixed = [*facts, *(c for n, c in within.items() if n != name)]
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
    given_keys = {f"?{k}" for k in range(len(given))}
    for key, (atom, truth) in kept.items():
        fixed = [*facts, *(c for n, c in within.items() if n != key)]
        if _always(ctx, fixed, holds):
            del within[key]    # the defect holds either way: the relation does not bound it
        else:
            out.append(Region(relation_names(atom)[0], values=(truth,), relation=relation_sexpr(atom),
                              relation_text=relation_text(atom, tuple(enc.words.values()))))
    return tuple(out), z3.And(*[c for n, c in within.items() if n not in given_keys])


_COMPARE = {z3.Z3_OP_LE: "≤", z3.Z3_OP_LT: "<", z3.Z3_OP_GE: "≥", z3.Z3_OP_GT: ">", z3.Z3_OP_EQ: "=",
            z3.Z3_OP_DISTINCT: "≠"}


def relations_of(formulas) -> list:
    """The comparisons inside `formulas` whose sides together read two or more gegevens, each once."""
    from dsl.analysis.smt import dag_nodes

    formulas = list(formulas)
    names: dict[int, frozenset] = {}   # term id -> the gegevens in it, each term once (bottom up)
    found: dict[int, Any] = {}
    for key, ast, args, name, op in dag_nodes(*formulas):
        names[key] = frozenset({name}) if name is not None else frozenset().union(*[names[a] for a in args])
        if op in _COMPARE and len(args) == 2 and len(names[key]) >= 2:
            ctx = formulas[0].ctx   # a Python term only for a comparison found (z3's own wrapper)
            if z3.is_arith(z3.z3._to_expr_ref(z3.Z3_get_app_arg(ctx.ref(), ast, 0), ctx)):
                found[key] = z3.z3._to_expr_ref(ast, ctx)
    # a relation inside another relation's sides (an `If` of a decision) is kept as well: both bound it
    return sorted(found.values(), key=relation_sexpr)


def relation_names(atom) -> list[str]:
    from dsl.analysis.smt import free_fields

    return list(_DESCRIBED.value(atom, "names", lambda: tuple(sorted(free_fields(atom)))))


def relation_sexpr(atom) -> str:
    """A relation as SMT-LIB text (how a region stores it, and the order relations are listed in)."""
    return _DESCRIBED.value(atom, "sexpr", atom.sexpr)


def relation_text(atom, words: tuple = ()) -> str:
    """A relation in words: 'uptake_biosimilar < verwachte_uptake' (amounts in cents, dates as
    day numbers, as the solver counts them, when a side is more than one gegeven). A shift of a
    moment in a side is written as the policy writes it, from `words` ((term, words) pairs,
    `Encoder.words`): 'ontslag ≤ 6 maanden na opname', not the table of every day that stands for."""
    op = _COMPARE[atom.decl().kind()]

    def make() -> str:
        named = z3.substitute(atom, *[(term, z3.Const(text, term.sort())) for term, text in words]) if words else atom
        return f"{_side(named.arg(0))} {op} {_side(named.arg(1))}"

    return _DESCRIBED.value(atom, "words" + "".join(f"|{text}" for _, text in words), make)


# a relation with a calendar table in a side is a term of tens of thousands of nodes: writing it
# out in SMT-LIB took 0.25 s each time a box of the six-months gap in
# tests/test_consistency_exact.py kept it: remembered per relation atom
_DESCRIBED = TermMemo(256)


def _side(term) -> str:
    import re

    text = re.sub(r"ToReal\(([A-Za-z_][\w]*)\)", r"\1", str(term))
    return " ".join(text.split())


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
    known = getattr(ctx, "thresholds", None)
    for th in (known if known is not None else thresholds(ctx.model)).get(name, []):
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

    def span(first: int, last: int):
        """The pieces first..last together: one interval."""
        region = _region(name, pieces[first], pieces[last], points)
        parts = []
        if region.low is not None:
            low = ctx.enc.const(region.low, t)
            parts.append(v >= low if region.low_closed else v > low)
        if region.high is not None:
            high = ctx.enc.const(region.high, t)
            parts.append(v <= high if region.high_closed else v < high)
        return z3.And(*parts)

    end = home + _reach(len(pieces) - 1 - home, lambda n: _always(ctx, fixed, holds, span(home, home + n)))
    start = home - _reach(home, lambda n: _always(ctx, fixed, holds, span(home - n, end)))
    return _region(name, pieces[start], pieces[end], points), span(start, end)


def _reach(most: int, holds_for) -> int:
    """The largest n <= `most` for which `holds_for(n)` (true for 0, and for every n below one it is
    true for): doubling steps, then halving, so a long run of pieces costs a few solver calls."""
    good, step = 0, 1
    while good < most:
        trial = min(good + step, most)
        if not holds_for(trial):
            low, high = good, trial - 1   # the answer lies in good..trial-1
            while low < high:
                middle = (low + high + 1) // 2
                if holds_for(middle):
                    low = middle
                else:
                    high = middle - 1
            return low
        good, step = trial, step * 2
    return good


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
