"""`beleid bronnen` checks the quotes of every item of a policy, not only of its rules: an aanname,
a recorded finding, a netwerkeis and a voorkeur (and each criterion of it)."""

from __future__ import annotations

from dsl.analysis.sources import trace
from dsl.policy import compile_text

DOCUMENT = """Beleid
Een cliënt wordt opgenomen voordat hij wordt ontslagen.
Bij gelijke kwaliteit gaat de voorkeur uit naar de laagste prijs.
"""

POLICY = '''beleid "Citaten"

gegevens
  opname : datum
  ontslag : datum
  prijs : bedrag
  regio : tekst

berekening ligdagen "Ligdagen" = ontslag - opname

aanname volgorde "Opname vóór ontslag"
  citaat "Een cliënt wordt opgenomen voordat hij wordt ontslagen."
  ontslag is niet voor opname

aanname verzonnen "Een zin die niet in het document staat"
  citaat "Deze zin staat nergens."
  prijs is ten minste € 0

voorkeur goedkoop "Laagste prijs eerst"
  per regio
  eerst laagste prijs   citaat "Bij gelijke kwaliteit gaat de voorkeur uit naar de laagste prijs."
'''


def test_quotes_of_assumptions_and_rankings_are_checked_against_the_document():
    result = trace(compile_text(POLICY), DOCUMENT, "document.txt")
    owners = {q.rule: q.found for q in result.quotes}
    assert owners == {"volgorde": True, "verzonnen": False, "goedkoop": True}
    assert [q.text for q in result.stale] == ["Deze zin staat nergens."]
