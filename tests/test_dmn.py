"""DMN import and `beleid dmn test`: FEEL translation, the imported policy's outcomes per hit
policy and per null semantics, the TCK runner, and the Dutch messages for what cannot be imported."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from dsl.cli import main
from dsl.dmn import feel
from dsl.dmn.importer import NullChoice, import_model
from dsl.dmn.xml import parse_dmn, read_dmn
from dsl.errors import BeleidError
from dsl.policy import compile_text

DATA = Path(__file__).parent / "data" / "dmn"
MODEL = DATA / "tarief.dmn"
TESTS = DATA / "tarief-test.xml"


def _rename(name: str) -> str:
    return name.replace(" ", "_").lower()


@pytest.mark.parametrize(("cell", "expected"), [
    ("-", None),
    ("", None),
    ("< 5", "x is kleiner dan 5"),
    ("<=5.5", "x is ten hoogste 5,5"),
    ("> -3", "x is groter dan -3"),
    (">= 18", "x is ten minste 18"),
    ("18", "x is 18"),
    ('"Low"', 'x is "Low"'),
    ('"Medium","Low"', 'x is een van "Medium", "Low"'),
    ('not("High")', 'x is geen van "High"'),
    ("not(< 5)", "niet (x is kleiner dan 5)"),
    ("[1..10]", "x ligt van 1 tot en met 10"),
    ("[1..10)", "x ligt van 1 tot 10"),
    ("(1..10]", "x is groter dan 1 en x is ten hoogste 10"),
    ("]1..10[", "x is groter dan 1 en x is kleiner dan 10"),
    ("< 5, > 10", "(x is kleiner dan 5 of x is groter dan 10)"),
    ("true", "x is ja"),
    ('>= date("2024-01-01")', "x is ten minste 2024-01-01"),
    ('date and time("2024-01-01T10:30:00")', "x is 2024-01-01 10:30"),
    ("Other Input", "x is other_input"),
    ('"zeg \\"ja\\""', 'x is "zeg \\"ja\\""'),
    ("null", "x is onbekend"),
    ('null, "a"', '(x is onbekend of x is "a")'),
    ("not(null)", "x is bekend"),
])
def test_feel_unary_tests_in_beleidstaal(cell, expected):
    assert feel.render_tests(feel.parse_tests(cell, ["Other Input"]), "x", _rename) == expected


@pytest.mark.parametrize(("cell", "expected"), [
    ("-", None),
    ("< 5", "x is bekend en x is kleiner dan 5"),                     # FEEL: null < 5 is null
    ('"a","b"', 'x is bekend en x is een van "a", "b"'),               # null = "a" is false
    ("[1..10)", "x is bekend en x ligt van 1 tot 10"),
    ("< 5, > 10", "x is bekend en (x is kleiner dan 5 of x is groter dan 10)"),
    ('not("a")', '(x is onbekend of x is geen van "a")'),            # not(false) holds for null
    ("not(< 5)", "x is bekend en niet (x is kleiner dan 5)"),         # not(null) is null
    ("!= 5", "(x is onbekend of x is niet 5)"),                      # null != 5 is true
    ("null", "x is onbekend"),
    ("null, < 5", "(x is onbekend of x is kleiner dan 5)"),
    ("not(null)", "x is bekend"),
])
def test_feel_cells_with_dmns_meaning_of_a_missing_input(cell, expected):
    assert feel.guarded_tests(feel.parse_tests(cell, ()), "x", _rename) == expected


@pytest.mark.parametrize(("cell", "reason"), [
    ("? > 5", "een test met '?' (willekeurige FEEL)"),
    ("count(x) > 2", "de FEEL-functie 'count'"),
    ("Applicant.Age", "gestructureerde invoer ('Applicant.…')"),
    ('time("10:00:00")', "een tijd van de dag (time)"),
    ('duration("P1D")', "een duur (duration)"),
    ('< "b"', "teksten ordenen met <, >, <= of >= (Beleidstaal vergelijkt teksten alleen op gelijkheid)"),
    ('date("2024-02-30")', 'de ongeldige datum "2024-02-30"'),
])
def test_feel_beyond_the_language_names_what_is_missing(cell, reason):
    with pytest.raises(feel.FeelUnsupported) as caught:
        feel.render_tests(feel.parse_tests(cell, ()), "x", _rename)
    assert caught.value.reason == reason


@pytest.mark.parametrize(("text", "expected"), [
    ("Monthly Salary * 12", "monthly_salary * 12"),
    ("(a + b) * 2", "(a + b) * 2"),
    ("a - (b - c)", "a - (b - c)"),
    ("-a / 2", "-a / 2"),
    ("a > 5 and not(b = 1)", "a is groter dan 5 en niet (b is 1)"),
    ('"tekst"', '"tekst"'),
])
def test_feel_simple_expressions_in_beleidstaal(text, expected):
    value = feel.parse_expression(text, ["Monthly Salary", "a", "b", "c"])
    assert feel.render_value(value, _rename) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("a ** 2", "a tot de macht 2"),
    ("-a ** 2", "-a tot de macht 2"),              # the minus applies to the power, in both languages
    ("(-2) ** 2", "(-2) tot de macht 2"),
    ("a * b ** 2", "a * b tot de macht 2"),
    ("(a * b) ** 2", "(a * b) tot de macht 2"),
    ("a ** b ** 2", "a tot de macht b tot de macht 2"),   # from the right
])
def test_feel_power_is_tot_de_macht(text, expected):
    assert feel.render_value(feel.parse_expression(text, ["a", "b"]), _rename) == expected


def test_a_power_means_the_same_after_import():
    policy = compile_text('beleid "p"\ngegevens\n  a : getal\n  b : getal\nberekening x = ' +
                          feel.render_value(feel.parse_expression("-a ** 2 + (a * b) ** 2", ["a", "b"]), _rename)
                          + "\n", "p.beleid")
    assert policy.evaluate({"a": 3, "b": 2}).value("x") == Decimal(-9 + 36)


# ---------------------------------------------------------------- the imported policy

@pytest.fixture(scope="module")
def imported():
    return import_model(read_dmn(MODEL))


@pytest.fixture(scope="module")
def policy(imported):
    return compile_text(imported.text, "tarief.beleid")


def test_import_is_readable_beleidstaal_with_the_name_mapping(imported):
    text = imported.text
    assert '#   soort_overeenkomst = "Soort overeenkomst"' in text
    assert 'soort_aanbieder   : keuze uit "instelling", "zzp", "eenmanszaak" "Soort aanbieder"' in text
    assert 'beslissing soort_overeenkomst "Soort overeenkomst" (eerste treffer)' in text
    assert ('  als soort_aanbieder is bekend en soort_aanbieder is een van "zzp", "eenmanszaak" en '
            'bestaand_contract is bekend en bestaand_contract is ja dan "zzp-overeenkomst"   bron "Hoofdstuk 3.1"') in text
    assert '  anders "standaardovereenkomst"' in text
    assert ("  als (soort_overeenkomst is onbekend of soort_overeenkomst is geen van \"zzp-overeenkomst\") en "
            "omzet_2023 is bekend en omzet_2023 is groter dan 100000 en omzet_2023 is ten hoogste 1000000 dan "
            "omzet_2023 / 10000") in text
    assert "#   soort_overeenkomst: als in DMN (--null dmn)" in text and "#   tarief: als in DMN (--null dmn)" in text
    assert 'berekening bonus "Bonus" = tarief * 2' in text
    assert imported.inputs["Omzet 2023"] == "omzet_2023" and imported.decisions["Tarief"] == "tarief"


def _case(**values):
    base = {"soort_aanbieder": "instelling", "bestaand_contract": False, "omzet_2023": Decimal(120000),
            "start_datum": "2024-02-01"}
    base.update(values)
    return base


def test_first_hit_takes_the_first_rule_that_holds(policy):
    outcome = policy.evaluate(_case(soort_aanbieder="zzp", bestaand_contract=True))
    assert outcome.value("soort_overeenkomst") == "zzp-overeenkomst"   # rule 2 holds too
    assert outcome.value("tarief") == 50 and outcome.value("bonus") == 100


def test_first_hit_rule_of_only_dashes_is_anders(policy):
    outcome = policy.evaluate(_case(omzet_2023=Decimal(250000)))
    assert outcome.value("soort_overeenkomst") == "standaardovereenkomst"
    assert outcome["soort_overeenkomst"].row == 3


def test_unique_overlap_is_meerdere_regels(policy):
    outcome = policy.evaluate(_case(omzet_2023=Decimal(950000)))
    assert str(outcome.status("tarief")) == "meerdere regels" and outcome.value("tarief") is None


def test_unique_default_output_is_anders(policy):
    outcome = policy.evaluate(_case(omzet_2023=Decimal(-5)))
    assert outcome.value("tarief") == 0


def test_unique_single_rule_gives_its_expression(policy):
    assert policy.evaluate(_case(omzet_2023=Decimal(123456))).value("tarief") == Decimal("12.3456")


def test_null_semantics_false_and_missing_is_no_match_in_both(policy):
    outcome = policy.evaluate({"soort_aanbieder": "instelling", "omzet_2023": Decimal(120000)})
    assert outcome.value("soort_overeenkomst") == "cliëntvolgende overeenkomst"


@pytest.fixture(scope="module")
def beleidstaal_policy():
    """The same model imported with Beleidstaal's meaning of a missing input (`--null beleidstaal`)."""
    imported = import_model(read_dmn(MODEL), nulls=NullChoice("beleidstaal"))
    assert imported.nulls == {"soort_overeenkomst": "beleidstaal", "tarief": "beleidstaal"}
    return compile_text(imported.text, "tarief-beleidstaal.beleid")


def test_null_semantics_dmn_skips_a_row_that_tests_a_missing_input(policy):
    """DMN's meaning, the default of an import: rule 1 tests the missing soort_aanbieder, so it
    does not apply and rule 2 gives the answer."""
    outcome = policy.evaluate({"bestaand_contract": True, "omzet_2023": Decimal(120000)})
    assert outcome.value("soort_overeenkomst") == "cliëntvolgende overeenkomst"
    assert outcome["soort_overeenkomst"].row == 1


def test_null_semantics_beleidstaal_makes_the_decision_onbekend(beleidstaal_policy):
    """Beleidstaal's meaning, chosen on import: the row on the missing input is onbekend, and a
    decision never falls through an onbekend row."""
    outcome = beleidstaal_policy.evaluate({"bestaand_contract": True, "omzet_2023": Decimal(120000)})
    assert str(outcome.status("soort_overeenkomst")) == "onbekend"


def test_null_semantics_where_every_input_is_given_the_two_agree(policy, beleidstaal_policy):
    for case in (_case(), _case(soort_aanbieder="zzp", bestaand_contract=True), _case(omzet_2023=Decimal(950000)),
                 _case(omzet_2023=Decimal(-5)), _case(start_datum="2023-06-01", omzet_2023=Decimal(300000))):
        one, two = policy.evaluate(case), beleidstaal_policy.evaluate(case)
        assert [(one.status(n), one.value(n)) for n in ("soort_overeenkomst", "tarief", "bonus")] == \
            [(two.status(n), two.value(n)) for n in ("soort_overeenkomst", "tarief", "bonus")], case


def test_null_semantics_a_not_cell_holds_for_a_missing_input_as_in_feel(policy):
    """`not("zzp-overeenkomst")` holds for null in FEEL (null = "zzp-overeenkomst" is false): the
    tarief table reads a soort_overeenkomst that no row gave (its one rule tests the missing soort)."""
    imported = import_model(parse_dmn(_only_rules("r1", "t1", "t2", "t3", "t4")))
    outcome = compile_text(imported.text).evaluate({"omzet_2023": Decimal(50000)})
    assert str(outcome.status("soort_overeenkomst")) == "geen uitkomst"
    assert outcome.value("tarief") == Decimal("48.5")


def test_null_semantics_is_chosen_per_table():
    imported = import_model(read_dmn(MODEL), nulls=NullChoice("dmn", {"Tarief": "beleidstaal"}))
    assert imported.nulls == {"soort_overeenkomst": "dmn", "tarief": "beleidstaal"}
    assert "#   tarief: als in Beleidstaal (--null beleidstaal)" in imported.text
    assert '  als soort_overeenkomst is "zzp-overeenkomst" dan 50' in imported.text
    by_name = import_model(read_dmn(MODEL), nulls=NullChoice("beleidstaal", {"soort_overeenkomst": "dmn"}))
    assert by_name.nulls == imported.nulls and by_name.text == imported.text


def test_null_semantics_of_a_table_the_model_lacks_is_refused():
    with pytest.raises(BeleidError) as caught:
        import_model(read_dmn(MODEL), nulls=NullChoice("dmn", {"Bonus": "beleidstaal"}))
    assert "'Bonus' is geen beslistabel van het model (de beslistabellen: soort_overeenkomst, tarief)" in str(caught.value)


def test_dash_cells_do_not_read_the_input(policy, beleidstaal_policy):
    outcome = beleidstaal_policy.evaluate({"soort_aanbieder": "instelling", "bestaand_contract": False})
    assert str(outcome.status("soort_overeenkomst")) == "onbekend"   # omzet is tested by rule 2
    outcome = policy.evaluate({"soort_aanbieder": "instelling", "bestaand_contract": False})
    assert outcome.value("soort_overeenkomst") == "standaardovereenkomst"   # rules 2 and 3 do not apply
    partial = compile_text(import_model(parse_dmn(_only_first_rule()), nulls=NullChoice("beleidstaal")).text)
    assert partial.evaluate({"soort_aanbieder": "zzp", "bestaand_contract": True}).value("soort_overeenkomst") \
        == "zzp-overeenkomst"


def _only_first_rule() -> str:
    text = MODEL.read_text(encoding="utf-8")
    start, end = text.index('<rule id="r2">'), text.index('<rule id="r4">')
    return text[:start] + text[end:]


def _only_rules(*kept: str) -> str:
    """The model with only the rules `kept` (by id) in its tables."""
    text = MODEL.read_text(encoding="utf-8")
    for rule in re.findall(r'<rule id="(\w+)">', text):
        if rule not in kept:
            start = text.index(f'<rule id="{rule}">')
            text = text[:start] + text[text.index("</rule>", start) + len("</rule>"):]
    return text


@pytest.mark.parametrize("namespace", [
    "http://www.omg.org/spec/DMN/20151101/dmn.xsd", "http://www.omg.org/spec/DMN/20180521/MODEL/",
    "https://www.omg.org/spec/DMN/20191111/MODEL/", "https://www.omg.org/spec/DMN/20211108/MODEL/",
    "https://www.omg.org/spec/DMN/20230324/MODEL/"])
def test_every_dmn_version_imports_alike(namespace, imported):
    text = MODEL.read_text(encoding="utf-8").replace("https://www.omg.org/spec/DMN/20191111/MODEL/", namespace)
    model = parse_dmn(text, "tarief.dmn")
    assert import_model(model).text.split("beleid ", 1)[1] == imported.text.split("beleid ", 1)[1]


# ---------------------------------------------------------------- what cannot be imported

UNSUPPORTED = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20230324/MODEL/" id="m" name="m" namespace="urn:m">
  <inputData id="a" name="A"><variable name="A" typeRef="number"/></inputData>
  <businessKnowledgeModel id="bkm1" name="Korting"/>
  <decision id="som" name="Toeslagen">
    <decisionTable id="som_tabel" hitPolicy="COLLECT" aggregation="AVG">
      <input id="i1"><inputExpression><text>A</text></inputExpression></input>
      <output id="o1"/>
      <rule id="s1"><inputEntry><text>&gt; 1</text></inputEntry><outputEntry><text>5</text></outputEntry></rule>
    </decisionTable>
  </decision>
  <decision id="twee" name="Twee">
    <decisionTable id="twee_tabel" hitPolicy="UNIQUE">
      <input id="i2"><inputExpression><text>A</text></inputExpression></input>
      <output id="o2" name="x"/><output id="o3"/>
      <rule id="t1"><inputEntry><text>"a"</text></inputEntry>
        <outputEntry><text>1</text></outputEntry><outputEntry><text>2</text></outputEntry></rule>
    </decisionTable>
  </decision>
  <decision id="ctx" name="Context"><context id="c1"/></decision>
</definitions>
"""


def test_what_cannot_be_imported_is_named_per_element():
    with pytest.raises(BeleidError) as caught:
        import_model(parse_dmn(UNSUPPORTED, "m.dmn"))
    messages = [(d.span.line if d.span else 0, d.message) for d in caught.value.diagnostics]
    assert messages == [
        (4, "business knowledge model 'Korting' (id bkm1): niet te importeren: een business knowledge model "
            "(herbruikbare functie); Beleidstaal kent nog geen functies"),
        (6, "beslistabel 'Toeslagen' (id som_tabel): niet te importeren: de hit policy COLLECT AVG (onbekend in "
            "DMN)"),
        (15, "uitvoerkolom 'Twee' (id o3): niet te importeren: een uitvoerkolom zonder naam in een tabel met "
             "meerdere uitkomsten"),
        (20, "boxed context 'Context' (id c1): niet te importeren: een boxed context als beslislogica (Beleidstaal "
             "kent alleen beslistabellen en enkelvoudige uitdrukkingen)"),
    ]


@pytest.mark.parametrize(("text", "message"), [
    ("", "1:1: fout: geen geldige XML: het bestand bevat geen XML-element (leeg of afgebroken)"),
    ("<definitions", "1:1: fout: geen geldige XML: een XML-element is niet afgesloten"),
    ("<a><b></a>", "1:9: fout: geen geldige XML: de sluittag past niet bij de openingstag"),
    ('<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY a "aaaa">]>\n<x>&a;</x>',
     "2:1: fout: een DTD (<!DOCTYPE ...>) hoort niet in een DMN-bestand en wordt niet gelezen"),
    ("<x/>", "1:1: fout: geen DMN-model: het hoofdelement is <x> zonder namespace"),
])
def test_a_file_that_is_no_dmn_is_refused_in_dutch(text, message):
    with pytest.raises(BeleidError) as caught:
        parse_dmn(text, "m.dmn")
    assert f"m.dmn:{message}" in caught.value.render()


# ---------------------------------------------------------------- the command line

def test_dmn_test_passes_and_counts_in_dutch(capsys):
    assert main(["dmn", "test", str(MODEL), str(TESTS)]) == 0
    out = capsys.readouterr().out
    assert "tarief-test.xml:39: testgeval overlap: geslaagd" in out
    assert "  Tarief: verwacht een fout (null), uitkomst meerdere regels" in out
    assert out.splitlines()[-1] == "6 geslaagd, 0 mislukt"


def test_dmn_test_fails_when_an_expected_value_is_changed(tmp_path, capsys):
    changed = tmp_path / "tests.xml"
    changed.write_text(TESTS.read_text(encoding="utf-8").replace(
        '<value xsi:type="xsd:decimal">12</value>', '<value xsi:type="xsd:decimal">13</value>'), encoding="utf-8")
    assert main(["dmn", "test", str(MODEL), str(changed)]) == 1
    out = capsys.readouterr().out
    assert "tests.xml:15: testgeval klein: mislukt" in out
    assert "  Tarief: verwacht 13, uitkomst 12  <- verschilt" in out
    assert out.splitlines()[-1] == "5 geslaagd, 1 mislukt"


def test_dmn_test_gives_dmns_answers_for_missing_inputs(capsys):
    assert main(["dmn", "test", str(MODEL), str(DATA / "tarief-null-test.xml")]) == 0
    out = capsys.readouterr().out
    assert "testgeval ontbreekt-maar-beslist: geslaagd" in out
    assert "testgeval ontbreekt-dmn-gaat-door: geslaagd" in out
    assert out.splitlines()[-1] == "2 geslaagd, 0 mislukt"


def test_dmn_test_reports_the_null_semantics_difference_under_beleidstaal(capsys):
    assert main(["dmn", "test", str(MODEL), str(DATA / "tarief-null-test.xml"), "--null", "beleidstaal"]) == 1
    out = capsys.readouterr().out
    assert "testgeval ontbreekt-maar-beslist: geslaagd" in out
    assert ('  Soort overeenkomst: verwacht "cliëntvolgende overeenkomst", uitkomst onbekend (ontbrekend: '
            "soort_aanbieder, start_datum; DMN slaat een regel met zo'n test over)  <- verschilt") in out
    assert out.splitlines()[-1] == "1 geslaagd, 1 mislukt"


def test_dmn_test_takes_the_null_semantics_per_table(capsys):
    args = ["dmn", "test", str(MODEL), str(DATA / "tarief-null-test.xml"), "--null", "beleidstaal",
            "--null-dmn", "Soort overeenkomst"]
    assert main(args) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "2 geslaagd, 0 mislukt"


def test_dmn_importeer_writes_a_policy_that_passes_its_checks(tmp_path, capsys):
    target = tmp_path / "tarief.beleid"
    assert main(["dmn", "importeer", str(MODEL), "--uit", str(target)]) == 0
    assert main(["controleer", str(target)]) == 0
    assert "in orde (4 gegevens" in capsys.readouterr().out


def test_dmn_importeer_of_an_unsupported_model_writes_nothing(tmp_path, capsys):
    model, target = tmp_path / "m.dmn", tmp_path / "m.beleid"
    model.write_text(UNSUPPORTED, encoding="utf-8")
    assert main(["dmn", "importeer", str(model), "--uit", str(target)]) == 1
    err = capsys.readouterr().err
    assert f"{model}:6:5: fout: beslistabel 'Toeslagen' (id som_tabel): niet te importeren: de hit policy COLLECT AVG" in err
    assert "Traceback" not in err and not target.exists()


def test_dmn_test_with_a_missing_file_says_so_in_dutch(tmp_path, capsys):
    assert main(["dmn", "test", str(tmp_path / "weg.dmn"), str(TESTS)]) == 1
    assert "kan het DMN-bestand niet lezen: het bestand bestaat niet" in capsys.readouterr().err


# ---------------------------------------------------------------- every hit policy, several outputs

HIT_MODEL, HIT_TESTS = DATA / "toeslagen.dmn", DATA / "toeslagen-test.xml"


def test_every_dmn_hit_policy_imports_as_its_dutch_words():
    text = import_model(read_dmn(HIT_MODEL)).text
    for line in ('beslissing toeslag "Toeslag" (som)', 'beslissing redenen "Redenen" (alle, in regelvolgorde)',
                 'beslissing toets "Toets" (voorrang "volledig", "beperkt", "geen")',
                 'beslissing klasse "Klasse" (om het even)',
                 '  als omzet is bekend en omzet is ten minste 1000000 dan soort = "raamcontract", jaren_dmn = 4',
                 '  anders soort = "enkelvoudig", jaren_dmn = 1', 'berekening borg "Borg" = jaren_dmn * 1000',
                 '#   jaren_dmn = "Contract", uitvoer "Jaren"'):
        assert line in text.splitlines()


@pytest.mark.parametrize(("hit", "aggregation", "words"), [
    ("C", None, "(alle)"), ("R", None, "(alle, in regelvolgorde)"), ("COLLECT", "COUNT", "(aantal)"),
    ("COLLECT", "MIN", "(minimum)"), ("COLLECT", "MAX", "(maximum)"), ("A", None, "(om het even)"),
])
def test_each_hit_policy_and_its_short_form_is_read(hit, aggregation, words):
    text = HIT_MODEL.read_text(encoding="utf-8").replace(
        'hitPolicy="COLLECT" aggregation="SUM"', f'hitPolicy="{hit}"' + (f' aggregation="{aggregation}"' if aggregation else ""))
    text = text.replace("<defaultOutputEntry><text>0</text></defaultOutputEntry>", "")
    imported = import_model(parse_dmn(text, "t.dmn"))
    assert f'beslissing toeslag "Toeslag" {words}' in imported.text


def test_dmn_test_of_every_hit_policy_and_two_outputs_passes(capsys):
    assert main(["dmn", "test", str(HIT_MODEL), str(HIT_TESTS)]) == 0
    out = capsys.readouterr().out
    assert '  Redenen: verwacht ["krimpregio", "nachtzorg"], uitkomst ["krimpregio", "nachtzorg"]' in out
    assert '  Contract.Soort: verwacht "raamcontract", uitkomst "raamcontract"' in out
    assert "  Klasse: verwacht een fout (null), uitkomst meerdere regels" in out
    assert out.splitlines()[-1] == "2 geslaagd, 0 mislukt"


@pytest.mark.parametrize(("old", "new", "line"), [
    ('<item><value xsi:type="xsd:string">nachtzorg</value></item>', "",
     '  Redenen: verwacht ["krimpregio"], uitkomst ["krimpregio", "nachtzorg"]  <- verschilt'),
    ('<value xsi:type="xsd:decimal">8.75</value>', '<value xsi:type="xsd:decimal">8.5</value>',
     "  Toeslag: verwacht 8.5, uitkomst 8.75  <- verschilt"),
    ('<value xsi:type="xsd:decimal">4</value></component>', '<value xsi:type="xsd:decimal">5</value></component>',
     "  Contract.Jaren: verwacht 5, uitkomst 4  <- verschilt"),
    ('<value xsi:type="xsd:string">volledig</value>', '<value xsi:type="xsd:string">beperkt</value>',
     '  Toets: verwacht "beperkt", uitkomst "volledig"  <- verschilt'),
])
def test_dmn_test_fails_when_a_list_a_sum_a_component_or_a_priority_is_changed(tmp_path, capsys, old, new, line):
    changed = tmp_path / "tests.xml"
    original = HIT_TESTS.read_text(encoding="utf-8")
    assert old in original
    changed.write_text(original.replace(old, new, 1), encoding="utf-8")
    assert main(["dmn", "test", str(HIT_MODEL), str(changed)]) == 1
    out = capsys.readouterr().out
    assert line in out.splitlines()
    assert out.splitlines()[-1] == "1 geslaagd, 1 mislukt"


MAX_MODEL = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="m" name="m" namespace="urn:m">
  <inputData id="a" name="A"><variable name="A" typeRef="number"/></inputData>
  <inputData id="b" name="B"><variable name="B" typeRef="number"/></inputData>
  <decision id="t" name="Totaal"><variable name="Totaal" typeRef="number"/>
    <literalExpression><text>max(A, B) + sum(A, B, 1) - min(A, 2 * B)</text></literalExpression>
  </decision>
</definitions>
"""


def test_feel_max_min_and_sum_of_written_arguments_become_collecting_beslissingen():
    imported = import_model(parse_dmn(MAX_MODEL, "m.dmn"))
    lines = imported.text.splitlines()
    assert 'beslissing maximum_1 "max(a, b)" (maximum)' in lines and "  als ja dan b" in lines
    assert 'beslissing som_2 "sum(a, b, 1)" (som)' in lines
    assert 'beslissing minimum_3 "min(a, 2 * b)" (minimum)' in lines
    assert 'berekening totaal "Totaal" = maximum_1 + som_2 - minimum_3' in lines
    policy = compile_text(imported.text, "m.beleid")
    assert policy.evaluate({"a": 3, "b": 5}).value("totaal") == Decimal(5 + 9 - 3)
    assert policy.evaluate({"a": 3}).status("totaal").value == "onbekend"   # max(3, null) is null in FEEL too


def test_feel_max_without_a_translator_is_refused():
    with pytest.raises(feel.FeelUnsupported, match="de FEEL-functie 'max'"):
        feel.render_value(feel.parse_expression("max(a, 2)", ["a"]), _rename)
