"""Beleidstaal: a Dutch policy language compiled to Python predicates."""
