"""The pytest plugin: voorbeelden as test items with readable Dutch failures; properties."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from dsl.policy import load_policy
from dsl.testing import policy_property

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parent.parent

POLICY = '''beleid "plugin"
gegevens
  omzet : bedrag
beslissing tier "Tier" (eerste treffer)
  als omzet is kleiner dan € 250.000 dan "klein"
  anders "groot"
voorbeeld "Kleine omzet"
  gegeven omzet = € 100
  verwacht tier = "klein"
voorbeeld "Verkeerd verwacht"
  gegeven omzet = € 300.000
  verwacht tier = "klein"
'''


def test_voorbeelden_are_items_with_readable_failures(pytester):
    pytester.makefile(".beleid", plugin=POLICY)
    result = pytester.runpytest("-p", "no:cacheprovider", "-v")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines([
        "*plugin.beleid::Kleine omzet PASSED*",
        "*plugin.beleid::Verkeerd verwacht FAILED*",
        '*voorbeeld "Verkeerd verwacht" (*plugin.beleid:10) mislukt:*',
        '*plugin.beleid:12:*: tier: verwacht "klein", maar is "groot"*',
        "*waarom:*",
    ])
    assert "Traceback" not in result.stdout.str()


def test_policy_with_mistakes_fails_with_its_diagnostics(pytester):
    pytester.makefile(".beleid", kapot=POLICY.replace("omzet is kleiner", "omzett is kleiner"))
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*het beleid bevat fouten:*", "*onbekende naam 'omzett'*"])


def test_coverage_summary_option(pytester):
    pytester.makefile(".beleid", plugin=POLICY)
    result = pytester.runpytest("-p", "no:cacheprovider", "--beleid-dekking")
    result.stdout.fnmatch_lines(["*dekking van de voorbeelden*", "*Dekking van de voorbeelden*"])


def test_shipped_policies_pass_under_the_plugin(pytester):
    for path in (ROOT / "policies").glob("*.beleid"):
        pytester.makefile(".beleid", **{path.stem: path.read_text(encoding="utf-8")})
    result = pytester.runpytest("-p", "no:cacheprovider", "-q")
    assert result.ret == 0, result.stdout.str()


TIERS = ["cliëntvolgende overeenkomst", "standaardovereenkomst", "plusovereenkomst"]


@policy_property(ROOT / "policies" / "wijkverpleging_2024.beleid", vary="omzet_2023", max_examples=60,
                 fixed={"soort_aanbieder": "instelling", "uitgesloten_van_benchmark": False})
def test_higher_revenue_never_gives_a_lower_tier(low, high):
    a, b = low["overeenkomst"].value, high["overeenkomst"].value
    if a in TIERS and b in TIERS:
        assert TIERS.index(a) <= TIERS.index(b)


WIJK = load_policy(ROOT / "policies" / "wijkverpleging_2024.beleid")


@policy_property(ROOT / "policies" / "wijkverpleging_2024.beleid", max_examples=40)
def test_indexation_follows_the_amendment(case, outcome):
    # the policy reads a value per year (igj_handhavingsmaatregelen), so the generated cases carry a
    # peildatum in its validity (2024): after the amendment, 7,77 %; on other peildata: 6,37 % until
    # 22 oktober 2023, 7,77 % (with the extra tariefopslag) from the amendment of 23 oktober 2023
    assert date(2024, 1, 1) <= outcome.case.peil <= date(2024, 12, 31)
    assert str(outcome["prijsindexatie"].value) == "7.77"
    for peil, want in ((date(2023, 10, 22), "6.37"), (date(2023, 10, 23), "7.77")):
        assert str(WIJK.evaluate({**case, "peildatum": peil})["prijsindexatie"].value) == want


BLOCKED = '''import sys


class Missing:
    """As if the `analyse` extra were not installed: z3 and Hypothesis cannot be imported."""

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("z3", "hypothesis"):
            raise ModuleNotFoundError(f"No module named {name!r}")
        return None


sys.meta_path.insert(0, Missing())
import pytest

sys.exit(pytest.main(sys.argv[1:]))
'''


def test_voorbeelden_run_without_the_analysis_extra(tmp_path):
    import subprocess
    import sys

    (tmp_path / "plugin.beleid").write_text(POLICY.split('voorbeeld "Verkeerd')[0], encoding="utf-8")
    # Hypothesis's own pytest plugin is not there either when Hypothesis is not installed
    args = [sys.executable, "-c", BLOCKED, "-p", "no:cacheprovider", "-p", "no:hypothesispytest", "--beleid-dekking",
            str(tmp_path)]
    run = subprocess.run(args, capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 passed" in run.stdout and "Dekking van de voorbeelden" in run.stdout
