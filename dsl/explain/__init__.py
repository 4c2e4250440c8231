"""Explanations: an evaluated case -> a tree of Dutch steps, "waarom niet", and a summary.

Contract: every view is a pure function of one traced `Outcome` (`dsl.policy`):
`explain(outcome)` gives one `Step` per rule (requirements inside their group), each expandable
to the steps of its condition; `why_not(outcome, name)` lists for a decision each row that did
not apply with the condition that stopped it, and for a requirement the parts that failed;
`summary(outcome)` gives one sentence per rule; `closing_summary(outcome)` the counts per status
and the requirements not met and deadlines missed, for the end of a report; `render(steps)` lays a tree out as indented
text. Every rule step carries the rule's text, its values, its source and one Dutch sentence,
e.g. "Voldoet niet: aandeel onderaanneming is 41%, ten hoogste 33% is toegestaan (Bijlage 2,
Minimumeisen wijkverpleging)".
"""

from __future__ import annotations

from dsl import ast
from dsl.explain.steps import NOT_EVALUATED, Explainer, Step
from dsl.runtime import values as rtv
from dsl.runtime.formatting import format_value

__all__ = ["Step", "explain", "why_not", "summary", "closing_summary", "render", "rule_step", "Explainer"]


def explain(outcome) -> list[Step]:
    """The full explanation: groups with their requirements, then the other rules."""
    ex = Explainer(outcome)
    rules = [r for r in ex.model.rules.values() if r.kind != "eis"]  # requirements: inside their group
    rules.sort(key=lambda r: (r.node.span.line, r.node.span.column))  # the order of the policy text
    return [rule_step(ex, r.name) for r in rules]


def rule_step(ex: Explainer, name: str) -> Step:
    rule = ex.model.rules[name]
    return _BUILDERS[rule.kind](ex, rule, ex.outcome.results[name])


def _cite(ex: Explainer, rule) -> str:
    parts = [ex.policy.source_of(rule)]
    if rule.group:
        title = ex.model.rules[rule.group].node.title
        if not parts[0] or not set(title.lower().split()) <= set(parts[0].lower().replace(",", " ").replace(";", " ").split()):
            parts.append(title)  # unless the source already names the group
    parts = [p for p in parts if p]
    return f" ({', '.join(parts)})" if parts else ""


def _not_applicable(ex: Explainer, rule) -> str:
    conds = [c for c in (rule.group and ex.model.rules[rule.group].node.meta.applicable,
                         rule.node.meta.applicable) if c is not None]
    failing = [c for c in conds if ex.value(c) is not True]
    if not failing:
        return "Niet van toepassing."
    if isinstance(failing[0], ast.Name):
        return f"Niet van toepassing: {ex.describe(failing[0])}."
    return f"Niet van toepassing: '{ex.text(failing[0])}' geldt niet."


def _unknown(ex: Explainer, node) -> str:
    missing = ex.missing_in(node)
    return "Onbekend: ontbrekende gegevens: " + ", ".join(missing) + "." if missing else "Onbekend."


def _requirement(ex: Explainer, rule, result) -> Step:
    node = rule.node
    children = [ex.condition(node.condition)] + [ex.condition(e.condition) for e in node.exceptions]
    if isinstance(node.condition, ast.Name) and not node.exceptions:
        shown = ()  # "vereist agb_code_vv": the sentence already says it all
    else:
        shown = tuple(children)
    status = result.status
    if status == rtv.NVT:
        sentence = _not_applicable(ex, rule)
    elif status == rtv.ONBEKEND:
        sentence = _unknown(ex, node)
    elif status == rtv.VOLDAAN and ex.value(node.condition) is not True:
        fired = next(e for e in node.exceptions if ex.value(e.condition) is True)
        sentence = f"Voldoet: de uitzondering geldt ({fired.words} {ex.text(fired.condition)})."
    elif status == rtv.VOLDAAN:
        first = children[0]
        sentence = first.sentence if first.sentence.startswith("Voldoet:") else f"Voldoet: {ex.text(node.condition)}."
    else:
        sentence = "Voldoet niet: " + ex.reason(node.condition) + "."
    sentence = sentence[:-1] + _cite(ex, rule) + "." if status != rtv.NVT else sentence
    return Step("eis", rule.name, node.title, status, sentence, (), result.source, node.span, shown)


def _group(ex: Explainer, rule, result) -> Step:
    members = [rule_step(ex, r.name) for r in rule.node.requirements]
    failing = [m for m in members if m.result == rtv.NIET_VOLDAAN]
    unknown = [m for m in members if m.result == rtv.ONBEKEND]
    status = result.status
    if status == rtv.NVT:
        sentence = _not_applicable(ex, rule)
    elif failing:
        titles = ", ".join(ex.model.rules[m.name].node.title for m in failing)
        sentence = f"Voldoet niet: {_share(failing, members)} niet voldaan: {titles}."
    elif unknown:
        titles = ", ".join(ex.model.rules[m.name].node.title for m in unknown)
        sentence = f"Onbekend: {_share(unknown, members)} onbekend: {titles}."
    elif len(members) == 1:
        sentence = "Voldoet: de enige eis is voldaan of niet van toepassing."
    else:
        sentence = f"Voldoet: alle {len(members)} eisen zijn voldaan of niet van toepassing."
    return Step("groep", rule.name, rule.node.title, status, sentence, (), result.source, rule.node.span,
                tuple(members))


def _decision(ex: Explainer, rule, result) -> Step:
    node = rule.node
    last = _last_row_looked_at(ex, node, result)
    rows = [_row_step(ex, i, row, result, i > last) for i, row in enumerate(node.rows)]
    if node.otherwise is not None:
        rows.append(Step("anders", None, "anders " + ex.text(node.otherwise.outcome),
                         "toegepast" if result.row == len(node.rows) else "niet toegepast",
                         "Geen van de regels gold." if result.row == len(node.rows) else "",
                         (), node.otherwise.source, node.otherwise.span))
    value_text = ex.fmt(node.rows[0].outcome, result.value) if result.value is not None else "onbekend"
    if result.status == "bepaald":
        which = "anders" if result.row == len(node.rows) else f"regel {result.row + 1}"
        sentence = f"Uitkomst: {value_text} ({which}){_cite(ex, rule)}."
    elif result.status == rtv.GEEN_UITKOMST:
        sentence = "Geen uitkomst: geen enkele regel is van toepassing en er is geen 'anders'."
    elif result.status == "meerdere regels":
        hits = [str(i + 1) for i, r in enumerate(node.rows) if ex.value(r.condition) is True]
        sentence = f"Geen uitkomst: regels {', '.join(hits)} gelden tegelijk, terwijl de beslissing uniek is."
    elif result.status == rtv.NVT:
        sentence = _not_applicable(ex, rule)
    else:
        sentence = _unknown(ex, node)
    return Step("beslissing", rule.name, node.title, result.status if result.status != "bepaald" else value_text,
                sentence, (), result.source, node.span, tuple(rows))


def _last_row_looked_at(ex: Explainer, node, result) -> int:
    """Under first match, evaluation stops at the row that applies or is unknown; rows after it
    were never looked at (a bare gegeven as condition has a value even then, so ask the order)."""
    if result.status == rtv.NVT:
        return -1
    if node.hit_policy == "uniek":
        return len(node.rows)
    if result.row is not None and result.row >= 0:
        return result.row
    for index, row in enumerate(node.rows):
        if ex.value(row.condition) is not False:
            return index
    return len(node.rows)


def _row_step(ex: Explainer, index: int, row, result, skipped: bool) -> Step:
    value = NOT_EVALUATED if skipped else ex.value(row.condition)
    if result.row == index:
        word, sentence = "toegepast", f"Deze regel geldt: {ex.text(row.condition)}."
    elif value is NOT_EVALUATED and result.status == rtv.NVT:
        word, sentence = "niet bekeken", "Niet bekeken: de beslissing is niet van toepassing."
    elif value is NOT_EVALUATED and result.status == rtv.ONBEKEND:
        word, sentence = "niet bekeken", "Niet bekeken: een eerdere regel was onbekend, dus de uitkomst ook."
    elif value is NOT_EVALUATED:
        word, sentence = "niet bekeken", "Niet bekeken: een eerdere regel gaf de uitkomst al."
    elif value is False:
        word, sentence = "geldt niet", f"Geldt niet: {ex.reason(row.condition)}."
    elif value is None:
        word, sentence = "onbekend", _unknown(ex, row.condition)
    else:
        word, sentence = "geldt ook", f"Geldt ook: {ex.text(row.condition)}."
    return Step("regel", f"regel {index + 1}", f"als {ex.text(row.condition)} dan {ex.text(row.outcome)}",
                word, sentence, (), row.source, row.span, (ex.condition(row.condition),))


def _timeline(ex: Explainer, rule, result) -> Step:
    node = rule.node
    t = ex.model.types.get(node.subject)
    event = ex.outcome.case.data.get(node.subject.name)
    fmt = (lambda v: "onbekend" if v is None else format_value(v, "tijdstip" if hasattr(v, "hour") else "datum"))
    strict = node.kind in ("voor", "van tot")  # the deadline itself is the first moment too late
    deadline = ("" if result.deadline is None else
                f"vóór {fmt(result.deadline)}" if strict else f"uiterste moment {fmt(result.deadline)}")
    window = f"vanaf {fmt(result.start)}" if result.start is not None else ""
    bound = ", ".join(p for p in (window, deadline) if p)
    subject = ex.label(node.subject)
    status = result.status
    peil = fmt(ex.outcome.case.peil)
    if status == rtv.GEHAALD:
        sentence = f"Gehaald: {subject} op {fmt(event)}; {bound}"
    elif status == rtv.NIET_GEHAALD and event is not None:
        sentence = f"Niet gehaald: {subject} op {fmt(event)}; {bound}"
    elif status == rtv.NIET_GEHAALD:
        sentence = (f"Niet gehaald: geen {subject} opgegeven, en op de peildatum {peil} is de termijn "
                    f"({deadline}) voorbij")
    elif status == rtv.NOG_NIET:
        sentence = f"Nog niet verstreken: {bound}; peildatum {peil}"
    elif status == rtv.NVT:
        return Step("termijn", rule.name, node.title, status, _not_applicable(ex, rule), (), result.source, node.span)
    else:
        sentence = _unknown(ex, node)[:-1]
    values = ((subject, fmt(event) if t else "onbekend"), ("uiterste moment", fmt(result.deadline)))
    children = tuple(ex.condition(a) for a in node.args if not isinstance(a, ast.Literal))
    sentence = sentence.rstrip(".") + ex.clamp_notes(node.args)
    return Step("termijn", rule.name, node.title, status, sentence + _cite(ex, rule) + ".",
                values, result.source, node.span, children)


def _calculation(ex: Explainer, rule, result) -> Step:
    node = rule.node
    shown = node.title or ex.text(node.expr)
    if result.status == rtv.NVT:
        return Step("berekening", rule.name, shown, result.status, _not_applicable(ex, rule), (),
                    result.source, node.span)
    value = ex.fmt(node.expr, result.value) if result.value is not None else "onbekend"
    title = node.title or node.name.replace("_", " ")
    condition = ex.condition(node.expr)
    if result.value is None:
        sentence = _unknown(ex, node)
        if isinstance(node.expr, ast.Weekly) and condition.sentence.startswith("Onbekend: "):
            sentence = condition.sentence
    else:
        sentence = f"{title} = {ex.text(node.expr)} = {value}{ex.clamp_notes(node.expr)}."
        if isinstance(result.value, bool) and not isinstance(node.expr, ast.Name) and \
                condition.sentence.startswith(("Klopt", "Voldoet")):
            sentence += " " + condition.sentence
    return Step("berekening", rule.name, shown, value, sentence, (), result.source, node.span, (condition,))


_BUILDERS = {"eis": _requirement, "groep": _group, "beslissing": _decision, "termijn": _timeline,
             "berekening": _calculation}


def why_not(outcome, name: str) -> list[Step]:
    """For a decision: each row that did not apply and what stopped it; for a requirement or
    group: the failing parts."""
    ex = Explainer(outcome)
    step = rule_step(ex, name)
    if step.kind == "beslissing":
        return [r for r in step.children if r.result in ("geldt niet", "onbekend", "niet bekeken")]
    if step.kind == "groep":
        return [m for m in step.children if m.result in (rtv.NIET_VOLDAAN, rtv.ONBEKEND)]
    return [step] if step.result not in (rtv.VOLDAAN, rtv.GEHAALD) else []


def summary(outcome) -> list[str]:
    """One line per rule: title, result and the sentence."""
    ex = Explainer(outcome)
    lines = []
    for name, rule in ex.model.rules.items():
        step = rule_step(ex, name)
        title = getattr(rule.node, "title", None) or name
        lines.append(f"{title}: {step.sentence}")
    return lines


_STATUS_ORDER = ("niet voldaan", "niet gehaald", "onbekend", "nog niet verstreken", "voldaan", "gehaald",
                 "bepaald", "geen uitkomst", "meerdere regels", "niet van toepassing")
_KIND_WORDS = {"eis": "eisen", "termijn": "termijnen", "beslissing": "beslissingen", "berekening": "berekeningen"}


def _share(part, members) -> str:
    """"2 van de 5 eisen", or "de enige eis" for a group of one."""
    if len(members) == 1:
        return "de enige eis"
    return f"{len(part)} van de {len(members)} eisen"


def closing_summary(outcome, shown: int = 5) -> list[str]:
    """The closing lines of an evaluation: per kind of rule the count of each status, then the
    requirements not met and the deadlines missed, by title (at most `shown` of each)."""
    counts: dict[str, dict[str, int]] = {}
    failing: dict[str, list[str]] = {"niet voldaan": [], "niet gehaald": []}
    for result in outcome.results.values():
        if result.kind not in _KIND_WORDS:
            continue
        per_kind = counts.setdefault(result.kind, {})
        per_kind[result.status] = per_kind.get(result.status, 0) + 1
        if result.status in failing:
            failing[result.status].append(result.title or result.name)
    parts = []
    for kind, words in _KIND_WORDS.items():
        if kind in counts:
            found = sorted(counts[kind].items(), key=lambda item: _STATUS_ORDER.index(item[0])
                           if item[0] in _STATUS_ORDER else len(_STATUS_ORDER))
            total = sum(counts[kind].values())
            parts.append(f"{total} {kind if total == 1 else words}: " + ", ".join(f"{n} {status}" for status, n in found))
    lines = ["Samenvatting: " + "; ".join(parts) + "."] if parts else []
    for status, titles in failing.items():
        if titles:
            more = f" en {len(titles) - shown} meer" if len(titles) > shown else ""
            lines.append(f"{status.capitalize()}: " + "; ".join(titles[:shown]) + more + ".")
    return lines


_MARKS = {"voldaan": "✔", "gehaald": "✔", "niet voldaan": "✘", "niet gehaald": "✘", "onbekend": "?",
          "niet van toepassing": "–", "nog niet verstreken": "…", "toegepast": "→", "ja": "✔", "nee": "✘"}


def render(steps, depth: int = 0, max_depth: int = 2) -> str:
    """Indented text of a step tree, to `max_depth` levels below the top."""
    out = []
    for step in steps:
        mark = _MARKS.get(step.result, "•")
        head = f"{step.name}: " if step.name and step.kind in ("eis", "groep", "beslissing", "termijn", "berekening") else ""
        title = step.text if step.kind != "voorwaarde" else step.text
        if step.kind == "voorwaarde":
            out.append("  " * depth + f"{mark} {title}  [{step.result}]")
        else:
            out.append("  " * depth + f"{mark} {head}{title}  [{step.result}]")
            out.append("  " * depth + f"    {step.sentence}")
        if step.children and depth < max_depth:
            out.append(render(step.children, depth + 1, max_depth))
    return "\n".join(o for o in out if o)



