"""Traceability to the text: `citaat` on rules and rows reaches the core model, the checker refuses
a quote where none belongs, and `beleid bronnen` finds every quote of a shipped policy in its
document (policies/documenten/), reports a stale quote at its place with the closest passage, and
lists the rule-bearing sentences no quote covers."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from dsl.analysis.sources import find, normalise, trace
from dsl.cli import build_parser, main
from dsl.core.model import Decision
from dsl.errors import BeleidError
from dsl.policy import compile_text, load_policy

ROOT = Path(__file__).resolve().parent.parent
POLICY = ROOT / "policies" / "wijkverpleging_2024.beleid"
DOCUMENT = ROOT / "policies" / "documenten" / "004_b7e27ce9eed9520c.txt"
DOCUMENT_TEXT = DOCUMENT.read_text(encoding="utf-8")

SMALL = """beleid "Onderaanneming"
gegevens
  aandeel : percentage
  omzet : bedrag
eisen normen "Normen"
  citaat "Norm voor onderaanneming"
  eis onderaanneming "Ten hoogste 33%"
    citaat "maximaal 33% van de zorg door onderaannemers is geleverd."
    citaat "De zorgaanbieder is passend verzekerd"
    vereist aandeel is ten hoogste 33%
beslissing soort "Soort" (eerste treffer)
  als omzet is kleiner dan € 250.000 dan "klein"
    citaat "Bij een te verwachten omzet kleiner dan € 250.000 in 2023 krijgt de zorgaanbieder altijd een cliëntvolgende overeenkomst."
  anders "groot"
"""


# ---------------------------------------------------------------- the language
def test_quotes_reach_the_core_model_on_rules_and_rows():
    model = compile_text(SMALL).model
    assert model.rules["onderaanneming"].quotes == (
        "maximaal 33% van de zorg door onderaannemers is geleverd.", "De zorgaanbieder is passend verzekerd")
    assert [s.line for s in model.rules["onderaanneming"].quote_spans] == [8, 9]
    assert model.rules["normen"].quotes == ("Norm voor onderaanneming",)   # the group's own, not inherited
    decision = model.rules["soort"]
    assert isinstance(decision, Decision)
    assert decision.quotes == ()
    assert decision.rows[0].quotes[0].startswith("Bij een te verwachten omzet kleiner dan € 250.000")
    assert decision.otherwise is not None and decision.otherwise.quotes == ()


def test_the_shipped_policy_carries_its_quotes_into_the_model():
    model = load_policy(POLICY).model
    assert model.rules["onderaanneming"].quotes[0].startswith("Dit betekent dat uit de laatst bekende gegevens")
    assert "maximaal € 250.000" in model.rules["plafond_clientvolgend"].quotes[0]


@pytest.mark.parametrize(("text", "place", "message"), [
    ('beleid "T"\n  citaat "kop"\ngegevens\n  x : ja/nee\n', (2, 3),
     "een citaat hoort bij een regel, niet bij de kop van het beleid"),
    ('beleid "T"\ngegevens\n  x : ja/nee\neisen g "G"\n  eis a "A"\n    citaat "   "\n    vereist x\n', (6, 5),
     "het citaat is leeg"),
    ('beleid "T"\ngegevens\n  x : ja/nee\neisen g "G"\n  eis a "A" vereist x\n'
     'voorbeeld "v"\n  citaat "zin"\n  gegeven x = ja\n  verwacht a = voldaan\n', (7, 3),
     "een voorbeeld codeert geen zin van het document en heeft geen citaat"),
    ('beleid "T"\ngegevens\n  x : bedrag\nberekening b "B" = x\n  citaat "zin"\n', (5, 3), "onverwacht 'citaat' hier"),
])
def test_a_misplaced_or_empty_quote_is_a_dutch_error_at_its_place(text, place, message):
    with pytest.raises(BeleidError) as err:
        compile_text(text, "q.beleid")
    rendered = err.value.render()
    assert f"q.beleid:{place[0]}:{place[1]}: fout: {message}" in rendered


# ---------------------------------------------------------------- matching
def test_normalising_joins_hyphenated_line_breaks_spaces_quotes_and_dashes():
    key, origin = normalise("De zorg-\naanbieder levert ‘anders\n werken’ – 30 - 45 km")
    assert find("De zorgaanbieder levert 'anders werken' — 30-45 km", key) is not None
    assert find("De zorg- aanbieder levert", key) is not None
    assert find("De zorgverlener levert", key) is None
    assert origin[0] == 0 and len(origin) == len(key)


def test_a_quote_with_an_ellipsis_matches_its_parts_in_order():
    key, _ = normalise(DOCUMENT_TEXT)
    assert find("De zorgaanbieder neemt contact op met de zorginkoper ... niet toereikend is voor dat jaar.", key)
    assert find("niet toereikend is voor dat jaar ... De zorgaanbieder neemt contact op", key) is None


def test_a_sentence_broken_over_lines_and_hyphenated_in_the_document_is_found():
    # 004 line 88-89: "de verplaatsing van tweedelijns-\nzorg naar de eerste lijn"
    assert "tweedelijns-\nzorg" in DOCUMENT_TEXT
    result = trace(compile_text(SMALL.replace(
        'citaat "Norm voor onderaanneming"',
        'citaat "de verplaatsing van tweedelijnszorg naar de eerste lijn"')), DOCUMENT_TEXT, "004.txt")
    quote = next(q for q in result.quotes if q.rule == "normen")
    assert quote.found and quote.line == 88


# ---------------------------------------------------------------- the trace of document 004
def test_a_stale_quote_is_reported_at_its_place_with_the_closest_passage():
    stale = SMALL.replace("maximaal 33% van de zorg door onderaannemers is geleverd.",
                          "maximaal 35% van de zorg door onderaannemers is geleverd.")
    result = trace(compile_text(stale, "klein.beleid"), DOCUMENT_TEXT, "004.txt")
    assert [(q.rule, q.span.line, q.span.column) for q in result.stale] == [("onderaanneming", 8, 5)]
    quote = result.stale[0]
    assert "maximaal 33% van de zorg door onderaannemers is geleverd" in (quote.suggestion or "")
    assert quote.suggestion_line == 955


def test_quotes_mark_their_sentences_cited_and_the_others_stay_uncited():
    result = trace(load_policy(POLICY), DOCUMENT_TEXT, "004.txt")
    assert result.quotes and not result.stale
    uncited = {s.passage.text for s in result.uncited}
    # "de afgelopen 3 jaar, en momenteel": a history and the present, not encoded (geen_handhaving_igj
    # cites the one "de afgelopen 3 jaar" sentence that is encoded, over a value per year)
    assert "- De zorgaanbieder heeft de afgelopen 3 jaar geen handhavingsmaatregelen ontvangen van de IGJ." not in uncited
    assert any(t.startswith("- De zorgaanbieder heeft de afgelopen 3 jaar, en momenteel,") for t in uncited)
    cited = {s.passage.text: s.cited_by for s in result.sentences if s.cited_by}
    fte = "• Bij de organisatie is er minimaal 1 fte indicerend wijkverpleegkundige niveau 6 in loondienst."
    assert fte not in uncited and cited[fte] == ["fte_niveau_6"]
    row = next(k for k in cited if k.startswith("Bij een te verwachten omzet kleiner dan € 250.000"))
    assert cited[row] == ["overeenkomst (rij 2)", "bekend gat in overeenkomst"]   # the row and the record of its gap


def test_a_rule_bearing_sentence_needs_a_marker_and_voor_counts_only_as_a_deadline():
    result = trace(compile_text(SMALL), DOCUMENT_TEXT, "004.txt")
    texts = {s.passage.text: s.markers for s in result.sentences}
    assert texts["Accepteert u het nieuwe aanbod niet vóór 22 december 2023 17.00 uur?"] == ("tijdstip", "voor")
    assert not any(t.startswith("Norm voor onderaanneming") for t in texts)   # "voor" as a plain word


# ---------------------------------------------------------------- the command
def test_bronnen_on_the_shipped_policy_exits_0_with_the_matrix(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    code = main(["bronnen", "policies/wijkverpleging_2024.beleid", "--document",
                 "policies/documenten/004_b7e27ce9eed9520c.txt"])
    out = capsys.readouterr().out
    assert code == 0
    assert "Verouderde citaten" not in out
    assert re.search(r"citaten: (\d+), waarvan \1 gevonden en 0 verouderd", out)
    assert "policies/documenten/004_b7e27ce9eed9520c.txt:1018: - De zorgaanbieder heeft de afgelopen 3 jaar, en momenteel" in out
    assert "    Norm voor onderaanneming" in out


def test_bronnen_with_a_stale_quote_exits_1_and_says_where(tmp_path, capsys):
    policy = tmp_path / "klein.beleid"
    policy.write_text(SMALL.replace("passend verzekerd", "passend verzekert"), encoding="utf-8")
    code = main(["bronnen", str(policy), "--document", str(DOCUMENT), "--json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 1
    assert data["samenvatting"]["verouderd"] == 1
    stale = [q for q in data["citaten"] if not q["gevonden"]]
    assert stale[0]["plaats"] == [9, 5]
    assert stale[0]["bedoeld"]["tekst"].startswith("De zorgaanbieder is passend verzekerd")


def test_bronnen_against_another_document_asks_whether_it_is_the_right_one(tmp_path, capsys):
    """Most quotes missing means the wrong document or version, more likely than stale quotes; the
    report says so first. One stale quote of four does not."""
    policy = tmp_path / "klein.beleid"
    policy.write_text(SMALL, encoding="utf-8")
    other = ROOT / "policies" / "documenten" / "000_11686c1b2f080821.txt"
    asked = []
    trace(load_policy(policy), other.read_text(encoding="utf-8"), "000.txt",
          progress=lambda i, total, owner: asked.append((i, total, owner)))
    assert asked == [(0, 4, "normen"), (1, 4, "onderaanneming"), (2, 4, "onderaanneming"),
                     (3, 4, "soort (rij 1)")]
    assert main(["bronnen", str(policy), "--document", str(other)]) == 1
    out = capsys.readouterr().out
    assert out.splitlines()[2] == ("Let op: 4 van de 4 citaten staan niet in dit document. Is het het document "
                                   "(en de versie) waaruit het beleid citeert?")
    policy.write_text(SMALL.replace("passend verzekerd", "passend verzekert"), encoding="utf-8")
    assert main(["bronnen", str(policy), "--document", str(DOCUMENT)]) == 1
    assert "Let op" not in capsys.readouterr().out


def test_a_missing_document_option_is_a_usage_error_in_dutch(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["bronnen", str(POLICY)])
    assert caught.value.code == 2
    assert "beleid: fout: deze argumenten ontbreken: --document" in capsys.readouterr().err


@pytest.mark.parametrize(("document", "message"), [
    ("bestaat/niet.txt", "kan het document bestaat/niet.txt niet lezen: het bestand bestaat niet"),
    ("policies", "kan het document policies niet lezen: dit is een map, geen bestand"),
])
def test_a_document_that_cannot_be_read_gives_exit_2_and_a_dutch_message(document, message, capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    assert main(["bronnen", "policies/wijkverpleging_2024.beleid", "--document", document]) == 2
    assert message in capsys.readouterr().err


def test_a_document_that_is_not_utf8_is_refused_in_dutch(tmp_path, capsys):
    document = tmp_path / "doc.txt"
    document.write_bytes(b"Zorg \xe9\xe9n keer\n")
    assert main(["bronnen", str(POLICY), "--document", str(document)]) == 2
    assert "is geen UTF-8-tekst (byte 0xe9 op regel 1)" in capsys.readouterr().err


def test_every_option_of_bronnen_is_documented():
    doc = (ROOT / "docs" / "opdrachtregel.md").read_text(encoding="utf-8")
    commands = next(a for a in build_parser()._actions if a.dest == "command").choices
    assert isinstance(commands, dict)
    sub = commands["bronnen"]
    options = {o for a in sub._actions for o in a.option_strings if o.startswith("--") and o != "--help"}
    assert options == {"--document", "--json"}
    assert all(f"`{o}" in doc for o in options)
    assert "## `beleid bronnen BELEID --document TEKST`" in doc
