"""The rules of policies/wijkverpleging_2024.beleid written by hand in plain Python: the baseline.

The same semantics as the compiled policy — Decimal values, None for an unknown fact, Kleene
`en`/`of`, "niet van toepassing", first-match decision, timeline status — written the way a
careful Python developer would, with a few small helpers. `evaluate(d, peil)` takes the typed
facts by name (as `Case.data`) and returns {rule name: status or value}.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

V, N, O, NVT = "voldaan", "niet voldaan", "onbekend", "niet van toepassing"
D33, D20, D70, D10, D100 = Decimal(33), Decimal(20), Decimal(70), Decimal(10), Decimal(100)
GRENS, AANSPRAKELIJK = Decimal(250000), Decimal(2500000)


def status(c):
    return V if c is True else (N if c is False else O)


def both(a, b):
    if a is False or b is False:
        return False
    return None if a is None or b is None else True


def either(a, b):
    if a is True or b is True:
        return True
    return None if a is None or b is None else False


def cmp(a, op, b):
    if a is None or b is None:
        return None
    return a >= b if op == ">=" else a <= b if op == "<=" else a < b if op == "<" else a > b


def gated(app, c):
    return NVT if app is False else (O if app is None else status(c))


def group(app, *members):
    if app is False:
        return NVT
    if app is None:
        return O
    return N if N in members else (O if O in members else V)


def day(x):
    return x.date() if isinstance(x, datetime) else x


def order(a, b):
    if isinstance(a, datetime) and isinstance(b, datetime):
        return (a > b) - (a < b)
    if not isinstance(a, datetime) and isinstance(b, datetime) and day(a) == day(b):
        return None
    return (day(a) > day(b)) - (day(a) < day(b))


def window(event, start, end, end_included, peil):
    if event is None:
        if peil is None:
            return O
        return "niet gehaald" if order(peil, end) > 0 else "nog niet verstreken"
    lo, hi = order(event, start), order(event, end)
    if lo is None or hi is None:
        return O
    ok = lo >= 0 and (hi <= 0 if end_included else hi < 0)
    return "gehaald" if ok else "niet gehaald"


def deadline(event, end, peil):
    if event is None:
        if peil is None:
            return O
        return "niet gehaald" if order(peil, end) > 0 else "nog niet verstreken"
    c = order(event, end)
    return O if c is None else ("gehaald" if c <= 0 else "niet gehaald")


T = datetime
WINDOWS = {
    "t_inschrijving": ("inschrijving", date(2023, 5, 15), T(2023, 6, 15, 17), True),
    "t_aanbod": ("aanbod_verzonden", date(2023, 7, 16), T(2023, 9, 16, 17), True),
    "t_reactie": ("reactie_op_aanbod", date(2023, 9, 16), T(2023, 11, 3, 17), False),
    "t_reactie_nieuw": ("reactie_op_nieuw_aanbod", date(2023, 11, 10), T(2023, 12, 8, 17), False),
    "t_aanmelding_nieuw": ("aanmelding_nieuw", date(2023, 6, 16), T(2023, 9, 8, 17), True),
    "t_inschrijving_nieuw": ("inschrijving_voltooid", date(2023, 6, 16), date(2023, 9, 15), True),
    "t_besluit_nieuw": ("besluit_nieuw", date(2023, 9, 16), date(2023, 11, 22), True),
}
DEADLINES = {
    "t_nieuw_aanbod": ("nieuw_aanbod_verzonden", date(2023, 11, 10)),
    "t_overeenstemming": ("overeenstemming", T(2023, 12, 22, 17)),
    "t_shared_savings": ("shared_savings_afspraak", date(2023, 9, 1)),
    "t_innovatiebudget": ("aanvraag_innovatiebudget", date(2023, 12, 22)),
    "t_businesscase_preferent": ("businesscase_preferent", date(2023, 5, 1)),
    "t_businesscase_niet_preferent": ("businesscase_niet_preferent", date(2023, 7, 1)),
    "t_publicatie_info_nachtzorg": ("publicatie_info_nachtzorg", date(2023, 4, 3)),
}


def evaluate(d: dict, peil):
    g = d.get
    r = {}
    r["aanspraak_vv"] = status(g("agb_code_vv"))
    r["alle_vormen"] = status(g("levert_alle_vormen_vv"))
    r["integraal_product"] = status(g("levert_integraal_product"))
    r["twee_verzekerden"] = status(either(cmp(g("verzekerden_in_zorg_2023"), ">=", 2), g("alleen_medische_kindzorg")))
    r["nza_regels"] = status(g("zorg_volgens_nza_regels"))
    r["kwaliteitskader"] = status(g("werkt_volgens_kwaliteitskader"))
    r["fte_niveau_6"] = status(cmp(g("fte_niveau_6_loondienst"), ">=", 1))
    r["wvp_max_twee_aanbieders"] = status(cmp(g("aanbieders_per_wvp"), "<=", 2))
    r["onderaanneming"] = status(cmp(g("aandeel_onderaanneming"), "<=", D33))
    r["toestemming_onderaannemer"] = gated(g("zet_onderaannemer_in"), g("toestemming_onderaanneming"))
    ingang = g("ingang_verzekering")
    r["aansprakelijkheid"] = status(both(cmp(g("verzekerd_bedrag"), ">=", AANSPRAKELIJK),
                                         None if ingang is None else ingang <= date(2024, 1, 1)))
    r["toestemming_alle_onderaannemers"] = gated(g("inzet_onderaannemers_ruim"), g("toestemming_onderaanneming"))
    r["wtza"] = status(g("voldoet_aan_wtza"))
    r["gedrag"] = status(g("onberispelijk_gedrag"))
    ondertekend = g("ondertekening_bestuursverklaring")
    r["bestuursverklaring"] = status(both(g("voldoet_bestuursverklaring"),
                                          None if ondertekend is None else ondertekend <= date(2024, 1, 1)))
    r["sociaal_domein"] = status(g("samenwerking_sociaal_domein"))
    keten = None
    for fact in ("samenwerking_vv_aanbieders", "samenwerking_huisarts", "samenwerking_ziekenhuizen",
                 "samenwerking_professionals", "afstemming_passende_zorg"):
        keten = g(fact) if keten is None and fact == "samenwerking_vv_aanbieders" else both(keten, g(fact))
    r["samenwerking_keten"] = status(keten)
    r["een_indicatie"] = status(g("een_indicatie_en_zorgplan"))
    r["samenwerking_onderaanneming"] = gated(g("samenwerking_met_aanbieders"),
                                             both(g("samenwerking_via_onderaanneming"), g("toestemming_onderaanneming")))
    r["kwaliteitsgegevens"] = status(g("kwaliteitsgegevens_landelijk"))
    r["prem"] = status(g("meet_prem"))
    r["riz_toetsing"] = status(g("riz_geen_contra_indicatie"))
    r["kwaliteitssysteem"] = status(g("certificaat_kwaliteitssysteem"))
    r["deskundigheid"] = status(g("investeert_in_deskundigheid"))

    inzet = g("zet_ander_zorgpersoneel_in")
    azp = {
        "vooraf_afspraken": gated(inzet, g("afspraken_ander_personeel")),
        "max_twintig_procent": gated(inzet, cmp(g("aandeel_ander_personeel"), "<=", D20)),
        "tien_fte": gated(inzet, cmp(g("fte_loondienst"), ">=", 10)),
        "supervisie": gated(inzet, g("supervisie_hoger_niveau")),
        "achterwacht": gated(inzet, g("achterwacht_niveau_3")),
        "eerste_week": gated(inzet, g("niet_eerste_week_nieuwe_client")),
        "stabiele_situaties": gated(inzet, g("alleen_stabiele_situaties")),
        "passende_taken": gated(inzet, g("taken_passend_bij_niveau")),
        "overname_twee_weken": gated(inzet, cmp(g("overname_zorgmoment_interval"), "<=", 14)),
        "scholing": gated(inzet, g("scholingsplan_en_register")),
        "omschrijving_ander_personeel": gated(inzet, g("binnen_omschrijving_ander_personeel")),
        "inzicht_niveau_2": gated(inzet, g("inzicht_opleiding_niveau_2")),
    }
    r.update(azp)
    r["ander_zorgpersoneel"] = group(inzet, *azp.values())
    azp_ok = {V: True, NVT: True, N: False}.get(r["ander_zorgpersoneel"])
    r["niveau_3"] = status(either(g("declareert_alleen_niveau_3"), both(inzet, azp_ok)))
    r["minimumeisen"] = group(True, *(r[k] for k in (
        "aanspraak_vv", "alle_vormen", "integraal_product", "twee_verzekerden", "nza_regels", "kwaliteitskader",
        "fte_niveau_6", "wvp_max_twee_aanbieders", "onderaanneming", "toestemming_onderaannemer",
        "aansprakelijkheid", "wtza", "gedrag", "kwaliteitssysteem", "deskundigheid", "niveau_3",
        "toestemming_alle_onderaannemers", "bestuursverklaring", "sociaal_domein", "samenwerking_keten",
        "een_indicatie", "samenwerking_onderaanneming", "kwaliteitsgegevens", "prem", "riz_toetsing")))

    ptz = g("levert_ptz")
    r["palliatief_netwerk"] = gated(ptz, g("aangesloten_palliatief_netwerk"))
    r["levensverwachting"] = gated(ptz, cmp(g("levensverwachting_client"), "<", 3))
    r["mantelzorg"] = gated(ptz, g("mantelzorgers_betrokken"))
    r["nazorg"] = gated(ptz, g("nazorg_geborgd"))
    r["vaststelling_ptz"] = gated(ptz, both(g("ptz_vastgesteld_hoofdbehandelaar"), g("levensverwachting_in_dossier")))
    r["ptz"] = group(ptz, r["palliatief_netwerk"], r["levensverwachting"], r["mantelzorg"], r["nazorg"],
                     r["vaststelling_ptz"])
    r["regionale_afspraak"] = status(g("aansluiting_herkenbaar"))
    r["herkenbaar_aanspreekbaar"] = group(True, r["regionale_afspraak"])
    r["vijf_minuten"] = status(g("vijf_minuten_registratie"))
    r["transparantie"] = group(True, r["vijf_minuten"])

    soort = g("soort_aanbieder")
    zzp = None if soort is None else soort == "zzp"
    kwal = g("kwalificatie_zzp")
    r["kwalificatie"] = gated(zzp, None if kwal is None else kwal in ("niveau 4", "niveau 6"))
    r["indicatie_niveau_6"] = gated(zzp, either(g("overeenkomst_niveau_6"), None if kwal is None else kwal == "niveau 6"))
    r["achterwacht_zzp_eis"] = gated(zzp, g("achterwacht_zzp"))
    alleen_vgz = g("alleen_vgz_clienten")
    r["vijf_clienten"] = gated(zzp, both(cmp(g("clienten_zzp_2023"), ">=", 5), None if alleen_vgz is None else not alleen_vgz))
    r["handreiking"] = gated(zzp, g("handreiking_zzp"))
    r["keurmerk"] = gated(zzp, g("keurmerk_zzp"))
    r["zzp"] = group(zzp, *(r[k] for k in ("kwalificatie", "indicatie_niveau_6", "achterwacht_zzp_eis",
                                            "vijf_clienten", "handreiking", "keurmerk")))

    r["prijsindexatie"] = Decimal("6.37") + Decimal("1.4")
    r["overeenkomst"] = contract(d)
    jaar = g("jaar_plusovereenkomst")
    r["looptijd_plusovereenkomst"] = None if jaar is None else {"2023": 24, "2024": 12}.get(jaar)
    contract_value = r["overeenkomst"]
    cv = None if contract_value is None else contract_value == "cliëntvolgende overeenkomst"
    r["plafond_clientvolgend"] = gated(cv, cmp(g("zorgkostenplafond"), "<=", GRENS))
    r["clientvolgende_overeenkomst"] = group(cv, r["plafond_clientvolgend"])
    new = g("nieuwe_zorgaanbieder")
    minimum_ok = {V: True, NVT: True, N: False}.get(r["minimumeisen"])
    nieuw = {
        "zelfde_minimumeisen": gated(new, minimum_ok),
        "onvoldoende_aanbod": gated(new, g("onvoldoende_aanbod_regio")),
        "ureninzet": gated(new, g("ureninzet_niet_sterk_afwijkend")),
        "financieel_gezond": gated(new, g("financieel_gezond_digimv")),
        "document_wtza": gated(both(new, g("wtza_vergunning_vereist")), g("levert_wtza_vergunning")),
        "document_vog": gated(new, g("levert_vog_rp_2023")),
        "document_kvk": gated(new, g("levert_inschrijving_kvk")),
        "document_palliatief_netwerk": gated(new, g("levert_bewijs_palliatief_netwerk")),
        "document_niveau_6": gated(new, g("levert_bewijs_niveau_6")),
        "eenmaal_per_contractjaar": gated(new, cmp(g("procedures_contractjaar"), "<=", 1)),
    }
    r.update(nieuw)
    r["nieuwe_aanbieder"] = group(new, *nieuw.values())
    plafond = g("zorgkostenplafond")
    r["signaalgrens_plafond"] = None if plafond is None else D70 * plafond / D100
    r["maximale_verlaging"] = None if plafond is None else D10 * plafond / D100
    toereikend = g("resterend_toereikend")
    r["verzoek_ophoging"] = status(both(cmp(g("gerealiseerd_2024"), ">=", r["signaalgrens_plafond"]),
                                        None if toereikend is None else not toereikend))
    r["verlaging_max_tien_procent"] = gated(g("uitgesloten_van_benchmark"),
                                            cmp(g("verlaging_plafond"), "<=", r["maximale_verlaging"]))
    info = g("info_aantal_clienten")
    for fact in ("info_uren_per_client", "info_prognose_2024", "info_toelichting"):
        info = both(info, g(fact))
    r["informatie_bij_verzoek"] = status(info)
    verhoogd = g("plafond_verhoogd")
    r["verhoging_met_toestemming"] = gated(verhoogd, g("toestemming_verhoging"))
    soort_ok = None if contract_value is None else contract_value in ("standaardovereenkomst",
                                                                      "cliëntvolgende overeenkomst")
    r["clientenstop"] = gated(g("past_clientenstop_toe"),
                              both(both(g("overleg_clientenstop"), g("ophoging_afgewezen")), soort_ok))
    r["aanvullende_zorginkoop"] = group(True, r["verzoek_ophoging"], r["verlaging_max_tien_procent"],
                                        r["informatie_bij_verzoek"], r["verhoging_met_toestemming"],
                                        r["clientenstop"])
    r["t_verhoging_na_bericht"] = NVT if verhoogd is False else (O if verhoogd is None else not_before(
        g("ingang_verhoging"), g("bericht_ophoging")))
    compleet = g("aanvraag_compleet")
    r["antwoord_ophoging"] = O if compleet is None else window(
        g("bericht_ophoging"), compleet, compleet + timedelta(days=21), True, peil)
    for name, (fact, start, end, included) in WINDOWS.items():
        r[name] = window(g(fact), start, end, included, peil)
    for name, (fact, end) in DEADLINES.items():
        r[name] = deadline(g(fact), end, peil)
    r["t_acceptatie_nieuw_aanbod"] = before(g("acceptatie_nieuw_aanbod"), T(2023, 12, 22, 17), peil)
    r["t_bekendmaking_zorgaanbod"] = not_before(g("bekendmaking_zorgaanbod"), date(2023, 11, 12))
    return r


def before(event, end, peil):
    """Strictly before `end`; on `end` itself it is too late."""
    if event is None:
        if peil is None:
            return O
        return "niet gehaald" if order(peil, end) >= 0 else "nog niet verstreken"
    c = order(event, end)
    return O if c is None else ("gehaald" if c < 0 else "niet gehaald")


def not_before(event, start):
    if event is None or start is None:
        return O
    c = order(event, start)
    return O if c is None else ("gehaald" if c >= 0 else "niet gehaald")


def contract(d: dict):
    """First match; an unknown condition makes the decision unknown."""
    soort, omzet = d.get("soort_aanbieder"), d.get("omzet_2023")
    c = both(None if soort is None else soort in ("zzp", "eenmanszaak"), d.get("bestaande_zzp_overeenkomst"))
    if c is not False:
        return c and "zzp-overeenkomst"
    if omzet is None:
        return None
    if omzet < GRENS:
        return "cliëntvolgende overeenkomst"
    if omzet > GRENS:
        excluded, score = d.get("uitgesloten_van_benchmark"), d.get("benchmarkscore")
        if excluded is None:
            return None
        if excluded:
            return "aanbod buiten de benchmark"
        if score is None:
            return None
        return "plusovereenkomst" if score == "beste" else "standaardovereenkomst"
    return None
