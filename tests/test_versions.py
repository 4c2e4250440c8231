"""Rules with their own validity, versions of a rule (a wijziging), and dates relative to the year
of the peildatum: what they give on either side of each date, what the checker refuses, and that
every back end (per case, Polars) reads them the same (docs/taal.md, "Geldigheid en versies")."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from dsl.core import expr as E
from dsl.core.versions import policy_on
from dsl.errors import BeleidError
from dsl.explain import explain, render
from dsl.policy import compile_text, load_policy

ROOT = Path(__file__).resolve().parent.parent

HEAD = 'beleid "T"\n  geldig van 1 januari 2024 tot en met 31 december 2024\n'

AMENDED = HEAD + """gegevens
  omzet   : bedrag
  melding : datum
  bericht : datum
eisen basis "Basis"
  eis omzet_min "Omzet ten minste € 100" vereist omzet is ten minste € 100
  eis tijdig "Gemeld vóór 1 oktober van het lopende jaar" geldig vanaf 1 januari 2024
    vereist melding is voor 1 oktober van het lopende jaar
berekening index "Index" = 6,37%
beslissing tarief "Tarief"
  als omzet is kleiner dan € 1.000 dan € 10
  als omzet is kleiner dan € 1.000 dan € 12   geldig vanaf 1 juli 2024
  anders € 20
termijn antwoord "Antwoord binnen 3 weken" bericht binnen 3 weken na melding
wijziging "Wijziging (23-10-2023)" geldig vanaf 23 oktober 2023 bron "Wijzigingsbrief"
  berekening index "Index" = 6,37% + 1,4%
  termijn antwoord "Antwoord binnen 2 weken" bericht binnen 2 weken na melding
  eisen basis "Basis"
    eis omzet_min "Omzet ten minste € 150" vereist omzet is ten minste € 150
    eis nieuw "Nieuwe eis" vereist omzet is ten hoogste € 1.000.000
einde wijziging
"""


@pytest.fixture(scope="module")
def amended():
    return compile_text(AMENDED, "wijziging.beleid")


def _problems(text: str) -> list[str]:
    with pytest.raises(BeleidError) as err:
        compile_text(HEAD + text, "v.beleid")
    return [f"{d.span.line}:{d.span.column} {d.message}" for d in err.value.diagnostics]


# ---------------------------------------------------------------- evaluation on both sides
@pytest.mark.parametrize(("peil", "index", "omzet_min"), [
    ("2023-10-22", Decimal("6.37"), "voldaan"),       # the day before the wijziging: the old versions
    ("2023-10-23", Decimal("7.77"), "niet voldaan"),  # its first day: € 120 is now too little
    (None, None, "onbekend"),                         # no peildatum: which version applies is not known
])
def test_the_version_of_the_peildatum_applies(amended, peil, index, omzet_min):
    case = {"omzet": "€ 120", **({"peildatum": peil} if peil else {})}
    outcome = amended.evaluate(case)
    assert outcome.value("index") == index
    assert outcome.status("omzet_min") == omzet_min


def test_a_new_eis_of_a_wijziging_does_not_apply_before_its_date(amended):
    before = amended.evaluate({"omzet": "€ 2.000.000", "peildatum": "2023-10-22"})
    after = amended.evaluate({"omzet": "€ 2.000.000", "peildatum": "2023-10-23"})
    assert (before.status("nieuw"), after.status("nieuw")) == ("niet van toepassing", "niet voldaan")
    assert (before.status("basis"), after.status("basis")) == ("voldaan", "niet voldaan")


def test_a_rule_valid_from_a_date_is_niet_van_toepassing_before_it(amended):
    case = {"melding": "2023-09-30"}
    assert amended.evaluate({**case, "peildatum": "2023-12-31"}).status("tijdig") == "niet van toepassing"
    assert amended.evaluate({**case, "peildatum": "2024-01-01"}).status("tijdig") == "voldaan"


def test_a_row_outside_its_validity_does_not_apply(amended):
    assert amended.evaluate({"omzet": "€ 500", "peildatum": "2024-06-30"}).value("tarief") == Decimal("10")
    outcome = amended.evaluate({"omzet": "€ 500", "peildatum": "2024-07-01"})
    assert outcome.value("tarief") == Decimal("10")   # first hit: row 1 still applies
    assert outcome["tarief"].row == 0


def test_a_termijn_takes_the_bounds_of_its_version(amended):
    case = {"melding": "2023-11-01", "bericht": "2023-11-20"}   # 19 days: within 3 weeks, not within 2
    assert amended.evaluate({**case, "peildatum": "2023-10-01"}).status("antwoord") == "gehaald"
    assert amended.evaluate({**case, "peildatum": "2023-11-01"}).status("antwoord") == "niet gehaald"


# ---------------------------------------------------------------- dates relative to the year
@pytest.mark.parametrize(("peil", "melding", "status"), [
    ("2024-06-01", "2024-09-30", "voldaan"),
    ("2024-06-01", "2024-10-01", "niet voldaan"),
    ("2025-06-01", "2024-10-01", "voldaan"),      # the lopende jaar is 2025 now
])
def test_a_date_of_the_lopende_jaar_follows_the_peildatum(amended, peil, melding, status):
    assert amended.evaluate({"melding": melding, "peildatum": peil}).status("tijdig") == status


def test_vorige_and_volgende_jaar_and_termijn_words_in_conditions():
    policy = compile_text(HEAD + """gegevens
  d : datum
berekening vorig = 1 oktober van het vorige jaar
berekening volgend = 31 januari van het volgende jaar
berekening niet_voor = d is niet voor 1 oktober van het lopende jaar
berekening vanaf_2024 = d is vanaf 1 januari 2024
berekening precies = d is op 1 oktober van het lopende jaar
berekening op_tijd = d ligt binnen 3 weken na 1 oktober van het lopende jaar
""", "j.beleid")
    on_time = policy.evaluate({"d": "2024-10-22", "peildatum": "2024-03-01"})
    assert (on_time.value("vorig"), on_time.value("volgend")) == (date(2023, 10, 1), date(2025, 1, 31))
    assert [on_time.value(n) for n in ("niet_voor", "vanaf_2024", "precies", "op_tijd")] == [True, True, False, True]
    late = policy.evaluate({"d": "2024-10-23", "peildatum": "2024-03-01"})
    assert late.value("op_tijd") is False
    assert policy.evaluate({"d": "2024-10-22"}).value("op_tijd") is None   # no peildatum, no year


# ---------------------------------------------------------------- what the checker refuses
def test_overlapping_versions_are_refused_with_both_places():
    found = _problems('berekening x geldig tot en met 31 december 2024 = 1\n'
                      'berekening x geldig vanaf 1 juli 2024 = 2\n')
    assert found == ["4:1 de versies van 'x' op regel 3:1 en regel 4:1 overlappen in de tijd: de eerste geldt tot en "
                     "met 31 december 2024, de volgende al vanaf 1 juli 2024"]


def test_a_hole_between_versions_is_refused():
    found = _problems('berekening x geldig tot en met 30 juni 2024 = 1\n'
                      'berekening x geldig vanaf 2 juli 2024 = 2\n')
    assert found == ["4:1 tussen de versies van 'x' zit een gat: de versie op regel 3:1 geldt tot en met 30 juni 2024, "
                     "die op regel 4:1 pas vanaf 2 juli 2024"]


def test_versions_of_another_kind_or_type_are_refused():
    kinds = _problems('berekening x = 1\nwijziging "W" geldig vanaf 1 juli 2024\n'
                      '  beslissing x "X" als ja dan 2\neinde wijziging\n')
    assert kinds == ["5:3 'x' op regel 5:3 is een beslissing, de versie op regel 3:1 een berekening: de versies van "
                     "één regel zijn van dezelfde soort"]
    types = _problems('berekening x = 1\nwijziging "W" geldig vanaf 1 juli 2024\n  berekening x = € 1\n'
                      'einde wijziging\n')
    assert types == ["5:3 de versies van 'x' moeten van één type zijn: deze is een bedrag, die op regel 3:1 een aantal"]


def test_two_versions_without_a_date_are_the_old_duplicate():
    assert _problems('berekening x = 1\nberekening x = 2\n') == ["4:1 'x' is al eerder gedeclareerd (regel 3)"]


@pytest.mark.parametrize(("text", "expected"), [
    ('wijziging "W" berekening x = 1 einde wijziging\n',
     '3:1 de wijziging "W" zegt niet vanaf wanneer zij geldt'),
    ('berekening x geldig van 1 juli 2024 tot en met 1 januari 2024 = 1\n',
     "3:14 de geldigheid begint na haar einde"),
    ('berekening x = 29 februari van het lopende jaar\n', "3:16 29 februari bestaat niet in elk jaar"),
    ('berekening x = 31 april van het lopende jaar\n', "3:16 '31 april van het lopende jaar' bestaat niet: april heeft "
                                                         "30 dagen"),
    ('beslissing b "B" als ja dan 1 anders 2 geldig vanaf 1 juli 2024\n',
     "3:40 'anders' geldt als geen regel geldt en heeft geen eigen geldigheid"),
])
def test_validity_mistakes_are_refused(text, expected):
    assert _problems(text) == [expected]


# ---------------------------------------------------------------- the core model and its views
def test_versions_lower_to_one_rule_that_picks_by_peildatum(amended):
    rule = amended.model.rules["index"]
    assert isinstance(rule.expr, E.Versions)
    assert [v.period for v in rule.versions] == ["tot en met 22 oktober 2023", "vanaf 23 oktober 2023"]
    assert list(amended.model.rules).count("index") == 1


def test_policy_on_a_date_reads_every_rule_at_its_version(amended):
    old, new = policy_on(amended.model, date(2023, 10, 22)), policy_on(amended.model, date(2024, 1, 1))
    assert isinstance(old.rules["index"].expr, E.Const) and old.rules["index"].expr.value == Decimal("6.37")
    assert [v.period for v in new.rules["index"].versions] == ["vanaf 23 oktober 2023"]
    assert "nieuw" not in old.rules and "nieuw" in new.rules
    assert new.rules["basis"].members == ("omzet_min", "tijdig", "nieuw")
    assert old.rules["basis"].members == ("omzet_min",)   # tijdig applies from 1 januari 2024


def test_the_explanation_names_the_version_that_applied(amended):
    text = render(explain(amended.evaluate({"omzet": "€ 120", "peildatum": "2024-01-01"}, trace=True)))
    assert "Index = 6,37% + 1,4% = 7,77%. Versie geldig vanaf 23 oktober 2023 (Wijziging (23-10-2023)), " \
           "bron Wijzigingsbrief." in text
    assert "✘ omzet_min: Omzet ten minste € 150  [niet voldaan]\n      Voldoet niet: omzet is € 120,00, ten minste " \
           "€ 150,00 is vereist (Basis). Versie geldig vanaf 23 oktober 2023 (Wijziging (23-10-2023)), bron " \
           "Wijzigingsbrief." in text


def test_polars_agrees_with_the_per_case_path_on_versions_and_year_dates(amended):
    pytest.importorskip("polars")
    from dsl.batch import evaluate_table
    rows = [{"omzet": "€ 120", "melding": "2024-09-30", "bericht": "2024-10-19", "peildatum": p}
            for p in ("2023-10-22", "2023-10-23", "2024-07-01", "2025-10-01")]
    columnar = evaluate_table(amended, rows)
    reference = evaluate_table(amended, rows, engine="python")
    assert columnar.columns == reference.columns
    for column in columnar.columns:
        assert columnar[column].to_list() == reference[column].to_list(), column
    assert columnar["index.waarde"].to_list() == [Decimal("6.37"), Decimal("7.77"), Decimal("7.77"), Decimal("7.77")]
    assert columnar["tijdig"].to_list() == ["niet van toepassing", "niet van toepassing", "voldaan", "voldaan"]


def test_the_shipped_amendment_of_wijkverpleging_2024():
    policy = load_policy(ROOT / "policies" / "wijkverpleging_2024.beleid")
    before = policy.evaluate({"peildatum": "2023-10-22"})
    after = policy.evaluate({"peildatum": "2023-10-23"})
    assert (before.value("prijsindexatie"), after.value("prijsindexatie")) == (Decimal("6.37"), Decimal("7.77"))
    assert (before.status("extra_tariefopslag"), after.status("extra_tariefopslag")) == ("niet van toepassing", "bepaald")
    assert before.status("t_reactie_nieuw") == "niet van toepassing"


def test_verschil_compares_one_file_on_two_dates(capsys):
    from dsl.cli import main

    path = str(Path(__file__).parent.parent / "policies" / "wijkverpleging_2024.beleid")
    code = main(["verschil", path, "--oud-op", "22 oktober 2023", "--nieuw-op", "2023-10-23"])
    out = capsys.readouterr().out
    assert code == 1
    assert "termijn 't_nieuw_aanbod' is toegevoegd" in out
    assert "prijsindexatie | 6,37% | 7,77%" in out
    # each side shows its own version's declaration
    assert "= 6,37% — nieuw (regel " in out and out.count("= 6,37% + extra_tariefopslag") == 1
    # the same day on both sides: no change
    assert main(["verschil", path, "--oud-op", "2024-01-01", "--nieuw-op", "2024-06-30"]) == 0
    capsys.readouterr()
    assert main(["verschil", path, "--oud-op", "2023-02-30", "--nieuw-op", "2024-01-01"]) == 1
    assert "--oud-op: '2023-02-30' is geen geldige datum" in capsys.readouterr().err


def test_policy_on_compiles_and_evaluates_without_a_peildatum():
    policy = load_policy(Path(__file__).parent.parent / "policies" / "wijkverpleging_2024.beleid")
    before, after = policy.on(date(2023, 10, 22)), policy.on(date(2023, 10, 23))
    assert "t_nieuw_aanbod" not in before.model.rules and "t_nieuw_aanbod" in after.model.rules
    assert before.evaluate({})["prijsindexatie"].value == Decimal("6.37")
    assert after.evaluate({})["prijsindexatie"].value == Decimal("7.77")


def test_the_notebook_keeps_versions_and_the_wijziging_of_a_loaded_policy():
    from kernel.session import Session

    path = Path(__file__).parent.parent / "policies" / "wijkverpleging_2024.beleid"
    session = Session(display=lambda obj: None)
    session.run_cell(f'laad "{path}"')
    composed, direct = session.state.policy, load_policy(path)
    assert len(composed.model.rules["prijsindexatie"].versions) == 2
    assert set(composed.model.rules) == set(direct.model.rules)
    for peil in ("2023-10-22", "2023-10-23", None):
        case = {"omzet_2023": Decimal(100000), "peildatum": peil}
        a, b = composed.evaluate(case), direct.evaluate(case)
        assert {n: a.status(n) for n in direct.model.rules} == {n: b.status(n) for n in direct.model.rules}
    # a cell that redefines the rule replaces its first version; the wijziging's version stays
    session.run_cell('berekening prijsindexatie "Prijsindexatie" = 5%')
    redefined = session.state.policy
    assert redefined.evaluate({"peildatum": "2023-01-01"})["prijsindexatie"].value == Decimal(5)
    assert redefined.evaluate({"peildatum": "2024-01-01"})["prijsindexatie"].value == Decimal("7.77")


def test_the_notebooks_verschil_view_reads_like_the_command():
    from dsl.analysis import Budget, diff_policies
    from kernel.widgets.review import DiffView

    policy = load_policy(Path(__file__).parent.parent / "policies" / "wijkverpleging_2024.beleid")
    old, new = policy.on(date(2023, 10, 22)), policy.on(date(2023, 10, 23))
    view = DiffView(diff_policies(old, new, budget=Budget(max_examples=50)), "op 22-10-2023", new, None, None)
    head = view.head.value
    assert "<b>Wijzigingen in de betekenis</b>" in head and "Wijzigingen in de tekst" not in head
    assert "Vergeleken in " in head and "termijn &#x27;t_nieuw_aanbod&#x27; is toegevoegd" in head
    (case,) = view.diff.cases
    assert (case.rule, case.old, case.new) == ("prijsindexatie", "6,37%", "7,77%")
    assert case.case_text == "elke casus (de regel leest geen gegeven)"
