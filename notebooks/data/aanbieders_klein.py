"""Deterministic small table of district-nursing providers for notebooks/analist.ipynb."""
import csv
import math
import random
from pathlib import Path

rnd = random.Random(2024)
COLUMNS = ["agb", "naam", "soort_aanbieder", "bestaande_zzp_overeenkomst", "omzet_2023", "benchmarkscore",
           "uitgesloten_van_benchmark", "agb_code_vv", "levert_alle_vormen_vv", "levert_integraal_product",
           "verzekerden_in_zorg_2023", "zorg_volgens_nza_regels", "werkt_volgens_kwaliteitskader",
           "fte_niveau_6_loondienst", "aanbieders_per_wvp", "aandeel_onderaanneming", "voldoet_aan_wtza",
           "onberispelijk_gedrag"]
PLACES = ["Zorg", "Thuiszorg", "Wijkzorg", "Buurtzorg", "Zorggroep", "Verpleging"]
TOWNS = ["Noord", "Oost", "Zuid", "West", "Centrum", "Rivierenland", "De Kempen", "Veluwe", "Twente"]


def yes(p: float) -> str:
    return "ja" if rnd.random() < p else "nee"


rows = []
for i in range(240):
    kind = rnd.choices(["instelling", "zzp", "eenmanszaak"], weights=[70, 20, 10])[0]
    small = kind != "instelling"
    omzet = round(math.exp(rnd.gauss(11.2 if small else 13.1, 0.7)) / 100) * 100
    row = {
        "agb": f"03-{30_000 + i * 7:06d}",
        "naam": f"{rnd.choice(PLACES)} {rnd.choice(TOWNS)}" if not small else f"Zzp {i:03d}",
        "soort_aanbieder": kind,
        "bestaande_zzp_overeenkomst": yes(0.8) if small else "nee",
        "omzet_2023": f"{omzet}.00",
        "benchmarkscore": rnd.choice(["beste", "overig", "overig"]),
        "uitgesloten_van_benchmark": yes(0.08),
        "agb_code_vv": yes(0.97),
        "levert_alle_vormen_vv": yes(0.9),
        "levert_integraal_product": yes(0.92),
        "verzekerden_in_zorg_2023": str(rnd.randrange(0, 400)),
        "zorg_volgens_nza_regels": yes(0.98),
        "werkt_volgens_kwaliteitskader": yes(0.95),
        "fte_niveau_6_loondienst": f"{rnd.randrange(0, 60) / 10:.1f}",
        "aanbieders_per_wvp": str(rnd.choice([1, 1, 1, 2, 2, 3])),
        "aandeel_onderaanneming": str(rnd.choice([0, 0, 0, 5, 10, 20, 30, 35, 45])),
        "voldoet_aan_wtza": yes(0.97),
        "onberispelijk_gedrag": yes(0.99),
    }
    rows.append(row)
# the gap of the policy: exactly € 250.000 is neither "kleiner dan" nor "groter dan"
for i in (17, 88, 161):
    rows[i].update(soort_aanbieder="instelling", bestaande_zzp_overeenkomst="nee", omzet_2023="250000.00")
for i in (40, 120):
    rows[i]["omzet_2023"] = ""            # omzet unknown
rows[203]["omzet_2023"] = "onbekend bedrag"  # refused: not an amount
rows[99]["fte_niveau_6_loondienst"] = "1,5,0"  # refused: not a number

target = Path(__file__).resolve().parent.parent / "aanbieders_klein.csv"   # notebooks/aanbieders_klein.csv
with target.open("w", encoding="utf-8", newline="") as stream:
    writer = csv.DictWriter(stream, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
print(target, target.stat().st_size)
