"""Generated data that looks real, for the two jobs of docs/batch.md ("Twee voorbeelden").

Contract: `python notebooks/data/genereer.py aanbieders --rijen 5000 --uit X.csv` writes
district-nursing providers for policies/wijkverpleging_2024.beleid as an insurer's Dutch Excel
export (UTF-8 with a byte-order mark, semicolons, decimal commas, dates as d-m-jjjj);
`python notebooks/data/genereer.py declaraties --rijen 10000000 --uit X.parquet` writes ELV/GRZ
claim rows for the stay and permission rules of policies/elv_grz_2023.beleid to Parquet, one row
group at a time, generated with numpy (memory stays flat at any size). The same `--zaad` and
`--rijen` give the same bytes. The distributions are plausible, not real: revenues around and
exactly at € 250.000, shares near 33 %, stays around 91 and 120 days and six months, dates
around the policy year on month ends and Dutch holidays, some unknowns (empty cells) and a few
broken values (text in a money column, an impossible date) that the batch run refuses by row.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

ZAAD_AANBIEDERS = 2024
ZAAD_DECLARATIES = 2023
ROW_GROUP = 250_000

# Dutch public holidays (Algemene termijnenwet, plus Goede Vrijdag) in the years the data spans.
HOLIDAYS = [date(2022, 1, 1), date(2022, 4, 15), date(2022, 4, 17), date(2022, 4, 18), date(2022, 4, 27),
            date(2022, 5, 26), date(2022, 6, 5), date(2022, 6, 6), date(2022, 12, 25), date(2022, 12, 26),
            date(2023, 1, 1), date(2023, 4, 7), date(2023, 4, 9), date(2023, 4, 10), date(2023, 4, 27),
            date(2023, 5, 5), date(2023, 5, 18), date(2023, 5, 28), date(2023, 5, 29), date(2023, 12, 25),
            date(2023, 12, 26), date(2024, 1, 1), date(2024, 3, 29), date(2024, 3, 31), date(2024, 4, 1),
            date(2024, 4, 27), date(2024, 5, 5), date(2024, 5, 9), date(2024, 5, 19), date(2024, 5, 20),
            date(2024, 12, 25), date(2024, 12, 26)]


# ================================================================ text as Dutch Excel writes it
def money(cents: int, euro_sign: bool = False) -> str:
    """'249999,99', or with the currency format '€ 2.500.000,00'."""
    whole, rest = divmod(cents, 100)
    if not euro_sign:
        return f"{whole},{rest:02d}"
    return f"€ {whole:,}".replace(",", ".") + f",{rest:02d}"


def decimal_comma(value: float, places: int) -> str:
    """A number with a decimal comma and at most `places` decimals ('1,8', '10', '0,99')."""
    text = f"{value:.{places}f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def day_text(day: date) -> str:
    return f"{day.day}-{day.month}-{day.year}"


def moment_text(moment: datetime) -> str:
    return f"{moment.day}-{moment.month}-{moment.year} {moment.hour:02d}:{moment.minute:02d}"


def yes_no(flag: bool) -> str:
    return "ja" if flag else "nee"


# ================================================================ providers (wijkverpleging 2024)
PLACES = ["Amsterdam", "Rotterdam", "Den Haag", "Utrecht", "Eindhoven", "Groningen", "Tilburg", "Almere", "Breda",
          "Nijmegen", "Apeldoorn", "Arnhem", "Haarlem", "Enschede", "Amersfoort", "Zaanstad", "Den Bosch",
          "Zwolle", "Leiden", "Maastricht", "Dordrecht", "Ede", "Emmen", "Venlo", "Deventer", "Delft", "Helmond",
          "Oss", "Heerlen", "Alkmaar", "Hilversum", "Leeuwarden", "Sittard", "Roosendaal", "Assen", "Gouda",
          "Middelburg", "Zutphen", "Harderwijk", "Doetinchem", "Tiel", "Veghel", "Weert", "Goes", "Sneek"]
PREFIXES = ["Thuiszorg", "Wijkverpleging", "Zorggroep", "Buurtzorg", "Zorg aan Huis", "Thuiszorgorganisatie",
            "Stichting Thuiszorg", "Wijkzorg", "Zorgcentrum", "Verpleging Thuis"]
NAMES = ["De Linde", "Het Anker", "Zonnehuis", "De Bron", "Noorderlicht", "De Zorgzame Hand", "Rivierenland",
         "De Wielewaal", "Het Baken", "De Eik", "Horizon", "Nieuw Stroom", "De Kastanje", "Het Gasthuis",
         "Oost", "West", "Zuid", "Noord", "Midden", "Centrum", "De Vlinder", "Samen Thuis", "Dichtbij",
         "De Hoeksteen", "Het Kompas", "De Lindeboom", "Vitaal", "Met Hart", "Op Maat", "De Brug"]
SURNAMES = ["de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen", "Visser", "Smit",
            "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen",
            "Dekker", "Brouwer", "de Wit", "Dijkstra", "Smits", "de Graaf", "van der Meer", "Kok", "Jacobs",
            "de Haan", "Vermeulen", "van den Heuvel", "El Amrani", "Yilmaz", "Kaya", "Bouzid", "Sahin"]

COLUMNS = [
    "agb", "naam", "plaats", "soort_aanbieder", "bestaande_zzp_overeenkomst", "omzet_2023", "benchmarkscore",
    "uitgesloten_van_benchmark", "nieuwe_zorgaanbieder",
    # minimumeisen
    "agb_code_vv", "levert_alle_vormen_vv", "levert_integraal_product", "verzekerden_in_zorg_2023",
    "alleen_medische_kindzorg", "zorg_volgens_nza_regels", "werkt_volgens_kwaliteitskader",
    "fte_niveau_6_loondienst", "aanbieders_per_wvp", "aandeel_onderaanneming", "zet_onderaannemer_in",
    "inzet_onderaannemers_ruim", "toestemming_onderaanneming", "verzekerd_bedrag", "ingang_verzekering",
    "voldoet_aan_wtza", "onberispelijk_gedrag", "voldoet_bestuursverklaring", "ondertekening_bestuursverklaring",
    "samenwerking_sociaal_domein", "samenwerking_vv_aanbieders", "samenwerking_huisarts",
    "samenwerking_ziekenhuizen", "samenwerking_professionals", "afstemming_passende_zorg",
    "een_indicatie_en_zorgplan", "samenwerking_met_aanbieders", "samenwerking_via_onderaanneming",
    "kwaliteitsgegevens_landelijk", "meet_prem", "certificaat_kwaliteitssysteem", "investeert_in_deskundigheid",
    "declareert_alleen_niveau_3", "riz_geen_contra_indicatie",
    # ander zorgpersoneel
    "zet_ander_zorgpersoneel_in", "afspraken_ander_personeel", "ander_personeel_buiten_omschrijving",
    "leerlingen_onder_niveau_3",
    "aandeel_ander_personeel", "fte_loondienst", "supervisie_hoger_niveau", "achterwacht_niveau_3",
    "niet_eerste_week_nieuwe_client", "alleen_stabiele_situaties", "taken_passend_bij_niveau",
    "overname_zorgmoment_interval", "scholingsplan_en_register", "inzicht_opleiding_niveau_2",
    # palliatief terminale zorg, herkenbaar en aanspreekbaar, transparantie
    "levert_ptz", "aangesloten_palliatief_netwerk", "ptz_vastgesteld_hoofdbehandelaar",
    "levensverwachting_in_dossier", "mantelzorgers_betrokken", "nazorg_geborgd", "aansluiting_herkenbaar",
    "vijf_minuten_registratie",
    # zzp'ers
    "kwalificatie_zzp", "overeenkomst_niveau_6", "achterwacht_zzp", "clienten_zzp_2023", "alleen_vgz_clienten",
    "handreiking_zzp", "keurmerk_zzp",
    # het plafond, nieuwe zorgaanbieders, planning
    "zorgkostenplafond", "onvoldoende_aanbod_regio", "ureninzet_niet_sterk_afwijkend", "financieel_gezond_digimv",
    "wtza_vergunning_vereist", "levert_wtza_vergunning", "levert_vog_rp_2023", "levert_inschrijving_kvk",
    "levert_bewijs_palliatief_netwerk", "levert_bewijs_niveau_6", "procedures_contractjaar",
    "inschrijving", "inschrijving_voltooid", "reactie_op_aanbod", "overeenstemming",
    # de bijzondere vormen van zorg en de aanvullende afspraken van de bijlagen (geen enkele aanbieder hier)
    "levert_medische_kindzorg", "levert_casemanagement_dementie", "vraagt_opslag_anders_werken",
    "vraagt_innovatiebudget", "vraagt_thuiszorgtechnologie", "levert_systeemfunctie_nachtzorg",
]
APPENDIX_GATES = COLUMNS[-6:]

# The requirements every provider answers in the questionnaire: (column, chance of 'nee').
QUESTIONS = [("agb_code_vv", 0.004), ("levert_alle_vormen_vv", 0.03), ("levert_integraal_product", 0.025),
             ("zorg_volgens_nza_regels", 0.005), ("werkt_volgens_kwaliteitskader", 0.01),
             ("voldoet_aan_wtza", 0.008), ("onberispelijk_gedrag", 0.002), ("voldoet_bestuursverklaring", 0.01),
             ("samenwerking_sociaal_domein", 0.04), ("samenwerking_vv_aanbieders", 0.02),
             ("samenwerking_huisarts", 0.01), ("samenwerking_ziekenhuizen", 0.03),
             ("samenwerking_professionals", 0.02), ("afstemming_passende_zorg", 0.03),
             ("een_indicatie_en_zorgplan", 0.015), ("kwaliteitsgegevens_landelijk", 0.06), ("meet_prem", 0.07),
             ("certificaat_kwaliteitssysteem", 0.05), ("investeert_in_deskundigheid", 0.01),
             ("riz_geen_contra_indicatie", 0.004), ("aansluiting_herkenbaar", 0.05),
             ("vijf_minuten_registratie", 0.08)]


class Provider:
    """One generated provider: a dict of cell texts, filled by the steps of `provider_row`."""

    def __init__(self, rng: np.random.Generator, agb: str, weak: bool):
        self.rng, self.weak = rng, weak
        self.cells: dict[str, str] = dict.fromkeys(COLUMNS, "")
        self.cells["agb"] = agb

    def chance(self, p: float) -> bool:
        return bool(self.rng.random() < p)

    def answer(self, p_no: float) -> str:
        """'ja' or 'nee' (a weak provider says 'nee' far more often); now and then empty or 'onbekend'."""
        r = self.rng.random()
        if r < 0.0015:
            return ""
        if r < 0.002:
            return "onbekend"
        return yes_no(not self.chance(min(0.5, p_no * 10) if self.weak else p_no / 5))

    def pick(self, options: list[str], weights: list[float]) -> str:
        return options[int(self.rng.choice(len(options), p=np.array(weights) / sum(weights)))]


def provider_row(rng: np.random.Generator, agb: str) -> dict[str, str]:
    """The cells of one provider, in the order of COLUMNS."""
    p = Provider(rng, agb, weak=bool(rng.random() < 0.06))
    c = p.cells
    kind = p.pick(["instelling", "zzp", "eenmanszaak"], [0.8, 0.15, 0.05])   # VGZ is phasing out zzp contracts
    c["soort_aanbieder"] = kind
    c["plaats"] = PLACES[int(rng.integers(len(PLACES)))]
    small = kind != "instelling"
    if small:
        c["naam"] = f"{p.pick(['Thuiszorg', 'Wijkverpleging', 'Zorg aan Huis', 'Verpleegkundige'], [3, 3, 2, 1])} " \
                    f"{SURNAMES[int(rng.integers(len(SURNAMES)))]}"
    else:
        c["naam"] = f"{PREFIXES[int(rng.integers(len(PREFIXES)))]} {NAMES[int(rng.integers(len(NAMES)))]}" + \
                    p.pick(["", " B.V.", " " + c["plaats"]], [5, 3, 2])
    revenue = _revenue(p, small)
    _contract(p, small, revenue)
    _minimum(p, small, revenue)
    _other_staff(p, small, revenue)
    _ptz_and_zzp(p, small)
    _ceiling_and_new(p, small, revenue)
    _planning(p)
    for column in APPENDIX_GATES:
        c[column] = "nee"
    return c


def _revenue(p: Provider, small: bool) -> int | None:
    """Expected revenue 2023 in cents (None when the cell is empty or broken)."""
    rng, c = p.rng, p.cells
    r = rng.random()
    if r < 0.01:
        return None
    if small:
        cents = int(rng.lognormal(np.log(70_000), 0.45) * 100)
    elif r < 0.022:
        cents = 25_000_000                                   # exactly € 250.000: the gap in the document
    elif r < 0.028:
        cents = 24_999_999
    elif r < 0.034:
        cents = 25_000_001
    elif rng.random() < 0.3:
        cents = int(rng.lognormal(np.log(180_000), 0.45) * 100)
    else:
        cents = int(rng.lognormal(np.log(900_000), 1.3) * 100)
    if not small and r >= 0.034 and rng.random() < 0.35:
        cents = round(cents, -5)                             # an estimate in whole thousands
    c["omzet_2023"] = money(cents)
    return cents


def _contract(p: Provider, small: bool, revenue: int | None) -> None:
    c = p.cells
    if small:
        c["bestaande_zzp_overeenkomst"] = yes_no(p.chance(0.85))
        c["uitgesloten_van_benchmark"] = "nee"
        return
    if revenue is None or revenue >= 24_000_000:
        c["benchmarkscore"] = p.pick(["beste", "overig", ""], [24, 74, 2])
    c["uitgesloten_van_benchmark"] = yes_no(p.chance(0.04))


def _minimum(p: Provider, small: bool, revenue: int | None) -> None:
    rng, c = p.rng, p.cells
    for column, p_no in QUESTIONS:
        c[column] = p.answer(p_no)
    c["declareert_alleen_niveau_3"] = p.answer(0.03)
    c["alleen_medische_kindzorg"] = yes_no(p.chance(0.015))
    size = (revenue or 5_000_000) / 100
    clients = 1 + rng.poisson(size / 15_000) if not p.chance(0.03) else int(rng.integers(0, 2))
    c["verzekerden_in_zorg_2023"] = str(clients) if p.chance(0.985) else ""
    insured = p.pick(["€ 2.500.000,00", "€ 5.000.000,00", "€ 3.000.000,00", "€ 2.000.000,00", "€ 1.250.000,00",
                      "€ 2.499.999,99", ""], [64, 25, 6, 1.5, 0.5, 0.3, 1])
    c["verzekerd_bedrag"] = insured
    c["ingang_verzekering"] = _insurance_start(p)
    c["ondertekening_bestuursverklaring"] = _signature(p)
    c["samenwerking_met_aanbieders"] = yes_no(p.chance(0.2))
    if c["samenwerking_met_aanbieders"] == "ja":
        c["samenwerking_via_onderaanneming"] = yes_no(p.chance(0.93))
    if small:
        # a zzp'er has no subcontractors; the instelling questions (fte, DigiMV) are not asked
        c["zet_onderaannemer_in"] = c["inzet_onderaannemers_ruim"] = "nee"
        return
    r = rng.random()
    if r < 0.03:
        fte = p.pick(["1", "0,99", "1,01"], [8, 1, 1])
    elif r < 0.08 or (p.weak and r < 0.4):
        fte = decimal_comma(rng.uniform(0.1, 0.95), 2)      # below the minimum of 1 fte
    else:
        fte = decimal_comma(1 + rng.gamma(2.0, 0.3 + size / 1_500_000), 2)
    c["fte_niveau_6_loondienst"] = fte if p.chance(0.985) else ""
    c["aanbieders_per_wvp"] = p.pick(["1", "2", "3", "4", ""], [80, 14, 3.5, 1, 1.5])
    share = _subcontracting(p)
    c["aandeel_onderaanneming"] = share
    uses = share not in ("", "0%")
    c["zet_onderaannemer_in"] = yes_no(uses and p.chance(0.75))
    c["inzet_onderaannemers_ruim"] = yes_no(uses)
    if uses or c["samenwerking_via_onderaanneming"] == "ja":
        c["toestemming_onderaanneming"] = yes_no(p.chance(0.3 if p.weak else 0.96))


def _subcontracting(p: Provider) -> str:
    """Share of care by subcontractors (DigiMV), as Excel writes a percentage: '12,5%'."""
    r = p.rng.random()
    if r < 0.015:
        return ""
    if r < 0.035:
        return "33%"
    if r < 0.04:
        return "33,01%"
    if r < 0.045:
        return "32,99%"
    if r < 0.6:
        return "0%"
    return decimal_comma(100 * p.rng.beta(1.5, 9.0 if not p.weak else 3.0), 1) + "%"


def _insurance_start(p: Provider) -> str:
    r = p.rng.random()
    if r < 0.01:
        return ""
    if r < 0.65:
        return day_text(date(int(p.rng.integers(2010, 2024)), 1, 1))   # insurance years start on 1 January
    if r < 0.88:
        return day_text(date(2012, 1, 1) + timedelta(days=int(p.rng.integers(0, 4383))))
    if r < 0.97:
        return "1-1-2024"
    if r < 0.985:
        return "2-1-2024"
    return day_text(date(2024, 1, 3) + timedelta(days=int(p.rng.integers(0, 120))))


def _signature(p: Provider) -> str:
    r = p.rng.random()
    if r < 0.015:
        return ""
    if r < 0.88:
        return day_text(date(2023, 5, 15) + timedelta(days=int(p.rng.integers(0, 231))))
    edges = [date(2023, 12, 25), date(2023, 12, 26), date(2023, 12, 29), date(2023, 12, 31), date(2024, 1, 1),
             date(2024, 1, 2), date(2024, 1, 8), date(2024, 1, 31)]
    return day_text(edges[int(p.rng.choice(len(edges), p=[0.1, 0.05, 0.15, 0.2, 0.25, 0.1, 0.1, 0.05]))])


def _other_staff(p: Provider, small: bool, revenue: int | None) -> None:
    rng, c = p.rng, p.cells
    if small:
        c["zet_ander_zorgpersoneel_in"] = "nee"                 # a zzp'er has no staff
        return
    size = (revenue or 5_000_000) / 100
    fte = rng.lognormal(np.log(max(1.0, size / 65_000)), 0.3)
    c["fte_loondienst"] = decimal_comma(fte, 1) if not p.chance(0.02) else "10"
    if not p.chance(0.45 if fte >= 10 else 0.04):
        c["zet_ander_zorgpersoneel_in"] = "nee"
        return
    c["zet_ander_zorgpersoneel_in"] = "ja"
    c["afspraken_ander_personeel"] = p.answer(0.12)
    within = p.answer(0.03)   # one answer, as before: is everyone within VGZ's description of 'ander personeel'?
    c["ander_personeel_buiten_omschrijving"] = {"ja": "0", "nee": "1"}.get(within, within)
    c["leerlingen_onder_niveau_3"] = "0" if within in ("ja", "nee") else within
    for column, p_no in [("supervisie_hoger_niveau", 0.02), ("achterwacht_niveau_3", 0.015),
                         ("niet_eerste_week_nieuwe_client", 0.05), ("alleen_stabiele_situaties", 0.03),
                         ("taken_passend_bij_niveau", 0.01), ("scholingsplan_en_register", 0.06),
                         ("inzicht_opleiding_niveau_2", 0.04)]:
        c[column] = p.answer(p_no)
    c["aandeel_ander_personeel"] = p.pick(["20%", "20,5%", ""], [3, 1, 2]) if p.chance(0.06) else \
        decimal_comma(100 * rng.beta(3.0, 22.0 if not p.weak else 10.0), 1) + "%"
    c["overname_zorgmoment_interval"] = p.pick(["7 dagen", "10 dagen", "14 dagen", "15 dagen", "21 dagen", ""],
                                               [55, 15, 20, 3, 4, 3])


def _ptz_and_zzp(p: Provider, small: bool) -> None:
    rng, c = p.rng, p.cells
    c["levert_ptz"] = yes_no(p.chance(0.15 if small else 0.45))
    if c["levert_ptz"] == "ja":
        for column, p_no in [("aangesloten_palliatief_netwerk", 0.07), ("ptz_vastgesteld_hoofdbehandelaar", 0.04),
                             ("levensverwachting_in_dossier", 0.08), ("mantelzorgers_betrokken", 0.04),
                             ("nazorg_geborgd", 0.05)]:
            c[column] = p.answer(p_no)
    if c["soort_aanbieder"] != "zzp":
        return
    c["kwalificatie_zzp"] = p.pick(["niveau 3", "niveau 4", "niveau 5", "niveau 6", ""], [3, 55, 6, 34, 2])
    for column, p_no in [("overeenkomst_niveau_6", 0.12), ("achterwacht_zzp", 0.06), ("handreiking_zzp", 0.09),
                         ("keurmerk_zzp", 0.25)]:
        c[column] = p.answer(p_no)
    c["clienten_zzp_2023"] = "5" if p.chance(0.05) else str(int(rng.negative_binomial(3, 0.2)) + 1)
    c["alleen_vgz_clienten"] = yes_no(p.chance(0.06))


def _ceiling_and_new(p: Provider, small: bool, revenue: int | None) -> None:
    rng, c = p.rng, p.cells
    if revenue is not None and revenue < 25_000_000:
        ceiling = p.pick(["250000", "250000,01", "260000", "other"], [90, 1, 2, 7])
        c["zorgkostenplafond"] = money(round(int(revenue * rng.uniform(1.0, 1.2)), -5)) \
            if ceiling == "other" else ceiling
    elif revenue is not None:
        c["zorgkostenplafond"] = money(round(int(revenue * rng.uniform(0.95, 1.15)), -5))
    if p.chance(0.03):
        c["zorgkostenplafond"] = ""
    c["nieuwe_zorgaanbieder"] = yes_no(p.chance(0.06))
    if c["nieuwe_zorgaanbieder"] == "nee":
        return
    for column, p_no in [("onvoldoende_aanbod_regio", 0.6), ("ureninzet_niet_sterk_afwijkend", 0.15),
                         ("financieel_gezond_digimv", 0.2), ("levert_vog_rp_2023", 0.12),
                         ("levert_inschrijving_kvk", 0.03), ("levert_bewijs_palliatief_netwerk", 0.3),
                         ("levert_bewijs_niveau_6", 0.2)]:
        c[column] = p.answer(p_no)
    c["wtza_vergunning_vereist"] = yes_no(not small and p.chance(0.7))
    if c["wtza_vergunning_vereist"] == "ja":
        c["levert_wtza_vergunning"] = p.answer(0.1)
    c["procedures_contractjaar"] = p.pick(["1", "2"], [95, 5])


def _planning(p: Provider) -> None:
    """Moments of the purchasing round, bunched before each deadline, some at or just after it."""
    c = p.cells
    if c["nieuwe_zorgaanbieder"] == "ja":
        c["inschrijving_voltooid"] = _moment(p, datetime(2023, 6, 16, 9, 0), datetime(2023, 9, 15, 17, 0), 0.04)
        return
    c["inschrijving"] = _moment(p, datetime(2023, 5, 15, 8, 0), datetime(2023, 6, 15, 17, 0), 0.04)
    if p.chance(0.82):
        c["reactie_op_aanbod"] = _moment(p, datetime(2023, 9, 16, 9, 0), datetime(2023, 11, 3, 17, 0), 0.0)
    if p.chance(0.9):
        c["overeenstemming"] = _moment(p, datetime(2023, 11, 6, 9, 0), datetime(2023, 12, 22, 17, 0), 0.0)


def _moment(p: Provider, start: datetime, deadline: datetime, empty: float) -> str:
    rng = p.rng
    r = rng.random()
    if r < empty:
        return ""
    if r < empty + 0.015:
        return moment_text(deadline)                                       # exactly on the deadline
    if r < empty + 0.025:
        return moment_text(deadline + timedelta(minutes=int(rng.integers(1, 60 * 72))))
    if r < empty + 0.1:
        return moment_text(deadline - timedelta(minutes=int(rng.integers(1, 60 * 8))))   # the last afternoon
    span = (deadline - start).total_seconds() / 60
    moment = start + timedelta(minutes=int(span * rng.beta(1.6, 1.0)))
    if moment.hour < 7:
        moment = moment.replace(hour=int(rng.integers(8, 18)))
    return moment_text(moment)


# A few broken cells, as they come out of a spreadsheet: (column, text).
BROKEN = [("omzet_2023", "#WAARDE!"), ("omzet_2023", "n.v.t."), ("omzet_2023", "ca. 300.000"),
          ("ingang_verzekering", "29-2-2023"), ("ingang_verzekering", "31-4-2024"),
          ("aandeel_onderaanneming", "zie bijlage"), ("verzekerden_in_zorg_2023", "12,5")]


def providers(rows: int, seed: int = ZAAD_AANBIEDERS) -> list[dict[str, str]]:
    """`rows` providers; a broken cell in about one row in 700."""
    rng = np.random.default_rng(seed)
    codes = rng.choice(1_000_000, size=rows, replace=False)
    result = []
    for code in codes:
        row = provider_row(rng, "")
        row["agb"] = f"{'75' if row['soort_aanbieder'] == 'instelling' else '90'}{int(code):06d}"
        result.append(row)
    for i, (column, text) in enumerate(BROKEN * max(1, rows // 5000)):
        where = int(rng.integers(rows)) if rows > len(BROKEN) else i % rows
        result[where][column] = text
    return result


def write_providers(rows: int, target: Path, seed: int = ZAAD_AANBIEDERS) -> None:
    """The providers as an insurer's Excel export: UTF-8 with BOM, semicolons, CRLF line ends."""
    with _replaced(target) as temp, temp.open("w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream, delimiter=";", lineterminator="\r\n")
        writer.writerow(COLUMNS)
        for row in providers(rows, seed):
            writer.writerow([row[name] for name in COLUMNS])


# ================================================================ ELV/GRZ claims (2023)
SOORTEN = ["ELV laagcomplex", "ELV hoogcomplex", "ELV palliatief", "GRZ"]
EPOCH = date(1970, 1, 1)
FIRST_ADMISSION = date(2022, 10, 1)
LAST_ADMISSION = date(2023, 12, 31)
CLAIM_SCHEMA = pa.schema([
    ("declaratie_id", pa.string()), ("agb", pa.string()), ("zorgsoort", pa.string()),
    ("opname_elv", pa.string()), ("ontslag_elv", pa.string()), ("toestemming_elv", pa.string()),
    ("opname_grz", pa.string()), ("ontslag_grz", pa.string()), ("verwachte_duur_grz", pa.int32()),
    ("aanvraag_toestemming_grz", pa.string()), ("voortijdig_gesloten_dbc", pa.bool_()),
    ("sluiting_dbc", pa.string()), ("nieuwe_zorgvraag", pa.string()),
    ("toestemming_nieuwe_zorgvraag", pa.bool_()), ("peildatum", pa.string()),
])


def _day_number(day: date) -> int:
    return (day - EPOCH).days


def _admission_weights() -> np.ndarray:
    """Fewer admissions at weekends and on holidays; more on Mondays."""
    days = [FIRST_ADMISSION + timedelta(days=i) for i in range((LAST_ADMISSION - FIRST_ADMISSION).days + 1)]
    per_weekday = [1.15, 1.05, 1.05, 1.0, 1.0, 0.5, 0.4]
    weights = np.array([0.4 if d in HOLIDAYS else per_weekday[d.weekday()] for d in days])
    return weights / weights.sum()


def _edge_days() -> np.ndarray:
    """Month ends (the 28th to the 31st) and holidays in the admission period, as day numbers."""
    days = [FIRST_ADMISSION + timedelta(days=i) for i in range((LAST_ADMISSION - FIRST_ADMISSION).days + 1)]
    edges = [d for d in days if (d + timedelta(days=1)).day == 1 or d.day in (29, 30) or d in HOLIDAYS]
    return np.array([_day_number(d) for d in edges])


def _months_later(days: np.ndarray, months: int) -> np.ndarray:
    """The same day `months` calendar months later, at the last day of a shorter month."""
    shifted = pl.Series(days.astype(np.int32)).cast(pl.Date).dt.offset_by(f"{months}mo")
    return shifted.cast(pl.Int32).to_numpy().astype(np.int64)


def _only(mask: np.ndarray, values: pl.Series | np.ndarray) -> pl.Series:
    """`values` where `mask` holds, else null."""
    return pl.select(pl.when(pl.lit(pl.Series(mask))).then(pl.lit(pl.Series(values)))).to_series()


def _date_strings(days: np.ndarray, valid: np.ndarray) -> pl.Series:
    """Day numbers as 'JJJJ-MM-DD' text (null where not `valid`)."""
    return _only(valid, pl.Series(np.where(valid, days, 0).astype(np.int32)).cast(pl.Date).dt.to_string("%Y-%m-%d"))


class _Claims:
    """One row group of claims; every column a numpy array of day numbers plus a mask."""

    def __init__(self, rng: np.random.Generator, first: int, n: int, providers: np.ndarray):
        self.rng, self.n = rng, n
        self.ids = pl.select(pl.format("D23-{}", pl.int_range(first + 1, first + n + 1, dtype=pl.Int64)
                                       .cast(pl.String).str.zfill(9))).to_series()
        weights = 1.0 / np.arange(1, len(providers) + 1) ** 0.8
        self.agb = providers[rng.choice(len(providers), n, p=weights / weights.sum())]
        self.kind = rng.choice(4, n, p=[0.5, 0.17, 0.09, 0.24])
        self.elv = self.kind < 3
        weights = _admission_weights()
        admission = rng.choice(weights.size, n, p=weights) + _day_number(FIRST_ADMISSION)
        edges = _edge_days()
        admission = np.where(rng.random(n) < 0.04, edges[rng.integers(0, edges.size, n)], admission)
        lengths = self._lengths()
        # a claim of 2023 is for a stay that ends in 2023 or later: a stay that ended in 2022 is
        # admitted again on a day of 2023
        new_year = _day_number(date(2023, 1, 1))
        in_2023 = weights[new_year - _day_number(FIRST_ADMISSION):]
        again = rng.choice(in_2023.size, n, p=in_2023 / in_2023.sum()) + new_year
        self.admission = np.where(admission + lengths(admission) < new_year, again, admission)
        self.length = lengths(self.admission)
        self.discharge = self.admission + self.length
        self.discharged = rng.random(n) >= 0.003                 # a stay still running or not yet recorded

    def _lengths(self) -> Callable[[np.ndarray], np.ndarray]:
        """Days from admission to discharge given the admission days: lognormal per kind of care,
        with stays at the edges (91/92 ligdagen, 120/121 days, six calendar months and a day)."""
        rng, n, kind = self.rng, self.n, self.kind
        median = np.array([24.0, 20.0, 12.0, 38.0])[kind]
        sigma = np.array([0.75, 0.7, 0.9, 0.6])[kind]
        length = np.maximum(1, np.rint(rng.lognormal(np.log(median), sigma))).astype(np.int64)
        edge = rng.random(n)
        elv_edges = np.array([90, 91, 92, 93])[rng.integers(0, 4, n)]
        grz_edges = np.array([119, 120, 121, 122])[rng.integers(0, 4, n)]
        length = np.where(self.elv & (edge < 0.006), elv_edges, length)
        length = np.where(~self.elv & (edge < 0.006), grz_edges, length)
        six_months = ~self.elv & (edge > 0.997)
        extra = rng.integers(0, 2, n)

        def lengths(admission: np.ndarray) -> np.ndarray:
            return np.where(six_months, _months_later(admission, 6) - admission + extra, length)
        return lengths

    def permission(self, needed: np.ndarray, deadline_day: int, usual: tuple[int, int], late: tuple[int, int],
                   shares: tuple[float, float, float, float]) -> tuple[np.ndarray, np.ndarray]:
        """(day, present) of a permission: in time, on the last day, the day after, late, or none;
        a few stays that do not need one have one anyway."""
        rng, n = self.rng, self.n
        on_time, last, after, late_share = np.cumsum(shares)
        r = rng.random(n)
        offset = np.select([r < on_time, r < last, r < after, r < late_share],
                           [rng.integers(usual[0], usual[1] + 1, n), np.full(n, deadline_day),
                            np.full(n, deadline_day + 1), rng.integers(late[0], late[1] + 1, n)], 0)
        present = np.where(needed, r < late_share, rng.random(n) < 0.015)
        offset = np.where(needed, offset, rng.integers(usual[0] - 30, usual[1] - 10, n))
        return self.admission + offset, present

    def table(self) -> pa.Table:
        rng, n, elv, grz = self.rng, self.n, self.elv, ~self.elv
        discharged = self.discharged
        elv_permission, elv_has = self.permission(self.length > 91, 90, (56, 89), (92, 130), (0.7, 0.05, 0.05, 0.08))
        grz_request, grz_has = self.permission(self.length > 120, 92, (60, 91), (94, 119), (0.63, 0.05, 0.05, 0.12))
        early = grz & discharged & (rng.random(n) < 0.04)
        new_question = early & (rng.random(n) < 0.6)
        new_day = self.discharge + np.minimum(rng.geometric(1 / 25, n) - 1, 120)
        new_day = np.where(rng.random(n) < 0.05, self.discharge + rng.choice([41, 42, 43], n), new_day)
        lag = np.minimum(3 + rng.geometric(1 / 21, n), 200)
        claim_day = np.where(discharged, self.discharge + lag, self.admission + 30 + lag)
        discharge_text = self._broken(_date_strings(self.discharge, discharged))
        frame = pl.DataFrame({
            "declaratie_id": self.ids,
            "agb": self.agb,
            "zorgsoort": np.array(SOORTEN)[self.kind],
            "opname_elv": _date_strings(self.admission, elv),
            "ontslag_elv": _only(elv, discharge_text),
            "toestemming_elv": _date_strings(elv_permission, elv & elv_has),
            "opname_grz": _date_strings(self.admission, grz),
            "ontslag_grz": _only(grz, discharge_text),
            # a claim holds no expected duration: the realised length of the stay stands in for it
            "verwachte_duur_grz": _only(grz & discharged, self.length.astype(np.int32)),
            "aanvraag_toestemming_grz": _date_strings(grz_request, grz & grz_has),
            "voortijdig_gesloten_dbc": _only(grz, early),
            "sluiting_dbc": _date_strings(self.discharge, early),
            "nieuwe_zorgvraag": _date_strings(new_day, new_question),
            "toestemming_nieuwe_zorgvraag": _only(new_question, rng.random(n) < 0.7),
            "peildatum": _date_strings(claim_day, np.ones(n, dtype=bool)),   # the day the claim came in
        })
        return frame.to_arrow().cast(CLAIM_SCHEMA)

    def _broken(self, discharge: pl.Series) -> pl.Series:
        """One discharge date per row group is one that does not exist."""
        broken = np.arange(self.n) == self.rng.integers(self.n)
        impossible = pl.Series(np.array(["2023-02-29", "2023-04-31", "2023-06-31", "2023-09-31", "2023-11-31"])
                               [self.rng.integers(0, 5, self.n)])
        return pl.select(pl.when(pl.lit(pl.Series(broken))).then(pl.lit(impossible))
                         .otherwise(pl.lit(discharge))).to_series()


def claim_groups(rows: int, seed: int = ZAAD_DECLARATIES, group: int = ROW_GROUP):
    """The claims as Arrow tables of at most `group` rows; group k depends only on (seed, k)."""
    providers_rng = np.random.default_rng([seed, 0])
    providers = np.array([f"{int(code):08d}" for code in 22_000_000 + providers_rng.choice(1_000_000, 380,
                                                                                          replace=False)])
    for k, first in enumerate(range(0, rows, group)):
        rng = np.random.default_rng([seed, k + 1])
        yield _Claims(rng, first, min(group, rows - first), providers).table()


def write_claims(rows: int, target: Path, seed: int = ZAAD_DECLARATIES) -> None:
    """The claims as Parquet, one row group of ROW_GROUP rows at a time."""
    with _replaced(target) as temp:
        writer = pq.ParquetWriter(temp, CLAIM_SCHEMA, compression="zstd")
        try:
            for table in claim_groups(rows, seed):
                writer.write_table(table, row_group_size=ROW_GROUP)
        finally:
            writer.close()


# ================================================================ the command
class _replaced:
    """A temporary file beside `target`, renamed into place when the block ends without error."""

    def __init__(self, target: Path):
        self.target = target
        self.temp = target.with_name(f".{target.name}.{os.getpid()}.tmp")

    def __enter__(self) -> Path:
        return self.temp

    def __exit__(self, kind, value, traceback) -> None:
        if kind is None:
            os.replace(self.temp, self.target)
        else:
            self.temp.unlink(missing_ok=True)


JOBS: dict[str, tuple[Callable[[int, Path, int], None], int, str]] = {
    "aanbieders": (write_providers, ZAAD_AANBIEDERS, ".csv"),
    "declaraties": (write_claims, ZAAD_DECLARATIES, ".parquet"),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="genereer.py", description="Maakt voorbeelddata voor de twee batchvoorbeelden.")
    parser.add_argument("soort", choices=list(JOBS), help="aanbieders (wijkverpleging 2024) of declaraties (ELV/GRZ 2023)")
    parser.add_argument("--rijen", type=int, required=True, help="aantal rijen")
    parser.add_argument("--uit", type=Path, required=True, help="het doelbestand (.csv of .parquet)")
    parser.add_argument("--zaad", type=int, help="startwaarde van de toevalsgenerator (standaard vast per soort)")
    args = parser.parse_args(argv)
    write, seed, suffix = JOBS[args.soort]
    if args.rijen < 1:
        parser.error("--rijen moet minstens 1 zijn")
    if args.uit.suffix.lower() != suffix:
        parser.error(f"{args.soort} worden geschreven als {suffix}, niet als '{args.uit.suffix}'")
    if not args.uit.parent.is_dir():
        parser.error(f"de map {args.uit.parent} bestaat niet")
    write(args.rijen, args.uit, seed if args.zaad is None else args.zaad)
    print(f"{args.rijen:,} {args.soort} geschreven naar {args.uit}".replace(",", "."))
    return 0


if __name__ == "__main__":
    sys.exit(main())
