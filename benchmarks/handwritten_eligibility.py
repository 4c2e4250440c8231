"""The rules of benchmarks/eligibility_contract.beleid written by hand in tight Python: the baseline.

Six minimum requirements, their group and the first-hit contract decision, with the compiled
policy's semantics (None is unknown, Kleene `en`, "niet van toepassing" for a zzp-only eis,
an unknown row condition makes the decision unknown) and every comparison inline.
`evaluate(d)` takes the typed facts by name and returns `(statuses, values)` in rule order.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

V, N, ONB, NVT, B, GU = "voldaan", "niet voldaan", "onbekend", "niet van toepassing", "bepaald", "geen uitkomst"
D1, D33, GRENS, AANSPRAKELIJK = Decimal(1), Decimal(33), Decimal(250000), Decimal(2500000)
JAN_2024 = date(2024, 1, 1)


def evaluate(d: dict):
    g = d.get
    x = g("agb_code_vv")
    s0 = V if x is True else N if x is False else ONB
    x = g("voldoet_aan_wtza")
    s1 = V if x is True else N if x is False else ONB
    x = g("fte_niveau_6_loondienst")
    s2 = ONB if x is None else V if x >= D1 else N
    x = g("aandeel_onderaanneming")
    s3 = ONB if x is None else V if x <= D33 else N
    x, y = g("verzekerd_bedrag"), g("ingang_verzekering")
    if (x is not None and x < AANSPRAKELIJK) or (y is not None and y > JAN_2024):
        s4 = N
    else:
        s4 = ONB if x is None or y is None else V
    soort, bestaand = g("soort_aanbieder"), g("bestaande_zzp_overeenkomst")
    if soort is None:
        s5 = ONB
    elif soort != "zzp":
        s5 = NVT
    else:
        s5 = V if bestaand is True else N if bestaand is False else ONB
    if s0 is N or s1 is N or s2 is N or s3 is N or s4 is N or s5 is N:
        s6 = N
    elif s0 is ONB or s1 is ONB or s2 is ONB or s3 is ONB or s4 is ONB or s5 is ONB:
        s6 = ONB
    else:
        s6 = V
    # overeenkomst, eerste treffer: "voldoet niet aan minimumeisen" is the first row
    if s6 is N:
        s7, x7 = B, "geen overeenkomst"
    elif s6 is ONB:
        s7, x7 = ONB, None
    else:
        zzp = None if soort is None else soort == "zzp" or soort == "eenmanszaak"
        first = False if zzp is False or bestaand is False else None if zzp is None or bestaand is None else True
        omzet = g("omzet_2023")
        if first is True:
            s7, x7 = B, "zzp-overeenkomst"
        elif first is None or omzet is None:
            s7, x7 = ONB, None
        elif omzet < GRENS:
            s7, x7 = B, "cliëntvolgende overeenkomst"
        elif omzet > GRENS:
            x = g("uitgesloten_van_benchmark")
            if x is True:
                s7, x7 = B, "aanbod buiten de benchmark"
            elif x is None:
                s7, x7 = ONB, None
            else:
                y = g("benchmarkscore")
                if y is None:
                    s7, x7 = ONB, None
                else:
                    s7, x7 = B, "plusovereenkomst" if y == "beste" else "standaardovereenkomst"
        else:
            s7, x7 = GU, None
    return (s0, s1, s2, s3, s4, s5, s6, s7), (None, None, None, None, None, None, None, x7)
