"""DMN export: every exported file validates against OMG's DMN 1.3 schema and loads in dmn-moddle
(the parser of the bpmn-io/Camunda modelers) without warnings; what DMN cannot say is refused in
Dutch; and import → export → import keeps the meaning (a Hypothesis property)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dsl.cli import main
from dsl.dmn.exporter import export_policy
from dsl.dmn.importer import NullChoice, import_model
from dsl.dmn.xml import DecisionTable, parse_dmn, read_dmn
from dsl.errors import BeleidError
from dsl.policy import compile_text, load_policy

ROOT = Path(__file__).parent.parent
DATA = Path(__file__).parent / "data" / "dmn"
MODDLE = Path(__file__).parent / "dmn_moddle"
TABLES = Path(__file__).parent / "data" / "tabellen" / "inkoop_tabellen.beleid"


@pytest.fixture(scope="module")
def schema():
    xmlschema = pytest.importorskip("xmlschema", reason="xmlschema ontbreekt (pip install xmlschema)")
    return xmlschema.XMLSchema(str(DATA / "DMN13.xsd"))


def _exports() -> dict[str, str]:
    """Exported DMN of real policies and of the test model (imported, then exported)."""
    found = {"wijkverpleging_2024": export_policy(load_policy(ROOT / "policies" / "wijkverpleging_2024.beleid").model)}
    imported = import_model(read_dmn(DATA / "tarief.dmn"))
    found["tarief"] = export_policy(compile_text(imported.text, "tarief.beleid").model)
    found["tabellen"] = export_policy(load_policy(TABLES).model)   # two outcomes per row, every hit policy
    return found


@pytest.fixture(scope="module")
def exports() -> dict[str, str]:
    return _exports()


def test_exported_files_validate_against_the_dmn13_schema(schema, exports):
    for name, text in exports.items():
        errors = [str(e.reason) for e in schema.iter_errors(text)]
        assert errors == [], name


def test_the_schema_check_can_fail(schema, exports):
    broken = exports["tarief"].replace('hitPolicy="UNIQUE"', 'hitPolicy="SOMETIMES"')
    assert not schema.is_valid(broken)


def _moddle(paths: list[Path]) -> list[dict]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node ontbreekt: de controle met dmn-moddle draait niet")
    if not (MODDLE / "node_modules" / "dmn-moddle").is_dir():
        pytest.skip("dmn-moddle is niet geïnstalleerd: draai 'npm ci' in tests/dmn_moddle")
    run = subprocess.run([node, str(MODDLE / "check.mjs"), *map(str, paths)], capture_output=True, text=True,
                         timeout=120, check=True)
    return [json.loads(line) for line in run.stdout.splitlines()]


def test_exported_files_load_in_dmn_moddle_without_warnings(tmp_path, exports):
    paths = []
    for name, text in exports.items():
        path = tmp_path / f"{name}.dmn"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    results = _moddle(paths)
    assert [(r["loaded"], r["warnings"]) for r in results] == [(True, [])] * len(paths)
    assert [r["decisions"] for r in results] == [2, 2, 10]   # a berekening no beslissing uses is left out


def test_export_writes_every_hit_policy_and_a_table_with_two_outputs(exports):
    model = parse_dmn(exports["tabellen"], "t.dmn")
    tables = {d.name: d.logic for d in model.decisions if isinstance(d.logic, DecisionTable)}
    assert {n: (t.hit_policy, t.aggregation) for n, t in tables.items()} == {
        "contract": ("FIRST", None), "toezicht": ("PRIORITY", None), "toeslag": ("COLLECT", "SUM"),
        "extra_weken": ("COLLECT", "SUM"), "aantal_toeslagen": ("COLLECT", "COUNT"),
        "laagste_korting": ("COLLECT", "MIN"), "hoogste_korting": ("COLLECT", "MAX"), "klasse": ("ANY", None),
        "toets": ("PRIORITY", None), "regioklasse": ("UNIQUE", None)}
    contract, toezicht = tables["contract"], tables["toezicht"]
    assert [o.name for o in contract.outputs] == ["soort", "looptijd"]
    assert contract.rules[1].outputs == ('"raamcontract"', 'duration("P48M")')
    assert [(o.name, o.allowed) for o in toezicht.outputs] == [("niveau", '"streng", "normaal", "licht"'),
                                                               ("borg", None)]


def test_an_outcome_of_a_table_is_read_as_a_component_of_its_decision():
    text = ('beleid "p"\ngegevens\n  x : getal\nbeslissing c "C"\n  als x is 1 dan soort = "a", prijs = 2\n'
            '  anders soort = "b", prijs = 3\nbeslissing d "D"\n  als soort is "a" dan prijs * 2\n  anders 0\n')
    exported = export_policy(compile_text(text, "p.beleid").model)
    assert "<text>c.soort</text>" in exported and "<text>(c.prijs * 2)</text>" in exported
    assert '<requiredDecision href="#d_c" />' in exported
    again = import_model(parse_dmn(exported, "p.dmn"))
    assert again.outputs == {"c": {"soort": "soort", "prijs": "prijs"}}
    assert "als soort is bekend en soort is \"a\" dan prijs * 2" in again.text   # DMN's meaning of a missing soort


def test_dmn_moddle_reports_what_it_does_not_know(tmp_path, exports):
    path = tmp_path / "vreemd.dmn"
    path.write_text(exports["tarief"].replace('<decisionTable ', '<beslistabel/><decisionTable ', 1), encoding="utf-8")
    [result] = _moddle([path])
    assert result["loaded"] and any("beslistabel" in w for w in result["warnings"])


def test_export_keeps_hit_policies_names_titles_and_sources(exports):
    model = parse_dmn(exports["wijkverpleging_2024"], "w.dmn")
    decisions = {d.name: d for d in model.decisions}
    overeenkomst, looptijd = decisions["overeenkomst"], decisions["looptijd_plusovereenkomst"]
    assert isinstance(overeenkomst.logic, DecisionTable) and isinstance(looptijd.logic, DecisionTable)
    assert overeenkomst.label == "Soort overeenkomst wijkverpleging 2024"
    assert overeenkomst.description == "De verschillende typen overeenkomst"
    assert overeenkomst.logic.hit_policy == "FIRST"
    assert looptijd.logic.hit_policy == "UNIQUE"
    assert [r.outputs for r in looptijd.logic.rules] == [
        ('duration("P24M")',), ('duration("P12M")',)]


def test_what_dmn_cannot_say_is_refused_at_the_rule(tmp_path, capsys):
    policy = tmp_path / "p.beleid"
    policy.write_text('beleid "p"\ngegevens\n  a : getal\n  b : ja/nee\n'
                      'beslissing d "D" (uniek)\n  van toepassing als b\n  als a is ten minste 1 dan 1\n'
                      'beslissing e "E"\n  als peildatum is na 2024-01-01 dan 2\n', encoding="utf-8")
    target = tmp_path / "p.dmn"
    assert main(["dmn", "exporteer", str(policy), "--uit", str(target)]) == 1
    err = capsys.readouterr().err
    assert (f"{policy}:5:1: fout: niet naar DMN te exporteren: 'd' heeft 'van toepassing als'; DMN kent geen "
            "'niet van toepassing'") in err
    assert f"{policy}:9:7: fout: niet naar DMN te exporteren: peildatum: DMN kent geen evaluatiedatum" in err
    assert not target.exists()


def test_dmn_exporteer_writes_the_file(tmp_path, capsys, schema):
    target = tmp_path / "w.dmn"
    assert main(["dmn", "exporteer", str(ROOT / "policies" / "wijkverpleging_2024.beleid"), "--uit", str(target)]) == 0
    assert schema.is_valid(target.read_text(encoding="utf-8"))
    assert f"{target}: geschreven" in capsys.readouterr().err


# ---------------------------------------------------------------- round trip

_OPTIONS = ("a", "b", "c")


@st.composite
def _number_cell(draw) -> str:
    n = st.integers(-5, 5)
    kind = draw(st.sampled_from(["-", "cmp", "eq", "range", "list", "not", "null", "null-or", "not-null", "!="]))
    if kind == "null":
        return "null"
    if kind == "null-or":
        return f"null, {draw(st.sampled_from(['<', '>=']))} {draw(n)}"
    if kind == "not-null":
        return "not(null)"
    if kind == "!=":
        return f"!= {draw(n)}"
    if kind == "cmp":
        return f"{draw(st.sampled_from(['<', '<=', '>', '>=']))} {draw(n)}"
    if kind == "eq":
        return str(draw(n))
    if kind == "range":
        low, high = sorted((draw(n), draw(n)))
        return f"{draw(st.sampled_from('[(]'))}{low}..{high}{draw(st.sampled_from('])['))}"
    if kind == "list":
        return f"< {draw(n)}, > {draw(n)}"
    if kind == "not":
        return f"not({draw(n)}, {draw(n)})"
    return "-"


@st.composite
def _text_cell(draw) -> str:
    chosen = draw(st.lists(st.sampled_from(_OPTIONS), min_size=1, max_size=2, unique=True))
    listed = ",".join(f'"{o}"' for o in chosen)
    return draw(st.sampled_from(["-", listed, f"not({listed})", f"null, {listed}", "null"]))


_CELLS = {"number": _number_cell(), "string": _text_cell(), "boolean": st.sampled_from(["-", "true", "false"])}
_CASE_VALUES = {"number": st.one_of(st.integers(-6, 6).map(Decimal), st.just(Decimal("2.5")), st.none()),
                "string": st.sampled_from([*_OPTIONS, None]), "boolean": st.sampled_from([True, False, None])}


@st.composite
def _tables(draw):
    kinds = draw(st.lists(st.sampled_from(["number", "string", "boolean"]), min_size=1, max_size=3))
    rules = draw(st.lists(st.tuples(st.tuples(*(_CELLS[k] for k in kinds)), st.integers(1, 4)), min_size=1,
                          max_size=5))
    hit = draw(st.sampled_from(["FIRST", "UNIQUE", "ANY", "PRIORITY", "COLLECT", "COLLECT SUM", "COLLECT COUNT",
                                "COLLECT MIN", "COLLECT MAX", "RULE ORDER", "OUTPUT ORDER"]))
    default = draw(st.sampled_from([None, "0", "9"]))
    return kinds, rules, hit, default


def _dmn(kinds, rules, hit, default) -> str:
    items, inputs, clauses, body = [], [], [], []
    for i, kind in enumerate(kinds):
        type_ref = f"tKeuze{i}" if kind == "string" else kind
        if kind == "string":
            items.append(f'<itemDefinition name="tKeuze{i}"><typeRef>string</typeRef><allowedValues>'
                         '<text>"a","b","c"</text></allowedValues></itemDefinition>')
        inputs.append(f'<inputData id="in{i}" name="Invoer {i}"><variable name="Invoer {i}" typeRef="{type_ref}"/>'
                      "</inputData>")
        clauses.append(f'<input id="c{i}"><inputExpression typeRef="{kind}"><text>Invoer {i}</text>'
                       "</inputExpression></input>")
    for n, (cells, out) in enumerate(rules):
        entries = "".join(f"<inputEntry><text>{_xml(c)}</text></inputEntry>" for c in cells)
        body.append(f'<rule id="r{n}">{entries}<outputEntry><text>{out}</text></outputEntry></rule>')
    fallback = f"<defaultOutputEntry><text>{default}</text></defaultOutputEntry>" if default else ""
    policy, _, aggregation = hit.partition(" ") if hit.startswith("COLLECT") else (hit, "", "")
    aggregated = f' aggregation="{aggregation}"' if aggregation else ""
    order = "<outputValues><text>3, 1, 4, 9, 2, 0</text></outputValues>"   # the order voorrang follows
    return (f'<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="m" name="Rondje" '
            f'namespace="urn:m">{"".join(items)}{"".join(inputs)}<decision id="d" name="Uitkomst">'
            f'<decisionTable id="t" hitPolicy="{policy}"{aggregated}>{"".join(clauses)}<output id="o" '
            f'typeRef="number">{order}{fallback}</output>{"".join(body)}</decisionTable></decision></definitions>')


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _outcomes(policy, cases):
    found = []
    for case in cases:
        outcome = policy.evaluate({k: v for k, v in case.items() if v is not None and k in policy.model.fields})
        found.append((str(outcome.status("uitkomst")), outcome.value("uitkomst")))
    return found


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(table=_tables(), nulls=st.sampled_from(["dmn", "beleidstaal"]), data=st.data())
def test_import_export_import_keeps_the_meaning(table, nulls, data):
    """Under either meaning of a missing input (the cases draw missing inputs too): what the
    export writes, imported again with the same choice, gives every case the same outcome."""
    kinds = table[0]
    first = import_model(parse_dmn(_dmn(*table), "rondje.dmn"), nulls=NullChoice(nulls))
    policy = compile_text(first.text, "eerste.beleid")
    exported = export_policy(policy.model)
    second = import_model(parse_dmn(exported, "rondje-export.dmn"), nulls=NullChoice(nulls))
    again = compile_text(second.text, "tweede.beleid")
    assert second.types.items() <= first.types.items()   # a gegeven no rule reads is left out
    cases = data.draw(st.lists(st.fixed_dictionaries({f"invoer_{i}": _CASE_VALUES[k] for i, k in enumerate(kinds)}),
                               min_size=1, max_size=8))
    assert _outcomes(policy, cases) == _outcomes(again, cases)


def test_a_table_imported_with_dmns_meaning_exports_its_own_cells():
    """The `is bekend` guards of an import are DMN's meaning: the export leaves them out, and a
    `null` test comes back as `null`."""
    policy = compile_text(import_model(read_dmn(DATA / "tarief.dmn")).text, "tarief.beleid")
    exported = export_policy(policy.model)
    cells = re.findall(r"<inputEntry id=\"d_tarief_r\d+_i\d+\">\s*<text>(.*?)</text>", exported)
    assert cells == ['"zzp-overeenkomst"', "-", 'not("zzp-overeenkomst")', "[0..100000]", 'not("zzp-overeenkomst")',
                     "(100000..1000000]", "-", "&gt; 900000"]
    assert "null" not in exported
    text = ('beleid "N"\ngegevens\n  x : getal\nbeslissing d "D" (eerste treffer)\n  als x is onbekend dan 1\n'
            '  als (x is onbekend of x is kleiner dan 5) dan 2\n  als x is bekend dan 3\n')
    exported = export_policy(compile_text(text, "n.beleid").model)
    assert re.findall(r"<inputEntry id=\"d_d_r\d+_i1\">\s*<text>(.*?)</text>", exported) == [
        "null", "null, &lt; 5", "not(null)"]
    again = compile_text(import_model(parse_dmn(exported, "n.dmn")).text, "n2.beleid")
    assert [again.evaluate(case).value("d") for case in ({}, {"x": 3}, {"x": 7})] == [1, 2, 3]


def test_round_trip_of_the_test_model_keeps_every_outcome():
    first = import_model(read_dmn(DATA / "tarief.dmn"))
    policy = compile_text(first.text, "tarief.beleid")
    again = compile_text(import_model(parse_dmn(export_policy(policy.model), "t.dmn")).text, "t.beleid")
    cases = [{"soort_aanbieder": s, "bestaand_contract": b, "omzet_2023": Decimal(o), "start_datum": d}
             for s in ("instelling", "zzp") for b in (True, False) for o in (-5, 100000, 250000, 950000, 2000000)
             for d in ("2023-12-31", "2024-01-01")]
    names = ("soort_overeenkomst", "tarief")
    for case in cases:
        one, two = policy.evaluate(case), again.evaluate(case)
        assert [(one.status(n), one.value(n)) for n in names] == [(two.status(n), two.value(n)) for n in names], case


def test_export_refuses_names_that_are_feel_keywords(tmp_path):
    text = 'beleid "p"\ngegevens\n  function : getal\nbeslissing d "D"\n  als function is 1 dan 1\n'
    with pytest.raises(BeleidError, match="de naam 'function' is een sleutelwoord van FEEL"):
        export_policy(compile_text(text, "p.beleid").model)
