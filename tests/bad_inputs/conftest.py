"""The corpus of bad inputs is data for tests/test_bad_inputs.py, not a set of tests: the
`beleidstaal` pytest plugin would otherwise collect every .beleid file here and run (or fail to
load) its voorbeelden."""

collect_ignore_glob = ["*"]
