"""DMN import, export and testing: OMG's Decision Model and Notation next to Beleidstaal.

One module, one job: `xml` reads a DMN 1.1–1.5 file into a small neutral model (no meaning yet),
`feel` translates FEEL unary tests and simple expressions into Beleidstaal text, `importer` turns
a DMN model into a readable `.beleid`, `exporter` writes the decisions of a core `Policy` as
DMN 1.3 XML, `tck` reads DMN TCK test files and runs them against an imported model, and `cli`
adds `beleid dmn importeer | exporteer | test` (through the `beleidstaal.opdrachten` entry point).
docs/dmn.md says what is supported and how DMN's meaning is kept.
"""
