"""Benchmark: evaluating and loading policies/wijkverpleging_2024.beleid.

Prints medians and ratios against the tight hand-written Python baseline
(benchmarks/handwritten_wijkverpleging.py) for the generated function on loaded values, the
evaluation of a loaded `Case` and the traced evaluation; the same case through rule-engine (PyPI)
for comparison, the load time (parse, check, compile) of the policy in a warm process, and the load
time per rule for generated policies of 10 to 5,000 rules. Run: python benchmarks/bench_evaluate.py
"""

from __future__ import annotations

import random
import statistics
import sys
import time
import timeit
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import handwritten_wijkverpleging as hand  # noqa: E402

from dsl.policy import compile_text, load_policy  # noqa: E402

POLICY = ROOT / "policies" / "wijkverpleging_2024.beleid"
CASES = [ROOT / "policies/casussen/wijkverpleging_thuiszorg_noord.json",
         ROOT / "policies/casussen/wijkverpleging_kleine_aanbieder.yaml"]


def per_call(fn, number: int = 2000, repeat: int = 7) -> float:
    """Median seconds per call."""
    return statistics.median(t / number for t in timeit.repeat(fn, number=number, repeat=repeat))


def typed(case) -> dict:
    """A loaded case as the plain dict the hand-written baseline reads."""
    return {**case.data, "peildatum": case.peil}


def agree(policy, case) -> None:
    """The baseline and the compiled policy must give the same status and value for every rule."""
    outcome = policy.evaluate(case)
    statuses, values = hand.evaluate(typed(case))
    diff = {name: (mine, theirs) for name, mine, theirs in
            zip(policy.model.rules, zip(outcome.statuses, outcome.values), zip(statuses, values)) if mine != theirs}
    if diff:
        raise SystemExit(f"baseline and compiled policy disagree: {diff}")


def random_cases(policy, n: int):
    rng = random.Random(7)
    for _ in range(n):
        data = {}
        for name, field in policy.model.fields.items():
            t = field.type
            if rng.random() < 0.3:
                continue
            data[name] = {"bedrag": lambda: Decimal(rng.randrange(0, 5_000_000_00)) / 100,
                          "percentage": lambda: Decimal(rng.randrange(0, 10000)) / 100,
                          "getal": lambda: Decimal(rng.randrange(0, 2000)) / 100,
                          "aantal": lambda: rng.randrange(0, 20),
                          "ja/nee": lambda: rng.random() < 0.5,
                          "keuze": lambda t=t: rng.choice(t.options),
                          "duur": lambda: rng.randrange(0, 60),
                          "datum": lambda: f"2023-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}",
                          "tijdstip": lambda: f"2023-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d} 17:00",
                          }[t.kind]()
        yield policy.load_case(data)


def rule_engine_time(case) -> float | None:
    try:
        import rule_engine
    except ImportError:
        return None
    ctx = rule_engine.Context(default_value=None)
    texts = ["aandeel_onderaanneming <= 33", "fte_niveau_6_loondienst >= 1", "aanbieders_per_wvp <= 2",
             "verzekerden_in_zorg_2023 >= 2 or alleen_medische_kindzorg", "verzekerd_bedrag >= 2500000",
             "agb_code_vv", "levert_alle_vormen_vv", "levert_integraal_product", "zorg_volgens_nza_regels",
             "werkt_volgens_kwaliteitskader", "voldoet_aan_wtza", "onberispelijk_gedrag",
             "certificaat_kwaliteitssysteem", "investeert_in_deskundigheid", "declareert_alleen_niveau_3",
             "not zet_onderaannemer_in or toestemming_onderaanneming",
             "omzet_2023 < 250000", "omzet_2023 > 250000 and benchmarkscore == 'beste'"]
    rules = [rule_engine.Rule(t, context=ctx) for t in texts]
    data = {k: (float(v) if isinstance(v, Decimal) else v) for k, v in case.data.items()}

    def run():
        return [r.matches(data) for r in rules]

    run()
    return per_call(run, number=300), len(texts)


def generated_policy(n: int) -> str:
    lines = ['beleid "Schaal"', "gegevens"] + [f"  g{i} : bedrag" for i in range(n // 10 + 1)]
    per_group = 50
    for start in range(0, n, per_group):
        lines.append(f'eisen groep{start} "Groep {start}"')
        for i in range(start, min(n, start + per_group)):
            lines.append(f'  eis e{i} "Eis {i}" vereist g{i // 10} is ten minste € {i + 1} en g{i // 10} '
                         f'is kleiner dan € {i + 1000}')
    return "\n".join(lines) + "\n"


def main() -> None:
    policy = load_policy(POLICY)
    cases = [policy.load_case(c) for c in CASES]
    for case in [*cases, *random_cases(policy, 500)]:
        agree(policy, case)
    print("baseline en gecompileerd beleid geven dezelfde uitkomst voor 2 casussen + 500 willekeurige")
    print()
    print(f"{'casus':<32}{'handgeschreven':>15}{'gecompileerd':>14}{'ratio':>7}{'+Outcome':>10}{'ratio':>7}"
          f"{'met trace':>11}{'ratio':>7}")
    for path, case in zip(CASES, cases):
        data, values, peil = typed(case), case.values, case.peil
        base = per_call(lambda data=data: hand.evaluate(data))
        raw = per_call(lambda values=values, peil=peil: policy.compiled.evaluate(values, peil))
        api = per_call(lambda case=case: policy.evaluate(case))
        traced = per_call(lambda case=case: policy.evaluate(case, trace=True))
        print(f"{path.name:<32}{base * 1e6:>12.1f} µs{raw * 1e6:>11.1f} µs{raw / base:>7.2f}"
              f"{api * 1e6:>7.1f} µs{api / base:>7.2f}{traced * 1e6:>8.1f} µs{traced / base:>7.2f}")
    re_time = rule_engine_time(cases[0])
    if re_time:
        seconds, count = re_time
        print(f"rule-engine (PyPI), {count} van de regels als expressies: {seconds * 1e6:.1f} µs "
              f"({seconds / per_call(lambda: hand.evaluate(typed(cases[0]))):.1f}x handgeschreven)")
    print()
    text = POLICY.read_text(encoding="utf-8")
    compile_text(text, str(POLICY))  # warm: grammar built and cached
    loads = [_timed(lambda: compile_text(text, str(POLICY))) for _ in range(15)]
    print(f"laden (parse, check, compile) van wijkverpleging_2024: mediaan {statistics.median(loads) * 1e3:.1f} ms "
          f"voor {len(policy.model.rules)} regels")
    print(f"{'regels':>8}{'laadtijd':>12}{'per regel':>12}")
    for n in (10, 100, 1000, 5000):
        source = generated_policy(n)
        seconds = min(_timed(lambda source=source, n=n: compile_text(source, f"schaal{n}.beleid"))
                      for _ in range(3 if n < 5000 else 1))
        print(f"{n:>8}{seconds * 1e3:>9.1f} ms{seconds / n * 1e6:>9.0f} µs")


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
