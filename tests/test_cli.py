"""The `beleid` command: exit codes, Dutch output, no tracebacks for user mistakes."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from dsl.cli import main
from tests.conftest import POLICIES, WIJKVERPLEGING

CASE = POLICIES / "casussen/wijkverpleging_thuiszorg_noord.json"


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_controleer_ok(capsys):
    code, out, _ = run(capsys, "controleer", WIJKVERPLEGING)
    assert code == 0
    assert out.strip().endswith("in orde (213 gegevens, waarvan 18 oordelen, 116 eisen (waarvan 6 verwachtingen), "
                                "15 groepen, 2 beslissingen, 8 berekeningen, 8 bevoegdheden, 18 termijnen, "
                                "148 voorbeelden)")


def test_controleer_reports_errors_without_traceback(capsys, tmp_path):
    bad = tmp_path / "fout.beleid"
    bad.write_text('beleid "x"\ngegevens\n  omzet : bedrag\neisen g "G"\n  eis a "A" vereist omzt is 1\n')
    code, out, err = run(capsys, "controleer", bad)
    assert code == 1 and out == ""
    assert err.splitlines()[0] == f"{bad}:5:21: fout: onbekende naam 'omzt'"
    assert "Traceback" not in err


def test_controleer_missing_file(capsys):
    code, _, err = run(capsys, "controleer", "bestaat_niet.beleid")
    assert code == 1 and "kan het beleid niet lezen" in err


def test_evalueer_prints_explanation_with_sources(capsys):
    code, out, _ = run(capsys, "evalueer", WIJKVERPLEGING, "--casus", CASE)
    assert code == 0
    assert ("Voldoet niet: aandeel van de zorg geleverd door onderaannemers (DigiMV) is 41%, ten hoogste 33% is "
            "toegestaan (Bijlagen, Minimumeisen voor wijkverpleging; Norm voor onderaanneming).") in out
    assert 'overeenkomst: Soort overeenkomst wijkverpleging 2024  ["standaardovereenkomst"]' in out


def test_evalueer_ends_with_a_summary_of_counts_and_failures(capsys):
    _, out, _ = run(capsys, "evalueer", WIJKVERPLEGING, "--casus", CASE)
    last = out.rstrip().splitlines()[-4:]
    assert last[0] == ("Samenvatting: 116 eisen: 1 niet voldaan, 30 onbekend, 15 voldaan, 70 niet van toepassing; "
                       "18 termijnen: 1 niet gehaald, 7 verstreken zonder datum, 3 onbekend, 3 nog niet verstreken, "
                       "4 gehaald; 2 beslissingen: 1 onbekend, 1 bepaald; 8 berekeningen: 4 onbekend, 4 bepaald; "
                       "8 bevoegdheden: 1 mag, 2 niet van toepassing, 5 onbekend.")
    assert last[1] == "Niet voldaan: Maximaal 33% van de zorg door onderaannemers."
    # the one deadline whose date is known and late, apart from those whose date was not entered
    assert last[2] == "Niet gehaald: Mogelijkheid tot reageren op aanbod incl. extra tariefopslag."
    assert last[3].startswith("Verstreken zonder datum: Nieuwe zorgaanbieders: aanmelden voor een overeenkomst; ")
    assert last[3].endswith(" en 2 meer.")


def test_evalueer_json(capsys):
    code, out, _ = run(capsys, "evalueer", WIJKVERPLEGING, "--casus", CASE, "--json")
    data = json.loads(out)
    assert code == 0
    assert data["regels"]["onderaanneming"]["status"] == "niet voldaan"
    assert data["regels"]["overeenkomst"]["waarde"] == "standaardovereenkomst"
    assert data["uitleg"]["onderaanneming"].startswith("Voldoet niet:")


def test_evalueer_bad_case(capsys, tmp_path):
    case = tmp_path / "c.json"
    case.write_text(json.dumps({"omzet_2023": "veel", "omzetje": 1}))
    code, _, err = run(capsys, "evalueer", WIJKVERPLEGING, "--casus", case)
    assert code == 1
    assert "gegeven 'omzet_2023': 'veel' is geen bedrag" in err
    assert "onbekend gegeven 'omzetje' in de casus" in err


def test_evalueer_volledig_refuses_missing_facts(capsys):
    code, _, err = run(capsys, "evalueer", WIJKVERPLEGING, "--casus", CASE, "--volledig")
    assert code == 1 and "gegeven 'bestaande_zzp_overeenkomst' ontbreekt in de casus" in err


def test_test_command_summary(capsys, tmp_path):
    good = tmp_path / "goed.beleid"
    good.write_text('beleid "x" gegevens a : getal eisen g "G" eis e "E" vereist a is ten minste 1\n'
                    'voorbeeld "een" gegeven a = 1 verwacht e = voldaan\n'
                    'voorbeeld "nul" gegeven a = 0 verwacht e = voldaan\n')
    code, out, _ = run(capsys, "test", tmp_path)
    assert code == 1
    assert f'{good}:3: voorbeeld "nul" mislukt' in out
    assert f"{good}:3:40: e: verwacht voldaan, maar is niet voldaan" in out
    assert out.splitlines()[-1] == "2 voorbeelden in 1 bestand: 1 geslaagd, 1 mislukt"


def test_test_command_reads_files_not_folders_named_beleid(capsys, tmp_path):
    """A folder called `oud.beleid` is searched for policies, not counted as a broken one."""
    (tmp_path / "oud.beleid").mkdir()
    (tmp_path / "oud.beleid" / "ouder.beleid").write_text(
        'beleid "x" gegevens a : getal eisen g "G" eis e "E" vereist a is ten minste 1\n'
        'voorbeeld "een" gegeven a = 1 verwacht e = voldaan\n', encoding="utf-8")
    code, out, err = run(capsys, "test", tmp_path)
    assert (code, err) == (0, "")
    assert out.splitlines()[-1] == "1 voorbeeld in 1 bestand: 1 geslaagd, 0 mislukt"


def test_help_is_dutch(capsys):
    with pytest.raises(SystemExit):
        main(["evalueer", "--help"])
    out = capsys.readouterr().out
    assert out.startswith("gebruik: beleid evalueer")
    assert "--volledig" in out and "opties:" in out


def test_usage_errors_are_dutch(capsys):
    with pytest.raises(SystemExit) as info:
        main(["evalueer"])
    assert info.value.code == 2
    assert "beleid: fout: deze argumenten ontbreken: BESTAND" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["evalueer", "x.beleid"])
    assert "beleid: fout: geef een van deze argumenten: --casus --casussen" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["evalueer", "x.beleid", "--casus", "a.json", "--casussen", "b.csv"])
    assert "beleid: fout: argument --casussen: gaat niet samen met --casus" in capsys.readouterr().err


def test_console_script_runs():
    result = subprocess.run([sys.executable, "-m", "dsl.cli", "controleer", str(WIJKVERPLEGING)],
                            capture_output=True, text=True)
    assert result.returncode == 0 and "in orde" in result.stdout


def test_evalueer_what_if(capsys):
    code, out, _ = run(capsys, "evalueer", WIJKVERPLEGING, "--casus", CASE, "--diepte", "0", "--wat-als")
    assert code == 0
    what_if = out.split("Wat als — per regel")[1]
    # rules that need attention first, each with its nearest changes
    assert what_if.startswith(" de dichtstbijzijnde verandering van één gegeven die de uitkomst verandert:\n"
                              "  Maximaal 33% van de zorg door onderaannemers (onderaanneming) — nu niet voldaan\n"
                              "    • aandeel_onderaanneming 33% (nu 41%): voldaan\n"
                              "  Mogelijkheid tot reageren op aanbod incl. extra tariefopslag (t_reactie_nieuw) — nu niet "
                              "gehaald\n")
    assert "  Voldoet aan de Wtza (wtza) — nu voldaan\n    • voldoet_aan_wtza nee (nu ja): niet voldaan\n" in what_if


def test_evalueer_what_if_in_json_can_be_pasted_back(capsys, tmp_path):
    code, out, _ = run(capsys, "evalueer", WIJKVERPLEGING, "--casus", CASE, "--json", "--wat-als")
    assert code == 0
    found = json.loads(out)["wat_als"]
    first = next(s for s in found if s["regel"] == "onderaanneming")
    assert {k: first[k] for k in ("gegeven", "huidig", "nieuw", "nu", "wordt")} == \
        {"gegeven": "aandeel_onderaanneming", "huidig": "41%", "nieuw": "33%", "nu": "niet voldaan", "wordt": "voldaan"}
    case = json.loads(CASE.read_text(encoding="utf-8")) | {"aandeel_onderaanneming": first["nieuw"]}
    changed = tmp_path / "casus.json"
    changed.write_text(json.dumps(case), encoding="utf-8")
    _, out, _ = run(capsys, "evalueer", WIJKVERPLEGING, "--casus", changed, "--json")
    assert json.loads(out)["regels"]["onderaanneming"]["status"] == "voldaan"


def test_files_that_are_not_utf8_get_a_message_and_a_bom_is_accepted(capsys, tmp_path):
    latin = tmp_path / "latin1.beleid"
    latin.write_bytes('beleid "Coöperatie"\n'.encode("cp1252"))
    code, _, err = run(capsys, "controleer", latin)
    assert code == 1 and err.strip() == (f"{latin}: fout: kan het beleid niet lezen: het bestand is geen "
                                         "UTF-8-tekst (byte 0xf6 op regel 1); sla het op als UTF-8")
    bom = tmp_path / "bom.beleid"
    bom.write_bytes('\ufeffbeleid "Met BOM"\ngegevens\n  x : bedrag\n'.encode("utf-8"))
    code, out, _ = run(capsys, "controleer", bom)
    assert code == 0 and out.strip() == f"{bom}: in orde (1 gegeven, 0 voorbeelden)"
    folder = tmp_path / "map"
    folder.mkdir()
    (folder / "a.beleid").write_bytes(latin.read_bytes())
    (folder / "b.beleid").write_bytes(bom.read_bytes())
    code, out, err = run(capsys, "test", folder)
    assert code == 1 and "geen UTF-8-tekst" in err and "1 bestand met fouten" in out


def test_one_missing_fact_is_singular(capsys, tmp_path):
    policy = tmp_path / "p.beleid"
    policy.write_text('beleid "p"\ngegevens\n  x : bedrag\n  y : bedrag\n', encoding="utf-8")
    case = tmp_path / "c.json"
    case.write_text('{"x": 1}', encoding="utf-8")
    _, out, _ = run(capsys, "evalueer", policy, "--casus", case)
    assert "1 gegeven ontbreekt in de casus en is onbekend: y" in out


def test_depth_must_be_a_whole_number_of_at_least_zero(capsys):
    with pytest.raises(SystemExit) as info:
        main(["evalueer", str(WIJKVERPLEGING), "--casus", str(CASE), "--diepte", "-1"])
    assert info.value.code == 2
    assert "beleid: fout: argument --diepte: -1 is negatief; geef 0 of meer" in capsys.readouterr().err


def test_validity_that_ends_before_it_begins_is_an_error(capsys, tmp_path):
    bad = tmp_path / "g.beleid"
    bad.write_text('beleid "x"\n  geldig van 31 december 2024 tot en met 1 januari 2024\ngegevens\n  a : bedrag\n',
                   encoding="utf-8")
    code, _, err = run(capsys, "controleer", bad)
    assert code == 1 and err.splitlines()[0] == f"{bad}:2:14: fout: de geldigheid begint na haar einde"


def test_report_into_a_missing_folder_names_the_folder(capsys, tmp_path):
    code, _, err = run(capsys, "verschil", WIJKVERPLEGING, WIJKVERPLEGING, "--rapport", tmp_path / "nee" / "r.md")
    assert code == 1 and err.strip().endswith("r.md: de map bestaat niet")


def test_json_durations_carry_their_unit_and_missing_values_their_status(capsys, tmp_path):
    policy = tmp_path / "d.beleid"
    policy.write_text('beleid "d"\ngegevens\n  n : aantal\nberekening drie_uur "Drie uur" = 3 uur\n'
                      'beslissing b "B" (uniek)\n  als n is groter dan 5 dan "x"\n', encoding="utf-8")
    case = tmp_path / "c.json"
    case.write_text('{"n": 1}', encoding="utf-8")
    _, out, _ = run(capsys, "evalueer", policy, "--casus", case, "--json")
    rules = json.loads(out)["regels"]
    assert (rules["drie_uur"]["waarde"], rules["drie_uur"]["eenheid"], rules["drie_uur"]["waarde_tekst"]) == (
        10800, "seconden", "3 uur")
    assert (rules["b"]["status"], rules["b"]["waarde"], rules["b"]["waarde_tekst"]) == ("geen uitkomst", None,
                                                                                         "geen uitkomst")


def test_difference_witness_is_in_whole_declared_units(capsys, tmp_path):
    text = ('beleid "du"\ngegevens\n  aanrijtijd : duur in minuten\n'
            'eisen g "G"\n  eis snel "Snel" vereist aanrijtijd is ten hoogste 15 minuten\n')
    old, new = tmp_path / "oud.beleid", tmp_path / "nieuw.beleid"
    old.write_text(text, encoding="utf-8")
    new.write_text(text.replace("15 minuten", "30 minuten"), encoding="utf-8")
    code, out, _ = run(capsys, "verschil", old, new, "--zoek-voorbeelden", "20")
    # minimised to the new bound, in the unit the policy declares (not 1800 seconden)
    assert code == 1 and "snel | niet voldaan | voldaan | aanrijtijd = 30 minuten | exact" in out
