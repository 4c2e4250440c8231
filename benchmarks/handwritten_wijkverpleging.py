"""The rules of policies/wijkverpleging_2024.beleid written by hand in tight Python: the baseline.

The same semantics as the compiled policy (Decimal values, None for an unknown fact, Kleene
`en`/`of`, "niet van toepassing", first-hit decision, termijn status with a date against a
date-time undecided on the same day) written the way a careful developer would write it for
speed: every comparison inline, no helper calls, each gate tested once with one branch for
"not applicable" and one for "unknown"; a soft eis (verwacht, streeft naar) gets its own status but
does not decide its group, and a bevoegdheid is a ja/nee calculation ("bepaald" with True or False).
The wijziging of 23 oktober 2023 is one test of the peildatum: before it `prijsindexatie` is 6,37% and
the rules the wijziging adds are "niet van toepassing"; from it 6,37% + 1,4%; without a peildatum all
of them are unknown. `geen_handhaving_igj` reads a value per year (a dict year -> aantal) over the three
calendar years before the peildatum's year: nee as soon as one of them is not 0, ja when all three are
0, unknown otherwise (and without a peildatum).
`evaluate(d)` takes the typed facts by name and the peildatum under "peildatum" (a plain dict;
absent or None is unknown) and returns `(statuses, values)`: two tuples in the policy's rule
order, like `Outcome.statuses` and `Outcome.values`.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

V, N, ONB, NVT = "voldaan", "niet voldaan", "onbekend", "niet van toepassing"
G, NG, NN, VZ = "gehaald", "niet gehaald", "nog niet verstreken", "verstreken zonder datum"
B, GU = "bepaald", "geen uitkomst"
D1, D10, D20, D33, D70, D100 = Decimal(1), Decimal(10), Decimal(20), Decimal(33), Decimal(70), Decimal(100)
GRENS, AANSPRAKELIJK = Decimal(250000), Decimal(2500000)
# the wijziging of 23 oktober 2023: prijsindexatie 6,37% before it, 6,37% + extra_tariefopslag from it
WIJZIGING, NZA, OPSLAG = date(2023, 10, 23), Decimal("6.37"), Decimal("1.4")
PRIJSINDEX = NZA + OPSLAG
JAN_2024 = date(2024, 1, 1)
CLIENTVOLGEND = "cliëntvolgende overeenkomst"
DAYS_21 = timedelta(days=21)

# termijnen: start dates, end moments (a date-time end also as its day)
INSCHRIJVING = (date(2023, 5, 15), datetime(2023, 6, 15, 17), date(2023, 6, 15))
AANBOD = (date(2023, 7, 16), datetime(2023, 9, 16, 17), date(2023, 9, 16))
REACTIE = (date(2023, 9, 16), datetime(2023, 11, 3, 17), date(2023, 11, 3))
NIEUW_AANBOD = date(2023, 11, 10)
REACTIE_NIEUW = (date(2023, 11, 10), datetime(2023, 12, 8, 17), date(2023, 12, 8))
ACCEPTATIE = (datetime(2023, 12, 22, 17), date(2023, 12, 22))
AANMELDING_NIEUW = (date(2023, 6, 16), datetime(2023, 9, 8, 17), date(2023, 9, 8))
INSCHRIJVING_NIEUW = (date(2023, 6, 16), date(2023, 9, 15))
BESLUIT_NIEUW = (date(2023, 9, 16), date(2023, 11, 22))
SHARED, INNOVATIE = date(2023, 9, 1), date(2023, 12, 22)
BC_PREFERENT, BC_NIET_PREFERENT, PUBLICATIE = date(2023, 5, 1), date(2023, 7, 1), date(2023, 4, 3)
BEKENDMAKING = date(2023, 11, 12)
# the appendices: medische kindzorg "jonger dan 18 jaar" (a duur in jaren, given as a number of years);
# onplanbare nachtzorg "tussen 23.00 en 7.00 uur", both ends included
JAAR_18 = 18
ELF_UUR, ZEVEN_UUR = time(23), time(7)


def evaluate(d: dict):
    g = d.get
    peil = g("peildatum")
    # ---------------------------------------------------------- minimumeisen
    x = g("agb_code_vv")
    s0 = V if x is True else N if x is False else ONB
    x = g("levert_alle_vormen_vv")
    s1 = V if x is True else N if x is False else ONB
    x = g("levert_integraal_product")
    s2 = V if x is True else N if x is False else ONB
    x, y = g("verzekerden_in_zorg_2023"), g("alleen_medische_kindzorg")
    if y is True or (x is not None and x >= 2):
        s3 = V
    else:
        s3 = ONB if x is None or y is None else N
    x = g("zorg_volgens_nza_regels")
    s4 = V if x is True else N if x is False else ONB
    x = g("werkt_volgens_kwaliteitskader")
    s5 = V if x is True else N if x is False else ONB
    x = g("fte_niveau_6_loondienst")
    s6 = ONB if x is None else V if x >= D1 else N
    x = g("aanbieders_per_wvp")
    s7 = ONB if x is None else V if x <= 2 else N
    x = g("aandeel_onderaanneming")
    s8 = ONB if x is None else V if x <= D33 else N
    toestemming = g("toestemming_onderaanneming")
    ts = V if toestemming is True else N if toestemming is False else ONB
    x = g("zet_onderaannemer_in")
    s9 = NVT if x is False else ONB if x is None else ts
    x = g("inzet_onderaannemers_ruim")
    s10 = NVT if x is False else ONB if x is None else ts
    x, y = g("verzekerd_bedrag"), g("ingang_verzekering")
    if (x is not None and x < AANSPRAKELIJK) or (y is not None and y > JAN_2024):
        s11 = N
    else:
        s11 = ONB if x is None or y is None else V
    x = g("voldoet_aan_wtza")
    s12 = V if x is True else N if x is False else ONB
    x = g("onberispelijk_gedrag")
    s13 = V if x is True else N if x is False else ONB
    x, y = g("voldoet_bestuursverklaring"), g("ondertekening_bestuursverklaring")
    if x is False or (y is not None and y > JAN_2024):
        s14 = N
    else:
        s14 = ONB if x is None or y is None else V
    x = g("samenwerking_sociaal_domein")
    s15 = V if x is True else N if x is False else ONB
    a, b, c, e, f = (g("samenwerking_vv_aanbieders"), g("samenwerking_huisarts"), g("samenwerking_ziekenhuizen"),
                     g("samenwerking_professionals"), g("afstemming_passende_zorg"))
    if a is False or b is False or c is False or e is False or f is False:
        s16 = N
    else:
        s16 = ONB if a is None or b is None or c is None or e is None or f is None else V
    x = g("een_indicatie_en_zorgplan")
    s17 = V if x is True else N if x is False else ONB
    x = g("samenwerking_met_aanbieders")
    if x is False:
        s18 = NVT
    elif x is None:
        s18 = ONB
    else:
        y = g("samenwerking_via_onderaanneming")
        if y is False or toestemming is False:
            s18 = N
        else:
            s18 = ONB if y is None or toestemming is None else V
    x = g("kwaliteitsgegevens_landelijk")
    s19 = V if x is True else N if x is False else ONB
    x = g("meet_prem")
    s20 = V if x is True else N if x is False else ONB
    x = g("certificaat_kwaliteitssysteem")
    s21 = V if x is True else N if x is False else ONB
    x = g("investeert_in_deskundigheid")
    s22 = V if x is True else N if x is False else ONB
    # ---------------------------------------------------------- ander zorgpersoneel
    inzet = g("zet_ander_zorgpersoneel_in")
    if inzet is False:
        s23 = s24 = s25 = s26 = s27 = s28 = s29 = s30 = s31 = s32 = s33 = s34 = s35 = s90 = NVT
        x90 = None
    elif inzet is None:
        s23 = s24 = s25 = s26 = s27 = s28 = s29 = s30 = s31 = s32 = s33 = s34 = s35 = s90 = ONB
        x90 = None
    else:
        x = g("achterwacht_niveau_3")
        s23 = V if x is True else N if x is False else ONB
        x = g("niet_eerste_week_nieuwe_client")
        s24 = V if x is True else N if x is False else ONB
        x = g("inzicht_opleiding_niveau_2")
        s25 = V if x is True else N if x is False else ONB
        x = g("aandeel_ander_personeel")
        s26 = ONB if x is None else V if x <= D20 else N
        x, y = g("ander_personeel_buiten_omschrijving"), g("leerlingen_onder_niveau_3")
        s27 = N if (x is not None and x != 0) or (y is not None and y != 0) else ONB if x is None or y is None else V
        x = g("overname_zorgmoment_interval")
        s28 = ONB if x is None else V if x <= 14 else N
        x = g("taken_passend_bij_niveau")
        s29 = V if x is True else N if x is False else ONB
        x = g("scholingsplan_en_register")
        s30 = V if x is True else N if x is False else ONB
        x = g("alleen_stabiele_situaties")
        s31 = V if x is True else N if x is False else ONB
        x = g("supervisie_hoger_niveau")
        s32 = V if x is True else N if x is False else ONB
        x = g("fte_loondienst")
        s33 = ONB if x is None else V if x >= D10 else N
        x = g("afspraken_ander_personeel")
        s34 = V if x is True else N if x is False else ONB
        members: tuple[str, ...] = (s23, s24, s25, s26, s27, s28, s29, s30, s31, s32, s33, s34)
        s35 = N if N in members else ONB if ONB in members else V
        # bevoegdheid inzet_niveau_2 (same gate): mag als voldoet aan ander_zorgpersoneel
        x90 = True if s35 is V else False if s35 is N else None
        s90 = ONB if x90 is None else B
    x = g("declareert_alleen_niveau_3")
    if x is True:
        s36 = V
    else:  # of (zet_ander_zorgpersoneel_in en voldoet aan ander_zorgpersoneel)
        azp = True if s35 is V or s35 is NVT else False if s35 is N else None
        y = False if inzet is False or azp is False else None if inzet is None or azp is None else True
        s36 = V if y is True else ONB if x is None or y is None else N
    x = g("riz_geen_contra_indicatie")
    s37 = V if x is True else N if x is False else ONB
    members = (s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, s11, s12, s13, s14, s15, s16, s17, s18, s19, s20,
               s21, s22, s36, s37)
    s38 = N if N in members else ONB if ONB in members else V
    # ---------------------------------------------------------- ptz, herkenbaar, zzp
    ptz = g("levert_ptz")
    if ptz is False:
        s39 = s40 = s41 = s42 = s43 = s44 = NVT
    elif ptz is None:
        s39 = s40 = s41 = s42 = s43 = s44 = ONB
    else:
        x = g("aangesloten_palliatief_netwerk")
        s39 = V if x is True else N if x is False else ONB
        x, y = g("ptz_vastgesteld_hoofdbehandelaar"), g("levensverwachting_in_dossier")
        s40 = N if x is False or y is False else ONB if x is None or y is None else V
        x = g("levensverwachting_client")
        s41 = ONB if x is None else V if x < 3 else N
        x = g("mantelzorgers_betrokken")
        s42 = V if x is True else N if x is False else ONB
        x = g("nazorg_geborgd")
        s43 = V if x is True else N if x is False else ONB
        members = (s39, s40, s41, s42, s43)
        s44 = N if N in members else ONB if ONB in members else V
    x = g("aansluiting_herkenbaar")
    s45 = s46 = V if x is True else N if x is False else ONB
    soort = g("soort_aanbieder")
    if soort is None:
        s47 = s48 = s49 = s50 = s51 = s52 = s53 = ONB
    elif soort != "zzp":
        s47 = s48 = s49 = s50 = s51 = s52 = s53 = NVT
    else:
        kwal = g("kwalificatie_zzp")
        s47 = ONB if kwal is None else V if kwal == "niveau 4" or kwal == "niveau 6" else N
        x = g("overeenkomst_niveau_6")
        s48 = V if x is True or kwal == "niveau 6" else ONB if x is None or kwal is None else N
        x = g("achterwacht_zzp")
        s49 = V if x is True else N if x is False else ONB
        x, y = g("clienten_zzp_2023"), g("alleen_vgz_clienten")
        s50 = N if (x is not None and x < 5) or y is True else ONB if x is None or y is None else V
        x = g("handreiking_zzp")
        s51 = V if x is True else N if x is False else ONB
        x = g("keurmerk_zzp")
        s52 = V if x is True else N if x is False else ONB
        members = (s47, s48, s49, s50, s51, s52)
        s53 = N if N in members else ONB if ONB in members else V
    # ---------------------------------------------------------- overeenkomst (eerste treffer)
    x, y, omzet = soort, g("bestaande_zzp_overeenkomst"), g("omzet_2023")
    zzp = None if x is None else x == "zzp" or x == "eenmanszaak"
    first = False if zzp is False or y is False else None if zzp is None or y is None else True
    if first is True:
        s54, x54 = B, "zzp-overeenkomst"
    elif first is None or omzet is None:
        s54, x54 = ONB, None
    elif omzet < GRENS:
        s54, x54 = B, CLIENTVOLGEND
    elif omzet > GRENS:
        x = g("uitgesloten_van_benchmark")
        if x is True:
            s54, x54 = B, "aanbod buiten de benchmark"
        elif x is None:
            s54, x54 = ONB, None
        else:
            y = g("benchmarkscore")
            if y is None:
                s54, x54 = ONB, None
            else:
                s54, x54 = B, "plusovereenkomst" if y == "beste" else "standaardovereenkomst"
    else:
        s54, x54 = GU, None
    plafond = g("zorgkostenplafond")
    if x54 is None:
        s55 = s56 = ONB
    elif x54 != CLIENTVOLGEND:
        s55 = s56 = NVT
    else:
        s55 = s56 = ONB if plafond is None else V if plafond <= GRENS else N
    # transparantie: only the hard eis algemene_voorwaarden decides the group; the verwachtingen
    # (verwacht / streeft naar) get voldaan or niet voldaan themselves and do not count
    x = g("aanvaardt_algemene_voorwaarden")
    s57 = s63 = V if x is True else N if x is False else ONB
    x = g("vijf_minuten_registratie")
    s58 = V if x is True else N if x is False else ONB
    x = g("rekening_met_clientprofielen")
    s59 = V if x is True else N if x is False else ONB
    x = g("hulpmiddelen_voorliggend_aan_zorg")
    s60 = V if x is True else N if x is False else ONB
    x = g("zoveel_mogelijk_loondienst")
    s61 = V if x is True else N if x is False else ONB
    x = g("gebruikt_onplanbare_nachtzorg")
    s62 = V if x is True else N if x is False else ONB
    # ---------------------------------------------------------- nieuwe zorgaanbieders
    nieuw = g("nieuwe_zorgaanbieder")
    if nieuw is False:
        s64 = s65 = s66 = s67 = s68 = s69 = s70 = s71 = s72 = s73 = s74 = NVT
    elif nieuw is None:
        s64 = s65 = s66 = s67 = s69 = s70 = s71 = s72 = s73 = s74 = ONB
        s68 = NVT if g("wtza_vergunning_vereist") is False else ONB
    else:
        s64 = V if s38 is V or s38 is NVT else N if s38 is N else ONB
        x = g("onvoldoende_aanbod_regio")
        s65 = V if x is True else N if x is False else ONB
        x = g("ureninzet_niet_sterk_afwijkend")
        s66 = V if x is True else N if x is False else ONB
        x = g("financieel_gezond_digimv")
        s67 = V if x is True else N if x is False else ONB
        x = g("wtza_vergunning_vereist")
        if x is False:
            s68 = NVT
        elif x is None:
            s68 = ONB
        else:
            y = g("levert_wtza_vergunning")
            s68 = V if y is True else N if y is False else ONB
        x = g("levert_vog_rp_2023")
        s69 = V if x is True else N if x is False else ONB
        x = g("levert_inschrijving_kvk")
        s70 = V if x is True else N if x is False else ONB
        x = g("levert_bewijs_palliatief_netwerk")
        s71 = V if x is True else N if x is False else ONB
        x = g("levert_bewijs_niveau_6")
        s72 = V if x is True else N if x is False else ONB
        x = g("procedures_contractjaar")
        s73 = ONB if x is None else V if x <= 1 else N
        members = (s64, s65, s66, s67, s68, s69, s70, s71, s72, s73)
        s74 = N if N in members else ONB if ONB in members else V
    # ---------------------------------------------------------- aanvullende zorginkoop
    if plafond is None:
        s75 = s80 = ONB
        x75 = x80 = None
    else:
        s75 = s80 = B
        x75, x80 = D70 * plafond / D100, D10 * plafond / D100
    x, y, asked = g("gerealiseerd_2024"), g("resterend_toereikend"), g("verzoek_ophoging_gedaan")
    if asked is False:
        s76 = NVT
    elif (x is not None and x75 is not None and x < x75) or y is True:
        s76 = ONB if asked is None else N
    else:
        s76 = ONB if asked is None or x is None or x75 is None or y is None else V
    a, b, c, e = g("info_aantal_clienten"), g("info_uren_per_client"), g("info_prognose_2024"), g("info_toelichting")
    if a is False or b is False or c is False or e is False:
        s77 = N
    else:
        s77 = ONB if a is None or b is None or c is None or e is None else V
    verhoogd = g("plafond_verhoogd")
    if verhoogd is False:
        s78 = NVT
    elif verhoogd is None:
        s78 = ONB
    else:
        x = g("toestemming_verhoging")
        s78 = V if x is True else N if x is False else ONB
    x = g("past_clientenstop_toe")
    if x is False:
        s79 = NVT
    elif x is None:
        s79 = ONB
    else:
        a, b = g("overleg_clientenstop"), g("ophoging_afgewezen")
        c = None if x54 is None else x54 == "standaardovereenkomst" or x54 == CLIENTVOLGEND
        s79 = N if a is False or b is False or c is False else ONB if a is None or b is None or c is None else V
    x = g("uitgesloten_van_benchmark")
    if x is False:
        s81 = NVT
    elif x is None:
        s81 = ONB
    else:
        y = g("verlaging_plafond")
        s81 = ONB if y is None or x80 is None else V if y <= x80 else N
    members = (s76, s77, s78, s79, s81)
    s82 = N if N in members else ONB if ONB in members else V
    # ---------------------------------------------------------- bevoegdheden (a ja/nee calculation)
    x85 = g("onvoldoende_gecontracteerd")
    s85 = ONB if x85 is None else B
    x86 = g("reden_tot_aanpassing")
    s86 = ONB if x86 is None else B
    x87 = g("onrechtmatigheden_vastgesteld")
    s87 = ONB if x87 is None else B
    x88 = x89 = g("onvoldoende_integraal_aanbod")
    s88 = s89 = ONB if x88 is None else B
    jaar = g("jaar_plusovereenkomst")
    if jaar is None:
        s91, x91 = ONB, None
    elif jaar == "2023":
        s91, x91 = B, 24
    elif jaar == "2024":
        s91, x91 = B, 12
    else:
        s91, x91 = GU, None
    # ---------------------------------------------------------- bijlagen: medische kindzorg
    x, y, z = g("kind_in_thuissituatie"), g("leeftijd_kind"), g("verpleging_volgens_zorgplan")
    y = None if y is None else y < JAAR_18
    x142 = False if x is False or y is False or z is False else None if x is None or y is None or z is None else True
    s142 = ONB if x142 is None else B
    kind = g("levert_medische_kindzorg")
    if kind is False:
        n83 = n84 = n85 = n86 = n87 = n88 = n89 = n90 = n91 = n92 = n93 = NVT
    elif kind is None:
        n83 = n84 = n85 = n86 = n87 = n88 = n89 = n90 = n91 = n92 = n93 = ONB
    else:
        x = g("kinderverpleegkundigen_loondienst")
        n83 = ONB if x is None else V if x >= 1 else N
        x = g("verklaring_hoofdbehandelaar_kind")
        n84 = V if x is True else N if x is False else ONB
        a, b, c, e, f = (g("beschreven_aard_zorg"), g("beschreven_omvang_zorg"), g("beschreven_duur_zorg"),
                         g("beschreven_doel_zorg"), g("beschreven_met_kind_en_ouder"))
        if a is False or b is False or c is False or e is False or f is False:
            n85 = N
        else:
            n85 = ONB if a is None or b is None or c is None or e is None or f is None else V
        x = g("kinderverpleegkundige_verantwoordelijk")
        n86 = V if x is True else N if x is False else ONB
        x = g("zorgteam_sluit_aan")
        n87 = V if x is True else N if x is False else ONB
        a, b, c, e, f = (g("kindzorg_samenwerking_kind_en_gezin"), g("kindzorg_samenwerking_zorgprofessional"),
                         g("kindzorg_samenwerking_gemeente"), g("kindzorg_samenwerking_onderwijs"),
                         g("kindzorg_samenwerking_verzekeraar"))
        if a is False or b is False or c is False or e is False or f is False:
            n88 = N
        else:
            n88 = ONB if a is None or b is None or c is None or e is None or f is None else V
        x = g("afspraken_gemeente_zelfredzaamheid")
        n89 = V if x is True else N if x is False else ONB
        x = g("kindzorg_goede_zorg")
        n90 = V if x is True else N if x is False else ONB
        x = g("kwaliteitseisen_binkz")
        n91 = V if x is True else N if x is False else ONB
        x = g("factsheet_knip_jeugdwet")
        n92 = V if x is True else N if x is False else ONB
        members = (n83, n84, n85, n86, n87, n88, n89, n90, n91, n92)
        n93 = N if N in members else ONB if ONB in members else V
    # ---------------------------------------------------------- bijlagen: casemanagement dementie
    x = g("diagnose_dementie_door")
    x143: bool | None = True
    if x is None or x == "niet vastgesteld":   # of (stoornissen en interferentie en afname en niet delier)
        a, b, c, e = (g("cognitieve_stoornissen"), g("interferentie_dagelijks_leven"), g("afname_functioneren"),
                      g("delier_of_depressie"))
        if a is False or b is False or c is False or e is True:
            y = False
        else:
            y = None if a is None or b is None or c is None or e is None else True
        x143 = True if y is True else None if x is None or y is None else False
    s143 = ONB if x143 is None else B
    dementie = g("levert_casemanagement_dementie")
    if dementie is False:
        n94 = n95 = n96 = n97 = n98 = n99 = n100 = n101 = n102 = n103 = n104 = n105 = n106 = n107 = n108 = n109 = NVT
    elif dementie is None:
        n94 = n95 = n97 = n98 = n99 = n100 = n101 = n102 = n103 = n104 = n105 = n106 = n107 = n108 = n109 = ONB
        n96 = NVT if g("inzet_dementieverpleegkundige") is False else ONB
    else:
        x = g("lid_dementie_netwerk")
        n94 = V if x is True else N if x is False else ONB
        x = g("ketencoordinatoren")
        n95 = ONB if x is None else V if x == 1 else N
        x = g("inzet_dementieverpleegkundige")
        if x is False:
            n96 = NVT
        elif x is None:
            n96 = ONB
        else:  # verwacht: its own status, not counted for the group
            y = g("expertiseprofiel_vvn")
            n96 = V if y is True else N if y is False else ONB
        a, b, c, e, f, h = (g("keten_ggz"), g("keten_ziekenhuizen"), g("keten_vvt"), g("keten_eerste_lijn"),
                            g("keten_sociaal_domein"), g("keten_gemeenten"))
        if a is False or b is False or c is False or e is False or f is False or h is False:
            n97 = N
        else:
            n97 = ONB if a is None or b is None or c is None or e is None or f is None or h is None else V
        x = g("convenant_keten")
        n98 = V if x is True else N if x is False else ONB
        x = g("bestuurlijk_aanspreekpunt")
        n99 = V if x is True else N if x is False else ONB
        a, b, c = g("zorgprogramma_keten"), g("werkafspraken_zorgprogramma"), g("verwijzing_en_overdracht")
        n100 = N if a is False or b is False or c is False else ONB if a is None or b is None or c is None else V
        x = g("zorgstandaard_dementie")
        n101 = V if x is True else N if x is False else ONB
        x = g("taken_netwerkpartners_vastgelegd")
        n102 = V if x is True else N if x is False else ONB
        a, b, c, e = g("pdca_cyclus_keten"), g("begroting_keten"), g("jaarplan_keten"), g("jaarverslag_keten")
        if a is False or b is False or c is False or e is False:
            n103 = N
        else:
            n103 = ONB if a is None or b is None or c is None or e is None else V
        a, b = g("evaluatie_keten"), g("uitkomsten_voor_optimalisatie")
        n104 = N if a is False or b is False else ONB if a is None or b is None else V
        x = g("personen_netwerkregie")
        n105 = ONB if x is None else V if x == 1 else N
        x = g("eenduidige_aansturing")
        n106 = V if x is True else N if x is False else ONB
        x = g("niet_concurrentieel")
        n107 = V if x is True else N if x is False else ONB
        x = g("informatie_voor_clienten")
        n108 = V if x is True else N if x is False else ONB
        members = (n94, n95, n97, n98, n99, n100, n101, n102, n103, n104, n105, n106, n107, n108)
        n109 = N if N in members else ONB if ONB in members else V
    # ---------------------------------------------------------- bijlagen: tariefsopslag 'Anders werken'
    x = g("vraagt_opslag_anders_werken")
    if x is False:
        n110 = n111 = n112 = n113 = NVT
    elif x is None:
        n110 = n111 = n112 = n113 = ONB
    else:
        a, b, c, e = (g("voorliggend_medicijndispenser"), g("voorliggend_aantrekhulpmiddel"),
                      g("voorliggend_oogdruppelbril"), g("voorliggend_klittenbandzwachtels"))
        if a is False or b is False or c is False or e is False:
            n110 = N
        else:
            n110 = ONB if a is None or b is None or c is None or e is None else V
        x, y = g("nieuwe_clienten_adviesgesprek"), g("nieuwe_clienten_in_zorg")
        n111 = ONB if x is None or y is None else V if x >= y else N
        a, b = g("ruimte_intercollegiaal_overleg"), g("ruimte_opleiding_bijscholing")
        n112 = N if a is False or b is False else ONB if a is None or b is None else V
        members = (n110, n111, n112)
        n113 = N if N in members else ONB if ONB in members else V
    # ---------------------------------------------------------- bijlagen: innovatiebudget
    x144 = None if x54 is None else True  # mag als overeenkomst is een van (alle vijf soorten)
    s144 = ONB if x144 is None else B
    x = g("vraagt_innovatiebudget")
    if x is False:
        n114 = n115 = n116 = n117 = n118 = n119 = NVT
    elif x is None:
        n114 = n115 = n116 = n117 = n118 = n119 = ONB
    else:
        n114 = (ONB if x54 is None else V if x54 == "plusovereenkomst" or x54 == "standaardovereenkomst"
                or x54 == CLIENTVOLGEND else N)
        x = g("aanvraag_innovatiebudget")
        n115 = ONB if x is None else V if x <= INNOVATIE else N
        x = g("aanvraag_past_in_aanspraak")
        n116 = V if x is True else N if x is False else ONB
        x = g("strijd_met_beroepsrichtlijnen")
        n117 = V if x is False else N if x is True else ONB
        x = g("bestaande_financiering")
        n118 = V if x is False else N if x is True else ONB
        members = (n114, n115, n116, n117, n118)
        n119 = N if N in members else ONB if ONB in members else V
    # ---------------------------------------------------------- bijlagen: thuiszorgtechnologie
    techniek = g("vraagt_thuiszorgtechnologie")
    if techniek is False:
        n120 = n121 = n122 = n123 = n124 = n125 = n126 = n127 = s145 = NVT
        x145 = None
    elif techniek is None:
        n120 = n121 = n122 = n123 = n124 = n125 = n126 = n127 = s145 = ONB
        x145 = None
    else:
        x = g("zorgtijd_in_aanvraag")
        n120 = V if x is False else N if x is True else ONB
        a, b, c = g("past_bij_zorgvraag"), g("past_bij_digitale_vaardigheden"), g("passend_alternatief")
        n121 = N if a is False or b is False or c is False else ONB if a is None or b is None or c is None else V
        x = g("structureel_in_zorgproces")
        n122 = V if x is True else N if x is False else ONB
        x = g("dubbele_financiering")
        n123 = V if x is False else N if x is True else ONB
        x = g("wet_van_technologie")
        n124 = ONB if x is None else V if x == "Zvw" else N
        x = g("past_bij_doelen_zorgplan")
        n125 = V if x is True else N if x is False else ONB
        x, y, z = g("uren_per_client_met"), g("uren_per_client_zonder"), g("productiviteit_verhoogd")
        y = None if x is None or y is None else x < y
        n126 = V if y is True or z is True else ONB if y is None or z is None else N
        members = (n120, n121, n122, n123, n124, n125, n126)
        n127 = N if N in members else ONB if ONB in members else V
        # bevoegdheid aanvullende_afspraken_technologie (same gate): businesscase en voldoet aan zorgtijd_integraal
        x = g("businesscase_nieuwe_toepassing")
        y = True if n120 is V else False if n120 is N else None
        x145 = False if x is False or y is False else None if x is None or y is None else True
        s145 = ONB if x145 is None else B
    # ---------------------------------------------------------- bijlagen: systeemfunctie onplanbare nachtzorg
    x, y = g("zorg_gepland"), g("zorgmoment")
    if type(y) is datetime:
        y = y.time()
        y = y >= ELF_UUR or y <= ZEVEN_UUR
    else:
        y = None
    x146 = False if x is True or y is False else None if x is None or y is None else True
    s146 = ONB if x146 is None else B
    x = g("levert_systeemfunctie_nachtzorg")
    if x is False:
        n128 = n129 = n130 = n131 = n132 = n133 = NVT
    elif x is None:
        n128 = n129 = n130 = n131 = n132 = n133 = ONB
    else:
        x = g("businesscase_met_preferente")
        n128 = V if x is True else N if x is False else ONB
        x = g("vergoeding_via_prestatie")
        n129 = V if x is True else N if x is False else ONB
        x = g("zorglevering_via_prestatie")
        n130 = V if x is False else N if x is True else ONB
        x = g("akkoord_schoning_tarieven")
        n131 = V if x is True else N if x is False else ONB
        x = g("afzonderlijke_kosten_vergoed")
        n132 = V if x is False else N if x is True else ONB
        members = (n128, n129, n130, n131, n132)
        n133 = N if N in members else ONB if ONB in members else V
    # ---------------------------------------------------------- termijnen
    bericht, compleet = g("bericht_ophoging"), g("aanvraag_compleet")
    if compleet is None:
        s92 = ONB
    elif bericht is None:
        s92 = ONB if peil is None else VZ if peil > compleet + DAYS_21 else NN
    else:
        s92 = NG if bericht < compleet or bericht > compleet + DAYS_21 else G
    if verhoogd is False:
        s93 = NVT
    else:
        x = g("ingang_verhoging")
        s93 = ONB if verhoogd is None or bericht is None or x is None else G if x >= bericht else NG
    start, end, day = INSCHRIJVING
    x = g("inschrijving")
    if x is None:
        s94 = ONB if peil is None or peil == day else VZ if peil > day else NN
    elif type(x) is datetime:
        s94 = NG if x.date() < start or x > end else G
    else:
        s94 = NG if x < start or x > day else ONB if x == day else G
    start, end, day = AANBOD
    x = g("aanbod_verzonden")
    if x is None:
        s95 = ONB if peil is None or peil == day else VZ if peil > day else NN
    elif type(x) is datetime:
        s95 = NG if x.date() < start or x > end else G
    else:
        s95 = NG if x < start or x > day else ONB if x == day else G
    start, end, day = REACTIE
    x = g("reactie_op_aanbod")
    if x is None:
        s96 = ONB if peil is None or peil == day else VZ if peil > day else NN
    elif type(x) is datetime:
        s96 = NG if x.date() < start or x >= end else G
    else:
        s96 = NG if x < start or x > day else ONB if x == day else G
    end, day = ACCEPTATIE
    x = g("overeenstemming")
    if x is None:
        s97 = ONB if peil is None or peil == day else VZ if peil > day else NN
    elif type(x) is datetime:
        s97 = NG if x > end else G
    else:
        s97 = NG if x > day else ONB if x == day else G
    start, end, day = AANMELDING_NIEUW
    x = g("aanmelding_nieuw")
    if x is None:
        s98 = ONB if peil is None or peil == day else VZ if peil > day else NN
    elif type(x) is datetime:
        s98 = NG if x.date() < start or x > end else G
    else:
        s98 = NG if x < start or x > day else ONB if x == day else G
    start, last = INSCHRIJVING_NIEUW
    x = g("inschrijving_voltooid")
    if x is None:
        s99 = ONB if peil is None else VZ if peil > last else NN
    else:
        x = x.date() if type(x) is datetime else x
        s99 = NG if x < start or x > last else G
    start, last = BESLUIT_NIEUW
    x = g("besluit_nieuw")
    if x is None:
        s100 = ONB if peil is None else VZ if peil > last else NN
    else:
        x = x.date() if type(x) is datetime else x
        s100 = NG if x < start or x > last else G
    x = g("shared_savings_afspraak")
    s101 = (ONB if peil is None else VZ if peil > SHARED else NN) if x is None else NG if x > SHARED else G
    x = g("aanvraag_innovatiebudget")
    s102 = (ONB if peil is None else VZ if peil > INNOVATIE else NN) if x is None else NG if x > INNOVATIE else G
    x = g("businesscase_preferent")
    s103 = (ONB if peil is None else VZ if peil > BC_PREFERENT else NN) if x is None else NG if x > BC_PREFERENT else G
    x = g("businesscase_niet_preferent")
    s104 = ((ONB if peil is None else VZ if peil > BC_NIET_PREFERENT else NN) if x is None
           else NG if x > BC_NIET_PREFERENT else G)
    x = g("publicatie_info_nachtzorg")
    s105 = (ONB if peil is None else VZ if peil > PUBLICATIE else NN) if x is None else NG if x > PUBLICATIE else G
    x = g("bekendmaking_zorgaanbod")
    s106 = ONB if x is None else G if x >= BEKENDMAKING else NG
    # ---------------------------------------------------------- IGJ, de afgelopen 3 jaar
    h = g("igj_handhavingsmaatregelen")
    if peil is None or h is None:
        s147, x147 = ONB, None
    else:
        y = peil.year
        a, b, c = h.get(y - 3), h.get(y - 2), h.get(y - 1)
        if (a is not None and a != 0) or (b is not None and b != 0) or (c is not None and c != 0):
            s147, x147 = B, False
        elif a is None or b is None or c is None:
            s147, x147 = ONB, None
        else:
            s147, x147 = B, True
    # ---------------------------------------------------------- wijziging van 23 oktober 2023
    if peil is None:
        s83 = s84 = s107 = s108 = s109 = ONB
        x83 = x84 = None
    elif peil < WIJZIGING:
        s83 = s107 = s108 = s109 = NVT
        s84, x83, x84 = B, None, NZA
    else:
        s83 = s84 = B
        x83, x84 = OPSLAG, PRIJSINDEX
        x = g("nieuw_aanbod_verzonden")
        if x is None:
            s107 = VZ if peil > NIEUW_AANBOD else NN
        else:
            s107 = NG if (x.date() if type(x) is datetime else x) > NIEUW_AANBOD else G
        start, end, day = REACTIE_NIEUW
        x = g("reactie_op_nieuw_aanbod")
        if x is None:
            s108 = ONB if peil == day else VZ if peil > day else NN
        elif type(x) is datetime:
            s108 = NG if x.date() < start or x >= end else G
        else:
            s108 = NG if x < start or x > day else ONB if x == day else G
        end, day = ACCEPTATIE
        x = g("acceptatie_nieuw_aanbod")
        if x is None:
            s109 = ONB if peil == day else VZ if peil > day else NN
        elif type(x) is datetime:
            s109 = NG if x >= end else G
        else:
            s109 = NG if x > day else ONB if x == day else G
    return ((s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, s11, s12, s13, s14, s15, s16, s17, s18, s19, s20, s21,
             s22, s23, s24, s25, s26, s27, s28, s29, s30, s31, s32, s33, s34, s35, s36, s37, s38, s39, s40, s41,
             s42, s43, s44, s45, s46, s47, s48, s49, s50, s51, s52, s53, s54, s55, s56, s57, s58, s59, s60, s61,
             s62, s63, s64, s65, s66, s67, s68, s69, s70, s71, s72, s73, s74, s75, s76, s77, s78, s79, s80, s81,
             s82, n83, n84, n85, n86, n87, n88, n89, n90, n91, n92, n93, n94, n95, n96, n97, n98, n99, n100,
             n101, n102, n103, n104, n105, n106, n107, n108, n109, n110, n111, n112, n113, n114, n115, n116, n117,
             n118, n119, n120, n121, n122, n123, n124, n125, n126, n127, n128, n129, n130, n131, n132, n133,
             s147, s83, s84, s85, s86, s87, s88, s89, s90, s142, s143, s144, s145, s146, s91, s92, s93, s94, s95, s96,
             s97, s98, s99, s100, s101, s102, s103, s104, s105, s106, s107, s108, s109),
            (None, None, None, None, None, None, None, None, None, None, None, None, None, None, None, None, None,
             None, None, None, None, None, None, None, None, None, None, None, None, None, None, None, None, None,
             None, None, None, None, None, None, None, None, None, None, None, None, None, None, None, None, None,
             None, None, None, x54, None, None, None, None, None, None, None, None, None, None, None, None, None,
             None, None, None, None, None, None, None, x75, None, None, None, None, x80, None, None, None, None, None,
             None, None, None, None, None, None, None, None, None, None, None, None, None, None, None, None, None,
             None, None, None, None, None, None, None, None, None, None, None, None, None, None, None, None, None,
             None, None, None, None, None, None, None, None, None, None, None, None, None, None, x147, x83, x84, x85, x86,
             x87, x88, x89, x90, x142, x143, x144, x145, x146, x91, None, None, None, None, None, None, None, None,
             None, None, None, None, None, None, None, None, None, None))
