"""The consistency report as one JSON object, for scripts and CI (`beleid controleer --consistentie --json`).

Contract: `consistency_json(report, model)` returns a dict that `json.dumps` writes as is and
that follows docs/consistentie.schema.json. Its `bevindingen` list has, per finding: `soort` (the
key of `dsl.analysis.findings.KINDS`: gat, overlap, grens, ...), `omschrijving` (its Dutch label),
`regels` (every rule involved, the main one first), `bron` (per rule its source citation),
`melding`, `plaatsen` (file, line, column), `gebieden` (per gegeven where the defect lies: an
interval, a set of values or one value; a finding without regions gives its witness's relevant
values as single values), `alle_gebieden` (every region of a gap, overlap or blocking unknown,
each a box of `gebieden` with its `getuige`; empty for other findings), `getuige` (the counterexample with each value written as a case file
accepts it: "€ 250.000,00", "4,71%", "0,5", ISO dates, "14 dagen", true/false; or null),
`methode` ("solver": proved by z3, "regels": read from the rules themselves (a cross-rule
boundary), "beleid": a `bekende bevinding` that matched nothing, or "zoektocht": found by
Hypothesis, nothing proved),
`bevestigd` (evaluating the getuige shows the defect; null when there is no getuige) and `bekend`
(recorded in the policy as the document's own, `bekende bevinding`; `vastgelegd` says where: line,
bron, citaat), `onderdeel` (the source text it points at first)
and `vergelijking` ("nieuw" or "eerder gemeld" when the report was compared with an earlier one,
`--vergelijk`, `dsl.analysis.compare`; else null). `nieuw` counts the findings that are neither
bekend nor eerder gemeld: the command's exit code is 1 exactly when it is not 0. `zoektocht` says
what the searches did, `onbekend` per rule the gegevens that can make it onbekend on their own
(`dsl.analysis.unknowns`), `gebieden_telgrens` where the count bound stopped a listing of regions, `aannames` the aannames the
checks respected (only cases for which they hold were considered).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from dsl.analysis.findings import Finding, Region, case_value, show_value
from dsl.case import written
from dsl.runtime.formatting import format_value

__all__ = ["consistency_json", "json_value"]


def json_value(model, name: str, value) -> Any:
    """A value of gegeven `name` as a case file writes it (see the module docstring)."""
    if value is None:
        return None
    t = model.fields[name].type if name in model.fields else None
    value = case_value(model, name, value)
    if t is None:
        return value if isinstance(value, (str, bool, int, list)) else str(value)
    return _typed(value, t)


def _typed(value, t) -> Any:
    kind = t.kind
    if kind == "lijst" and isinstance(value, (list, tuple)) and t.element is not None:
        return [_typed(item, t.element) for item in value]
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if kind in ("bedrag", "percentage", "getal") and isinstance(value, (Decimal, int)) and not isinstance(value, bool):
        return format_value(Decimal(value), kind)
    if kind == "duur" and isinstance(value, int) and not isinstance(value, bool):
        return written(value, t)
    if isinstance(value, (str, bool, int)):
        return value
    return str(value)


def ordered_values(model, region: Region) -> list:
    """A region's values in the order of its type (nee before ja, a keuze's options as declared,
    onbekend last), whatever order the regions they came from were merged in."""
    field = model.fields.get(region.field)
    options = list(field.type.options) if field is not None else []

    def key(v):
        if v is None:
            return (2, 0, "")
        if isinstance(v, bool):
            return (0, int(v), "")
        return (1, options.index(v) if v in options else len(options), str(v))

    return sorted(region.values or (), key=key)


def region_json(model, region: Region) -> dict:
    out: dict[str, Any] = {"gegeven": region.field, "soort": region.kind, "tekst": region_text(model, region)}
    if region.relation is not None:
        out["formule"] = region.relation
        out["waarden"] = list(region.values or ())
    elif region.values is not None:
        out["waarden"] = [json_value(model, region.field, v) for v in ordered_values(model, region)]
    elif region.kind == "waarde":
        out["waarde"] = json_value(model, region.field, region.low)
    else:
        out["van"] = json_value(model, region.field, region.low)
        out["tot"] = json_value(model, region.field, region.high)
        out["van_inbegrepen"] = region.low_closed
        out["tot_inbegrepen"] = region.high_closed
    return out


def region_text(model, region: Region) -> str:
    """A region in Dutch: 'omzet = € 250.000,00', '€ 250.000,00 ≤ omzet < € 300.000,00',
    'soort is "zzp" of "instelling"'."""
    name = region.field
    if region.relation is not None:
        truth = set(region.values or ())
        if truth == {True}:
            return str(region.relation_text)
        if truth == {False}:
            return f"niet: {region.relation_text}"
        return f"{region.relation_text}: waar of niet"
    if region.values is not None:
        return f"{name} is " + " of ".join("onbekend" if v is None else show_value(model, name, v)
                                           for v in ordered_values(model, region))
    if region.kind == "waarde":
        return f"{name} = {show_value(model, name, region.low)}"
    if region.low is None and region.high is None:
        return f"{name}: elke waarde"
    parts = []
    if region.low is not None:
        parts.append(f"{show_value(model, name, region.low)} {'≤' if region.low_closed else '<'} ")
    parts.append(name)
    if region.high is not None:
        parts.append(f" {'≤' if region.high_closed else '<'} {show_value(model, name, region.high)}")
    return "".join(parts)


def witness_regions(model, f: Finding) -> tuple[Region, ...]:
    """The regions of a finding, or (until it has them) its witness's relevant values."""
    if f.regions or f.case is None:
        return tuple(f.regions)
    return tuple(Region(n, case_value(model, n, f.case[n]), case_value(model, n, f.case[n]))
                 for n in f.relevant if n in f.case and f.case[n] is not None)


def finding_json(f: Finding, model, filename: str, source: str | None = None) -> dict:
    from dsl.analysis.compare import part_text

    rules = model.rules
    return {
        "soort": f.kind,
        "omschrijving": f.label,
        "regels": list(f.names),
        "bron": {name: rules[name].source if name in rules else None for name in f.names},
        "melding": f.message + (f" {f.detail}" if f.detail else ""),
        "plaatsen": [{"label": label, "bestand": filename, "regel": span.line, "kolom": span.column}
                     for label, span in f.spans],
        "gebieden": [region_json(model, r) for r in witness_regions(model, f)],
        "alle_gebieden": [{"gebieden": [region_json(model, r) for r in regions],
                           "getuige": {n: json_value(model, n, v) for n, v in case.items()}}
                          for case, regions in f.boxes],
        "getuige": None if f.case is None else {n: json_value(model, n, v) for n, v in f.case.items()},
        "methode": {"exact": "solver", "regels": "regels", "beleid": "beleid"}.get(f.method, "zoektocht"),
        "bevestigd": f.confirmed,
        "bekend": f.known,
        "vastgelegd": f.known_record,
        "onderdeel": part_text(f, source),
        "vergelijking": None if f.earlier is None else ("eerder gemeld" if f.earlier else "nieuw"),
    }


def consistency_json(report, model) -> dict:
    """The report as a JSON-ready dict (see the module docstring). The source text the findings
    point at (`onderdeel`) is read from `model.text`."""
    budget = report.budget
    checked = {how: sum(1 for c in report.checked if c.method == method)
               for how, method in (("solver", "exact"), ("zoektocht", "zoektocht"), ("niet", "geen"))}
    return {
        "beleid": report.title,
        "bestand": report.filename,
        "nieuw": len(report.new),
        "vergeleken_met": report.compared_with,
        "bevindingen": [finding_json(f, model, report.filename, getattr(model, "text", None))
                        for f in report.findings],
        "gecontroleerd": checked,
        "terugval": [{"regel": fb.rule, "reden": fb.reason, **({"regel_nr": fb.span.line} if fb.span else {})}
                     for fb in report.fallbacks],
        "zoektocht": {
            "max_casussen": budget.max_examples if budget else None,
            "zaad": budget.seed if budget else None,
            "tijdgrens_seconden": budget.seconds if budget else None,
            "zoektochten": len(report.searches),
            "casussen": sum(s.cases for s in report.searches),
            "tijdgrens_bereikt": [{"regel": s.rule, "wat": s.what, "casussen": s.cases} for s in report.timed_out],
        },
        "opmerkingen": list(report.notes),
        "aannames": [{"naam": a.name, "titel": a.title, "regel": a.span.line, "bron": a.source}
                     for a in getattr(model, "assumptions", ())],
        "onbekend": [{"regel": u.rule, "gegevens": list(u.inputs)} for u in report.unknowns],
        "gebieden_telgrens": {
            "max_per_gebrek": getattr(budget, "max_regions", None),
            "bereikt": [{"regel": rule, "wat": what} for rule, what in report.region_limits],
        },
    }
