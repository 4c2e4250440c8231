"""Benchmark: the public evaluation path against tight hand-written Python, in one run.

Run: .venv/bin/python benchmarks/bench_public.py   (about a minute; a 10,000-rule policy is compiled)

Prints, per case, the best time over interleaved rounds (each round runs every subject over the
same list of cases) and its ratio to a tight hand-written function of the same rules
(benchmarks/handwritten_*.py: inlined comparisons, no helper calls) on the same dicts of typed
values; the script first checks that the hand-written functions and the compiled policies agree
on every status and value of every case it times. Measured:
  1. the public path from a plain dict of typed values (Decimal, date, int, bool, str) to the
     statuses and values of all rules, `o = policy.evaluate(d); o.statuses, o.values`, on
     policies/wijkverpleging_2024.beleid and benchmarks/eligibility_contract.beleid (target ≤ 3×);
     the wijkverpleging cases carry a peildatum (60 %, on both sides of its wijziging of
     23 oktober 2023), so the versions of `prijsindexatie` and the termijnen of the wijziging count;
  2. the same with the inputs as Dutch text ("€ 240.000", "41%", "ja", "1 april 2024"), against the
     same hand-written function on typed values (target ≤ 6×); the case readers remember the texts
     they read (dsl.case.conversion._MEMORIES), so this is also timed with those memories emptied
     at the start of every block of 20 cases (texts repeat only as often as they do in the data),
     once with the emptying on the clock and once before it (see `COLD`);
     For comparison (informative, not the target's yardstick) it also times the hand-written
     function behind a tight hand-written reader of the same texts (benchmarks/handwritten_text.py:
     a regular expression per kind, exact Decimal, no memory of texts read), and gives the ratio of
     the public path on new texts to that;
  3. `dsl.explain.explain(outcome)` against the traced evaluation that gives it (target ≤ 10×),
     the two interleaved block by block like the other subjects;
  4. one rule's Result from a generated 10,000-rule policy: only that Result is built.
For locating the cost it also prints the case loader alone, the generated evaluation function
alone (on loaded values) and the traced evaluation.
"""

from __future__ import annotations

import gc
import random
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import handwritten_eligibility  # noqa: E402
import handwritten_text  # noqa: E402
import handwritten_wijkverpleging  # noqa: E402
from bench_evaluate import generated_policy  # noqa: E402

from dsl.case import compile_case_loader  # noqa: E402
from dsl.case.conversion import forget_texts  # noqa: E402
from dsl.literals import MONTHS  # noqa: E402
from dsl.policy import compile_text, load_policy  # noqa: E402
from dsl.types import Type  # noqa: E402

WIJKVERPLEGING = ROOT / "policies" / "wijkverpleging_2024.beleid"
ELIGIBILITY = ROOT / "benchmarks" / "eligibility_contract.beleid"
CASE_FILES = [ROOT / "policies/casussen/wijkverpleging_thuiszorg_noord.json",
              ROOT / "policies/casussen/wijkverpleging_kleine_aanbieder.yaml"]
CASES, ROUNDS = 200, 12
TARGETS = {"public": 3.0, "text": 6.0, "explain": 10.0}
# "text_new" empties the readers' memories at the start of each timed run (every text is then read
# as new unless it came before in the same block of 20 cases), on the clock: emptying frees the
# values remembered, which a long stream of new texts also pays, when a memory is full.
# "text_new_off" empties them before each timed run, off the clock, to show what the reading costs.
COLD: dict[str, Callable[[], object]] = {"text_new_off": forget_texts}
DATUM = Type("datum")


# ---------------------------------------------------------------- cases
def typed_value(rng: random.Random, t):
    """A random typed value of type `t`, biased to the thresholds the two policies use."""
    kind = t.kind
    if kind == "per jaar":  # two to four of the years 2020-2024, mostly nothing to report
        years = sorted(rng.sample(range(2020, 2025), rng.randrange(2, 5)))
        return {y: typed_value(rng, t.element) if rng.random() < 0.2 else 0 for y in years}
    if kind == "bedrag":
        return rng.choice([Decimal(250000), Decimal(2500000), Decimal(rng.randrange(0, 500_000_000)) / 100,
                           Decimal(rng.randrange(0, 5_000_000))])
    if kind == "percentage":   # never strictly between 0 and 1: a case reader refuses that as ambiguous
        return rng.choice([Decimal(20), Decimal(33), Decimal(rng.choice([0, *range(100, 10_000)])) / 100])
    if kind == "getal":
        return rng.choice([Decimal(1), Decimal(10), Decimal(rng.randrange(0, 2_000)) / 100])
    if kind == "aantal":
        return rng.randrange(0, 8)
    if kind == "ja/nee":
        return rng.random() < 0.7
    if kind == "keuze":
        return rng.choice(t.options)
    if kind == "duur":
        return rng.randrange(0, 30)
    day = date(2023, rng.randrange(1, 13), rng.randrange(1, 29)) if rng.random() < 0.9 else date(2024, 1, 1)
    if kind == "tijdstip" and rng.random() < 0.7:
        return datetime(day.year, day.month, day.day, rng.choice([9, 16, 17, 18]), rng.choice([0, 30]))
    return day


def random_cases(policy, n: int, present: float, seed: int, peil: bool = False) -> list[dict]:
    """`n` plain dicts of typed values; each gegeven is given with probability `present`. With
    `peil`, a peildatum too (2023 or 1 januari 2024, so on both sides of a wijziging in 2023), with
    the same probability and drawn apart, so the gegevens are the same as without it."""
    rng, days = random.Random(seed), random.Random(seed + 1)
    fields = list(policy.model.fields.values())
    cases = [{f.name: typed_value(rng, f.type) for f in fields if rng.random() < present} for _ in range(n)]
    if peil:
        for d in cases:
            if days.random() < present:
                d["peildatum"] = typed_value(days, DATUM)
    return cases


def dutch(value: Decimal) -> str:
    """A Decimal in Dutch notation: 2.500.000 or 7,77."""
    sign, whole, fraction = ("-" if value < 0 else ""), *f"{abs(value):f}".partition(".")[::2]
    grouped = f"{int(whole):,}".replace(",", ".")
    return f"{sign}{grouped},{fraction}" if fraction else f"{sign}{grouped}"


def as_text(value, t) -> str:
    """A typed value as a person would type it: "€ 240.000", "41%", "ja", "1 april 2024"."""
    kind = t.kind
    if kind == "per jaar":
        return {str(y): as_text(v, t.element) for y, v in value.items()}
    if kind == "bedrag":
        return f"€ {dutch(value)}"
    if kind == "percentage":
        return f"{dutch(value)}%"
    if kind in ("getal", "aantal"):
        return dutch(Decimal(value))
    if kind == "ja/nee":
        return "ja" if value else "nee"
    if kind == "duur":
        return f"{value} {t.declared or t.unit}"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return f"{value.day} {MONTHS[value.month - 1]} {value.year}"
    return value


def text_cases(policy, cases: list[dict]) -> list[dict]:
    fields = policy.model.fields
    return [{name: as_text(v, fields[name].type) if name in fields else v.isoformat() for name, v in d.items()}
            for d in cases]


def check_agreement(policy, hand: Callable, typed: list[dict], text: list[dict]) -> None:
    """Every case timed: the compiled policy (typed and text inputs) equals the hand-written function,
    and the hand-written text reader reads the texts back to the typed values."""
    names = list(policy.model.rules)
    read = handwritten_text.text_reader(policy.model.fields)
    for plain, written in zip(typed, text):
        if read(written) != plain:
            raise SystemExit(f"{policy.title}: the hand-written text reader reads {written} as {read(written)}")
        expected = hand(plain)
        if len(expected[0]) != len(names) or len(expected[1]) != len(names):
            raise SystemExit(length_mismatch(policy, hand, typed))
        for d in (plain, written):
            outcome = policy.evaluate(d)
            if (outcome.statuses, outcome.values) != expected:
                diff = [(names[i], "status", mine, theirs) for i, (mine, theirs) in
                        enumerate(zip(outcome.statuses, expected[0])) if mine != theirs]
                diff += [(names[i], "waarde", mine, theirs) for i, (mine, theirs) in
                         enumerate(zip(outcome.values, expected[1])) if mine != theirs]
                raise SystemExit(f"{policy.title}: hand-written and compiled disagree on {d}: {diff[:5]}")


def length_mismatch(policy, hand: Callable, typed: list[dict]) -> str:
    """Which rules the hand-written function lacks or adds, when it returns a different number of
    them than the policy has. It returns positions, not names: its positions are aligned to the
    policy's rules by their (status, value) over all cases (the longest common subsequence of
    columns that agree on every case); a rule left over has no counterpart, a position left over
    is extra."""
    names = list(policy.model.rules)
    compiled = list(zip(*(tuple(zip(o.statuses, o.values)) for o in map(policy.evaluate, typed))))
    written = [hand(d) for d in typed]
    counts = {(len(s), len(v)) for s, v in written}
    columns = list(zip(*(tuple(zip(s, v)) for s, v in written)))
    m, n = len(compiled), len(columns)
    common = [[0] * (n + 1) for _ in range(m + 1)]  # common[i][j]: the alignment of compiled[i:] and columns[j:]
    for i in range(m - 1, -1, -1):
        for j in range(n - 1, -1, -1):
            common[i][j] = (common[i + 1][j + 1] + 1 if compiled[i] == columns[j]
                            else max(common[i + 1][j], common[i][j + 1]))
    missing, extra, i, j = [], [], 0, 0
    while i < m or j < n:
        if i < m and j < n and compiled[i] == columns[j] and common[i][j] == common[i + 1][j + 1] + 1:
            i, j = i + 1, j + 1
        elif j == n or (i < m and common[i + 1][j] >= common[i][j + 1]):
            missing.append(f"{i} {names[i]}")
            i += 1
        else:
            extra.append(str(j))
            j += 1
    sizes = ", ".join(f"{s} statuses and {v} values" for s, v in sorted(counts))
    return (f"{policy.title}: the hand-written function {hand.__module__}.{hand.__name__} returns {sizes}, "
            f"the compiled policy has {len(names)} rules. Aligned by status and value over {len(typed)} cases, "
            f"rules without a counterpart (policy position, name): {', '.join(missing) or 'none'}; "
            f"extra positions of the hand-written function: {', '.join(extra) or 'none'}. "
            "(A rule the hand-written function computes differently shows up both as missing and as extra.)")


# ---------------------------------------------------------------- timing
def best_per_case(subjects: dict[str, Callable[[list], object]], cases: list, rounds: int = ROUNDS,
                  chunk: int = 20, repeat: int = 3, before: dict[str, Callable[[], object]] | None = None
                  ) -> dict[str, float]:
    """Time per case of each subject (a function that runs over a list of cases). The cases are
    cut into chunks of `chunk`; in each round every subject runs every chunk `repeat` times in a
    row (so it runs warm, as in a loop over many cases), and per subject and chunk the lowest
    time over all runs counts. Short measurements, interleaved between the subjects, keep the
    load of other processes on a shared machine out of the figures and out of the ratios.
    `before[name]`, if given, runs before each timed run of that subject, off the clock."""
    chunks = [cases[i:i + chunk] for i in range(0, len(cases), chunk)]
    best = {name: [float("inf")] * len(chunks) for name in subjects}
    clock, before = time.perf_counter, before or {}
    nothing = lambda: None  # noqa: E731
    for _ in range(rounds):
        for i, part in enumerate(chunks):
            for name, run in subjects.items():
                prepare = before.get(name, nothing)
                for _ in range(repeat):
                    prepare()
                    start = clock()
                    run(part)
                    best[name][i] = min(best[name][i], clock() - start)
    return {name: sum(times) / len(cases) for name, times in best.items()}


def subjects_for(policy, hand: Callable) -> dict[str, Callable[[list], object]]:
    """The subjects, each over a list of (typed dict, text dict, loaded values and peil)."""
    evaluate, run, loader = policy.evaluate, policy.compiled.evaluate, policy._case_loader
    read = handwritten_text.text_reader(policy.model.fields)

    def handwritten(part):
        for d, _, _ in part:
            hand(d)

    def handwritten_text_read(part):   # every text read anew: it has no memory
        for _, d, _ in part:
            hand(read(d))

    def public(part):
        for d, _, _ in part:
            o = evaluate(d)
            o.statuses, o.values  # noqa: B018 - what a caller reads

    def public_text(part):
        for _, d, _ in part:
            o = evaluate(d)
            o.statuses, o.values  # noqa: B018

    def public_text_new(part):  # the readers' memory of texts emptied first: only repeats within the part help
        forget_texts()
        for _, d, _ in part:
            o = evaluate(d)
            o.statuses, o.values  # noqa: B018

    def public_text_new_off(part):  # the same, emptied before the clock starts (`COLD`)
        for _, d, _ in part:
            o = evaluate(d)
            o.statuses, o.values  # noqa: B018

    def load_only(part):
        for d, _, _ in part:
            loader(d)

    def generated_only(part):
        for _, _, (values, peil) in part:
            run(values, peil)

    def traced(part):
        for d, _, _ in part:
            evaluate(d, trace=True)

    return {"hand": handwritten, "hand_text": handwritten_text_read, "public": public, "text": public_text, "text_new": public_text_new,
            "text_new_off": public_text_new_off, "loader": load_only,
            "generated": generated_only, "traced": traced}


def explain_times(policy, typed: list[dict]) -> dict[str, float] | str:
    """Per case: explain on a traced outcome, and the traced evaluation; or why explain failed."""
    try:
        from dsl.explain import explain

        for d in typed[:3]:
            explain(policy.evaluate(d, trace=True))
    except Exception as err:  # the explanations are being rewritten; report, do not stop the benchmark
        return f"explain faalt: {type(err).__name__}: {err}"
    evaluate, clock = policy.evaluate, time.perf_counter

    def traced(part) -> float:
        start = clock()
        for d in part:
            evaluate(d, trace=True)
        return clock() - start

    def explained(part) -> float:  # a fresh outcome each time: explain may keep what it derived on it
        outcomes = [evaluate(d, trace=True) for d in part]
        start = clock()
        for o in outcomes:
            explain(o)
        return clock() - start

    # interleaved chunk by chunk as in `best_per_case` (each side runs a chunk three times in a
    # row, so warm, before the other side runs it): a burst of load on a shared machine then
    # reaches both sides of the ratio rather than one
    chunks = [typed[i:i + 5] for i in range(0, len(typed), 5)]
    best = {"explain": [float("inf")] * len(chunks), "traced": [float("inf")] * len(chunks)}
    for _ in range(5):
        for i, part in enumerate(chunks):
            best["traced"][i] = min(best["traced"][i], *(traced(part) for _ in range(3)))
            best["explain"][i] = min(best["explain"][i], *(explained(part) for _ in range(3)))
    return {name: sum(times) / len(typed) for name, times in best.items()}


# ---------------------------------------------------------------- report
def row(label: str, seconds: float, base: float | None = None, target: float | None = None) -> str:
    text = f"  {label:<54}{seconds * 1e6:>9.2f} µs"
    if base:
        ratio = seconds / base
        text += f"{ratio:>8.2f}×"
        if target:
            text += f"   doel ≤ {target:g}×  {'gehaald' if ratio <= target else 'NIET gehaald'}"
    return text


def policy_section(path: Path, hand: Callable, present: float, seed: int, files: list[Path],
                   peil: bool = False) -> dict:
    policy = load_policy(path)
    policy.prepare()   # the steady state of a long run (a policy prepares itself after GENERATE_AFTER cases)
    typed = random_cases(policy, CASES, present, seed, peil)
    for f in files:  # the shipped case files, as typed values
        case = policy.load_case(f)
        typed.append({**case.data, **({"peildatum": case.peil} if case.peil else {})})
    text = text_cases(policy, typed)
    check_agreement(policy, hand, typed, text)
    given = sum(len(d) for d in typed) / len(typed)
    print(f"\n{policy.title} ({path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}): {len(policy.model.rules)} regels, "
          f"{len(policy.model.fields)} gegevens, gemiddeld {given:.1f} gegeven per casus; {len(typed)} casussen, "
          "handgeschreven en gecompileerd gelijk op elke status en waarde")
    loaded = [policy.load_case(d) for d in typed]
    rows = [(d, written, (case.values, case.peil)) for d, written, case in zip(typed, text, loaded)]
    best = best_per_case(subjects_for(policy, hand), rows, before=COLD)
    base = best["hand"]
    print(row("handgeschreven (strak, inline), getypte dict", base))
    print(row("publiek pad, getypte dict: evaluate(d); .statuses, .values", best["public"], base, TARGETS["public"]))
    print(row("publiek pad, Nederlandse tekst (€ 240.000, 41%, ja, ...)", best["text"], base, TARGETS["text"]))
    print(row("  idem, geheugen van gelezen teksten leeg per blok van 20", best["text_new"], base, TARGETS["text"]))
    print(row("  idem, geheugen geleegd buiten de klok", best["text_new_off"], base, TARGETS["text"]))
    print(row("  ter vergelijking: handgeschreven, leest zelf de tekst", best["hand_text"], base))
    print(row("    geheugen leeg per blok van 20, tegen dat (informatief)", best["text_new"], best["hand_text"]))
    print(row("  waarvan: casuslader alleen (getypte dict -> Case)", best["loader"], base))
    print(row("  waarvan: gegenereerde functie alleen (geladen waarden)", best["generated"], base))
    print(row("evaluatie met trace, getypte dict", best["traced"], base))
    explained = explain_times(policy, typed[:60])
    if isinstance(explained, str):
        print(f"  {explained}")
    else:
        print(row("explain(outcome) tegen de evaluatie met trace", explained["explain"], explained["traced"],
                  TARGETS["explain"]))
    return best


def scale_section(rules: int = 10_000) -> None:
    start = time.perf_counter()
    policy = compile_text(generated_policy(rules), "schaal.beleid")
    compiled = time.perf_counter() - start
    rng = random.Random(5)
    data = {name: Decimal(rng.randrange(0, 2_000_000)) / 100 for name in policy.model.fields}
    gc.collect()  # the collection that compiling's garbage is due for should not land in the next timing
    start = time.perf_counter()
    compile_case_loader(policy.model)
    first = time.perf_counter() - start
    policy.prepare()  # generates the policy's own loader and public path
    name = f"e{rules // 2}"
    outcome = policy.evaluate(data)
    result = outcome[name]
    built = len(outcome._built or ())
    assert built == 1 and result.status in ("voldaan", "niet voldaan"), (built, result)
    evaluate = policy.evaluate

    def one_result(part):
        for d in part:
            evaluate(d)[name]

    def statuses_only(part):
        for d in part:
            evaluate(d).statuses  # noqa: B018

    def all_results(part):
        for d in part:
            outcome = evaluate(d)
            for rule in policy.model.rules:
                outcome[rule]

    best = best_per_case({"one": one_result, "statuses": statuses_only}, [data], rounds=15, chunk=1)
    best.update(best_per_case({"all": all_results}, [data], rounds=3, chunk=1, repeat=1))
    print(f"\nGegenereerd beleid van {len(policy.model.rules):,} regels en {len(policy.model.fields):,} gegevens "
          f"(laden {compiled:.1f} s; de casuslader genereren en compileren, {first * 1e3:.0f} ms)")
    print(row(f"evaluate(d)[{name!r}]: één Result", best["one"]))
    print(row("evaluate(d).statuses: geen Result", best["statuses"]))
    print(row(f"ter vergelijking: alle {len(policy.model.rules):,} Results bouwen", best["all"]))
    print(f"  Results gebouwd: {built} van {len(policy.model.rules):,} ({name}: {result.status})")


def main() -> None:
    commit = subprocess.run(["git", "-C", str(ROOT), "log", "-1", "--format=%h %ci"], capture_output=True,
                            text=True).stdout.strip()
    changed = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
                             capture_output=True, text=True).stdout.strip()
    print(f"bench_public.py, {datetime.now():%Y-%m-%d %H:%M}, Python {sys.version.split()[0]}, "
          f"commit {commit or '?'}{' plus de wijzigingen in de werkmap' if changed else ''}")
    print("tijden: beste per casus over afwisselende rondes; ratio tegen handgeschreven op dezelfde getypte dicts")
    policy_section(WIJKVERPLEGING, handwritten_wijkverpleging.evaluate, 0.6, 11, CASE_FILES, peil=True)
    policy_section(ELIGIBILITY, handwritten_eligibility.evaluate, 0.95, 12, [])
    scale_section()


if __name__ == "__main__":
    main()
