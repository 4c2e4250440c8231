"""Notebook cells that hold an `aanname`, a `bekend` record, a `netwerkeis` or a `voorkeur` keep them
in the session's policy (kernel/compose.py), and a later cell replaces them by name."""

from __future__ import annotations

from kernel.session import Session

POLICY = '''beleid "Cellen"

gegevens
  opname : datum
  ontslag : datum
  omzet : bedrag
  regio : tekst
  nachtzorg : ja/nee

beslissing soort "Soort" (eerste treffer)
  als omzet is kleiner dan € 250.000 dan "klein"
  als omzet is groter dan € 250.000 dan "groot"
'''


def _session() -> Session:
    session = Session(display=lambda obj: None)
    session.run_cell(POLICY)
    return session


def test_each_kind_of_item_survives_a_second_cell():
    session = _session()
    session.run_cell('aanname na_opname "Ontslag niet vóór opname"\n  ontslag is niet voor opname')
    session.run_cell('bekend gat in soort  bron "4.2"\n  waar omzet is € 250.000')
    session.run_cell('netwerkeis dekking "Nachtzorg in elke regio"\n  per regio\n'
                     '  vereist ten minste 1 aanbieder waarvoor nachtzorg')
    session.run_cell('voorkeur rang "Grootste eerst"\n  per regio\n  eerst hoogste omzet')
    session.run_cell('gegevens\n  extra : ja/nee')        # another cell that changes the policy
    model = session.state.policy.model
    assert [a.name for a in model.assumptions] == ["na_opname"]
    assert [(k.kind, k.rules) for k in model.known_findings] == [("gat", ("soort",))]
    assert model.network is not None
    text = session.state.source.text
    assert "netwerkeis dekking" in text and "voorkeur rang" in text and "bekend gat in soort" in text


def test_an_assumption_written_again_replaces_the_first():
    session = _session()
    session.run_cell('aanname na_opname "Ontslag niet vóór opname"\n  ontslag is niet voor opname')
    session.run_cell('aanname na_opname "Ontslag na opname"\n  ontslag is na opname')
    model = session.state.policy.model
    assert [a.title for a in model.assumptions] == ["Ontslag na opname"]
