"""Rule steps: one `Step` per rule of the core model, with its sentence and its parts.

Contract: `rule_step(explainer, name)` builds the step of one rule from the traced outcome the
`Explainer` holds: an eis with its condition and exceptions, a group with its eisen, a
beslissing with one step per row (rows never looked at under first match are "niet bekeken"),
a termijn with its bounds, a berekening with its formula, a bevoegdheid with what the party may
do in this case ("De verzekeraar mag dit in dit geval: ..."; its result is "mag" or "mag niet",
never a verdict). A soft eis that is not met says "Advies (verwacht), niet gevolgd"; a group shows
its advice after its eisen, without letting it decide. Whose obligation a rule is ("verplichting
van de verzekeraar") is said on a group, a termijn, and an eis whose party differs from its
group's. Each sentence ends with the rule's source (and the group it belongs to, unless the source
already names it); a rule that does not apply names the `van toepassing als` that failed.
"""

from __future__ import annotations

from typing import assert_never

from dsl.core import expr as E
from dsl.core import model as M
from dsl.core.model import HitPolicy, Status
from dsl.explain.steps import NOT_EVALUATED, Explainer, LaterSteps, Step, new_step
from dsl.explain.text import NAMED, WEEKLY

# Status's members as module names (on Python 3.11 `Status.NVT` is a descriptor call: see FACT in
# dsl.explain.text)
NVT, ONBEKEND, NIET_VOLDAAN, BEPAALD = Status.NVT, Status.ONBEKEND, Status.NIET_VOLDAAN, Status.BEPAALD
GEEN_UITKOMST, MEERDERE, NOG_NIET = Status.GEEN_UITKOMST, Status.MEERDERE, Status.NOG_NIET
GEHAALD, NIET_GEHAALD, VERSTREKEN_ZONDER_DATUM = Status.GEHAALD, Status.NIET_GEHAALD, Status.VERSTREKEN_ZONDER_DATUM


def rule_step(ex: Explainer, name: str) -> Step:
    """The step of one rule (see the module contract)."""
    rule = ex.model.rules[name]
    match rule:
        case M.Requirement():
            step = _requirement(ex, rule)
        case M.Group():
            step = _group(ex, rule)
        case M.Decision():
            step = _decision(ex, rule)
        case M.Timeline():
            step = _timeline(ex, rule)
        case M.Calculation():
            step = _calculation(ex, rule)
        case _:
            assert_never(rule)
    return _versioned(ex, rule, step) if rule.versions else step


def _versioned(ex: Explainer, rule: M.Rule, step: Step) -> Step:
    """A rule with its own validity: which version applied on the peildatum, and its bron
    ("Versie geldig vanaf 23 oktober 2023 (Wijzigingen ...), bron ..."); or that none is in force."""
    version = rule.version_on(ex.peil)
    periods = "; ".join(v.period for v in rule.versions)
    if version is None:
        if ex.peil is None:
            if step.result != ONBEKEND:
                return step
            return step._replace(sentence=f"Onbekend: de regel geldt {periods}, en de casus noemt geen peildatum "
                                          "om te zien welke versie geldt.")
        return step._replace(sentence=f"Niet van toepassing: de regel geldt {periods}, en de peildatum is "
                                      f"{ex.wording.moment(ex.peil)}.")
    said = f"Versie geldig {version.period}"
    if version.amendment:
        said += f" ({version.amendment})"
    if version.source:
        said += f", bron {version.source}"
    return step._replace(sentence=f"{step.sentence} {said}.", source=version.source or step.source,
                         text=version.title or step.text)


def in_force(ex: Explainer, expr: E.Expr) -> E.Expr:
    """The part of a versioned expression that the version in force gave (the expression itself
    when it has no versions, or none was in force)."""
    if not isinstance(expr, E.Versions):
        return expr
    for test, choice in zip(expr.conditions, expr.choices, strict=True):
        if ex.value(test) is True:
            return choice
    return expr


def _not_applicable(ex: Explainer, rule: M.Rule) -> str:
    """The sentence of a rule that does not apply; every eis of a group that does not apply
    has the same, so it is made once per set of gates."""
    sentence = ex.not_applicable.get(rule.gates)
    if sentence is None:
        sentence = ex.not_applicable[rule.gates] = _failing_gate(ex, rule.gates)
    return sentence


def _failing_gate(ex: Explainer, gates: tuple[M.Gate, ...]) -> str:
    failing = [g.condition for g in gates if ex.value(g.condition) is not True]
    if not failing:
        return "Niet van toepassing."
    if ex.form(failing[0]) in NAMED:
        return f"Niet van toepassing: {ex.describe(failing[0])}."
    return f"Niet van toepassing: '{ex.text(failing[0])}' geldt niet."


def _requirement(ex: Explainer, rule: M.Requirement) -> Step:
    reading = ex.wording.rule(rule)
    parts = reading.shown  # none for "vereist agb_code_vv": the sentence says it all
    if reading.versioned:   # the condition of the version in force
        parts = tuple(in_force(ex, p) for p in parts)
    status = ex.status_of(rule.name)
    if status is NVT:
        sentence = _not_applicable(ex, rule)
    elif status is ONBEKEND:   # the most common after voldaan: on the shortest way
        sentence = ex.unknown_rule(rule, reading)
    else:
        sentence = _requirement_sentence(ex, rule, status)[:-1] + reading.tail
        if reading.advice and status is NIET_VOLDAAN:
            sentence = "Advies (verwacht), niet gevolgd: " + sentence.removeprefix("Voldoet niet: ")
    return new_step(Step, ("eis", rule.name, rule.title or rule.name, status, sentence, (), rule.source,
                           rule.span, LaterSteps(Explainer.condition_steps, ex, parts) if parts else ()))


def _requirement_sentence(ex: Explainer, rule: M.Requirement, status: Status) -> str:
    if status is ONBEKEND:
        return ex.unknown(rule)
    condition = in_force(ex, rule.condition)
    if status is NIET_VOLDAAN:
        return "Voldoet niet: " + ex.reason(condition) + "."
    value = ex.value(condition)
    if value is not True:
        fired = next(e for e in rule.exceptions if ex.value(e.condition) is True)
        fired_condition = fired.condition.items[-1] if rule.versions and isinstance(fired.condition, E.And) \
            else fired.condition   # (of a versioned eis: without its version's test)
        return f"Voldoet: de uitzondering geldt ({fired.words} {ex.text(fired_condition)})."
    first = ex.sentence(condition, value)
    return first if first.startswith("Voldoet:") else f"Voldoet: {ex.text(condition)}."


def _obligation(ex: Explainer, rule: M.Rule) -> str:
    """"; verplichting van de zorgaanbieder" for a rule that says whom it binds; not on an eis that
    binds the same party as its group (the group says it once)."""
    return ex.wording.rule(rule).obligation


def _group(ex: Explainer, rule: M.Group) -> Step:
    rules = ex.model.rules   # its eisen: their sentences are shown with the group
    members = [_requirement(ex, eis) if isinstance(eis, M.Requirement) and not eis.versions else rule_step(ex, eis.name)
               for eis in map(rules.__getitem__, rule.members)]
    advice = [rule_step(ex, name) for name in rule.advice]    # shown after them; they never decide the group
    failing = [m for m in members if m.result == NIET_VOLDAAN]
    unknown = [m for m in members if m.result == ONBEKEND]
    status = ex.status_of(rule.name)
    if status is NVT:
        sentence = _not_applicable(ex, rule)
    elif failing:
        sentence = f"Voldoet niet: {_share(failing, members)} niet voldaan: {_titles(failing)}."
    elif unknown:
        sentence = f"Onbekend: {_share(unknown, members)} onbekend: {_titles(unknown)}."
    elif len(members) == 1:
        sentence = "Voldoet: de enige eis is voldaan of niet van toepassing."
    else:
        sentence = f"Voldoet: alle {len(members)} eisen zijn voldaan of niet van toepassing."
    ignored = [a for a in advice if a.result == NIET_VOLDAAN]
    if status is not NVT:
        sentence = sentence[:-1] + _obligation(ex, rule) + "."
    if ignored and status is not NVT:
        sentence += f" Advies (verwacht), niet gevolgd, telt niet mee: {_titles(ignored)}."
    return new_step(Step, ("groep", rule.name, rule.display, status, sentence, (), rule.source, rule.span,
                           (*members, *advice)))


def _titles(steps: list[Step]) -> str:
    return ", ".join(step.text for step in steps)


def _share(part: list, members: list) -> str:
    """"2 van de 5 eisen", or "de enige eis" for a group of one."""
    if len(members) == 1:
        return "de enige eis"
    return f"{len(part)} van de {len(members)} eisen"


def _decision(ex: Explainer, rule: M.Decision) -> Step:
    result = ex.outcome[rule.name]
    status, row = result.status, result.row
    value_text = ex.format(result.value, rule.type) if result.value is not None else "onbekend"
    if status is BEPAALD:
        which = "anders" if row == len(rule.rows) else _which(ex, rule, row)
        sentence = f"Uitkomst: {value_text} ({which}{_siblings(ex, rule)}){ex.wording.rule(rule).cite}."
    elif status is GEEN_UITKOMST:
        sentence = "Geen uitkomst: geen enkele regel is van toepassing en er is geen 'anders'."
    elif status is MEERDERE:
        hits = [str(r.index + 1) for r in rule.rows if ex.value(_condition(r)) is True]
        sentence = (f"Geen uitkomst: regels {', '.join(hits)} gelden tegelijk en geven niet hetzelfde, terwijl de "
                    "beslissing 'om het even' is." if rule.hit_policy is HitPolicy.ANY else
                    f"Geen uitkomst: regels {', '.join(hits)} gelden tegelijk, terwijl de beslissing uniek is.")
    elif status is NVT:
        sentence = _not_applicable(ex, rule)
    else:
        sentence = ex.unknown(rule)
    shown = status if status is not BEPAALD else value_text
    return new_step(Step, ("beslissing", rule.name, rule.display, shown, sentence, (), result.source, rule.span,
                           LaterSteps(_row_steps, ex, (rule, status, row))))


def _holding(ex: Explainer, rule: M.Decision) -> list[M.Row]:
    """The rows whose condition holds in this case, in the order the hit policy looks at them."""
    return [r for r in rule.in_order if ex.value(_condition(r)) is True]


def _which(ex: Explainer, rule: M.Decision, row: int) -> str:
    """Which rows gave the outcome: "regel 2"; under voorrang the rows that held and why this one
    won; under som, minimum, maximum and alle what was put together."""
    policy = rule.hit_policy
    holding = _holding(ex, rule)
    if policy.single:
        if policy is HitPolicy.PRIORITY and len(rule.rows) > 1:
            # the rows are looked at in the order of voorrang and the first that holds gives the outcome:
            # the rows after it were not evaluated, so which of them would hold is not known here
            ordered = ex.model.rules[rule.priority_output] if rule.priority_output else rule
            order = ", ".join(ex.format(v, ordered.type) for v in rule.priority)
            of = f" van {rule.priority_output}" if rule.priority_output and rule.priority_output != rule.name else ""
            return f"regel {row + 1}: de eerste regel die geldt in de volgorde van voorrang{of} {order}"
        if policy is HitPolicy.ANY and len(holding) > 1:
            return f"regels {_numbers(holding)} gelden en geven hetzelfde"
        return f"regel {row + 1}"
    if policy is HitPolicy.COUNT:
        return f"{_rows_word(holding)} " + ("geldt" if len(holding) == 1 else "gelden")
    element = rule.type.element if rule.type.kind == "lijst" else rule.type
    parts = [ex.fmt(r.outcome) if ex.value(r.outcome) is not None else "onbekend" for r in holding]
    if element is not None and all(ex.value(r.outcome) is not None for r in holding):
        parts = [ex.format(ex.value(r.outcome), element) for r in holding]
    joined = {"som": " + ", "minimum": ", ", "maximum": ", "}.get(policy.aggregate or "", "; ")
    what = {"som": "de som van", "minimum": "het kleinste van", "maximum": "het grootste van"}.get(
        policy.aggregate or "", "de uitkomsten van")
    return f"{what} {_rows_word(holding)}: {joined.join(parts)}"


def _numbers(rows: list[M.Row]) -> str:
    """"1, 3" (after "regels"); a single row is "1" and the caller says "regel" itself."""
    return ", ".join(str(r.index + 1) for r in rows)


def _rows_word(rows: list[M.Row]) -> str:
    """"regel 1" or "regels 1, 3"."""
    return ("regel " if len(rows) == 1 else "regels ") + _numbers(rows)


def _siblings(ex: Explainer, rule: M.Decision) -> str:
    """Of an outcome of a table with several: what the same row gives for the others
    ("; beslissing 'contract' geeft ook looptijd = 2 jaar")."""
    others = [ex.model.rules[n] for n in rule.outputs if n != rule.name]
    parts = []
    for other in others:
        assert isinstance(other, M.Decision)  # the outcomes of one table are its beslissingen
        value = ex.outcome[other.name].value
        shown = ex.fmt(other.rows[0].outcome, value) if value is not None else "onbekend"
        parts.append(f"{other.name.replace('_', ' ')} = {shown}")
    return f"; beslissing '{rule.table}' geeft ook {', '.join(parts)}" if parts else ""


def _outcome_text(ex: Explainer, rule: M.Decision, row: M.Row) -> str:
    """A row's outcome as written: `"raamcontract"`, or of a table with several outcomes each named
    (`soort = "raamcontract", looptijd = 4 jaar`)."""
    if not rule.outputs:
        return ex.text(row.outcome)
    parts = []
    for name in rule.outputs:
        other = ex.model.rules[name]
        assert isinstance(other, M.Decision)
        same = other.otherwise if row.condition is None else other.rows[row.index]
        if same is not None:
            parts.append(f"{name} = {ex.text(same.outcome)}")
    return ", ".join(parts)


def _row_steps(ex: Explainer, args: tuple[M.Decision, Status, int | None]) -> tuple[Step, ...]:
    """A step per row: whether it applied, did not, or was never looked at; then `anders`."""
    rule, status, applied = args
    last = _last_row_looked_at(ex, rule, status, applied)
    position = {r.index: i for i, r in enumerate(rule.in_order)}
    rows = [_row_step(ex, rule, row, status, applied, position[row.index] > last) for row in rule.rows]
    otherwise = rule.otherwise
    if otherwise is not None:
        chosen = applied == otherwise.index
        rows.append(Step("anders", None, "anders " + _outcome_text(ex, rule, otherwise),
                         "toegepast" if chosen else "niet toegepast",
                         "Geen van de regels gold." if chosen else "", (), otherwise.source, otherwise.span))
    return tuple(rows)


def _last_row_looked_at(ex: Explainer, rule: M.Decision, status: Status, row: int | None) -> int:
    """The place (in `in_order`) of the last row looked at. Under first match (and voorrang, in its
    order), evaluation stops at the row that applies or is unknown; rows after it were never
    looked at (a bare gegeven as condition has a value even then, so ask the order). Every other
    hit policy looks at every row."""
    if status is NVT:
        return -1
    if rule.hit_policy not in (HitPolicy.FIRST, HitPolicy.PRIORITY):
        return len(rule.rows)
    order = rule.in_order
    if row is not None and 0 <= row < len(rule.rows):
        return next(i for i, r in enumerate(order) if r.index == row)
    for i, r in enumerate(order):
        if ex.value(_condition(r)) is not False:
            return i
    return len(rule.rows)


def _condition(row: M.Row) -> E.Expr:
    assert row.condition is not None  # only `anders` has none, and it is not among `rows`
    return row.condition


def _row_step(ex: Explainer, rule: M.Decision, row: M.Row, status: Status, applied: int | None, skipped: bool) -> Step:
    condition = _condition(row)
    value = NOT_EVALUATED if skipped else ex.value(condition)
    together = status is BEPAALD and applied is not None and applied < len(rule.rows) and value is True and (
        not rule.hit_policy.single or rule.hit_policy is HitPolicy.ANY)   # every row that holds gives it
    if applied == row.index or together:
        word, sentence = "toegepast", f"Deze regel geldt: {ex.text(condition)}."
    elif value is NOT_EVALUATED and status is NVT:
        word, sentence = "niet bekeken", "Niet bekeken: de beslissing is niet van toepassing."
    elif value is NOT_EVALUATED and status is ONBEKEND:
        word, sentence = "niet bekeken", "Niet bekeken: een eerdere regel was onbekend, dus de uitkomst ook."
    elif value is NOT_EVALUATED and rule.hit_policy is HitPolicy.PRIORITY:
        word, sentence = "niet bekeken", "Niet bekeken: een regel waarvan de uitkomst voorgaat, gaf de uitkomst al."
    elif value is NOT_EVALUATED:
        word, sentence = "niet bekeken", "Niet bekeken: een eerdere regel gaf de uitkomst al."
    elif value is False:
        word, sentence = "geldt niet", f"Geldt niet: {ex.reason(condition)}."
    elif value is None:
        word, sentence = "onbekend", ex.unknown(condition)
    else:
        word, sentence = "geldt ook", f"Geldt ook: {ex.text(condition)}."
    return Step("regel", f"regel {row.index + 1}", f"als {ex.text(condition)} dan {_outcome_text(ex, rule, row)}",
                word, sentence, (), row.source, row.span, ex.conditions((condition,)))


def _moment(ex: Explainer, value) -> str:
    """A date ("1 maart 2024") or moment ("1 maart 2024 10:00 uur"), or "onbekend"."""
    return "onbekend" if value is None else ex.moment(value)


def _timeline(ex: Explainer, rule: M.Timeline) -> Step:
    status = ex.status_of(rule.name)
    if status is NVT:
        return new_step(Step, ("termijn", rule.name, rule.display, status, _not_applicable(ex, rule), (),
                               rule.source, rule.span, ()))
    end, start = ex.outcome.details[ex._index[rule.name]]
    subject_node, moment = rule.subject, ex.moment
    event = ex.data.get(subject_node.name) if isinstance(subject_node, E.Input) else ex.value(subject_node)
    event = None if event is NOT_EVALUATED else event
    end_text = "onbekend" if end is None else moment(end)
    event_text = "onbekend" if event is None else moment(event)
    deadline = "" if end is None else f"vóór {end_text}" if rule.strict else f"uiterste moment {end_text}"
    if start is not None:
        bound = f"vanaf {moment(start)}, {deadline}" if deadline else f"vanaf {moment(start)}"
    else:
        bound = deadline
    subject = ex.read(subject_node).label
    if rule.period is not None and status in (GEHAALD, NIET_GEHAALD):   # the length of a period: say it
        sentence = f"{'Gehaald' if status is GEHAALD else 'Niet gehaald'}: {ex.period_text(rule.period, event)} ({bound})"
    elif status is GEHAALD:
        sentence = f"Gehaald: {subject} op {event_text}; {bound}"
    elif status is NIET_GEHAALD:
        sentence = f"Niet gehaald: {subject} op {event_text}; {bound}"
    elif status is VERSTREKEN_ZONDER_DATUM:
        sentence = (f"Verstreken zonder datum: geen {subject} opgegeven, en op de peildatum {_moment(ex, ex.peil)} "
                    f"is de termijn ({deadline}) voorbij; vul de datum in om te zien of hij gehaald is")
    elif status is NOG_NIET:
        sentence = f"Nog niet verstreken: {bound}; peildatum {_moment(ex, ex.peil)}"
    else:
        sentence = ex.unknown(rule)[:-1]
    reading = ex.wording.rule(rule)
    sentence = (sentence + reading.obligation).rstrip(".")
    if reading.month_shifts:
        sentence += ex.month_end_notes(reading.month_shifts)
    return new_step(Step, ("termijn", rule.name, rule.display, status, sentence + reading.cite + ".",
                           ((subject, event_text), ("uiterste moment", end_text)), rule.source, rule.span,
                           LaterSteps(Explainer.condition_steps, ex, reading.shown)))


def _calculation(ex: Explainer, rule: M.Calculation) -> Step:
    expr = in_force(ex, rule.expr)   # of a rule with versions: the expression of the version in force
    shown = rule.title or ex.text(expr)
    status = ex.status_of(rule.name)
    if status is NVT:
        return new_step(Step, ("berekening", rule.name, shown, status, _not_applicable(ex, rule), (), rule.source,
                               rule.span, ()))
    result = ex.outcome.value(rule.name)
    if M.is_power(rule):
        return _power(ex, rule, expr, shown, result)
    value = ex.fmt(expr, result) if result is not None else "onbekend"
    form = ex.form(expr)
    if result is None:
        sentence = ex.unknown(rule)
        if form is WEEKLY:
            own = ex.sentence(expr, ex.value(expr))
            sentence = own if own.startswith("Onbekend: ") else sentence
    else:
        notes = ex.month_end_notes(ex.wording.rule(rule).month_shifts)
        if isinstance(expr, E.Round):   # what was rounded, in every digit
            notes += f" (onafgerond {ex.exact(expr.operand)})"
        sentence = f"{rule.display} = {ex.text(expr)} = {value}{notes}."
        if isinstance(result, bool) and form not in NAMED:
            own = ex.sentence(expr, ex.value(expr))
            sentence += " " + own if own.startswith(("Klopt", "Voldoet")) else ""
    return new_step(Step, ("berekening", rule.name, shown, value, sentence, (), rule.source, rule.span,
                           ex.conditions((expr,))))


def _power(ex: Explainer, rule: M.Calculation, expr: E.Expr, shown: str, result: bool | None) -> Step:
    """A bevoegdheid that applies: whether the party may act in this case, and why; "mag" or "mag
    niet" as its result (no pass/fail mark), onbekend when the condition is."""
    who = (rule.bound or M.Party.VERZEKERAAR).label
    if result is None:
        sentence, outcome = ex.unknown(rule), "onbekend"
    else:
        verdict = "mag dit in dit geval" if result else "mag dit in dit geval niet"
        sentence = f"{who[0].upper()}{who[1:]} {verdict} ({rule.power}): {ex.text(expr)} = {ex.fmt(expr, result)}."
        outcome = "mag" if result else "mag niet"
        if ex.form(expr) not in NAMED:
            own = ex.sentence(expr, ex.value(expr))
            sentence += " " + own if own.startswith(("Klopt", "Voldoet")) else ""
    return new_step(Step, ("berekening", rule.name, shown, outcome, sentence, (), rule.source, rule.span,
                           ex.conditions((expr,))))
